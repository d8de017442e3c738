"""Wire the normalization rules: raw sheets in, one consistent Dataset out. No I/O."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.errors import SourceError
from tidtam.core.model import RawSheet
from tidtam.transform import kpis as K
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.assignments import assignment_status
from tidtam.transform.register import Register, read_register
from tidtam.transform.reports import Reports, read_reports
from tidtam.transform.satisfaction import Satisfaction, read_satisfaction
from tidtam.transform.taxonomy import CategoryIndex, StatusIndex

ROLES = ("directives", "responses", "satisfaction")


@dataclass
class Dataset:
    """Everything the KPIs and pages are computed from."""

    as_of: date
    config: object
    register: Register
    reports: Reports
    satisfaction: Satisfaction | None
    assignments: pd.DataFrame

    @functools.cached_property
    def rejected(self) -> pd.DataFrame:
        """Every quarantined row of every sheet (source, row, reason, ..., cells)."""
        parts = [self.register.rejected, self.reports.rejected]
        if self.satisfaction is not None:
            parts.append(self.satisfaction.rejected)
        parts = [p for p in parts if len(p)]
        if not parts:
            return self.register.rejected.iloc[0:0]
        return pd.concat(parts, ignore_index=True, sort=False).fillna("")

    def sheet_counts(self) -> dict[str, dict]:
        """Rows read, accepted, blank and quarantined by reason, per sheet."""
        out = {}
        sheets = [("directives", self.register, len(self.register.directives)),
                  ("responses", self.reports, len(self.reports.reports))]
        if self.satisfaction is not None:
            sheets.append(("satisfaction", self.satisfaction,
                           len(self.satisfaction.respondents)))
        for role, part, accepted in sheets:
            reasons = part.rejected["reason"].value_counts().to_dict()
            out[role] = {"rows": part.rows, "accepted": accepted, "blank": part.blank,
                         "rejected": int(sum(reasons.values())),
                         "rejected_by_reason": {k: int(v) for k, v in sorted(reasons.items())},
                         "unclaimed_columns": part.unclaimed}
        return out


def normalize(sheets: dict[str, RawSheet], config, as_of: date) -> Dataset:
    """Normalize the register, the reports and the survey against the config."""
    for role in ("directives", "responses"):
        if role not in sheets:
            raise SourceError(f"the source has no {role} sheet")
    tz = ZoneInfo(config.settings.timezone)
    agencies = AgencyDirectory(config.agencies)
    types = CategoryIndex(config.taxonomy.directive_types)
    factors = CategoryIndex(config.taxonomy.impact_factors)
    limit = config.settings.limits.max_cell_chars
    register = read_register(sheets["directives"], config.form.directives, types, factors,
                             agencies, tz, limit)
    end_of_day = datetime.combine(as_of, time(23, 59, 59), tzinfo=tz)
    reports = read_reports(sheets["responses"], config.form.responses, register, agencies,
                           factors, StatusIndex(config.taxonomy.statuses), tz, end_of_day,
                           limit)
    survey = sheets.get("satisfaction")
    satisfaction = read_satisfaction(survey, config.form.satisfaction, tz, limit) \
        if survey else None
    assignments = assignment_status(register.assignments, register.directives,
                                    reports.reports, config.agencies, as_of)
    return Dataset(as_of, config, register, reports, satisfaction, assignments)


def compute_kpis(data: Dataset) -> dict:
    """kpis.json: the seed's success measures and the data-quality counts."""
    cfg = data.config
    counts = data.sheet_counts()
    responses = counts["responses"]
    out = {
        "as_of": data.as_of.isoformat(),
        "directives": len(data.register.directives),
        **K.reporting_kpis(data.assignments),
        "reporting_rate_target_pct": cfg.settings.targets.reporting_rate_pct,
        "rows_read": responses["rows"],
        "reports_accepted": responses["accepted"],
        "rows_rejected": responses["rejected"],
        "blank_rows": responses["blank"],
    }
    sat = data.satisfaction
    scale = cfg.form.satisfaction
    answers = sat.answers if sat is not None else pd.DataFrame(columns=["score"])
    out.update(K.satisfaction_kpis(answers, len(sat.respondents) if sat is not None else 0,
                                   scale.top_score, scale.high_from_score, cfg.settings.users))
    out["satisfaction_target_pct"] = cfg.settings.targets.satisfaction_pct
    out["quality"] = counts
    return out
