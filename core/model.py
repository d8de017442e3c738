"""The data model every stage shares: what ``sync`` hands over, what ``transform`` makes of
it, and what ``render`` writes.

    RawSheet  --transform-->  Dataset (+ Rejection rows)  -->  KPIs  --render-->  Output

Nothing here imports a stage. The tables inside a :class:`Dataset` are pandas frames whose
columns are listed here, so every stage names them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

if TYPE_CHECKING:  # typing only: the config is data, loaded by core/config.py
    from tidtam.core.config import Config

# A cell as a source hands it over: text from CSV and Sheets' formatted values, numbers
# (serial dates among them) from UNFORMATTED_VALUE pulls, date cells from .xlsx.
Cell = str | int | float | bool | datetime | date | None

# The four reporting statuses (taxonomy.yaml gives their codes and Thai labels); the
# first three are "reported", not_reported is the absence of a valid report.
StatusKey = Literal["done", "in_progress", "cannot", "not_reported"]
STATUS_KEYS: list[str] = list(get_args(StatusKey))  # a list: pandas reads a tuple as one key

# The sheets a source holds, by role; the role is the ``source`` column of rejected.csv.
ROLES = ("directives", "responses", "satisfaction")
REQUIRED_ROLES = ("directives", "responses")


@dataclass(frozen=True)
class RawSheet:
    """One tab of a source, as read, with nothing dropped.

    ``role`` is what the sheet is for (one of :data:`ROLES`); ``title`` names it for people
    (a file or tab name). Every row is padded to the header's length; ``rows[i]`` is sheet
    row ``i + 2`` (the header is row 1), so quarantine can name the row staff must fix.

    What the reader could not read is said, not guessed, and quarantined by a rule:
    ``malformed`` maps a row of a CSV file that does not parse to its physical lines
    (first, last), its cells left empty; ``formulas`` maps a row of an .xlsx to the columns
    whose formula has no saved value (the cells read as empty).
    """

    role: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    malformed: dict[int, tuple[int, int]] = field(default_factory=dict)
    formulas: dict[int, list[int]] = field(default_factory=dict)

    @staticmethod
    def from_values(role: str, title: str, values: list[list[Cell]],
                    malformed: dict[int, tuple[int, int]] | None = None,
                    formulas: dict[int, list[int]] | None = None) -> RawSheet:
        """Build from a grid whose first row is the header; pads ragged rows."""
        if not values:
            return RawSheet(role, title, [], [])
        header = ["" if v is None else str(v) for v in values[0]]
        width = max([len(header)] + [len(r) for r in values[1:]])
        header = header + [""] * (width - len(header))
        rows = [list(r) + [None] * (width - len(r)) for r in values[1:]]
        return RawSheet(role, title, header, rows, malformed or {}, formulas or {})

    @staticmethod
    def sheet_row(index: int) -> int:
        """The spreadsheet row number of data row ``index`` (header is row 1)."""
        return index + 2


Sheets = dict[str, RawSheet]


# Where a rejection's detail quotes the typed value. NUL never survives cell cleaning, so
# no typed text can be mistaken for it.
VALUE_SLOT = "\x00"


@dataclass(frozen=True)
class Rejection:
    """Why one row of a sheet was quarantined, in words staff can act on.

    ``detail`` is a Thai message; where it quotes what a person typed, the quoted field and
    its value are kept as data (``field``, ``value``) and the message holds
    :data:`VALUE_SLOT`, so a personal value can be hidden without reading the message.
    """

    index: int          # the row's index in RawSheet.rows (sheet row = index + 2)
    reason: str         # a key of transform/quarantine.REASONS (machines read it)
    detail: str         # Thai; holds VALUE_SLOT where it quotes ``value``
    suggestion: str = ""
    field: str = ""     # the field whose typed value the detail quotes, if any
    value: str = ""

    def message(self, hide: bool = False, hidden: str = "") -> str:
        """The detail with the quoted value, or ``hidden`` in its place."""
        return fill_slot(self.detail, self.value, hidden if hide else None)


def printable(text: object) -> str:
    """``text`` as a message may quote it: each character a terminal would not show as
    itself (control and escape characters, line breaks, bidirectional overrides, invisible,
    unassigned and private-use characters, lone surrogates, spaces other than U+0020) is
    written as a visible escape such as ``\\x1b`` or ``\\u202e``.

    Use it wherever a message quotes what a sheet, a file name or a remote answer holds.
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def fill_slot(detail: str, value: str, hidden: str | None = None) -> str:
    """``detail`` with its value slot filled: the value in quotes, or ``hidden``."""
    if VALUE_SLOT not in detail:
        return detail
    return detail.replace(VALUE_SLOT, hidden if hidden is not None else f'"{value}"')


# Columns of every sheet's quarantine frame before its original cells.
REJECTED_COLUMNS = ["source", "row", "reason", "reason_label", "detail", "suggestion"]
# Kept beside them until published (transform/privacy.public_rejected fills the detail's
# value slot and drops these): the quoted field and value of each rejection.
QUOTE_COLUMNS = ["quoted_field", "quoted_value"]


@dataclass
class SheetResult:
    """What normalizing one sheet left: its quarantine and counts."""

    rejected: pd.DataFrame
    rows: int
    blank: int
    unclaimed: list[str]


@dataclass
class Register(SheetResult):
    """Accepted directives and their assignments (directive x agency)."""

    directives: pd.DataFrame = field(default_factory=pd.DataFrame)
    assignments: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Codes of directives the register quarantined -> their sheet row.
    rejected_codes: dict[str, int] = field(default_factory=dict)


