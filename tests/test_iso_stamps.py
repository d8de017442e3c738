"""Display formats: the column-wise ISO formatting of timestamps equals
Timestamp.isoformat() everywhere, and Thai dates read the same from any value."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from tidtam.render.formats import iso, iso_stamps, iso_values, thai_date, thai_datetime


@pytest.mark.parametrize("tz", ["Asia/Bangkok", "UTC", "America/New_York", "Asia/Kolkata",
                                "America/St_Johns", "Pacific/Chatham"])
@pytest.mark.parametrize("freq", ["37min", "1s", "123457us"])  # the last: microseconds
def test_same_as_isoformat(tz, freq):
    stamps = pd.Series(pd.date_range("2023-03-01", periods=2000, freq=freq, tz=tz))
    stamps[7] = pd.NaT
    expected = stamps.map(lambda v: v.isoformat() if pd.notna(v) else "")
    assert iso_stamps(stamps).tolist() == expected.tolist()


def test_all_at_midnight():
    """pandas prints only the date when every time is midnight; ISO text keeps the time."""
    stamps = pd.Series(pd.date_range("2024-01-01", periods=3, freq="D", tz="Asia/Bangkok"))
    assert iso_stamps(stamps).tolist() == [v.isoformat() for v in stamps]


def test_all_missing():
    stamps = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, Asia/Bangkok]")
    assert iso_stamps(stamps).tolist() == ["", ""]


@pytest.mark.parametrize("values", [
    pd.Series(pd.date_range("2024-01-01 08:00", periods=50, freq="7h", tz="Asia/Bangkok")),
    pd.Series([pd.Timestamp("2024-01-01", tz="Asia/Bangkok"), pd.NaT]),
    pd.Series([pd.Timestamp("2024-02-29").date(), None, float("nan")], dtype=object),
])
def test_iso_values_same_as_iso(values):
    """What pages show: iso() of each value, None (not '') where a value is missing."""
    assert iso_values(values).tolist() == [iso(v) for v in values]


@pytest.mark.parametrize(("value", "text"), [
    (date(2024, 1, 5), "5 ม.ค. 2567"),
    (date(2023, 12, 31), "31 ธ.ค. 2566"),
    ("2024-01-05", "5 ม.ค. 2567"),
    (pd.Timestamp("2024-01-05", tz="Asia/Bangkok"), "5 ม.ค. 2567"),
    (None, "-"),
    (pd.NaT, "-"),
])
def test_thai_date(value, text):
    assert thai_date(value) == text


@pytest.mark.parametrize("value", [
    datetime(2024, 7, 31, 9, 5, tzinfo=ZoneInfo("Asia/Bangkok")),
    "2024-07-31T09:05:00+07:00",
])
def test_thai_datetime_has_time(value):
    assert thai_datetime(value) == "31 ก.ค. 2567 09:05 น."
