"""The directive register: one row per directive, expanded into assignments."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.errors import ConfigError
from tidtam.core.model import RawSheet, Register
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.columns import (
    blank_rows,
    field_cells,
    map_columns,
    oversized_cells,
    too_long,
)
from tidtam.transform.dates import parse_date
from tidtam.transform.quarantine import rejected_frame
from tidtam.transform.taxonomy import CategoryIndex
from tidtam.transform.text import arabic_digits, cell_text, clean_text, match_key, split_list

# 2566-1-015, with any dash or a slash between parts, Thai digits already converted.
_TAXONOMY_CODE = re.compile(r"^\d+(\.\d+)+$")
_CODE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{1,2})\s*[-/]\s*(\d{1,4})(?=$|\D)")

DIRECTIVE_COLUMNS = [
    "directive_code", "fiscal_year", "round", "source", "inspector", "text", "type_code",
    "type_key", "factor_codes", "due_date", "agency_count", "source_row",
]


def canonical_code(text: str) -> str | None:
    """``2566-1-015`` for any written form of a structured code at the cell's start."""
    m = _CODE.match(arabic_digits(clean_text(text)))
    if not m:
        return None
    year, rnd, num = m.groups()
    return f"{year}-{int(rnd)}-{int(num):03d}"


class DirectiveIndex:
    """Look up what a report's directive cell means, and which pairs are assigned."""

    def __init__(self, register: Register):
        self.rejected_codes = register.rejected_codes
        directives = register.directives
        self._codes = set(directives["directive_code"])
        self._by_text = {match_key(t): c for t, c in
                         zip(directives["text"], directives["directive_code"], strict=True)
                         if t}
        self._pairs = set(zip(register.assignments["directive_code"],
                              register.assignments["agency"], strict=True))

    def resolve(self, text: str) -> str | None:
        """The code a report's directive cell means: a code (then text), or the exact text."""
        code = canonical_code(text) or _plain_code(text)
        if code and (code in self._codes or code in self.rejected_codes):
            return code
        return self._by_text.get(match_key(text))

    def code_in_cell(self, text: str) -> str | None:
        """The code written at the cell's start, known or not (for messages)."""
        return canonical_code(text) or _plain_code(text)

    def is_rejected(self, code: str) -> bool:
        return code in self.rejected_codes

    def is_assigned(self, code: str, agency: str) -> bool:
        return (code, agency) in self._pairs


def _plain_code(text: str) -> str | None:
    first = arabic_digits(clean_text(text)).split(" ")[0]
    return first or None


