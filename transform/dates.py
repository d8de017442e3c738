"""Timestamps and dates in every shape the sources produce, read as Asia/Bangkok.

Shapes: ``d/m/yyyy H:MM[:SS]`` with a Buddhist-era or Gregorian year (Sheets' Thai
locale), ``d <Thai month> yyyy`` (B.E., also two-digit: ``5 ม.ค. 67``), ISO 8601,
spreadsheet serial day numbers, and native date cells. Anything else is ``None``: a
lenient parser (dateutil reads "5" as the 5th of this month) would accept garbage.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tidtam.transform.text import arabic_digits, clean_text

BE_OFFSET = 543
_SERIAL_EPOCH = datetime(1899, 12, 30)
# Serial days 20000..80000 are 1954..2119: wider is a number, not a date.
_SERIAL_RANGE = (20000, 80000)

_DMY = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?)?$"
)
THAI_MONTHS = [
    ("ม.ค.", "มกราคม"), ("ก.พ.", "กุมภาพันธ์"), ("มี.ค.", "มีนาคม"), ("เม.ย.", "เมษายน"),
    ("พ.ค.", "พฤษภาคม"), ("มิ.ย.", "มิถุนายน"), ("ก.ค.", "กรกฎาคม"), ("ส.ค.", "สิงหาคม"),
    ("ก.ย.", "กันยายน"), ("ต.ค.", "ตุลาคม"), ("พ.ย.", "พฤศจิกายน"), ("ธ.ค.", "ธันวาคม"),
]
_MONTH_BY_KEY = {
    name.replace(".", ""): i + 1 for i, names in enumerate(THAI_MONTHS) for name in names
}
_THAI_DMY = re.compile(
    r"^(\d{1,2})\s*([\u0e00-\u0e7f.]+?)\s*(?:พ\s*\.?\s*ศ\s*\.?)?\s*(\d{4}|\d{2})"
    r"(?:\s+(?:เวลา\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.?)?)?$"
)


# The shape Sheets' Thai locale writes, as written: ASCII digits and one space, so text
# normalization would not change it. Most cells take this shortcut to the _DMY rule.
_SHEETS_TEXT = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) ([0-9]{1,2}):([0-9]{2}):([0-9]{2})")


def parse_timestamp(value: object, tz: ZoneInfo) -> datetime | None:
    """An aware datetime in ``tz`` for any accepted shape, else None."""
    if type(value) is str:
        m = _SHEETS_TEXT.fullmatch(value)
        if m:
            d, mo, y, hh, mm, ss = map(int, m.groups())
            try:
                return datetime(_gregorian(y), mo, d, hh, mm, ss, tzinfo=tz)
            except (ValueError, OverflowError):
                return None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, int | float):
        return _from_serial(float(value), tz)
    text = arabic_digits(clean_text(str(value)))
    if not text:
        return None
    try:
        return _from_text(text, tz)
    except (ValueError, OverflowError):
        return None  # a well-shaped but impossible date such as 32/13/2567


def parse_date(value: object, tz: ZoneInfo) -> date | None:
    """The calendar date in ``tz`` of any accepted shape, else None."""
    stamp = parse_timestamp(value, tz)
    return stamp.date() if stamp else None


def _from_serial(serial: float, tz: ZoneInfo) -> datetime | None:
    if not (_SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]):
        return None
    # Round to the second: serials carry float noise (0.99999 s).
    seconds = round(serial * 86400)
    return (_SERIAL_EPOCH + timedelta(seconds=seconds)).replace(tzinfo=tz)


def _gregorian(year: int) -> int:
    return year - BE_OFFSET if year >= 2400 else year


def _from_text(text: str, tz: ZoneInfo) -> datetime | None:
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text), tz)
    m = _DMY.match(text)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
        return datetime(_gregorian(int(y)), int(mo), int(d), int(hh or 0), int(mm or 0),
                        int(ss or 0), tzinfo=tz)
    m = _THAI_DMY.match(text)
    if m:
        d, month_name, y, hh, mm, ss = m.groups()
        month = _MONTH_BY_KEY.get(month_name.replace(".", "").replace(" ", ""))
        if month is None:
            return None
        year = int(y)
        if len(y) == 2:  # Thai usage: "67" is B.E. 2567
            year += 2500
        return datetime(_gregorian(year), month, int(d), int(hh or 0), int(mm or 0),
                        int(ss or 0), tzinfo=tz)
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        year = int(text[:4])
        if year >= 2400:
            text = f"{_gregorian(year):04d}{text[4:]}"
        stamp = datetime.fromisoformat(text)
        return stamp.replace(tzinfo=tz) if stamp.tzinfo is None else stamp.astimezone(tz)
    return None


def be_text(value: date, with_time: bool = False) -> str:
    """A day as Thai people write it, in the Buddhist era: ``5 ม.ค. 2567`` (with its time,
    ``5 ม.ค. 2567 09:30 น.``). The pages' dates and the quarantine messages both say it so."""
    text = f"{value.day} {THAI_MONTHS[value.month - 1][0]} {value.year + BE_OFFSET}"
    if with_time and isinstance(value, datetime):
        text += f" {value.hour:02d}:{value.minute:02d} น."
    return text


def fiscal_year(value: date) -> int:
    """The Thai fiscal year (B.E.) of a date: October starts the next year's."""
    return value.year + BE_OFFSET + (1 if value.month >= 10 else 0)
