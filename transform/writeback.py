"""The two tables a sync writes back to Google Sheets, as plain rows (header first).

The status table is every assignment's latest status with its schedule, for Looker Studio
and for staff who filter in Sheets; the fix table is the quarantine as it may be published
(``privacy.public_rejected``: personal cells only where settings.yaml ``publish:`` allows).
Dates are ISO text (yyyy-mm-dd), which Looker Studio reads as dates in any locale. Cells
are left as they are: sync/writeback.py neutralizes every text cell as it writes.
"""

from __future__ import annotations

import pandas as pd

from tidtam.core.model import Dataset
from tidtam.transform.privacy import public_rejected

Row = list[str | int]

# Thai header of each status column, in order; the keys name what fills it.
STATUS_HEADERS = {
    "directive_code": "รหัสข้อสั่งการ",
    "text": "ข้อสั่งการ",
    "agency": "หน่วยงาน",
    "district_group": "กลุ่มเขต",
    "inspector": "ผู้ตรวจราชการ",
    "type_code": "รหัสประเภทข้อสั่งการ",
    "type": "ประเภทข้อสั่งการ",
    "status": "สถานะ",
    "due_date": "วันกำหนดรายงาน",
    "first_reported_at": "วันที่รายงานครั้งแรก",
    "reported_at": "วันที่รายงานล่าสุด",
    "report_count": "จำนวนรายงาน",
    "reported_on_time": "การรายงานตามกำหนด",
    "days_overdue": "จำนวนวันที่เกินกำหนด",
    "schedule": "สถานะตามกำหนดเวลา",
    "rejected_rows": "แถวที่ไม่ผ่านการตรวจสอบ",
    "as_of": "ข้อมูล ณ วันที่",
}
ON_TIME = {"true": "รายงานภายในกำหนด", "false": "รายงานหลังกำหนด"}
SCHEDULE = {"overdue": "เกินกำหนด", "not_due": "ยังไม่ถึงกำหนด", "closed": "ปิดแล้ว"}
# The fix table's own columns; the original cells of each row follow, under their titles.
FIX_HEADERS = {"tab": "ชีต", "row": "แถวในชีต", "reason_label": "สาเหตุ",
               "detail": "รายละเอียด", "suggestion": "วิธีแก้ไข"}


def _text(values: pd.Series) -> list[str]:
    """Each value as text, missing values as ''."""
    return ["" if pd.isna(v) else str(v) for v in values.astype(object)]


def _iso_day(values: pd.Series) -> list[str]:
    """Dates or local timestamps as yyyy-mm-dd ('' when missing)."""
    return ["" if pd.isna(v) else v.isoformat()[:10] for v in values.astype(object)]


def status_rows(data: Dataset) -> list[Row]:
    """The header, then one row per assignment (directive code, then agency, in order)."""
    a = data.assignments
    taxonomy = data.config.taxonomy
    texts = data.register.directives.drop_duplicates("directive_code").set_index(
        "directive_code")["text"]
    types = {c.code: c.label for c in taxonomy.directive_types}
    labels = {s.key: s.label for s in taxonomy.statuses}
    columns: dict[str, list] = {
        "directive_code": _text(a["directive_code"]),
        "text": _text(a["directive_code"].map(texts)),
        "agency": _text(a["agency"]),
        "district_group": _text(a["district_group"]),
        "inspector": _text(a["inspector"]),
        "type_code": _text(a["type_code"]),
        "type": _text(a["type_code"].map(types)),
        "status": _text(a["status"].map(labels)),
        "due_date": _iso_day(a["due_date"]),
        "first_reported_at": _iso_day(a["first_reported_at"]),
        "reported_at": _iso_day(a["reported_at"]),
        "report_count": [int(v) for v in a["report_count"]],
        "reported_on_time": _text(a["reported_on_time"].map(ON_TIME)),
        "days_overdue": [int(v) for v in a["days_overdue"]],
        "schedule": _text(a["schedule"].map(SCHEDULE)),
        "rejected_rows": _text(a["rejected_rows"]),
        "as_of": [data.as_of.isoformat()] * len(a),
    }
    rows = [list(r) for r in zip(*(columns[k] for k in STATUS_HEADERS), strict=True)]
    return [list(STATUS_HEADERS.values()), *rows]


def fix_rows(data: Dataset) -> list[Row]:
    """The header, then one row per row that failed the checks, by tab and sheet row:
    where it is, why, how to fix it, and its original cells (personal ones per the publish
    policy; columns empty in every row are left out)."""
    frame = public_rejected(data.rejected, data.config.settings.publish)
    own = ["source", "row", "reason", *FIX_HEADERS]
    cells = [c for c in frame.columns if c not in own]
    cells = [c for c in cells if frame[c].fillna("").astype(str).str.strip().ne("").any()]
    header = [*FIX_HEADERS.values(), *(str(c) for c in cells)]
    if frame.empty:
        return [header]
    tabs = data.config.form.tabs.model_dump()
    order = {role: i for i, role in enumerate(tabs)}
    frame = frame.assign(_order=frame["source"].map(order)).sort_values(
        ["_order", "row"], kind="stable")
    columns = [_text(frame["source"].map(tabs).fillna(frame["source"])),
               [int(v) for v in frame["row"]],
               *(_text(frame[c]) for c in ["reason_label", "detail", "suggestion", *cells])]
    return [header, *(list(r) for r in zip(*columns, strict=True))]
