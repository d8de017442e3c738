"""The history database: every run, every report ever seen, assignment statuses over time.

One SQLite file (stdlib ``sqlite3``). The schema is versioned with ``PRAGMA user_version``
and an ordered list of migrations; opening the file applies the missing ones, each in its
own transaction.

A run's row is written when it starts (outcome ``running``), so a crash leaves a trace that
the next run marks ``interrupted``. What the run learned (new reports, assignment status
changes, counts) is written in ONE transaction by :meth:`History.record_build`: a reader
sees all of it or none. Reports are keyed by their content hash (``report_id``) and
assignment statuses are stored as changes, so a run on unchanged data adds its own log row
and nothing else.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tidtam.core.errors import ConfigError
from tidtam.core.model import KPIs
from tidtam.history_questions import Questions, ReportAnswer, TrendPoint
from tidtam.reminders import ReminderLog
from tidtam.transform.changes import trend_kpis

__all__ = ["History", "Questions", "RecordStats", "ReportAnswer", "TrendPoint"]

OUTCOMES = ("running", "built", "ok", "failed", "interrupted")
REPORT_FIELDS = (
    "report_id", "submitted_at", "directive_code", "agency", "status", "result",
    "obstacles", "obstacle_factors", "obstacle_factors_other", "reporter", "phone", "email",
    "attachments", "source_row",
)  # fmt: skip
STATE_FIELDS = ("status", "reported_at", "report_count", "latest_report_id")

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, reports (one row per distinct report), assignment status changes.
    """
    CREATE TABLE runs (
        run_id              INTEGER PRIMARY KEY,
        started_at          TEXT NOT NULL,
        finished_at         TEXT,
        duration_s          REAL,
        source              TEXT NOT NULL,
        snapshot            TEXT,
        as_of               TEXT,
        outcome             TEXT NOT NULL CHECK (outcome IN
                                ('running', 'built', 'ok', 'failed', 'interrupted')),
        failed_stage        TEXT,
        error               TEXT,
        rows_read           INTEGER,
        reports_accepted    INTEGER,
        rows_rejected       INTEGER,
        assignments_total   INTEGER,
        new_reports         INTEGER,
        changed_assignments INTEGER,
        status_counts       TEXT,
        published           TEXT
    );
    CREATE TABLE reports (
        report_id              TEXT PRIMARY KEY,
        first_seen_run         INTEGER NOT NULL REFERENCES runs (run_id),
        submitted_at           TEXT NOT NULL,
        directive_code         TEXT NOT NULL,
        agency                 TEXT NOT NULL,
        status                 TEXT NOT NULL,
        result                 TEXT,
        obstacles              TEXT,
        obstacle_factors       TEXT,
        obstacle_factors_other TEXT,
        reporter               TEXT,
        phone                  TEXT,
        email                  TEXT,
        attachments            TEXT,
        source_row             INTEGER
    );
    CREATE INDEX reports_by_assignment ON reports (agency, directive_code, submitted_at);
    CREATE TABLE assignment_changes (
        run_id           INTEGER NOT NULL REFERENCES runs (run_id),
        directive_code   TEXT NOT NULL,
        agency           TEXT NOT NULL,
        status           TEXT,
        reported_at      TEXT,
        report_count     INTEGER,
        latest_report_id TEXT,
        PRIMARY KEY (directive_code, agency, run_id)
    );
    """,
    # 2: the seed KPIs of each recorded run (JSON of core.model.TREND_KPIS), for the trend
    # page and the change block.
    """
    ALTER TABLE runs ADD COLUMN kpis TEXT
    """,
    # 3: the reminder log (tidtam/reminders.py): one row per outstanding item of a memo.
    """
    CREATE TABLE reminders (
        memo_number    TEXT NOT NULL,
        memo_date      TEXT NOT NULL,
        agency         TEXT NOT NULL,
        directive_code TEXT NOT NULL,
        as_of          TEXT NOT NULL,
        addressed_to   TEXT NOT NULL,
        recorded_at    TEXT NOT NULL,
        PRIMARY KEY (memo_number, memo_date, agency, directive_code)
    );
    CREATE INDEX reminders_by_assignment ON reminders (directive_code, agency)
    """,
)


@dataclass(frozen=True)
class RecordStats:
    """What one run added to the history."""

    new_reports: int
    changed_assignments: int


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _cell(value: Any) -> Any:
    """A pandas cell as a SQLite value: timestamps as ISO text, missing as NULL."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: pd.DataFrame, fields: Iterable[str]) -> list[tuple]:
    """Rows of ``frame`` as tuples of SQLite values in ``fields`` order (absent: NULL)."""
    fields = list(fields)
    rows = frame.reindex(columns=fields).astype(object).itertuples(index=False, name=None)
    return [tuple(_cell(v) for v in row) for row in rows]


