"""The speed-ups of issue 6 give exactly what the straightforward code gave.

Each fast path is checked against the code it replaced (kept here as the reference) on
generated input, including the awkward characters real form data carries.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tidtam.core.model import RawSheet
from tidtam.sync.files import parse_csv, read_csv_values
from tidtam.transform.columns import oversized_cells, per_value
from tidtam.transform.dates import _from_text, parse_timestamp
from tidtam.transform.reports import _instants
from tidtam.transform.text import arabic_digits, cell_text, clean_text, is_blank

TZ = ZoneInfo("Asia/Bangkok")
AWKWARD = list(" \t\r\n\x0b\x0c\x1c\x85\u00a0\u2028\u3000\u200b\u200c\u200d\u2060\ufeff"
               "\x00\x07\x1b\x7f\x9f\u200e\u202e\u2066"
               "\u00ad\u0e4d\u0e48\u0e49\u0e32\u0e33e\u0301,;\"/:.-0123456789๑๒๕๖")
TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(AWKWARD)), max_size=40)


def reference_clean_text(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f-\x84"
                  "\x86-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    text = re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)
    return re.sub(r"\s+", " ", text).strip()


@given(TEXT)
def test_clean_text(value):
    assert clean_text(value) == reference_clean_text(value)


@given(st.one_of(TEXT, st.none(), st.integers(), st.floats(), st.booleans()))
def test_is_blank(value):
    assert is_blank(value) == (cell_text(value) == "")


def reference_parse(value: str):
    text = arabic_digits(clean_text(value))
    if not text:
        return None
    try:
        return _from_text(text, TZ)
    except (ValueError, OverflowError):
        return None


STAMPS = st.builds(
    "{}/{}/{} {}:{:02d}:{:02d}{}".format,
    st.integers(0, 40), st.integers(0, 14), st.sampled_from([0, 999, 1999, 2024, 2567, 9999]),
    st.integers(0, 30), st.integers(0, 70), st.integers(0, 70),
    st.sampled_from(["", " ", "\n", ".5", " น."]))


@given(st.one_of(STAMPS, TEXT))
def test_parse_timestamp(value):
    assert parse_timestamp(value, TZ) == reference_parse(value)


@given(st.lists(st.lists(st.one_of(st.text(max_size=12), st.none(), st.integers()),
                         min_size=1, max_size=4), max_size=6), st.integers(0, 15))
def test_oversized_cells(rows, limit):
    sheet = RawSheet.from_values("responses", "x", [["a", "b", "c", "d"], *rows])
    expected = {}
    for i, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if type(value) is str and len(value) > limit:
                expected[i] = c
                break
    assert oversized_cells(sheet, limit) == expected


def test_per_value_tells_equal_numbers_of_different_types_apart():
    values = [1, 1.0, True, "1", None, 1, "1", float("nan")]
    assert per_value(values, repr) == [repr(v) for v in values]


@settings(max_examples=50)
@given(st.lists(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                             timezones=st.sampled_from([TZ, UTC, timezone(timedelta(hours=-3))])),
                min_size=1, max_size=20))
def test_instants_match_pandas(stamps):
    stamps = [s.astimezone(TZ) for s in stamps]
    expected = pd.to_datetime(pd.Series(stamps, dtype=object)).dt.tz_convert(TZ)
    got = pd.Series(_instants(stamps, TZ))
    pd.testing.assert_series_equal(got, expected, check_names=False)


CSV_CELLS = st.text(alphabet=st.sampled_from(list('ab ก,"\r\n\u2028\x0c\ufeffำ')), max_size=8)


@given(st.lists(st.lists(CSV_CELLS, min_size=1, max_size=4), min_size=1, max_size=5),
       st.sampled_from(["\r\n", "\n", "\r"]), st.booleans())
def test_streamed_csv_read_matches_reading_the_whole_text(tmp_path_factory, rows, end, bom):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=end).writerows(rows)
    data = (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
    file = tmp_path_factory.mktemp("csv") / "x.csv"
    file.write_bytes(data)
    # The same parse of the whole text (which quarantines a record that looks damaged).
    expected = parse_csv(io.StringIO(data.decode("utf-8-sig"), newline="")).values
    assert read_csv_values(file) == expected


def test_streamed_csv_read_falls_back_to_cp874(tmp_path):
    file = tmp_path / "x.csv"
    file.write_bytes("หน่วยงาน,สถานะ\r\nเขตบางรัก,ดำเนินการแล้ว\r\n".encode("cp874"))
    assert read_csv_values(file) == [["หน่วยงาน", "สถานะ"], ["เขตบางรัก", "ดำเนินการแล้ว"]]