@dataclass
class Reports(SheetResult):
    """Accepted progress reports, one row each."""

    reports: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Rejected rows whose agency and directive cells resolved anyway: source_row,
    # directive_code, agency, reason (an assignment's "submitted but failed the checks").
    rejected_pairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["source_row", "directive_code", "agency", "reason"]))


@dataclass
class Satisfaction(SheetResult):
    """One row per accepted answer (respondent x question), and the respondents."""

    answers: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondents: pd.DataFrame = field(default_factory=pd.DataFrame)
    questions: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    """Everything the KPIs and pages are computed from."""

    as_of: date
    config: Config
    register: Register
    reports: Reports
    satisfaction: Satisfaction | None
    assignments: pd.DataFrame
    rejected: pd.DataFrame  # every sheet's quarantine, one frame

    def sheets(self) -> list[tuple[str, SheetResult, int]]:
        """(role, result, rows accepted) of every sheet read."""
        out: list[tuple[str, SheetResult, int]] = [
            ("directives", self.register, len(self.register.directives)),
            ("responses", self.reports, len(self.reports.reports))]
        if self.satisfaction is not None:
            out.append(("satisfaction", self.satisfaction, len(self.satisfaction.respondents)))
        return out


@dataclass(frozen=True)
class SheetQuality:
    """Rows read, accepted, blank and quarantined (by reason) of one sheet."""

    rows: int
    accepted: int
    blank: int
    rejected: int
    rejected_by_reason: dict[str, int]
    unclaimed_columns: list[str]


@dataclass(frozen=True)
class ScheduleKPIs:
    """Time-bound measures: the ``schedule`` block of ``data/kpis.json`` (key order kept)."""

    assignments_overdue: int
    on_time_report_pct: float | None
    on_time_report_target_pct: float
    median_days_overdue: float | None


@dataclass(frozen=True)
class ReminderKPIs:
    """The ``reminders`` block of kpis.json: not reported, split by whether a follow-up
    memo has named the assignment (the reminder log of the history database)."""

    not_reported_reminded: int
    not_reported_not_reminded: int


@dataclass(frozen=True)
class KPIs:
    """The seed's success measures and the data-quality counts: ``data/kpis.json``.

    Field order is the file's key order (a machine contract).
    """

    as_of: str
    directives: int
    assignments_total: int
    assignments_by_status: dict[str, int]
    assignments_reported_pct: float | None
    agencies_total: int
    agencies_reported: int
    reporting_rate_pct: float | None
    reporting_rate_target_pct: float
    rows_read: int
    reports_accepted: int
    rows_rejected: int
    blank_rows: int
    satisfaction_pct: float | None
    satisfaction_mean_score: float | None
    satisfaction_high_share_pct: float | None
    satisfaction_respondents: int
    satisfaction_answers: int
    users_total: int
    satisfaction_response_rate_pct: float | None
    satisfaction_target_pct: float
    quality: dict[str, SheetQuality]
    schedule: ScheduleKPIs
    reminders: ReminderKPIs
    change: ChangeKPIs | None = None  # None: no earlier recorded run to compare with

    def as_dict(self) -> dict:
        """Plain JSON-ready data, in the file's key order."""
        return asdict(self)


# The seed KPIs a recorded run keeps for the trend page and the change block, in kpis.json's
# names (an older run may lack some: its value is then None).
TREND_KPIS = ("reporting_rate_pct", "assignments_reported_pct", "satisfaction_pct",
              "on_time_report_pct", "assignments_overdue")


@dataclass(frozen=True)
class TrendPoint:
    """One recorded run (or this build), as the trend page draws it: dated by its as-of date."""

    as_of: str                        # ISO date the run's data was as of
    counts: dict[str, int]            # assignments by status
    kpis: dict[str, float | int | None] = field(default_factory=dict)  # TREND_KPIS


@dataclass(frozen=True)
class Baseline:
    """An earlier recorded run that this build is compared with (see transform/changes.py)."""

    run_id: int
    as_of: date
    statuses: pd.DataFrame            # directive_code, agency, status as that run saw them
    kpis: dict[str, float | int | None]  # TREND_KPIS as recorded (None: not recorded)


# data/changes.csv, in this column order (a machine contract).
CHANGE_COLUMNS = ["directive_code", "agency", "from_status", "to_status", "from_as_of",
                  "to_as_of"]


@dataclass(frozen=True)
class ChangeKPIs:
    """The ``change`` block of kpis.json: the baseline's as-of date and each KPI's delta
    (this build minus the baseline; None when either side has no value)."""

    since: str
    reporting_rate_pct: float | None
    assignments_reported_pct: float | None
    satisfaction_pct: float | None
    assignments_overdue: int | None


@dataclass(frozen=True)
class Changes:
    """What changed since a baseline run: one row per assignment whose status differs
    (CHANGE_COLUMNS plus ``kind``), and the KPI deltas."""

    since: date
    frame: pd.DataFrame
    kpis: ChangeKPIs


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, the digest of its inputs, how to write it.

    ``digest`` is None for a file whose digest is known only from its content (a data export
    streamed to disk); the writer then writes it first and compares afterwards. A file made
    from earlier ones names them in ``derived_from``: their digests join its own.
    """

    path: str
    digest: str | None
    write: Callable[[Path], object]
    derived_from: tuple[str, ...] = ()
