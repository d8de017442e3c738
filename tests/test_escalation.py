"""The escalation page (issue 14, point 1): every "cannot" with the agency's own words, the
in-progress items that report obstacles, the obstacle factor x directive type table, the
agency's words on the directive page, and the overview's obstacle factor filter.

Expectations come from the built site's own data files (data/assignments.csv and the latest
report of each in data/reports.csv), never from the code under test.
"""

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE
from test_browser import Watched, axe_violations, browser, served  # noqa: F401 (fixtures)

from tidtam.core.model import RawSheet
from tidtam.render.urls import directive_path

FACTORS = ["2.1", "2.2", "2.3", "2.4", "2.5"]
# section -> which assignments (with their latest report's words) it holds
SECTIONS = {
    "cannot": lambda a: a["status"] == "cannot",
    "obstacles": lambda a: (a["status"] == "in_progress")
    & ((a["obstacles"].str.strip() != "") | (a["obstacle_factors"] != "")
       | (a["obstacle_factors_other"].str.strip() != "")),
}


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def soup(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def factor_keys(row) -> list[str]:
    keys = [c for c in row["obstacle_factors"].split(",") if c]
    if row["obstacle_factors_other"].strip():
        keys.append("other")
    return keys or ["none"]


@pytest.fixture(scope="module")
def words(sample_site):
    """Each assignment with its latest report's words, from the published CSV files."""
    a = read_csv(sample_site / "data" / "assignments.csv")
    r = read_csv(sample_site / "data" / "reports.csv").set_index("report_id")
    for column in ("result", "obstacles", "obstacle_factors", "obstacle_factors_other"):
        a[column] = a["latest_report_id"].map(r[column]).fillna("")
    a["group"] = a["district_group"].replace("", "สำนัก/หน่วยงานส่วนกลาง")
    a["keys"] = a.apply(factor_keys, axis=1)
    return a


@pytest.fixture(scope="module")
def page(sample_site):
    return soup(sample_site, "escalation.html")


def listed(page, key):
    """(code, agency) -> the item's article, for one section."""
    return {(art["data-code"], art.select_one("h4 a").get_text(strip=True)): art
            for art in page.select(f"#s-{key} article.esc-item")}


@pytest.mark.parametrize("key", SECTIONS)
def test_each_section_holds_exactly_its_assignments_with_their_words(page, words, key):
    want = words[SECTIONS[key](words)]
    if key == "cannot":
        assert len(want) == (words["status"] == "cannot").sum() > 0
    items = listed(page, key)
    assert len(items) == len(want)
    assert set(items) == set(zip(want["directive_code"], want["agency"], strict=True))
    assert page.select_one(f"#s-{key} [data-esc-count]").get_text() == f"{len(want):,}"
    for rec in want.to_dict("records"):
        art = items[(rec["directive_code"], rec["agency"])]
        assert art.select_one(".esc-result").get_text() == (rec["result"] or "-")
        assert art.select_one(".esc-obstacles").get_text() == (rec["obstacles"] or "-")
        assert art["data-factors"].split() == rec["keys"]
        assert art["data-type"] == rec["type_code"]
        # the filters read the group and inspector from the item's own words
        assert art.select_one(".esc-meta .grp").get_text() == rec["group"]
        assert art.select_one(".esc-meta .insp").get_text() == (rec["inspector"] or "-")
        for code in rec["obstacle_factors"].split(","):
            assert not code or code in art.select_one(".esc-factors").get_text()
        # the directive: its code links to its page, its text and type are there
        block = art.find_parent("section", class_="esc-directive")
        link = block.select_one("h3 a")
        assert link.get_text() == rec["directive_code"]
        assert link["href"] == directive_path(rec["directive_code"])
        assert rec["type_code"] in block.select_one(".esc-meta").get_text()


def test_the_factor_by_type_table_equals_a_recount(page, words):
    items = pd.concat([words[rule(words)] for rule in SECTIONS.values()])
    table = page.select_one("#t-obstacles")
    columns = [th["data-factor"] for th in table.select("thead th[data-factor]")]
    long = items[["type_code", "keys"]].explode("keys")
    assert set(columns) == set(long["keys"])
    for tr in table.select("tbody tr"):
        t = tr["data-type"]
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        want = [int(((long["type_code"] == t) & (long["keys"] == k)).sum()) for k in columns]
        assert [0 if c == "-" else int(c) for c in cells[:-1]] == want, t
        assert int(cells[-1]) == (items["type_code"] == t).sum(), t
    assert {tr["data-type"] for tr in table.select("tbody tr")} == set(items["type_code"])
    foot = [int(td.get_text(strip=True)) for td in table.select("tfoot td")]
    assert foot[:-1] == [int((long["keys"] == k).sum()) for k in columns]
    assert foot[-1] == len(items)


def test_directive_page_shows_each_agencys_latest_words(sample_site, words):
    code = words.loc[words["status"] == "cannot", "directive_code"].iloc[0]
    page = soup(sample_site, directive_path(code))
    rows = {tr.select_one("th").get_text(strip=True): tr
            for tr in page.select("#t-agencies tbody tr")}
    for rec in words[words["directive_code"] == code].to_dict("records"):
        cell = rows[rec["agency"]].select_one("td.words")
        for text in (rec["result"], rec["obstacles"]):
            assert text in cell.get_text()
        if not rec["result"] and not rec["obstacles"]:
            assert cell.get_text(strip=True) == "-"


# --- hostile and long text in a tiny source ---------------------------------------------
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
OTHER = '<img src=x onerror="alert(2)">'
LONG = "ก" * 280 + " <b>ตัวหนา</b> " + "ข" * 200


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory, config):
    """One directive of the sample and two reports typed by a hostile hand: a "cannot"
    whose result is a script, and an in-progress one with long obstacles."""
    from tidtam.pipeline import build
    from tidtam.sync.files import read_source

    sheets = read_source(SAMPLE / "data", config)
    register = sheets["directives"]
    sheets["directives"] = RawSheet("directives", register.title, register.header,
                                    register.rows[:1])
    base = sheets["responses"]
    col = {title: i for i, title in enumerate(base.header)}

    def row(agency, status, result, obstacles, factors):
        out = [""] * len(base.header)
        values = {"ประทับเวลา": "1/6/2567 10:00:00", "หน่วยงาน": agency,
                  "รหัสข้อสั่งการ": "2566-1-001", "สถานะการดำเนินการ": status,
                  "ผลการดำเนินการ": result, "ปัญหาอุปสรรค": obstacles,
                  "ปัจจัยที่เป็นอุปสรรค": factors}
        for title, value in values.items():
            out[col[title]] = value
        return out

    sheets["responses"] = RawSheet("responses", base.title, base.header, [
        row("สำนักงานเขตบางคอแหลม", "ไม่สามารถดำเนินการได้", SCRIPT, FORMULA,
            f"ด้านงบประมาณของหน่วยงาน, {OTHER}"),
        row("สำนักงานเขตสวนหลวง", "อยู่ระหว่างการดำเนินการ", LONG, LONG, ""),
    ])
    out = tmp_path_factory.mktemp("escalation") / "site"
    build(sheets, config, out, AS_OF)
    return out


