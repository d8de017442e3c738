"""Progress reports from the form's response sheet: each row a report, blank, or quarantined.

Rules are applied column-wise over the distinct values of each field (agency names,
codes and statuses repeat thousands of times), then checked row by row in a fixed order;
the first failing check is the row's reason.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tidtam.core.model import RawSheet, Reports
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.columns import (
    blank_rows,
    field_cells,
    map_columns,
    oversized_cells,
    too_long,
)
from tidtam.transform.dates import parse_timestamp
from tidtam.transform.quarantine import rejected_frame
from tidtam.transform.register import DirectiveIndex
from tidtam.transform.taxonomy import CategoryIndex, StatusIndex
from tidtam.transform.text import cell_text, clean_text, match_key, split_list

REPORT_COLUMNS = [
    "report_id", "source_row", "submitted_at", "directive_code", "agency", "status",
    "result", "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments",
    "reporter", "phone", "email",
]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
FREE_TEXT = ["result", "obstacles", "reporter", "phone", "email", "attachments"]
# Fields the row checks match as normalized text (free text is cleaned for accepted rows only).
CHECKED = ["agency", "directive", "status", "reporter"]


def _mapped(values: list[object], fn) -> list:
    """``fn`` applied once per distinct value (values repeat heavily in form data).

    Text is its own key; other cells are keyed with their type, since 1, 1.0 and True
    are equal keys in a dict but different cells.
    """
    cache: dict = {}
    out = []
    append = out.append
    for v in values:
        key = v if type(v) is str else (type(v), v)
        try:
            append(cache[key])
        except KeyError:
            cache[key] = result = fn(v)
            append(result)
    return out


class _CleanOnRead:
    """A column's :func:`cell_text`, computed only for the rows read (for messages)."""

    def __init__(self, values: list[object]):
        self.values = values

    def __getitem__(self, i: int) -> str:
        return cell_text(self.values[i])


def read_reports(
    sheet: RawSheet, form, register: DirectiveIndex, agencies: AgencyDirectory,
    factors: CategoryIndex, statuses: StatusIndex, tz: ZoneInfo, latest_allowed: datetime,
    max_cell_chars: int = 50_000,
) -> Reports:
    """Normalize the response sheet against the register, agencies and taxonomy."""
    columns = map_columns(sheet, dict(form.fields))
    raw = {name: field_cells(sheet, columns, name) for name in type(form.fields).model_fields}
    text = {name: _mapped(raw[name], cell_text) for name in CHECKED}
    text["timestamp"] = _CleanOnRead(raw["timestamp"])  # distinct on nearly every row
    stamps = _mapped(raw["timestamp"], lambda v: parse_timestamp(v, tz))
    agency = _mapped(text["agency"], agencies.resolve)
    code = _mapped(text["directive"], register.resolve)
    status = _mapped(text["status"], statuses.resolve)
    markers = [match_key(m) for m in form.test_markers]
    blank = blank_rows(sheet)
    oversized = oversized_cells(sheet, max_cell_chars)
    valid = _valid_rows(blank, _test_rows(text, markers), stamps, agency, code, status,
                        register, latest_allowed)
    for i in oversized:
        valid[i] = False

    accepted: list[int] = []
    rej: tuple[list, list, list, list] = ([], [], [], [])
    for i in range(len(sheet.rows)):
        if blank[i]:
            continue
        if valid[i]:
            accepted.append(i)
            continue
        if i in oversized:
            problem = too_long(sheet, i, oversized[i], max_cell_chars)
        else:
            problem = _check(i, text, stamps, agency, code, status, markers, register,
                             agencies, latest_allowed)
        if problem is None:
            accepted.append(i)
        else:
            for bucket, value in zip(rej, (i, *problem), strict=True):
                bucket.append(value)

    if accepted:
        cols = _report_columns(accepted, raw, stamps, code, agency, status, factors)
        cols["submitted_at"] = _instants(cols["submitted_at"], tz)
        frame = pd.DataFrame(cols, columns=REPORT_COLUMNS)
    else:
        frame = pd.DataFrame([], columns=REPORT_COLUMNS)
        frame["submitted_at"] = pd.Series([], dtype=f"datetime64[ns, {tz.key}]")
    return Reports(
        rejected=rejected_frame(sheet, *rej),
        rows=len(sheet.rows),
        blank=sum(blank),
        unclaimed=columns.unclaimed,
        reports=frame,
    )


def _test_rows(text: dict[str, list[str]], markers: list[str]) -> list[bool]:
    """True for rows whose agency, directive or reporter contains a test marker."""
    def is_test(value: str) -> bool:
        key = match_key(value)
        return bool(key) and any(m and m in key for m in markers)

    hits = [_mapped(text[field], is_test) for field in _FIELD_TH]
    return [any(row) for row in zip(*hits, strict=True)]


def _valid_rows(blank, test, stamps, agency, code, status, register: DirectiveIndex,
                latest: datetime) -> list[bool]:
    """True for the rows :func:`_check` accepts, decided from the resolved columns alone.

    The same conditions as ``_check`` (an empty cell never resolves, so "missing" implies
    "unknown"); rows that fail are passed to ``_check`` for their reason and message.
    """
    rejected = register.rejected_codes
    assigned = register.is_assigned
    return [
        not b and not t and s is not None and s <= latest and a is not None
        and c is not None and c not in rejected and assigned(c, a) and st is not None
        for b, t, s, a, c, st in zip(blank, test, stamps, agency, code, status, strict=True)
    ]


