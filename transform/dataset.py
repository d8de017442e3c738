"""Wire the normalization rules: raw sheets in, one consistent Dataset out. No I/O."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.config import Config
from tidtam.core.errors import SourceError
from tidtam.core.model import (
    REQUIRED_ROLES,
    Dataset,
    KPIs,
    RawSheet,
    SheetQuality,
    SheetResult,
)
from tidtam.transform import kpis as K
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.assignments import assignment_status
from tidtam.transform.register import DirectiveIndex, read_register
from tidtam.transform.reminded import reminder_kpis
from tidtam.transform.reports import read_reports
from tidtam.transform.satisfaction import read_satisfaction
from tidtam.transform.taxonomy import CategoryIndex, StatusIndex


def all_rejected(parts: list[SheetResult]) -> pd.DataFrame:
    """Every quarantined row of every sheet (source, row, reason, ..., cells), one frame."""
    frames = [p.rejected for p in parts if len(p.rejected)]
    if not frames:
        return parts[0].rejected.iloc[0:0]
    return pd.concat(frames, ignore_index=True, sort=False).fillna("")


def sheet_quality(data: Dataset) -> dict[str, SheetQuality]:
    """Rows read, accepted, blank and quarantined by reason, per sheet."""
    out = {}
    for role, part, accepted in data.sheets():
        reasons = part.rejected["reason"].value_counts().to_dict()
        out[role] = SheetQuality(
            rows=part.rows, accepted=accepted, blank=part.blank,
            rejected=int(sum(reasons.values())),
            rejected_by_reason={k: int(v) for k, v in sorted(reasons.items())},
            unclaimed_columns=part.unclaimed)
    return out


def normalize(sheets: dict[str, RawSheet], config: Config, as_of: date,
              reminders: pd.DataFrame | None = None) -> Dataset:
    """Normalize the register, the reports and the survey against the config; ``reminders``
    is the reminder log's counts per assignment (None: no log)."""
    for role in REQUIRED_ROLES:
        if role not in sheets:
            raise SourceError(f"the source has no {role} sheet")
    tz = ZoneInfo(config.settings.timezone)
    agencies = AgencyDirectory(config.agencies, config.dir / "agencies.yaml")
    types = CategoryIndex(config.taxonomy.directive_types)
    factors = CategoryIndex(config.taxonomy.impact_factors)
    limit = config.settings.limits.max_cell_chars
    register = read_register(sheets["directives"], config.form.directives, types, factors,
                             agencies, tz, limit)
    end_of_day = datetime.combine(as_of, time(23, 59, 59), tzinfo=tz)
    reports = read_reports(sheets["responses"], config.form.responses, DirectiveIndex(register),
                           agencies,
                           factors, StatusIndex(config.taxonomy.statuses), tz, end_of_day,
                           limit)
    survey = sheets.get("satisfaction")
    satisfaction = read_satisfaction(survey, config.form.satisfaction, tz, limit) \
        if survey else None
    assignments = assignment_status(register.assignments, register.directives,
                                    reports.reports, config.agencies, as_of,
                                    reports.rejected_pairs, config.settings.timezone,
                                    reminders)
    parts = [register, reports] + ([satisfaction] if satisfaction is not None else [])
    return Dataset(as_of, config, register, reports, satisfaction, assignments,
                   all_rejected(parts))


def compute_kpis(data: Dataset) -> KPIs:
    """kpis.json: the seed's success measures and the data-quality counts."""
    cfg = data.config
    quality = sheet_quality(data)
    responses = quality["responses"]
    sat = data.satisfaction
    scale = cfg.form.satisfaction
    answers = sat.answers if sat is not None else pd.DataFrame(columns=["score"])
    return KPIs(
        as_of=data.as_of.isoformat(),
        directives=len(data.register.directives),
        **K.reporting_kpis(data.assignments),
        reporting_rate_target_pct=cfg.settings.targets.reporting_rate_pct,
        rows_read=responses.rows,
        reports_accepted=responses.accepted,
        rows_rejected=responses.rejected,
        blank_rows=responses.blank,
        **K.satisfaction_kpis(answers, len(sat.respondents) if sat is not None else 0,
                              scale.top_score, scale.high_from_score, cfg.settings.users),
        satisfaction_target_pct=cfg.settings.targets.satisfaction_pct,
        quality=quality,
        schedule=K.schedule_kpis(data.assignments, data.as_of,
                                 cfg.settings.targets.on_time_report_pct),
        reminders=reminder_kpis(data.assignments),
    )