def test_typed_text_is_shown_as_text_never_as_markup(tiny_site):
    raw = (tiny_site / "escalation.html").read_text(encoding="utf-8")
    page = BeautifulSoup(raw, "html.parser")
    assert all("alert" not in (s.string or "") for s in page.find_all("script"))
    assert not page.select("main img") and not page.select("main b")
    cannot = page.select("#s-cannot article.esc-item")
    assert len(cannot) == 1
    assert cannot[0].select_one(".esc-result").get_text() == SCRIPT
    assert cannot[0].select_one(".esc-obstacles").get_text() == FORMULA
    assert OTHER in cannot[0].select_one(".esc-factors").get_text()
    assert cannot[0]["data-factors"].split() == ["2.2", "other"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    (late,) = page.select("#s-obstacles article.esc-item")
    assert late.select_one(".esc-obstacles").get_text() == LONG


def test_directive_page_cuts_long_words_and_keeps_the_whole(tiny_site):
    page = soup(tiny_site, directive_path("2566-1-001"))
    assert not page.select("main b") and not page.select("main img")
    cells = {tr.select_one("th").get_text(strip=True): tr.select_one("td.words")
             for tr in page.select("#t-agencies tbody tr")}
    hostile = cells["สำนักงานเขตบางคอแหลม"]
    assert SCRIPT in hostile.get_text() and FORMULA in hostile.get_text()
    assert not hostile.select("details")  # short: shown whole
    long = cells["สำนักงานเขตสวนหลวง"]
    details = long.select("details.words-more")
    assert len(details) == 2  # result and obstacles, each cut
    for d in details:
        cut = d.select_one(".cut").get_text()
        assert len(cut) <= 301 and cut.endswith("…")
        assert d.select_one("summary ~ .typed").get_text() == LONG
    assert LONG in long["data-csv"]


# --- in the browser ---------------------------------------------------------------------
browser_test = pytest.mark.browser
INSPECTOR = "นายวิชัย ทองมา"
FILTERS = [  # (select, where an item says it: data-* or its words, value, what it keeps)
    ("#esc-type", "type", "1.9", lambda a: a["type_code"] == "1.9"),
    ("#esc-factor", "factors", "2.5", lambda a: a["keys"].map(lambda k: "2.5" in k)),
    ("#esc-group", ".grp", "กรุงเทพใต้", lambda a: a["group"] == "กรุงเทพใต้"),
    ("#esc-inspector", ".insp", INSPECTOR, lambda a: a["inspector"] == INSPECTOR),
]


@browser_test
@pytest.mark.parametrize(("select", "attr", "value", "keep"), FILTERS,
                         ids=[f[0][5:] for f in FILTERS])
def test_a_filter_hides_the_other_items(
        browser, sample_site, words, select, attr, value, keep):  # noqa: F811 (the fixture)
    w = Watched(browser, 1280, 900)
    try:
        page = w.open(sample_site, "escalation.html")
        assert page.locator("#esc-filters").is_visible()
        page.select_option(select, value)
        for key, rule in SECTIONS.items():
            want = words[rule(words) & keep(words)]
            visible = page.locator(f"#s-{key} article.esc-item:visible")
            assert visible.count() == len(want), key
            for i in range(visible.count()):
                item = visible.nth(i)
                have = item.locator(attr).inner_text() if attr.startswith(".") \
                    else item.get_attribute(f"data-{attr}")
                assert value in have.split() if attr == "factors" else have == value
            hidden = page.locator(f"#s-{key} article.esc-item:not(:visible)").count()
            assert hidden == rule(words).sum() - len(want)
            assert page.locator(f"#s-{key} [data-esc-count]").inner_text() == str(len(want))
        assert "ตัวกรอง: " + page.locator(f'label[for="{select[1:]}"]').inner_text() in \
            page.locator(".filter-stamp").inner_text()
    finally:
        w.close()


@browser_test
def test_a_phone_never_scrolls_sideways_and_paper_shows_every_header(
        browser, sample_site, words):  # noqa: F811 (the imported fixture)
    code = words.loc[words["status"] == "cannot", "directive_code"].iloc[0]
    for rel in ("escalation.html", directive_path(code)):
        phone = Watched(browser, 390, 800)
        try:
            page = phone.open(sample_site, rel)
            wide = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            assert wide[0] <= wide[1], f"{rel} is {wide[0]}px wide at {wide[1]}px"
            if rel == "escalation.html":  # the table fits its box too
                fit = page.evaluate("(t => [t.scrollWidth, t.parentElement.clientWidth])"
                                    "(document.querySelector('#t-obstacles'))")
                assert fit[0] <= fit[1], f"the factor table is {fit[0]}px in {fit[1]}px"
        finally:
            phone.close()
        w = Watched(browser, 1280, 900)
        try:
            page = w.open(sample_site, rel)
            page.emulate_media(media="print")
            heads = page.locator("table thead th")
            assert heads.count() > 0
            for i in range(heads.count()):
                th = heads.nth(i)
                assert th.is_visible() and th.inner_text().strip(), f"{rel}: header {i}"
            if rel == "escalation.html":
                assert not page.locator("#esc-filters").is_visible()
                assert page.locator("article.esc-item").first.is_visible()
        finally:
            w.close()


@browser_test
def test_the_overview_filters_by_reported_obstacle_factor(
        browser, sample_site, words):  # noqa: F811 (the imported fixture)
    w = Watched(browser, 1280, 900)
    try:
        page = w.open(sample_site, "index.html")
        page.select_option("#f-obstacle", label=page.locator("#f-obstacle option", has_text="2.5")
                           .inner_text())
        part = words[words["keys"].map(lambda k: "2.5" in k)]
        assert len(part) > 0
        for status in ("done", "in_progress", "cannot", "not_reported"):
            shown = page.locator(f'#status-table [data-k="{status}"]').inner_text()
            assert int(shown.replace(",", "")) == (part["status"] == status).sum(), status
    finally:
        w.close()


@browser_test
def test_axe_finds_no_serious_violation_with_a_filter_on(
        browser, served):  # noqa: F811 (the imported fixtures)
    w = Watched(browser, 1280, 900)
    try:
        w.page.goto(f"{served}/escalation.html")
        assert axe_violations(w.page) == []
        w.page.select_option("#esc-type", "1.9")
        assert axe_violations(w.page) == []
    finally:
        w.close()


@pytest.mark.parametrize(("ticked", "typed", "keys"), [
    ("2.1,2.5", "", ["2.1", "2.5"]),
    ("2.2", "รอระเบียบใหม่", ["2.2", "other"]),
    ("", "รอระเบียบใหม่", ["other"]),
    ("", "  ", ["none"]),
    ("", "", ["none"]),
])
def test_obstacle_keys_rule(ticked, typed, keys):
    from tidtam.transform import views as V

    frame = pd.DataFrame({"obstacle_factors": [ticked], "obstacle_factors_other": [typed]})
    assert V.obstacle_keys(frame) == [keys]
