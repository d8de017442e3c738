"""The directive register: one row per directive, expanded into assignments.

Each row is a directive, blank, or quarantined by the first of :data:`REGISTER_RULES` it
fails (see transform/rules.py); a taxonomy code the register uses but taxonomy.yaml lacks
stops the build instead (a :class:`~tidtam.transform.rules.Stop`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.config import Category, DirectiveForm
from tidtam.core.errors import ConfigError
from tidtam.core.model import Cell, RawSheet, Register, printable
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.columns import field_cells, map_columns, per_value
from tidtam.transform.dates import parse_date
from tidtam.transform.quarantine import rejected_frame
from tidtam.transform.rules import SLOT, Rule, SheetColumns, Stop, apply, reading_rules
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


def code_in_cell(text: str) -> str | None:
    """The code written at the cell's start, known or not."""
    return canonical_code(text) or _plain_code(text)


def _plain_code(text: str) -> str | None:
    first = arabic_digits(clean_text(text)).split(" ")[0]
    return first or None


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
        code = code_in_cell(text)
        if code and (code in self._codes or code in self.rejected_codes):
            return code
        return self._by_text.get(match_key(text))

    def is_rejected(self, code: str) -> bool:
        return code in self.rejected_codes

    def unassigned(self, codes: list[str | None], agencies: list[str | None]) -> list[bool]:
        """For each (code, agency) row: True where that agency was not assigned that code."""
        pairs = self._pairs
        return [pair not in pairs for pair in zip(codes, agencies, strict=True)]


class Expansion(NamedTuple):
    """What a หน่วยงานรับผิดชอบ cell names: its agencies, or the problem and the piece."""

    members: list[str]
    problem: str = ""   # a reason key, "" when the cell is fine
    piece: str = ""     # the piece of the cell the problem is about


@dataclass
class RegisterColumns(SheetColumns):
    """The register resolved column by column, and what its rows are checked against."""

    text: dict[str, list[str]]          # each field's normalized text ("" where absent)
    fields: dict[str, list[int]]        # the columns each field was read from
    code: list[str | None]
    type: list[Category | None]
    factors: list[tuple[list[Category], list[str]]]  # found, and pieces matching none
    responsible: list[Expansion]
    due: list[date | None]
    types: CategoryIndex
    factor_index: CategoryIndex
    agencies: AgencyDirectory
    unclaimed: list[str]
    owner: dict[str, int] | None = None  # code -> the row accepted for it (set by the check)

    def typed(self, name: str, i: int) -> str:
        return self.text[name][i]

    def taken_earlier(self, passes: list[bool]) -> list[bool]:
        """True for rows whose code an earlier row holds that no other rule rejects: the
        first such row of a code is the directive, and later ones are duplicates."""
        owner: dict[str, int] = {}
        for i, (code, ok) in enumerate(zip(self.code, passes, strict=True)):
            if ok and code:
                owner.setdefault(code, i)
        self.owner = owner
        return [code in owner and owner[code] < i for i, code in enumerate(self.code)]

    def owner_row(self, i: int) -> int:
        return RawSheet.sheet_row(self.owner[self.code[i]])

    def coded_factors(self, i: int) -> list[str]:
        """The factor pieces of row ``i`` written as codes the taxonomy lacks."""
        return [u for u in self.factors[i][1] if _looks_like_code(u)]


def _problem(reason: str) -> Callable[[RegisterColumns], list[bool]]:
    return lambda c: [e.problem == reason for e in c.responsible]


def _agency_hint(c: RegisterColumns, i: int) -> str:
    hint = c.agencies.suggest(c.responsible[i].piece)
    return f"หรือหมายถึง {hint}" if hint else ""


def _missing_type(c: RegisterColumns, i: int) -> ConfigError:
    return _missing_code(c.sheet, i, c.fields["type"][0], c.text["type"][i], c.types,
                         "directive_types")


def _missing_factor(c: RegisterColumns, i: int) -> ConfigError:
    return _missing_code(c.sheet, i, c.fields["factors"][0], c.coded_factors(i)[0],
                         c.factor_index, "impact_factors")


