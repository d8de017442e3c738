"""Assignments (directive x agency) and their status from the latest report."""

from __future__ import annotations

from datetime import date

import pandas as pd

ASSIGNMENT_COLUMNS = [
    "directive_code", "agency", "agency_kind", "district_group", "fiscal_year", "round",
    "source", "inspector", "type_code", "factor_codes", "due_date", "status", "reported_at",
    "report_count", "latest_report_id", "days_overdue",
]


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
    agencies: list, as_of: date,
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
    due = pd.to_datetime(frame["due_date"])
    overdue = (pd.Timestamp(as_of) - due).dt.days
    frame["days_overdue"] = overdue.where((frame["status"] == "not_reported") & (overdue > 0), 0)
    frame["days_overdue"] = frame["days_overdue"].fillna(0).astype(int)
    return frame[ASSIGNMENT_COLUMNS]
