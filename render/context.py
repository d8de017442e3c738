"""What every page shows, as plain JSON-ready data (the page's *inputs*).

Each page is a :class:`Page`: its path in the site, its template and its inputs. The inputs
are exactly what the template renders (strings, numbers, lists, dicts; dates as ISO text),
so a hash of them tells whether the page would change (see ``render/incremental.py``).
Numbers come from ``transform/views.py`` and ``transform/kpis.py``; this module only picks,
labels and shapes them. Entity pages are built from one ``groupby`` each, never one filter
per entity, so a site with tens of thousands of directives renders in seconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from tidtam.render.filters import STATUS_SHORT
from tidtam.transform import views as V
from tidtam.transform.dataset import Dataset
from tidtam.transform.kpis import STATUS_KEYS
from tidtam.transform.quarantine import REASONS

KIND_LABELS = {"district": "สำนักงานเขต", "department": "สำนัก", "other": "หน่วยงานอื่น"}
SOURCE_LABELS = {"directives": "ทะเบียนข้อสั่งการ", "responses": "แบบรายงานผล",
                 "satisfaction": "แบบสำรวจความพึงพอใจ"}
HISTORY_SHOWN = 10       # earlier reports listed per directive on an agency page
HISTORY_TEXT = 300       # characters of an earlier report's result shown
SEARCH_TEXT = 160        # characters of a directive's text embedded for search
_SAFE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,60}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


@dataclass
class Page:
    """One HTML file: where it goes, which template, what it shows."""

    path: str
    template: str
    inputs: dict
    # Expensive extras (SVG charts) computed only when the page is actually rendered.
    extras: Callable[[], dict] | None = field(default=None, repr=False)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


# -- names and links ------------------------------------------------------------------


def slug(name: str) -> str:
    """A short stable file name for any text (Thai names with spaces are not file names)."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def agency_path(name: str) -> str:
    return f"agencies/{slug(name)}.html"


def inspector_path(name: str) -> str:
    return f"inspectors/{slug(name)}.html"


def directive_path(code: str) -> str:
    """Directive pages are named by code when the code is a safe file name."""
    name = code if _SAFE_CODE.match(code) and code not in {"index"} else "d-" + slug(code)
    return f"directives/{name}.html"


def attachment_links(cell: str) -> list[dict]:
    """Each attachment as ``{href, text}``; only http(s) URLs become links."""
    items = [p.strip() for p in str(cell or "").split(", ") if p.strip()]
    return [{"href": item if _URL.match(item) else None, "text": item} for item in items]


def iso(value: object) -> str | None:
    """Dates and timestamps as ISO text; missing as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def iso_stamps(stamps: pd.Series) -> pd.Series:
    """``Timestamp.isoformat()`` of each aware time, computed column-wise (a million
    ``isoformat`` calls took seconds); '' for none."""
    present = stamps.notna()
    if not present.any():
        return pd.Series("", index=stamps.index, dtype=object)
    if (stamps[present].dt.microsecond != 0).any() or (stamps[present].dt.nanosecond != 0).any():
        return stamps.map(lambda v: v.isoformat() if pd.notna(v) else "")
    local = stamps.dt.tz_localize(None)
    offset = (local - stamps.dt.tz_convert("UTC").dt.tz_localize(None)).dt.total_seconds()
    zones = {o: _zone(o) for o in offset.dropna().unique()}  # a handful at most
    text = local.astype(str)
    if len(text[present].iloc[0]) == 10:  # all at midnight: pandas then leaves out the time
        text = text + " 00:00:00"
    text = text.str.replace(" ", "T", regex=False) + offset.map(zones)
    return text.where(present, "").astype(object)


def _zone(seconds: float) -> str:
    minutes = int(seconds // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_values(values: pd.Series) -> pd.Series:
    """:func:`iso` of every value, column-wise for aware times (what pages show)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        text = iso_stamps(values)  # object dtype, '' for a missing time
        return text.where(text != "", None)
    return pd.Series([iso(v) for v in values.tolist()], index=values.index, dtype=object)


_REPORTER_QUOTE = re.compile(r'(ชื่อผู้รายงาน: )"[^"]*"')


