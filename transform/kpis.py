"""The success measures of the seed document, computed from normalized data."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tidtam.core.model import STATUS_KEYS, ScheduleKPIs


def pct(part: float, whole: float) -> float | None:
    """part x 100 / whole, rounded to 2 places; None when there is no whole."""
    return round(part * 100 / whole, 2) if whole else None


def status_counts(assignments: pd.DataFrame) -> dict[str, int]:
    counts = assignments["status"].value_counts()
    return {k: int(counts.get(k, 0)) for k in STATUS_KEYS}


def agency_summary(assignments: pd.DataFrame) -> pd.DataFrame:
    """Per agency with assignments: counts by status and whether it has reported all."""
    table = pd.crosstab(assignments["agency"], assignments["status"])
    table = table.reindex(columns=STATUS_KEYS, fill_value=0)
    table["total"] = table.sum(axis=1)
    table["reported_all"] = table["not_reported"] == 0
    overdue = assignments.groupby("agency")["days_overdue"].max()
    table["max_days_overdue"] = overdue.reindex(table.index).fillna(0).astype(int)
    return table.reset_index()


def reporting_kpis(assignments: pd.DataFrame) -> dict:
    """Agencies reported (every assignment reported) over agencies with assignments."""
    by_status = status_counts(assignments)
    total = len(assignments)
    summary = agency_summary(assignments) if total else pd.DataFrame(columns=["reported_all"])
    agencies_total = len(summary)
    agencies_reported = int(summary["reported_all"].sum()) if agencies_total else 0
    return {
        "assignments_total": total,
        "assignments_by_status": by_status,
        "assignments_reported_pct": pct(total - by_status["not_reported"], total),
        "agencies_total": agencies_total,
        "agencies_reported": agencies_reported,
        "reporting_rate_pct": pct(agencies_reported, agencies_total),
    }


def satisfaction_kpis(answers: pd.DataFrame, respondents: int, top_score: float,
                      high_from: float, users: dict[str, int]) -> dict:
    """Mean score x 100 / top score, and the share of answers at 'มาก' or above."""
    n = len(answers)
    mean = answers["score"].mean() if n else None
    users_total = sum(users.values())
    return {
        "satisfaction_pct": round(mean * 100 / top_score, 2) if n else None,
        "satisfaction_mean_score": round(float(mean), 4) if n else None,
        "satisfaction_high_share_pct": pct(int((answers["score"] >= high_from).sum()), n),
        "satisfaction_respondents": respondents,
        "satisfaction_answers": n,
        "users_total": users_total,
        "satisfaction_response_rate_pct": pct(respondents, users_total),
    }


def schedule_kpis(assignments: pd.DataFrame, as_of: date, target_pct: float) -> ScheduleKPIs:
    """The ``schedule`` block: assignments overdue; the share of assignments already due
    (due date before the as-of date) whose first valid report was on time; the median of
    days overdue over the overdue ones."""
    overdue = assignments.loc[assignments["schedule"] == "overdue", "days_overdue"]
    due = pd.to_datetime(assignments["due_date"])
    passed = due.notna() & (due < pd.Timestamp(as_of))
    on_time = int((passed & (assignments["reported_on_time"] == "true")).sum())
    return ScheduleKPIs(
        assignments_overdue=len(overdue),
        on_time_report_pct=pct(on_time, int(passed.sum())),
        on_time_report_target_pct=target_pct,
        median_days_overdue=float(overdue.median()) if len(overdue) else None,
    )
