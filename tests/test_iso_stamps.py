"""The column-wise ISO formatting of timestamps equals Timestamp.isoformat() everywhere."""

import pandas as pd
import pytest

from tidtam.render.site import _iso_stamps


@pytest.mark.parametrize("tz", ["Asia/Bangkok", "UTC", "America/New_York", "Asia/Kolkata",
                                "America/St_Johns", "Pacific/Chatham"])
@pytest.mark.parametrize("freq", ["37min", "1s", "123457us"])  # the last: microseconds
def test_same_as_isoformat(tz, freq):
    stamps = pd.Series(pd.date_range("2023-03-01", periods=2000, freq=freq, tz=tz))
    stamps[7] = pd.NaT
    expected = stamps.map(lambda v: v.isoformat() if pd.notna(v) else "")
    assert _iso_stamps(stamps).tolist() == expected.tolist()


def test_all_missing():
    stamps = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, Asia/Bangkok]")
    assert _iso_stamps(stamps).tolist() == ["", ""]
