"""Aggregations the dashboard pages show, computed from the normalized tables. No I/O.

The render stage never counts or divides: every number a page prints comes from here or
from :mod:`tidtam.transform.kpis`. Functions take DataFrames and return new ones (or plain
records); inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date

import pandas as pd

from tidtam.transform.kpis import (
    STATUS_KEYS,
    agency_summary,
    pct,
    reporting_kpis,
    schedule_kpis,
)

CENTRAL_GROUP = "สำนัก/หน่วยงานส่วนกลาง"  # agencies that are not district offices


def group_of(district_group: pd.Series) -> pd.Series:
    """The district group, with non-district agencies in one named bucket."""
    return district_group.fillna("").replace("", CENTRAL_GROUP)


def status_counts_by(assignments: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Assignment counts per status (columns ``STATUS_KEYS`` and ``total``) for each ``by``."""
    keys = [by] if isinstance(by, str) else list(by)
    table = (assignments.groupby([*keys, "status"], sort=False).size()
             .unstack("status", fill_value=0).reindex(columns=STATUS_KEYS, fill_value=0))
    table["total"] = table.sum(axis=1)
    return table.astype(int)


def count_record(counts: Mapping[str, int]) -> dict[str, int]:
    """``{status: n, ..., total, reported, reported_pct}`` for one row of counts."""
    out = {k: int(counts.get(k, 0)) for k in STATUS_KEYS}
    total = sum(out.values())
    reported = total - out["not_reported"]
    return {**out, "total": total, "reported": reported, "reported_pct": pct(reported, total)}


def scoped_kpis(assignments: pd.DataFrame) -> dict:
    """The reporting KPIs of any subset of assignments (an inspector's, a group's)."""
    return reporting_kpis(assignments)


def agency_rows(assignments: pd.DataFrame) -> pd.DataFrame:
    """Per agency: counts by status, total, reported_all, max_days_overdue, reported_pct."""
    if not len(assignments):
        return pd.DataFrame(columns=["agency", *STATUS_KEYS, "total", "reported_all",
                                     "max_days_overdue", "reported_pct"])
    table = agency_summary(assignments)
    reported = table["total"] - table["not_reported"]
    return table.assign(reported_pct=(reported * 100 / table["total"]).round(2))


def group_rows(assignments: pd.DataFrame) -> list[dict]:
    """Per district group: status counts and agencies that reported every assignment."""
    if not len(assignments):
        return []
    frame = assignments.assign(group=group_of(assignments["district_group"]))
    rows = []
    for group, part in frame.groupby("group", sort=True):
        summary = agency_summary(part)
        rows.append({"group": group, **count_record(part["status"].value_counts()),
                     "agencies": len(summary),
                     "agencies_reported": int(summary["reported_all"].sum())})
    return rows


def explode_factors(assignments: pd.DataFrame) -> pd.DataFrame:
    """One row per (assignment, impact factor); assignments without a factor drop out."""
    frame = assignments.assign(factor=assignments["factor_codes"].fillna("").str.split(","))
    frame = frame.explode("factor")
    return frame[frame["factor"].fillna("") != ""]


def status_matrix(assignments: pd.DataFrame, rows: str, columns: str) -> dict:
    """Status counts for every (row value, column value) cell, plus row and column totals."""
    if not len(assignments):
        return {"cells": {}, "row_totals": {}, "column_totals": {}}
    cells = status_counts_by(assignments, [rows, columns])
    out = {(r, c): count_record(rec) for (r, c), rec in cells.to_dict("index").items()}
    row_totals = {r: count_record(rec)
                  for r, rec in status_counts_by(assignments, rows).to_dict("index").items()}
    col_totals = {c: count_record(rec)
                  for c, rec in status_counts_by(assignments, columns).to_dict("index").items()}
    return {"cells": out, "row_totals": row_totals, "column_totals": col_totals}


def followup(assignments: pd.DataFrame, directives: pd.DataFrame) -> list[dict]:
    """Agencies with unreported assignments, most overdue first, with what is missing."""
    missing = assignments[assignments["status"] == "not_reported"]
    if not len(missing):
        return []
    texts = directives.set_index("directive_code")["text"]
    missing = missing.assign(text=missing["directive_code"].map(texts).fillna(""))
    totals = assignments.groupby("agency").size()
    rows = []
    for agency, part in missing.groupby("agency", sort=False):
        part = part.sort_values(["days_overdue", "due_date", "directive_code"],
                                ascending=[False, True, True])
        rows.append({
            "agency": agency,
            "district_group": part["district_group"].iloc[0] or "",
            "missing": len(part),
            "assigned": int(totals.get(agency, 0)),
            "max_days_overdue": int(part["days_overdue"].max()),
            "items": part[["directive_code", "text", "due_date", "days_overdue", "inspector"]]
            .to_dict("records"),
        })
    rows.sort(key=lambda r: (-r["max_days_overdue"], -r["missing"], r["agency"]))
    return rows


