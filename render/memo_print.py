"""Memos as PDF: templates/memo.html (the bundled Sarabun inside) printed by Chromium, one
PDF per memo and one of them all, each memo starting on a new page."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from markupsafe import Markup

from tidtam.core.config import Taxonomy
from tidtam.render.formats import qr_svg as _qr_svg
from tidtam.render.html import environment, font_faces
from tidtam.render.memos import Memo
from tidtam.render.pdf import chromium_tab, print_tab

TEMPLATE = "memo.html"
Log = Callable[[str], None]


def qr_svg(link: str) -> Markup:
    """A QR code of ``link`` as inline SVG filling its box in the memo (formats.qr_svg)."""
    return _qr_svg(link, scale=4, sized=False)


def _html_items(memo: Memo) -> list[dict]:
    """The memo's rows with a QR code beside each link."""
    return [{**item, "qr_svg": qr_svg(item["link"]) if item["link"] else ""}
            for item in memo.context["items"]]


def memos_html(memos: Sequence[Memo], taxonomy: Taxonomy, css: str | None = None) -> str:
    """One HTML document of ``memos`` (autoescaped: typed text is never markup)."""
    env = environment(taxonomy)
    contexts = [{**m.context, "items": _html_items(m)} for m in memos]
    return env.get_template(TEMPLATE).render(
        memos=contexts, css=Markup(font_faces() if css is None else css))


def print_memos(memos: Sequence[Memo], taxonomy: Taxonomy, log: Log,
                every: int = 10) -> tuple[list[bytes], bytes]:
    """Each memo's PDF, in order, and the combined PDF of them all (one Chromium)."""
    css = font_faces()
    pdfs: list[bytes] = []
    started = time.perf_counter()
    with chromium_tab() as tab:
        for n, memo in enumerate(memos, 1):
            tab.set_content(memos_html([memo], taxonomy, css), wait_until="load")
            pdfs.append(print_tab(tab))
            if n % every == 0 or n == len(memos):
                log(f"memos: {n}/{len(memos)} PDFs printed "
                    f"({time.perf_counter() - started:.1f}s)")
        tab.set_content(memos_html(memos, taxonomy, css), wait_until="load")
        combined = print_tab(tab)
    return pdfs, combined
