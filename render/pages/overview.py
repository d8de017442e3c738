"""The overview (index.html): KPI cards, charts, and the compact data its filters use."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tidtam.core.model import STATUS_KEYS, Dataset
from tidtam.render.formats import iso, json_script
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts, kpi_inputs
from tidtam.render.pages.escalation import OTHER_LABEL
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform import views as V
from tidtam.transform.quarantine import REASONS

SEARCH_TEXT = 160        # characters of a directive's text embedded for search
DIMENSIONS = ("fy", "round", "source", "inspector", "group", "type", "factor", "obstacle")


def overview_page(facts: SiteFacts, chart_maker: Callable[[dict], dict] | None = None) -> Page:
    compact = overview_data(facts)
    charts_in = {k: v for k, v in facts.chart_inputs.items() if k in ("type", "factor")}
    inputs = {
        **facts.common("index"),
        **kpi_inputs(facts),
        "dims": {k: compact[k] for k in DIMENSIONS},
        "quality": facts.quality(),
        "reasons": REASONS,
        "data_json": json_script(compact),
        "chart_inputs": charts_in,
    }
    extras = (lambda: {"charts": chart_maker(charts_in)}) if chart_maker else None
    return Page("index.html", "index.html", inputs, extras=extras)


def overview_data(facts: SiteFacts) -> dict:
    """One row per assignment, dictionary-encoded: everything the filters need, no reports."""
    data = facts.data
    a = data.assignments
    tax = data.config.taxonomy
    groups = V.group_of(a["district_group"])
    group_values = group_choices(data, groups)
    dims, dirs = _directives(facts)
    agency_names = list(dict.fromkeys(a["agency"]))
    agency_index = {n: i for i, n in enumerate(agency_names)}
    dir_index = {c: i for i, c in enumerate(data.register.directives["directive_code"])}
    group_of_agency = dict(zip(a["agency"], groups, strict=True))
    group_index = {g: i for i, g in enumerate(group_values)}
    agencies = [[n, group_index.get(group_of_agency[n], -1), agency_path(n)]
                for n in agency_names]
    status_index = {k: i for i, k in enumerate(STATUS_KEYS)}
    reported = a["reported_at"].map(lambda v: iso(v)[:10] if iso(v) else "")
    return {
        "statuses": [[k, facts.labels[k]] for k in STATUS_KEYS],
        **dims,
        "group": group_values,
        "type": [[t.code, t.label] for t in tax.directive_types],
        "factor": [[f.code, f.label] for f in tax.impact_factors],
        # the obstacle factors of each assignment's latest report (bit i: obstacle[i])
        "obstacle": [*([f.code, f.label] for f in tax.impact_factors), ["", OTHER_LABEL]],
        "ag": agencies,
        "dir": dirs,
        "a": {"d": [dir_index[c] for c in a["directive_code"]],
              "g": [agency_index[n] for n in a["agency"]],
              "s": [status_index[s] for s in a["status"]],
              "o": [int(v) for v in a["days_overdue"]],
              "r": reported.tolist(),
              "b": _obstacle_masks(V.latest_words(a, data.reports.reports),
                                   [f.code for f in tax.impact_factors])},
        "reporting_target": data.config.settings.targets.reporting_rate_pct,
    }


def group_choices(data: Dataset, groups: pd.Series) -> list[str]:
    """The group filter's choices in its order: ``#group=i`` in the overview's address is
    the i-th (the matrix page links its cells with these numbers). ``groups``: each
    assignment's group (``views.group_of``)."""
    present = set(groups)
    return [g for g in dict.fromkeys(
        [*(ag.district_group for ag in data.config.agencies if ag.district_group),
         V.CENTRAL_GROUP]) if g in present]


def _obstacle_masks(words: pd.DataFrame, codes: list[str]) -> list[int]:
    """Per assignment, a bit per obstacle factor its latest report names: ``codes`` in
    order, then one for a factor the agency typed in itself."""
    bits = {**{c: 1 << i for i, c in enumerate(codes)}, V.OTHER_FACTOR: 1 << len(codes)}
    return [sum(bits.get(k, 0) for k in keys) for keys in V.obstacle_keys(words)]


def _codes(series: pd.Series) -> list:
    """The distinct values of a column, sorted (a filter's choices)."""
    return sorted({v for v in series.tolist() if v is not None and v == v}, key=str)


def _directives(facts: SiteFacts) -> tuple[dict, list[list]]:
    """The directive filters' choices, and one row per directive indexing into them."""
    directives = facts.data.register.directives
    tax = facts.data.config.taxonomy
    dims = {"fy": _codes(directives["fiscal_year"].dropna().astype(int)),
            "round": _codes(directives["round"].dropna().astype(int)),
            "source": _codes(directives["source"]),
            "inspector": _codes(directives["inspector"])}
    lookups = {k: {x: i for i, x in enumerate(v)} for k, v in dims.items()}
    type_index = {t.code: i for i, t in enumerate(tax.directive_types)}
    factor_codes = [f.code for f in tax.impact_factors]

    def idx(dim: str, v: object) -> int:
        return lookups[dim].get(int(v) if isinstance(v, float) else v, -1)

    rows = []
    for d in directives.itertuples(index=False):
        mask = sum(1 << factor_codes.index(c) for c in str(d.factor_codes or "").split(",")
                   if c in factor_codes)
        fy = idx("fy", d.fiscal_year) if pd.notna(d.fiscal_year) else -1
        rnd = idx("round", d.round) if pd.notna(d.round) else -1
        rows.append([d.directive_code, fy, rnd, idx("source", d.source),
                     idx("inspector", d.inspector), type_index.get(d.type_code, -1), mask,
                     iso(d.due_date) or "", str(d.text)[:SEARCH_TEXT],
                     directive_path(d.directive_code)])
    return dims, rows
