"""The assignments as people read them: Thai headers, Thai labels, Buddhist-era dates, and
the directive's text with the latest report's words.

One table, two files: the workbook's first sheet (``data/tidtam-data.xlsx``) and the
overview's filtered CSV, which the browser cuts from :data:`EXPORT_FILE` (loaded only when
the button is pressed, so the overview stays small). The machine tables (``data/*.csv``
and the workbook's other sheets) keep their English headers and ISO dates: a contract.
"""

from __future__ import annotations

import json

import pandas as pd

from tidtam.core.config import Taxonomy
from tidtam.core.model import Dataset
from tidtam.render.exports import per_distinct
from tidtam.render.formats import json_script, thai_date
from tidtam.transform import views as V

PEOPLE_SHEET = "รายการที่มอบหมาย"
# The browser's copy of the table (a script, not JSON: file:// pages cannot fetch files).
EXPORT_FILE = "data/overview-export.js"
EXPORT_GLOBAL = "TIDTAM_EXPORT"

# Column key -> Thai header, in the file's order.
HEADERS = {
    "directive_code": "รหัสข้อสั่งการ",
    "text": "ข้อสั่งการ",
    "agency": "หน่วยงาน",
    "group": "กลุ่มเขต",
    "fiscal_year": "ปีงบประมาณ",
    "round": "รอบ",
    "source": "ที่มา",
    "inspector": "ผู้ตรวจราชการ",
    "type": "ประเภท",
    "factors": "ปัจจัยผลกระทบ",
    "status": "สถานะ",
    "due": "กำหนดรายงาน",
    "reported": "วันที่รายงานล่าสุด",
    "overdue": "เกินกำหนด (วัน)",
    "reports": "จำนวนครั้งที่รายงาน",
    "result": "ผลการดำเนินการ",
    "obstacles": "ปัญหาอุปสรรค",
    "obstacle_factors": "ปัจจัยที่เป็นอุปสรรค",
}
# Columns that are the same for every agency of a directive: the browser's copy holds them
# once per directive.
PER_DIRECTIVE = ("directive_code", "text", "fiscal_year", "round", "source", "inspector",
                 "type", "factors", "due")


def people_table(data: Dataset) -> pd.DataFrame:
    """One row per assignment, in ``data.assignments``' order (the overview's), keyed by
    :data:`HEADERS`' keys; :func:`thai_headers` renames them."""
    tax = data.config.taxonomy
    a = data.assignments
    statuses, types, factors = _labels(tax)
    texts = dict(zip(data.register.directives["directive_code"],
                     data.register.directives["text"], strict=True))
    words = V.latest_words(a, data.reports.reports)

    return pd.DataFrame({
        "directive_code": a["directive_code"],
        "text": per_distinct(a["directive_code"], lambda c: _text(texts.get(c))),
        "agency": a["agency"],
        "group": V.group_of(a["district_group"]),
        "fiscal_year": _whole(a["fiscal_year"]),
        "round": _whole(a["round"]),
        "source": a["source"].fillna(""),
        "inspector": a["inspector"].fillna(""),
        "type": per_distinct(a["type_code"].fillna(""), lambda c: types.get(c, c)),
        "factors": _named(a["factor_codes"], factors),
        "status": per_distinct(a["status"], lambda s: statuses.get(s, s)),
        "due": per_distinct(_days(a["due_date"]), _date),
        "reported": per_distinct(_days(a["reported_at"]), _date),
        "overdue": a["days_overdue"].astype(int),
        "reports": a["report_count"].astype(int),
        "result": words["result"],
        "obstacles": words["obstacles"],
        "obstacle_factors": _named(words["obstacle_factors"], factors,
                                   words["obstacle_factors_other"]),
    }, index=a.index).reset_index(drop=True)


def thai_headers(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns=HEADERS)


# The workbook's other sheets, as people read them: Thai headers, Thai labels, Buddhist-era
# dates (a column not named here keeps its title: the quarantine's original cells are
# titled as in the sheet). Their machine copies are data/*.csv.
SHEETS = {"directives": "ข้อสั่งการ", "reports": "รายงานผล",
          "rejected": "แถวที่ไม่ผ่านการตรวจสอบ"}
SHEET_HEADERS = {
    "directives": {
        "directive_code": "รหัสข้อสั่งการ", "fiscal_year": "ปีงบประมาณ", "round": "รอบ",
        "source": "ที่มา", "inspector": "ผู้ตรวจราชการ", "text": "ข้อสั่งการ",
        "type_code": "ประเภท", "factor_codes": "ปัจจัยผลกระทบ", "due_date": "กำหนดรายงาน",
        "agency_count": "จำนวนหน่วยงานที่ได้รับมอบหมาย",
        "source_row": "แถวในทะเบียนข้อสั่งการ"},
    "reports": {
        "report_id": "เลขที่รายงาน", "source_row": "แถวในแบบรายงานผล",
        "submitted_at": "ประทับเวลา", "directive_code": "รหัสข้อสั่งการ", "agency": "หน่วยงาน",
        "status": "สถานะ", "result": "ผลการดำเนินการ", "obstacles": "ปัญหาอุปสรรค",
        "obstacle_factors": "ปัจจัยที่เป็นอุปสรรค",
        "obstacle_factors_other": "ปัจจัยที่เป็นอุปสรรคอื่น ๆ", "attachments": "เอกสารแนบ",
        "reporter": "ชื่อผู้รายงาน", "phone": "เบอร์โทรศัพท์", "email": "อีเมล"},
    "rejected": {
        "source": "ชีต", "row": "แถวในชีต", "reason_label": "เหตุผล", "detail": "รายละเอียด",
        "suggestion": "วิธีแก้"},
}
# Machine keys that say again what a labelled column says.
SHEET_DROPPED = {"directives": ("type_key",), "rejected": ("reason",)}


