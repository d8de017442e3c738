"""The sync job: pull -> snapshot -> build -> record -> publish, under a lock.

Each stage logs one line with its counts and duration. A failing stage stops the run with
its one-line reason (and exit code, see tidtam/errors.py); the run is recorded in the
history with the stage that failed. Nothing is published unless the build succeeded, and
every publish target keeps its previous site when publishing fails.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tidtam.core.errors import ConfigError, TidtamError
from tidtam.core.model import KPIs

Log = Callable[[str], None]
REQUIRED_ROLES = ("directives", "responses")


@dataclass(frozen=True)
class SyncOptions:
    """What `tidtam sync` was asked to do (None: take it from config)."""

    config_dir: Path | None = None
    out_dir: Path | None = None
    as_of: date | None = None
    spreadsheet: str | None = None
    key_file: Path | None = None
    publish: bool = True


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


def tab_requests(settings: Any, config: Any, spreadsheet: str | None) -> list:
    """The tabs to pull: every role with a spreadsheet (``spreadsheet`` overrides config)."""
    from tidtam.sync.settings import FILE_NAME
    from tidtam.sync.sheets import TabRequest, spreadsheet_key

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


def run_sync(options: SyncOptions, log: Log, drive_transport: Any = None) -> SyncResult:
    """Run the whole job once; raise a TidtamError (one line, exit code) when a stage fails."""
    from tidtam.core.config import load_config
    from tidtam.history import History
    from tidtam.lock import run_lock
    from tidtam.sync.settings import load_sync_settings

    log = _stamped(log)
    config = load_config(options.config_dir)
    settings = load_sync_settings(config.dir)
    tabs = tab_requests(settings, config, options.spreadsheet)
    out_dir = options.out_dir or Path("site")
    source = "sheets:" + ",".join(f"{t.spreadsheet_id}!{t.tab}" for t in tabs)
    with run_lock(settings.resolve(settings.lock.path)):
        with History(settings.resolve(settings.history.path)) as history:
            interrupted = history.mark_interrupted()
            if interrupted:
                log(f"history: {interrupted} earlier run(s) had stopped midway; marked interrupted")
            run_id = history.start_run(source, options.as_of)
            job = _Job(options, settings, config, history, run_id, out_dir, log)
            return job.run(tabs, drive_transport)


@dataclass
class _Job:
    """One run's stages, sharing what they need."""

    options: SyncOptions
    settings: Any
    config: Any
    history: Any
    run_id: int
    out_dir: Path
    log: Log
    stage: str = "start"

    def run(self, tabs: list, drive_transport: Any) -> SyncResult:
        """Run the stages; record the outcome whatever happens."""
        started = time.perf_counter()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        for leftover in self.out_dir.parent.glob(
            ".tidtam-build-*"
        ):  # a killed run's; we hold the lock
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=".tidtam-build-", dir=self.out_dir.parent))
        try:
            result = self._stages(tabs, staging / "site", drive_transport)
        except TidtamError as exc:
            self.history.finish_run(self.run_id, "failed", stage=self.stage, error=exc.message)
            self.log(f"{self.stage}: failed: {exc.message}")
            raise
        except BaseException as exc:  # Ctrl-C, SIGTERM via KeyboardInterrupt, or a bug
            outcome = "failed" if isinstance(exc, Exception) else "interrupted"
            self.history.finish_run(self.run_id, outcome, stage=self.stage, error=repr(exc))
            self.log(f"{self.stage}: {outcome}: {exc!r}")
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.history.finish_run(self.run_id, "ok", published=", ".join(result.published))
        self.log(f"sync: run {self.run_id} ok ({_secs(started)})")
        return result

    def _stages(self, tabs: list, site: Path, drive_transport: Any) -> SyncResult:
        from tidtam.pipeline import build
        from tidtam.sync.retry import RetryPolicy
        from tidtam.sync.sheets import find_key_file, load_service_account, pull
        from tidtam.sync.snapshot import prune_snapshots, read_snapshot, save_snapshot

        settings, google = self.settings, self.settings.google
        policy = RetryPolicy.from_settings(google)

        self.stage, t = "pull", time.perf_counter()
        configured = settings.resolve(google.key_file) if google.key_file else None
        key_file = find_key_file(self.options.key_file, configured)
        self._refuse_published_key(key_file)
        account = load_service_account(key_file)
        pulled = pull(tabs, account, policy)
        books = len({t.spreadsheet_id for t in tabs})
        self.log(
            f"pull: {len(pulled.tabs)} tabs from {books} spreadsheet(s), "
            f"{pulled.row_count()} rows, {pulled.requests} request(s) ({_secs(t)})"
        )

        self.stage, t = "snapshot", time.perf_counter()
        snapshots_dir = settings.resolve(settings.snapshots.dir)
        snapshot = save_snapshot(pulled, snapshots_dir)
        pruned = prune_snapshots(snapshots_dir, settings.snapshots.keep)
        self.log(f"snapshot: {snapshot} (removed {len(pruned)} old) ({_secs(t)})")

        # Build from what was saved, so a snapshot always rebuilds to the same site.
        self.stage, t = "build", time.perf_counter()
        requests = pulled.requests
        del pulled  # the snapshot has it; the build's memory matters more
        # The last published site is the previous build: unchanged pages are carried over.
        built = build(lambda: read_snapshot(snapshot).sheets(), self.config, site,
                      self.options.as_of, log=self.log, previous=self.out_dir)
        self.log(f"build: {len(built.files)} files ({_secs(t)})")

        self.stage, t = "record", time.perf_counter()
        stats = self.history.record_build(
            self.run_id, built.reports, built.assignments, built.kpis, snapshot
        )
        self.log(
            f"record: run {self.run_id}, {stats.new_reports} new reports, "
            f"{stats.changed_assignments} assignment changes ({_secs(t)})"
        )

        self.stage = "publish"
        published = self._publish(site, account, policy, drive_transport)
        return SyncResult(
            run_id=self.run_id,
            snapshot=snapshot,
            kpis=built.kpis,
            new_reports=stats.new_reports,
            changed_assignments=stats.changed_assignments,
            published=published,
            requests=requests,
        )

    def _refuse_published_key(self, key_file: Path) -> None:
        """A key inside a folder that gets published would leak: refuse to run at all."""
        folders = [self.out_dir]
        if self.settings.publish.folder:
            folders.append(self.settings.resolve(self.settings.publish.folder))
        key = key_file.resolve()
        for folder in folders:
            if key.is_relative_to(folder.resolve()):
                raise ConfigError(
                    key_file, f"the service-account key is inside {folder}, which is "
                    "published; move it out (e.g. to secrets/) and set google.key_file")

    def _publish(self, site: Path, account: Any, policy: Any, transport: Any) -> list[str]:
        from tidtam.publish import describe, publish_drive, publish_folder

        t = time.perf_counter()
        publish_folder(site, self.out_dir)
        done = [str(self.out_dir)]
        target = self.settings.publish
        if self.options.publish and target.folder:
            done.append(str(publish_folder(site, self.settings.resolve(target.folder))))
        if self.options.publish and target.drive.folder_id:
            uploads = publish_drive(
                site, target.drive.folder_id, target.drive.file_name, account, policy, transport
            )
            done.append(f"drive:{target.drive.folder_id} ({describe(uploads)})")
        skipped = "" if self.options.publish else " (--no-publish: targets skipped)"
        self.log(f"publish: {'; '.join(done)}{skipped} ({_secs(t)})")
        return done


def open_history(config_dir: Path | None) -> Any:
    """The history database named in ``config_dir``/sync.yaml (it must exist already)."""
    from tidtam.core.config import load_config
    from tidtam.history import History
    from tidtam.sync.settings import load_sync_settings

    config = load_config(config_dir)
    settings = load_sync_settings(config.dir)
    path = settings.resolve(settings.history.path)
    if not path.is_file():
        raise TidtamError(f"no history yet at {path}: run `tidtam sync` (or `make sync`) first")
    return config, History(path)


def first_report(config_dir: Path | None, agency: str, directive: str) -> Any:
    """When did ``agency`` (any accepted spelling) first report on ``directive``."""
    from tidtam.transform.agencies import AgencyDirectory

    config, history = open_history(config_dir)
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
