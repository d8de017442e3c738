"""Form responses: every row is a report, blank, or quarantined with its reason."""

import random
from datetime import date

import pytest
from conftest import sheet

from tidtam.core.errors import SourceError
from tidtam.transform.dataset import normalize

REGISTER = sheet(
    "directives",
    ["รหัส", "ปีงบประมาณ", "รอบ", "ข้อสั่งการ", "ประเภท", "ปัจจัย", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"],
    ["2566-1-001", "2566", "1", "ให้เร่งรัดการระบายน้ำ", "1.10", "2.2", "สนย., เขตบางรัก", "31/3/2567"],
    ["2566-1-002", "2566", "1", "ให้จัดทำแผน", "1.4", "", "สนน.", "31/3/2567"],
    ["2566-1-003", "2566", "1", "ข้อที่ถูกกัก", "ประเภทอื่น", "", "สนน.", "31/3/2567"],
)
HEADER = ["ประทับเวลา", "ที่อยู่อีเมล", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ",
          "ผลการดำเนินการ", "ปัญหาอุปสรรค", "ปัจจัยที่เป็นอุปสรรค", "ชื่อผู้รายงาน"]


def report(ts="5/1/2567 9:00:00", agency="สนย.", code="2566-1-001", status="ดำเนินการแล้ว",
           result="ทำแล้ว", reporter="นางสมศรี"):
    return [ts, "a@bangkok.go.th", agency, code, status, result, "", "", reporter]


def build(config, *rows, header=HEADER, as_of=date(2024, 7, 31)):
    return normalize({"directives": REGISTER, "responses": sheet("responses", header, *rows)},
                     config, as_of)


@pytest.mark.parametrize(("row", "reason"), [
    (report(agency="ทดสอบ"), "test_row"),
    (report(reporter="test user"), "test_row"),
    (report(code="TEST"), "test_row"),
    (report(ts=""), "bad_timestamp"),
    (report(ts="ไม่ทราบ"), "bad_timestamp"),
    (report(ts="32/13/2567 25:00:00"), "bad_timestamp"),
    (report(ts="1/8/2567 9:00:00"), "future_timestamp"),
    (report(agency=""), "missing_agency"),
    (report(agency="เขตบางรักษ์"), "unknown_agency"),
    (report(code=""), "missing_directive"),
    (report(code="2566-3-099"), "unknown_directive"),
    (report(code="2566-1-003"), "directive_rejected"),
    (report(agency="สนน."), "not_assigned"),
    (report(status=""), "missing_status"),
    (report(status="เสร็จแล้ว"), "unknown_status"),
])
def test_quarantine_reasons(config, row, reason):
    data = build(config, report(), row)
    rejected = data.reports.rejected
    assert list(rejected["reason"]) == [reason]
    assert list(rejected["row"]) == [3]          # header is row 1, the good row is row 2
    assert rejected["detail"].iloc[0]
    assert len(data.reports.reports) == 1


def test_a_future_timestamp_is_quoted_in_the_buddhist_era(config):
    """The quality page and rejected.csv say the date as staff write it, never in CE."""
    data = build(config, report(ts="1/8/2567 9:05:00"))
    detail = data.reports.rejected["detail"].iloc[0]
    assert detail == "ประทับเวลา 1 ส.ค. 2567 09:05 น. อยู่หลังวันที่ข้อมูล (31 ก.ค. 2567)"
    assert "2024" not in detail


def test_unknown_agency_suggests_the_closest(config):
    data = build(config, report(agency="เขตบางรักษ์"))
    assert data.reports.rejected["suggestion"].iloc[0] == "หรือหมายถึง สำนักงานเขตบางรัก"


def test_quarantine_keeps_original_cells(config):
    data = build(config, report(agency=" เขต\u200bบางรักษ์ "))
    assert data.reports.rejected["หน่วยงาน"].iloc[0] == " เขต\u200bบางรักษ์ "


def test_accepted_variants_normalize(config):
    data = build(config,
                 report(agency="สนข.บางรัก", code="๒๕๖๖-๑-๐๐๑ ให้เร่งรัด", status="done"),
                 report(ts="2024-01-06T10:00:00+07:00", agency="สำนักการโยธา", status="in_progress"))
    r = data.reports.reports
    assert data.reports.rejected.empty
    assert list(r["agency"]) == ["สำนักงานเขตบางรัก", "สำนักการโยธา"]
    assert list(r["directive_code"]) == ["2566-1-001"] * 2
    assert list(r["status"]) == ["done", "in_progress"]


def test_latest_report_wins_by_timestamp_not_row_order(config):
    data = build(config,
                 report(ts="10/1/2567 9:00:00", status="ดำเนินการแล้ว"),
                 report(ts="5/1/2567 9:00:00", status="อยู่ระหว่างการดำเนินการ"))
    a = data.assignments.set_index("agency").loc["สำนักการโยธา"]
    assert a["status"] == "done"
    assert a["report_count"] == 2
    assert a["reported_at"].isoformat() == "2024-01-10T09:00:00+07:00"
    other = data.assignments.set_index("agency").loc["สำนักงานเขตบางรัก"]
    assert other["status"] == "not_reported" and other["report_count"] == 0


def test_result_does_not_depend_on_row_order(config):
    rows = [report(ts=f"{d}/1/2567 9:00:00", agency=a, status=s)
            for d, a, s in [(1, "สนย.", "done"), (9, "สนย.", "cannot"), (4, "เขตบางรัก", "done"),
                            (3, "เขตบางรัก", "in_progress"), (2, "ทดสอบ", "done")]]
    first = build(config, *rows).assignments
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        again = build(config, *shuffled).assignments
        assert list(again["status"]) == list(first["status"])
        assert list(again["reported_at"]) == list(first["reported_at"])


def test_renamed_question_each_row_takes_the_column_it_filled(config):
    header = HEADER + ["ชื่อหน่วยงาน", "คำถามที่ลบแล้ว"]
    data = build(config,
                 report() + ["", "x"],
                 report(agency="") + ["เขตบางรัก", ""],
                 header=header)
    assert list(data.reports.reports["agency"]) == ["สำนักการโยธา", "สำนักงานเขตบางรัก"]
    assert data.reports.unclaimed == ["คำถามที่ลบแล้ว"]


def test_english_headers_are_accepted(config):
    header = ["Timestamp", "Email Address", "หน่วยงาน", "ข้อสั่งการ", "สถานะ"]
    data = build(config, ["5/1/2567 9:00:00", "", "สนย.", "2566-1-001", "done"], header=header)
    assert len(data.reports.reports) == 1


def test_missing_required_column_is_one_clear_error(config):
    header = ["ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ"]
    with pytest.raises(SourceError) as err:
        build(config, ["5/1/2567 9:00:00", "สนย.", "2566-1-001"], header=header)
    message = err.value.message
    assert "required column status is missing" in message
    assert '"สถานะการดำเนินการ" / "สถานะ"' in message
    assert '"ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ"' in message


def test_every_row_is_counted_once(config):
    rows = [report(), [], report(agency="ทดสอบ"), ["", "", "  ", "\u200b"], report(status=""),
            report(ts="6/1/2567 9:00:00", agency="เขตบางรัก")]
    data = build(config, *rows)
    r = data.reports
    assert r.rows == len(rows)
    assert r.blank == 2
    assert len(r.reports) + len(r.rejected) + r.blank == r.rows
    assert sorted(list(r.reports["source_row"]) + list(r.rejected["row"])) == [2, 4, 6, 7]


def test_report_ids_are_stable_and_distinct(config):
    one = build(config, report(), report(ts="6/1/2567 9:00:00")).reports.reports["report_id"]
    two = build(config, report(), report(ts="6/1/2567 9:00:00")).reports.reports["report_id"]
    assert list(one) == list(two)
    assert one.nunique() == 2


def test_obstacle_factors_checkboxes(config):
    row = report()
    row[7] = "ด้านงบประมาณของหน่วยงาน, ด้านเทคโนโลยี ทั้ง software และ hardware ของหน่วยงาน, อื่นๆ"
    r = build(config, row).reports.reports.iloc[0]
    assert r["obstacle_factors"] == "2.2,2.4"
    assert r["obstacle_factors_other"] == "อื่นๆ"


def test_multiline_free_text_keeps_lines(config):
    r = build(config, report(result="บรรทัดแรก\r\n  บรรทัด\u200bสอง  ")).reports.reports.iloc[0]
    assert r["result"] == "บรรทัดแรก\nบรรทัดสอง"


def test_a_quoted_value_is_kept_as_data(config):
    from tidtam.core.model import VALUE_SLOT

    data = build(config, report(reporter="test user"), report(status="เสร็จแล้ว"))
    test_row, status = data.reports.rejected.to_dict("records")
    assert test_row["detail"] == f"มีคำว่าทดสอบในชื่อผู้รายงาน: {VALUE_SLOT}"
    assert (test_row["quoted_field"], test_row["quoted_value"]) == ("reporter", "test user")
    assert (status["quoted_field"], status["quoted_value"]) == ("status", "เสร็จแล้ว")


def test_the_status_suggestion_lists_the_taxonomy_labels(config):
    data = build(config, report(status="เสร็จแล้ว"))
    labels = [s.label for s in config.taxonomy.statuses if s.reported]
    assert data.reports.rejected["suggestion"].iloc[0] == "ใช้ " + " / ".join(labels)
    assert labels == ["ดำเนินการแล้ว", "อยู่ระหว่างการดำเนินการ", "ไม่สามารถดำเนินการได้"]