def people_sheets(tables: dict[str, pd.DataFrame], taxonomy: Taxonomy,
                  sources: dict[str, str]) -> dict[str, pd.DataFrame]:
    """:data:`SHEETS` from the machine tables (``datafiles.export_tables``: ISO text):
    statuses, types and factors by their Thai labels, dates in the Buddhist era, the
    quarantined rows' sheet by its name (``sources``)."""
    statuses, types, factors = _labels(taxonomy)
    recode = {
        "directives": {"type_code": lambda v: per_distinct(v.fillna(""), lambda c: types.get(c, c)),
                       "factor_codes": lambda v: _named(v, factors),
                       "due_date": lambda v: per_distinct(_days(v), _date),
                       "fiscal_year": _whole, "round": _whole},
        "reports": {"status": lambda v: per_distinct(v, lambda s: statuses.get(s, s)),
                    "submitted_at": lambda v: per_distinct(v.map(_text), _time),
                    "obstacle_factors": lambda v: _named(v, factors)},
        "rejected": {"source": lambda v: per_distinct(v, lambda s: sources.get(s, s))},
    }
    sheets = {}
    for name, title in SHEETS.items():
        frame = tables[name].drop(columns=list(SHEET_DROPPED.get(name, ())), errors="ignore")
        frame = frame.assign(**{c: f(frame[c]) for c, f in recode[name].items()
                                if c in frame.columns})
        sheets[title] = frame.rename(columns=SHEET_HEADERS[name])
    return sheets


def _labels(taxonomy: Taxonomy) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """What people read for a status key, a type code and a factor code (taxonomy.yaml)."""
    return ({s.key: s.label for s in taxonomy.statuses},
            {t.code: f"{t.code} {t.label}" for t in taxonomy.directive_types},
            {f.code: f"{f.code} {f.label}" for f in taxonomy.impact_factors})


def _named(codes: pd.Series, factors: dict[str, str], other: pd.Series | None = None) -> pd.Series:
    """Comma-separated factor codes as "code label; code label" (and the typed other)."""
    joined = per_distinct(codes.fillna("").astype(str), lambda v: "; ".join(
        factors.get(c.strip(), c.strip()) for c in v.split(",") if c.strip()))
    if other is None:
        return joined
    other = other.fillna("").astype(str).str.strip()
    both = (joined != "") & (other != "")
    return joined.where(~both, joined + "; ") + other


def export_script(table: pd.DataFrame) -> bytes:
    """:data:`EXPORT_FILE`: ``window.TIDTAM_EXPORT = {...}``, the table column-wise and
    dictionary-encoded (see :func:`export_data`)."""
    return (f"window.{EXPORT_GLOBAL}={json_script(export_data(table))};\n").encode()


def export_data(table: pd.DataFrame) -> dict:
    """``head``: the Thai headers; ``n``: rows; ``key``: each row's directive (an index
    into the per-directive columns); ``cols``: per column either ``{"d": [value per
    directive]}`` or ``{"v": [distinct values], "i": [index per row]}``."""
    key, first = pd.factorize(table["directive_code"])
    firsts = table.drop_duplicates("directive_code").set_index("directive_code").loc[first]
    cols = []
    for name in HEADERS:
        if name in PER_DIRECTIVE:
            cols.append({"d": _plain(firsts[name]) if name != "directive_code"
                         else [str(c) for c in first]})
            continue
        codes, uniques = pd.factorize(table[name])
        cols.append({"v": _plain(pd.Series(uniques)), "i": codes.tolist()})
    return {"head": list(HEADERS.values()), "n": len(table), "key": key.tolist(),
            "cols": cols}


def export_json(table: pd.DataFrame) -> str:
    """:func:`export_data` as JSON safe inside a ``<script>`` (the one-file overview)."""
    return json_script(export_data(table))


def _plain(values: pd.Series) -> list:
    return json.loads(values.to_json(orient="values", force_ascii=False))


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else str(value)


def _whole(values: pd.Series) -> pd.Series:
    """Years and rounds as whole numbers (missing stays missing)."""
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _days(values: pd.Series) -> pd.Series:
    """ISO dates of dates or aware times (in their own zone, Asia/Bangkok); '' for none."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    return values.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v))
                      else str(v)[:10]).astype(object)


def _date(iso_day: str) -> str:
    return thai_date(iso_day) if iso_day else ""


def _time(iso_time: str) -> str:
    """An ISO time (``2024-01-05T09:03:07+07:00``) as people read it: ``5 ม.ค. 2567 09:03 น.``"""
    return thai_date(iso_time, with_time=True) if iso_time else ""
