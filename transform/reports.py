"""Progress reports from the form's response sheet: each row a report, blank, or quarantined.

The sheet is resolved column by column, over the distinct values of each field (agency
names, codes and statuses repeat thousands of times); then :data:`REPORT_RULES` sort the
rows: the first rule a row fails is its reason (see transform/rules.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tidtam.core.config import ResponseForm
from tidtam.core.model import Cell, RawSheet, Rejection, Reports
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.columns import field_cells, map_columns, per_value
from tidtam.transform.dates import be_text, parse_timestamp
from tidtam.transform.quarantine import rejected_frame
from tidtam.transform.register import DirectiveIndex, code_in_cell
from tidtam.transform.rules import SLOT, Rule, SheetColumns, apply, reading_rules
from tidtam.transform.taxonomy import CategoryIndex, StatusIndex
from tidtam.transform.text import cell_text, clean_text, has_word, split_list

REPORT_COLUMNS = [
    "report_id", "source_row", "submitted_at", "directive_code", "agency", "status",
    "result", "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments",
    "reporter", "phone", "email",
]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
FREE_TEXT = ["result", "obstacles", "reporter", "phone", "email", "attachments"]
# Fields the rules match as normalized text (free text is cleaned for accepted rows only).
CHECKED = ["agency", "directive", "status", "reporter"]
# Fields a test marker may be typed in, as a message names them.
TEST_FIELDS = {"agency": "ช่องหน่วยงาน", "directive": "ช่องข้อสั่งการ", "reporter": "ชื่อผู้รายงาน"}


@dataclass
class ReportColumns(SheetColumns):
    """The response sheet resolved column by column, and what its rows are checked against."""

    raw: dict[str, list[Cell]]
    fields: dict[str, list[int]]        # the columns each field was read from
    text: dict[str, list[str]]          # normalized text of the CHECKED fields
    stamps: list[datetime | None]
    agency: list[str | None]            # canonical names
    code: list[str | None]              # directive codes
    status: list[str | None]            # status keys
    markers: list[str]                  # test markers, normalized and case-folded
    latest: datetime                    # the latest time a report may carry
    directives: DirectiveIndex
    agencies: AgencyDirectory
    statuses: StatusIndex
    unclaimed: list[str]

    def typed(self, name: str, i: int) -> str:
        return cell_text(self.raw[name][i])

    def has_marker(self, name: str) -> list[bool]:
        """True for rows whose ``name`` field holds a test marker as a whole word
        (:func:`~tidtam.transform.text.has_word`); the directive field only where it names
        no directive of the register (its text may well say ทดสอบ)."""
        markers = self.markers
        marked = per_value(self.text[name], lambda v: bool(v) and has_word(v, markers))
        if name == "directive":
            return [m and code is None for m, code in zip(marked, self.code, strict=True)]
        return marked

    def register_row(self, i: int) -> int:
        """The register row that quarantined row ``i``'s directive."""
        return self.directives.rejected_codes[self.code[i]]


def _none(values: list) -> list[bool]:
    return [v is None for v in values]


def _empty(values: list[str]) -> list[bool]:
    return [not v for v in values]


def _test_rule(name: str, label: str) -> Rule[ReportColumns]:
    return Rule(f"test_row_{name}", lambda c: c.has_marker(name), "test_row",
                f"มีคำว่าทดสอบใน{label}: {SLOT}", "ลบแถวทดสอบออกจากชีต หรือปล่อยไว้ (ไม่นับ)",
                field=name)


def _agency_hint(c: ReportColumns, i: int) -> str:
    hint = c.agencies.suggest(c.text["agency"][i])
    return f"หรือหมายถึง {hint}" if hint else "แจ้งผู้ดูแลระบบให้เพิ่มชื่อนี้เป็นชื่อย่อของหน่วยงาน"


def _written_code(c: ReportColumns, i: int) -> str:
    return code_in_cell(c.text["directive"][i]) or c.text["directive"][i]


