"""Assignments (directive x agency) and their status from the latest report."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tidtam.transform import reminded

ASSIGNMENT_COLUMNS = [
    "directive_code", "agency", "agency_kind", "district_group", "fiscal_year", "round",
    "source", "inspector", "type_code", "factor_codes", "due_date", "status", "reported_at",
    "report_count", "latest_report_id", "days_overdue",
    # the schedule (see schedule_fields; a machine contract of data/assignments.csv)
    "first_reported_at", "reported_on_time", "schedule", "rejected_rows",
    # the reminder log (transform/reminded.py): memos that named it, the latest one's date
    "reminders", "last_reminded",
]
OPEN_STATUSES = ("not_reported", "in_progress")   # may be overdue
CLOSED_STATUSES = ("done", "cannot")              # schedule "closed"
# Rejected rows that are not submissions of the pair they name: test rows, and rows stamped
# after the as-of date (a build as of an earlier day sees them as not yet sent).
NOT_SUBMISSIONS = ("test_row", "future_timestamp")


def latest_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """The latest report of each (directive, agency) by timestamp, never by row order.

    Two reports with the same timestamp (a double submit) are ordered by sheet row, the
    later row winning, so the result never depends on the order rows were read in.
    """
    ordered = reports.sort_values(["submitted_at", "source_row"], kind="stable")
    latest = ordered.groupby(["directive_code", "agency"], sort=False).tail(1)
    counts = reports.groupby(["directive_code", "agency"]).size().rename("report_count")
    return latest.merge(counts.reset_index(), on=["directive_code", "agency"], how="left")


def assignment_status(
    pairs: pd.DataFrame, directives: pd.DataFrame, reports: pd.DataFrame,
    agencies: list, as_of: date, rejected_pairs: pd.DataFrame | None = None,
    tz: str = "Asia/Bangkok", reminders: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per assignment with its status; none reported means ``not_reported``."""
    latest = latest_reports(reports)[
        ["directive_code", "agency", "status", "submitted_at", "report_count", "report_id"]
    ].rename(columns={"submitted_at": "reported_at", "report_id": "latest_report_id"})
    meta = pd.DataFrame(
        [{"agency": a.name, "agency_kind": a.kind, "district_group": a.district_group or ""}
         for a in agencies]
    )
    frame = (
        pairs.merge(directives[["directive_code", "fiscal_year", "round", "source", "inspector",
                                "type_code", "factor_codes", "due_date"]],
                    on="directive_code", how="left")
        .merge(meta, on="agency", how="left")
        .merge(latest, on=["directive_code", "agency"], how="left")
    )
    frame["status"] = frame["status"].fillna("not_reported")
    frame["report_count"] = frame["report_count"].fillna(0).astype(int)
    frame["latest_report_id"] = frame["latest_report_id"].fillna("")
    frame = schedule_fields(frame, reports, rejected_pairs, as_of, tz)
    frame = reminded.attach(frame, reminders)
    return frame[ASSIGNMENT_COLUMNS]


def schedule_fields(frame: pd.DataFrame, reports: pd.DataFrame,
                    rejected_pairs: pd.DataFrame | None, as_of: date, tz: str) -> pd.DataFrame:
    """The schedule of each assignment, every rule written here once.

    - ``first_reported_at``: the earliest valid report of the pair (NaT if none).
    - ``reported_on_time``: ``"true"`` when that report's date in ``tz`` is on or before
      ``due_date``, ``"false"`` when after, ``""`` with no report or no due date.
    - ``days_overdue``: as-of date minus due date, in days, for a ``not_reported`` or
      ``in_progress`` assignment whose due date is before the as-of date; else 0.
    - ``schedule``: ``closed`` (done, cannot), ``overdue`` (days_overdue > 0), ``not_due``.
    - ``rejected_rows``: sheet rows of the pair's submissions that failed the checks,
      ascending, ``;``-separated (test rows are not submissions).
    """
    keys = ["directive_code", "agency"]
    first = reports.groupby(keys)["submitted_at"].min().rename("first_reported_at")
    frame = frame.merge(first.reset_index(), on=keys, how="left")
    stamps = frame["first_reported_at"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):  # no reports at all
        stamps = pd.to_datetime(stamps, utc=True)
    first_day = stamps.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    due = pd.to_datetime(frame["due_date"])
    known = first_day.notna() & due.notna()
    on_time = (first_day <= due).map({True: "true", False: "false"})
    frame["first_reported_at"] = stamps.dt.tz_convert(tz)
    frame["reported_on_time"] = on_time.where(known, "")
    late = (pd.Timestamp(as_of) - due).dt.days
    is_open = frame["status"].isin(OPEN_STATUSES)
    frame["days_overdue"] = late.where(is_open & (late > 0), 0).fillna(0).astype(int)
    frame["schedule"] = "not_due"
    frame.loc[frame["days_overdue"] > 0, "schedule"] = "overdue"
    frame.loc[frame["status"].isin(CLOSED_STATUSES), "schedule"] = "closed"
    frame["rejected_rows"] = _rejected_rows(frame[keys], rejected_pairs)
    return frame


def _rejected_rows(pairs: pd.DataFrame, rejected: pd.DataFrame | None) -> list[str]:
    """Per pair, its rejected submissions' sheet rows, ascending, ``;``-separated."""
    if rejected is None or not len(rejected):
        return [""] * len(pairs)
    if "reason" in rejected:
        rejected = rejected[~rejected["reason"].isin(NOT_SUBMISSIONS)]
    rows = (rejected.sort_values("source_row")
            .groupby(["directive_code", "agency"])["source_row"]
            .agg(lambda r: ";".join(str(int(v)) for v in r)))
    index = pd.MultiIndex.from_frame(pairs)
    return [v if isinstance(v, str) else "" for v in rows.reindex(index)]
