"""Write-back: each sync rewrites two tabs of a spreadsheet, in the same few requests however
many rows there are.

1. ``spreadsheets.get`` (sheet properties only): which tabs exist, with their ids.
2. ``spreadsheets.batchUpdate``: ``addSheet`` for a missing tab, ``updateSheetProperties``
   for an existing one, either way sizing its grid to exactly the rows and columns written
   (header row frozen). Shrinking the grid drops the old rows and columns beyond it, so no
   separate clear is needed.
3. ``spreadsheets.values.batchUpdate`` with ``valueInputOption=RAW``: every cell of both
   grids at once (empty cells as ``""``), so nothing of the previous sync is left.

Nothing typed in a cell is ever taken for a formula: RAW stores text as text, and every text
cell is neutralized as well (``core.cells``), since a person may copy it elsewhere. Calls use
the pull's retry policy and timeout; each failure is one line (exit code 4).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import google.auth.exceptions
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from tidtam.core.cells import neutralize
from tidtam.core.errors import ConfigError, GoogleError
from tidtam.core.model import Cell, printable
from tidtam.sync import retry
from tidtam.sync.retry import RetriesExhausted, RetryPolicy
from tidtam.sync.settings import FILE_NAME, WritebackSettings
from tidtam.sync.sheets import ServiceAccount, TabRequest, connect, quote_tab, spreadsheet_key

WRITE_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
META_FIELDS = "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
GRID_FIELDS = "gridProperties(rowCount,columnCount,frozenRowCount)"
MAX_CELL_CHARS = 50_000  # Google Sheets refuses a longer cell, and with it the whole write

T = TypeVar("T")


@dataclass(frozen=True)
class Table:
    """One tab to write: its name and its rows, the header first."""

    tab: str
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class WriteBack:
    """What a write-back did."""

    spreadsheet_id: str
    tabs: list[str]
    rows: int  # data rows written, headers excluded
    cells: int  # cells Google reports as updated
    requests: int  # Sheets requests, retries included (the OAuth token request is not)
    added: list[str] = field(default_factory=list)  # tabs that had to be created


def target(settings: WritebackSettings, pulled: Iterable[TabRequest],
           config_dir: Path) -> str | None:
    """The write-back spreadsheet's key (None: write-back is off). A tab the pull reads is
    refused: write-back rewrites its tabs whole."""
    if not settings.on:
        return None
    key = spreadsheet_key(settings.spreadsheet, f"{FILE_NAME}: writeback.spreadsheet")
    for tab in pulled:
        for name in ("status_tab", "fix_tab"):
            if tab.spreadsheet_id == key and tab.tab.casefold() == getattr(
                    settings, name).casefold():
                raise ConfigError(
                    config_dir / FILE_NAME,
                    f"writeback.{name} is '{printable(tab.tab)}', the {tab.role} tab tidtam "
                    "reads, which write-back would overwrite: name another tab")
    return key


def cell(value: Cell) -> str | int | float | bool:
    """A value as the API takes it: text neutralized and at most MAX_CELL_CHARS long,
    numbers and booleans as they are, a missing value as an empty cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else value.isoformat()
    return str(neutralize(text))[:MAX_CELL_CHARS]


def grid(rows: Sequence[Sequence[Cell]]) -> list[list[str | int | float | bool]]:
    """The rows as a full rectangle: ragged rows padded with empty cells, and at least one
    row below the header (a frozen row cannot be the grid's last)."""
    width = max((len(r) for r in rows), default=0) or 1
    out = [[cell(v) for v in r] + [""] * (width - len(r)) for r in rows]
    while len(out) < 2:
        out.append([""] * width)
    return out


