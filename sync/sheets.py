"""Pull the form's tabs from Google Sheets: one values:batchGet request per spreadsheet.

Values are asked for unformatted, dates as serial day numbers, so what arrives never
depends on the sheet's locale. Cells are passed on as the API returns them (a ``0012``
typed as text stays the text ``"0012"``); only header cells are turned into text. The API
drops trailing empty cells, so rows arrive ragged: ``RawSheet.from_values`` pads them, and
duplicate headers stay separate columns.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import google.auth.exceptions
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.http_client import HTTPClient
from gspread.utils import extract_id_from_url

from tidtam.core.errors import GoogleError, SourceError
from tidtam.core.model import Cell, RawSheet, printable
from tidtam.sync import retry
from tidtam.sync.retry import RetriesExhausted, RetryPolicy

log = logging.getLogger("tidtam.sync")

SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive",)
VALUE_PARAMS = {
    "majorDimension": "ROWS",
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
}
KEY_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{10,}$")


@dataclass(frozen=True)
class ServiceAccount:
    """A loaded service-account key: its credentials and the email to share sheets with."""

    key_file: Path
    email: str
    info: Mapping[str, Any] = field(repr=False)

    def credentials(self, scopes: Iterable[str]) -> service_account.Credentials:
        """Credentials for the given OAuth scopes."""
        return service_account.Credentials.from_service_account_info(
            dict(self.info), scopes=list(scopes)
        )


@dataclass(frozen=True)
class TabRequest:
    """One tab to pull, and the role it plays for the pipeline."""

    role: str
    spreadsheet_id: str
    tab: str


@dataclass(frozen=True)
class PulledTab:
    """The raw values of one tab exactly as the API returned them."""

    role: str
    spreadsheet_id: str
    tab: str
    range: str
    values: list[list[Cell]]


@dataclass(frozen=True)
class Pull:
    """Everything one sync pulled, with how many HTTP requests it took."""

    pulled_at: datetime
    tabs: dict[str, PulledTab]
    requests: int

    def sheets(self) -> dict[str, RawSheet]:
        """The pulled tabs as RawSheets, keyed by role."""
        return {role: to_raw_sheet(tab) for role, tab in self.tabs.items()}

    def row_count(self) -> int:
        """Data rows across all tabs (headers excluded)."""
        return sum(max(len(t.values) - 1, 0) for t in self.tabs.values())


def spreadsheet_key(key_or_url: str, where: str) -> str:
    """The spreadsheet key from a key or a browser URL; ``where`` names the setting."""
    value = key_or_url.strip()
    if value.startswith(("http://", "https://")):
        try:
            return extract_id_from_url(value)
        except NoValidUrlKeyFound:
            raise GoogleError(
                f"{where}: {value!r} is not a Google Sheets URL; copy the address of the "
                "spreadsheet from the browser (…/spreadsheets/d/KEY/edit)"
            ) from None
    if not _KEY_RE.match(value):
        raise GoogleError(
            f"{where}: {value!r} is neither a spreadsheet key nor a URL; paste the "
            "spreadsheet's address from the browser"
        )
    return value


def find_key_file(override: Path | None, configured: Path | None) -> Path:
    """The key file to use: --key-file, then config, then GOOGLE_APPLICATION_CREDENTIALS."""
    if override:
        return override
    if configured:
        return configured
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        return Path(env)
    raise GoogleError(
        "no service-account key file: set google.key_file in config/sync.yaml, "
        f"set {KEY_ENV}, or pass --key-file"
    )


def load_service_account(key_file: Path) -> ServiceAccount:
    """Read and check a service-account key file; errors say how to fix it."""
    try:
        text = key_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoogleError(
            f"service-account key file {key_file} does not exist: download a JSON key "
            "(Google Cloud console > IAM > Service accounts > Keys) and save it there, "
            "or pass --key-file"
        ) from None
    except OSError as exc:
        raise GoogleError(
            f"cannot read service-account key file {key_file} ({exc.strerror}): "
            "check that the user running tidtam may read it"
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        raise GoogleError(
            f"{key_file} is not JSON: download the service account's key again as JSON"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else None
        raise GoogleError(
            f"{key_file} is not a service-account key (type {kind!r}): create a key "
            "under IAM > Service accounts > Keys > Add key > JSON"
        )
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise GoogleError(
            f"{key_file} lacks {', '.join(missing)}: download the key again, unedited"
        )
    try:
        service_account.Credentials.from_service_account_info(info)
    except ValueError as exc:
        raise GoogleError(f"{key_file}: the private key cannot be used ({exc})") from None
    return ServiceAccount(key_file=key_file, email=info["client_email"], info=info)


def quote_tab(tab: str) -> str:
    """A tab name as an A1 range covering the whole tab (quotes doubled)."""
    return "'" + tab.replace("'", "''") + "'"


def header_text(cell: Cell) -> str:
    """A header cell as the text a person sees (2567.0 is ``2567``)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def to_raw_sheet(tab: PulledTab) -> RawSheet:
    """One pulled tab as a RawSheet: header as text, values untouched, rows padded."""
    if not tab.values:
        return RawSheet.from_values(tab.role, tab.tab, [])
    header = [header_text(c) for c in tab.values[0]]
    return RawSheet.from_values(tab.role, tab.tab, [header, *tab.values[1:]])


