"""The words and the emphasis of the pages inspectors read (issue 14, points 8 and 9).

Over every page of a site built with history (so the trend and changes pages exist): the
glossary's words (../shared/glossary.th.md) and never its "not" forms; no file paths,
command names, config keys or English outside the quality page's staff section; the
masthead; numbers as the glossary writes them; chart descriptions in Thai. Then the status
colours: text on them meets WCAG AA, site.css draws the same colours, and not reported (the
state to act on) stands out while "cannot" is no alarm red. Last, in Chromium: with the
status filter on "cannot" the reporting card no longer claims to meet its target.
"""

from __future__ import annotations

import colorsys
import re
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import SAMPLE

from tidtam.cli import cli
from tidtam.core.paths import STATIC_DIR
from tidtam.render.formats import STATUS_COLORS, STATUS_TEXT_COLORS

# The glossary's "not" column: words that must not appear on a page.
NOT_FORMS = {
    "การมอบหมาย": "รายการ (count noun) / รายการที่มอบหมาย",
    "ถูกกัก": "แถวที่ไม่ผ่านการตรวจสอบ",
    "เมทริกซ์": "ตารางสรุปตามประเภทข้อสั่งการและกลุ่มเขต",
    "สรุปสำหรับผู้บริหาร": "บทสรุปผู้บริหาร",
    "รอบที่": "การปรับปรุงข้อมูล / ปรับปรุงเมื่อ ... (รอบ is the inspection round)",
}
# Staff details: on the quality page's staff section and in the operator's guide only.
STAFF_MARKS = ("tidtam", ".yaml", ".csv", ".json", "config/", "sync", "--")
# Latin words a page may show besides the data's own: file formats beside download links,
# and the products staff work in.
LATIN_OK = {"CSV", "XLSX", "PDF", "Google", "Sheets", "Excel"}
LATIN = re.compile(r"[A-Za-z][A-Za-z]+")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample recorded as of two dates into a history, as `make demo` does."""
    tmp = tmp_path_factory.mktemp("words")
    out, history = tmp / "site", tmp / "history.sqlite"
    runner = CliRunner()
    for day in ("2024-05-31", "2024-07-31"):
        result = runner.invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--as-of", day,
                                     "--out", str(out), "--record", "--history", str(history)])
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    pages = {str(p.relative_to(site)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in sorted(site.rglob("*.html"))}
    for must in ("index.html", "trend.html", "changes.html", "quality.html", "summary.html",
                 "matrix.html", "satisfaction.html", "followup.html"):
        assert must in pages
    return pages


def visible(page: BeautifulSoup, staff: bool = False, typed: bool = True) -> str:
    """The text a reader sees: no scripts or styles; without the staff section unless
    ``staff``; without what people typed (``.typed``) unless ``typed``."""
    page = BeautifulSoup(str(page), "html.parser")
    for node in page(["script", "style"]):
        node.decompose()
    if not staff:
        for node in page.select("details.staff"):
            node.decompose()
    if not typed:
        for node in page.select(".typed"):
            node.decompose()
    return re.sub(r"\s+", " ", page.get_text(" "))


def data_words() -> set[str]:
    """Latin words of the sample's own data (names, e-mail addresses, typed text, the
    standard's labels such as "software"): shown as the data says, not the dashboard's."""
    words = set()
    for path in (SAMPLE / "data").iterdir():
        words |= set(LATIN.findall(path.read_text(encoding="utf-8", errors="replace")))
    from tidtam.core.config import load_config

    taxonomy = load_config().taxonomy
    for item in [*taxonomy.directive_types, *taxonomy.impact_factors, *taxonomy.statuses]:
        words |= set(LATIN.findall(item.label))
    return words


def offenders(pages, find) -> dict[str, list[str]]:
    out = {}
    for rel, page in pages.items():
        found = find(rel, page)
        if found:
            out[rel] = found[:5]
    return out


def context(text: str, word: str) -> list[str]:
    return [text[max(0, i - 30): i + len(word) + 30]
            for i in (m.start() for m in re.finditer(re.escape(word), text))]


def test_no_glossary_not_form_on_any_page(pages):
    def find(rel, page):
        text = visible(page, staff=True)
        text = text.replace("บทสรุปผู้บริหาร", "")
        hits = [hit for word in NOT_FORMS for hit in context(text, word)]
        if "สรุปผู้บริหาร" in text:
            hits += context(text, "สรุปผู้บริหาร")
        return hits

    assert not offenders(pages, find)


def test_glossary_words_are_used(pages):
    index = visible(pages["index.html"])
    assert "384 รายการ" in index and "ร้อยละของรายการที่รายงานผลแล้ว" in index
    assert "บทสรุปผู้บริหาร" in visible(pages["summary.html"])
    assert "แถวที่ไม่ผ่านการตรวจสอบ" in visible(pages["quality.html"])
    nav = [a.get_text(strip=True) for a in pages["index.html"].select(".sitenav a")]
    assert "บทสรุปผู้บริหาร" in nav and "ตารางสรุป" in nav
    assert "ตารางสรุปตามประเภทข้อสั่งการและกลุ่มเขต" in visible(pages["matrix.html"])
    assert "ปรับปรุงเมื่อ" in visible(pages["summary.html"])  # the change since the last update


def test_no_staff_detail_outside_the_staff_section(pages):
    def find(rel, page):
        text = visible(page, typed=False).lower()
        return [hit for mark in STAFF_MARKS for hit in context(text, mark)]

    assert not offenders(pages, find)


def test_the_quality_page_keeps_staff_details_in_a_collapsed_section(pages):
    staff = pages["quality.html"].select("details.staff")
    assert len(staff) == 1 and not staff[0].has_attr("open")
    assert staff[0].summary.get_text(strip=True) == "สำหรับเจ้าหน้าที่ผู้ดูแลระบบ"
    text = staff[0].get_text(" ")
    for detail in ("config/form.yaml", "config/agencies.yaml", "tidtam sync", "data/kpis.json"):
        assert detail in text


def test_no_english_on_pages_inspectors_read(pages):
    allowed = LATIN_OK | data_words()

    def find(rel, page):
        page = BeautifulSoup(str(page), "html.parser")
        for node in page.select('.fontnote [lang="en"]'):  # the font's name and licence
            node.decompose()
        return sorted(set(LATIN.findall(visible(page))) - allowed)

    assert not offenders(pages, find)


def test_masthead_names_the_directives_fiscal_year(pages):
    for rel, page in pages.items():
        asof = page.select_one(".masthead .asof")
        if asof is None:
            continue
        text = re.sub(r"\s+", " ", asof.get_text(" "))
        assert text.startswith("ข้อมูล ณ วันที่ "), rel
        assert "ข้อสั่งการปีงบประมาณ พ.ศ. 2566" in text, (rel, text)


def test_numbers_as_the_glossary_writes_them(pages):
    satisfaction = visible(pages["satisfaction.html"])
    assert re.search(r"\b\d\.\d\d จาก 4\b", satisfaction)

    def find(rel, page):
        text = visible(page, typed=False)
        return (re.findall(r"\d+\.\d{2,}\s?%", text)            # percentages: one decimal
                + re.findall(r"\b\d+\.(?:\d|\d{3,}) จาก 4\b", text)  # mean scores: two
                + re.findall(r"\b\d+\.\d{3,}\b", text))           # nothing longer

    assert not offenders(pages, find)


def test_chart_descriptions_are_thai(pages):
    charts = 0
    for rel, page in pages.items():
        for svg in page.select("svg.marks"):  # what vl-convert draws
            charts += 1
            assert svg.get("role") == "img", rel
            label = svg["aria-label"]
            assert re.search("[\u0e00-\u0e7f]", label), (rel, label)
            assert not svg.select("[aria-roledescription], [aria-label]"), rel
            assert not set(LATIN.findall(label)) - data_words() - LATIN_OK, (rel, label)
    assert charts >= 4  # the overview's, the summary's and the trend page's


# -- emphasis: the status colours ----------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hls(colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))


def hue(colour: str) -> float:
    return _hls(colour)[0] * 360


def saturation(colour: str) -> float:
    return _hls(colour)[2]


@pytest.mark.parametrize("key", STATUS_COLORS)
def test_text_on_each_status_colour_meets_wcag_aa(key):
    assert contrast(STATUS_COLORS[key], STATUS_TEXT_COLORS[key]) >= 4.5


def test_site_css_draws_the_same_status_colours():
    css = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    for key, colour in STATUS_COLORS.items():
        defined = re.findall(rf"--{key}:(#[0-9A-Fa-f]{{6}})", css)
        assert defined and defined[-1].upper() == colour.upper(), key  # the last one wins
        texts = re.findall(rf"\.st-{key}\{{[^}}]*?color:(#[0-9A-Fa-f]{{3,6}})", css)
        text = texts[-1].upper()
        text = "#" + "".join(c * 2 for c in text[1:]) if len(text) == 4 else text
        assert text == STATUS_TEXT_COLORS[key].upper(), key


def test_not_reported_stands_out_and_cannot_is_no_alarm_red():
    page = "#FFFFFF"
    # Not reported is drawn as strongly as done against the page (no faint grey) ...
    assert contrast(STATUS_COLORS["not_reported"], page) >= 4.5
    # ... in the alarm colour, a saturated red (no other status is red) ...
    reds = [k for k, c in STATUS_COLORS.items() if hue(c) <= 20 or hue(c) >= 340]
    assert reds == ["not_reported"] and saturation(STATUS_COLORS["not_reported"]) >= 0.6
    # ... and "cannot" is neither red nor pink (hue well away from 0 degrees).
    assert 60 <= hue(STATUS_COLORS["cannot"]) <= 300
    # Four colours that stay apart in a grey print.
    levels = sorted(luminance(c) for c in STATUS_COLORS.values())
    assert min(b - a for a, b in pairwise(levels)) >= 0.08


# -- the reporting card under a status filter (Chromium) -----------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
def test_reporting_card_says_what_it_counts_under_a_status_filter(site):
    if not CHROMIUM.is_file():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto((site / "index.html").as_uri())
            page.wait_for_selector("body[data-ready]", state="attached")
            card = page.locator("#kpi-rate")
            assert "เป้าหมาย" in card.inner_text()
            page.select_option("#f-status", label="ไม่สามารถดำเนินการได้")
            text = card.inner_text()
            assert "ผ่านเป้าหมาย" not in text and "ต่ำกว่าเป้าหมาย" not in text
            assert "100.0%" not in text
            assert "เฉพาะสถานะ ไม่สามารถดำเนินการได้" in text
            assert "เฉพาะสถานะ ไม่สามารถดำเนินการได้" in page.locator("#kpi-assign").inner_text()
            assert "met" not in (card.get_attribute("class") or "").split()
            # without the filter the card compares with its target again
            page.select_option("#f-status", index=0)
            text = card.inner_text()
            assert "เป้าหมาย" in text and "เฉพาะสถานะ" not in text
        finally:
            browser.close()
