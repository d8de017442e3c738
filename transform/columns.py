"""Map a sheet's column titles to the fields config names, without losing any column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tidtam.core.config import FieldSpec
from tidtam.core.errors import SourceError
from tidtam.core.model import Cell, RawSheet, printable
from tidtam.transform.quarantine import column_letter
from tidtam.transform.text import cell_text, clean_text, is_blank, title_text


@dataclass(frozen=True)
class ColumnMap:
    """Which columns feed each field; the titles no field claims."""

    fields: dict[str, list[int]]
    unclaimed: list[str]

    @property
    def claimed(self) -> frozenset[int]:
        """The columns some field reads."""
        return frozenset(c for cols in self.fields.values() for c in cols)


def map_columns(sheet: RawSheet, specs: dict[str, FieldSpec | None]) -> ColumnMap:
    """Claim columns by accepted title; a missing required field is a ``SourceError``."""
    by_title: dict[str, list[int]] = {}
    for i, title in enumerate(sheet.header):
        by_title.setdefault(clean_text(str(title)).casefold(), []).append(i)
    fields: dict[str, list[int]] = {}
    claimed: set[int] = set()
    for name, spec in specs.items():
        if spec is None:
            continue
        cols = sorted(i for t in spec.titles for i in by_title.get(clean_text(t).casefold(), []))
        if cols:
            fields[name] = cols
            claimed.update(cols)
        elif spec.required:
            found = ", ".join(f'"{printable(str(h).strip())}"' for h in sheet.header
                              if str(h).strip()) or "(none)"
            accepted = " / ".join(f'"{printable(t)}"' for t in spec.titles)
            raise SourceError(
                f"{printable(sheet.title)}: required column {name} is missing (accepted "
                f"titles: {accepted}); headers found: {found}. Add the title to "
                "config/form.yaml if the question was renamed."
            )
    unclaimed = [
        title_text(title) or f"(untitled column {column_letter(i)})"
        for i, title in enumerate(sheet.header)
        if i not in claimed and (title_text(title) or _has_values(sheet, i))
    ]
    return ColumnMap(fields, unclaimed)


def _has_values(sheet: RawSheet, col: int) -> bool:
    return any(cell_text(row[col]) for row in sheet.rows)


def field_cells(sheet: RawSheet, columns: ColumnMap, name: str) -> list[Cell]:
    """Each row's cell for a field: when a renamed question left two columns, the one
    the row filled (the rightmost, i.e. newest, when it filled both)."""
    cols = columns.fields.get(name)
    if not cols:
        return [None] * len(sheet.rows)
    if len(cols) == 1:
        c = cols[0]
        return [row[c] for row in sheet.rows]
    out = []
    for row in sheet.rows:
        value = None
        for c in reversed(cols):
            if not is_blank(row[c]):
                value = row[c]
                break
        out.append(value)
    return out


def oversized_cells(sheet: RawSheet, limit: int) -> dict[int, int]:
    """Row index -> column index of the first cell longer than ``limit`` characters."""
    found = {}
    for i, row in enumerate(sheet.rows):
        if not _may_exceed(row, limit):
            continue
        for c, value in enumerate(row):
            if type(value) is str and len(value) > limit:
                found[i] = c
                break
    return found


def _may_exceed(row: list[Cell], limit: int) -> bool:
    """False when no text cell of ``row`` can be longer than ``limit`` (its text cells
    together are not); a cheap test in C that spares checking every cell of every row."""
    try:
        return sum(map(len, row)) > limit
    except TypeError:  # a cell that is not text (None, a number, a date): check each cell
        return True


def blank_rows(sheet: RawSheet) -> list[bool]:
    """True for rows with no content in any column."""
    return [all(map(is_blank, row)) for row in sheet.rows]


T = TypeVar("T")


def per_value(values: Sequence[Cell], fn: Callable[[Cell], T]) -> list[T]:
    """``fn`` applied once per distinct value (values repeat heavily in form data).

    Text is its own key; other cells are keyed with their type, since 1, 1.0 and True
    are equal keys in a dict but different cells.
    """
    cache: dict[object, T] = {}
    out: list[T] = []
    append = out.append
    for v in values:
        key = v if type(v) is str else (type(v), v)
        try:
            append(cache[key])
        except KeyError:
            cache[key] = result = fn(v)
            append(result)
    return out
