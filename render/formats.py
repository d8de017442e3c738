"""How values are shown: every format a page or data file prints is decided here.

For people (the Jinja filters): Thai dates, percentages, numbers, status labels, and the
status colours and short labels. For machines: ISO 8601 text and JSON inside a script.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime

import pandas as pd
from markupsafe import Markup

from tidtam.core.config import Taxonomy
from tidtam.transform.dates import BE_OFFSET, THAI_MONTHS, be_text

# One colour per status everywhere (Paul Tol's high-contrast and vibrant schemes), the
# same in site.css (--done ...). Not reported, the state to act on, is the loudest
# (vermilion); "cannot", a legitimate answer, a calm teal, never alarm red. Distinguishable
# for colour-blind readers (blue / yellow / teal / vermilion) and four distinct greys in
# print (relative luminance 0.06, 0.44, 0.25, 0.15; the bars add a hatch to not reported).
STATUS_COLORS = {
    "done": "#004488",
    "in_progress": "#DDAA33",
    "cannot": "#009988",
    "not_reported": "#CC3311",
}
# The text colour written on each status colour (chips, bar numbers): WCAG AA, at least
# 4.5:1 (tests/test_words.py computes it).
STATUS_TEXT_COLORS = {
    "done": "#FFFFFF",
    "in_progress": "#000000",
    "cannot": "#000000",
    "not_reported": "#FFFFFF",
}


# -- for people: the Jinja filters --------------------------------------------------------


def thai_date(value: object, with_time: bool = False) -> str:
    """Buddhist-era date with a Thai month abbreviation: ``5 ม.ค. 2567``; '-' for none."""
    if isinstance(value, str):
        return _thai_date_text(value, with_time)
    if value is None or pd.isna(value):
        return "-"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return be_text(value, with_time)


@functools.lru_cache(maxsize=1 << 16)
def _thai_date_text(value: str, with_time: bool) -> str:
    """:func:`thai_date` of ISO text; pages repeat the same dates thousands of times."""
    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return be_text(parsed, with_time)


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


def score(value: float | None, top: float) -> str:
    """A mean score to two decimals out of the scale's top score: ``3.32 จาก 4``."""
    if value is None or pd.isna(value):
        return "-"
    return f"{value:.2f} จาก {top:g}"


def filters(taxonomy: Taxonomy) -> dict:
    """Every filter the templates use, by name."""
    labels = {s.key: s.label for s in taxonomy.statuses}

    def status_label(key: str) -> str:
        return labels.get(key, key)

    return {"thai_date": thai_date, "thai_datetime": thai_datetime, "percent": percent,
            "number": number, "status_label": status_label, "score": score, "qr_svg": qr_svg}


@functools.lru_cache(maxsize=4096)
def qr_code(link: str):
    """The QR code of a link (segno), made once however many files show it: encoding is
    the slow part."""
    import segno

    return segno.make(link, error="m")


@functools.lru_cache(maxsize=4096)
def qr_svg(link: str, scale: int = 2, sized: bool = True) -> Markup:
    """A QR code of ``link`` as inline SVG (one path, no text of the link in it), labelled
    for screen readers; ``sized``: with its width and height (else it fills its box)."""
    svg = qr_code(link).svg_inline(scale=scale, border=2, dark="#000000", light="#ffffff",
                                   omitsize=not sized)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="คิวอาร์โค้ดสำหรับส่งรายงานผล" ',
                              1))


def kpi_delta(delta: float | None, since: str, unit: str = "จุด",
              lower_is_better: bool = False) -> dict | None:
    """A KPI card's change since an earlier update: ``▲ 7.4 จุด`` / ``▼ 12 รายการ`` /
    ``ไม่เปลี่ยนแปลง``, with the date and whether it is good (None: no change, or unknown)."""
    if delta is None or pd.isna(delta):
        return None
    when = f"จากการปรับปรุงเมื่อ {thai_date(since)}"
    if delta == 0:
        return {"text": f"ไม่เปลี่ยนแปลง {when}", "good": None, "arrow": "", "value": 0,
                "verdict": ""}
    size = f"{abs(delta):.1f}" if unit == "จุด" else f"{abs(int(delta)):,}"
    good = (delta < 0) if lower_is_better else (delta > 0)
    arrow = "▲" if delta > 0 else "▼"
    return {"text": f"{arrow} {size} {unit} {when}", "good": good, "arrow": arrow,
            "value": delta, "verdict": "ดีขึ้น" if good else "แย่ลง"}


# -- for official memos: Thai digits, full month names ------------------------------------

_TO_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(value: object) -> str:
    """``value`` as text with Arabic digits written as Thai digits (๐-๙), as official
    documents write numbers: ``135`` -> ``๑๓๕``."""
    return str(value).translate(_TO_THAI_DIGITS)


def official_date(value: date | str, short: bool = False) -> str:
    """A date as official memos write it: Thai digits, the full month name, the
    Buddhist-era year (``๓๑ กรกฎาคม ๒๕๖๗``); ``short``: the month abbreviated
    (``๓๑ ก.ค. ๒๕๖๗``), for table cells. ISO text is accepted too."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    month = THAI_MONTHS[value.month - 1][0 if short else 1]
    return thai_digits(f"{value.day} {month} {value.year + BE_OFFSET}")


# -- for machines: ISO text and JSON -----------------------------------------------------


def iso(value: object) -> str | None:
    """Dates and timestamps as ISO text; missing as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def iso_stamps(stamps: pd.Series) -> pd.Series:
    """``Timestamp.isoformat()`` of each aware time, computed column-wise (one call per
    value is slow at a million reports); '' for none."""
    present = stamps.notna()
    if not present.any():
        return pd.Series("", index=stamps.index, dtype=object)
    if (stamps[present].dt.microsecond != 0).any() or (stamps[present].dt.nanosecond != 0).any():
        return stamps.map(lambda v: v.isoformat() if pd.notna(v) else "")
    local = stamps.dt.tz_localize(None)
    offset = (local - stamps.dt.tz_convert("UTC").dt.tz_localize(None)).dt.total_seconds()
    zones = {o: _zone(o) for o in offset.dropna().unique()}  # a handful at most
    text = local.astype(str)
    if len(text[present].iloc[0]) == 10:  # all at midnight: pandas then leaves out the time
        text = text + " 00:00:00"
    text = text.str.replace(" ", "T", regex=False) + offset.map(zones)
    return text.where(present, "").astype(object)


def _zone(seconds: float) -> str:
    minutes = int(seconds // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_values(values: pd.Series) -> pd.Series:
    """:func:`iso` of every value, column-wise for aware times (what pages show)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        text = iso_stamps(values)  # object dtype, '' for a missing time
        return text.where(text != "", None)
    return pd.Series([iso(v) for v in values.tolist()], index=values.index, dtype=object)


def iso_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with dates and times as ISO 8601 text (``2024-01-05T09:03:07+07:00``)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = iso_stamps(out[col])
        elif out[col].dtype == object and out[col].map(
                lambda v: hasattr(v, "isoformat")).any():
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else "")
    return out


def json_script(value: object) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no U+2028)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text
