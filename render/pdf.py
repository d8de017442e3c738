"""The executive summary as an A4 PDF, printed by headless Chromium (correct Thai shaping).

Chromium prints the page exactly as a person's "Print > Save as PDF" would, with the site's
print stylesheet and the embedded Sarabun font, so Thai vowels and tone marks stack right.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tidtam.core.errors import TidtamError
from tidtam.render import atomic

PDF_FILE = "tidtam-summary.pdf"
CHROMIUM = Path(os.environ.get("TIDTAM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class PdfError(TidtamError):
    """The PDF could not be written (no Chromium, no Playwright, or printing failed)."""


def write_summary_pdf(site: Path, page: str = "summary.html", name: str = PDF_FILE) -> Path:
    """Print ``site/page`` to ``site/name`` (A4, backgrounds on); returns the PDF's path."""
    source = site / page
    if not source.is_file():
        raise PdfError(f"cannot write the PDF: {source} does not exist; build the site first")
    with chromium_tab() as tab:
        tab.goto(source.resolve().as_uri(), wait_until="load")
        data = print_tab(tab)
    target = site / name
    atomic.write_bytes(target, data)
    target.chmod(0o644)  # a web root must be readable (the temp file was 0600)
    return target


@contextmanager
def chromium_tab() -> Iterator[Any]:
    """A tab of headless Chromium (Playwright) that loads nothing but local files and
    inline data; PdfError when Chromium or Playwright is missing or Chromium fails."""
    if not CHROMIUM.is_file():
        raise PdfError(f"cannot write the PDF: no Chromium at {CHROMIUM}; install it "
                       "(apt-get install chromium) or set TIDTAM_CHROMIUM, or build without --pdf")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise PdfError("cannot write the PDF: the playwright package is not installed "
                       "(pip install playwright)") from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page()
                tab.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(("file://", "data:"))
                          else route.abort())
                yield tab
            finally:
                browser.close()
    except Error as exc:
        raise PdfError(f"cannot write the PDF: Chromium failed ({exc.message.splitlines()[0]})"
                       ) from None


def print_tab(tab: Any) -> bytes:
    """The loaded page of ``tab`` as an A4 PDF (fonts loaded, print media, backgrounds on,
    the page's own @page size and margins)."""
    tab.evaluate("document.fonts.ready")
    tab.emulate_media(media="print")
    return tab.pdf(format="A4", print_background=True, prefer_css_page_size=True)