# The report rules, in the order a row is judged; the first it fails is its reason.
REPORT_RULES: list[Rule[ReportColumns]] = [
    *reading_rules(),
    *(_test_rule(name, label) for name, label in TEST_FIELDS.items()),
    Rule("bad_timestamp", lambda c: _none(c.stamps), "bad_timestamp",
         f"ประทับเวลา {SLOT} อ่านไม่ได้", "ใช้รูปแบบ วัน/เดือน/ปี ชั่วโมง:นาที:วินาที",
         field="timestamp"),
    Rule("future_timestamp", lambda c: [s is not None and s > c.latest for s in c.stamps],
         "future_timestamp",
         lambda c, i: f"ประทับเวลา {be_text(c.stamps[i], with_time=True)} "
                      f"อยู่หลังวันที่ข้อมูล ({be_text(c.latest)})",
         "ตรวจสอบวันที่ในชีต หรือวันที่ของข้อมูลที่ใช้ปรับปรุง"),
    Rule("missing_agency", lambda c: _empty(c.text["agency"]), "missing_agency",
         "ช่องหน่วยงานว่าง", "ระบุชื่อหน่วยงานที่รายงาน"),
    Rule("unknown_agency", lambda c: _none(c.agency), "unknown_agency",
         f"ไม่พบหน่วยงาน {SLOT}", _agency_hint, field="agency"),
    Rule("missing_directive", lambda c: _empty(c.text["directive"]), "missing_directive",
         "ช่องรหัสข้อสั่งการว่าง", "ระบุรหัส เช่น 2566-1-015"),
    Rule("unknown_directive", lambda c: _none(c.code), "unknown_directive",
         f"ไม่พบรหัส {SLOT} ในทะเบียนข้อสั่งการ", "ตรวจสอบรหัส หรือเพิ่มข้อสั่งการในทะเบียน",
         field="directive", value=_written_code),
    Rule("directive_rejected",
         lambda c: [code in c.directives.rejected_codes for code in c.code], "directive_rejected",
         lambda c, i: f"ข้อสั่งการ {c.code[i]} ไม่ผ่านการตรวจสอบในทะเบียน (แถว {c.register_row(i)})",
         lambda c, i: f"แก้แถว {c.register_row(i)} ของทะเบียนข้อสั่งการ"),
    Rule("not_assigned", lambda c: c.directives.unassigned(c.code, c.agency), "not_assigned",
         lambda c, i: f"{c.agency[i]} ไม่ได้รับมอบหมายข้อสั่งการ {c.code[i]}",
         "ตรวจสอบรหัสข้อสั่งการ หรือเพิ่มหน่วยงานในทะเบียน"),
    Rule("missing_status", lambda c: _empty(c.text["status"]), "missing_status",
         "ช่องสถานะว่าง", "เลือกสถานะการดำเนินการ"),
    Rule("unknown_status", lambda c: _none(c.status), "unknown_status",
         f"สถานะ {SLOT} ไม่ตรงกับมาตรฐาน", lambda c, _i: "ใช้ " + " / ".join(c.statuses.labels),
         field="status"),
]


def read_reports(
    sheet: RawSheet, form: ResponseForm, directives: DirectiveIndex, agencies: AgencyDirectory,
    factors: CategoryIndex, statuses: StatusIndex, tz: ZoneInfo, latest_allowed: datetime,
    max_cell_chars: int = 50_000,
) -> Reports:
    """Normalize the response sheet against the register, agencies and taxonomy."""
    columns = report_columns(sheet, form, directives, agencies, statuses, tz, latest_allowed,
                             max_cell_chars)
    verdict = apply(REPORT_RULES, columns)
    return Reports(
        rejected=rejected_frame(sheet, verdict.rejections, columns.fields),
        rows=len(sheet.rows),
        blank=verdict.blank,
        unclaimed=columns.unclaimed,
        reports=_reports_frame(verdict.accepted, columns, factors, tz),
        rejected_pairs=_rejected_pairs(verdict.rejections, columns),
    )


