"""The full data as XLSX: every table, neutralized cells, no unpublished personal fields,
same bytes for the same data."""

from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from tidtam.render import exports
from tidtam.render.exports import xlsx_bytes
from tidtam.render.people import PEOPLE_SHEET, SHEETS


@pytest.fixture(scope="module")
def book(sample_site):
    return load_workbook(sample_site / "data" / "tidtam-data.xlsx", read_only=True)


def test_workbook_has_every_table(book, sample_site):
    # The people's table of assignments first (tests/test_exports_people.py), then the
    # other tables, each row of each CSV file once.
    assert book.sheetnames == [PEOPLE_SHEET, *SHEETS.values()]
    for csv, sheet in [("assignments", PEOPLE_SHEET), *SHEETS.items()]:
        frame = pd.read_csv(sample_site / "data" / f"{csv}.csv", encoding="utf-8-sig", dtype=str)
        rows = list(book[sheet].iter_rows(values_only=True))
        assert len(rows) - 1 == len(frame), sheet


def test_workbook_cells_are_never_formulas(book):
    values = [v for row in book["รายงานผล"].iter_rows(values_only=True) for v in row
              if isinstance(v, str)]
    assert any(v.startswith("'=HYPERLINK(") for v in values)
    assert not [v for v in values if v.startswith(("=", "+", "-", "@"))]


def test_personal_fields_are_left_out(book):
    header = next(book["รายงานผล"].iter_rows(values_only=True))
    assert not {"reporter", "phone", "email", "ชื่อผู้รายงาน", "เบอร์โทรศัพท์", "อีเมล"} & set(header)


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"), ("+66 81", "'+66 81"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"),
    ("\x01=cmd", "'=cmd"), ("ปกติ", "ปกติ"), ("ก\x00ข", "กข"),
])
def test_cells_are_cleaned_then_neutralized(tmp_path, cell, expected):
    data = xlsx_bytes({"s": pd.DataFrame({"x": [cell]})}, datetime(2024, 7, 31))
    (tmp_path / "t.xlsx").write_bytes(data)
    sheet = load_workbook(tmp_path / "t.xlsx")["s"]
    assert sheet["A2"].value == expected
    assert sheet["A2"].data_type == "s"


def test_same_data_same_bytes():
    frame = pd.DataFrame({"a": ["x", "=y"], "n": [1, 2]})
    stamp = datetime(2024, 7, 31)
    assert xlsx_bytes({"s": frame}, stamp) == xlsx_bytes({"s": frame}, stamp)


def test_a_sheet_longer_than_excel_allows_continues_in_numbered_parts(tmp_path, monkeypatch):
    """Past Excel's 1,048,576 rows a sheet is split (shown here with 4 rows a sheet)."""
    monkeypatch.setattr(exports, "SHEET_ROWS", 4)
    frame = pd.DataFrame({"n": list(range(1, 11)), "x": [f"r{i}" for i in range(1, 11)]})
    (tmp_path / "t.xlsx").write_bytes(xlsx_bytes({"รายงานผล": frame, "อื่น": frame.head(3)},
                                                 datetime(2024, 7, 31)))
    book = load_workbook(tmp_path / "t.xlsx", read_only=True)
    assert book.sheetnames == ["รายงานผล", "รายงานผล (2)", "รายงานผล (3)", "รายงานผล (4)", "อื่น"]
    parts = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames[:4]]
    assert all(rows[0] == ("n", "x") for rows in parts)
    assert [r[0] for rows in parts for r in rows[1:]] == list(range(1, 11))
    assert max(len(rows) for rows in parts) == 4