# Display states of an assignment's submissions (its status itself is never changed).
FAILED = "failed"              # not_reported, but rows it submitted failed the checks
FAILED_LATER = "failed_later"  # a valid status, and rows submitted later failed the checks
FOLLOWUP_COLUMNS = ["directive_code", "text", "agency", "group", "inspector", "type_code",
                    "due_date", "days_overdue", "rejected_rows", "state", "reminders",
                    "last_reminded"]


def submission_state(assignments: pd.DataFrame) -> pd.Series:
    """Per assignment: ``FAILED`` when its status is ``not_reported`` and some of its
    submissions failed the checks (``rejected_rows`` not empty), ``FAILED_LATER`` when it
    has a valid status and failed rows too, else ``""``. The one place this rule lives."""
    failed = assignments["rejected_rows"].fillna("").astype(str) != ""
    silent = assignments["status"] == "not_reported"
    state = pd.Series("", index=assignments.index, dtype=object)
    state[failed & silent] = FAILED
    state[failed & ~silent] = FAILED_LATER
    return state


def failed_rows(assignments: pd.DataFrame, rejected: pd.DataFrame) -> dict[tuple, list[dict]]:
    """``(directive_code, agency)`` -> the sheet rows of its failed submissions, each with
    the reason, detail and fix from ``rejected`` (the quarantine as it may be published;
    joined on the responses sheet's row numbers)."""
    pairs = assignments.loc[assignments["rejected_rows"].fillna("") != "",
                            ["directive_code", "agency", "rejected_rows"]]
    if not len(pairs):
        return {}
    found = {}
    if len(rejected):
        own = rejected[rejected["source"] == "responses"]
        found = {int(r["row"]): r for r in records(
            own[["row", "reason_label", "detail", "suggestion"]])}
    out: dict[tuple, list[dict]] = {}
    for code, agency, rows in zip(pairs["directive_code"], pairs["agency"],
                                  pairs["rejected_rows"], strict=True):
        out[(code, agency)] = [
            {"row": n, "reason": found.get(n, {}).get("reason_label", ""),
             "detail": found.get(n, {}).get("detail", ""),
             "suggestion": found.get(n, {}).get("suggestion", "")}
            for n in (int(v) for v in str(rows).split(";") if v.strip())]
    return out


def followup_sections(assignments: pd.DataFrame, directives: pd.DataFrame) -> dict:
    """The follow-up list in three sections of assignment records, most overdue first:
    ``never`` (not reported, nothing submitted, overdue), ``failed`` (submitted but every
    submission failed the checks, overdue or not), ``late`` (in progress and overdue);
    and ``not_due``, how many never-submitted assignments are not due yet."""
    texts = directives.set_index("directive_code")["text"]
    frame = assignments.assign(
        text=assignments["directive_code"].map(texts).fillna(""),
        group=group_of(assignments["district_group"]),
        inspector=assignments["inspector"].fillna(""),
        state=submission_state(assignments))
    silent = (frame["status"] == "not_reported") & (frame["state"] != FAILED)
    overdue = frame["days_overdue"] > 0
    chosen = {"never": silent & overdue, "failed": frame["state"] == FAILED,
              "late": (frame["status"] == "in_progress") & overdue}
    out: dict = {"not_due": int((silent & ~overdue).sum())}
    for name, mask in chosen.items():
        part = frame.loc[mask, FOLLOWUP_COLUMNS].sort_values(
            ["days_overdue", "due_date", "agency", "directive_code"],
            ascending=[False, True, True, True], kind="stable")
        out[name] = records(part)
    return out


def schedule_record(assignments: pd.DataFrame, as_of: date, target_pct: float) -> dict:
    """``schedule_kpis`` of any subset as plain data, with ``total`` and ``met`` (the
    on-time share against its target; None when nothing is due yet)."""
    kpis = asdict(schedule_kpis(assignments, as_of, target_pct))
    share = kpis["on_time_report_pct"]
    return {**kpis, "total": len(assignments),
            "met": None if share is None else share >= target_pct}