def connect(account: ServiceAccount, policy: RetryPolicy,
            scopes: Iterable[str] = SHEETS_SCOPES) -> HTTPClient:
    """A gspread HTTP client with the account's credentials (read-only unless ``scopes``
    says otherwise) and a timeout."""
    credentials = account.credentials(scopes)
    session = AuthorizedSession(credentials, refresh_timeout=policy.timeout)
    http = HTTPClient(auth=credentials, session=session)
    http.set_timeout(policy.timeout)
    return http


def pull(
    tabs: Iterable[TabRequest],
    account: ServiceAccount,
    policy: RetryPolicy,
    http: HTTPClient | None = None,
) -> Pull:
    """Pull every requested tab, one batchGet per spreadsheet, retrying transient errors."""
    http = http or connect(account, policy)
    by_sheet: dict[str, list[TabRequest]] = {}
    for tab in tabs:
        by_sheet.setdefault(tab.spreadsheet_id, []).append(tab)
    pulled: dict[str, PulledTab] = {}
    requests = 0
    for spreadsheet_id, wanted in by_sheet.items():
        payload, attempts = _batch_get(http, spreadsheet_id, wanted, account, policy)
        requests += attempts
        value_ranges = _value_ranges(payload, spreadsheet_id, wanted)
        for tab, value_range in zip(wanted, value_ranges, strict=True):
            pulled[tab.role] = PulledTab(
                role=tab.role,
                spreadsheet_id=spreadsheet_id,
                tab=tab.tab,
                range=str(value_range.get("range", quote_tab(tab.tab))),
                values=_values(value_range, spreadsheet_id, tab),
            )
    return Pull(pulled_at=datetime.now(UTC), tabs=pulled, requests=requests)


def _batch_get(
    http: HTTPClient,
    spreadsheet_id: str,
    wanted: list[TabRequest],
    account: ServiceAccount,
    policy: RetryPolicy,
) -> tuple[Any, int]:
    ranges = [quote_tab(t.tab) for t in wanted]
    what = f"Sheets batchGet {spreadsheet_id}"
    try:
        return retry.call(
            lambda: http.values_batch_get(spreadsheet_id, list(ranges), dict(VALUE_PARAMS)),
            policy,
            what,
        )
    except RetriesExhausted as exc:
        raise GoogleError(
            f"spreadsheet {spreadsheet_id}: Google kept failing ({_describe(exc.last)}) "
            f"after {exc.attempts} attempts in {exc.seconds:.0f}s; nothing was changed, "
            "try again later"
        ) from None
    except google.auth.exceptions.RefreshError as exc:
        raise GoogleError(
            f"Google refused the service-account key in {printable(account.key_file)} "
            f"({printable(exc.args[0])}): the "
            "key may have been deleted or the account disabled; create a new key"
        ) from None
    except APIError as exc:
        raise _api_error(exc, http, spreadsheet_id, wanted, account, policy) from None
    except ValueError:  # a 200 whose body is not JSON
        raise _malformed(spreadsheet_id, "the answer is not JSON") from None


def _describe(exc: BaseException) -> str:
    status = retry.http_status(exc)
    return f"HTTP {status}" if status else exc.__class__.__name__


