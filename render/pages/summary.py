"""The executive summary (summary.html): KPI cards, status by district group, charts, and the
agencies to follow up first; also printed as the PDF."""

from __future__ import annotations

from collections.abc import Callable

from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts, kpi_inputs
from tidtam.render.urls import agency_path
from tidtam.transform import views as V

FOLLOWUP_SHOWN = 10  # agencies listed, most overdue first


def summary_page(facts: SiteFacts, chart_maker: Callable[[dict], dict]) -> Page:
    data = facts.data
    a = data.assignments
    charts_in = facts.chart_inputs
    follow = V.followup(a, data.register.directives)
    inputs = {
        **facts.common("summary"),
        **kpi_inputs(facts),
        "groups": V.group_rows(a),
        "followup": [{"agency": r["agency"], "path": agency_path(r["agency"]),
                      "missing": r["missing"], "max_days_overdue": r["max_days_overdue"]}
                     for r in follow[:FOLLOWUP_SHOWN]],
        "followup_total": len(follow),
        "chart_inputs": charts_in,
    }
    return Page("summary.html", "summary.html", inputs,
                extras=lambda: {"charts": chart_maker(charts_in)})