def write_back(spreadsheet_id: str, tables: Sequence[Table], account: ServiceAccount,
               policy: RetryPolicy, http: HTTPClient | None = None) -> WriteBack:
    """Rewrite each table's tab (created when missing): three requests whatever the size."""
    http = http or connect(account, policy, WRITE_SCOPES)
    calls = _Calls(spreadsheet_id, account, policy)
    meta = calls.run(lambda: http.fetch_sheet_metadata(
        spreadsheet_id, params={"fields": META_FIELDS}))
    existing = _existing_tabs(meta, spreadsheet_id)
    grids = [grid(t.rows) for t in tables]
    layout, titles, added = [], [], []
    for table, values in zip(tables, grids, strict=True):
        size = {"rowCount": len(values), "columnCount": len(values[0]), "frozenRowCount": 1}
        found = existing.get(table.tab.casefold())
        if found is None:
            layout.append({"addSheet": {"properties": {"title": table.tab,
                                                       "gridProperties": size}}})
            titles.append(table.tab)
            added.append(table.tab)
        else:
            sheet_id, title = found
            layout.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": size},
                "fields": GRID_FIELDS}})
            titles.append(title)
    calls.run(lambda: http.batch_update(spreadsheet_id, {"requests": layout}))
    data = [{"range": f"{quote_tab(title)}!A1:{column(len(values[0]))}{len(values)}",
             "majorDimension": "ROWS", "values": values}
            for title, values in zip(titles, grids, strict=True)]
    answer = calls.run(lambda: http.values_batch_update(
        spreadsheet_id, {"valueInputOption": "RAW", "data": data}))
    if not isinstance(answer, dict):
        raise _malformed(spreadsheet_id, "values:batchUpdate")
    return WriteBack(spreadsheet_id=spreadsheet_id, tabs=titles,
                     rows=sum(max(len(t.rows) - 1, 0) for t in tables),
                     cells=int(answer.get("totalUpdatedCells") or 0),
                     requests=calls.requests, added=added)


def column(n: int) -> str:
    """The A1 letters of column ``n`` (1: A, 27: AA)."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _existing_tabs(meta: Any, spreadsheet_id: str) -> dict[str, tuple[int, str]]:
    """Each tab's title (case-folded, as Sheets compares them) -> (sheetId, title)."""
    sheets = meta.get("sheets") if isinstance(meta, dict) else None
    try:
        props = [s["properties"] for s in sheets or []]
        return {str(p["title"]).casefold(): (int(p["sheetId"]), str(p["title"])) for p in props}
    except (KeyError, TypeError, ValueError):
        raise _malformed(spreadsheet_id, "spreadsheets.get") from None


def _malformed(spreadsheet_id: str, what: str) -> GoogleError:
    return GoogleError(f"write-back to spreadsheet {spreadsheet_id}: Google's answer to {what} "
                       "is not what the API documents; try again, report it if it persists")


@dataclass
class _Calls:
    """Each call with the pull's retries; failures as one line a person can act on."""

    spreadsheet_id: str
    account: ServiceAccount
    policy: RetryPolicy
    requests: int = 0

    def run(self, fn: Callable[[], T]) -> T:
        key = self.spreadsheet_id
        try:
            result, attempts = retry.call(fn, self.policy, f"Sheets write-back {key}")
        except RetriesExhausted as exc:
            self.requests += exc.attempts
            status = retry.http_status(exc.last)
            raise GoogleError(
                f"write-back to spreadsheet {key}: Google kept failing "
                f"({f'HTTP {status}' if status else exc.last.__class__.__name__}) after "
                f"{exc.attempts} attempts in {exc.seconds:.0f}s; nothing was published, "
                "try again later") from None
        except google.auth.exceptions.RefreshError as exc:
            raise GoogleError(
                f"Google refused the service-account key in "
                f"{printable(self.account.key_file)} ({printable(exc.args[0])}): the key may "
                "have been deleted or the account disabled; create a new key") from None
        except APIError as exc:
            self.requests += 1
            raise self._refused(exc) from None
        except ValueError:  # a 200 whose body is not JSON
            raise _malformed(key, "a write-back request") from None
        self.requests += attempts
        return result

    def _refused(self, exc: APIError) -> GoogleError:
        key, status = self.spreadsheet_id, exc.response.status_code
        message = printable(str(exc.error.get("message", "")))
        if retry.api_disabled(status, message):
            return retry.api_disabled_error("Sheets", message)
        if status == 403:
            return GoogleError(
                f"write-back: the service account may not edit spreadsheet {key}: open it, "
                f"press Share and add {self.account.email} as Editor")
        if status == 401:
            return GoogleError(f"Google refused the key in {self.account.key_file} "
                               "(HTTP 401): create a new key for the service account")
        if status == 404:
            return GoogleError(f"write-back: spreadsheet {key} not found: check "
                               f"writeback.spreadsheet in config/{FILE_NAME}")
        return GoogleError(f"write-back to spreadsheet {key}: Google answered {status}: "
                           f"{message}")
