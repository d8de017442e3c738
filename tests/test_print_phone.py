"""Print and phone (issue 14, points 4 and 5), in a real headless Chromium, on every page type.

The site is the sample built four times with a history (April to July 2024), so the trend,
changes and meeting pages exist. At 390 px: no page scrolls sideways, and every table fits its
box or sits in a designated scroll box (`.scroll`, scrolling sideways) whose first column
stays put. Under print media: every table header has visible text. Printed to A4: the
executive summary on at most two pages, numbered pages, repeated table headers with text,
tables that start on the first page, attachment addresses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tidtam.cli import cli
from tidtam.render.urls import agency_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "data"
MONTHS = ["2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31"]

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AGENCY = agency_path("สำนักงานเขตบางรัก")

# Every page type; "first:<folder>" is the first page of that folder other than its index.
PAGE_TYPES = {
    "index": "index.html", "summary": "summary.html", "followup": "followup.html",
    "quality": "quality.html", "satisfaction": "satisfaction.html", "trend": "trend.html",
    "changes": "changes.html", "matrix": "matrix.html", "escalation": "escalation.html",
    "meeting-index": "meeting/index.html", "meeting": "first:meeting",
    "inspectors-index": "inspectors/index.html", "inspector": "first:inspectors",
    "agency": AGENCY, "directive": "first:directives", "overview-file": "tidtam-overview.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample built month by month with --record, so every page type exists."""
    out = tmp_path_factory.mktemp("printphone")
    # A copy of config/: the run lock lives beside it, so this never waits on another run.
    shutil.copytree(ROOT / "config", out / "config")
    for month in MONTHS:
        result = CliRunner().invoke(cli, [
            "build", "--source", str(SAMPLE), "--config", str(out / "config"), "--as-of", month,
            "--out", str(out / "site"), "--record", "--history", str(out / "history.sqlite")])
        assert result.exit_code == 0, result.output
    return out / "site"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def resolve(site: Path, rel: str) -> str:
    if rel.startswith("first:"):
        folder = rel.split(":", 1)[1]
        pages = sorted(p for p in (site / folder).glob("*.html") if p.name != "index.html")
        assert pages, f"no page in {folder}/"
        return pages[0].relative_to(site).as_posix()
    assert (site / rel).is_file(), f"{rel} was not built"
    return rel


def open_page(browser, site: Path, rel: str, width: int, height: int = 844):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto((site / resolve(site, rel)).as_uri())
    if page.locator("#tidtam-data").count():
        page.wait_for_selector("body[data-ready]", state="attached")
    # Sections below the fold are laid out only near the viewport; measure them all.
    page.add_style_tag(content=".later{content-visibility:visible!important}")
    return context, page


# Each table either fits its parent, or its parent is the designated sideways scroll box:
# a .scroll that scrolls, inside the viewport, whose rows keep their first cell in place, and
# that the keyboard can reach (to scroll it).
PHONE_TABLES = """() => {
  const bad = [];
  for (const t of document.querySelectorAll('table')) {
    const r = t.getBoundingClientRect();
    if (!t.getClientRects().length || r.width <= 1 || t.closest('.sr-only,[hidden]')) continue;
    const box = t.parentElement, name = t.id || t.className || '(table)';
    if (t.scrollWidth <= box.clientWidth + 1) continue;
    const ox = getComputedStyle(box).overflowX;
    const rows = [...t.rows].filter(row => row.cells.length);
    const loose = rows.filter(row => getComputedStyle(row.cells[0]).position !== 'sticky');
    if (!box.classList.contains('scroll') || !['auto', 'scroll'].includes(ox))
      bad.push(`${name}: ${t.scrollWidth}px in a ${box.clientWidth}px box that does not scroll`);
    else if (loose.length)
      bad.push(`${name}: scrolls sideways but ${loose.length} rows' first cell is not sticky`);
    else if (box.getBoundingClientRect().right > innerWidth + 1)
      bad.push(`${name}: its scroll box runs past the screen`);
    else if (!(box.tabIndex >= 0 || box.querySelector('a[href], button, [tabindex]')))
      bad.push(`${name}: its scroll box cannot be reached from the keyboard`);
  }
  return bad;
}"""

# A number is never cut: no numeric cell clips its own text.
CUT_NUMBERS = """() => [...document.querySelectorAll('td.num, th.num')]
  .filter(c => c.getClientRects().length && !c.closest('.sr-only,[hidden]'))
  .filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => c.innerText).slice(0, 5)"""

# District-group names on one line each (Thai breaks inside "กรุงเทพตะวันออก" otherwise).
GROUP_LINES = """() => {
  const cells = document.querySelectorAll(
    '[data-label="กลุ่มเขต"], .fu-table td.grp, .page-index #t-groups tbody th, ' +
    '#t-summary-groups tbody th, .page-index #t-agencies tbody td:nth-child(2), ' +
    '#t-matrix-groups thead th');
  const broken = [];
  for (const c of cells) {
    if (!c.getClientRects().length || c.closest('[hidden]')) continue;
    const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || getComputedStyle(n.parentElement).display === 'none') continue;
      const range = document.createRange(); range.selectNodeContents(n);
      for (const rect of range.getClientRects()) if (rect.width) tops.add(Math.round(rect.top));
    }
    if (tops.size > 1) broken.push(c.innerText);
  }
  return broken.slice(0, 5);
}"""


