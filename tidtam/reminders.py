"""The reminder log: which outstanding assignments each follow-up memo named.

A part of :class:`tidtam.history.History` (its table is migration 3 there): one row per
(memo number, memo date, agency, directive). Recording the same memo again adds nothing,
so a batch re-run on the same day with the same numbers is not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

REMINDER_COLUMNS = ["directive_code", "agency", "reminders", "last_reminded"]


class ReminderLog:
    """History methods of the reminders table (``self.conn``, ``self.transaction``)."""

    def record_memos(self, rows: Iterable[tuple[str, date, str, str]], as_of: date,
                     addressed_to: str = "agency") -> int:
        """Store ``(memo number, memo date, agency, directive code)`` rows, one per
        outstanding item of a memo, made as of ``as_of`` and addressed to an agency, an
        inspector or a district group; returns how many were new."""
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        values = [(number, day.isoformat(), agency, code, as_of.isoformat(), addressed_to,
                   now) for number, day, agency, code in rows]
        with self.transaction() as conn:  # type: ignore[attr-defined]
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO reminders (memo_number, memo_date, agency, "
                "directive_code, as_of, addressed_to, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                values)
            return conn.total_changes - before

    def reminder_counts(self, until: date | None = None) -> pd.DataFrame:
        """Per assignment reminded at least once (by memos dated on or before ``until``,
        when given): how many memos named it and the date of the latest (ISO text); columns
        ``REMINDER_COLUMNS``."""
        query = ("SELECT directive_code, agency, count(*) AS reminders, "
                 "max(memo_date) AS last_reminded FROM reminders WHERE memo_date <= ? "
                 "GROUP BY directive_code, agency ORDER BY directive_code, agency")
        frame = pd.read_sql_query(query, self.conn,  # type: ignore[attr-defined]
                                  params=((until or date.max).isoformat(),))
        return frame.astype({"reminders": int})[REMINDER_COLUMNS]