def _report_columns(accepted: list[int], raw: dict[str, list], stamps, code, agency, status,
                    factors: CategoryIndex) -> dict[str, list]:
    """The reports table column by column; text cleaning runs once per distinct value."""
    def take(values: list) -> list:
        return [values[i] for i in accepted]

    parts = _mapped(take(raw["obstacle_factors"]),
                    lambda v: factors.resolve_many(cell_text(v)))
    cols = {
        "source_row": [RawSheet.sheet_row(i) for i in accepted],
        "submitted_at": take(stamps),
        "directive_code": take(code),
        "agency": take(agency),
        "status": take(status),
        "obstacle_factors": [",".join(f.code for f in found) for found, _ in parts],
        "obstacle_factors_other": [", ".join(other) for _, other in parts],
    }
    for name in FREE_TEXT:
        clean = _attachment_list if name == "attachments" else _multiline
        cols[name] = _mapped(take(raw[name]), clean)
    cols["report_id"] = [
        _report_id(*row) for row in zip(cols["submitted_at"], cols["directive_code"],
                                         cols["agency"], cols["status"], cols["result"],
                                         cols["obstacles"], strict=True)
    ]
    return cols


def _instants(stamps: list[datetime], tz: ZoneInfo) -> pd.DatetimeIndex:
    """Aware datetimes as a ``datetime64[us, tz]`` column: what ``pd.to_datetime`` makes of
    them, without its per-element time zone checks (three times slower)."""
    micros = np.fromiter(((s - _EPOCH) // _MICROSECOND for s in stamps), dtype=np.int64,
                         count=len(stamps))
    return pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize("UTC").tz_convert(tz)


def _attachment_list(value: object) -> str:
    """Attached links as one ``, ``-separated list, whatever separated them in the cell."""
    return ", ".join(split_list(_multiline(value)))


def _multiline(value: object) -> str:
    """Free text keeps its line breaks; each line normalized."""
    if value is None:
        return ""
    if type(value) is str and "\n" not in value:
        return clean_text(value)  # one line: what the general case below gives
    lines = [cell_text(line) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line) if isinstance(value, str) \
        else cell_text(value)


def _check(i, text, stamps, agency, code, status, markers, register, agencies, latest):
    """(reason, detail, suggestion) for row ``i``, or None when it is a valid report."""
    for field in ("agency", "directive", "reporter"):
        value = match_key(text[field][i])
        if value and any(m and m in value for m in markers):
            return "test_row", f"มีคำว่าทดสอบใน{_FIELD_TH[field]}: \"{text[field][i]}\"", \
                "ลบแถวทดสอบออกจากชีต หรือปล่อยไว้ (ไม่นับ)"
    if stamps[i] is None:
        return "bad_timestamp", f"ประทับเวลา \"{text['timestamp'][i]}\" อ่านไม่ได้", \
            "ใช้รูปแบบ วัน/เดือน/ปี ชั่วโมง:นาที:วินาที"
    if stamps[i] > latest:
        return "future_timestamp", f"ประทับเวลา {stamps[i]:%Y-%m-%d %H:%M} อยู่หลังวันที่ข้อมูล", \
            "ตรวจสอบวันที่ หรือสร้างใหม่ด้วย --as-of ที่ถูกต้อง"
    if not text["agency"][i]:
        return "missing_agency", "ช่องหน่วยงานว่าง", "ระบุชื่อหน่วยงานที่รายงาน"
    if agency[i] is None:
        hint = agencies.suggest(text["agency"][i])
        return "unknown_agency", f"ไม่พบหน่วยงาน \"{text['agency'][i]}\"", \
            f"หรือหมายถึง {hint}" if hint else "เพิ่มชื่อนี้เป็นชื่อย่อใน config/agencies.yaml"
    if not text["directive"][i]:
        return "missing_directive", "ช่องรหัสข้อสั่งการว่าง", "ระบุรหัส เช่น 2566-1-015"
    if code[i] is None:
        written = register.code_in_cell(text["directive"][i]) or text["directive"][i]
        return "unknown_directive", f"ไม่พบรหัส \"{written}\" ในทะเบียนข้อสั่งการ", \
            "ตรวจสอบรหัส หรือเพิ่มข้อสั่งการในทะเบียน"
    if register.is_rejected(code[i]):
        row = register.rejected_codes[code[i]]
        return "directive_rejected", f"ข้อสั่งการ {code[i]} ถูกกักในทะเบียน (แถว {row})", \
            f"แก้แถว {row} ของทะเบียนข้อสั่งการ"
    if not register.is_assigned(code[i], agency[i]):
        return "not_assigned", f"{agency[i]} ไม่ได้รับมอบหมายข้อสั่งการ {code[i]}", \
            "ตรวจสอบรหัสข้อสั่งการ หรือเพิ่มหน่วยงานในทะเบียน"
    if not text["status"][i]:
        return "missing_status", "ช่องสถานะว่าง", "เลือกสถานะการดำเนินการ"
    if status[i] is None:
        return "unknown_status", f"สถานะ \"{text['status'][i]}\" ไม่ตรงกับมาตรฐาน", \
            "ใช้ ดำเนินการแล้ว / อยู่ระหว่างการดำเนินการ / ไม่สามารถดำเนินการได้"
    return None


_FIELD_TH = {"agency": "ช่องหน่วยงาน", "directive": "ช่องข้อสั่งการ", "reporter": "ชื่อผู้รายงาน"}


def _report_id(submitted_at: datetime, directive_code: str, agency: str, status: str,
               result: str, obstacles: str) -> str:
    """A stable id from the report's content, so re-reading the same sheet dedupes."""
    parts = [submitted_at.isoformat(), directive_code, agency, status, result, obstacles]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