def hide_reporter(detail: str, publish) -> str:
    """A quarantine detail without the reporter's name it may quote (unless published)."""
    if getattr(publish, "reporter", False):
        return detail
    return _REPORTER_QUOTE.sub(r"\1(ซ่อนชื่อผู้รายงาน)", str(detail))


def json_script(value: object) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no U+2028)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


# -- the site as a whole --------------------------------------------------------------


@dataclass
class SiteFacts:
    """Lookups shared by every page builder, computed once."""

    data: Dataset
    labels: dict[str, str]
    type_labels: dict[str, str]
    factor_labels: dict[str, str]
    agency_meta: dict
    texts: pd.Series
    fiscal_years: list[int]

    @classmethod
    def of(cls, data: Dataset) -> SiteFacts:
        tax = data.config.taxonomy
        directives = data.register.directives
        return cls(
            data=data,
            labels={s.key: s.label for s in tax.statuses},
            type_labels={t.code: t.label for t in tax.directive_types},
            factor_labels={f.code: f.label for f in tax.impact_factors},
            agency_meta={a.name: a for a in data.config.agencies},
            texts=directives.set_index("directive_code")["text"],
            fiscal_years=sorted({int(y) for y in directives["fiscal_year"].dropna()}),
        )

    @functools.cached_property
    def chart_inputs(self) -> dict:
        """The charts' status counts, shared by the overview and the summary."""
        return _chart_inputs(self)

    def common(self, nav: str) -> dict:
        site = self.data.config.settings.site
        return {"site": {"title": site.title, "organization": site.organization},
                "as_of": self.data.as_of.isoformat(), "fiscal_years": self.fiscal_years,
                "nav": nav}

    def factors(self, codes: str) -> list[dict]:
        return [{"code": c, "label": self.factor_labels.get(c, c)}
                for c in str(codes or "").split(",") if c]


def statuses(labels: dict[str, str]) -> list[dict]:
    return [{"key": k, "label": labels[k], "short": STATUS_SHORT.get(k, labels[k])}
            for k in STATUS_KEYS]


# -- overview: the compact filter data --------------------------------------------------


def _codes(series: pd.Series) -> tuple[list, list[int]]:
    """Dictionary-encode a column: (distinct values in sorted order, index per row)."""
    values = sorted({v for v in series.tolist() if v is not None and v == v}, key=str)
    index = {v: i for i, v in enumerate(values)}
    return values, [index.get(v, -1) for v in series.tolist()]


def overview_data(facts: SiteFacts) -> dict:
    """One row per assignment, dictionary-encoded: everything the filters need, no reports."""
    data = facts.data
    a = data.assignments
    directives = data.register.directives
    tax = data.config.taxonomy
    groups = V.group_of(a["district_group"])
    group_values = [g for g in dict.fromkeys(
        [*(ag.district_group for ag in data.config.agencies if ag.district_group),
         V.CENTRAL_GROUP]) if g in set(groups)]
    type_codes = [t.code for t in tax.directive_types]
    factor_codes = [f.code for f in tax.impact_factors]
    fys, _ = _codes(directives["fiscal_year"].dropna().astype(int))
    rounds, _ = _codes(directives["round"].dropna().astype(int))
    sources, _ = _codes(directives["source"])
    inspectors, _ = _codes(directives["inspector"])
    agency_names = list(dict.fromkeys(a["agency"]))
    agency_index = {n: i for i, n in enumerate(agency_names)}
    dir_index = {c: i for i, c in enumerate(directives["directive_code"])}

    lookups: dict[int, dict] = {}

    def idx(values: list, v: object) -> int:
        table = lookups.setdefault(id(values), {x: i for i, x in enumerate(values)})
        return table.get(int(v) if isinstance(v, float) else v, -1)

    dirs = []
    for d in directives.itertuples(index=False):
        mask = sum(1 << factor_codes.index(c) for c in str(d.factor_codes or "").split(",")
                   if c in factor_codes)
        fy = idx(fys, d.fiscal_year) if pd.notna(d.fiscal_year) else -1
        rnd = idx(rounds, d.round) if pd.notna(d.round) else -1
        dirs.append([d.directive_code, fy, rnd, idx(sources, d.source),
                     idx(inspectors, d.inspector), idx(type_codes, d.type_code), mask,
                     iso(d.due_date) or "", str(d.text)[:SEARCH_TEXT],
                     directive_path(d.directive_code)])
    group_of_agency = dict(zip(a["agency"], groups, strict=True))
    group_index = {g: i for i, g in enumerate(group_values)}
    agencies = [[n, group_index.get(group_of_agency[n], -1), agency_path(n)]
                for n in agency_names]
    status_index = {k: i for i, k in enumerate(STATUS_KEYS)}
    reported = a["reported_at"].map(lambda v: iso(v)[:10] if iso(v) else "")
    return {
        "statuses": [[k, facts.labels[k]] for k in STATUS_KEYS],
        "fy": fys, "round": rounds, "source": sources, "inspector": inspectors,
        "group": group_values,
        "type": [[t.code, t.label] for t in tax.directive_types],
        "factor": [[f.code, f.label] for f in tax.impact_factors],
        "ag": agencies,
        "dir": dirs,
        "a": {"d": [dir_index[c] for c in a["directive_code"]],
              "g": [agency_index[n] for n in a["agency"]],
              "s": [status_index[s] for s in a["status"]],
              "o": [int(v) for v in a["days_overdue"]],
              "r": reported.tolist()},
        "reporting_target": data.config.settings.targets.reporting_rate_pct,
    }


