"""What changed since an earlier recorded run: every assignment whose status differs, what
kind of change it is, and the deltas of the seed KPIs.

The comparison is a plain outer join of two status tables on (directive, agency), so
``changes.csv`` is, by construction, the difference of the two builds' ``assignments.csv``:
an assignment new since the baseline has an empty ``from_status``; one the register no
longer assigns has an empty ``to_status``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.model import CHANGE_COLUMNS, TREND_KPIS, Baseline, ChangeKPIs, Changes, KPIs

KEYS = ["directive_code", "agency"]
# How far along a status is: a change to a lower rank "went back" (สถานะเปลี่ยนกลับ).
PROGRESS = {"not_reported": 0, "in_progress": 1, "done": 2, "cannot": 2}
# Change kinds, in the order pages list them.
KINDS = ("done", "cannot", "back", "started", "new", "removed", "other")


def kind_of(before: str, after: str) -> str:
    """The kind of a status change (``before``/``after`` are status keys, "" for none).

    - ``new``: the register assigns the pair only now; ``removed``: no longer.
    - ``done`` / ``cannot``: now done / now cannot (from anything else).
    - ``back``: now less far along than before (e.g. done -> in progress).
    - ``started``: a first report, in progress; ``other``: anything else.
    """
    if not before:
        return "new"
    if not after:
        return "removed"
    if PROGRESS[after] < PROGRESS[before]:
        return "back"
    if after in ("done", "cannot"):
        return after
    if before == "not_reported":
        return "started"
    return "other"


def status_changes(before: pd.DataFrame, after: pd.DataFrame, from_as_of: date,
                   to_as_of: date) -> pd.DataFrame:
    """Every (directive, agency) whose status differs between two status tables
    (columns directive_code, agency, status), sorted by agency then directive; CHANGE_COLUMNS
    plus ``kind``."""
    joined = before[[*KEYS, "status"]].merge(after[[*KEYS, "status"]], on=KEYS, how="outer",
                                             suffixes=("_from", "_to"))
    joined = joined.fillna({"status_from": "", "status_to": ""})
    differs = joined[joined["status_from"] != joined["status_to"]]
    frame = pd.DataFrame({
        "directive_code": differs["directive_code"].astype(str),
        "agency": differs["agency"].astype(str),
        "from_status": differs["status_from"].astype(str),
        "to_status": differs["status_to"].astype(str),
        "from_as_of": from_as_of.isoformat(),
        "to_as_of": to_as_of.isoformat(),
    }, columns=CHANGE_COLUMNS)
    frame["kind"] = [kind_of(b, a) for b, a in zip(frame["from_status"], frame["to_status"],
                                                     strict=True)]
    return frame.sort_values(["agency", "directive_code"], kind="stable").reset_index(drop=True)


def trend_kpis(kpis: KPIs) -> dict[str, float | int | None]:
    """The seed KPIs a run keeps (TREND_KPIS), read from a build's KPI record."""
    values = {**kpis.as_dict(), **kpis.schedule.__dict__}
    return {name: values.get(name) for name in TREND_KPIS}


def _delta(now: float | int | None, then: float | int | None, digits: int = 1):
    if now is None or then is None:
        return None
    difference = now - then
    return round(difference, digits) if isinstance(difference, float) else difference


def compare(baseline: Baseline, assignments: pd.DataFrame, kpis: KPIs,
            as_of: date) -> Changes:
    """This build against ``baseline``: the changed assignments and the KPI deltas."""
    now = trend_kpis(kpis)
    then = baseline.kpis
    change = ChangeKPIs(
        since=baseline.as_of.isoformat(),
        reporting_rate_pct=_delta(now["reporting_rate_pct"], then.get("reporting_rate_pct")),
        assignments_reported_pct=_delta(now["assignments_reported_pct"],
                                        then.get("assignments_reported_pct")),
        satisfaction_pct=_delta(now["satisfaction_pct"], then.get("satisfaction_pct")),
        assignments_overdue=_delta(now["assignments_overdue"],
                                   then.get("assignments_overdue")),
    )
    frame = status_changes(baseline.statuses, assignments, baseline.as_of, as_of)
    return Changes(since=baseline.as_of, frame=frame, kpis=change)


def reports_since(reports: pd.DataFrame, since: date, tz: str) -> pd.DataFrame:
    """Reports submitted after the end of ``since`` (in ``tz``): what is new since then."""
    end = pd.Timestamp(datetime.combine(since, time(23, 59, 59), tzinfo=ZoneInfo(tz)))
    stamps = reports["submitted_at"]
    return reports[stamps.notna() & (stamps > end)]
