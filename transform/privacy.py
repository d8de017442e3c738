"""Personal fields of reports and quarantined rows, published only where config allows."""

from __future__ import annotations

import pandas as pd

from tidtam.core.config import Publish
from tidtam.core.model import QUOTE_COLUMNS, fill_slot
from tidtam.transform.quarantine import CELL_FIELDS, cell_fields

PERSONAL_FIELDS = ("reporter", "phone", "email")
# What a hidden quoted value reads as, per field.
HIDDEN = {"reporter": "(ซ่อนชื่อผู้รายงาน)", "phone": "(ซ่อนเบอร์โทรศัพท์)",
          "email": "(ซ่อนอีเมล)"}


def redact(reports: pd.DataFrame, publish: Publish) -> pd.DataFrame:
    """``reports`` without the personal columns that ``publish`` does not allow."""
    hidden = [f for f in PERSONAL_FIELDS if not getattr(publish, f) and f in reports.columns]
    return reports.drop(columns=hidden)


def redact_cells(rejected: pd.DataFrame, publish: Publish) -> pd.DataFrame:
    """Quarantined rows without the original cells of unpublished personal fields: the
    columns the quarantine records as feeding them (the column mapper's decision, whatever
    the titles look like)."""
    columns = cell_fields(rejected)
    hidden = {c for f in PERSONAL_FIELDS if not getattr(publish, f) for c in columns.get(f, ())}
    return rejected[[c for c in rejected.columns if c not in hidden and c != CELL_FIELDS]]


def public_rejected(rejected: pd.DataFrame, publish: Publish) -> pd.DataFrame:
    """The quarantine as it may be published: unpublished personal cells dropped, and each
    detail's quoted value filled in, or hidden when it is an unpublished personal field
    (decided from the rejection's quoted field, never from the message text)."""
    frame = redact_cells(rejected, publish)
    if not set(QUOTE_COLUMNS) <= set(frame.columns):
        return frame
    hide = {f for f in PERSONAL_FIELDS if not getattr(publish, f)}
    details = [fill_slot(detail, value, HIDDEN[field] if field in hide else None)
               for detail, field, value in zip(frame["detail"], frame["quoted_field"],
                                               frame["quoted_value"], strict=True)]
    return frame.assign(detail=details).drop(columns=QUOTE_COLUMNS)
