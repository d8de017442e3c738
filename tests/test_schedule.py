"""Issue 12, the data half: each assignment's schedule (transform/assignments.py), status
aliases (taxonomy.yaml -> StatusIndex) and the ``schedule`` block of kpis.json."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest
from conftest import AS_OF, BKK, SAMPLE

from tidtam.core.config import Agency, load_config
from tidtam.core.errors import ConfigError
from tidtam.core.paths import DEFAULT_CONFIG_DIR
from tidtam.render.datafiles import export_tables
from tidtam.sync.files import read_source
from tidtam.transform.assignments import assignment_status
from tidtam.transform.dataset import compute_kpis, normalize
from tidtam.transform.kpis import schedule_kpis
from tidtam.transform.taxonomy import StatusIndex

SCHEDULE = ["due_date", "first_reported_at", "reported_on_time", "days_overdue", "schedule",
            "rejected_rows"]
UTC = "UTC"


def _at(text: str, tz=BKK) -> pd.Timestamp:
    return pd.Timestamp(text, tz=tz)


# (pair, due date, reports as (time, status), expected fields). As of 2024-07-31.
CASES = [
    ("due today, silent", date(2024, 7, 31), [],
     {"status": "not_reported", "days_overdue": 0, "schedule": "not_due",
      "reported_on_time": "", "first": None}),
    ("due yesterday, silent", date(2024, 7, 30), [],
     {"status": "not_reported", "days_overdue": 1, "schedule": "overdue",
      "reported_on_time": "", "first": None}),
    ("due yesterday, in progress", date(2024, 7, 30), [(_at("2024-07-29 10:00"), "in_progress")],
     {"status": "in_progress", "days_overdue": 1, "schedule": "overdue",
      "reported_on_time": "true", "first": "2024-07-29 10:00"}),
    ("due today, in progress", date(2024, 7, 31), [(_at("2024-07-31 09:00"), "in_progress")],
     {"status": "in_progress", "days_overdue": 0, "schedule": "not_due",
      "reported_on_time": "true", "first": "2024-07-31 09:00"}),
    ("no due date, reported", None, [(_at("2024-05-01 09:00"), "in_progress")],
     {"status": "in_progress", "days_overdue": 0, "schedule": "not_due",
      "reported_on_time": "", "first": "2024-05-01 09:00"}),
    ("no due date, silent", None, [],
     {"status": "not_reported", "days_overdue": 0, "schedule": "not_due",
      "reported_on_time": "", "first": None}),
    # 16:59:59 UTC is 23:59:59 in Bangkok: still the due date.
    ("first at 23:59:59 Bangkok on the due date", date(2024, 6, 30),
     [(_at("2024-06-30 16:59:59", UTC), "in_progress")],
     {"status": "in_progress", "days_overdue": 31, "schedule": "overdue",
      "reported_on_time": "true", "first": "2024-06-30 23:59:59"}),
    ("first the day after (00:00 Bangkok)", date(2024, 6, 30),
     [(_at("2024-06-30 17:00:00", UTC), "in_progress")],
     {"status": "in_progress", "days_overdue": 31, "schedule": "overdue",
      "reported_on_time": "false", "first": "2024-07-01 00:00:00"}),
    ("done late", date(2024, 6, 30),
     [(_at("2024-07-02 08:00"), "in_progress"), (_at("2024-07-20 08:00"), "done")],
     {"status": "done", "days_overdue": 0, "schedule": "closed",
      "reported_on_time": "false", "first": "2024-07-02 08:00"}),
    ("cannot, on time, then nothing", date(2024, 1, 31), [(_at("2024-01-15 08:00"), "cannot")],
     {"status": "cannot", "days_overdue": 0, "schedule": "closed",
      "reported_on_time": "true", "first": "2024-01-15 08:00"}),
    # The first report decides, not the latest; rows out of time order.
    ("first on time, latest late", date(2024, 3, 1),
     [(_at("2024-05-01 08:00"), "in_progress"), (_at("2024-02-01 08:00"), "in_progress")],
     {"status": "in_progress", "days_overdue": 152, "schedule": "overdue",
      "reported_on_time": "true", "first": "2024-02-01 08:00"}),
]
AGENCIES = [Agency(name=f"หน่วย {i}", kind="district", district_group="กลุ่ม")
            for i in range(len(CASES))]


def _tables(cases=CASES):
    pairs = pd.DataFrame({"directive_code": [f"D-{i:02}" for i in range(len(cases))],
                          "agency": [a.name for a in AGENCIES[:len(cases)]]})
    directives = pd.DataFrame({
        "directive_code": pairs["directive_code"], "fiscal_year": 2567, "round": 1,
        "source": "", "inspector": "", "type_code": "1.1", "factor_codes": "",
        "due_date": [c[1] for c in cases]})
    rows = [(code, agency, t, st) for (code, agency), case in
            zip(pairs.itertuples(index=False), cases, strict=True) for t, st in case[2]]
    reports = pd.DataFrame({
        "report_id": [f"r{i}" for i in range(len(rows))],
        "source_row": range(2, len(rows) + 2),
        "submitted_at": pd.Series([r[2] for r in rows], dtype="datetime64[ns, UTC]")
        .dt.tz_convert(BKK),
        "directive_code": [r[0] for r in rows], "agency": [r[1] for r in rows],
        "status": [r[3] for r in rows]})
    return pairs, directives, reports


@pytest.fixture(scope="module")
def table():
    pairs, directives, reports = _tables()
    rejected = pd.DataFrame(
        [(305, "D-00", AGENCIES[0].name, "unknown_status"),
         (12, "D-00", AGENCIES[0].name, "missing_status"),
         (40, "D-00", AGENCIES[0].name, "test_row"),          # not a submission
         (41, "D-99", AGENCIES[0].name, "not_assigned"),      # no such assignment
         (77, "D-08", AGENCIES[8].name, "future_timestamp"),  # not sent yet, as of then
         (78, "D-08", AGENCIES[8].name, "unknown_agency_alias")],
        columns=["source_row", "directive_code", "agency", "reason"])
    return assignment_status(pairs, directives, reports, AGENCIES, AS_OF, rejected,
                             "Asia/Bangkok")


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_schedule_rules(table, i):
    want = CASES[i][3]
    row = table.iloc[i]
    assert row["status"] == want["status"]
    assert row["days_overdue"] == want["days_overdue"]
    assert row["schedule"] == want["schedule"]
    assert row["reported_on_time"] == want["reported_on_time"]
    if want["first"] is None:
        assert pd.isna(row["first_reported_at"])
    else:
        assert row["first_reported_at"] == _at(want["first"])
        assert str(row["first_reported_at"].tz) == "Asia/Bangkok"


def test_rejected_rows_are_the_pairs_failed_submissions_ascending(table):
    assert table["rejected_rows"].tolist() == ["12;305"] + [""] * 7 + ["78"] + [""] * 2


def test_no_reports_and_no_rejections_at_all():
    pairs, directives, reports = _tables()
    empty = reports.iloc[0:0]
    got = assignment_status(pairs, directives, empty, AGENCIES, AS_OF)
    assert set(got["status"]) == {"not_reported"}
    assert got["first_reported_at"].isna().all()
    assert set(got["reported_on_time"]) == {""} and set(got["rejected_rows"]) == {""}
    assert got.loc[1, "days_overdue"] == 1 and got.loc[0, "days_overdue"] == 0


def test_schedule_columns_come_after_the_old_ones(table):
    cols = list(table.columns)
    assert cols[-6:-2] == ["first_reported_at", "reported_on_time", "schedule",
                           "rejected_rows"]
    assert cols[-2:] == ["reminders", "last_reminded"]  # the reminder log, appended after
    assert cols.index("due_date") < cols.index("days_overdue") < cols.index("first_reported_at")


def test_schedule_kpis_on_hand_made_data(table):
    k = schedule_kpis(table, AS_OF, 80.0)
    overdue = table[table["schedule"] == "overdue"]
    assert k.assignments_overdue == len(overdue) == 5
    # Due before 2024-07-31: every case but "due today" (2) and "no due date" (2), i.e. 7;
    # on time among them: due yesterday/in progress, 23:59:59, cannot, first on time.
    assert k.on_time_report_pct == round(4 * 100 / 7, 2)
    assert k.median_days_overdue == 31.0  # of 1, 1, 31, 31, 152
    assert k.on_time_report_target_pct == 80.0


def test_schedule_kpis_when_nothing_is_due_or_overdue(table):
    early = schedule_kpis(table.assign(schedule="not_due"), date(2020, 1, 1), 75.0)
    assert early.assignments_overdue == 0
    assert early.on_time_report_pct is None and early.median_days_overdue is None


# --- status aliases ------------------------------------------------------------------


def test_an_alias_resolves_exactly_and_a_near_miss_does_not(config):
    index = StatusIndex(config.taxonomy.statuses)
    assert index.resolve("กำลังดำเนินการ") == "in_progress"
    assert index.resolve("  กำลัง\u200bดำเนินการ ") == "in_progress"  # normalized text
    for near in ("กำลังดำเนินการอยู่", "กำลังดำเนิน", "กาลังดำเนินการ"):
        assert index.resolve(near) is None
    assert "กำลังดำเนินการ" not in index.labels  # the message names the current labels


def _config_with(tmp_path, old: str, new: str):
    folder = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, folder)
    path = folder / "taxonomy.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


ALIAS = 'aliases: ["กำลังดำเนินการ"]'


@pytest.mark.parametrize("other", ['aliases: ["กำลังดำเนินการ", "กำลังดำเนินการ"]',
                                   'aliases: ["กำลังดำเนินการ", " ดำเนินการแล้ว"]'],
                         ids=["twice", "another status's label"])
def test_a_duplicate_alias_is_a_config_error_naming_file_and_line(tmp_path, other):
    folder = _config_with(tmp_path, ALIAS, other)
    with pytest.raises(ConfigError) as err:
        load_config(folder)
    text = str(err.value)
    assert "taxonomy.yaml" in text and "line " in text and "alias" in text
    line = int(text.split("line ")[1].split(":")[0])
    lines = (folder / "taxonomy.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[line - 1].startswith("statuses")


def test_an_alias_on_two_statuses_is_refused(tmp_path):
    folder = _config_with(tmp_path, 'short: "ดำเนินการแล้ว", reported: true}',
                          'short: "ดำเนินการแล้ว", reported: true, aliases: ["กำลังดำเนินการ"]}')
    with pytest.raises(ConfigError, match="alias 'กำลังดำเนินการ' of in_progress"):
        load_config(folder)


# --- the sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(config):
    return normalize(read_source(SAMPLE / "data", config), config, AS_OF)


@pytest.fixture(scope="module")
def sample_without_alias(tmp_path_factory):
    folder = _config_with(tmp_path_factory.mktemp("noalias"), ", " + ALIAS, "")
    config = load_config(folder)
    return normalize(read_source(SAMPLE / "data", config), config, AS_OF)


def _one(data, code: str, agency: str) -> pd.Series:
    a = data.assignments
    found = a[(a["directive_code"] == code) & (a["agency"] == agency)]
    assert len(found) == 1
    return found.iloc[0]


def test_dusit_in_progress_since_its_due_date_is_64_days_overdue(sample):
    row = _one(sample, "2566-2-018", "สำนักงานเขตดุสิต")
    assert str(row["due_date"]) == "2024-05-28"
    assert (row["status"], row["days_overdue"], row["schedule"]) == ("in_progress", 64, "overdue")


# The issue says "row 229": that is the line of sample/data/responses.csv (two earlier
# answers span several lines); the sheet row, in the CSV's records and in the workbook
# alike (and in rejected.csv), is 227.
def test_sathorn_row_227_without_the_alias_is_a_failed_submission(sample_without_alias):
    row = _one(sample_without_alias, "2566-2-001", "สำนักงานเขตสาทร")
    assert row["status"] == "not_reported"
    assert row["rejected_rows"] == "227"
    assert (row["days_overdue"], row["schedule"]) == (94, "overdue")
    assert row["reported_on_time"] == "" and pd.isna(row["first_reported_at"])
    rejected = sample_without_alias.rejected
    assert rejected.loc[rejected["row"] == 227, "reason"].tolist() == ["unknown_status"]


def test_sathorn_row_227_with_the_alias_is_a_valid_report(sample):
    row = _one(sample, "2566-2-001", "สำนักงานเขตสาทร")
    assert (row["status"], row["rejected_rows"]) == ("in_progress", "")
    assert row["first_reported_at"] == pd.Timestamp("2024-02-20 11:28:57", tz=BKK)
    assert row["reported_on_time"] == "true"  # due 2024-04-28
    assert (row["days_overdue"], row["schedule"]) == (94, "overdue")
    assert 227 not in set(sample.rejected["row"])


def test_rejected_csv_keeps_its_columns(sample, sample_without_alias):
    assert list(export_tables(sample)["rejected"].columns) == \
        list(export_tables(sample_without_alias)["rejected"].columns)
    assert "directive_code" not in sample.rejected.columns


def test_assignments_csv_carries_the_schedule_as_text(sample):
    table = export_tables(sample)["assignments"]
    assert list(table.columns[-7:-2]) == ["days_overdue"] + SCHEDULE[1:3] + SCHEDULE[4:]
    row = table[(table["directive_code"] == "2566-2-018")
                & (table["agency"] == "สำนักงานเขตดุสิต")].iloc[0]
    assert row["due_date"] == "2024-05-28"
    assert row["first_reported_at"] == "2024-03-06T14:42:04+07:00"
    assert set(table["reported_on_time"]) <= {"true", "false", ""}
    assert set(table.loc[table["status"] == "not_reported", "first_reported_at"]) == {""}


@pytest.mark.parametrize("as_of", [date(2024, 3, 31), AS_OF, date(2025, 1, 1)])
def test_schedule_properties_on_the_sample(config, as_of):
    data = normalize(read_source(SAMPLE / "data", config), config, as_of)
    a = data.assignments
    closed = a["status"].isin(["done", "cannot"])
    assert ((a["schedule"] == "closed") == closed).all()
    assert ((a["days_overdue"] > 0) == (a["schedule"] == "overdue")).all()
    assert (a["days_overdue"] >= 0).all()
    no_first = a["first_reported_at"].isna()
    assert ((a["reported_on_time"] == "") == (no_first | a["due_date"].isna())).all()
    assert (no_first == (a["status"] == "not_reported")).all()
    # The first report is never after the latest.
    assert (a["first_reported_at"][~no_first] <= a["reported_at"][~no_first]).all()


def test_schedule_kpis_of_the_sample(sample):
    k = compute_kpis(sample)
    assert list(k.as_dict())[-3:] == ["schedule", "reminders", "change"]
    assert k.change is None  # compute_kpis knows no earlier run
    s = k.as_dict()["schedule"]
    assert list(s) == ["assignments_overdue", "on_time_report_pct",
                       "on_time_report_target_pct", "median_days_overdue"]
    # Recount from the rows, by hand.
    rows = sample.assignments.to_dict("records")
    overdue = sorted(r["days_overdue"] for r in rows if r["schedule"] == "overdue")
    passed = [r for r in rows if r["due_date"] is not None and r["due_date"] < AS_OF]
    on_time = [r for r in passed if r["reported_on_time"] == "true"]
    assert s["assignments_overdue"] == len(overdue) == 196
    assert s["on_time_report_pct"] == round(len(on_time) * 100 / len(passed), 2) == 67.45
    assert s["median_days_overdue"] == 94.0 == (overdue[97] + overdue[98]) / 2
    assert s["on_time_report_target_pct"] == 80.0
    in_progress = [r for r in rows if r["status"] == "in_progress"]
    assert all(r["schedule"] == "overdue" for r in in_progress)  # all past due in the sample
