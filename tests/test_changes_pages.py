"""The pages of issue 12 from a site built with hand-made history: the changes page, the KPI
cards' deltas, the trend page by as-of date, and the weekly meeting pages."""

import json
from dataclasses import replace
from datetime import date

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE

from tidtam.core.model import Baseline, TrendPoint
from tidtam.render.site import render_site
from tidtam.render.urls import PageNames, meeting_path, using
from tidtam.sync.files import read_source
from tidtam.transform.changes import compare, trend_kpis
from tidtam.transform.dataset import compute_kpis, normalize
from tidtam.transform.views import group_of

SINCE = date(2024, 6, 30)

# Each case: the status an assignment has now, the one the baseline gets, and the section
# of its agency on changes.html that must list it.
CASES = [
    ("done", "in_progress", "done"),
    ("cannot", "not_reported", "cannot"),
    ("in_progress", "done", "back"),
    ("in_progress", "not_reported", "other"),
]
KINDS = ("done", "cannot", "back", "other", "silent")


def soup(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def data(config):
    return normalize(read_source(SAMPLE / "data", config), config, AS_OF)


@pytest.fixture(scope="module")
def picked(data):
    """One assignment per case, each of another agency; and one silent overdue one."""
    a = data.assignments
    used, out = set(), []
    for now, before, kind in CASES:
        row = a[(a["status"] == now) & ~a["agency"].isin(used)].iloc[0]
        used.add(row["agency"])
        out.append((row["directive_code"], row["agency"], before, kind))
    silent = a[(a["status"] == "not_reported") & (a["days_overdue"] > 0)
               & ~a["agency"].isin(used)].iloc[0]
    return out, (silent["directive_code"], silent["agency"])


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory, data, picked):
    """The sample as of AS_OF against a baseline equal to it but for the picked cases."""
    cases, _ = picked
    kpis = compute_kpis(data)
    statuses = data.assignments[["directive_code", "agency", "status"]].copy()
    for code, agency, before, _kind in cases:
        at = (statuses["directive_code"] == code) & (statuses["agency"] == agency)
        statuses.loc[at, "status"] = before
    now = trend_kpis(kpis)
    then = {**now, "reporting_rate_pct": now["reporting_rate_pct"] - 7.4,
            "assignments_reported_pct": now["assignments_reported_pct"] + 2.0,
            "assignments_overdue": now["assignments_overdue"] + 12}
    changes = compare(Baseline(1, SINCE, statuses, then), data.assignments, kpis, AS_OF)
    kpis = replace(kpis, change=changes.kpis)
    points = [TrendPoint("2024-05-31", {"done": 70, "not_reported": 314},
                         {"reporting_rate_pct": 44.1, "satisfaction_pct": None}),
              TrendPoint(SINCE.isoformat(), {"done": 110, "not_reported": 274}, then)]
    out = tmp_path_factory.mktemp("changed") / "site"
    render_site(data, kpis, out, trend=points, changes=changes)
    return out


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("plain") / "site"
    render_site(data, compute_kpis(data), out)
    return out


def agency_block(page, agency):
    blocks = [b for b in page.select(".agency-block") if b["data-agency"] == agency]
    assert len(blocks) == 1, agency
    return blocks[0]


def codes_under(block, kind):
    return [th.a.get_text() for s in block.select(f'section[data-kind="{kind}"]')
            for th in s.select("tbody th")]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_each_change_is_listed_under_its_agency_and_heading(changed_site, picked, case):
    cases, _ = picked
    code, agency, _before, kind = cases[case]
    block = agency_block(soup(changed_site, "changes.html"), agency)
    assert code in codes_under(block, kind)
    assert all(code not in codes_under(block, k) for k in KINDS if k != kind)


def test_silent_overdue_assignment_is_listed_as_silent(changed_site, picked):
    _, (code, agency) = picked
    block = agency_block(soup(changed_site, "changes.html"), agency)
    assert code in codes_under(block, "silent")


