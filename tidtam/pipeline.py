"""The build: read -> normalize -> KPIs -> render, each stage timed and counted."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam import history
from tidtam.core.config import Config
from tidtam.core.errors import ConfigError, OutputRefused, TidtamError
from tidtam.core.model import Baseline, Changes, Dataset, KPIs, RawSheet, TrendPoint
from tidtam.history import History
from tidtam.lock import run_lock
from tidtam.render.site import Site, write_site
from tidtam.render.writer import Staging, writing
from tidtam.sync.files import read_source
from tidtam.sync.settings import load_sync_settings
from tidtam.transform.changes import compare
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
    changes: Changes | None = None

    @property
    def reports(self) -> pd.DataFrame:
        return self.dataset.reports.reports

    @property
    def assignments(self) -> pd.DataFrame:
        return self.dataset.assignments

    @property
    def rejected(self) -> pd.DataFrame:
        return self.dataset.rejected


@dataclass(frozen=True)
class Past:
    """What earlier recorded runs give a build: the trend (None: no history to read) and the
    run to compare with (None: none recorded before)."""

    trend: list[TrendPoint] | None = None
    baseline: Baseline | None = None
    reminders: pd.DataFrame | None = None  # the reminder log's counts per assignment


def today(config: Config) -> date:
    """Today in the configured timezone (Asia/Bangkok)."""
    return datetime.now(ZoneInfo(config.settings.timezone)).date()


def build(sheets: Sheets | Callable[[], Sheets], config: Config, out_dir: Path,
          as_of: date | None = None, log: Log | None = None, previous: Path | None = None,
          past: Past | None = None, memos: bool = False) -> BuildResult:
    """Normalize ``sheets``, compute the KPIs and write the site into ``out_dir``, swapped
    in whole (a failed build leaves the old site as it was).

    ``sheets`` may be a function that reads them: the raw cells are then dropped as soon
    as they are normalized, and the render gets their memory (at a million rows they
    take gigabytes). Files whose inputs did not change are carried over from
    ``previous`` (default: ``out_dir`` itself), so a rebuild renders only what changed.
    ``past`` is what earlier runs recorded (default: read from the history database of the
    config's sync.yaml, when there is one: the trend, and the latest run dated before
    ``as_of`` to compare with).
    """
    out_dir = Path(out_dir)
    refuse_overlap(out_dir, config=config.dir)
    with writing(out_dir), Staging(out_dir) as staging:
        result = build_staged(sheets, config, staging, as_of, log, previous, past, memos)
        staging.swap_in()
    return result


def _memos(data: Dataset, config: Config, as_of: date, log: Log) -> list:
    from tidtam.memos import site_memos  # the memos module builds on this one

    made = site_memos(data, config, as_of)
    log(f"memos: {len(made)} follow-up memos (Word and PDF) for the site")
    return made


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
                 previous: Path | None = None, past: Past | None = None,
                 memos: bool = False) -> BuildResult:
    """:func:`build` into ``staging``, which the caller swaps in (or drops) when it decides."""
    log = log or (lambda _msg: None)
    as_of = as_of or today(config)
    if past is None:
        past = read_past(configured_history(config), config, as_of)
    with gc_paused():
        data, kpis = _normalize(sheets, config, as_of, log, past.reminders)
        del sheets
        changes = None
        if past.baseline is not None:
            changes = compare(past.baseline, data.assignments, kpis, as_of)
            kpis = replace(kpis, change=changes.kpis)
            log(f"change: {len(changes.frame)} assignments changed status since the run "
                f"of {changes.since.isoformat()}")
        trend = _without_day(past.trend, as_of)
        started = time.perf_counter()
        target = staging.target
        site = Site(data, kpis, trend, changes, memos=_memos(data, config, as_of, log)
                    if memos else None)
        files = write_site(site, staging.folder,
                           target if previous is None else previous)
        kept = sum(1 for how in files.values() if how == "kept")
        log(f"render: {len(files)} files ({len(files) - kept} rendered, {kept} unchanged) -> "
            f"{target} ({_secs(started)})")
        return BuildResult(kpis=kpis, dataset=data, out_dir=target, files=sorted(files),
                           changes=changes)


def _normalize(sheets: Sheets | Callable[[], Sheets], config: Config, as_of: date,
               log: Log, reminders: pd.DataFrame | None = None) -> tuple[Dataset, KPIs]:
    if callable(sheets):
        sheets = sheets()
    started = time.perf_counter()
    data = normalize(sheets, config, as_of, reminders)
    kpis = compute_kpis(data)
    q = kpis.quality["responses"]
    log(f"normalize: {q.rows} response rows -> {q.accepted} reports, "
        f"{q.rejected} quarantined, {q.blank} blank; {kpis.directives} directives, "
        f"{kpis.assignments_total} assignments ({_secs(started)})")
    return data, kpis


@dataclass(frozen=True)
class BuildOptions:
    """What a build does beyond the site: which history database it reads (None: the one
    sync.yaml names), whether it records itself there as a run, the date to compare with
    (None: the latest run dated before the build's as-of date), and whether it writes the
    follow-up memos into the site."""

    path: Path | None = None
    record: bool = False
    since: date | None = None
    memos: bool = False  # also write the follow-up memos into the site (memos/)


def build_from_source(source: Path, config: Config, out_dir: Path, as_of: date | None = None,
                      log: Log | None = None, use: BuildOptions | None = None) -> BuildResult:
    """Read a CSV folder, an .xlsx workbook or a snapshot, then :func:`build` (recorded in
    the history database as a run, as `sync` records one, when ``use.record``)."""
    log = log or (lambda _msg: None)
    use = use or BuildOptions()
    refuse_overlap(Path(out_dir), source=source)
    as_of = as_of or today(config)
    path = use.path or configured_history(config)

    def read() -> Sheets:
        started = time.perf_counter()
        sheets = read_source(source, config)
        rows = ", ".join(f"{role} {len(s.rows)}" for role, s in sheets.items())
        log(f"read: {source} ({rows} rows) ({_secs(started)})")
        return sheets

    if use.record:
        return _recorded(read, config, Path(out_dir), as_of, log, path, use,
                         f"build:{source}")
    if use.since and (path is None or not path.is_file()):
        raise ConfigError(path or config.dir, "--since needs a history database, and there "
                          "is none yet: record builds with --record (or run sync) first")
    return build(read, config, out_dir, as_of, log,
                 past=read_past(path, config, as_of, use.since), memos=use.memos)


def _recorded(read: Callable[[], Sheets], config: Config, out_dir: Path, as_of: date,
              log: Log, path: Path, use: BuildOptions, source: str) -> BuildResult:
    """Build, then record the build as a run, as `sync` does: the run is logged when it
    starts, its reports, changes and KPIs are stored in one transaction, and the site is
    swapped in only after that (a failure leaves the old site and a ``failed`` run)."""
    refuse_overlap(out_dir, history=path)
    settings = load_sync_settings(config.dir)
    with run_lock(settings.resolve(settings.lock.path)), History(path) as db, \
            writing(out_dir), Staging(out_dir) as staging:
        run_id = db.start_run(source, as_of)
        stage = "build"
        try:
            past = past_of(db, config, as_of, use.since, exclude=run_id)
            result = build_staged(read, config, staging, as_of, log, past=past,
                                  memos=use.memos)
            stage = "record"
            stats = db.record_build(run_id, result.reports, result.assignments, result.kpis,
                                    as_of=as_of)
            staging.swap_in()
        except BaseException as exc:
            outcome = "interrupted" if not isinstance(exc, Exception) else "failed"
            message = exc.message if isinstance(exc, TidtamError) else repr(exc)
            db.finish_run(run_id, outcome, stage=stage, error=message)
            raise
        db.finish_run(run_id, "ok", published=str(out_dir))
    log(f"record: run {run_id} in {path}, {stats.new_reports} new reports, "
        f"{stats.changed_assignments} assignments with a new status or report")
    return result


def configured_history(config: Config) -> Path | None:
    """The history database sync.yaml names (None when the config has no sync.yaml)."""
    try:
        settings = load_sync_settings(config.dir)
    except TidtamError:
        return None
    return settings.resolve(settings.history.path)


def read_past(path: Path | None, config: Config, as_of: date,
              since: date | None = None) -> Past:
    """The trend and the baseline from the history at ``path``; no history (no file, or
    one that cannot be read) gives an empty past: a broken history must not stop the
    dashboard. A ``since`` date with no run on or before it is an error, though."""
    if path is None or not path.is_file():
        return Past()
    try:
        with History(path) as db:
            return past_of(db, config, as_of, since)
    except (OSError, sqlite3.Error, ValueError) as exc:
        if since:
            raise ConfigError(path, f"cannot read the history database ({exc})") from None
        return Past()
    except TidtamError:
        if since:
            raise
        return Past()


def past_of(db: History, config: Config, as_of: date, since: date | None = None,
            exclude: int | None = None) -> Past:
    """The trend of every recorded run, and the run to compare with: the latest one dated
    before ``as_of``, or with ``since``, the latest one dated on or before it."""
    if since:
        baseline = db.baseline(on_or_before=since, exclude=exclude)
        if baseline is None:
            first = next(iter(db.status_trend()), None)
            hint = f"; the earliest is of {first.as_of}" if first else "; none is recorded"
            raise ConfigError(db.path, f"no recorded run is dated on or before "
                              f"{since.isoformat()}{hint}")
    else:
        baseline = db.baseline(before=as_of, exclude=exclude)
    return Past(trend=trend_points(db.status_trend()), baseline=baseline,
                reminders=db.reminder_counts(until=as_of))


def trend_points(runs: list[history.TrendPoint]) -> list[TrendPoint]:
    """The recorded runs as the trend page draws them: one point per date (its last run)."""
    by_day = {run.as_of: TrendPoint(run.as_of, dict(run.counts), dict(run.kpis))
              for run in runs}
    return [by_day[day] for day in sorted(by_day)]


def _without_day(trend: list[TrendPoint] | None, as_of: date) -> list[TrendPoint] | None:
    """The trend without a recorded point of this build's own date: the build replaces it."""
    if trend is None:
        return None
    return [p for p in trend if p.as_of != as_of.isoformat()]


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
