"""What changed since the run this build is compared with: the changes page (changes.html),
one agency's changes (shown on its page, ``templates/_changes.html``), and the printable
weekly-meeting pages per district group (meeting/)."""

from __future__ import annotations

import pandas as pd

from tidtam.render.formats import iso
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts
from tidtam.render.urls import agency_path, directive_path, meeting_path
from tidtam.transform import since as S
from tidtam.transform import views as V

TEXT_SHOWN = 120  # characters of a directive's text in a change row
# Each section of one agency's changes: key, heading (a status label fills {}).
SECTIONS = (("done", "เปลี่ยนเป็น{done}"), ("cannot", "เปลี่ยนเป็น{cannot}"),
            ("back", "สถานะเปลี่ยนกลับ"), ("other", "เปลี่ยนแปลงอื่น (เช่น รายงานครั้งแรก)"),
            ("silent", "ยังไม่รายงานและเกินกำหนด (ไม่เปลี่ยนแปลง)"))
NEW_ASSIGNMENT = "มอบหมายใหม่"
REMOVED = "ไม่อยู่ในทะเบียนแล้ว"

def section_titles(facts: SiteFacts) -> dict[str, str]:
    return {key: title.format(**facts.labels) for key, title in SECTIONS}


def _change_row(facts: SiteFacts, r: dict) -> dict:
    code = str(r["directive_code"])
    return {"code": code, "path": directive_path(code),
            "text": str(facts.texts.get(code, ""))[:TEXT_SHOWN],
            "kind": r["kind"],
            "from": facts.labels.get(r["from_status"], NEW_ASSIGNMENT),
            "to": facts.labels.get(r["to_status"], REMOVED),
            "from_key": r["from_status"], "to_key": r["to_status"]}


def _silent_row(facts: SiteFacts, r: dict) -> dict:
    code = str(r["directive_code"])
    return {"code": code, "path": directive_path(code),
            "text": str(facts.texts.get(code, ""))[:TEXT_SHOWN],
            "due": iso(r["due_date"]), "days_overdue": int(r["days_overdue"])}


def change_index(facts: SiteFacts) -> dict[str, dict[str, list[dict]]]:
    """Every agency's change rows by section, built once per site (agency pages ask for
    one agency each: one filter per agency would cost the square of the site's size)."""
    cache = facts.__dict__
    if "_change_index" in cache:
        return cache["_change_index"]
    changes = facts.changes
    out: dict[str, dict[str, list[dict]]] = {}
    if changes is not None:
        frame = changes.frame.assign(section=changes.frame["kind"].map(S.page_kind))
        silent = S.silent_overdue(facts.data.assignments, changes.frame)
        found = S.per_agency({**{k: frame[frame["section"] == k] for k in (*S.OWN_KINDS, "other")},
                              "silent": silent})
        for agency, sections in found.items():
            out[agency] = {k: [(_silent_row if k == "silent" else _change_row)(facts, r)
                               for r in rows] for k, rows in sections.items()}
    cache["_change_index"] = out
    return out


def agency_changes(facts: SiteFacts, agency: str) -> dict:
    """One agency's changes since the baseline, as ``templates/_changes.html`` shows them
    (``since`` None: no earlier recorded run to compare with)."""
    if facts.changes is None:
        return {"since": None, "sections": [], "total": 0}
    mine = change_index(facts).get(agency, {})
    titles = section_titles(facts)
    sections = [{"key": k, "title": titles[k], "rows": mine.get(k, [])} for k, _ in SECTIONS]
    return {"since": facts.changes.since.isoformat(), "sections": sections,
            "total": sum(len(s["rows"]) for s in sections if s["key"] != "silent")}


def _agency_order(facts: SiteFacts) -> list[str]:
    """Agencies as the config lists them, then any other the data names."""
    known = list(facts.agency_meta)
    return known + sorted(set(facts.data.assignments["agency"]) - set(known))


def changes_page(facts: SiteFacts) -> Page:
    changes = facts.changes
    titles = section_titles(facts)
    agencies = []
    if changes is not None:
        index = change_index(facts)
        agencies = [{"name": n, "path": agency_path(n), **agency_changes(facts, n)}
                    for n in _agency_order(facts) if n in index]
    counts = S.kind_counts(changes.frame if changes is not None else None)
    silent = sum(len(s["rows"]) for a in agencies for s in a["sections"] if s["key"] == "silent")
    return Page("changes.html", "changes.html", {
        **facts.common("changes"),
        "since": changes.since.isoformat() if changes is not None else None,
        "summary": [{"key": k, "title": titles[k], "count": counts.get(k, silent)}
                    for k, _ in SECTIONS],
        "agencies": agencies,
        "with_changes": sum(1 for a in agencies if a["total"]),
        "meetings": meeting_links(facts)})


def _groups(facts: SiteFacts) -> pd.Series:
    a = facts.data.assignments
    return V.group_of(a["district_group"])


def meeting_links(facts: SiteFacts) -> list[dict]:
    groups = sorted(set(_groups(facts)), key=lambda g: (g == V.CENTRAL_GROUP, g))
    return [{"group": g, "label": g if g == V.CENTRAL_GROUP else f"กลุ่มเขต{g}",
             "path": meeting_path(g)} for g in groups]
