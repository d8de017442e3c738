"""The trend page (trend.html): the seed KPIs and the status counts at each recorded as-of
date, and this build's."""

from __future__ import annotations

from collections.abc import Callable

from tidtam.core.model import TREND_KPIS, TrendPoint
from tidtam.render.formats import thai_date
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts, statuses
from tidtam.transform import views as V
from tidtam.transform.changes import trend_kpis


def trend_points(facts: SiteFacts, points: list[TrendPoint] | None) -> list[TrendPoint]:
    """One point per as-of date, in date order: the latest recorded run of each date, and
    this build in place of any recorded run of its own date."""
    counts = facts.data.assignments["status"].value_counts().to_dict()
    this = TrendPoint(facts.data.as_of.isoformat(), counts, trend_kpis(facts.kpis))
    by_date = {p.as_of[:10]: p for p in points or []}
    by_date[this.as_of] = this
    return [by_date[d] for d in sorted(by_date)]


def trend_rows(facts: SiteFacts, points: list[TrendPoint] | None) -> list[dict]:
    """Each date's KPIs (None where the run did not record one) and status counts."""
    this = facts.data.as_of.isoformat()
    found = trend_points(facts, points)
    rows = V.trend_rows([(thai_date(p.as_of[:10]), p.as_of[:10], p.counts) for p in found])
    out = []
    for row, p in zip(rows, found, strict=True):
        kpis = {k: p.kpis.get(k) for k in TREND_KPIS}
        if kpis["assignments_reported_pct"] is None:  # a run that kept only its counts
            kpis["assignments_reported_pct"] = row["reported_pct"]
        out.append({**row, **kpis, "date": row["label"], "this": row["as_of"] == this})
    return out


def trend_targets(facts: SiteFacts) -> dict[str, float]:
    targets = facts.data.config.settings.targets
    return {"reporting_rate_pct": targets.reporting_rate_pct,
            "satisfaction_pct": targets.satisfaction_pct,
            "on_time_report_pct": targets.on_time_report_pct}


def trend_page(facts: SiteFacts, points: list[TrendPoint] | None,
               chart_maker: Callable[[list[dict], dict[str, float]], dict[str, str]]) -> Page:
    """The KPIs and counts of the recorded runs (None: no history to read) and this build;
    ``chart_maker(rows, targets)`` draws the charts, by key."""
    rows = trend_rows(facts, points)
    targets = trend_targets(facts)
    return Page("trend.html", "trend.html",
                {**facts.common("trend"), "statuses": statuses(facts), "rows": rows,
                 "targets": targets},
                extras=lambda: {"charts": chart_maker(rows, targets) if len(rows) >= 2
                                else {}})