def _kpi_inputs(facts: SiteFacts, kpis: dict) -> dict:
    """The KPI cards' inputs, shared by the overview and the executive summary."""
    targets = facts.data.config.settings.targets
    return {"kpis": kpis,
            "targets": {"reporting_rate_pct": targets.reporting_rate_pct,
                        "satisfaction_pct": targets.satisfaction_pct},
            "statuses": statuses(facts.labels),
            "counts": V.count_record(kpis["assignments_by_status"])}


def overview_page(facts: SiteFacts, kpis: dict,
                  chart_maker: Callable[[dict], dict] | None = None) -> Page:
    compact = overview_data(facts)
    charts_in = {k: v for k, v in facts.chart_inputs.items() if k in ("type", "factor")}
    inputs = {
        **facts.common("index"),
        **_kpi_inputs(facts, kpis),
        "dims": {k: compact[k] for k in ("fy", "round", "source", "inspector", "group", "type",
                                          "factor")},
        "quality": [{"source": role, "label": SOURCE_LABELS[role], **q}
                    for role, q in kpis["quality"].items()],
        "reasons": REASONS,
        "data_json": json_script(compact),
        "chart_inputs": charts_in,
    }
    extras = (lambda: {"charts": chart_maker(charts_in)}) if chart_maker else None
    return Page("index.html", "index.html", inputs, extras=extras)


# -- executive summary ------------------------------------------------------------------


def _chart_inputs(facts: SiteFacts) -> dict:
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


def summary_page(facts: SiteFacts, kpis: dict, chart_maker: Callable[[dict], dict]) -> Page:
    data = facts.data
    a = data.assignments
    charts_in = facts.chart_inputs
    follow = V.followup(a, data.register.directives)[:10]
    inputs = {
        **facts.common("summary"),
        **_kpi_inputs(facts, kpis),
        "groups": V.group_rows(a),
        "followup": [{"agency": r["agency"], "path": agency_path(r["agency"]),
                      "missing": r["missing"], "max_days_overdue": r["max_days_overdue"]}
                     for r in follow],
        "followup_total": len(V.followup(a, data.register.directives)),
        "chart_inputs": charts_in,
    }
    return Page("summary.html", "summary.html", inputs,
                extras=lambda: {"charts": chart_maker(charts_in)})


# -- one page per agency, directive, inspector -------------------------------------------


def _assignment_rows(part: pd.DataFrame) -> pd.DataFrame:
    return part.sort_values(["days_overdue", "directive_code"], ascending=[False, True])


PERSONAL_LABELS = {"reporter": "ผู้รายงาน", "phone": "โทรศัพท์", "email": "อีเมล"}


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


HISTORY_COLUMNS = ["submitted_at", "source_row", "directive_code", "agency", "status", "result",
                   "obstacles", "obstacle_factors", "obstacle_factors_other", "attachments",
                   *PERSONAL_LABELS]