def _api_error(
    exc: APIError,
    http: HTTPClient,
    spreadsheet_id: str,
    wanted: list[TabRequest],
    account: ServiceAccount,
    policy: RetryPolicy,
) -> Exception:
    """Turn a Sheets error answer into one line a staff member can act on."""
    status = exc.response.status_code
    message = str(exc.error.get("message", ""))
    if retry.api_disabled(status, message):
        return retry.api_disabled_error("Sheets", message)
    if status == 403:
        return GoogleError(
            f"spreadsheet {spreadsheet_id} is not shared with the service account: open "
            f"it, press Share and add {account.email} as Viewer"
        )
    if status == 401:
        return GoogleError(
            f"Google refused the key in {account.key_file} (HTTP 401): create a new key "
            "for the service account"
        )
    if status == 404:
        return GoogleError(
            f"spreadsheet {spreadsheet_id} not found: check its key or URL in "
            "config/sync.yaml (google.spreadsheets) or --spreadsheet"
        )
    if status == 400 and "Unable to parse range" in message:
        return _missing_tab(http, spreadsheet_id, wanted, message, policy)
    return GoogleError(f"spreadsheet {spreadsheet_id}: Google answered {status}: "
                       f"{printable(message)}")


def _missing_tab(
    http: HTTPClient,
    spreadsheet_id: str,
    wanted: list[TabRequest],
    message: str,
    policy: RetryPolicy,
) -> SourceError:
    """Name the missing tab, and list the tabs the spreadsheet does have."""
    existing: list[str] | None = None
    try:
        meta, _ = retry.call(
            lambda: http.fetch_sheet_metadata(
                spreadsheet_id, params={"fields": "sheets.properties.title"}
            ),
            policy,
            f"Sheets metadata {spreadsheet_id}",
        )
        existing = [s["properties"]["title"] for s in meta.get("sheets", [])]
    except Exception:  # the listing only improves the message; the error stands without it
        log.debug("could not list the tabs of %s", spreadsheet_id, exc_info=True)
    if existing is not None:
        missing = [t for t in wanted if t.tab not in existing]
    else:
        missing = [t for t in wanted if quote_tab(t.tab) in message] or wanted
    tab = missing[0] if missing else wanted[0]
    has = f"; its tabs are: {', '.join(printable(t) for t in existing)}" if existing else ""
    return SourceError(
        f"spreadsheet {spreadsheet_id} has no tab '{printable(tab.tab)}' (for {tab.role}){has}: "
        f"rename the tab, or set tabs.{tab.role} in config/form.yaml"
    )


def _malformed(spreadsheet_id: str, detail: str) -> GoogleError:
    return GoogleError(
        f"spreadsheet {spreadsheet_id}: Google's answer is not a values:batchGet payload "
        f"({detail}); nothing was changed, try again and report it if it persists"
    )


def _value_ranges(
    payload: Any, spreadsheet_id: str, wanted: list[TabRequest]
) -> list[Mapping[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("valueRanges"), list):
        raise _malformed(spreadsheet_id, "no valueRanges list")
    ranges = payload["valueRanges"]
    if len(ranges) != len(wanted) or not all(isinstance(r, dict) for r in ranges):
        raise _malformed(spreadsheet_id, f"{len(ranges)} value ranges for {len(wanted)} tabs")
    return ranges


_CELL_TYPES = (str, int, float, bool, type(None))
# Half of a UTF-16 surrogate pair on its own: JSON can carry one ("\\ud800"), no text
# file can be written with one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _values(value_range: Mapping[str, Any], spreadsheet_id: str, tab: TabRequest) -> list:
    values = value_range.get("values", [])  # an empty tab has no "values" at all
    name = printable(tab.tab)
    if value_range.get("majorDimension", "ROWS") != "ROWS":
        raise _malformed(spreadsheet_id, f"tab '{name}' came in columns, not rows")
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise _malformed(spreadsheet_id, f"tab '{name}' values are not rows")
    for number, row in enumerate(values, start=1):
        for cell in row:
            if not isinstance(cell, _CELL_TYPES):
                raise _malformed(
                    spreadsheet_id,
                    f"tab '{name}' row {number} holds a {type(cell).__name__}",
                )
    replace_invalid_text(values, f"tab '{name}'")
    return values


def replace_invalid_text(values: list[list[Cell]], where: str) -> int:
    """Replace each lone surrogate in the text cells of ``values`` with U+FFFD (in place),
    logging how many cells held one; the count."""
    found = 0
    for row in values:
        for k, cell in enumerate(row):
            if type(cell) is str and not cell.isascii() and _SURROGATE.search(cell):
                row[k] = _SURROGATE.sub("\ufffd", cell)
                found += 1
    if found:
        log.warning("%s: %d cell(s) held invalid Unicode (a lone surrogate), shown as \ufffd",
                    where, found)
    return found
