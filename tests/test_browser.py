"""The demo site in a real headless Chromium: filters, search, export, no network, no console
errors, axe-core, a phone-sized viewport, print. Screenshots go to test-artifacts/.

Needs Debian's /usr/bin/chromium: skipped without it locally, a failure when CI is set.
"""

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tidtam.render.urls import agency_path

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
STATUSES = ["done", "in_progress", "cannot", "not_reported"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        why = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(why + "; CI must install it (.ci/run)")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose every request and console error is recorded."""

    def __init__(self, browser, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.outside, self.errors = [], []
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:", "http://127.0.0.1")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, site, rel):
        self.page.goto((site / rel).as_uri())
        if self.page.locator("#tidtam-data").count():
            self.page.wait_for_selector("body[data-ready]", state="attached")
        return self.page

    def close(self):
        self.context.close()
        assert not self.outside, f"requests left the machine: {self.outside[:3]}"
        assert not self.errors, f"console errors: {self.errors[:3]}"


@pytest.fixture
def watched(browser):
    pages = []

    def make(width=1280, height=900):
        pages.append(Watched(browser, width, height))
        return pages[-1]

    yield make
    for w in pages:
        w.close()


@pytest.fixture(scope="module")
def assignments(sample_site):
    frame = pd.read_csv(sample_site / "data" / "assignments.csv", encoding="utf-8-sig",
                        dtype=str, keep_default_na=False)
    return frame


@pytest.fixture(scope="module")
def served(sample_site):
    """The site on http://127.0.0.1 (axe-core reads stylesheets with XHR, which file:// refuses)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(sample_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def shown(page, key):
    return int(page.locator(f'#status-table [data-k="{key}"]').inner_text().replace(",", ""))


def expected_kpis(part):
    counts = part["status"].value_counts()
    by_agency = part.groupby("agency")["status"].apply(lambda s: (s != "not_reported").all())
    return {k: int(counts.get(k, 0)) for k in STATUSES}, int(by_agency.sum()), len(by_agency)


def test_a_filter_changes_the_counts_to_the_right_numbers(watched, sample_site, assignments):
    w = watched()
    page = w.open(sample_site, "index.html")
    assert shown(page, "done") == (assignments["status"] == "done").sum()
    page.select_option("#f-group", label="กรุงเทพใต้")
    part = assignments[assignments["district_group"] == "กรุงเทพใต้"]
    counts, reported, total = expected_kpis(part)
    assert {k: shown(page, k) for k in STATUSES} == counts
    assert page.locator('[data-k="agencies_reported"]').inner_text() == str(reported)
    assert page.locator('[data-k="agencies_total"]').inner_text() == str(total)
    assert page.locator('[data-k="rate"]').inner_text() == f"{reported * 100 / total:.1f}%"
    assert page.locator("#filter-summary").inner_text() == \
        f"แสดง {len(part)} จาก {len(assignments)} รายการ"
    assert page.locator("#t-agencies tbody tr").count() == total
    # a second filter narrows further; the address remembers both
    page.select_option("#f-type", label=page.locator("#f-type option").nth(5).inner_text())
    part = part[part["type_code"] == "1.5"]
    counts, reported, total = expected_kpis(part)
    assert {k: shown(page, k) for k in STATUSES} == counts
    assert "group=" in page.url and "type=4" in page.url
    shot(page, "overview-filtered-1280")
    page.reload()
    assert {k: shown(page, k) for k in STATUSES} == counts
    page.click("#reset")
    page.wait_for_function("document.querySelector('#f-group').value === ''")
    assert shown(page, "done") == (assignments["status"] == "done").sum()


def test_factor_and_fiscal_year_filters(watched, sample_site, assignments):
    page = watched().open(sample_site, "index.html")
    page.select_option("#f-factor", index=2)  # 2.2
    part = assignments[assignments["factor_codes"].str.split(",").map(lambda c: "2.2" in c)]
    assert {k: shown(page, k) for k in STATUSES} == expected_kpis(part)[0]
    page.select_option("#f-status", label="ยังไม่รายงานผลการดำเนินการ")
    part = part[part["status"] == "not_reported"]
    assert shown(page, "not_reported") == len(part) and shown(page, "done") == 0
    cells = page.locator("#t-followup tbody tr td.codes").all_text_contents()
    codes = {code.strip() for cell in cells for code in cell.split(",")}
    assert codes <= set(part["directive_code"])
    # each code links to its directive's page
    links = page.locator("#t-followup tbody td.codes a")
    assert links.count() == sum(len(c.split(",")) for c in cells)
    first = links.first
    assert first.get_attribute("href") == f"directives/{first.text_content()}.html"


def test_search_finds_an_agency(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    page.fill("#q", "บางรัก")
    hit = page.locator("#search-results li.agency a", has_text="สำนักงานเขตบางรัก")
    assert hit.count() == 1
    assert "พบ 1 หน่วยงาน" in page.locator("#search-status").inner_text()
    hit.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "สำนักงานเขตบางรัก"
    assert page.url.endswith(agency_path("สำนักงานเขตบางรัก"))


def test_search_finds_a_directive_by_text(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    page.fill("#q", "2566-1-015")
    assert page.locator("#search-results li.directive a").first.inner_text() == "2566-1-015"


def read_download(download):
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def export_filtered(page, **labels):
    """The overview's filtered CSV with each filter select #f-<key> set to its label:
    (header, rows)."""
    for key, label in labels.items():
        page.select_option(f"#f-{key}", label=label)
    with page.expect_download() as info:
        page.click("#export-filtered")
    rows = read_download(info.value)
    return rows[0], rows[1:]


def test_export_downloads_exactly_the_filtered_rows(watched, sample_site, assignments):
    page = watched().open(sample_site, "index.html")
    header, body = export_filtered(page, inspector="นางสาวอรุณี บุญมี",
                                   status="ยังไม่รายงานผลการดำเนินการ")
    part = assignments[(assignments["inspector"] == "นางสาวอรุณี บุญมี")
                       & (assignments["status"] == "not_reported")]
    code, agency = header.index("รหัสข้อสั่งการ"), header.index("หน่วยงาน")  # for people
    got = {(r[code], r[agency]) for r in body}
    assert len(body) == len(part) > 0
    assert got == set(zip(part["directive_code"], part["agency"], strict=True))
    overdue = {(r[code], r[agency]): int(r[header.index("เกินกำหนด (วัน)")]) for r in body}
    assert overdue == {(d, a): int(o) for d, a, o in
                       zip(part["directive_code"], part["agency"], part["days_overdue"],
                           strict=True)}


def test_table_export_neutralizes_and_matches_the_table(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    page.select_option("#f-group", label="กรุงเทพเหนือ")
    with page.expect_download() as info:
        page.click('[data-csv-table="t-agencies"]')
    rows = read_download(info.value)
    assert len(rows) - 1 == page.locator("#t-agencies tbody tr").count()
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_sortable_table_by_keyboard(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    button = page.locator("#t-agencies thead th").nth(7).locator("button")  # max overdue
    button.focus()
    page.keyboard.press("Enter")
    values = [int(v.replace(",", "")) for v in
              page.locator("#t-agencies tbody tr td:nth-of-type(7)").all_text_contents()]
    assert values == sorted(values)
    assert page.locator("#t-agencies thead th").nth(7).get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    values = [int(v.replace(",", "")) for v in
              page.locator("#t-agencies tbody tr td:nth-of-type(7)").all_text_contents()]
    assert values == sorted(values, reverse=True)


def test_keyboard_reaches_the_skip_link_then_the_content(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # Following the link is asynchronous: wait for it (a broken link never gets there).
    page.wait_for_function("location.hash === '#main'", timeout=5000)
    assert page.url.endswith("#main")


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("rel", ["index.html", agency_path("สำนักงานเขตบางรัก"),
                                 "directives/2566-1-015.html", "followup.html", "matrix.html"])
def test_axe_finds_no_serious_violation(watched, served, rel):
    page = watched().page
    page.goto(f"{served}/{rel}")
    assert axe_violations(page) == []


@pytest.mark.parametrize("rel", ["index.html", agency_path("สำนักงานเขตบางรัก"), "followup.html",
                                 "matrix.html", "summary.html", "quality.html"])
def test_a_phone_has_no_horizontal_page_scroll(watched, sample_site, rel):
    page = watched(375, 800).open(sample_site, rel)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{rel} is {width}px wide"
    if rel == "index.html" or rel.startswith("agencies/"):
        shot(page, f"{rel.split('/')[0].replace('.html', '')}-375")


def test_print_hides_controls_and_stamps_filters(watched, sample_site):
    page = watched().open(sample_site, "index.html")
    page.select_option("#f-group", label="กรุงเทพใต้")
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert not page.locator(".sitenav").is_visible()
    stamp = page.locator(".print-stamp")
    assert stamp.is_visible()
    assert "31 ก.ค. 2567" in stamp.inner_text() and "กลุ่มเขต กรุงเทพใต้" in stamp.inner_text()


def test_agency_page_prints_every_report(watched, sample_site):
    page = watched().open(sample_site, agency_path("สำนักงานเขตบางรัก"))
    shot(page, "agency-1280")
    closed = page.locator("details:not([open])").count()
    assert closed > 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0


def test_standalone_overview_works_alone(watched, sample_site, tmp_path, assignments):
    alone = tmp_path / "alone.html"
    alone.write_bytes((sample_site / "tidtam-overview.html").read_bytes())
    w = watched()
    page = w.page
    page.goto(alone.as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    page.select_option("#f-status", label="ดำเนินการแล้ว")
    assert shown(page, "done") == (assignments["status"] == "done").sum()
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in family
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ภาษาไทย')")


def test_thai_font_is_loaded_on_a_subpage(watched, sample_site):
    page = watched().open(sample_site, agency_path("สำนักงานเขตบางรัก"))
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded')"
                           ".map(f => f.family)")
    assert any("Sarabun" in f for f in loaded)


def test_hostile_text_never_runs(watched, tmp_path, config):
    from conftest import AS_OF, SAMPLE
    from hostile import PWN

    from tidtam.core.model import RawSheet
    from tidtam.pipeline import build
    from tidtam.sync.files import read_source

    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    col = {t: i for i, t in enumerate(base.header)}
    template = next(r for r in base.rows if r[col["หน่วยงาน"]] == "เขตบางรัก")
    rows = list(base.rows)
    for text in PWN:
        row = list(template)
        for title in ("ผลการดำเนินการ", "ปัญหาอุปสรรค", "เอกสารแนบ"):
            row[col[title]] = text
        rows.append(row)
        rows.append([*template[:col["หน่วยงาน"]], text, *template[col["หน่วยงาน"] + 1:]])
    sheets["responses"] = RawSheet("responses", base.title, base.header, rows)
    build(sheets, config, tmp_path / "s", AS_OF)
    w = watched()
    for rel in ("index.html", agency_path("สำนักงานเขตบางรัก"), "quality.html"):
        page = w.open(tmp_path / "s", rel)
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.locator("main a").first.hover()
        assert page.evaluate("window.__pwned === undefined"), rel
    data = json.loads(w.open(tmp_path / "s", "index.html")
                      .locator("#tidtam-data").inner_text())
    assert data["a"]


def test_build_pdf_writes_the_summary(browser, tmp_path):
    import subprocess
    import sys

    from conftest import SAMPLE

    # In its own process: Playwright's sync API does not nest inside this module's browser.
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "tidtam", "build", "--source",
                           str(SAMPLE / "data"), "--out", str(out), "--as-of", "2024-07-31",
                           "--pdf"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    pdf = (out / "tidtam-summary.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2  # several A4 pages
    assert (out / "tidtam-summary.pdf").stat().st_mode & 0o044 == 0o044  # readable on a web root
    # The Thai text itself, as poppler extracts it (sara am, tone marks, B.E. date intact).
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing; .ci/run must install it")
        pytest.skip("pdftotext (apt-get install poppler-utils) checks the PDF's Thai text")
    text = subprocess.run([pdftotext, "-l", "1", str(out / "tidtam-summary.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for expected in ("บทสรุปผู้บริหาร", "ข้อมูล ณ วันที่ 31 ก.ค. 2567", "ตัวชี้วัดความสำเร็จ",
                     "ร้อยละความพึงพอใจของผู้ใช้นวัตกรรม"):
        assert expected in text, expected
