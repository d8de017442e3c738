"""Issue 11 row 5: no header or cell of a CSV or workbook export is a live formula, even
behind leading whitespace or invisible characters."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime

import pandas as pd
import pytest

from tidtam.render.exports import neutralize, write_csv, xlsx_bytes

HIDERS = ["", " ", "  ", "\u00a0", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
          "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u061c", " \u200b\u00a0", "\n"]
STARTS = ["=", "+", "-", "@"]
LIVE = [h + s + "HYPERLINK(\"http://x\",\"y\")" for h in HIDERS for s in STARTS]


def _visible(text: str) -> str:
    return re.sub(r"^[\s\u00a0\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]+", "", text)


def _is_live(text: str) -> bool:
    return _visible(text)[:1] in STARTS or text[:1] in ("\t", "\r")


@pytest.mark.parametrize("value", LIVE)
def test_neutralize_judges_after_invisible_characters(value):
    assert not _is_live(neutralize(value))


def test_csv_headers_and_cells_are_neutralized():
    frame = pd.DataFrame({"=HYPERLINK(\"http://x\")": ["ok"] * len(LIVE),
                          "\u200b+SUM(1)": LIVE, "plain": LIVE})
    buffer = io.StringIO()
    write_csv(frame, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue().lstrip("\ufeff"))))
    assert len(rows) == len(LIVE) + 1
    live = [cell for row in rows for cell in row if _is_live(cell)]
    assert live == []


def test_workbook_headers_and_cells_are_neutralized():
    frame = pd.DataFrame({"=HYPERLINK(\"http://x\")": LIVE, " @cmd": LIVE})
    book = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"t": frame}, datetime(2024, 7, 31))))
    xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    texts = [t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
             .replace("&quot;", '"') for t in re.findall(r"<t[^>]*>(.*?)</t>", xml, re.S)]
    assert len(texts) == 2 * (len(LIVE) + 1)
    assert [t for t in texts if _is_live(t)] == []


def test_machine_columns_are_unchanged():
    frame = pd.DataFrame({"directive_code": ["2566-1-001"], "submitted_at":
                          ["2024-01-02T03:04:05"], "count": [-3], "text": ["ข้อ 1"]})
    buffer = io.StringIO()
    write_csv(frame, buffer)
    assert buffer.getvalue().lstrip("\ufeff") == ("directive_code,submitted_at,count,text\r\n"
                                 "2566-1-001,2024-01-02T03:04:05,-3,ข้อ 1\r\n")