def agency_pages(facts: SiteFacts) -> Iterator[Page]:
    """One page per agency, made one at a time: only one agency's report history is held
    as records at once (all of them at a million reports would take gigabytes)."""
    data = facts.data
    a = data.assignments
    if not len(a):
        return
    reports = data.reports.reports[HISTORY_COLUMNS]
    # Times as ISO text once, column-wise, before the frames become records.
    reports = reports.assign(submitted_iso=iso_values(reports["submitted_at"]))
    reports_of = {agency: part for agency, part in reports.groupby("agency", sort=False)}
    shown = a.assign(due_iso=iso_values(a["due_date"]), reported_iso=iso_values(a["reported_at"]))
    for agency, part in shown.groupby("agency", sort=False):
        own = reports_of.get(agency)
        history = V.report_history(own) if own is not None else {}
        yield _agency_page(facts, agency, part, history)


def _agency_page(facts: SiteFacts, agency: str, part: pd.DataFrame,
                 history: dict[tuple[str, str], list[dict]]) -> Page:
    meta = facts.agency_meta.get(agency)
    counts = V.count_record(part["status"].value_counts())
    rows = []
    for rec in V.records(_assignment_rows(part)):
        code = rec["directive_code"]
        recs = history.get((code, agency))
        latest, earlier, more = None, [], 0
        if recs:
            latest = _report(recs[0], facts)
            earlier = [{"submitted_at": r["submitted_iso"], "status": r["status"],
                        "result": (r["result"] or "")[:HISTORY_TEXT]}
                       for r in recs[1:1 + HISTORY_SHOWN]]
            more = max(0, len(recs) - 1 - HISTORY_SHOWN)
        rows.append({"code": code, "path": directive_path(code),
                     "text": str(facts.texts.get(code, "")),
                     "type": rec["type_code"], "due": rec["due_iso"],
                     "status": rec["status"], "reported_at": rec["reported_iso"],
                     "days_overdue": int(rec["days_overdue"]),
                     "report_count": int(rec["report_count"]),
                     "inspector": rec["inspector"] or "",
                     "latest": latest, "earlier": earlier, "more": more})
    inputs = {
        **facts.common("agency"),
        "statuses": statuses(facts.labels),
        "agency": {"name": agency,
                   "kind": KIND_LABELS.get(meta.kind, "") if meta else "",
                   "group": (meta.district_group or "") if meta else "",
                   "inspector": (meta.inspector or "") if meta else ""},
        "counts": counts,
        "reported_all": counts["not_reported"] == 0,
        "max_days_overdue": int(part["days_overdue"].max()),
        "rows": rows,
    }
    return Page(agency_path(agency), "agency.html", inputs)


def directive_pages(facts: SiteFacts) -> Iterator[Page]:
    """One page per directive, made one at a time."""
    data = facts.data
    a = data.assignments.sort_values(["directive_code", "status", "agency"])
    a = a.assign(group=V.group_of(a["district_group"]), reported_iso=iso_values(a["reported_at"]))
    by_code = V.records_by(a[["directive_code", "agency", "group", "status", "reported_iso",
                              "days_overdue", "report_count"]], "directive_code")
    directives = data.register.directives
    directives = directives.assign(due_iso=iso_values(directives["due_date"]))
    for d in V.records(directives):
        recs = by_code.get(d["directive_code"], [])
        rows = [{"agency": r["agency"], "path": agency_path(r["agency"]), "group": r["group"],
                 "status": r["status"], "reported_at": r["reported_iso"],
                 "days_overdue": int(r["days_overdue"]), "report_count": int(r["report_count"])}
                for r in recs]
        counts = V.count_record(Counter(r["status"] for r in recs))
        inputs = {
            **facts.common("directive"),
            "statuses": statuses(facts.labels),
            "directive": {
                "code": d["directive_code"], "text": d["text"],
                "fiscal_year": None if pd.isna(d["fiscal_year"]) else int(d["fiscal_year"]),
                "round": None if pd.isna(d["round"]) else int(d["round"]),
                "source": d["source"], "inspector": d["inspector"],
                "inspector_path": inspector_path(d["inspector"]) if d["inspector"] else None,
                "type_code": d["type_code"], "type_label": facts.type_labels.get(d["type_code"]),
                "factors": facts.factors(d["factor_codes"]), "due": d["due_iso"],
            },
            "counts": counts,
            "rows": rows,
        }
        yield Page(directive_path(d["directive_code"]), "directive.html", inputs)


