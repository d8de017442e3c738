"""What the changes page and the weekly meeting pages list, since an earlier recorded run:
pure pandas over the assignments, the change frame (transform/changes.py) and the reports."""

from __future__ import annotations

import pandas as pd

# The kinds a page lists on their own; the rest (first reports, new or removed
# assignments, in progress again) are listed together as "other".
OWN_KINDS = ("done", "cannot", "back")


def page_kind(kind: str) -> str:
    """The section a change kind is listed under: its own, or ``other``."""
    return kind if kind in OWN_KINDS else "other"


def silent_overdue(assignments: pd.DataFrame, changes: pd.DataFrame | None) -> pd.DataFrame:
    """Assignments not reported both at the baseline and now (so not in ``changes``) and past
    their due date, most overdue first."""
    a = assignments[(assignments["status"] == "not_reported") & (assignments["days_overdue"] > 0)]
    if changes is not None and len(changes):
        changed = pd.MultiIndex.from_frame(changes[["directive_code", "agency"]])
        a = a[~pd.MultiIndex.from_frame(a[["directive_code", "agency"]]).isin(changed)]
    return a.sort_values(["days_overdue", "directive_code"], ascending=[False, True])


def overdue(assignments: pd.DataFrame) -> pd.DataFrame:
    """Assignments past due and still open (not reported or in progress), most overdue first."""
    a = assignments[assignments["days_overdue"] > 0]
    return a.sort_values(["days_overdue", "directive_code"], ascending=[False, True])


def kind_counts(changes: pd.DataFrame | None) -> dict[str, int]:
    """How many changes of each page section (``done``, ``cannot``, ``back``, ``other``)."""
    counts = {k: 0 for k in (*OWN_KINDS, "other")}
    if changes is not None:
        for kind, n in changes["kind"].value_counts().items():
            counts[page_kind(str(kind))] += int(n)
    return counts


def per_agency(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, list[dict]]]:
    """``{agency: {name: [rows]}}`` from frames with an ``agency`` column, one pass each."""
    out: dict[str, dict[str, list[dict]]] = {}
    for name, frame in frames.items():
        for agency, part in frame.groupby("agency", sort=False):
            out.setdefault(str(agency), {})[name] = part.to_dict("records")
    return out
