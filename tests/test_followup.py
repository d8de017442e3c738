"""The follow-up list in three sections, the "submitted but failed the checks" state, and the
schedule KPIs per agency, inspector, directive type and district group (issue 12).

Expectations come from the built site's own data files (data/assignments.csv, rejected.csv),
never from the code under test, so a wrong rule cannot agree with itself.
"""

from datetime import date

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE
from test_browser import Watched, browser  # noqa: F401 (the fixture, by its name)

from tidtam.transform import views as V
from tidtam.transform.kpis import schedule_kpis

FAILED_CHIP = "ส่งแล้วแต่ข้อมูลไม่ผ่านการตรวจสอบ"
# section -> which assignments of data/assignments.csv it holds
SECTIONS = {
    "never": lambda a: (a["status"] == "not_reported") & (a["rejected_rows"] == "")
    & (a["days_overdue"] > 0),
    "failed": lambda a: (a["status"] == "not_reported") & (a["rejected_rows"] != ""),
    "late": lambda a: (a["status"] == "in_progress") & (a["days_overdue"] > 0),
}


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def soup(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def assignments(sample_site):
    frame = read_csv(sample_site / "data" / "assignments.csv")
    return frame.assign(days_overdue=frame["days_overdue"].astype(int))


@pytest.fixture(scope="module")
def rejected(sample_site):
    frame = read_csv(sample_site / "data" / "rejected.csv")
    return frame[frame["source"] == "responses"].set_index("row")


@pytest.fixture(scope="module")
def followup(sample_site):
    return soup(sample_site, "followup.html")


@pytest.fixture(scope="module")
def dataset(config):
    from tidtam.sync.files import read_source
    from tidtam.transform.dataset import normalize

    return normalize(read_source(SAMPLE / "data", config), config, AS_OF)


def section_rows(page, key):
    return page.select(f"#t-fu-{key} tbody tr")


def pair(tr):
    code = tr.select_one("td.text a").get_text(strip=True)
    return code, tr.th.get_text(strip=True)


@pytest.fixture(scope="module")
def agency_links(sample_site):
    """Every agency's page, as the matrix page links it."""
    page = soup(sample_site, "matrix.html")
    return {a.get_text(): a["href"] for a in page.select("#t-matrix-agencies tbody th a")}



def filter_value(tr, key: str) -> str:
    """What the follow-up filter of ``key`` reads in a row, as app.js does: the cell under
    the header marked data-fu-key=key, its data-v or else its text."""
    headers = tr.find_parent("table").select("thead th")
    index = next(i for i, th in enumerate(headers) if th.get("data-fu-key") == key)
    cell = tr.find_all(["th", "td"], recursive=False)[index]
    return cell["data-v"] if cell.has_attr("data-v") else cell.get_text(strip=True)

@pytest.mark.parametrize("key", list(SECTIONS))
def test_each_section_holds_exactly_its_assignments(followup, assignments, key):
    want = assignments[SECTIONS[key](assignments)]
    assert len(want), f"the sample has no {key} assignment: the test would prove nothing"
    rows = section_rows(followup, key)
    got = [pair(tr) for tr in rows]
    assert sorted(got) == sorted(zip(want["directive_code"], want["agency"], strict=True))
    assert len(got) == len(set(got))
    count = followup.select_one(f"#s-{key} [data-fu-count]").get_text()
    assert count == str(len(want))
    # each row holds the group, inspector and type in the columns the filters read (the
    # header of each names its key)
    by_pair = want.set_index(["directive_code", "agency"])
    for tr in rows:
        rec = by_pair.loc[pair(tr)]
        assert filter_value(tr, "inspector") == rec["inspector"]
        assert filter_value(tr, "type") == rec["type_code"]
        assert filter_value(tr, "group") == (rec["district_group"] or V.CENTRAL_GROUP)


@pytest.mark.parametrize("key", list(SECTIONS))
def test_each_section_is_sorted_by_lateness_and_says_so_in_days(followup, assignments, key):
    rows = section_rows(followup, key)
    days = [int(tr.select_one("td.overdue")["data-v"]) for tr in rows]
    assert days == sorted(days, reverse=True)
    by_pair = assignments.set_index(["directive_code", "agency"])["days_overdue"]
    for tr, n in zip(rows, days, strict=True):
        assert n == by_pair.loc[pair(tr)]
        text = tr.select_one("td.overdue").get_text(" ", strip=True)
        assert text == (f"เกินกำหนด {n:,} วัน" if n else "ยังไม่ถึงกำหนด")


def test_no_assignment_is_in_two_sections_and_none_to_chase_is_missing(followup, assignments):
    pairs = [pair(tr) for key in SECTIONS for tr in section_rows(followup, key)]
    assert len(pairs) == len(set(pairs))
    a = assignments
    late = a["days_overdue"] > 0
    chase = a[(a["status"] == "not_reported") & (late | (a["rejected_rows"] != ""))
              | (a["status"] == "in_progress") & late]
    assert set(pairs) == set(zip(chase["directive_code"], chase["agency"], strict=True))


def test_failed_rows_show_the_sheet_row_reason_and_fix(followup, assignments, rejected):
    failed = assignments[SECTIONS["failed"](assignments)].set_index(["directive_code", "agency"])
    for tr in section_rows(followup, "failed"):
        rows = failed.loc[pair(tr), "rejected_rows"].split(";")
        cell = tr.select_one("td.failed-cell").get_text(" ", strip=True)
        for row in rows:
            assert f"แถว {row} " in cell
            assert rejected.loc[row, "reason_label"] in cell
            assert rejected.loc[row, "suggestion"] in cell


@pytest.mark.parametrize(("as_of", "not_due"), [
    # the sample's own date: every never-submitted assignment is due
    (AS_OF, 0),
    # before the first due dates of round 2: those are not due yet
    (date(2024, 3, 1), None),
])
def test_not_yet_due_never_submitted_are_counted_not_listed(tmp_path, config, as_of, not_due):
    from tidtam.pipeline import build_from_source

    build_from_source(SAMPLE / "data", config, tmp_path / "s", as_of)
    a = read_csv(tmp_path / "s" / "data" / "assignments.csv")
    days = a["days_overdue"].astype(int)
    silent = (a["status"] == "not_reported") & (a["rejected_rows"] == "")
    expected = int((silent & (days == 0)).sum())
    if not_due is not None:
        assert expected == not_due
    else:
        assert expected > 0  # the case the date was chosen for
    page = soup(tmp_path / "s", "followup.html")
    text = page.select_one("#s-never").get_text(" ", strip=True)
    assert (f"ยังไม่ถึงกำหนด {expected:,} รายการ" in text) == bool(expected)
    assert len(section_rows(page, "never")) == int((silent & (days > 0)).sum())


def test_agency_page_shows_the_failed_submission(sample_site, agency_links, assignments,
                                                 rejected):
    failed = assignments[SECTIONS["failed"](assignments)]
    assert len(failed)
    for rec in failed.to_dict("records"):
        page = soup(sample_site, agency_links[rec["agency"]])
        row = next(tr for tr in page.select("#t-assignments tbody tr")
                   if tr.th.get_text(strip=True) == rec["directive_code"])
        status = row.select("td")[2].get_text(" ", strip=True)
        assert FAILED_CHIP in status and "ยังไม่รายงาน" not in status
        assert row.select("td")[-1].get_text(strip=True) == "✗ ไม่"  # the KPI still counts it
        card = next(c for c in page.select("article.assignment")
                    if c.h3.a.get_text() == rec["directive_code"])
        text = card.get_text(" ", strip=True)
        for n in rec["rejected_rows"].split(";"):
            assert f"แถว {n} " in text
            assert rejected.loc[n, "reason_label"] in text
            assert rejected.loc[n, "suggestion"] in text
        assert "ยังไม่มีรายงานผลที่ใช้ได้" not in text


def test_the_issue_example_satorn(followup, assignments):
    """The issue's example: สำนักงานเขตสาทร submitted and the row failed the checks. Which
    directive and row come from the CSV, not from the issue text."""
    satorn = assignments[(assignments["agency"] == "สำนักงานเขตสาทร")
                         & SECTIONS["failed"](assignments)]
    assert len(satorn)
    never = {pair(tr) for tr in section_rows(followup, "never")}
    failed = {pair(tr): tr for tr in section_rows(followup, "failed")}
    for rec in satorn.to_dict("records"):
        key = (rec["directive_code"], "สำนักงานเขตสาทร")
        assert key not in never  # not chased as if it never reported
        text = failed[key].get_text(" ", strip=True)
        assert all(f"แถว {n} " in text for n in rec["rejected_rows"].split(";"))


def test_valid_status_with_later_failed_rows_gets_a_note(sample_site, agency_links,
                                                         assignments):
    later = assignments[(assignments["status"] != "not_reported")
                        & (assignments["rejected_rows"] != "")]
    assert len(later)
    for rec in later.to_dict("records"):
        page = soup(sample_site, agency_links[rec["agency"]])
        card = next(c for c in page.select("article.assignment")
                    if c.h3.a.get_text() == rec["directive_code"])
        rows = ", ".join(rec["rejected_rows"].split(";"))
        assert f"มีแถวที่ส่งภายหลังไม่ผ่านการตรวจสอบ: แถว {rows}" in card.get_text(" ", strip=True)
        assert FAILED_CHIP not in card.p.get_text()  # its status stays as reported


def test_directive_page_shows_the_failed_state(sample_site, followup, assignments, rejected):
    rec = assignments[SECTIONS["failed"](assignments)].iloc[0]
    tr = next(tr for tr in section_rows(followup, "failed")
              if pair(tr) == (rec["directive_code"], rec["agency"]))
    page = soup(sample_site, tr.select_one("td.text a")["href"])
    row = next(r for r in page.select("#t-agencies tbody tr")
               if r.th.get_text(strip=True) == rec["agency"])
    text = row.get_text(" ", strip=True)
    first = rec["rejected_rows"].split(";")[0]
    assert FAILED_CHIP in text and f"แถว {first} " in text
    assert rejected.loc[first, "reason_label"] in text


@pytest.mark.parametrize(("status", "rows", "state"), [
    ("not_reported", "", ""),
    ("not_reported", "227", V.FAILED),
    ("not_reported", "12;227", V.FAILED),
    ("in_progress", "", ""),
    ("in_progress", "301", V.FAILED_LATER),
    ("done", "5", V.FAILED_LATER),
    ("cannot", "", ""),
])
def test_submission_state_rule(status, rows, state):
    frame = pd.DataFrame({"status": [status], "rejected_rows": [rows]})
    assert V.submission_state(frame).tolist() == [state]


def shown_schedule(tr):
    cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
    return {"total": int(cells[0].replace(",", "")), "overdue": int(cells[1].replace(",", "")),
            "on_time": cells[2], "verdict": cells[3], "median": cells[4]}


def expected_schedule(part, target):
    k = schedule_kpis(part, AS_OF, target)
    pct = "-" if k.on_time_report_pct is None else f"{k.on_time_report_pct:.1f}%"
    median = k.median_days_overdue
    if median is None:
        days = "-"
    else:
        days = f"{int(median):,} วัน" if median == int(median) else f"{round(median, 1)} วัน"
    verdict = ("ยังไม่มีรายการที่ถึงกำหนด" if k.on_time_report_pct is None else
               "✓ ผ่านเป้าหมาย" if k.on_time_report_pct >= target else "✗ ต่ำกว่าเป้าหมาย")
    return {"total": len(part), "overdue": k.assignments_overdue, "on_time": pct,
            "verdict": verdict, "median": days}


@pytest.mark.parametrize(("table", "column"), [("types", "type_code"), ("groups", "group")])
def test_matrix_schedule_tables_equal_schedule_kpis_on_each_subset(sample_site, dataset,
                                                                   table, column):
    a = dataset.assignments.assign(group=V.group_of(dataset.assignments["district_group"]))
    target = dataset.config.settings.targets.on_time_report_pct
    page = soup(sample_site, "matrix.html")
    rows = page.select(f"#t-schedule-{table} tbody tr")
    assert len(rows) == a[column].nunique()
    labels = {t.code: f"{t.code} {t.label}" for t in dataset.config.taxonomy.directive_types}
    for tr in rows:
        name = tr.th.get_text(strip=True)
        key = next(k for k in a[column].unique() if labels.get(k, k) == name)
        assert shown_schedule(tr) == expected_schedule(a[a[column] == key], target), name
    total = page.select_one(f"#t-schedule-{table} tfoot tr")
    assert shown_schedule(total) == expected_schedule(a, target)
    assert "การรายงานตามกำหนดเวลา" in page.get_text()


def card_values(page):
    cards = page.select(".schedule-cards .card")
    return [c.select_one(".value").get_text(" ", strip=True) for c in cards]


@pytest.mark.parametrize("who", ["agency", "inspector"])
def test_agency_and_inspector_cards_equal_schedule_kpis_on_their_subset(
        sample_site, dataset, followup, agency_links, who):
    a = dataset.assignments
    target = dataset.config.settings.targets.on_time_report_pct
    column = {"agency": "agency", "inspector": "inspector"}[who]
    checked = 0
    for tr in section_rows(followup, "never")[:5]:
        name = tr.th.get_text(strip=True) if who == "agency" else filter_value(tr, "inspector")
        href = agency_links[name] if who == "agency" else next(
            x["href"] for x in soup(sample_site, "inspectors/index.html").select("tbody th a")
            if x.get_text() == name)
        rel = href if who == "agency" else f"inspectors/{href}"
        want = expected_schedule(a[a[column] == name], target)
        got = card_values(soup(sample_site, rel))
        assert got == [want["on_time"], f"{want['overdue']:,} รายการ", want["median"]], name
        checked += 1
    assert checked


# -- in a browser --------------------------------------------------------------------------

browser_test = pytest.mark.browser


@browser_test
def test_group_filter_hides_other_groups_and_a_phone_never_scrolls_sideways(
        browser, sample_site, assignments):  # noqa: F811 (the imported fixture)
    w = Watched(browser, 1280, 900)
    try:
        page = w.open(sample_site, "followup.html")
        assert page.locator("#fu-filters").is_visible()
        group = "กรุงเทพใต้"
        page.select_option("#fu-group", group)
        for key, rule in SECTIONS.items():
            want = assignments[rule(assignments)]
            want = want[want["district_group"] == group]
            visible = page.locator(f"#t-fu-{key} tbody tr:visible")
            assert visible.count() == len(want), key
            groups = {visible.nth(i).locator("td.grp").inner_text() for i in range(visible.count())}
            assert groups <= {group}
            count = page.locator(f"#s-{key} [data-fu-count]").inner_text()
            assert count == str(len(want))
        assert "กลุ่มเขต กรุงเทพใต้" in page.locator(".filter-stamp").inner_text()
        page.emulate_media(media="print")
        assert not page.locator("#fu-filters").is_visible()
    finally:
        w.close()
    phone = Watched(browser, 390, 800)
    try:
        page = phone.open(sample_site, "followup.html")
        wide = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], f"followup.html is {wide[0]}px wide at {wide[1]}px"
    finally:
        phone.close()


