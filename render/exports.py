"""Files people open in Excel: UTF-8 with BOM, and no cell that Excel would run."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

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


def xlsx_bytes(sheets: dict[str, pd.DataFrame], stamp: datetime) -> bytes:
    """A workbook with one sheet per frame; text cells neutralized, control characters gone.

    Written in openpyxl's write-only mode: rows stream out, so memory stays flat at a
    million reports. The same data gives the same bytes (``stamp`` is the workbook's
    created/modified time, zip entries carry a fixed date), so unchanged data is never
    re-published.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = stamp
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            # Control characters go first, so none can hide a formula from neutralize().
            sheet.append([neutralize(_xlsx_cell(v, ILLEGAL_CHARACTERS_RE)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_dates(buffer.getvalue(), stamp)


def _fixed_dates(data: bytes, stamp: datetime) -> bytes:
    """The same zip with every entry dated 1980-01-01 (zip's epoch) instead of now, and the
    workbook's modified time (openpyxl sets it to now on save) set to ``stamp``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                                 rb"\g<1>" + f"{stamp:%Y-%m-%dT%H:%M:%SZ}".encode(), content)
            target.writestr(entry, content)
    return out.getvalue()


def _xlsx_cell(value: object, illegal) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return illegal.sub("", value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
