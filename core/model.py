"""The raw table every source is read into before normalization."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# A cell as a source hands it over: text from CSV and Sheets' formatted values, numbers
# (serial dates among them) from UNFORMATTED_VALUE pulls, date cells from .xlsx.
Cell = str | int | float | bool | datetime | date | None


@dataclass(frozen=True)
class RawSheet:
    """One tab of a source, as read, with nothing dropped.

    ``role`` is what the sheet is for (``directives``, ``responses``, ``satisfaction``)
    and is the ``source`` column of rejected.csv; ``title`` names it for people (a file or
    tab name). Every row is padded to the header's length; ``rows[i]`` is sheet row
    ``i + 2`` (the header is row 1), so quarantine can name the row staff must fix.
    """

    role: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    @staticmethod
    def from_values(role: str, title: str, values: list[list[Cell]]) -> RawSheet:
        """Build from a grid whose first row is the header; pads ragged rows."""
        if not values:
            return RawSheet(role, title, [], [])
        header = ["" if v is None else str(v) for v in values[0]]
        width = max([len(header)] + [len(r) for r in values[1:]])
        header = header + [""] * (width - len(header))
        rows = [list(r) + [None] * (width - len(r)) for r in values[1:]]
        return RawSheet(role, title, header, rows)

    @staticmethod
    def sheet_row(index: int) -> int:
        """The spreadsheet row number of data row ``index`` (header is row 1)."""
        return index + 2
