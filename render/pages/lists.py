"""Lists and breakdowns: follow-up, data quality, the status matrix."""

from __future__ import annotations

import pandas as pd

from tidtam.render.formats import iso
from tidtam.render.html import Page
from tidtam.render.memo_files import COMBINED, FOLDER
from tidtam.render.pages import SOURCE_LABELS, SiteFacts, statuses
from tidtam.render.pages.entities import failed_rows, schedule_of
from tidtam.render.pages.overview import group_choices
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform import views as V
from tidtam.transform.quarantine import REASONS

FOLLOWUP_SECTIONS = {  # key: (heading, table id), in the page's order
    "never": ("ยังไม่ส่งรายงาน", "t-fu-never"),
    "failed": ("ส่งแล้วแต่ข้อมูลไม่ผ่านการตรวจสอบ", "t-fu-failed"),
    "late": ("อยู่ระหว่างดำเนินการ เกินกำหนด", "t-fu-late"),
}


def followup_page(facts: SiteFacts) -> Page:
    """Three sections of assignments to chase (see ``views.followup_sections``), each row
    with what the page's filters need (group, inspector, type)."""
    data = facts.data
    found = V.followup_sections(data.assignments, data.register.directives)
    failed = failed_rows(facts)
    sections = [{"key": key, "title": title, "table_id": table_id,
                 "rows": [_followup_row(facts, r, failed) for r in found[key]]}
                for key, (title, table_id) in FOLLOWUP_SECTIONS.items()]
    rows = [r for s in sections for r in s["rows"]]
    return Page("followup.html", "followup.html", {
        **facts.common("followup"), "sections": sections, "not_due": found["not_due"],
        "memos_all": f"{FOLDER}/{COMBINED}" if facts.memo_files else None,
        "total": len(rows),
        "options": {"group": sorted({r["group"] for r in rows}),
                    "inspector": sorted({r["inspector"] for r in rows if r["inspector"]}),
                    "type": [{"code": c, "label": facts.type_labels[c]}
                             for c in facts.type_labels if c in {r["type"] for r in rows}]}})


def _followup_row(facts: SiteFacts, r: dict, failed: dict) -> dict:
    code, agency = r["directive_code"], r["agency"]
    return {"agency": agency, "path": agency_path(agency), "group": r["group"],
            "code": code, "code_path": directive_path(code), "text": str(r["text"]),
            "inspector": r["inspector"], "type": r["type_code"] or "",
            "type_label": facts.type_labels.get(r["type_code"], ""),
            "due": iso(r["due_date"]), "days_overdue": int(r["days_overdue"]),
            "state": r["state"], "failed": failed.get((code, agency), []),
            "form_link": facts.form_link(agency, code),
            "reminders": int(r["reminders"]), "last_reminded": r["last_reminded"],
            "memo": facts.memo_files.get(agency)}


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


def _overview_filters(facts: SiteFacts, groups: pd.Series):
    """``to(type_code, group)``: the overview's address part (``type=i&group=j``, the
    indices its filters use) that selects them; None for a value it cannot filter on."""
    types = {c: i for i, c in enumerate(facts.type_labels)}
    group_index = {g: i for i, g in enumerate(group_choices(facts.data, groups))}

    def to(type_code: str | None, group: str | None) -> str | None:
        parts = []
        for key, value, index in (("type", type_code, types), ("group", group, group_index)):
            if value is not None:
                if value not in index:
                    return None
                parts.append(f"{key}={index[value]}")
        return "&".join(parts)

    return to


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
    target = facts.data.config.settings.targets.on_time_report_pct
    as_of = facts.data.as_of
    on_time_types = V.schedule_by(frame, "type_code", as_of, target)
    on_time_groups = V.schedule_by(frame, "group", as_of, target)

    def cell(matrix: dict, r: str, c: str) -> dict | None:
        return matrix["cells"].get((r, c))

    to = _overview_filters(facts, frame["group"])

    return Page("matrix.html", "matrix.html", {
        **facts.common("matrix"), "statuses": statuses(facts),
        "groups": groups,
        "types": [{"code": t, "label": facts.type_labels[t]} for t in types],
        "type_rows": [{"code": t, "label": facts.type_labels[t],
                       "cells": [cell(by_group, t, g) for g in groups],
                       "links": [to(t, g) for g in groups], "link": to(t, None),
                       "total": by_group["row_totals"][t]} for t in types],
        "group_totals": [by_group["column_totals"].get(g) for g in groups],
        "group_links": [to(None, g) for g in groups],
        "agency_rows": [{"agency": n, "path": agency_path(n),
                         "cells": [cell(by_agency, n, t) for t in types],
                         "total": by_agency["row_totals"][n]} for n in agencies],
        "target": target,
        "schedule_types": [{"name": f"{t} {facts.type_labels[t]}", **on_time_types[t]}
                           for t in types if t in on_time_types],
        "schedule_groups": [{"name": g, **on_time_groups[g]} for g in groups
                            if g in on_time_groups],
        "schedule_all": schedule_of(facts, frame),
    })
