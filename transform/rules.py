"""Quarantine rules as data: each rule is written once and read two ways.

A reader resolves its sheet column by column into a *columns* object, then applies one
table of rules to it. Each rule's ``check`` looks at the columns and answers for every row
at once whether the row fails it; the first failing rule in table order is a row's reason.
The same rule objects decide which rows are accepted (the fast path, column-wise) and
write the message of each rejected row (only those), so the two cannot drift apart.

Messages are Thai and may quote what a person typed: a rule that names a ``field`` writes
:data:`SLOT` where the value goes, and the rejection keeps the field and its value as
data, so a personal value can be hidden when published without reading the message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from tidtam.core.model import VALUE_SLOT, RawSheet, Rejection
from tidtam.transform.columns import blank_rows, oversized_cells
from tidtam.transform.quarantine import column_letter
from tidtam.transform.text import title_text

SLOT = VALUE_SLOT  # write this where a message quotes its rule's field


@dataclass
class SheetColumns:
    """What every reader's columns hold: the sheet, its blank rows, oversized cells and the
    cells it could not read.

    A reader subclasses it with its resolved columns (one list per field, one item per
    row) and says how a field's typed value reads when a message quotes it. ``used`` are
    the columns it reads (None: all): a formula without a value elsewhere changes nothing.
    """

    sheet: RawSheet
    limit: int  # characters a cell may hold
    used: frozenset[int] | None = dataclasses.field(default=None, kw_only=True)
    blank: list[bool] = dataclasses.field(init=False)
    oversized: dict[int, int] = dataclasses.field(init=False)  # row -> its first too-long column
    unvalued: dict[int, int] = dataclasses.field(init=False)  # row -> first formula without value

    def __post_init__(self) -> None:
        self.blank = blank_rows(self.sheet)
        self.oversized = oversized_cells(self.sheet, self.limit)
        used = self.used
        self.unvalued = {i: hit[0] for i, cols in self.sheet.formulas.items()
                         if (hit := [c for c in cols if used is None or c in used])}
        for i in [*self.sheet.malformed, *self.unvalued]:
            self.blank[i] = False  # what it holds is unknown, not nothing

    def typed(self, name: str, i: int) -> str:
        """The normalized text row ``i`` holds in field ``name`` (for quoting it)."""
        raise NotImplementedError


C = TypeVar("C", bound=SheetColumns)
Mask = Sequence[bool] | np.ndarray  # one item per row: True where the row fails
Text = str | Callable[[C, int], str]  # a fixed text, or one built from row i's values


@dataclass(frozen=True)
class Rule(Generic[C]):
    """One way a row can be wrong, with what staff are told about it.

    ``check(columns)`` gives the failure mask of all rows. A rule with ``after_others``
    is checked as ``check(columns, passes_others)``, knowing which rows no other rule
    fails (a duplicate is a row whose key an earlier *accepted* row holds). Several
    rules may share a ``reason`` (the key published in rejected.csv, see
    ``quarantine.REASONS``). ``message`` and ``suggestion`` are Thai; when the message
    quotes ``field`` it holds :data:`SLOT` once, and ``value`` gives the quoted text
    (default: the columns' :meth:`~SheetColumns.typed` text of ``field``). Other typed
    text a message shows goes through :func:`plain`.
    """

    name: str
    check: Callable[..., Mask]
    reason: str
    message: Text[C]
    suggestion: Text[C] = ""
    field: str = ""
    value: Callable[[C, int], str] | None = None
    after_others: bool = False

    def reject(self, columns: C, i: int) -> Rejection:
        """Row ``i``'s rejection under this rule."""
        detail = _text(self.message, columns, i)
        if detail.count(SLOT) != (1 if self.field else 0):
            raise ValueError(f"rule {self.name}: its message must quote {self.field or 'no field'}"
                             f" exactly once: {detail!r}")
        value = ""
        if self.field:
            value = self.value(columns, i) if self.value else columns.typed(self.field, i)
        return Rejection(i, self.reason, detail, _text(self.suggestion, columns, i),
                         self.field, value)


@dataclass(frozen=True)
class Stop(Generic[C]):
    """A row condition that is a configuration mistake rather than a bad row (a register
    using a taxonomy code that taxonomy.yaml lacks): the build stops at the first row whose
    first failing rule this is."""

    name: str
    check: Callable[[C], Mask]
    error: Callable[[C, int], Exception]


@dataclass
class Verdict:
    """A sheet's rows sorted by the rules: accepted, rejected (in row order), blank."""

    accepted: list[int]
    rejections: list[Rejection]
    blank: int


def apply(rules: Sequence[Rule[C] | Stop[C]], columns: C) -> Verdict:
    """Sort every row of ``columns.sheet``: blank, accepted, or rejected by its first
    failing rule (a :class:`Stop` raises its error instead)."""
    masks = failure_masks(rules, columns)
    blank = np.fromiter(columns.blank, dtype=bool, count=len(columns.blank))
    failing = np.logical_or.reduce(masks, axis=0) if len(masks) else np.zeros_like(blank)
    first = np.argmax(masks, axis=0) if len(masks) else np.zeros(len(blank), dtype=int)
    rejected = np.flatnonzero(failing & ~blank).tolist()
    order = first[rejected].tolist()
    stops = [(i, k) for i, k in zip(rejected, order, strict=True) if isinstance(rules[k], Stop)]
    if stops:
        i, k = stops[0]
        raise rules[k].error(columns, i)
    return Verdict(
        accepted=np.flatnonzero(~(failing | blank)).tolist(),
        rejections=[rules[k].reject(columns, i) for i, k in zip(rejected, order, strict=True)],
        blank=int(blank.sum()),
    )


def failure_masks(rules: Sequence[Rule[C] | Stop[C]], columns: C) -> np.ndarray:
    """One row of booleans per rule (rules x sheet rows): True where the row fails it."""
    rows = len(columns.sheet.rows)
    masks = np.zeros((len(rules), rows), dtype=bool)
    later = []
    for k, rule in enumerate(rules):
        if isinstance(rule, Rule) and rule.after_others:
            later.append(k)
        else:
            masks[k] = _as_mask(rule.check(columns), rows)
    for k in later:
        others = np.delete(masks, k, axis=0)
        passes = ~np.logical_or.reduce(others, axis=0) if len(others) else np.ones(rows, bool)
        masks[k] = _as_mask(rules[k].check(columns, passes), rows)
    return masks


def _as_mask(values: Mask, rows: int) -> np.ndarray:
    if isinstance(values, np.ndarray):
        mask = values.astype(bool, copy=False)
    else:
        mask = np.fromiter(values, dtype=bool, count=len(values))
    if mask.shape != (rows,):
        raise ValueError(f"a rule's check gave {mask.shape} values for {rows} rows")
    return mask


def _text(text: Text[C], columns: C, i: int) -> str:
    return text if isinstance(text, str) else text(columns, i)


def plain(text: str) -> str:
    """Typed text shown in a message other than its quoted field (a column title, say),
    made unable to pose as the value slot."""
    return text.replace(SLOT, "")


def reading_rules() -> list[Rule[SheetColumns]]:
    """Any sheet, checked first: a row of a CSV file that does not parse, a cell longer than
    the limit, a cell whose formula has no saved value (what it holds is unknown)."""
    return [
        Rule("malformed_csv", lambda c: _rows_in(c.sheet.malformed, len(c.sheet.rows)),
             "malformed_csv", _malformed_message,
             "ดาวน์โหลดไฟล์ CSV จาก Google Sheets ใหม่ หรือแก้เครื่องหมายคำพูดในบรรทัดนั้น"),
        Rule("cell_too_long", lambda c: _rows_in(c.oversized, len(c.sheet.rows)),
             "cell_too_long", _too_long_message,
             "ตัดข้อความให้สั้นลง (Google Sheets รับได้ไม่เกิน 50,000 ตัวอักษรต่อเซลล์)"),
        Rule("formula_without_value", lambda c: _rows_in(c.unvalued, len(c.sheet.rows)),
             "formula_without_value", _formula_message,
             "เปิดไฟล์ใน Excel หรือ Google Sheets แล้วบันทึกใหม่ ให้ค่าของสูตรถูกเก็บไว้ในไฟล์"),
    ]


def _title(c: SheetColumns, col: int) -> str:
    return plain(title_text(c.sheet.header[col])) or f"คอลัมน์ {column_letter(col)}"


def _malformed_message(c: SheetColumns, i: int) -> str:
    first, last = c.sheet.malformed[i]
    lines = f"บรรทัด {first:,}" if first == last else f"บรรทัด {first:,}–{last:,}"
    return f'{lines} ของไฟล์อ่านเป็นแถวไม่ได้ (เครื่องหมายคำพูด " ไม่ครบคู่) จึงไม่ได้อ่านข้อมูลแถวนี้'


def _too_long_message(c: SheetColumns, i: int) -> str:
    col = c.oversized[i]
    return (f"{_title(c, col)}: {len(c.sheet.rows[i][col]):,} ตัวอักษร "
            f"เกินขีดจำกัด {c.limit:,} ตัวอักษร")


def _formula_message(c: SheetColumns, i: int) -> str:
    col = c.unvalued[i]
    return (f"{_title(c, col)} ({column_letter(col)}{RawSheet.sheet_row(i)}): "
            "สูตรไม่มีค่าที่บันทึกไว้")


def _rows_in(rows: dict[int, int], count: int) -> np.ndarray:
    mask = np.zeros(count, dtype=bool)
    mask[list(rows)] = True
    return mask
