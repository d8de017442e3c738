"""One page per agency, per directive and per inspector, made one at a time.

Each family can be made in shards (``shard`` of ``shards``): every entity belongs to exactly
one, so worker processes can share a family without making any page twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pandas as pd

from tidtam.render.datafiles import published_rejected
from tidtam.render.formats import iso_values
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts, statuses
from tidtam.render.pages.changes import agency_changes
from tidtam.render.pages.escalation import words
from tidtam.render.urls import agency_path, attachment_links, directive_path, inspector_path
from tidtam.transform import views as V

KIND_LABELS = {"district": "สำนักงานเขต", "department": "สำนัก", "other": "หน่วยงานอื่น"}
HISTORY_SHOWN = 10       # earlier reports listed per directive on an agency page
HISTORY_TEXT = 300       # characters of an earlier report's result shown
PERSONAL_LABELS = {"reporter": "ผู้รายงาน", "phone": "โทรศัพท์", "email": "อีเมล"}
HISTORY_COLUMNS = ["submitted_at", "source_row", "directive_code", "agency", "status", "result",
                   "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments",
                   *PERSONAL_LABELS]


def failed_rows(facts: SiteFacts) -> dict[tuple, list[dict]]:
    """(directive, agency) -> its failed submissions' sheet rows, reasons and fixes, from
    the quarantine as it may be published; worked out once per ``facts``."""
    cache = facts.__dict__
    if "_failed_rows" not in cache:
        cache["_failed_rows"] = V.failed_rows(facts.data.assignments,
                                              published_rejected(facts.data))
    return cache["_failed_rows"]


def schedule_of(facts: SiteFacts, assignments: pd.DataFrame) -> dict:
    """The schedule KPIs of a subset of assignments, against the on-time target."""
    return V.schedule_record(assignments, facts.data.as_of,
                             facts.data.config.settings.targets.on_time_report_pct)


def _mine(names: list, shard: int, shards: int) -> list:
    """The names of one shard: every ``shards``-th from ``shard`` (big and small mixed)."""
    return names[shard::shards]


def agency_pages(facts: SiteFacts, shard: int = 0, shards: int = 1) -> Iterator[Page]:
    """One page per agency of the shard; only one agency's report history is held as
    records at once (all of them at a million reports would take gigabytes)."""
    a = facts.data.assignments
    if not len(a):
        return
    names = _mine(list(dict.fromkeys(a["agency"])), shard, shards)
    reports = facts.data.reports.reports
    reports = reports.loc[reports["agency"].isin(names), HISTORY_COLUMNS]
    # Times as ISO text once, column-wise, before the frames become records.
    reports = reports.assign(submitted_iso=iso_values(reports["submitted_at"]))
    reports_of = {agency: part for agency, part in reports.groupby("agency", sort=False)}
    a = a[a["agency"].isin(names)]
    shown = a.assign(due_iso=iso_values(a["due_date"]), reported_iso=iso_values(a["reported_at"]),
                     state=V.submission_state(a))
    for agency, part in shown.groupby("agency", sort=False):
        own = reports_of.get(agency)
        history = V.report_history(own) if own is not None else {}
        yield _agency_page(facts, agency, part, history)


def _report(rec: dict, facts: SiteFacts) -> dict:
    publish = facts.data.config.settings.publish
    return {"submitted_at": rec["submitted_iso"], "status": rec["status"],
            "result": rec["result"] or "", "obstacles": rec["obstacles"] or "",
            "obstacle_factors": facts.factors(rec["obstacle_factors"]),
            "obstacle_other": rec["obstacle_factors_other"] or "",
            "attachments": attachment_links(rec["attachments"]),
            # Personal fields only where settings.yaml publish: allows them.
            "contact": [(label, rec[field]) for field, label in PERSONAL_LABELS.items()
                        if getattr(publish, field) and rec.get(field)]}


def _assignment_row(facts: SiteFacts, rec: dict, recs: list[dict] | None) -> dict:
    code = rec["directive_code"]
    latest, earlier, more = None, [], 0
    if recs:
        latest = _report(recs[0], facts)
        earlier = [{"submitted_at": r["submitted_iso"], "status": r["status"],
                    "result": (r["result"] or "")[:HISTORY_TEXT]}
                   for r in recs[1:1 + HISTORY_SHOWN]]
        more = max(0, len(recs) - 1 - HISTORY_SHOWN)
    return {"code": code, "path": directive_path(code),
            "text": str(facts.texts.get(code, "")),
            "type": rec["type_code"], "due": rec["due_iso"],
            "status": rec["status"], "reported_at": rec["reported_iso"],
            "days_overdue": int(rec["days_overdue"]),
            "report_count": int(rec["report_count"]),
            "inspector": rec["inspector"] or "",
            "state": rec["state"], "failed": failed_rows(facts).get((code, rec["agency"]), []),
            "form_link": facts.form_link(rec["agency"], code) if rec["status"] in
            ("not_reported", "in_progress") else None,
            "reminders": int(rec["reminders"]), "last_reminded": rec["last_reminded"],
            "latest": latest, "earlier": earlier, "more": more}


def _agency_page(facts: SiteFacts, agency: str, part: pd.DataFrame,
                 history: dict[tuple[str, str], list[dict]]) -> Page:
    meta = facts.agency_meta.get(agency)
    counts = V.count_record(part["status"].value_counts())
    ordered = part.sort_values(["days_overdue", "directive_code"], ascending=[False, True])
    rows = [_assignment_row(facts, rec, history.get((rec["directive_code"], agency)))
            for rec in V.records(ordered)]
    inputs = {
        **facts.common("agency"),
        "statuses": statuses(facts),
        "agency": {"name": agency,
                   "kind": KIND_LABELS.get(meta.kind, "") if meta else "",
                   "group": (meta.district_group or "") if meta else "",
                   "inspector": (meta.inspector or "") if meta else ""},
        "counts": counts,
        "reported_all": counts["not_reported"] == 0,
        "max_days_overdue": int(part["days_overdue"].max()),
        "schedule": schedule_of(facts, part),
        "failed_count": int((part["state"] == V.FAILED).sum()),
        "rows": rows,
        "agency_changes": agency_changes(facts, agency),
    }
    return Page(agency_path(agency), "agency.html", inputs)


def directive_pages(facts: SiteFacts, shard: int = 0, shards: int = 1) -> Iterator[Page]:
    """One page per directive of the shard."""
    data = facts.data
    directives = data.register.directives
    codes = _mine(directives["directive_code"].tolist(), shard, shards)
    directives = directives[directives["directive_code"].isin(codes)]
    a = data.assignments[data.assignments["directive_code"].isin(codes)]
    a = a.sort_values(["directive_code", "status", "agency"])
    a = a.assign(group=V.group_of(a["district_group"]), reported_iso=iso_values(a["reported_at"]),
                 state=V.submission_state(a))
    reports = data.reports.reports
    a = V.latest_words(a, reports[reports["directive_code"].isin(codes)])
    by_code = V.records_by(a[["directive_code", "agency", "group", "status", "reported_iso",
                              "days_overdue", "report_count", "state", "result", "obstacles"]],
                           "directive_code")
    directives = directives.assign(due_iso=iso_values(directives["due_date"]))
    for d in V.records(directives):
        recs = by_code.get(d["directive_code"], [])
        yield _directive_page(facts, d, recs)


def _directive_page(facts: SiteFacts, d: dict, recs: list[dict]) -> Page:
    rows = [{"agency": r["agency"], "path": agency_path(r["agency"]), "group": r["group"],
             "status": r["status"], "reported_at": r["reported_iso"],
             "days_overdue": int(r["days_overdue"]), "report_count": int(r["report_count"]),
             "state": r["state"], "words": words(r),
             "failed": failed_rows(facts).get((r["directive_code"], r["agency"]), [])}
            for r in recs]
    inputs = {
        **facts.common("directive"),
        "statuses": statuses(facts),
        "directive": {
            "code": d["directive_code"], "text": d["text"],
            "fiscal_year": None if pd.isna(d["fiscal_year"]) else int(d["fiscal_year"]),
            "round": None if pd.isna(d["round"]) else int(d["round"]),
            "source": d["source"], "inspector": d["inspector"],
            "inspector_path": inspector_path(d["inspector"]) if d["inspector"] else None,
            "type_code": d["type_code"], "type_label": facts.type_labels.get(d["type_code"]),
            "factors": facts.factors(d["factor_codes"]), "due": d["due_iso"],
        },
        "counts": V.count_record(Counter(r["status"] for r in recs)),
        "rows": rows,
    }
    return Page(directive_path(d["directive_code"]), "directive.html", inputs)


def inspector_pages(facts: SiteFacts) -> Iterator[Page]:
    """One page per inspector, then the list of inspectors."""
    data = facts.data
    a = data.assignments[data.assignments["inspector"].fillna("") != ""]
    listing = []
    for name, part in a.groupby("inspector", sort=True):
        page = _inspector_page(facts, name, part)
        yield page
        inputs = page.inputs
        listing.append({"name": name, "path": inspector_path(name).split("/", 1)[1],
                        "directives": len(inputs["directives"]), "kpis": inputs["kpis"],
                        "counts": inputs["counts"]})
    yield Page("inspectors/index.html", "inspectors.html",
               {**facts.common("inspectors"), "statuses": statuses(facts),
                "inspectors": listing})


def _inspector_page(facts: SiteFacts, name: str, part: pd.DataFrame) -> Page:
    kpis = V.scoped_kpis(part)
    dcounts = V.status_counts_by(part, "directive_code")
    directives = [{"code": c, "path": directive_path(c), "text": str(facts.texts.get(c, "")),
                   **V.count_record(rec)} for c, rec in dcounts.to_dict("index").items()]
    directives.sort(key=lambda r: r["code"])
    agencies = [{**rec, "path": agency_path(rec["agency"]), "reported_all":
                 bool(rec["reported_all"])}
                for rec in V.agency_rows(part).to_dict("records")]
    agencies.sort(key=lambda r: (r["reported_all"], -r["not_reported"], r["agency"]))
    followed = [ag.name for ag in facts.data.config.agencies if ag.inspector == name]
    inputs = {**facts.common("inspector"), "statuses": statuses(facts),
              "name": name, "kpis": kpis, "schedule": schedule_of(facts, part),
              "counts": V.count_record(kpis["assignments_by_status"]),
              "directives": directives, "agencies": agencies, "followed": followed}
    return Page(inspector_path(name), "inspector.html", inputs)
