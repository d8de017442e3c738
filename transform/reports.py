"""Progress reports from the form's response sheet: each row a report, blank, or quarantined.

Rules are applied column-wise over the distinct values of each field (agency names,
codes and statuses repeat thousands of times), then checked row by row in a fixed order;
the first failing check is the row's reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

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
from tidtam.transform.register import Register
from tidtam.transform.sheet import RawSheet
from tidtam.transform.taxonomy import CategoryIndex, StatusIndex
from tidtam.transform.text import cell_text, match_key, split_list

REPORT_COLUMNS = [
    "report_id", "source_row", "submitted_at", "directive_code", "agency", "status",
    "result", "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments",
    "reporter", "phone", "email",
]
FREE_TEXT = ["result", "obstacles", "reporter", "phone", "email", "attachments"]


@dataclass
class Reports:
    """Accepted reports and the sheet's quarantine and counts."""

    reports: pd.DataFrame
    rejected: pd.DataFrame
    rows: int
    blank: int
    unclaimed: list[str]


def _mapped(values: list[object], fn) -> list:
    """``fn`` applied once per distinct value (values repeat heavily in form data)."""
    cache: dict = {}
    out = []
    for v in values:
        key = (type(v), v) if v is not None else None
        if key not in cache:
            cache[key] = fn(v)
        out.append(cache[key])
    return out


def read_reports(
    sheet: RawSheet, form, register: Register, agencies: AgencyDirectory,
    factors: CategoryIndex, statuses: StatusIndex, tz: ZoneInfo, latest_allowed: datetime,
    max_cell_chars: int = 50_000,
) -> Reports:
    """Normalize the response sheet against the register, agencies and taxonomy."""
    columns = map_columns(sheet, dict(form.fields))
    raw = {name: field_cells(sheet, columns, name) for name in type(form.fields).model_fields}
    text = {name: _mapped(values, cell_text) for name, values in raw.items()}
    stamps = _mapped(raw["timestamp"], lambda v: parse_timestamp(v, tz))
    agency = _mapped(text["agency"], agencies.resolve)
    code = _mapped(text["directive"], register.resolve)
    status = _mapped(text["status"], statuses.resolve)
    markers = [match_key(m) for m in form.test_markers]
    blank = blank_rows(sheet)
    oversized = oversized_cells(sheet, max_cell_chars)

    accepted: list[int] = []
    rej: tuple[list, list, list, list] = ([], [], [], [])
    for i in range(len(sheet.rows)):
        if blank[i]:
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

    factor_parts = _mapped(text["obstacle_factors"], factors.resolve_many)
    rows = []
    for i in accepted:
        found, other = factor_parts[i]
        row = {
            "source_row": RawSheet.sheet_row(i),
            "submitted_at": stamps[i],
            "directive_code": code[i],
            "agency": agency[i],
            "status": status[i],
            "obstacle_factors": ",".join(f.code for f in found),
            "obstacle_factors_other": ", ".join(other),
            **{f: _multiline(raw[f][i]) for f in FREE_TEXT},
        }
        row["attachments"] = ", ".join(split_list(row["attachments"]))
        row["report_id"] = _report_id(row)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"]).dt.tz_convert(tz) \
        if rows else pd.Series([], dtype=f"datetime64[ns, {tz.key}]")
    return Reports(
        reports=frame,
        rejected=rejected_frame(sheet, *rej),
        rows=len(sheet.rows),
        blank=sum(blank),
        unclaimed=columns.unclaimed,
    )


def _multiline(value: object) -> str:
    """Free text keeps its line breaks; each line normalized."""
    if value is None:
        return ""
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


def _report_id(row: dict) -> str:
    """A stable id from the report's content, so re-reading the same sheet dedupes."""
    parts = [row["submitted_at"].isoformat(), row["directive_code"], row["agency"],
             row["status"], row["result"], row["obstacles"]]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
