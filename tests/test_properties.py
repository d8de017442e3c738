"""Property-based tests: any mix of valid, variant, broken and blank rows in any order."""

from datetime import date, datetime, timedelta
from random import Random

import pytest
from conftest import BKK, sheet
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from tidtam.transform.dataset import normalize

AS_OF = date(2024, 7, 31)
REGISTER_HEADER = ["รหัส", "ประเภท", "ปัจจัย", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน", "ข้อสั่งการ"]
REGISTER = sheet(
    "directives", REGISTER_HEADER,
    ["2566-1-001", "1.10", "2.2", "สนย., เขตบางรัก, เขตหนองจอก", "31/3/2567", "ให้เร่งรัด"],
    ["2566-1-002", "๑.๔", "2.1, 2.3", "กลุ่มเขตกรุงธนใต้", "30/4/2567", "ให้จัดทำแผน"],
    ["2566-2-001", "ประเภทอื่น", "", "สนน.", "30/4/2567", "กักไว้"],
)
HEADER = ["ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ", "ผลการดำเนินการ",
          "ชื่อผู้รายงาน", "ชื่อหน่วยงาน"]

AGENCY_FORMS = {
    "สำนักการโยธา": ["สำนักการโยธา", "สนย.", " สนย ", "สำนักการ\u200bโยธา"],
    "สำนักงานเขตบางรัก": ["สำนักงานเขตบางรัก", "เขตบางรัก", "สนข.บางรัก", "บางรัก",
                          "ส\u0e4d\u0e32นักงานเขต บางรัก"],
    "สำนักงานเขตหนองจอก": ["เขตหนองจอก", "สำนักงานเขต  หนองจอก"],
    "สำนักงานเขตทุ่งครุ": ["เขตทุ่งครุ", "สนข.ทุ่งครุ"],
    "สำนักการระบายน้ำ": ["สนน."],
}
CODE_FORMS = {
    "2566-1-001": ["2566-1-001", "๒๕๖๖-๑-๐๐๑", "2566-1-001 ให้เร่งรัด", "2566-1-1"],
    "2566-1-002": ["2566-1-002", "๒๕๖๖-๑-๐๐๒ ให้จัดทำแผน"],
    "2566-2-001": ["2566-2-001"],
    "2566-9-999": ["2566-9-999"],
}
STATUS_FORMS = ["ดำเนินการแล้ว", "อยู่ระหว่างการดำเนินการ", "ไม่สามารถดำเนินการได้", "done",
                " in_progress ", "cannot", "", "เสร็จแล้ว"]
BASE = datetime(2023, 10, 1, 8, 0, tzinfo=BKK)


def _stamp(seconds: int, shape: int) -> object:
    t = BASE + timedelta(seconds=seconds)
    naive = t.replace(tzinfo=None)
    return [f"{t.day}/{t.month}/{t.year + 543} {t.hour}:{t.minute:02d}:{t.second:02d}",
            t.isoformat(), naive, (naive - datetime(1899, 12, 30)).total_seconds() / 86400,
            "ไม่ทราบ", ""][shape]


@st.composite
def report_rows(draw):
    """A response row: valid (any accepted form), broken (exactly one defective field),
    messy (any number of defective fields) or blank."""
    kind = draw(st.sampled_from(["valid", "valid", "valid", "broken", "messy", "blank"]))
    if kind == "blank":
        return draw(st.sampled_from([[], ["", "", " "], ["\u200b"]]))
    agency = draw(st.sampled_from(sorted(AGENCY_FORMS)))
    code = draw(st.sampled_from(sorted(CODE_FORMS)))
    broken = draw(st.sampled_from(["stamp", "agency", "code", "status", "reporter"])) \
        if kind == "broken" else None

    def pick(field: str, good: list, bad: list):
        if field == broken:
            return draw(st.sampled_from(bad))
        return draw(st.sampled_from(good + bad if kind == "messy" else good))

    row = [
        _stamp(draw(st.integers(0, 300 * 86400)), pick("stamp", [0, 1, 2, 3], [4, 5])),
        pick("agency", AGENCY_FORMS[agency], ["", "เขตบางรักษ์", "ทดสอบ"]),
        pick("code", CODE_FORMS[code], ["", "x"]),
        pick("status", STATUS_FORMS[:6], STATUS_FORMS[6:]),
        draw(st.text(max_size=20)),
        pick("reporter", ["นางสมศรี", ""], ["test"]),
    ]
    renamed = draw(st.booleans())  # the renamed agency question: fill the new column instead
    return row[:1] + ["", *row[2:], row[1]] if renamed else row + [""]


rows_strategy = st.lists(report_rows(), max_size=40)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def run(config, rows):
    return normalize({"directives": REGISTER, "responses": sheet("responses", HEADER, *rows)},
                     config, AS_OF)


@SETTINGS
@given(rows=rows_strategy)
def test_every_row_is_a_report_a_quarantine_or_blank(config, rows):
    r = run(config, rows).reports
    assert len(r.reports) + len(r.rejected) + r.blank == len(rows)
    seen = list(r.reports["source_row"]) + list(r.rejected["row"])
    assert len(seen) == len(set(seen))
    blank = {i + 2 for i, row in enumerate(rows) if not any(str(c or "").strip("\u200b ")
                                                            for c in row)}
    assert set(seen) | blank == set(range(2, len(rows) + 2))
    assert not (set(seen) & blank)


@SETTINGS
@given(rows=rows_strategy, seed=st.randoms())
def test_results_do_not_depend_on_row_order(config, rows, seed):
    shuffled = rows[:]
    seed.shuffle(shuffled)
    a, b = run(config, rows), run(config, shuffled)
    key = ["directive_code", "agency"]
    left = a.assignments.sort_values(key)[["directive_code", "agency", "status", "reported_at"]]
    right = b.assignments.sort_values(key)[["directive_code", "agency", "status", "reported_at"]]
    # Equal timestamps are ordered by sheet row; the shuffle may swap such twins.
    twins = a.reports.reports.duplicated(["directive_code", "agency", "submitted_at"],
                                         keep=False).any()
    if not twins:
        assert left.reset_index(drop=True).equals(right.reset_index(drop=True))
    assert sorted(a.reports.reports["report_id"]) == sorted(b.reports.reports["report_id"])
    assert sorted(a.reports.rejected["reason"]) == sorted(b.reports.rejected["reason"])


@SETTINGS
@given(rows=rows_strategy)
def test_normalizing_normalized_data_changes_nothing(config, rows):
    first = run(config, rows)
    reports = first.reports.reports
    again_rows = [[r.submitted_at.to_pydatetime(), r.agency, r.directive_code, r.status,
                   r.result, r.reporter, ""] for r in reports.itertuples()]
    second = run(config, again_rows)
    assert second.reports.rejected.empty
    assert list(second.reports.reports["report_id"]) == list(reports["report_id"])
    assert list(second.assignments["status"]) == list(first.assignments["status"])


def outcomes(config, rows: list[list]) -> set[str]:
    """What the build makes of the rows: reports, blank rows, quarantine reasons."""
    r = run(config, rows).reports
    return {*(["report"] if len(r.reports) else []), *(["blank"] if r.blank else []),
            *r.rejected["reason"]}


# Every quarantine reason of the response sheet but future_timestamp: the strategy's
# timestamps end before AS_OF.
OUTCOMES = ["report", "blank", "test_row", "bad_timestamp", "missing_agency", "unknown_agency",
            "missing_directive", "unknown_directive", "directive_rejected", "not_assigned",
            "missing_status", "unknown_status"]


@pytest.mark.parametrize("wanted", OUTCOMES)
def test_the_generated_rows_cover_every_outcome(config, wanted):
    """Guard the row strategy the tests above draw from: it generates each outcome (sheets
    of 40 rows, a fixed seed: the same sheets every run)."""
    find(st.lists(report_rows(), min_size=40, max_size=40),
         lambda rows: wanted in outcomes(config, rows), random=Random(2566),
         settings=settings(max_examples=200, database=None, deadline=None,
                           phases=[Phase.generate]))