_DUPLICATE = Rule("duplicate_code", RegisterColumns.taken_earlier, "duplicate_code",
                  lambda c, i: f"รหัส {c.code[i]} ซ้ำกับแถว {c.owner_row(i)}",
                  "ลบแถวที่ซ้ำหรือแก้รหัสให้ไม่ซ้ำ", after_others=True)

# The register rules, in the order a row is judged; the first it fails is its reason.
REGISTER_RULES: list[Rule[RegisterColumns] | Stop[RegisterColumns]] = [
    *reading_rules(),
    Rule("missing_code", lambda c: [not code for code in c.code], "missing_code",
         "ไม่มีรหัสข้อสั่งการ"),
    _DUPLICATE,
    Stop("type_not_in_taxonomy",
         lambda c: [t is None and _looks_like_code(x) for t, x in zip(c.type, c.text["type"],
                                                                       strict=True)],
         _missing_type),
    Rule("unknown_type", lambda c: [t is None for t in c.type], "unknown_type",
         lambda c, _i: f"ประเภท {SLOT} ไม่ตรงกับรหัส {c.types.code_range} หรือชื่อประเภทใด",
         lambda c, _i: f"ใช้รหัส เช่น {c.types.categories[-1].code} หรือชื่อประเภทตามมาตรฐาน",
         field="type"),
    Stop("factor_not_in_taxonomy",
         lambda c: [any(map(_looks_like_code, unknown)) for _, unknown in c.factors],
         _missing_factor),
    Rule("unknown_factor", lambda c: [bool(unknown) for _, unknown in c.factors],
         "unknown_factor", f"ปัจจัย {SLOT} ไม่ตรงกับมาตรฐาน",
         lambda c, _i: f"ใช้รหัส {c.factor_index.code_range} หรือชื่อปัจจัยตามมาตรฐาน คั่นด้วย ,",
         field="factors", value=lambda c, i: ", ".join(c.factors[i][1])),
    Rule("unknown_agency_group", _problem("unknown_agency_group"), "unknown_agency_group",
         f"ไม่พบ {SLOT}", lambda c, _i: "กลุ่มเขตที่มี: " + ", ".join(c.agencies.groups),
         field="agencies", value=lambda c, i: c.responsible[i].piece),
    Rule("unknown_agency", _problem("unknown_agency"), "unknown_agency",
         f"ไม่พบหน่วยงาน {SLOT}", _agency_hint,
         field="agencies", value=lambda c, i: c.responsible[i].piece),
    Rule("no_agencies", _problem("no_agencies"), "no_agencies", "ไม่ได้ระบุหน่วยงานรับผิดชอบ"),
    Rule("bad_due_date",
         lambda c: [bool(t) and d is None for t, d in zip(c.text["due"], c.due, strict=True)],
         "bad_due_date", f"กำหนดรายงาน {SLOT} ไม่ใช่วันที่",
         "เขียนเป็น วัน/เดือน/ปี เช่น 31/3/2567", field="due"),
]
# Rejected for these, a row's code is not its own (no code, a duplicate, or unread):
# reports naming the code are not held back by it.
_CODE_NOT_JUDGED = {r.reason for r in REGISTER_RULES[:REGISTER_RULES.index(_DUPLICATE) + 1]
                    if isinstance(r, Rule)}


def read_register(
    sheet: RawSheet, form: DirectiveForm, types: CategoryIndex, factors: CategoryIndex,
    agencies: AgencyDirectory, tz: ZoneInfo, max_cell_chars: int = 50_000,
) -> Register:
    """Normalize the register; each row is a directive, blank, or quarantined."""
    c = register_columns(sheet, form, types, factors, agencies, tz, max_cell_chars)
    verdict = apply(REGISTER_RULES, c)
    directives, assignments = [], []
    for i in verdict.accepted:
        directives.append(_directive(c, i))
        assignments += [{"directive_code": c.code[i], "agency": a}
                        for a in c.responsible[i].members]
    accepted = {c.code[i] for i in verdict.accepted}
    rejected_codes: dict[str, int] = {}
    for r in verdict.rejections:
        code = c.code[r.index]
        if r.reason not in _CODE_NOT_JUDGED and code not in accepted:
            rejected_codes.setdefault(code, RawSheet.sheet_row(r.index))
    return Register(
        directives=pd.DataFrame(directives, columns=DIRECTIVE_COLUMNS),
        assignments=pd.DataFrame(assignments, columns=["directive_code", "agency"]),
        rejected=rejected_frame(sheet, verdict.rejections, c.fields),
        rows=len(sheet.rows),
        blank=verdict.blank,
        unclaimed=c.unclaimed,
        rejected_codes=rejected_codes,
    )


