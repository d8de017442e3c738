"""Lists and breakdowns: follow-up, data quality, the status matrix, satisfaction, trend."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tidtam.core.model import TrendPoint
from tidtam.render.formats import iso
from tidtam.render.html import Page
from tidtam.render.pages import SOURCE_LABELS, SiteFacts, statuses
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform import views as V
from tidtam.transform.quarantine import REASONS

THIS_BUILD = "ฉบับนี้"  # the trend's last row: the data of this build


def followup_page(facts: SiteFacts) -> Page:
    data = facts.data
    rows = []
    for r in V.followup(data.assignments, data.register.directives):
        rows.append({**r, "path": agency_path(r["agency"]),
                     "items": [{"code": i["directive_code"], "path": directive_path(
                         i["directive_code"]), "text": i["text"], "due": iso(i["due_date"]),
                         "days_overdue": int(i["days_overdue"]), "inspector": i["inspector"]}
                         for i in r["items"]]})
    return Page("followup.html", "followup.html",
                {**facts.common("followup"), "rows": rows,
                 "missing_total": sum(r["missing"] for r in rows)})


def quality_page(facts: SiteFacts, rejected: pd.DataFrame) -> Page:
    """Every quarantined row by sheet and reason; ``rejected`` as it may be published."""
    groups = []
    if len(rejected):
        for (source, reason), part in rejected.groupby(["source", "reason"], sort=True):
            groups.append({"source": source, "source_label": SOURCE_LABELS.get(source, source),
                           "reason": reason, "label": REASONS.get(reason, reason),
                           "rows": [{"row": int(r["row"]), "detail": r["detail"],
                                     "suggestion": r["suggestion"]}
                                    for r in part.sort_values("row").to_dict("records")]})
    return Page("quality.html", "quality.html",
                {**facts.common("quality"), "groups": groups, "sheets": facts.quality(),
                 "rejected_total": len(rejected)})


def satisfaction_page(facts: SiteFacts) -> Page:
    data = facts.data
    form = data.config.form.satisfaction
    sat = data.satisfaction
    summary = V.satisfaction_summary(
        sat.answers if sat is not None else pd.DataFrame(columns=["group", "question", "label",
                                                                  "score"]),
        sat.respondents if sat is not None else pd.DataFrame(columns=["group"]),
        form.top_score, form.high_from_score, data.config.settings.users)
    return Page("satisfaction.html", "satisfaction.html", {
        **facts.common("satisfaction"), "kpis": facts.kpi_data, "summary": summary,
        "has_survey": sat is not None,
        "target": data.config.settings.targets.satisfaction_pct,
        "scale": [{"label": p.label, "score": p.score} for p in form.scale],
    })


def matrix_page(facts: SiteFacts) -> Page:
    a = facts.data.assignments
    frame = a.assign(group=V.group_of(a["district_group"]))
    by_group = V.status_matrix(frame, "type_code", "group")
    by_agency = V.status_matrix(frame, "agency", "type_code")
    groups = sorted({g for _, g in by_group["cells"]})
    if V.CENTRAL_GROUP in groups:
        groups = [g for g in groups if g != V.CENTRAL_GROUP] + [V.CENTRAL_GROUP]
    types = [c for c in facts.type_labels if c in by_group["row_totals"]]
    agencies = [n for n in facts.agency_meta if n in by_agency["row_totals"]]

    def cell(matrix: dict, r: str, c: str) -> dict | None:
        return matrix["cells"].get((r, c))

    return Page("matrix.html", "matrix.html", {
        **facts.common("matrix"), "statuses": statuses(facts),
        "groups": groups,
        "types": [{"code": t, "label": facts.type_labels[t]} for t in types],
        "type_rows": [{"code": t, "label": facts.type_labels[t],
                       "cells": [cell(by_group, t, g) for g in groups],
                       "total": by_group["row_totals"][t]} for t in types],
        "group_totals": [by_group["column_totals"].get(g) for g in groups],
        "agency_rows": [{"agency": n, "path": agency_path(n),
                         "cells": [cell(by_agency, n, t) for t in types],
                         "total": by_agency["row_totals"][n]} for n in agencies],
    })


def trend_page(facts: SiteFacts, points: list[TrendPoint] | None,
               chart_maker: Callable[[list[dict]], str]) -> Page:
    """Status counts of the recorded runs (None: no history to read) and of this build."""
    counts = facts.data.assignments["status"].value_counts().to_dict()
    runs = [(p.label, p.as_of, p.counts) for p in points or []]
    runs.append((THIS_BUILD, facts.data.as_of.isoformat(), counts))
    rows = V.trend_rows(runs)
    return Page("trend.html", "trend.html",
                {**facts.common("trend"), "statuses": statuses(facts), "rows": rows,
                 "has_history": points is not None},
                extras=lambda: {"chart": chart_maker(rows) if len(rows) >= 2 else ""})
