"""The data/ folder: the four tables as CSV files and as one workbook, and kpis.json.

Personal fields appear only where config allows. The CSV files are for machines (English
headers, ISO dates: a contract); the workbook is for people (render/people.py: Thai headers
and labels, Buddhist-era dates): the people's table of assignments, then the directives,
the reports and the quarantined rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time

import pandas as pd

from tidtam.core import cells
from tidtam.core.model import CHANGE_COLUMNS, Changes, Dataset, KPIs, Output
from tidtam.render import exports
from tidtam.render import people as people_module
from tidtam.render.digest import bytes_hash, code_hash
from tidtam.render.exports import write_csv, write_xlsx
from tidtam.render.formats import iso_frame
from tidtam.render.pages import SOURCE_LABELS
from tidtam.render.people import (
    EXPORT_FILE,
    PEOPLE_SHEET,
    export_script,
    people_sheets,
    people_table,
    thai_headers,
)
from tidtam.transform.privacy import public_rejected, redact

KPIS_FILE = "data/kpis.json"
CHANGES_FILE = "data/changes.csv"
XLSX_FILE = "data/tidtam-data.xlsx"


def data_files(data: Dataset, kpis: KPIs, changes: Changes | None = None) -> Iterator[Output]:
    """kpis.json, changes.csv, a CSV file per table, the people's table for the overview's
    export, then the workbook of the tables."""
    content = kpis_json(kpis)
    yield Output(KPIS_FILE, bytes_hash(content), lambda path: path.write_bytes(content))
    # Every assignment whose status differs from the run compared with (headers only when
    # there is no such run).
    changed = changes.frame[CHANGE_COLUMNS] if changes else pd.DataFrame(columns=CHANGE_COLUMNS)
    yield Output(CHANGES_FILE, None, lambda target: write_csv(changed, target))
    tables = export_tables(data)
    csv_files = tuple(f"data/{name}.csv" for name in tables)
    for path, frame in zip(csv_files, tables.values(), strict=True):
        # Streamed to disk, its digest is that of its bytes: at a million reports the
        # text would not fit in memory twice.
        yield Output(path, None, lambda target, f=frame: write_csv(f, target))
    # The people's table, for the overview's filtered CSV (see render/people.py).
    people = people_table(data)
    yield Output(EXPORT_FILE, None, lambda target: target.write_bytes(export_script(people)))
    # The workbook is for people: the people's table, then the directives, reports and
    # quarantined rows with Thai headers, labels and Buddhist-era dates (render/people.py).
    # It says what the CSV files and the people's table say: their digests tell whether it
    # changed, without writing every sheet again.
    stamp = datetime.combine(data.as_of, time())
    sheets = {PEOPLE_SHEET: thai_headers(people),
              **people_sheets(tables, data.config.taxonomy, SOURCE_LABELS)}
    # the formula rule is core's (core/cells.py); the sheets' headers and labels people.py's
    code = code_hash(exports, cells, people_module).encode()
    names = json.dumps(SOURCE_LABELS, ensure_ascii=False).encode()  # the sheets' names
    yield Output(XLSX_FILE, bytes_hash(code, stamp.isoformat().encode(), names),
                 lambda path: write_xlsx(sheets, stamp, path),
                 derived_from=(*csv_files, EXPORT_FILE))


def export_tables(data: Dataset) -> dict[str, pd.DataFrame]:
    """The full data for CSV and Excel: personal fields only as config allows, times as
    ISO text."""
    publish = data.config.settings.publish
    return {
        "assignments": iso_frame(data.assignments),
        "directives": iso_frame(data.register.directives),
        "reports": iso_frame(redact(data.reports.reports, publish)),
        "rejected": published_rejected(data),
    }


def published_rejected(data: Dataset) -> pd.DataFrame:
    """The quarantine as it may be published (see ``transform/privacy.public_rejected``)."""
    return public_rejected(data.rejected, data.config.settings.publish)


def kpis_json(kpis: KPIs) -> bytes:
    return json.dumps(kpis.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
