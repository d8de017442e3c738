"""Exports for people (issue 14): the workbook's first sheet and the overview's filtered CSV
have Thai headers, Thai status labels (taxonomy.yaml's), Buddhist-era dates and the
directive's text with the latest report's words; cells are never formulas. The machine
files data/*.csv keep their English contract."""

import json
import re
from datetime import date, datetime

import pandas as pd
import pytest
from conftest import AS_OF, SAMPLE
from openpyxl import load_workbook
from test_browser import browser, export_filtered, watched  # noqa: F401  (fixtures)

from tidtam.pipeline import normalize, read_source
from tidtam.render.exports import xlsx_bytes
from tidtam.render.people import (
    HEADERS,
    PEOPLE_SHEET,
    SHEET_HEADERS,
    SHEETS,
    export_data,
    people_table,
    thai_headers,
)

# The machine contract: these headers never change (a new column is appended at the end
# and documented; renaming one breaks every script that reads the files).
MACHINE_HEADERS = {
    "assignments": [
        "directive_code", "agency", "agency_kind", "district_group", "fiscal_year", "round",
        "source", "inspector", "type_code", "factor_codes", "due_date", "status", "reported_at",
        "report_count", "latest_report_id", "days_overdue", "first_reported_at",
        "reported_on_time", "schedule", "rejected_rows"],
    "directives": [
        "directive_code", "fiscal_year", "round", "source", "inspector", "text", "type_code",
        "type_key", "factor_codes", "due_date", "agency_count", "source_row"],
    "reports": [
        "report_id", "source_row", "submitted_at", "directive_code", "agency", "status",
        "result", "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments"],
}
THAI_HEADERS = ["รหัสข้อสั่งการ", "ข้อสั่งการ", "หน่วยงาน", "กลุ่มเขต", "ผู้ตรวจราชการ",
                "ประเภท", "สถานะ", "กำหนดรายงาน", "วันที่รายงานล่าสุด", "เกินกำหนด (วัน)",
                "ผลการดำเนินการ", "ปัญหาอุปสรรค"]
MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
          "พ.ย.", "ธ.ค."]

BE_DATE = r"\d{1,2} (" + "|".join(map(re.escape, MONTHS)) + r") 25\d\d"


def be(iso: str) -> str:
    """The Buddhist-era date people read, written out here independently of the code."""
    if not iso:
        return ""
    d = date.fromisoformat(iso[:10])
    return f"{d.day} {MONTHS[d.month - 1]} {d.year + 543}"


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def machine(sample_site):
    return {name: read_csv(sample_site / "data" / f"{name}.csv") for name in MACHINE_HEADERS}


@pytest.fixture(scope="module")
def sheet(sample_site):
    book = load_workbook(sample_site / "data" / "tidtam-data.xlsx", read_only=True)
    assert book.sheetnames[0] == PEOPLE_SHEET
    rows = list(book[PEOPLE_SHEET].iter_rows(values_only=True))
    return pd.DataFrame([["" if v is None else v for v in r] for r in rows[1:]],
                        columns=list(rows[0]))


def expected_people(machine: dict, config) -> pd.DataFrame:
    """What each people's row must say, from the machine files and the config alone."""
    labels = {s.key: s.label for s in config.taxonomy.statuses}
    a, reports = machine["assignments"], machine["reports"]
    texts = dict(zip(machine["directives"]["directive_code"], machine["directives"]["text"],
                     strict=True))
    words = reports.set_index("report_id")
    latest = a["latest_report_id"]
    return pd.DataFrame({
        "รหัสข้อสั่งการ": a["directive_code"], "ข้อสั่งการ": a["directive_code"].map(texts),
        "หน่วยงาน": a["agency"], "ผู้ตรวจราชการ": a["inspector"],
        "สถานะ": a["status"].map(labels),
        "กำหนดรายงาน": a["due_date"].map(be), "วันที่รายงานล่าสุด": a["reported_at"].map(be),
        "เกินกำหนด (วัน)": a["days_overdue"].astype(int),
        "ผลการดำเนินการ": latest.map(words["result"]).fillna(""),
        "ปัญหาอุปสรรค": latest.map(words["obstacles"]).fillna(""),
    })


