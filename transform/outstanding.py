"""What a follow-up memo asks an agency for: each overdue assignment and each assignment
whose submissions all failed the checks, with what to do about it."""

from __future__ import annotations

import pandas as pd

from tidtam.transform.views import FAILED, failed_rows, records, submission_state

NEVER, LATE = "never", "late"  # not reported and overdue; in progress and overdue
ITEM_COLUMNS = ["directive_code", "text", "agency", "agency_kind", "district_group",
                "inspector", "source", "fiscal_year", "due_date", "days_overdue", "kind"]


def outstanding(assignments: pd.DataFrame, directives: pd.DataFrame,
                rejected: pd.DataFrame) -> list[dict]:
    """One record per outstanding assignment (``ITEM_COLUMNS`` and ``failed``: the failed
    submissions' sheet rows with reason, detail and fix), by agency, most overdue first.

    Outstanding: ``schedule == "overdue"``, or ``not_reported`` with rows that failed the
    checks (kind ``failed``, overdue or not). ``rejected`` is the quarantine as it may be
    published (``transform.privacy.public_rejected``): a memo leaves the office.
    """
    state = submission_state(assignments)
    failed = state == FAILED
    chosen = (assignments["schedule"] == "overdue") | failed
    if not chosen.any():
        return []
    texts = directives.set_index("directive_code")["text"]
    part = assignments[chosen]
    kind = pd.Series(NEVER, index=part.index, dtype=object)
    kind[part["status"] == "in_progress"] = LATE
    kind[failed[chosen]] = FAILED
    frame = part.assign(text=part["directive_code"].map(texts).fillna(""), kind=kind,
                        inspector=part["inspector"].fillna(""),
                        district_group=part["district_group"].fillna(""))
    frame = frame.sort_values(["agency", "days_overdue", "due_date", "directive_code"],
                              ascending=[True, False, True, True], kind="stable")
    rows = failed_rows(frame, rejected)
    out = records(frame[ITEM_COLUMNS])
    for item in out:
        item["failed"] = rows.get((item["directive_code"], item["agency"]), [])
    return out
