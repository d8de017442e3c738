"""The history database's questions: what each run saw, the trend, the run to compare with.

A mixin of :class:`tidtam.history.History` (which holds the connection and the schema).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from tidtam.core.model import Baseline

# A run's date: its as-of date, or (older runs recorded none) the local day it started.
RUN_DATE = "coalesce(as_of, substr(started_at, 1, 10))"


@dataclass(frozen=True)
class ReportAnswer:
    """What an agency reported on a directive: the first report, the latest, how many."""

    agency: str
    directive_code: str
    first: Mapping[str, Any]
    latest: Mapping[str, Any]
    count: int


@dataclass(frozen=True)
class TrendPoint:
    """Assignment status counts and seed KPIs as one run saw them."""

    run_id: int
    started_at: str
    as_of: str  # the run's date (RUN_DATE)
    counts: Mapping[str, int]
    kpis: Mapping[str, Any]  # TREND_KPIS; empty for runs recorded before schema 2


class Questions:
    """Read-only questions to an open history database (``self.conn``)."""

    conn: sqlite3.Connection

    # -- questions --------------------------------------------------------------------
    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        rows = self.conn.execute("SELECT * FROM runs ORDER BY run_id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def agency_reports(self, agency: str, directive_code: str) -> ReportAnswer | None:
        """When did ``agency`` first report on ``directive_code``, and what did it say."""
        rows = [
            dict(r)
            for r in self.conn.execute(
                "SELECT r.*, runs.started_at AS first_seen_at FROM reports r "
                "JOIN runs ON runs.run_id = r.first_seen_run "
                "WHERE r.agency = ? AND r.directive_code = ? ORDER BY r.submitted_at, r.report_id",
                (agency, directive_code),
            )
        ]
        if not rows:
            return None
        return ReportAnswer(agency, directive_code, rows[0], rows[-1], len(rows))

    def last_published_reports(self) -> int | None:
        """Accepted reports of the latest run that finished ``ok`` (None: no such run)."""
        row = self.conn.execute("SELECT reports_accepted FROM runs WHERE outcome = 'ok' "
                                "ORDER BY run_id DESC LIMIT 1").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def agencies_like(self, text: str) -> list[str]:
        """Agency names in the history that contain ``text`` (to suggest the right one)."""
        rows = self.conn.execute(
            "SELECT DISTINCT agency FROM reports WHERE instr(agency, ?) > 0 ORDER BY agency",
            (text,),
        )
        return [r[0] for r in rows]

    def status_trend(self) -> list[TrendPoint]:
        """Status counts and seed KPIs of every run that recorded a build, by date (then
        run), oldest first."""
        rows = self.conn.execute(
            f"SELECT run_id, started_at, {RUN_DATE} AS day, status_counts, kpis FROM runs "
            "WHERE status_counts IS NOT NULL ORDER BY day, run_id"
        )
        return [
            TrendPoint(r["run_id"], r["started_at"], r["day"], json.loads(r["status_counts"]),
                       json.loads(r["kpis"]) if r["kpis"] else {})
            for r in rows
        ]

    def baseline(self, *, before: date | None = None, on_or_before: date | None = None,
                 exclude: int | None = None) -> Baseline | None:
        """The latest recorded run dated before ``before`` (or on or before
        ``on_or_before``), the last of its day; None when there is none. ``exclude``: a run
        to leave out (the one being recorded)."""
        if (before is None) == (on_or_before is None):
            raise ValueError("give exactly one of before and on_or_before")
        limit, op = (before, "<") if before else (on_or_before, "<=")
        row = self.conn.execute(
            f"SELECT run_id, {RUN_DATE} AS day, kpis FROM runs WHERE status_counts IS NOT NULL "
            f"AND {RUN_DATE} {op} ? AND run_id != ? ORDER BY day DESC, run_id DESC LIMIT 1",
            (limit.isoformat(), -1 if exclude is None else exclude),
        ).fetchone()
        if row is None:
            return None
        return Baseline(run_id=int(row["run_id"]), as_of=date.fromisoformat(row["day"]),
                        statuses=self.assignment_statuses(int(row["run_id"])),
                        kpis=json.loads(row["kpis"]) if row["kpis"] else {})

    def assignment_statuses(self, run_id: int) -> pd.DataFrame:
        """Every assignment's state as run ``run_id`` saw it (rebuilt from the changes)."""
        query = (
            "SELECT directive_code, agency, status, reported_at, report_count, latest_report_id "
            "FROM (SELECT *, row_number() OVER (PARTITION BY directive_code, agency "
            "ORDER BY run_id DESC) AS nth FROM assignment_changes WHERE run_id <= ?) "
            "WHERE nth = 1 AND status IS NOT NULL ORDER BY directive_code, agency"
        )
        return pd.read_sql_query(query, self.conn, params=(run_id,))
