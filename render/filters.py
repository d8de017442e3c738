"""Jinja filters: every format a page shows is decided here, not in templates."""

from __future__ import annotations

import functools
from datetime import date, datetime

import pandas as pd

from tidtam.transform.dates import thai_date as _thai_date

# One colour per status everywhere (Paul Tol's high-contrast scheme plus light grey):
# distinguishable for colour-blind readers, and four distinct greys in print
# (approx. luminance 55, 172, 117, 221).
STATUS_COLORS = {
    "done": "#004488",
    "in_progress": "#DDAA33",
    "cannot": "#BB5566",
    "not_reported": "#DDDDDD",
}
STATUS_ORDER = ["done", "in_progress", "cannot", "not_reported"]
# Column headers where the full label does not fit (the full label is in the legend).
STATUS_SHORT = {"done": "ดำเนินการแล้ว", "in_progress": "อยู่ระหว่างดำเนินการ",
                "cannot": "ดำเนินการไม่ได้", "not_reported": "ยังไม่รายงาน"}


def thai_date(value: object, with_time: bool = False) -> str:
    """Buddhist-era date with a Thai month abbreviation: ``5 ม.ค. 2567``."""
    if isinstance(value, str):
        return _thai_date_text(value, with_time)
    if value is None or pd.isna(value):
        return "-"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return _thai_date(value, with_time)


@functools.lru_cache(maxsize=1 << 16)
def _thai_date_text(value: str, with_time: bool) -> str:
    """:func:`thai_date` of ISO text; pages repeat the same dates thousands of times."""
    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return _thai_date(parsed, with_time)


def thai_datetime(value: object) -> str:
    return thai_date(value, with_time=True)


def percent(value: float | None, digits: int = 1) -> str:
    """``87.5%``; '-' when there is nothing to divide."""
    if value is None or pd.isna(value):
        return "-"
    return f"{value:.{digits}f}%"


def number(value: object) -> str:
    """Thousands separated: ``1,234``."""
    if value is None or pd.isna(value):
        return "-"
    return f"{int(value):,}"


def make_status_label(taxonomy):
    labels = {s.key: s.label for s in taxonomy.statuses}

    def status_label(key: str) -> str:
        return labels.get(key, key)

    return status_label


def register(env, taxonomy) -> None:
    """Install every filter on a Jinja environment."""
    env.filters.update(
        thai_date=thai_date,
        thai_datetime=thai_datetime,
        percent=percent,
        number=number,
        status_label=make_status_label(taxonomy),
    )