@pytest.mark.parametrize("rel", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_phone_nothing_scrolls_sideways(browser, site, rel):
    context, page = open_page(browser, site, rel, 390)
    try:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= page.evaluate("innerWidth"), f"the page is {width}px wide at 390px"
        assert page.evaluate(PHONE_TABLES) == []
        assert page.evaluate(CUT_NUMBERS) == []
        assert page.evaluate(GROUP_LINES) == []
    finally:
        context.close()


@pytest.mark.parametrize("rel", ["index.html", AGENCY], ids=["index", "agency"])
def test_phone_navigation_shows_that_it_scrolls(browser, site, rel):
    context, page = open_page(browser, site, rel, 390)
    try:
        wraps, hint = page.evaluate("""() => { const ul = document.querySelector('.sitenav ul');
          return [ul.scrollWidth <= ul.clientWidth + 1,
                  getComputedStyle(ul, '::after').content]; }""")
        assert wraps or hint not in ("none", "normal", ""), "the cut navigation gives no sign"
    finally:
        context.close()


def test_phone_agency_rows_are_labelled_cards(browser, site):
    """What an agency owes is on screen: each cell of its assignment table says its column."""
    context, page = open_page(browser, site, AGENCY, 390)
    try:
        headers = page.eval_on_selector_all("#t-assignments thead th",
                                            "hs => hs.map(h => h.innerText.trim())")
        labels = page.eval_on_selector_all("#t-assignments tbody tr:first-child td[data-label]",
                                           "ds => ds.map(d => d.dataset.label)")
        assert labels and set(labels) <= set(headers)
        first = page.locator("#t-assignments tbody tr").first.bounding_box()
        assert first["x"] >= 0 and first["x"] + first["width"] <= 390
    finally:
        context.close()


PRINT_HEADERS = """() => {
  const bad = [];
  for (const t of document.querySelectorAll('table')) {
    if (!t.getClientRects().length || t.closest('[hidden]')) continue;
    for (const th of t.querySelectorAll('th')) {
      if (!(th.innerText || '').trim() || th.offsetHeight <= 0)
        bad.push(`${t.id || t.className || '(table)'}: "${th.textContent.trim()}"`);
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("rel", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_print_every_table_header_has_text(browser, site, rel):
    context, page = open_page(browser, site, rel, 1280)
    try:
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        assert page.evaluate(PRINT_HEADERS) == []
        assert not page.locator("footer.footer").is_visible()
        assert page.locator(".actions button:visible, .actions .button:visible").count() == 0
    finally:
        context.close()


# The width of an A4 page's text in CSS pixels (210 mm less the 12 mm margins each side).
A4_TEXT_PX = 703


def test_print_the_agency_matrix_fits_the_page(browser, site):
    """On paper the wide agency × type matrix is no longer cut after its 1.10 column: its
    bars shrink to their column, so the whole table (its total too) fits the page."""
    context, page = open_page(browser, site, "matrix.html", A4_TEXT_PX, 900)
    try:
        page.emulate_media(media="print")
        width = page.evaluate("document.querySelector('#t-matrix-agencies').scrollWidth")
        assert width <= A4_TEXT_PX
        page.emulate_media(media="screen")  # on screen its bars keep a readable width
        assert page.evaluate(
            "document.querySelector('#t-matrix-agencies .sbar.small').offsetWidth") >= 80
    finally:
        context.close()


def printed(browser, site: Path, rel: str, pdf: Path) -> list[str]:
    """The page printed to A4 as the print dialog would; the text of each page."""
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils)")
    context, page = open_page(browser, site, rel, 1280, 900)
    try:
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4")
    finally:
        context.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


def test_print_summary_fits_two_numbered_a4_pages(browser, site, tmp_path):
    pages = printed(browser, site, "summary.html", tmp_path / "summary.pdf")
    assert len(pages) <= 2, f"the executive summary prints on {len(pages)} pages"
    assert "หน้า 1" in pages[0]
    assert f"หน้า {len(pages)} / {len(pages)}" in pages[-1]


def test_print_followup_starts_on_page_one_and_repeats_its_headers(browser, site, tmp_path):
    pages = printed(browser, site, "followup.html", tmp_path / "followup.pdf")
    assert len(pages) > 1
    first = pages[0]
    assert "หน้า 1 / " in first
    # The first table's header and rows are on page one, not pushed after a blank page.
    assert "หน่วยงาน" in first and "กลุ่มเขต" in first and "เกินกำหนด" in first
    assert first.count("2566-") >= 5, "the follow-up list does not start on the first page"
    # A page the table runs on to repeats the header with its text.
    assert "กลุ่มเขต" in pages[1].split("2566-")[0]


def test_print_agency_table_on_page_one_and_attachment_addresses(browser, site, tmp_path):
    pages = printed(browser, site, AGENCY, tmp_path / "agency.pdf")
    text = "\n".join(pages)
    heading = "ข้อสั่งการที่ได้รับมอบหมาย"
    assert heading in pages[0] and "2566-" in pages[0].split(heading, 1)[1], \
        "the assignment table does not start on page one"
    assert re.search(r"ไฟล์แนบ 1\s*\(https?://", text), "attachments print without their address"
    assert "หน้า 1 / " in pages[0]


@pytest.fixture(scope="module")
def served(site):
    """The site on http://127.0.0.1 (axe-core reads stylesheets with XHR, which file:// refuses)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("rel", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_axe_clean_on_every_page_type(browser, site, served, rel, width):
    """The phone layout (cards, sticky columns, the navigation hint) keeps axe clean."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{served}/{resolve(site, rel)}")
        if page.locator("#tidtam-data").count():
            page.wait_for_selector("body[data-ready]", state="attached")
        result = Axe().run(page)
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == []
    finally:
        context.close()