def read_register(
    sheet: RawSheet, form, types: CategoryIndex, factors: CategoryIndex,
    agencies: AgencyDirectory, tz: ZoneInfo, max_cell_chars: int = 50_000,
) -> Register:
    """Normalize the register; each row is a directive, blank, or quarantined."""
    columns = map_columns(sheet, dict(form.fields))
    cells = {name: field_cells(sheet, columns, name) for name in columns.fields}
    blank = blank_rows(sheet)
    oversized = oversized_cells(sheet, max_cell_chars)
    directives, assignments = [], []
    rej_idx, rej_reason, rej_detail, rej_hint = [], [], [], []
    seen: dict[str, int] = {}
    rejected_codes: dict[str, int] = {}

    def reject(i: int, reason: str, detail: str, hint: str = "", code: str | None = None):
        rej_idx.append(i)
        rej_reason.append(reason)
        rej_detail.append(detail)
        rej_hint.append(hint)
        if code and code not in seen:
            rejected_codes.setdefault(code, RawSheet.sheet_row(i))

    for i in range(len(sheet.rows)):
        if blank[i]:
            continue
        if i in oversized:
            reject(i, *too_long(sheet, i, oversized[i], max_cell_chars))
            continue
        get = {name: cell_text(values[i]) for name, values in cells.items()}
        raw_code = get.get("code", "")
        code = canonical_code(raw_code) or _plain_code(raw_code)
        if not code:
            reject(i, "missing_code", "ไม่มีรหัสข้อสั่งการ")
            continue
        if code in seen:
            reject(i, "duplicate_code", f"รหัส {code} ซ้ำกับแถว {seen[code]}",
                   "ลบแถวที่ซ้ำหรือแก้รหัสให้ไม่ซ้ำ")
            continue
        dtype = types.resolve(get.get("type", ""))
        if dtype is None and _looks_like_code(get.get("type", "")):
            raise _missing_code(sheet, i, columns.fields["type"][0], get["type"], types,
                                "directive_types")
        if dtype is None:
            reject(i, "unknown_type", f"ประเภท \"{get.get('type', '')}\" ไม่ตรงกับรหัส 1.1-1.10 "
                   "หรือชื่อประเภทใด", "ใช้รหัส เช่น 1.10 หรือชื่อประเภทตามมาตรฐาน", code)
            continue
        found, unknown = factors.resolve_many(get.get("factors", ""))
        coded = [u for u in unknown if _looks_like_code(u)]
        if coded:
            raise _missing_code(sheet, i, columns.fields["factors"][0], coded[0], factors,
                                "impact_factors")
        if unknown:
            reject(i, "unknown_factor", f"ปัจจัย \"{', '.join(unknown)}\" ไม่ตรงกับมาตรฐาน",
                   "ใช้รหัส 2.1-2.5 หรือชื่อปัจจัยตามมาตรฐาน คั่นด้วย ,", code)
            continue
        members, problem = _responsible(get.get("agencies", ""), form, agencies)
        if problem:
            reject(i, *problem, code=code)
            continue
        due_raw = values_at(cells, "due", i)
        due = parse_date(due_raw, tz)
        if cell_text(due_raw) and due is None:
            reject(i, "bad_due_date", f"กำหนดรายงาน \"{cell_text(due_raw)}\" ไม่ใช่วันที่",
                   "เขียนเป็น วัน/เดือน/ปี เช่น 31/3/2567", code)
            continue
        seen[code] = RawSheet.sheet_row(i)
        directives.append({
            "directive_code": code,
            "fiscal_year": _int_or_none(get.get("fiscal_year", "")),
            "round": _int_or_none(get.get("round", "")),
            "source": get.get("source", ""),
            "inspector": get.get("inspector", ""),
            "text": get.get("text", ""),
            "type_code": dtype.code,
            "type_key": dtype.key,
            "factor_codes": ",".join(f.code for f in found),
            "due_date": due,
            "agency_count": len(members),
            "source_row": RawSheet.sheet_row(i),
        })
        assignments += [{"directive_code": code, "agency": a} for a in members]
    # A code first rejected and later accepted in another row is not rejected.
    rejected_codes = {c: r for c, r in rejected_codes.items() if c not in seen}
    return Register(
        directives=pd.DataFrame(directives, columns=DIRECTIVE_COLUMNS),
        assignments=pd.DataFrame(assignments, columns=["directive_code", "agency"]),
        rejected=rejected_frame(sheet, rej_idx, rej_reason, rej_detail, rej_hint),
        rows=len(sheet.rows),
        blank=sum(blank),
        unclaimed=columns.unclaimed,
        rejected_codes=rejected_codes,
    )


def _looks_like_code(text: str) -> bool:
    return bool(_TAXONOMY_CODE.match(arabic_digits(clean_text(text))))


def _missing_code(sheet: RawSheet, i: int, col: int, written: str, index: CategoryIndex,
                  section: str) -> ConfigError:
    """A taxonomy code the register uses but config/taxonomy.yaml lacks: config and
    register disagree, so the build stops rather than quarantining whole directives."""
    known = ", ".join(index.by_code)
    return ConfigError(
        f"{sheet.title} row {RawSheet.sheet_row(i)}, column {sheet.header[col]}",
        f"code \"{arabic_digits(clean_text(written))}\" is not in config/taxonomy.yaml {section} "
        f"(known: {known}); add it to taxonomy.yaml or correct the register")


def values_at(cells: dict[str, list], name: str, i: int) -> object:
    values = cells.get(name)
    return values[i] if values else None


def _int_or_none(text: str) -> int | None:
    text = arabic_digits(text)
    return int(text) if text.isdigit() else None


def _responsible(text: str, form, agencies: AgencyDirectory):
    """Expand หน่วยงานรับผิดชอบ; returns (members, None) or ([], (reason, detail, hint))."""
    members: list[str] = []
    all_keys = {match_key(t) for t in form.all_districts}
    prefix = clean_text(form.district_group_prefix)
    for piece in split_list(text):
        if match_key(piece) in all_keys:
            names = agencies.districts
        elif piece.startswith(prefix) and agencies.resolve(piece) is None:
            group = piece.removeprefix(prefix).strip()
            names = agencies.group_members(group)
            if not names:
                return [], ("unknown_agency_group", f"ไม่พบ \"{piece}\"",
                            "กลุ่มเขตที่มี: " + ", ".join(agencies.groups))
        else:
            name = agencies.resolve(piece)
            if name is None:
                hint = agencies.suggest(piece)
                return [], ("unknown_agency", f"ไม่พบหน่วยงาน \"{piece}\"",
                            f"หรือหมายถึง {hint}" if hint else "")
            names = [name]
        members += [n for n in names if n not in members]
    if not members:
        return [], ("no_agencies", "ไม่ได้ระบุหน่วยงานรับผิดชอบ", "")
    return members, None
