"""Files people open in Excel: UTF-8 with BOM, and no cell that Excel would run."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from tidtam.core.cells import FORMULA, neutralize
from tidtam.core.cells import FORMULA_START as FORMULA_START  # the rule is core's (one place)


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every header and text cell neutralized (numbers and dates are left
    alone)."""
    out = frame.copy()
    out.columns = [neutralize(str(c)) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(neutralize)
        elif pd.api.types.is_string_dtype(out[col]):  # only text: each distinct value once
            out[col] = per_distinct(out[col], neutralize)
    return out


def per_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computed once per distinct value (missing values stay missing).

    For text columns only: ``factorize`` would merge ``1``, ``1.0`` and ``True`` in a
    mixed object column.
    """
    codes, uniques = pd.factorize(values)
    mapped = np.array([*map(fn, uniques.tolist()), np.nan], dtype=object)  # code -1: missing
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def write_csv(frame: pd.DataFrame, target: Path | IO[str]) -> None:
    """CSV text with a BOM (Excel then reads Thai correctly) and neutralized cells, written
    in chunks (a million reports as one string would take gigabytes).

    Lines end in CRLF (RFC 4180): the csv writer then quotes every cell holding a CR or
    LF. With a bare LF terminator a cell like ``'<CR>=1`` is written unquoted and a reader
    starts a new row at the CR, whose first cell ``=1`` is a live formula again.
    """
    neutralize_frame(frame).to_csv(target, index=False, lineterminator="\r\n",
                                   encoding="utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame], stamp: datetime) -> bytes:
    """:func:`write_xlsx` into memory (for tests and small tables)."""
    buffer = io.BytesIO()
    write_xlsx(sheets, stamp, buffer)
    return buffer.getvalue()


def write_xlsx(sheets: dict[str, pd.DataFrame], stamp: datetime,
               target: Path | IO[bytes]) -> None:
    """A workbook with one sheet per frame; text cells neutralized, control characters gone.

    The sheet XML is built column-wise with pandas string operations (openpyxl, cell by
    cell, is far too slow for a million reports). Text is stored as inline strings,
    numbers as numbers; the header row is frozen. The same data gives the same bytes
    (``stamp`` is the workbook's date, zip entries carry a fixed one).
    """
    sheets = split_long(sheets)
    names = [_sheet_name(title, i) for i, title in enumerate(sheets, start=1)]
    parts = {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": _CORE.format(stamp=f"{stamp:%Y-%m-%dT%H:%M:%SZ}"),
        "xl/workbook.xml": _WORKBOOK.format(sheets="".join(
            f'<sheet name="{_xml(n)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1))),
        "xl/_rels/workbook.xml.rels": _workbook_rels(len(sheets)),
        "xl/styles.xml": _STYLES,
    }
    # Level 1: a third of the time of the default level for a file about 40% larger.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in parts.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(entry, text.encode("utf-8"), compresslevel=1)
        for i, frame in enumerate(sheets.values(), start=1):  # streamed, chunk by chunk
            entry = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry._compresslevel = 1
            with book.open(entry, "w", force_zip64=True) as sheet:
                for chunk in _sheet_chunks(frame):
                    sheet.write(chunk.encode("utf-8"))


SHEET_ROWS = 1_048_576  # Excel's rows per sheet, the header row included


def split_long(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Sheets longer than Excel allows continue in ``<title> (2)``, ``(3)``, ... (Excel
    refuses to open a sheet past row 1,048,576; every part repeats the header)."""
    rows = SHEET_ROWS - 1
    out: dict[str, pd.DataFrame] = {}
    for title, frame in sheets.items():
        if len(frame) <= rows:
            out[title] = frame
            continue
        for part, start in enumerate(range(0, len(frame), rows), start=1):
            suffix = f" ({part})" if part > 1 else ""
            out[_sheet_name(title, 0)[:31 - len(suffix)] + suffix] = frame.iloc[start:start + rows]
    return out


# Characters XML 1.0 forbids (openpyxl refuses them too).
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")


def _sheet_name(title: str, index: int) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31]
    return name or f"Sheet{index}"


def _column_cells(values: pd.Series) -> pd.Series:
    """Each value of a column as one <c> element (no cell reference: it is optional)."""
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values):
        finite = values.notna()
        text = values.astype(object).map(lambda v: repr(v.item() if hasattr(v, "item") else v))
        return ("<c><v>" + text + "</v></c>").where(finite, "<c/>")
    # str() of each value, '' for a missing one (astype("string") maps None/NaN to <NA>).
    text = values.astype("string").fillna("").astype(object)
    # Each distinct text is formatted once: statuses, agencies and codes repeat in every row.
    codes, uniques = pd.factorize(text)  # no missing values left: every code is >= 0
    cells = _text_cells(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    return pd.Series(cells[codes], index=values.index, dtype=object)


def _text_cells(text: pd.Series) -> pd.Series:
    # Control characters go first, so none can hide a formula from neutralizing.
    text = text.str.replace(_ILLEGAL, "", regex=True)
    starts = text.str.match(FORMULA)
    text = text.where(~starts, "'" + text)
    escaped = text.str.replace("&", "&amp;", regex=False).str.replace(
        "<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False)
    cells = '<c t="inlineStr"><is><t xml:space="preserve">' + escaped + "</t></is></c>"
    return cells.where(text != "", "<c/>")


SHEET_CHUNK = 20_000  # rows formatted at a time: memory stays bounded at any size


def _sheet_chunks(frame: pd.DataFrame) -> Iterator[str]:
    """A worksheet's XML in pieces of at most ``SHEET_CHUNK`` rows."""
    header = "".join(f'<c t="inlineStr"><is><t>'
                     f'{_xml(str(neutralize(re.sub(_ILLEGAL, "", str(c)))))}</t></is></c>'
                     for c in frame.columns)
    yield _SHEET_HEAD + f"<sheetData><row>{header}</row>"
    for start in range(0, len(frame), SHEET_CHUNK):
        part = frame.iloc[start:start + SHEET_CHUNK]
        # Each row joined once (adding column after column copied every row many times).
        columns = [_column_cells(part[col]).tolist() for col in part.columns]
        yield "".join([f"<row>{''.join(cells)}</row>" for cells in zip(*columns, strict=True)])
    yield "</sheetData></worksheet>"



def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            f'package.core-properties+xml"/>{sheets}</Types>')


def _workbook_rels(n: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
            f'schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId'
            f'{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'styles" Target="styles.xml"/></Relationships>')


_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
              'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://'
              'schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
              'Target="docProps/core.xml"/></Relationships>')
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="'
         'http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="'
         'http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>tidtam</dc:creator>'
         '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified '
         'xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://'
             'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
             '</workbook>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://'
           'schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val='
           '"11"/><name val="Tahoma"/></font></fonts><fills count="2"><fill><patternFill '
           'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
           '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId='
           '"0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
           'xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView '
               'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
               'state="frozen"/></sheetView></sheetViews>')
