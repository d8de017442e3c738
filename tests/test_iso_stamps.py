"""The column-wise ISO formatting of timestamps equals Timestamp.isoformat() everywhere."""

import pandas as pd
import pytest

from tidtam.render.formats import iso, iso_stamps, iso_values


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
