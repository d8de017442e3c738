"""Read the tabs of an .xlsx workbook, bounded before and while parsing.

An .xlsx is a zip of XML parts: a few MB can unpack to gigabytes. The sizes its parts
declare are checked before any is parsed (the zip reader never unpacks more than an entry
declares: it stops and fails the entry's check), against ``limits.max_unpacked_mb``. Each
tab is then read row by row from its XML, never trusting the dimension the sheet declares
(openpyxl pads every row to it, and drops the rows below it), and counting the cells the
tab occupies (its rows times its widest row, as the reader holds them) against
``limits.max_cells``. Either limit stops the read with one line naming it (exit 3).

A cell holding a formula whose value was never saved (a file written by a program, not
recalculated by Excel or Sheets) reads as empty; its column is recorded in
``RawSheet.formulas``, so the row is quarantined rather than read as blank.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from tidtam.core.config import Limits, Tabs
from tidtam.core.errors import SourceError
from tidtam.core.model import REQUIRED_ROLES, ROLES, Cell, RawSheet, printable
from tidtam.sync.files import trim


def read_workbook(file: Path, tabs: Tabs, limits: Limits) -> dict[str, RawSheet]:
    """The tabs of ``file`` by role."""
    check_unpacked(file, limits.max_unpacked_mb)
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SourceError(f"{printable(file)}: cannot be opened as an .xlsx workbook "
                          f"({printable(exc)})") from None
    try:
        sheets = {}
        for role in ROLES:
            tab = getattr(tabs, role)
            if tab not in book.sheetnames:
                if role in REQUIRED_ROLES:
                    present = ", ".join(printable(n) for n in book.sheetnames)
                    raise SourceError(f"{printable(file)}: tab \"{printable(tab)}\" is missing "
                                      f"(tabs present: {present}); rename the tab or set tabs "
                                      "in config/form.yaml")
                continue
            title = f"{file.name} [{tab}]"
            values, formulas = read_tab(book, tab, printable(title), limits.max_cells)
            values = trim(values, formulas)
            sheets[role] = RawSheet.from_values(
                role, title, values, formulas={i - 1: cols for i, cols in formulas.items()
                                               if i > 0})
        return sheets
    finally:
        book.close()


def check_unpacked(file: Path, limit_mb: float) -> None:
    """Refuse a workbook whose parts declare more than ``limit_mb`` unpacked."""
    try:
        with zipfile.ZipFile(file) as archive:
            total = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(f"{printable(file)}: cannot be opened as an .xlsx workbook "
                          f"({printable(exc)})") from None
    if total > limit_mb * 2**20:
        raise SourceError(f"{printable(file)}: its parts unpack to {total / 2**20:,.0f} MB, "
                          f"over the limit of {limit_mb:,.0f} MB (settings.yaml "
                          "limits.max_unpacked_mb)")


def read_tab(book: Any, tab: str, name: str,
             max_cells: int) -> tuple[list[list[Cell]], dict[int, list[int]]]:
    """A tab's rows (the header first; a row missing from the XML is empty) and, by row
    index, the columns whose formula has no saved value."""
    sheet = book[tab]
    try:
        with sheet._get_source() as source:
            parser = _Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
            return _rows(parser, name, max_cells)
    except SourceError:
        raise
    except Exception as exc:  # a damaged part: bad XML, a failed zip check, a bad reference
        raise SourceError(f"{name}: cannot be read ({type(exc).__name__}: "
                          f"{printable(exc)}); save the file again from Excel or Sheets") \
            from None


def _rows(parser: _Parser, name: str,
          max_cells: int) -> tuple[list[list[Cell]], dict[int, list[int]]]:
    values: list[list[Cell]] = []
    formulas: dict[int, list[int]] = {}
    widest = 0
    for number, cells in parser.parse():
        if number <= len(values):
            raise SourceError(f"{name}: row {number:,} comes after row {len(values):,}; the "
                              "file is damaged, save it again from Excel or Sheets")
        width = max((cell["column"] for cell in cells), default=0)
        widest = max(widest, width)
        if number * widest > max_cells:
            raise SourceError(f"{name}: more than {max_cells:,} cells (row {number:,}, "
                              f"{widest:,} columns; settings.yaml limits.max_cells)")
        values.extend([] for _ in range(number - 1 - len(values)))
        row: list[Cell] = [None] * width
        for cell in cells:
            row[cell["column"] - 1] = cell["value"]
        if parser.unvalued:
            formulas[number - 1] = parser.unvalued
        values.append(row)
    return values, formulas


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, also noting each row's formulas without a saved value: a
    formula with no value, or an empty one where the type is not text (a formula whose
    result is empty text is saved as type ``str`` with an empty value)."""

    unvalued: list[int] = []

    def parse_row(self, row: Any) -> tuple[int, list[dict]]:
        self.unvalued = []
        return super().parse_row(row)

    def parse_cell(self, element: Any) -> dict:
        cell = super().parse_cell(element)
        if len(element) and element[0].tag == FORMULA_TAG and cell["value"] is None:
            saved = element.find(VALUE_TAG)
            if saved is None or element.get("t") not in ("str", "inlineStr"):
                self.unvalued.append(cell["column"] - 1)
        return cell