def test_summary_counts_and_agency_links(changed_site, picked, data):
    page = soup(changed_site, "changes.html")
    counts = {tr["data-kind"]: int(tr.td.get_text()) for tr in
              page.select("#t-change-summary tbody tr")}
    assert {k: counts[k] for k in ("done", "cannot", "back", "other")} == \
        {"done": 1, "cannot": 1, "back": 1, "other": 1}
    a = data.assignments
    silent = a[(a["status"] == "not_reported") & (a["days_overdue"] > 0)]
    assert counts["silent"] == len(silent)
    assert "ตั้งแต่วันที่ 30 มิ.ย. 2567" in page.get_text()
    for block in page.select(".agency-block"):
        assert block.h3.a["href"].startswith("agencies/")
    assert not page.select("#no-baseline")


@pytest.mark.parametrize("key,expected,css", [
    ("reporting_rate_pct", "▲ 7.4 จุด จากการปรับปรุงเมื่อ 30 มิ.ย. 2567", "good"),
    ("assignments_reported_pct", "▼ 2.0 จุด จากการปรับปรุงเมื่อ 30 มิ.ย. 2567", "bad"),
    ("satisfaction_pct", "ไม่เปลี่ยนแปลง จากการปรับปรุงเมื่อ 30 มิ.ย. 2567", "same"),
    ("assignments_overdue", "▼ 12 รายการ จากการปรับปรุงเมื่อ 30 มิ.ย. 2567", "good"),
])
def test_kpi_card_deltas_match_kpis_json(changed_site, key, expected, css):
    change = json.loads((changed_site / "data" / "kpis.json").read_text("utf-8"))["change"]
    assert change["since"] == "2024-06-30"
    value = change[key]
    sign = "▲" if value > 0 else "▼" if value < 0 else ""
    assert expected.startswith(sign or "ไม่")
    for rel in ("index.html", "summary.html"):
        deltas = [d for d in soup(changed_site, rel).select(".delta")
                  if d.get_text().startswith(expected)]
        assert len(deltas) == 1, (rel, key)
        assert css in deltas[0]["class"]


def test_trend_page_rows_are_dated_by_as_of(changed_site):
    page = soup(changed_site, "trend.html")
    rows = page.select("#t-trend tbody tr")
    assert [r.th.get_text(" ", strip=True) for r in rows] == [
        "31 พ.ค. 2567", "30 มิ.ย. 2567", "31 ก.ค. 2567 (ฉบับนี้)"]
    assert "รอบที่" not in page.get_text()
    first = rows[0]
    assert first.select_one('[data-k="reporting_rate_pct"]').get_text() == "44.1%"
    assert first.select_one('[data-k="satisfaction_pct"]').get_text() == "-"  # not 0
    assert len(page.select("figure.trend-chart svg")) == 4  # three KPIs and the counts


def test_without_a_baseline_the_pages_say_so(plain_site):
    page = soup(plain_site, "changes.html")
    note = page.select_one("#no-baseline")
    assert note is not None and "ยังไม่มีการปรับปรุงข้อมูลครั้งก่อน" in note.get_text()
    assert not page.select(".agency-block")
    assert not soup(plain_site, "index.html").select(".delta")
    trend = soup(plain_site, "trend.html")
    assert trend.select_one("#trend-none") is not None and not trend.select("svg")
    for rel in ("changes.html", "trend.html"):
        text = soup(plain_site, rel).select_one("main").get_text()
        assert "tidtam" not in text and "sqlite" not in text and "--" not in text


@pytest.mark.parametrize("site", ["changed_site", "plain_site"])
def test_a_meeting_page_per_district_group(request, site, data):
    out = request.getfixturevalue(site)
    a = data.assignments.assign(group=group_of(data.assignments["district_group"]))
    names = PageNames.of(groups=a["group"].unique().tolist())
    index = soup(out, "meeting/index.html")
    links = {x["href"] for x in index.select("main ul.meeting-links a")}
    with using(names):
        for group, part in a.groupby("group"):
            rel = meeting_path(group)
            assert f"../{rel}" in links, group
            page = soup(out, rel)
            assert sorted(s["data-agency"] for s in page.select(".meeting-agency")) == \
                sorted(part["agency"].unique())
    assert soup(out, "changes.html").select("ul.meeting-links a")