def _private_file(path: Path) -> None:
    """The database holds names and phones: its folder, if new, is 0700 and the file 0600
    (SQLite gives its -journal, -wal and -shm files the database file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        try:  # made by an older tidtam with 0644: tighten it when it is ours
            if path.stat().st_uid == os.geteuid():
                path.chmod(0o600)
        except OSError:
            pass


class History(Questions, ReminderLog):
    """An open history database; use as a context manager or call close(). Its questions
    (what runs saw, trends, baselines) are in ``tidtam/history_questions.py``."""

    def __init__(self, path: Path):
        self.path = path
        _private_file(path)
        try:
            self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                path, f"not a usable history database ({exc}); move it away to start a new one"
            ) from None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- schema -----------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The number of migrations applied to this file."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every migration the file lacks, each in its own transaction."""
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise ConfigError(
                self.path,
                f"history schema {current} is newer than this tidtam knows "
                f"({len(MIGRATIONS)}); upgrade tidtam",
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            try:
                with self.transaction() as conn:
                    for statement in script.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {version}")
            except sqlite3.DatabaseError as exc:
                raise ConfigError(
                    self.path,
                    f"could not upgrade the history schema to version {version} ({exc}); "
                    "the file is unchanged, keep using the previous tidtam and report this",
                ) from None

    # -- writing a run ----------------------------------------------------------------
    def start_run(self, source: str, as_of: date | None = None) -> int:
        """Log a run as ``running``; return its id."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started_at, source, as_of, outcome) VALUES (?, ?, ?, 'running')",
                (_now(), source, as_of.isoformat() if as_of else None),
            )
        return int(cursor.lastrowid)

    def mark_interrupted(self) -> int:
        """Runs a crashed process left ``running`` or ``built`` become ``interrupted``.

        Call it only while holding the run lock, when no other run can be in progress.
        """
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE runs SET outcome = 'interrupted', error = coalesce(error, "
                "'the process stopped before the run finished') "
                "WHERE outcome IN ('running', 'built')"
            )
        return cursor.rowcount

    def record_build(
        self,
        run_id: int,
        reports: pd.DataFrame,
        assignments: pd.DataFrame,
        kpis: KPIs | None,
        snapshot: Path | None = None,
        as_of: date | None = None,
    ) -> RecordStats:
        """Store a build's reports, assignment changes, counts and seed KPIs (with the as-of
        date the build used) in one transaction."""
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                f"INSERT OR IGNORE INTO reports ({', '.join(REPORT_FIELDS)}, first_seen_run) "
                f"VALUES ({', '.join('?' * len(REPORT_FIELDS))}, ?)",
                [(*row, run_id) for row in _records(reports, REPORT_FIELDS)],
            )
            new_reports = conn.total_changes - before
            changes = self._assignment_changes(conn, assignments)
            conn.executemany(
                "INSERT INTO assignment_changes (run_id, directive_code, agency, status, "
                "reported_at, report_count, latest_report_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, *change) for change in changes],
            )
            counts = {
                str(k): int(v) for k, v in assignments["status"].value_counts().sort_index().items()
            }
            conn.execute(
                "UPDATE runs SET outcome = 'built', snapshot = ?, rows_read = ?, "
                "reports_accepted = ?, rows_rejected = ?, assignments_total = ?, "
                "new_reports = ?, changed_assignments = ?, status_counts = ?, kpis = ?, "
                "as_of = coalesce(?, as_of) WHERE run_id = ?",
                (
                    str(snapshot) if snapshot else None,
                    kpis.rows_read if kpis else None,
                    kpis.reports_accepted if kpis else len(reports),
                    kpis.rows_rejected if kpis else None,
                    len(assignments),
                    new_reports,
                    len(changes),
                    json.dumps(counts, sort_keys=True),
                    json.dumps(trend_kpis(kpis)) if kpis else None,
                    as_of.isoformat() if as_of else None,
                    run_id,
                ),
            )
        return RecordStats(new_reports=new_reports, changed_assignments=len(changes))

    @staticmethod
    def _assignment_changes(conn: sqlite3.Connection, assignments: pd.DataFrame) -> list[tuple]:
        """(directive, agency, state...) for each pair whose state differs from the last one."""
        latest = {
            (row[0], row[1]): tuple(row[2:])
            for row in conn.execute(
                "SELECT directive_code, agency, status, reported_at, report_count, "
                "latest_report_id FROM assignment_changes c WHERE run_id = (SELECT max(run_id) "
                "FROM assignment_changes WHERE directive_code = c.directive_code "
                "AND agency = c.agency)"
            )
        }
        current = {
            (row[0], row[1]): tuple(row[2:])
            for row in _records(assignments, ("directive_code", "agency", *STATE_FIELDS))
        }
        changes = [(*pair, *state) for pair, state in current.items() if latest.get(pair) != state]
        gone = (None,) * len(STATE_FIELDS)  # the register no longer assigns this pair
        changes += [
            (*pair, *gone)
            for pair, state in latest.items()
            if pair not in current and state[0] is not None
        ]
        return changes

    def finish_run(
        self,
        run_id: int,
        outcome: str,
        *,
        stage: str | None = None,
        error: str | None = None,
        published: str | None = None,
    ) -> None:
        """Close a run's log row with its outcome, duration and, on failure, the reason."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        finished = _now()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET outcome = ?, failed_stage = ?, error = ?, published = ?, "
                "finished_at = ?, duration_s = round((julianday(?) - julianday(started_at)) "
                "* 86400, 3) WHERE run_id = ?",
                (outcome, stage, error, published, finished, finished, run_id),
            )
