"""Quarantine: every row that cannot be normalized, with a reason staff can act on."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tidtam.core.model import QUOTE_COLUMNS, REJECTED_COLUMNS, RawSheet, Rejection
from tidtam.transform.text import raw_text, title_text

# Reason codes (machines read these) and what they tell a person (Thai, shown on pages).
REASONS: dict[str, str] = {
    # progress reports
    "test_row": "แถวทดสอบ (ไม่นับเป็นรายงาน)",
    "bad_timestamp": "ประทับเวลาว่างหรืออ่านไม่ได้",
    "future_timestamp": "ประทับเวลาอยู่หลังวันที่ของข้อมูล",
    "missing_agency": "ไม่ได้ระบุหน่วยงาน",
    "unknown_agency": "ไม่พบชื่อหน่วยงานในรายชื่อหน่วยรับตรวจ",
    "missing_directive": "ไม่ได้ระบุรหัสข้อสั่งการ",
    "unknown_directive": "ไม่พบรหัสข้อสั่งการในทะเบียน",
    "directive_rejected": "ข้อสั่งการนี้ไม่ผ่านการตรวจสอบในทะเบียน (แก้ไขทะเบียนก่อน)",
    "not_assigned": "หน่วยงานนี้ไม่ได้รับมอบหมายข้อสั่งการนี้",
    "missing_status": "ไม่ได้ระบุสถานะการดำเนินการ",
    "unknown_status": "สถานะการดำเนินการไม่ตรงกับมาตรฐาน",
    # directive register
    "missing_code": "ไม่ได้ระบุรหัสข้อสั่งการ",
    "duplicate_code": "รหัสข้อสั่งการซ้ำกับแถวก่อนหน้า",
    "unknown_type": "ประเภทข้อสั่งการไม่ตรงกับมาตรฐาน",
    "unknown_factor": "ปัจจัยผลกระทบไม่ตรงกับมาตรฐาน",
    "no_agencies": "ไม่ได้ระบุหน่วยงานรับผิดชอบ",
    "unknown_agency_group": "ไม่พบกลุ่มเขตที่ระบุ",
    "bad_due_date": "กำหนดรายงานอ่านเป็นวันที่ไม่ได้",
    # any sheet
    "malformed_csv": "บรรทัดของไฟล์ CSV เสียหาย อ่านเป็นแถวไม่ได้",
    "cell_too_long": "ข้อความในเซลล์ยาวเกินขีดจำกัด",
    "formula_without_value": "เซลล์เป็นสูตรที่ไม่มีค่าบันทึกไว้",
    # satisfaction survey
    "unknown_answer": "คำตอบไม่อยู่ในมาตรวัดความพึงพอใจ",
    "no_answers": "ไม่ได้ตอบคำถามประเมินข้อใดเลย",
}

# Kept beside the quarantine until published (privacy.public_rejected reads and drops
# it): which field each original cell column of the row's sheet feeds, as the column
# mapper decided, so personal cells are found without comparing titles again.
CELL_FIELDS = "cell_fields"
_COLUMNS = REJECTED_COLUMNS + QUOTE_COLUMNS + [CELL_FIELDS]
_PAIR, _ITEM = "\x1e", "\x1f"  # control characters: a shown column title holds neither


def unique_headers(header: list[str]) -> list[str]:
    """Header titles as shown (:func:`~tidtam.transform.text.title_text`) made unique (a
    repeated title gets ' (2)'), untitled ones lettered."""
    seen: dict[str, int] = {}
    out = []
    for i, title in enumerate(header):
        name = title_text(title) or f"(คอลัมน์ {column_letter(i)})"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def rejected_frame(sheet: RawSheet, rejections: Sequence[Rejection],
                   fields: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """The quarantine of ``sheet``: for each rejected row why (:data:`REJECTED_COLUMNS`),
    the field and value its detail quotes (:data:`QUOTE_COLUMNS`, published by
    ``privacy.public_rejected``), which field each cell column feeds (:data:`CELL_FIELDS`,
    from ``fields``: the column mapper's columns of each field), then the row's original
    cells."""
    titles = unique_headers(sheet.header)
    mapped = _ITEM.join(f"{name}{_PAIR}{titles[c]}" for name, cols in (fields or {}).items()
                        for c in cols)
    frame = pd.DataFrame({
        "source": sheet.role,
        "row": [RawSheet.sheet_row(r.index) for r in rejections],
        "reason": [r.reason for r in rejections],
        "reason_label": [REASONS[r.reason] for r in rejections],
        "detail": [r.detail for r in rejections],
        "suggestion": [r.suggestion for r in rejections],
        "quoted_field": [r.field for r in rejections],
        "quoted_value": [r.value for r in rejections],
        CELL_FIELDS: mapped,
    }, columns=_COLUMNS)
    if not rejections:
        return frame
    cells = pd.DataFrame([[raw_text(v) for v in sheet.rows[r.index]] for r in rejections],
                         columns=titles)
    cells = cells[[c for c in cells.columns if c not in _COLUMNS]]
    return pd.concat([frame, cells.reset_index(drop=True)], axis=1)


def cell_fields(rejected: pd.DataFrame) -> dict[str, set[str]]:
    """Field -> the columns of ``rejected`` that hold its original cells (in any sheet)."""
    out: dict[str, set[str]] = {}
    if CELL_FIELDS not in rejected.columns:
        return out
    for mapped in rejected[CELL_FIELDS].unique():
        for item in str(mapped).split(_ITEM) if mapped else []:
            name, column = item.split(_PAIR, 1)
            out.setdefault(name, set()).add(column)
    return out
