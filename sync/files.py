"""Read a local source: a folder of CSV downloads, an .xlsx workbook, or a sync snapshot."""

from __future__ import annotations

import csv
from pathlib import Path

from tidtam.core.config import Config, Tabs
from tidtam.core.errors import SourceError
from tidtam.core.model import REQUIRED_ROLES, ROLES, Cell, RawSheet


def read_source(path: Path | str, config: Config) -> dict[str, RawSheet]:
    """The sheets of ``path`` by role (``directives``, ``responses``, ``satisfaction``)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    _check_size(path, config.settings.limits.max_source_mb)
    if path.is_dir() and (path / "snapshot.json").is_file():
        from tidtam.sync.snapshot import load_snapshot

        return load_snapshot(path)
    if path.is_dir():
        return _read_csv_folder(path, config.form.files)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, config.form.tabs)
    raise SourceError(f"{path}: expected a folder of CSV files or an .xlsx workbook")


def _check_size(path: Path, limit_mb: float) -> None:
    """Refuse a source larger than the configured limit before reading any of it."""
    files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else [path]
    for file in files:
        size_mb = file.stat().st_size / 2**20
        if size_mb > limit_mb:
            raise SourceError(f"{file}: {size_mb:,.0f} MB is over the limit of {limit_mb:,.0f} "
                              "MB (settings.yaml limits.max_source_mb)")


def _read_csv_folder(folder: Path, files: Tabs) -> dict[str, RawSheet]:
    sheets = {}
    for role in ROLES:
        name = getattr(files, role)
        file = folder / name
        if not file.is_file():
            if role in REQUIRED_ROLES:
                present = ", ".join(sorted(p.name for p in folder.glob("*.csv"))) or "none"
                raise SourceError(f"{folder}: {name} is missing (CSV files present: {present})")
            continue
        sheets[role] = RawSheet.from_values(role, name, _trim(read_csv_values(file)))
    return sheets


def read_csv_values(file: Path) -> list[list[Cell]]:
    """A CSV file's cells as text: UTF-8 with or without BOM, else Thai Windows (cp874).

    The file is decoded while it is parsed, so neither its bytes nor its whole text are
    held in memory (a 600 MB download would need gigabytes). A byte that is not UTF-8
    starts the read again as cp874.
    """
    for encoding in ("utf-8-sig", "cp874"):
        try:
            with file.open(encoding=encoding, newline="") as stream:
                return list(csv.reader(stream))
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{file}: not UTF-8 text; download it again from Google Sheets "
                      "(File > Download > CSV)")


def _read_workbook(file: Path, tabs: Tabs) -> dict[str, RawSheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SourceError(f"{file}: cannot be opened as an .xlsx workbook ({exc})") from None
    try:
        sheets = {}
        for role in ROLES:
            tab = getattr(tabs, role)
            if tab not in book.sheetnames:
                if role in REQUIRED_ROLES:
                    raise SourceError(f"{file}: tab \"{tab}\" is missing (tabs present: "
                                      f"{', '.join(book.sheetnames)}); rename the tab or set "
                                      "tabs in config/form.yaml")
                continue
            values = [list(r) for r in book[tab].iter_rows(values_only=True)]
            sheets[role] = RawSheet.from_values(role, f"{file.name} [{tab}]", _trim(values))
        return sheets
    finally:
        book.close()


def _trim(values: list[list[Cell]]) -> list[list[Cell]]:
    """Drop trailing empty rows: spreadsheets keep spare rows below the data."""
    end = len(values)
    while end > 1 and all(v is None or v == "" for v in values[end - 1]):
        end -= 1
    return values[:end]