CARD_LABELS = """table => {
  const heads = [...table.tHead.rows[0].cells].map(h => h.innerText.trim());
  const row = table.tBodies[0].rows[0];
  return [...row.cells].map((c, i) => [heads[i], getComputedStyle(c, '::before').content]);
}"""


@browser_test
def test_phone_cards_label_each_cell_with_its_column_and_filters_read_columns(
        browser, sample_site, assignments):  # noqa: F811 (the imported fixture)
    """On a phone every cell of a card says its column, taken from the table's own header
    (overdue days speak for themselves); the inspector and type filters pick rows by the
    columns their headers name."""
    phone = Watched(browser, 390, 800)
    try:
        page = phone.open(sample_site, "followup.html")
        for key in SECTIONS:
            pairs = page.eval_on_selector(f"#t-fu-{key}", CARD_LABELS)
            assert pairs[0][1] == "none"  # the agency heads the card
            for head, content in pairs[1:]:
                want = "none" if head == "เกินกำหนด" else f'"{head}: "'
                assert content == want, (key, head, content)
        late = assignments[SECTIONS["late"](assignments)].dropna(subset=["inspector"])
        inspector, type_code = late.iloc[0][["inspector", "type_code"]]
        shown_total = 0
        page.select_option("#fu-inspector", inspector)
        page.select_option("#fu-type", type_code)
        for key, rule in SECTIONS.items():
            want = assignments[rule(assignments)]
            want = want[(want["inspector"] == inspector) & (want["type_code"] == type_code)]
            shown = page.locator(f"#t-fu-{key} tbody tr:not([hidden])")
            assert shown.count() == len(want), key
            shown_total += len(want)
        assert shown_total  # the chosen pair holds at least one row: the test can fail
        page.locator("#fu-reset").click()
        page.wait_for_function("!document.querySelector('.fu-table tbody tr[hidden]')")
    finally:
        phone.close()