def _rejected_pairs(rejections: list[Rejection], c: ReportColumns) -> pd.DataFrame:
    """Rejected rows whose agency and directive cells resolved anyway, with their reason."""
    rows = [(RawSheet.sheet_row(r.index), c.code[r.index], c.agency[r.index], r.reason)
            for r in rejections if c.code[r.index] and c.agency[r.index]]
    return pd.DataFrame(rows, columns=["source_row", "directive_code", "agency", "reason"])


def report_columns(
    sheet: RawSheet, form: ResponseForm, directives: DirectiveIndex, agencies: AgencyDirectory,
    statuses: StatusIndex, tz: ZoneInfo, latest_allowed: datetime, max_cell_chars: int,
) -> ReportColumns:
    """The response sheet resolved column by column, each distinct value once."""
    columns = map_columns(sheet, dict(form.fields))
    raw = {name: field_cells(sheet, columns, name) for name in type(form.fields).model_fields}
    text = {name: per_value(raw[name], cell_text) for name in CHECKED}
    return ReportColumns(
        sheet, max_cell_chars, used=columns.claimed, raw=raw, fields=columns.fields, text=text,
        stamps=per_value(raw["timestamp"], lambda v: parse_timestamp(v, tz)),
        agency=per_value(text["agency"], agencies.resolve),
        code=per_value(text["directive"], directives.resolve),
        status=per_value(text["status"], statuses.resolve),
        markers=[clean_text(m).casefold() for m in form.test_markers], latest=latest_allowed,
        directives=directives, agencies=agencies, statuses=statuses,
        unclaimed=columns.unclaimed)


def _reports_frame(accepted: list[int], c: ReportColumns, factors: CategoryIndex,
                   tz: ZoneInfo) -> pd.DataFrame:
    if not accepted:
        frame = pd.DataFrame([], columns=REPORT_COLUMNS)
        frame["submitted_at"] = pd.Series([], dtype=f"datetime64[ns, {tz.key}]")
        return frame
    cols = _report_columns(accepted, c, factors)
    cols["submitted_at"] = _instants(cols["submitted_at"], tz)
    return pd.DataFrame(cols, columns=REPORT_COLUMNS)


def _report_columns(accepted: list[int], c: ReportColumns,
                    factors: CategoryIndex) -> dict[str, list]:
    """The reports table column by column; text cleaning runs once per distinct value."""
    def take(values: list) -> list:
        return [values[i] for i in accepted]

    parts = per_value(take(c.raw["obstacle_factors"]),
                      lambda v: factors.resolve_many(cell_text(v)))
    cols = {
        "source_row": [RawSheet.sheet_row(i) for i in accepted],
        "submitted_at": take(c.stamps),
        "directive_code": take(c.code),
        "agency": take(c.agency),
        "status": take(c.status),
        "obstacle_factors": [",".join(f.code for f in found) for found, _ in parts],
        "obstacle_factors_other": [", ".join(other) for _, other in parts],
    }
    for name in FREE_TEXT:
        clean = _attachment_list if name == "attachments" else _multiline
        cols[name] = per_value(take(c.raw[name]), clean)
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


def _attachment_list(value: Cell) -> str:
    """Attached links as one ``, ``-separated list, whatever separated them in the cell."""
    return ", ".join(split_list(_multiline(value)))


def _multiline(value: Cell) -> str:
    """Free text keeps its line breaks; each line normalized."""
    if value is None:
        return ""
    if type(value) is str and "\n" not in value:
        return clean_text(value)  # one line: what the general case below gives
    lines = [cell_text(line) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line) if isinstance(value, str) \
        else cell_text(value)


def _report_id(submitted_at: datetime, directive_code: str, agency: str, status: str,
               result: str, obstacles: str) -> str:
    """A stable id from the report's content, so re-reading the same sheet dedupes."""
    parts = [submitted_at.isoformat(), directive_code, agency, status, result, obstacles]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
