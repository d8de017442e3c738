"""The weekly meeting's printable pages: per district group (meeting/<group>.html) a summary
table and one A4 section per agency since the compared run: new reports, status changes,
still overdue; and meeting/index.html listing the groups."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from tidtam.render.formats import iso, iso_values
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts
from tidtam.render.pages.changes import TEXT_SHOWN, change_index, meeting_links
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform import since as S
from tidtam.transform import views as V
from tidtam.transform.changes import reports_since

CHANGE_SECTIONS = (*S.OWN_KINDS, "other")


def meeting_pages(facts: SiteFacts) -> Iterator[Page]:
    links = meeting_links(facts)
    since = facts.changes.since.isoformat() if facts.changes is not None else None
    yield Page("meeting/index.html", "meeting_index.html",
               {**facts.common("changes"), "since": since, "groups": links})
    a = facts.data.assignments
    a = a.assign(group=V.group_of(a["district_group"]))
    found = S.per_agency({"overdue": S.overdue(a), "new": _new_reports(facts)})
    index = change_index(facts)
    for link in links:
        names = sorted(set(a.loc[a["group"] == link["group"], "agency"]))
        agencies = [_agency(facts, i, n, found.get(n, {}), index.get(n, {}))
                    for i, n in enumerate(names, 1)]
        yield Page(link["path"], "meeting.html",
                   {**facts.common("changes"), "since": since, "group": link["group"],
                    "group_label": link["label"], "agencies": agencies})


def _new_reports(facts: SiteFacts) -> pd.DataFrame:
    """Reports submitted after the compared run's date (none without one)."""
    reports = facts.data.reports.reports
    if facts.changes is None:
        return reports.iloc[0:0]
    new = reports_since(reports, facts.changes.since, facts.data.config.settings.timezone)
    return new.assign(submitted_iso=iso_values(new["submitted_at"])).sort_values(
        ["submitted_at", "directive_code"])


def _agency(facts: SiteFacts, i: int, name: str, found: dict, changes: dict) -> dict:
    def text(code: str) -> str:
        return str(facts.texts.get(code, ""))[:TEXT_SHOWN]

    new = [{"code": r["directive_code"], "path": directive_path(r["directive_code"]),
            "text": text(r["directive_code"]), "submitted_at": r["submitted_iso"],
            "status": r["status"]} for r in found.get("new", [])]
    late = [{"code": r["directive_code"], "path": directive_path(r["directive_code"]),
             "text": text(r["directive_code"]), "status": r["status"],
             "due": iso(r["due_date"]), "days_overdue": int(r["days_overdue"])}
            for r in found.get("overdue", [])]
    changed = [r for k in CHANGE_SECTIONS for r in changes.get(k, [])]
    counts = {k: len(changes.get(k, [])) for k in CHANGE_SECTIONS}
    return {"name": name, "path": agency_path(name), "anchor": f"a-{i}", "new": new,
            "changes": changed, "overdue": late, "counts": counts}
