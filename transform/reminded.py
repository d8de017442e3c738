"""The reminder log on assignments: how many follow-up memos named each one, and when last.

The counts come from the history database (``tidtam/reminders.py``, recorded by
``tidtam memos --record``); here they only join the assignments, one rule for every page
and for ``kpis.json``.
"""

from __future__ import annotations

import pandas as pd

from tidtam.core.model import ReminderKPIs

KEYS = ["directive_code", "agency"]


def attach(assignments: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame:
    """``assignments`` with ``reminders`` (memos that named it, 0 if none) and
    ``last_reminded`` (the latest memo's ISO date, "" if none). ``counts`` has the columns
    directive_code, agency, reminders, last_reminded (None: no reminder log)."""
    frame = assignments.drop(columns=["reminders", "last_reminded"], errors="ignore")
    if counts is None or not len(counts):
        return frame.assign(reminders=0, last_reminded="")
    joined = frame.merge(counts[[*KEYS, "reminders", "last_reminded"]], on=KEYS, how="left")
    joined["reminders"] = joined["reminders"].fillna(0).astype(int)
    joined["last_reminded"] = joined["last_reminded"].fillna("").astype(str)
    return joined


def reminder_kpis(assignments: pd.DataFrame) -> ReminderKPIs:
    """Not reported, split into those already reminded and those not yet (as the State
    Audit Office counts them)."""
    silent = assignments["status"] == "not_reported"
    reminded = silent & (assignments["reminders"] > 0)
    return ReminderKPIs(not_reported_reminded=int(reminded.sum()),
                        not_reported_not_reminded=int((silent & ~reminded).sum()))
