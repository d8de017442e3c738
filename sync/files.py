"""Read a local source: a folder of CSV downloads, an .xlsx workbook, or a sync snapshot.

A damaged CSV file (a quote ``"`` opened and never closed where the format wants it) is
never read as if it were whole: the csv module would carry the rest of the file into one
cell until the next quote, merging rows. Each record is parsed strictly; a record that does
not parse, or that spans lines with another number of cells than the header in a file
whose records all have the header's (as every Google Sheets and Excel download does), is
damaged. Its first line starts a damaged row, and the lines after it are read again: those
that do not make a clean record (the rest of the damaged row) join it, the first that does
is the next row. The damaged row keeps no cells (what it holds cannot be told apart) and is
quarantined naming its lines (``malformed_csv``); every other row keeps its sheet row
number. Only a damaged header row stops the read.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tidtam.core.config import Config, Limits, Tabs
from tidtam.core.errors import SourceError
from tidtam.core.model import REQUIRED_ROLES, ROLES, Cell, RawSheet, printable

_DOWNLOAD_AGAIN = "download it again from Google Sheets (File > Download > CSV)"


def read_source(path: Path | str, config: Config) -> dict[str, RawSheet]:
    """The sheets of ``path`` by role (``directives``, ``responses``, ``satisfaction``)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{printable(path)}: no such file or folder")
    limits = config.settings.limits
    _check_size(path, limits.max_source_mb)
    if path.is_dir() and (path / "snapshot.json").is_file():
        from tidtam.sync.snapshot import load_snapshot

        return load_snapshot(path)
    if path.is_dir():
        return _read_csv_folder(path, config.form.files, limits)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from tidtam.sync.workbook import read_workbook

        return read_workbook(path, config.form.tabs, limits)
    raise SourceError(f"{printable(path)}: expected a folder of CSV files or an .xlsx workbook")


def _check_size(path: Path, limit_mb: float) -> None:
    """Refuse a source larger than the configured limit before reading any of it."""
    files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else [path]
    for file in files:
        size_mb = file.stat().st_size / 2**20
        if size_mb > limit_mb:
            raise SourceError(f"{printable(file)}: {size_mb:,.0f} MB is over the limit of "
                              f"{limit_mb:,.0f} MB (settings.yaml limits.max_source_mb)")


def _read_csv_folder(folder: Path, files: Tabs, limits: Limits) -> dict[str, RawSheet]:
    sheets = {}
    for role in ROLES:
        name = getattr(files, role)
        file = folder / name
        if not file.is_file():
            if role in REQUIRED_ROLES:
                present = ", ".join(sorted(printable(p.name) for p in folder.glob("*.csv")))
                raise SourceError(f"{printable(folder)}: {name} is missing (CSV files present: "
                                  f"{present or 'none'})")
            continue
        table = read_csv(file, limits.max_cells)
        values = trim(table.values, table.malformed)
        malformed = {i - 1: lines for i, lines in table.malformed.items()}
        sheets[role] = RawSheet.from_values(role, name, values, malformed=malformed)
    return sheets


@dataclass
class CsvTable:
    """A CSV file's records (the header first) and its damaged ones."""

    values: list[list[Cell]]
    # Record index -> the physical lines (first, last) of a damaged record; its cells are [].
    malformed: dict[int, tuple[int, int]] = field(default_factory=dict)


def read_csv_values(file: Path) -> list[list[Cell]]:
    """A CSV file's cells as text (see :func:`read_csv`)."""
    return read_csv(file).values


def read_csv(file: Path, max_cells: int | None = None) -> CsvTable:
    """A CSV file's records: UTF-8 with or without BOM, else Thai Windows (cp874).

    The file is decoded while it is parsed, so neither its bytes nor its whole text are
    held in memory (a 600 MB download would need gigabytes). A byte that is not UTF-8
    starts the read again as cp874. More than ``max_cells`` cells (records times the
    widest record) stop the read.
    """
    for encoding in ("utf-8-sig", "cp874"):
        try:
            with _field_limit(file.stat().st_size + 1):
                try:  # the whole file at the csv module's speed while nothing is damaged
                    with file.open(encoding=encoding, newline="") as stream:
                        return _Parse(file, stream, max_cells, fast=True).table()
                except _Damaged:  # read it again line by line, to read lines again
                    with file.open(encoding=encoding, newline="") as stream:
                        return parse_csv(stream, file, max_cells)
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{printable(file)}: not UTF-8 text; {_DOWNLOAD_AGAIN}")


def parse_csv(stream: IO[str], name: object = "CSV", max_cells: int | None = None) -> CsvTable:
    """The records of CSV text read from ``stream`` (opened with ``newline=""``), damaged
    ones quarantined as the module's docstring says; ``name`` names it in errors."""
    return _Parse(name, stream, max_cells).table()


class _Damaged(Exception):
    """A damaged record met where its lines cannot be read again."""


@contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    """Let a cell be as long as the file (the csv module stops at 131,072 characters and
    would fail the read): a long cell is the quarantine's to judge (``cell_too_long``)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, chars))
    try:
        yield
    finally:
        csv.field_size_limit(old)


class _Lines:
    """The file's lines for the csv reader, keeping those of the record being read so the
    lines of a damaged record can be read again."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self.again: list[str] = []   # lines to read again, the next one last
        self.taken: list[str] = []   # the lines of the record being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.again.pop() if self.again else next(self._stream)
        self.taken.append(line)
        return line


class _Parse:
    """One pass over a CSV file, sorting its records into clean and damaged ones.

    ``fast`` reads the stream itself, counting each record's lines from the reader, and
    raises :class:`_Damaged` at the first damaged record instead of reading lines again.
    """

    def __init__(self, file: object, stream: IO[str], max_cells: int | None,
                 fast: bool = False):
        self.file = file
        self.lines = _Lines(stream)
        self.reader = csv.reader(stream if fast else self.lines, strict=True)
        self.fast = fast
        self.span = 0           # the lines of the record just read
        self.room = sys.maxsize  # rows max_cells allows at the widest row so far
        self.max_cells = max_cells
        self.out = CsvTable([])
        self.width = 0          # the header's number of cells
        self.widest = 0
        self.uniform = True     # every record so far has the header's number of cells
        self.line = 1           # the physical line the next record starts on
        self.damaged: int | None = None  # the damaged record being read, if any

    def table(self) -> CsvTable:
        if self.fast:
            return self._fast_table()
        while (record := self._next()) is not False:
            if record is None or not self._clean(record):
                self._damage()
                continue
            self.damaged = None
            self.line += self.span
            self._keep(record)
        return self.out

    def _fast_table(self) -> CsvTable:
        """:meth:`table` at the csv module's speed: a record of one line with the header's
        number of cells is kept at once, any other is checked; damage raises _Damaged."""
        reader, values = self.reader, self.out.values
        try:
            for record in reader:
                self.span = reader.line_num - self.line + 1
                if self.span == 1 and len(record) == self.width and len(values) < self.room:
                    values.append(record)
                    self.line += 1
                    continue
                if not self._clean(record):
                    self._damage()  # raises
                self.line += self.span
                self._keep(record)
        except csv.Error:
            self._damage()
        return self.out

    def _next(self) -> list[str] | None | bool:
        """The next record; None if it does not parse; False at the end of the file."""
        self.lines.taken = []
        try:
            record = next(self.reader)
        except StopIteration:
            return False
        except csv.Error:
            return None
        self.span = len(self.lines.taken)
        return record

    def _clean(self, record: list[str]) -> bool:
        """Whether a parsed record is whole: in a file whose data records all have the
        header's number of cells, one spanning several lines with another number is a
        merge, and after a damaged record only a record of the header's number ends the
        damage (a shorter or longer single line is otherwise a ragged row, padded)."""
        if not self.out.values:
            return True
        if self.damaged is not None and not record:
            return False  # an empty line right after damage is the damaged cell's
        if not self.uniform or len(record) == self.width or not record:
            return True
        return self.damaged is None and self.span == 1

    def _damage(self) -> None:
        """The record starting at this line is damaged: its first line starts a damaged row
        when it looks like a record (as many commas as the header has), else it joins the
        damaged row being read (the rest of its cell); the other lines are read again."""
        if not self.out.values:
            raise SourceError(f"{printable(self.file)} line 1: the header row is not valid "
                              f'CSV (a quote " is not closed where it should be); '
                              f"{_DOWNLOAD_AGAIN}")
        if self.fast:
            raise _Damaged
        first = self.lines.taken[0] if self.lines.taken else ""
        if self.damaged is None or first.count(",") >= self.width - 1:
            self.damaged = len(self.out.values)
            self.out.values.append([])
            self.out.malformed[self.damaged] = (self.line, self.line)
        else:
            self.out.malformed[self.damaged] = (self.out.malformed[self.damaged][0], self.line)
        self.lines.again.extend(reversed(self.lines.taken[1:]))
        self.line += 1

    def _keep(self, record: list[str]) -> None:
        values = self.out.values
        if not values:
            self.width = self.widest = len(record)
            self.uniform = bool(record)  # an empty first line is no header to go by
        elif record and len(record) != self.width:
            self.uniform = False
        values.append(record)
        if len(record) > self.widest:
            self.widest = len(record)
        if self.max_cells:
            self.room = self.max_cells // max(self.widest, 1)  # rows the limit leaves
        if self.max_cells and len(values) * self.widest > self.max_cells:
            raise SourceError(f"{printable(self.file)}: more than {self.max_cells:,} cells "
                              f"({len(values):,} rows of up to {self.widest:,} columns by line "
                              f"{self.line - 1:,}; settings.yaml limits.max_cells)")


def trim(values: list[list[Cell]], keep: dict[int, object] | None = None) -> list[list[Cell]]:
    """Drop trailing empty rows (spreadsheets keep spare rows below the data), but not the
    rows in ``keep`` (those the reader could not read)."""
    keep = keep or {}
    end = len(values)
    while end > 1 and end - 1 not in keep and all(v is None or v == "" for v in values[end - 1]):
        end -= 1
    return values[:end]
