"""Every accepted timestamp shape, and the shapes that must be refused."""

from datetime import date, datetime

import pytest
from conftest import BKK

from tidtam.transform.dates import fiscal_year, parse_date, parse_timestamp


def bkk(*args):
    return datetime(*args, tzinfo=BKK)


@pytest.mark.parametrize(("value", "expected"), [
    ("5/1/2567 9:03:07", bkk(2024, 1, 5, 9, 3, 7)),          # Thai locale, B.E.
    ("5/1/2024 9:03:07", bkk(2024, 1, 5, 9, 3, 7)),          # same, Gregorian
    ("๕/๑/๒๕๖๗ ๙:๐๓:๐๗", bkk(2024, 1, 5, 9, 3, 7)),          # Thai digits
    ("05/01/2567 09:03", bkk(2024, 1, 5, 9, 3)),             # no seconds
    ("31/3/2567", bkk(2024, 3, 31)),                          # date only
    ("2024-03-05T10:15:00+07:00", bkk(2024, 3, 5, 10, 15)),  # ISO with offset
    ("2024-03-05T03:15:00Z", bkk(2024, 3, 5, 10, 15)),       # ISO UTC -> Bangkok
    ("2024-03-05 10:15:00", bkk(2024, 3, 5, 10, 15)),        # ISO naive = Bangkok
    ("2567-03-05", bkk(2024, 3, 5)),                          # ISO with a B.E. year
    ("5 ม.ค. 2567", bkk(2024, 1, 5)),                         # Thai month abbreviation
    ("5 มกราคม พ.ศ. 2567", bkk(2024, 1, 5)),                  # full month, พ.ศ.
    ("30 ก.ย. 66", bkk(2023, 9, 30)),                         # two-digit B.E. year
    (45296.37716, bkk(2024, 1, 5, 9, 3, 7)),                  # serial day number
    (45296, bkk(2024, 1, 5)),
    ("45296.5", bkk(2024, 1, 5, 12)),                          # serial as text
    (datetime(2024, 1, 5, 9, 3, 7), bkk(2024, 1, 5, 9, 3, 7)),  # xlsx date cell
    (date(2024, 1, 5), bkk(2024, 1, 5)),
])
def test_accepted_shapes(value, expected):
    assert parse_timestamp(value, BKK) == expected


@pytest.mark.parametrize("value", [
    None, "", "ไม่ทราบ", "32/13/2567 25:00:00", "31/2/2567", "5", "2024", "12:30",
    "5 ม.ค.", "5 foo 2567", 12, 1.5, 10**9, True, "45296 extra",
])
def test_refused_shapes(value):
    assert parse_timestamp(value, BKK) is None


def test_parse_date_drops_time():
    assert parse_date("5/1/2567 23:59:59", BKK) == date(2024, 1, 5)


@pytest.mark.parametrize(("day", "year"), [
    (date(2023, 9, 30), 2566), (date(2023, 10, 1), 2567), (date(2024, 9, 30), 2567),
])
def test_fiscal_year_starts_in_october(day, year):
    assert fiscal_year(day) == year
