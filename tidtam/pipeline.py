"""The build: read -> normalize -> KPIs -> render, each stage timed and counted."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam import history
from tidtam.core.config import Config
from tidtam.core.errors import OutputRefused, TidtamError
from tidtam.core.model import Dataset, KPIs, RawSheet, TrendPoint
from tidtam.history import History
from tidtam.render.formats import thai_datetime
from tidtam.render.site import Site, write_site
from tidtam.render.writer import Staging, writing
from tidtam.sync.files import read_source
from tidtam.sync.settings import load_sync_settings
from tidtam.transform.dataset import compute_kpis, normalize

Log = Callable[[str], None]
Sheets = dict[str, RawSheet]


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


def today(config: Config) -> date:
    """Today in the configured timezone (Asia/Bangkok)."""
    return datetime.now(ZoneInfo(config.settings.timezone)).date()


def build(sheets: Sheets | Callable[[], Sheets], config: Config, out_dir: Path,
          as_of: date | None = None, log: Log | None = None, previous: Path | None = None,
          trend: list[TrendPoint] | None = None) -> BuildResult:
    """Normalize ``sheets``, compute the KPIs and write the site into ``out_dir``, swapped
    in whole (a failed build leaves the old site as it was).

    ``sheets`` may be a function that reads them: the raw cells are then dropped as soon
    as they are normalized, and the render gets their memory (at a million rows they
    take gigabytes). Files whose inputs did not change are carried over from
    ``previous`` (default: ``out_dir`` itself), so a rebuild renders only what changed.
    ``trend`` is the status counts of earlier runs (default: those recorded in the history
    database of the config's sync.yaml, when there is one).
    """
    out_dir = Path(out_dir)
    refuse_overlap(out_dir, config=config.dir)
    with writing(out_dir), Staging(out_dir) as staging:
        result = build_staged(sheets, config, staging, as_of, log, previous, trend)
        staging.swap_in()
    return result


def refuse_overlap(out_dir: Path, **folders: Path | None) -> None:
    """Refuse an output folder that is, lies in, or holds one of ``folders`` (the source,
    the config...): replacing it would delete them."""
    out = Path(out_dir).resolve()
    for what, folder in folders.items():
        if folder is None:
            continue
        inside = Path(folder).resolve()
        if out == inside or out.is_relative_to(inside) or inside.is_relative_to(out):
            raise OutputRefused(out_dir, f"overlaps the {what} folder {folder}, which "
                                "replacing it would delete; write the site elsewhere")


def build_staged(sheets: Sheets | Callable[[], Sheets], config: Config, staging: Staging,
                 as_of: date | None = None, log: Log | None = None,
                 previous: Path | None = None,
                 trend: list[TrendPoint] | None = None) -> BuildResult:
    """:func:`build` into ``staging``, which the caller swaps in (or drops) when it decides."""
    log = log or (lambda _msg: None)
    as_of = as_of or today(config)
    trend = recorded_trend(config) if trend is None else trend
    with gc_paused():
        data, kpis = _normalize(sheets, config, as_of, log)
        del sheets
        started = time.perf_counter()
        target = staging.target
        files = write_site(Site(data, kpis, trend), staging.folder,
                           target if previous is None else previous)
        kept = sum(1 for how in files.values() if how == "kept")
        log(f"render: {len(files)} files ({len(files) - kept} rendered, {kept} unchanged) -> "
            f"{target} ({_secs(started)})")
        return BuildResult(kpis=kpis, dataset=data, out_dir=target, files=sorted(files))


def _normalize(sheets: Sheets | Callable[[], Sheets], config: Config, as_of: date,
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


def build_from_source(source: Path, config: Config, out_dir: Path, as_of: date | None = None,
                      log: Log | None = None) -> BuildResult:
    """Read a CSV folder, an .xlsx workbook or a snapshot, then :func:`build`."""
    log = log or (lambda _msg: None)
    refuse_overlap(Path(out_dir), source=source)

    def read() -> Sheets:
        started = time.perf_counter()
        sheets = read_source(source, config)
        rows = ", ".join(f"{role} {len(s.rows)}" for role, s in sheets.items())
        log(f"read: {source} ({rows} rows) ({_secs(started)})")
        return sheets

    return build(read, config, out_dir, as_of, log)


def recorded_trend(config: Config) -> list[TrendPoint] | None:
    """Status counts of every run in the history database of the config's sync.yaml; None
    when there is no database, or it cannot be read (the trend page then says so)."""
    try:
        settings = load_sync_settings(config.dir)
        path = settings.resolve(settings.history.path)
        if not path.is_file():
            return None
        with History(path) as db:
            runs = db.status_trend()
    except (OSError, sqlite3.Error, ValueError, TidtamError):
        # A broken or newer history must not stop the dashboard.
        return None
    return trend_points(runs, config)


def trend_points(runs: list[history.TrendPoint], config: Config) -> list[TrendPoint]:
    """The recorded runs as the trend page draws them, labelled with their start time."""
    tz = ZoneInfo(config.settings.timezone)
    return [TrendPoint(f"รอบ {run.run_id} ({thai_datetime(_local(run.started_at, tz))})",
                       run.as_of or "", dict(run.counts)) for run in runs]


def _local(stamp: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(tz)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector; reference counting still frees memory.

    A build allocates millions of small lists, strings and tuples, and every collection
    walks all the live ones again, over and over at a million rows.
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
