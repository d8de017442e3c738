"""The build: read -> normalize -> KPIs -> render, each stage timed and counted."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.model import Dataset, KPIs, RawSheet
from tidtam.render.site import render_site
from tidtam.sync.files import read_source
from tidtam.transform.dataset import compute_kpis, normalize

Log = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build produced: the KPIs, the normalized tables and where the site is."""

    kpis: KPIs
    dataset: Dataset
    out_dir: Path
    files: list[str]

    @property
    def reports(self) -> pd.DataFrame:
        return self.dataset.reports.reports

    @property
    def assignments(self) -> pd.DataFrame:
        return self.dataset.assignments

    @property
    def rejected(self) -> pd.DataFrame:
        return self.dataset.rejected


def today(config) -> date:
    """Today in the configured timezone (Asia/Bangkok)."""
    return datetime.now(ZoneInfo(config.settings.timezone)).date()


Sheets = dict[str, RawSheet]


def build(sheets: Sheets | Callable[[], Sheets], config, out_dir: Path,
          as_of: date | None = None, log: Log | None = None,
          previous: Path | None = None) -> BuildResult:
    """Normalize ``sheets``, compute the KPIs and write the site into ``out_dir``.

    ``sheets`` may be a function that reads them: the raw cells are then dropped as soon
    as they are normalized, and the render gets their memory (a million rows of cells
    take about 1.5 GB). Pages whose inputs did not change are carried over from
    ``previous`` (default: ``out_dir`` itself), so a rebuild renders only what changed.
    """
    log = log or (lambda _msg: None)
    as_of = as_of or today(config)
    with gc_paused():
        data, kpis = _normalize(sheets, config, as_of, log)
        del sheets
        return _render(data, kpis, Path(out_dir), log, previous)


def _normalize(sheets: Sheets | Callable[[], Sheets], config, as_of: date,
               log: Log) -> tuple[Dataset, KPIs]:
    if callable(sheets):
        sheets = sheets()
    started = time.perf_counter()
    data = normalize(sheets, config, as_of)
    kpis = compute_kpis(data)
    q = kpis.quality["responses"]
    log(f"normalize: {q.rows} response rows -> {q.accepted} reports, "
        f"{q.rejected} quarantined, {q.blank} blank; {kpis.directives} directives, "
        f"{kpis.assignments_total} assignments ({_secs(started)})")
    return data, kpis


def _render(data: Dataset, kpis: KPIs, out_dir: Path, log: Log,
            previous: Path | None) -> BuildResult:
    started = time.perf_counter()
    files = render_site(data, kpis, out_dir, previous=previous)
    kept = sum(1 for how in files.values() if how == "kept")
    log(f"render: {len(files)} files ({len(files) - kept} rendered, {kept} unchanged) -> "
        f"{out_dir} ({_secs(started)})")
    return BuildResult(kpis=kpis, dataset=data, out_dir=out_dir, files=sorted(files))


def build_from_source(source: Path, config, out_dir: Path, as_of: date | None = None,
                      log: Log | None = None) -> BuildResult:
    """Read a CSV folder, an .xlsx workbook or a snapshot, then :func:`build`."""
    log = log or (lambda _msg: None)

    def read() -> Sheets:
        started = time.perf_counter()
        sheets = read_source(source, config)
        rows = ", ".join(f"{role} {len(s.rows)}" for role, s in sheets.items())
        log(f"read: {source} ({rows} rows) ({_secs(started)})")
        return sheets

    return build(read, config, out_dir, as_of, log)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector; reference counting still frees memory.

    A build allocates millions of small lists, strings and tuples, and every collection
    walks all the live ones again: at 1M rows the collector took half of the read time.
    The build creates almost no reference cycles, so nothing piles up meanwhile. The
    previous state is restored afterwards (a nested pause leaves it paused).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _secs(started: float) -> str:
    return f"{time.perf_counter() - started:.2f}s"