def register_columns(
    sheet: RawSheet, form: DirectiveForm, types: CategoryIndex, factors: CategoryIndex,
    agencies: AgencyDirectory, tz: ZoneInfo, max_cell_chars: int,
) -> RegisterColumns:
    """The register resolved column by column."""
    columns = map_columns(sheet, dict(form.fields))
    cells: dict[str, list[Cell]] = {name: field_cells(sheet, columns, name)
                                    for name in type(form.fields).model_fields}
    text = {name: [cell_text(v) for v in values] for name, values in cells.items()}
    return RegisterColumns(
        sheet, max_cell_chars, used=columns.claimed, text=text, fields=columns.fields,
        code=per_value(text["code"], code_in_cell),
        type=per_value(text["type"], types.resolve),
        factors=per_value(text["factors"], factors.resolve_many),
        responsible=per_value(text["agencies"], lambda t: _responsible(t, form, agencies)),
        due=per_value(cells["due"], lambda v: parse_date(v, tz)),
        types=types, factor_index=factors, agencies=agencies, unclaimed=columns.unclaimed)


def _directive(c: RegisterColumns, i: int) -> dict[str, object]:
    """The directives table row of accepted row ``i``."""
    dtype = c.type[i]
    return {
        "directive_code": c.code[i],
        "fiscal_year": _int_or_none(c.text["fiscal_year"][i]),
        "round": _int_or_none(c.text["round"][i]),
        "source": c.text["source"][i],
        "inspector": c.text["inspector"][i],
        "text": c.text["text"][i],
        "type_code": dtype.code,
        "type_key": dtype.key,
        "factor_codes": ",".join(f.code for f in c.factors[i][0]),
        "due_date": c.due[i],
        "agency_count": len(c.responsible[i].members),
        "source_row": RawSheet.sheet_row(i),
    }


def _looks_like_code(text: str) -> bool:
    return bool(_TAXONOMY_CODE.match(arabic_digits(clean_text(text))))


def _missing_code(sheet: RawSheet, i: int, col: int, written: str, index: CategoryIndex,
                  section: str) -> ConfigError:
    """A taxonomy code the register uses but config/taxonomy.yaml lacks: config and
    register disagree, so the build stops rather than quarantining whole directives."""
    known = ", ".join(index.by_code)
    return ConfigError(
        f"{printable(sheet.title)} row {RawSheet.sheet_row(i)}, column "
        f"{printable(sheet.header[col])}",
        f"code \"{printable(arabic_digits(clean_text(written)))}\" is not in "
        f"config/taxonomy.yaml {section} (known: {known}); add it to taxonomy.yaml or correct "
        "the register")


def _int_or_none(text: str) -> int | None:
    text = arabic_digits(text)
    return int(text) if text.isdigit() else None


def _responsible(text: str, form: DirectiveForm, agencies: AgencyDirectory) -> Expansion:
    """Expand หน่วยงานรับผิดชอบ into agencies, or say which piece names none."""
    members: list[str] = []
    all_keys = {match_key(t) for t in form.all_districts}
    prefix = clean_text(form.district_group_prefix)
    for piece in split_list(text):
        if match_key(piece) in all_keys:
            names = agencies.districts
        elif piece.startswith(prefix) and agencies.resolve(piece) is None:
            names = agencies.group_members(piece.removeprefix(prefix).strip())
            if not names:
                return Expansion([], "unknown_agency_group", piece)
        else:
            name = agencies.resolve(piece)
            if name is None:
                return Expansion([], "unknown_agency", piece)
            names = [name]
        members += [n for n in names if n not in members]
    if not members:
        return Expansion([], "no_agencies")
    return Expansion(members)