def test_machine_csv_headers_are_unchanged(machine):
    """English, in this order; a new column may only be appended after them."""
    for name, header in MACHINE_HEADERS.items():
        assert list(machine[name].columns)[:len(header)] == header, name


def test_workbook_opens_on_the_people_sheet_then_the_other_tables(sample_site):
    book = load_workbook(sample_site / "data" / "tidtam-data.xlsx", read_only=True)
    assert book.sheetnames == [PEOPLE_SHEET, "ข้อสั่งการ", "รายงานผล", "แถวที่ไม่ผ่านการตรวจสอบ"]


def sheet_of(sample_site, title):
    book = load_workbook(sample_site / "data" / "tidtam-data.xlsx", read_only=True)
    rows = list(book[title].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0]).fillna("")


@pytest.mark.parametrize("name", ["directives", "reports", "rejected"])
def test_every_other_sheet_is_for_people_too(sample_site, name):
    """No English header; no status key or ISO date in a column tidtam writes (the
    quarantined rows' original cells stay as typed); one row per CSV row."""
    csv = read_csv(sample_site / "data" / f"{name}.csv")
    sheet = sheet_of(sample_site, SHEETS[name])
    assert len(sheet) == len(csv)
    assert not [c for c in sheet.columns if re.search(r"[A-Za-z_]", c)], name
    ours = [c for c in SHEET_HEADERS[name].values() if c in sheet.columns]
    assert len(ours) >= 5
    text = sheet[ours].astype(str)
    assert not text.isin(["not_reported", "in_progress", "done", "cannot"]).any().any()
    iso = text.apply(lambda col: col.str.fullmatch(r"\d{4}-\d\d-\d\d.*")).any().any()
    assert not iso, name


def test_the_other_sheets_say_the_machine_rows_in_thai(sample_site, machine, config):
    """Row by row against the CSV files, with the labels and dates worked out here."""
    statuses = {s.key: s.label for s in config.taxonomy.statuses}
    types = {t.code: f"{t.code} {t.label}" for t in config.taxonomy.directive_types}
    reports = sheet_of(sample_site, SHEETS["reports"])
    want = machine["reports"]
    assert reports["สถานะ"].tolist() == [statuses[k] for k in want["status"]]
    assert reports["รหัสข้อสั่งการ"].tolist() == want["directive_code"].tolist()
    stamps = [datetime.fromisoformat(t) for t in want["submitted_at"]]
    assert reports["ประทับเวลา"].tolist() == [
        f"{be(t.date().isoformat())} {t:%H:%M} น." for t in stamps]
    directives = sheet_of(sample_site, SHEETS["directives"])
    want = machine["directives"]
    assert directives["กำหนดรายงาน"].tolist() == [be(d) for d in want["due_date"]]
    assert directives["ประเภท"].tolist() == [types.get(c, c) for c in want["type_code"]]


def test_people_sheet_has_thai_headers_labels_dates_and_words(sheet, machine, config):
    assert set(THAI_HEADERS) <= set(sheet.columns)
    assert list(sheet.columns) == list(HEADERS.values())
    assert not [c for c in sheet.columns if re.search(r"[A-Za-z_]", c)]
    want = expected_people(machine, config)
    assert len(sheet) == len(want) == len(machine["assignments"])
    for column in want.columns:
        assert sheet[column].tolist() == want[column].tolist(), column
    labels = {s.label for s in config.taxonomy.statuses}
    assert set(sheet["สถานะ"]) <= labels
    assert "ไม่สามารถดำเนินการได้" in set(sheet["สถานะ"])  # the sample has every status
    dates = [d for d in [*sheet["กำหนดรายงาน"], *sheet["วันที่รายงานล่าสุด"]] if d]
    assert dates and all(re.fullmatch(BE_DATE, d) for d in dates)
    assert (sheet["ผลการดำเนินการ"] != "").sum() > 100
    assert (sheet["ปัญหาอุปสรรค"] != "").sum() > 10




