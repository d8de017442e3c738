"""The sync job: pull -> snapshot -> build -> record -> writeback -> publish, under a lock.

Each stage logs one line with its counts and duration. A failing stage stops the run with
its one-line reason (and exit code, see core/errors.py); the run is recorded in the history
with the stage that failed. The build is staged beside the local site and swapped in only
at the publish stage, after the run is recorded; every publish target keeps its previous
site when publishing fails.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httplib2

from tidtam.core.config import Config, load_config
from tidtam.core.errors import (
    ConfigError,
    HistoryDamaged,
    ShrinkRefused,
    TidtamError,
    WriteError,
)
from tidtam.core.model import REQUIRED_ROLES, KPIs
from tidtam.history import History, RecordStats, ReportAnswer
from tidtam.lock import run_lock
from tidtam.pipeline import BuildResult, build_staged, past_of, refuse_overlap, today
from tidtam.publish import describe, publish_drive, publish_folder
from tidtam.render.atomic import check_replaceable
from tidtam.render.writer import MANIFEST, Staging, writing
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.settings import FILE_NAME, SyncSettings, load_sync_settings
from tidtam.sync.sheets import (
    Pull,
    ServiceAccount,
    TabRequest,
    find_key_file,
    load_service_account,
    pull,
    spreadsheet_key,
)
from tidtam.sync.snapshot import prune_snapshots, read_snapshot, save_snapshot
from tidtam.sync.writeback import Table, write_back
from tidtam.sync.writeback import target as writeback_target
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.writeback import fix_rows, status_rows

Log = Callable[[str], None]


@dataclass(frozen=True)
class SyncOptions:
    """What `tidtam sync` was asked to do (None: take it from config)."""

    config_dir: Path | None = None
    out_dir: Path | None = None
    as_of: date | None = None
    spreadsheet: str | None = None
    key_file: Path | None = None
    publish: bool = True
    force: bool = False  # publish even far fewer reports than the last published run
    since: date | None = None  # compare with the latest run on or before (None: the last)
    memos: bool = False  # also write the follow-up memos into the site (memos/)

# A sync publishes no site with fewer accepted reports than this share of the last one's.
SHRINK_LIMIT = 0.5


@dataclass
class SyncResult:
    """What a finished sync did."""

    run_id: int
    snapshot: Path
    kpis: KPIs
    new_reports: int
    changed_assignments: int
    published: list[str] = field(default_factory=list)
    requests: int = 0


def _stamped(log: Log) -> Log:
    """Prefix every log line with the local time, for cron mail and journald alike."""
    return lambda message: log(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {message}")


def _secs(started: float) -> str:
    return f"{time.perf_counter() - started:.2f}s"


def tab_requests(settings: SyncSettings, config: Config,
                 spreadsheet: str | None) -> list[TabRequest]:
    """The tabs to pull: every role with a spreadsheet (``spreadsheet`` overrides config)."""
    tabs = []
    for role, tab in config.form.tabs.model_dump().items():
        if spreadsheet:
            key = spreadsheet_key(spreadsheet, "--spreadsheet")
        elif settings.google.spreadsheets.get(role, "").strip():
            value = settings.google.spreadsheets[role]
            key = spreadsheet_key(value, f"{FILE_NAME}: google.spreadsheets.{role}")
        elif role in REQUIRED_ROLES:
            raise ConfigError(
                config.dir / FILE_NAME,
                f"google.spreadsheets.{role} is empty: paste the URL of the spreadsheet that "
                f"holds the {tab!r} tab, or pass --spreadsheet",
            )
        else:
            continue
        tabs.append(TabRequest(role, key, tab))
    return tabs


def run_sync(options: SyncOptions, log: Log,
             drive_transport: httplib2.Http | None = None) -> SyncResult:
    """Run the whole job once; raise a TidtamError (one line, exit code) when a stage fails."""
    log = _stamped(log)
    config = load_config(options.config_dir)
    settings = load_sync_settings(config.dir)
    tabs = tab_requests(settings, config, options.spreadsheet)
    writeback = writeback_target(settings.writeback, tabs, config.dir)
    out_dir = options.out_dir or Path("site")
    source = "sheets:" + ",".join(f"{t.spreadsheet_id}!{t.tab}" for t in tabs)
    _refuse_key_early(options, settings, out_dir)  # the more useful message comes first
    check_outputs(out_dir, config, settings)
    history_path = settings.resolve(settings.history.path)
    with run_lock(settings.resolve(settings.lock.path)), History(history_path) as history:
        try:
            interrupted = history.mark_interrupted()
            if interrupted:
                log(f"history: {interrupted} earlier run(s) had stopped midway; marked interrupted")
            run_id = history.start_run(source, options.as_of)
            job = _Job(options, settings, config, history, run_id, out_dir, log,
                       writeback=writeback)
            with writing(out_dir):
                return job.run(tabs, drive_transport)
        except sqlite3.OperationalError as exc:  # disk full, I/O error, no permission
            raise WriteError(f"cannot write the history database {history_path} ({exc}); "
                             "the site is unchanged: free some space or fix write "
                             "permission, then run again") from None
        except sqlite3.DatabaseError as exc:
            raise HistoryDamaged(history_path, f"the history database is damaged ({exc}); "
                                 "the site is unchanged: move the file away (a new one is "
                                 "started) or restore it from a backup") from None


def _refuse_key_early(options: SyncOptions, settings: SyncSettings, out_dir: Path) -> None:
    """A key inside a published folder is refused before the folders are judged (the pull
    stage checks again; a key that cannot be found is the pull's to report)."""
    google = settings.google
    try:
        key_file = find_key_file(options.key_file,
                                 settings.resolve(google.key_file) if google.key_file else None)
    except TidtamError:
        return
    refuse_published_key(key_file, out_dir, settings)


def refuse_published_key(key_file: Path, out_dir: Path, settings: SyncSettings) -> None:
    """A key inside a folder that gets published would leak: refuse to run at all."""
    folders = [out_dir]
    if settings.publish.folder:
        folders.append(settings.resolve(settings.publish.folder))
    key = key_file.resolve()
    for folder in folders:
        if key.is_relative_to(folder.resolve()):
            raise ConfigError(
                key_file, f"the service-account key is inside {folder}, which is "
                "published; move it out (e.g. to secrets/) and set google.key_file")


def check_outputs(out_dir: Path, config: Config, settings: SyncSettings) -> None:
    """Before anything runs: the site and the publish folder must be folders tidtam may
    replace, and apart from the config, the snapshots and the history."""
    keep = {"config": config.dir, "snapshots": settings.resolve(settings.snapshots.dir),
            "history": settings.resolve(settings.history.path).parent}
    refuse_overlap(out_dir, **keep)
    check_replaceable(out_dir, MANIFEST)
    if settings.publish.folder:
        folder = settings.resolve(settings.publish.folder)
        refuse_overlap(folder, site=out_dir, **keep)
        check_replaceable(folder, MANIFEST)


@dataclass
class _Job:
    """One run's stages, sharing what they need."""

    options: SyncOptions
    settings: SyncSettings
    config: Config
    history: History
    run_id: int
    out_dir: Path
    log: Log
    stage: str = "start"
    writeback: str | None = None  # the write-back spreadsheet's key (None: off)

    def run(self, tabs: list[TabRequest], drive_transport: httplib2.Http | None) -> SyncResult:
        """Run the stages; record the outcome whatever happens."""
        started = time.perf_counter()
        try:
            with Staging(self.out_dir) as staging:
                result = self._stages(tabs, staging, drive_transport)
        except TidtamError as exc:
            self.history.finish_run(self.run_id, "failed", stage=self.stage, error=exc.message)
            self.log(f"{self.stage}: failed: {exc.message}")
            raise
        except BaseException as exc:  # Ctrl-C, SIGTERM via KeyboardInterrupt, or a bug
            outcome = "failed" if isinstance(exc, Exception) else "interrupted"
            self.history.finish_run(self.run_id, outcome, stage=self.stage, error=repr(exc))
            self.log(f"{self.stage}: {outcome}: {exc!r}")
            raise
        self.history.finish_run(self.run_id, "ok", published=", ".join(result.published))
        self.log(f"sync: run {self.run_id} ok ({_secs(started)})")
        return result

    def _stages(self, tabs: list[TabRequest], staging: Staging,
                drive_transport: httplib2.Http | None) -> SyncResult:
        policy = RetryPolicy.from_settings(self.settings.google)
        account, pulled = self._pull(tabs, policy)
        snapshot = self._snapshot(pulled)
        requests = pulled.requests
        del pulled  # the snapshot has it; the build's memory matters more
        built = self._build(snapshot, staging)
        self._guard(built)
        stats = self._record(built, snapshot)
        self._writeback(built, account, policy)
        self.stage = "publish"
        published = self._publish(staging, account, policy, drive_transport)
        return SyncResult(run_id=self.run_id, snapshot=snapshot, kpis=built.kpis,
                          new_reports=stats.new_reports,
                          changed_assignments=stats.changed_assignments,
                          published=published, requests=requests)

    def _pull(self, tabs: list[TabRequest], policy: RetryPolicy) -> tuple[ServiceAccount, Pull]:
        self.stage, t = "pull", time.perf_counter()
        google = self.settings.google
        configured = self.settings.resolve(google.key_file) if google.key_file else None
        key_file = find_key_file(self.options.key_file, configured)
        refuse_published_key(key_file, self.out_dir, self.settings)
        account = load_service_account(key_file)
        pulled = pull(tabs, account, policy)
        books = len({t.spreadsheet_id for t in tabs})
        self.log(f"pull: {len(pulled.tabs)} tabs from {books} spreadsheet(s), "
                 f"{pulled.row_count()} rows, {pulled.requests} request(s) ({_secs(t)})")
        return account, pulled

    def _snapshot(self, pulled: Pull) -> Path:
        self.stage, t = "snapshot", time.perf_counter()
        snapshots_dir = self.settings.resolve(self.settings.snapshots.dir)
        snapshots_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # names and phones
        snapshot = save_snapshot(pulled, snapshots_dir)
        private(snapshot)
        pruned = prune_snapshots(snapshots_dir, self.settings.snapshots.keep)
        self.log(f"snapshot: {snapshot} (removed {len(pruned)} old) ({_secs(t)})")
        return snapshot

    def _build(self, snapshot: Path, staging: Staging) -> BuildResult:
        """Build from what was saved, so a snapshot always rebuilds to the same site; the
        local site is the previous build, whose unchanged files are carried over."""
        self.stage, t = "build", time.perf_counter()
        as_of = self.options.as_of or today(self.config)
        past = past_of(self.history, self.config, as_of, self.options.since, exclude=self.run_id)
        built = build_staged(lambda: read_snapshot(snapshot).sheets(), self.config, staging,
                             as_of, log=self.log, past=past, memos=self.options.memos)
        self.log(f"build: {len(built.files)} files ({_secs(t)})")
        return built

    def _guard(self, built: BuildResult) -> None:
        """Refuse to publish far fewer accepted reports than the last published run (a
        cleared responses tab): the old site stays, unless --force."""
        self.stage = "guard"
        before = self.history.last_published_reports()
        now = built.kpis.reports_accepted
        if before and now < before * SHRINK_LIMIT and not self.options.force:
            raise ShrinkRefused(
                f"this run accepted {now} reports, fewer than half of the {before} the last "
                f"published run had (was the responses tab cleared?); the published site is "
                "unchanged: check the sheet, or run `tidtam sync --force` to publish anyway")
        if before and now < before * SHRINK_LIMIT:
            self.log(f"guard: {now} reports after {before}; published anyway (--force)")

    def _record(self, built: BuildResult, snapshot: Path) -> RecordStats:
        self.stage, t = "record", time.perf_counter()
        stats = self.history.record_build(self.run_id, built.reports, built.assignments,
                                          built.kpis, snapshot,
                                          date.fromisoformat(built.kpis.as_of))
        self.log(f"record: run {self.run_id}, {stats.new_reports} new reports, "
                 f"{stats.changed_assignments} assignments with a new status or report "
                 f"({_secs(t)})")
        return stats

    def _writeback(self, built: BuildResult, account: ServiceAccount,
                   policy: RetryPolicy) -> None:
        """Rewrite the write-back tabs (sync.yaml writeback:) before anything is published:
        when Google refuses, the run fails and every site stays as the last run left it."""
        if self.writeback is None:
            return
        self.stage, t = "writeback", time.perf_counter()
        if not self.options.publish:
            self.log("writeback: skipped (--no-publish)")
            return
        tabs = self.settings.writeback
        done = write_back(self.writeback, [Table(tabs.status_tab, status_rows(built.dataset)),
                                           Table(tabs.fix_tab, fix_rows(built.dataset))],
                          account, policy)
        added = f", created {', '.join(done.added)}" if done.added else ""
        self.log(f"writeback: {done.rows} rows to {' and '.join(done.tabs)} of "
                 f"{done.spreadsheet_id}{added}, {done.requests} request(s) ({_secs(t)})")

    def _publish(self, staging: Staging, account: ServiceAccount, policy: RetryPolicy,
                 transport: httplib2.Http | None) -> list[str]:
        """Swap the build in as the local site, then copy it to the folder and Drive."""
        t = time.perf_counter()
        staging.swap_in()
        site = self.out_dir
        done = [str(site)]
        target = self.settings.publish
        if self.options.publish and target.folder:
            done.append(str(publish_folder(site, self.settings.resolve(target.folder))))
        if self.options.publish and target.drive.folder_id:
            uploads = publish_drive(site, target.drive.folder_id, target.drive.file_name,
                                    account, policy, transport)
            done.append(f"drive:{target.drive.folder_id} ({describe(uploads)})")
        skipped = "" if self.options.publish else " (--no-publish: targets skipped)"
        self.log(f"publish: {'; '.join(done)}{skipped} ({_secs(t)})")
        return done


def open_history(config_dir: Path | None, path: Path | None = None) -> tuple[Config, History]:
    """The history database at ``path`` or, by default, the one named in
    ``config_dir``/sync.yaml (it must exist already)."""
    config = load_config(config_dir)
    if path is None:
        settings = load_sync_settings(config.dir)
        path = settings.resolve(settings.history.path)
    if not path.is_file():
        raise TidtamError(f"no history yet at {path}: run `tidtam sync` (or `make sync`, or "
                          "`tidtam build --record`) first")
    return config, History(path)


def first_report(config_dir: Path | None, agency: str, directive: str,
                 path: Path | None = None) -> ReportAnswer:
    """When did ``agency`` (any accepted spelling) first report on ``directive``."""
    config, history = open_history(config_dir, path)
    directory = AgencyDirectory(config.agencies)
    name = directory.resolve(agency)
    if name is None:
        close = directory.suggest(agency)
        hint = f" (closest: {close})" if close else ""
        history.close()
        raise TidtamError(f"unknown agency {agency!r}{hint}; use a name from agencies.yaml")
    with history:
        answer = history.agency_reports(name, directive.strip())
    if answer is None:
        raise TidtamError(f"{name} has not reported on {directive} in any recorded run")
    return answer


def private(folder: Path) -> None:
    """Make a folder tidtam wrote readable by its owner only (0700, files 0600)."""
    folder.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            os.chmod(os.path.join(root, name), 0o600)
