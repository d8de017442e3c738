"""Personal fields of reports, published only where config allows."""

from __future__ import annotations

import pandas as pd

PERSONAL_FIELDS = ("reporter", "phone", "email")


def redact(reports: pd.DataFrame, publish) -> pd.DataFrame:
    """``reports`` without the personal columns that ``publish`` does not allow."""
    hidden = [f for f in PERSONAL_FIELDS if not getattr(publish, f) and f in reports.columns]
    return reports.drop(columns=hidden)


def redact_cells(rejected: pd.DataFrame, titles_by_field: dict[str, list[str]],
                 publish) -> pd.DataFrame:
    """Quarantined rows without the original cells of unpublished personal fields."""
    hidden = {t for f in PERSONAL_FIELDS if not getattr(publish, f)
              for t in titles_by_field.get(f, [])}
    keep = [c for c in rejected.columns
            if c not in hidden and c.rsplit(" (", 1)[0] not in hidden]
    return rejected[keep]