def inspector_pages(facts: SiteFacts) -> list[Page]:
    data = facts.data
    a = data.assignments[data.assignments["inspector"].fillna("") != ""]
    pages, listing = [], []
    for name, part in a.groupby("inspector", sort=True):
        kpis = V.scoped_kpis(part)
        dcounts = V.status_counts_by(part, "directive_code")
        directives = [{"code": c, "path": directive_path(c), "text": str(facts.texts.get(c, "")),
                       **V.count_record(rec)} for c, rec in dcounts.to_dict("index").items()]
        directives.sort(key=lambda r: r["code"])
        agencies = [{**rec, "path": agency_path(rec["agency"]), "reported_all":
                     bool(rec["reported_all"])}
                    for rec in V.agency_rows(part).to_dict("records")]
        agencies.sort(key=lambda r: (r["reported_all"], -r["not_reported"], r["agency"]))
        followed = [ag.name for ag in data.config.agencies if ag.inspector == name]
        inputs = {**facts.common("inspector"), "statuses": statuses(facts.labels),
                  "name": name, "kpis": kpis,
                  "counts": V.count_record(kpis["assignments_by_status"]),
                  "directives": directives, "agencies": agencies, "followed": followed}
        pages.append(Page(inspector_path(name), "inspector.html", inputs))
        listing.append({"name": name, "path": inspector_path(name).split("/", 1)[1],
                        "directives": len(directives), "kpis": kpis,
                        "counts": V.count_record(kpis["assignments_by_status"])})
    pages.append(Page("inspectors/index.html", "inspectors.html",
                      {**facts.common("inspectors"), "statuses": statuses(facts.labels),
                       "inspectors": listing}))
    return pages


# -- lists and breakdowns ---------------------------------------------------------------


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


def quality_page(facts: SiteFacts, kpis: dict) -> Page:
    rejected = facts.data.rejected
    publish = facts.data.config.settings.publish
    groups = []
    if len(rejected):
        for (source, reason), part in rejected.groupby(["source", "reason"], sort=True):
            groups.append({"source": source, "source_label": SOURCE_LABELS.get(source, source),
                           "reason": reason, "label": REASONS.get(reason, reason),
                           "rows": [{"row": int(r["row"]),
                                     "detail": hide_reporter(r["detail"], publish),
                                     "suggestion": r["suggestion"]}
                                    for r in part.sort_values("row").to_dict("records")]})
    sheets = [{"source": role, "label": SOURCE_LABELS[role], **q}
              for role, q in kpis["quality"].items()]
    return Page("quality.html", "quality.html",
                {**facts.common("quality"), "groups": groups, "sheets": sheets,
                 "rejected_total": len(rejected)})


def satisfaction_page(facts: SiteFacts, kpis: dict) -> Page:
    data = facts.data
    form = data.config.form.satisfaction
    sat = data.satisfaction
    summary = V.satisfaction_summary(
        sat.answers if sat is not None else pd.DataFrame(columns=["group", "question", "label",
                                                                  "score"]),
        sat.respondents if sat is not None else pd.DataFrame(columns=["group"]),
        form.top_score, form.high_from_score, data.config.settings.users)
    return Page("satisfaction.html", "satisfaction.html", {
        **facts.common("satisfaction"), "kpis": kpis, "summary": summary,
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
        **facts.common("matrix"), "statuses": statuses(facts.labels),
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


def trend_page(facts: SiteFacts, points: list[tuple[str, str, dict]] | None,
               chart_maker: Callable[[list[dict]], str]) -> Page:
    counts = facts.data.assignments["status"].value_counts().to_dict()
    runs = list(points or [])
    runs.append(("ฉบับนี้", facts.data.as_of.isoformat(), counts))
    rows = V.trend_rows(runs)
    return Page("trend.html", "trend.html",
                {**facts.common("trend"), "statuses": statuses(facts.labels), "rows": rows,
                 "has_history": points is not None},
                extras=lambda: {"chart": chart_maker(rows) if len(rows) >= 2 else ""})