def schedule_by(assignments: pd.DataFrame, by: str, as_of: date,
                target_pct: float) -> dict[object, dict]:
    """``schedule_record`` for each value of column ``by`` (one groupby, same rule)."""
    return {key: schedule_record(part, as_of, target_pct)
            for key, part in assignments.groupby(by, sort=True)}


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, like ``to_dict("records")``, built from whole columns.

    ``to_dict`` boxes every cell on its own (seconds at 100k rows); ``tolist`` per column
    gives the same Python values (str, int, float, Timestamp) at a fraction of the cost.
    """
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def report_history(reports: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """Every report of each (directive, agency) as records, newest first.

    One sort and one pass over plain records: a groupby into thousands of small frames
    costs a minute at 100k reports.
    """
    ordered = reports.sort_values(["submitted_at", "source_row"], ascending=False,
                                  kind="stable")
    out: dict[tuple[str, str], list[dict]] = {}
    for rec in records(ordered):
        out.setdefault((rec["directive_code"], rec["agency"]), []).append(rec)
    return out


def records_by(frame: pd.DataFrame, key: str) -> dict[object, list[dict]]:
    """The rows of ``frame`` as records grouped by ``key``, in the frame's order."""
    out: dict[object, list[dict]] = {}
    for rec in records(frame):
        out.setdefault(rec[key], []).append(rec)
    return out


def trend_rows(points: list[tuple[str, str, Mapping[str, int]]]) -> list[dict]:
    """(label, as_of, counts) per run -> counts with the share of reported assignments."""
    return [{"label": label, "as_of": as_of, **count_record(counts)}
            for label, as_of, counts in points]


# The escalation page (issue 14): "cannot", and in-progress work that reports obstacles.
REPORT_WORDS = ["result", "obstacles", "obstacle_factors", "obstacle_factors_other"]
OTHER_FACTOR = "other"   # an obstacle the agency typed in itself (obstacle_factors_other)
NO_FACTOR = "none"       # no obstacle factor ticked or typed


def latest_words(assignments: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """``assignments`` with its latest report's ``REPORT_WORDS`` ("" without a report),
    looked up by ``latest_report_id``; the index and row order are kept."""
    ordered = reports.sort_values(["submitted_at", "source_row"], kind="stable")
    words = ordered.drop_duplicates("report_id", keep="last").set_index("report_id")
    ids = assignments["latest_report_id"].fillna("")
    return assignments.assign(**{c: ids.map(words[c]).astype(object).fillna("").astype(str)
                                 for c in REPORT_WORDS})


def obstacle_keys(words: pd.DataFrame) -> list[list[str]]:
    """Per row of ``latest_words``: the obstacle factor codes ticked, ``OTHER_FACTOR`` when
    one was typed in, or ``[NO_FACTOR]`` when neither."""
    ticked = words["obstacle_factors"].fillna("").astype(str).str.split(",")
    other = words["obstacle_factors_other"].fillna("").astype(str).str.strip() != ""
    return [list(dict.fromkeys(c for c in codes if c)) + ([OTHER_FACTOR] if o else [])
            or [NO_FACTOR] for codes, o in zip(ticked, other, strict=True)]


def escalation_sections(assignments: pd.DataFrame, reports: pd.DataFrame) -> dict:
    """``cannot``: every assignment whose latest status is cannot; ``obstacles``: those in
    progress whose latest report names an obstacle (text, a ticked factor or a typed one).
    Each a frame with the report's words, ``group`` and ``inspector``, by directive and
    agency."""
    frame = latest_words(assignments, reports).assign(
        group=group_of(assignments["district_group"]),
        inspector=assignments["inspector"].fillna(""),
        type_code=assignments["type_code"].fillna(""))
    frame["obstacle_keys"] = obstacle_keys(frame)
    named = ((frame["obstacles"].str.strip() != "") | (frame["obstacle_factors"] != "")
             | (frame["obstacle_factors_other"].str.strip() != ""))
    chosen = {"cannot": frame["status"] == "cannot",
              "obstacles": (frame["status"] == "in_progress") & named}
    return {key: frame[mask].sort_values(["directive_code", "agency"], kind="stable")
            for key, mask in chosen.items()}


def obstacle_table(items: pd.DataFrame) -> dict:
    """Assignments per (directive type, obstacle factor) of ``escalation_sections`` rows:
    ``cells`` {(type, factor): n}, ``type_totals`` {type: assignments}, ``factor_totals``
    {factor: assignments naming it}, ``total`` assignments. An assignment counts once in
    each factor it names (``obstacle_keys``), so factor counts may add up to more."""
    long = pd.DataFrame({"type": items["type_code"].fillna("").tolist(),
                         "factor": obstacle_keys(items)}).explode("factor")
    cells = long.groupby(["type", "factor"]).size()
    return {"cells": {key: int(n) for key, n in cells.items()},
            "type_totals": {k: int(n) for k, n in
                            items["type_code"].fillna("").value_counts().items()},
            "factor_totals": {k: int(n) for k, n in long["factor"].value_counts().items()},
            "total": len(items)}
