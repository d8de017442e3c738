"""Files people open in Excel: UTF-8 with BOM, and no cell that Excel would run."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is a formula to Excel/Sheets (OWASP CSV injection);
# tab and carriage return start one after a separator.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Prefix a quote so a text cell is shown, never evaluated."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralized (numbers and dates are left alone)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV text with a BOM (Excel then reads Thai correctly) and neutralized cells.

    Lines end in CRLF (RFC 4180): the csv writer then quotes every cell holding a CR or
    LF. With a bare LF terminator a cell like ``'<CR>=1`` is written unquoted and a reader
    starts a new row at the CR, whose first cell ``=1`` is a live formula again.
    """
    text = neutralize_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