@pytest.fixture(scope="module")
def hostile(config):
    """The sample with formula-like text in a directive and in latest reports' words."""
    data = normalize(read_source(SAMPLE / "data", config), config, AS_OF)
    reports = data.reports.reports.copy()
    latest = set(data.assignments["latest_report_id"]) - {""}
    chosen = reports.index[reports["report_id"].isin(latest)][:3]
    reports.loc[chosen, "result"] = ["=1+1", "@SUM(A1)", "\u200b=cmd|' /C calc'!A0"]
    reports.loc[chosen, "obstacles"] = "+66 81 234 5678"
    data.reports.reports = reports
    data.register.directives.loc[0, "text"] = "-2+3 ให้ดำเนินการ"
    return data


def test_people_sheet_cells_are_never_formulas(hostile, tmp_path):
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes({PEOPLE_SHEET: thai_headers(
        people_table(hostile))}, datetime(2024, 7, 31)))
    rows = list(load_workbook(tmp_path / "b.xlsx")[PEOPLE_SHEET].iter_rows(values_only=True))
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert {"'=1+1", "'@SUM(A1)", "'\u200b=cmd|' /C calc'!A0", "'+66 81 234 5678",
            "'-2+3 ให้ดำเนินการ"} <= set(texts)
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@"))]


def test_the_browser_copy_decodes_to_the_same_table(sample_site, sheet):
    text = (sample_site / "data" / "overview-export.js").read_text(encoding="utf-8")
    prefix = "window.TIDTAM_EXPORT="
    assert text.startswith(prefix)
    data = json.loads(text[len(prefix):].rstrip().rstrip(";"))
    assert data["head"] == list(sheet.columns) and data["n"] == len(sheet)
    rows = [["" if v is None else v for v in (c["d"][data["key"][i]] if "d" in c
                                            else c["v"][c["i"][i]] for c in data["cols"])]
            for i in range(data["n"])]
    assert rows == sheet.values.tolist()


def test_export_data_is_compact():
    """Per-directive columns are held once per directive, not once per row."""
    table = pd.DataFrame({k: ["x"] * 4 for k in HEADERS})
    table["directive_code"] = ["a", "a", "b", "b"]
    data = export_data(table)
    assert data["key"] == [0, 0, 1, 1]
    assert data["cols"][0] == {"d": ["a", "b"]}
    assert data["cols"][2] == {"v": ["x"], "i": [0, 0, 0, 0]}


@pytest.mark.browser
@pytest.mark.parametrize("rel", ["index.html", "tidtam-overview.html"])
def test_filtered_csv_is_for_people(watched, sample_site, machine, config, rel):  # noqa: F811
    w = watched()
    page = w.page
    page.goto((sample_site / rel).as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    header, body = export_filtered(page, status="ไม่สามารถดำเนินการได้")
    assert header == list(HEADERS.values())
    assert set(THAI_HEADERS) <= set(header)
    want = expected_people(machine, config)
    want = want[machine["assignments"]["status"] == "cannot"]
    assert len(body) == len(want) > 0
    got = pd.DataFrame(body, columns=header)
    for column in want.columns:
        assert got[column].tolist() == want[column].astype(str).tolist(), column
    assert set(got["สถานะ"]) == {"ไม่สามารถดำเนินการได้"}
    assert all(re.fullmatch(BE_DATE, d) for d in got["กำหนดรายงาน"])
    assert (got["ผลการดำเนินการ"] != "").all()  # every "cannot" says why
