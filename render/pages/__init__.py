"""What each page shows, as plain JSON-ready data: its *inputs*, one module per page family.

Numbers come from ``transform/views.py`` and the KPI record; these modules only pick, label
and shape them. Entity pages are built from one ``groupby`` each, never one filter per
entity: one filter per entity costs the square of the site's size.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

import pandas as pd

from tidtam.core.model import STATUS_KEYS, ChangeKPIs, Changes, Dataset, KPIs
from tidtam.render.formats import kpi_delta
from tidtam.transform import views as V
from tidtam.transform.formlinks import prefill_url

SOURCE_LABELS = {"directives": "ทะเบียนข้อสั่งการ", "responses": "แบบรายงานผล",
                 "satisfaction": "แบบสำรวจความพึงพอใจ"}


@dataclass
class SiteFacts:
    """What every page builder shares, looked up once."""

    data: Dataset
    kpis: KPIs
    labels: dict[str, str]
    type_labels: dict[str, str]
    factor_labels: dict[str, str]
    agency_meta: dict
    texts: dict[str, object]  # directive code -> its text
    fiscal_years: list[int]
    changes: Changes | None = None  # since the run compared with (None: no such run)
    memo_files: dict[str, str] = field(default_factory=dict)  # agency -> its memo's PDF

    @classmethod
    def of(cls, data: Dataset, kpis: KPIs, changes: Changes | None = None,
           memo_files: dict[str, str] | None = None) -> SiteFacts:
        tax = data.config.taxonomy
        directives = data.register.directives
        return cls(
            data=data,
            kpis=kpis,
            labels={s.key: s.label for s in tax.statuses},
            type_labels={t.code: t.label for t in tax.directive_types},
            factor_labels={f.code: f.label for f in tax.impact_factors},
            agency_meta={a.name: a for a in data.config.agencies},
            texts=dict(zip(directives["directive_code"], directives["text"], strict=True)),
            fiscal_years=sorted({int(y) for y in directives["fiscal_year"].dropna()}),
            changes=changes,
            memo_files=memo_files or {},
        )

    @functools.cached_property
    def kpi_data(self) -> dict:
        """The KPI record as plain data, as pages and kpis.json show it."""
        return self.kpis.as_dict()

    @functools.cached_property
    def chart_inputs(self) -> dict:
        """The charts' status counts, shared by the overview and the summary."""
        return chart_inputs(self)

    def common(self, nav: str) -> dict:
        site = self.data.config.settings.site
        form = self.data.config.form.google_form
        return {"site": {"title": site.title, "organization": site.organization},
                "as_of": self.data.as_of.isoformat(), "fiscal_years": self.fiscal_years,
                "nav": nav, "form_url": (form.viewform_url or None) if form else None}

    def form_link(self, agency: str, code: str) -> str | None:
        """The form filled in advance for one assignment (None: no prefill config)."""
        return prefill_url(self.data.config.form.google_form, agency, code,
                           str(self.texts.get(code, "")))

    def factors(self, codes: str) -> list[dict]:
        return [{"code": c, "label": self.factor_labels.get(c, c)}
                for c in str(codes or "").split(",") if c]

    def quality(self) -> list[dict]:
        """Rows read, accepted and quarantined of each sheet."""
        return [{"source": role, "label": SOURCE_LABELS[role], **asdict(q)}
                for role, q in self.kpis.quality.items()]


def statuses(facts: SiteFacts) -> list[dict]:
    """Each status with its full label and the short one for column headers (taxonomy.yaml)."""
    by_key = {s.key: s for s in facts.data.config.taxonomy.statuses}
    return [{"key": k, "label": by_key[k].label, "short": by_key[k].short or by_key[k].label}
            for k in STATUS_KEYS]


def kpi_inputs(facts: SiteFacts) -> dict:
    """The KPI cards' inputs, shared by the overview and the executive summary."""
    targets = facts.data.config.settings.targets
    return {"kpis": facts.kpi_data,
            "targets": {"reporting_rate_pct": targets.reporting_rate_pct,
                        "satisfaction_pct": targets.satisfaction_pct},
            "statuses": statuses(facts),
            "counts": V.count_record(facts.kpis.assignments_by_status),
            "schedule": V.schedule_record(facts.data.assignments, facts.data.as_of,
                                          targets.on_time_report_pct),
            "deltas": kpi_deltas(facts.kpis.change)}


def kpi_deltas(change: ChangeKPIs | None) -> dict:
    """Each KPI card's change since the compared update (empty without one)."""
    if change is None:
        return {}
    out = {key: kpi_delta(getattr(change, key), change.since)
           for key in ("reporting_rate_pct", "assignments_reported_pct", "satisfaction_pct")}
    out["assignments_overdue"] = kpi_delta(change.assignments_overdue, change.since,
                                           "รายการ", lower_is_better=True)
    return {k: v for k, v in out.items() if v is not None}


def chart_inputs(facts: SiteFacts) -> dict:
    """Status counts by type, factor and district group, for the altair charts."""
    a = facts.data.assignments
    by_type = V.status_counts_by(a, "type_code") if len(a) else pd.DataFrame()
    factors = V.explode_factors(a) if len(a) else a
    by_factor = V.status_counts_by(factors, "factor") if len(factors) else pd.DataFrame()
    by_group = V.status_counts_by(a.assign(group=V.group_of(a["district_group"])), "group") \
        if len(a) else pd.DataFrame()
    return {
        "type": [[f"{c} {facts.type_labels[c]}", by_type.loc[c, STATUS_KEYS].tolist()]
                 for c in facts.type_labels if c in by_type.index],
        "factor": [[f"{c} {facts.factor_labels[c]}", by_factor.loc[c, STATUS_KEYS].tolist()]
                   for c in facts.factor_labels if c in by_factor.index],
        "group": [[g, by_group.loc[g, STATUS_KEYS].tolist()] for g in sorted(by_group.index)],
    }
