"""The whole sync job against fakes of Sheets and Drive, with the real pipeline."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import responses
import yaml
from conftest import AS_OF, SAMPLE
from fixtures.google.fake_google import (
    FakeDriveHttp,
    FakeSheets,
    error_body,
    tabs_from_xlsx,
    write_key_file,
)

from tidtam import publish
from tidtam.core.errors import GoogleError, LockedError, SourceError, WriteError
from tidtam.history import History
from tidtam.job import SyncOptions, run_sync
from tidtam.lock import run_lock
from tidtam.pipeline import build_from_source

ROOT = Path(__file__).resolve().parents[1]

KEY = "1SampleSpreadsheetKey0000000000000000000000"
FOLDER = "1FolderOnSharedDrive"


class Project:
    """A project folder with its own config, a fake Google and a list of log lines."""

    def __init__(self, root: Path, sheets: FakeSheets, drive: FakeDriveHttp):
        self.root, self.sheets, self.drive = root, sheets, drive
        self.lines: list[str] = []

    def sync(self, **options) -> object:
        """Run the job with this project's config."""
        options.setdefault("as_of", AS_OF)
        opts = SyncOptions(config_dir=self.root / "config", out_dir=self.root / "site", **options)
        return run_sync(opts, self.lines.append, drive_transport=self.drive)

    def db(self) -> sqlite3.Connection:
        """The history database, read directly."""
        conn = sqlite3.connect(self.root / "var" / "history.sqlite")
        conn.row_factory = sqlite3.Row
        return conn

    def count(self, table: str) -> int:
        """Rows in a history table."""
        return self.db().execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def project(tmp_path):
    """Config pointing at a fake spreadsheet that holds the sample's cells."""
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("sync.yaml"))
    key_file = write_key_file(tmp_path)
    sync = {
        "google": {
            "key_file": str(key_file),
            "spreadsheets": dict.fromkeys(("directives", "responses", "satisfaction"), KEY),
            "retry": {"attempts": 3, "initial_wait_seconds": 0.001, "max_wait_seconds": 0.01},
        },
        "publish": {"folder": "www/tidtam", "drive": {"folder_id": FOLDER}},
    }
    (config / "sync.yaml").write_text(yaml.safe_dump(sync, allow_unicode=True))
    (tmp_path / "www").mkdir()
    drive = FakeDriveHttp()
    drive.add_folder(FOLDER)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sheets = FakeSheets(rsps)
        sheets.add_book(KEY, tabs_from_xlsx(SAMPLE / "tidtam-sample.xlsx"))
        yield Project(tmp_path, sheets, drive)


def kpis(site: Path) -> dict:
    """A site's data/kpis.json."""
    return json.loads((site / "data" / "kpis.json").read_text(encoding="utf-8"))


def test_sync_gives_the_same_kpis_as_build_on_the_csv_download(project, sample_site):
    result = project.sync()

    assert kpis(project.root / "site") == kpis(sample_site)
    assert result.kpis.as_dict() == kpis(sample_site)
    assert kpis(project.root / "www" / "tidtam") == kpis(sample_site)
    [page] = [f for f in project.drive.files.values() if f.name.endswith(".html")]
    # Drive gets the self-contained overview: it must open alone, with no other file.
    assert page.content == (project.root / "site" / "tidtam-overview.html").read_bytes()
    html = page.content.decode("utf-8")
    assert 'src="' not in html and "<link" not in html
    assert result.requests == len(project.sheets.batch_gets) == 1


def test_the_snapshot_rebuilds_to_the_same_site(project, config, tmp_path):
    result = project.sync()

    rebuilt = build_from_source(result.snapshot, config, tmp_path / "rebuilt", AS_OF)

    assert rebuilt.kpis == result.kpis
    for name in ("index.html", "data/reports.csv", "data/assignments.csv"):
        assert (tmp_path / "rebuilt" / name).read_bytes() == (
            project.root / "site" / name
        ).read_bytes()


def test_one_line_per_stage_with_counts(project):
    project.sync()

    stages = [line.split(" ", 2)[2].split(":")[0] for line in project.lines]
    for stage in ("pull", "snapshot", "build", "record", "publish", "sync"):
        assert stage in stages
    [pull] = [line for line in project.lines if " pull: " in line]
    assert "3 tabs from 1 spreadsheet(s), 1137 rows, 1 request(s)" in pull


def test_running_twice_adds_nothing(project):
    first = project.sync()
    tables = {t: project.count(t) for t in ("reports", "assignment_changes")}

    second = project.sync()

    assert first.new_reports == tables["reports"] > 0
    assert (second.new_reports, second.changed_assignments) == (0, 0)
    assert {t: project.count(t) for t in tables} == tables
    assert [r["outcome"] for r in project.db().execute("SELECT outcome FROM runs")] == ["ok"] * 2
    assert len(project.drive.files) == 1  # updated in place, not duplicated


def test_interrupted_publish_keeps_the_old_site_and_a_consistent_history(project, monkeypatch):
    project.sync()
    www = project.root / "www" / "tidtam"
    before = {p: p.read_bytes() for p in sorted(www.rglob("*")) if p.is_file()}
    responses_tab = project.sheets.books[KEY].tabs["การตอบแบบฟอร์ม 1"]
    responses_tab.append(list(responses_tab[1]))
    responses_tab[-1][0] += 300  # the same report again, 300 days later: a new report
    real_copy2 = shutil.copy2

    def interrupt_www(src, dst, **kwargs):
        if "/www/" in str(dst):
            raise KeyboardInterrupt  # Ctrl-C or a stopped service, mid-copy
        return real_copy2(src, dst, **kwargs)

    monkeypatch.setattr(publish.shutil, "copy2", interrupt_www)
    with pytest.raises(KeyboardInterrupt):
        project.sync()

    assert {p: p.read_bytes() for p in sorted(www.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in www.parent.iterdir()) == [".tidtam.lock", "tidtam"]
    db = project.db()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    run = dict(db.execute("SELECT * FROM runs ORDER BY run_id DESC").fetchone())
    assert (run["outcome"], run["failed_stage"], run["new_reports"]) == (
        "interrupted",
        "publish",
        1,
    )

    monkeypatch.setattr(publish.shutil, "copy2", real_copy2)
    again = project.sync()

    assert again.new_reports == 0  # the interrupted run had recorded it, once
    assert kpis(www)["reports_accepted"] == kpis(project.root / "site")["reports_accepted"]


def test_a_failed_record_leaves_every_site_as_it_was(project, monkeypatch):
    project.sync()
    sites = [project.root / "site", project.root / "www" / "tidtam"]
    before = [{p: p.read_bytes() for p in sorted(s.rglob("*")) if p.is_file()} for s in sites]
    responses_tab = project.sheets.books[KEY].tabs["การตอบแบบฟอร์ม 1"]
    responses_tab.append(list(responses_tab[1]))
    responses_tab[-1][0] += 300  # a new report: the build differs from the published site

    def disk_fails(*_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(History, "record_build", disk_fails)
    with pytest.raises(WriteError):  # one line, exit 5
        project.sync()

    assert [{p: p.read_bytes() for p in sorted(s.rglob("*")) if p.is_file()}
            for s in sites] == before
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".")) == [
        ".site.lock"]
    run = dict(project.db().execute("SELECT * FROM runs ORDER BY run_id DESC").fetchone())
    assert (run["outcome"], run["failed_stage"]) == ("failed", "record")


def test_a_failed_pull_is_recorded_and_publishes_nothing(project):
    project.sheets.books[KEY].shared = False

    with pytest.raises(GoogleError, match="is not shared with the service account"):
        project.sync()

    [run] = project.db().execute("SELECT * FROM runs").fetchall()
    assert (run["outcome"], run["failed_stage"]) == ("failed", "pull")
    assert "press Share" in run["error"]
    assert not (project.root / "site").exists()
    assert list((project.root / "www").iterdir()) == []
    assert not (project.root / "var" / "snapshots").exists()
    assert project.lines[-1].endswith("pull: failed: " + run["error"])


def test_a_failed_build_keeps_the_snapshot_and_publishes_nothing(project):
    tab = project.sheets.books[KEY].tabs["การตอบแบบฟอร์ม 1"]
    tab[0] = ["คอลัมน์" if c == "ประทับเวลา" else c for c in tab[0]]

    with pytest.raises(SourceError):
        project.sync()

    [run] = project.db().execute("SELECT * FROM runs").fetchall()
    assert (run["outcome"], run["failed_stage"]) == ("failed", "build")
    assert len(list((project.root / "var" / "snapshots").iterdir())) == 1
    assert not (project.root / "site").exists()
    assert project.drive.files == {}


def test_retries_inside_a_sync(project):
    project.sheets.fail_next((429, error_body("429")), (503, error_body("503")))

    assert project.sync().requests == 3


def test_no_publish_updates_only_the_local_site(project):
    project.sync(publish=False)

    assert (project.root / "site" / "index.html").is_file()
    assert list((project.root / "www").iterdir()) == []
    assert project.drive.files == {}


def test_spreadsheet_override_serves_all_tabs(project):
    other = "1AnotherSpreadsheet000000000000000000000000"
    project.sheets.books[other] = project.sheets.books.pop(KEY)

    result = project.sync(spreadsheet=f"https://docs.google.com/spreadsheets/d/{other}/edit")

    assert result.requests == 1
    assert project.sheets.batch_gets[0]["ranges"][0] == "'ข้อสั่งการ'"


def test_a_second_run_waits_for_nobody(project):
    with run_lock(project.root / "var" / "tidtam.lock"):
        with pytest.raises(LockedError):
            project.sync()

    assert not (project.root / "var" / "history.sqlite").exists()


# -- the command line -----------------------------------------------------------------
def cli_run(project: Project, *args: str) -> object:
    """Run `tidtam ...` in-process against the project's config and fakes."""
    from click.testing import CliRunner

    import tidtam.job
    from tidtam.cli import cli

    real = tidtam.job.run_sync

    def with_fake_drive(options, log, drive_transport=None):
        return real(options, log, drive_transport=project.drive)

    tidtam.job.run_sync = with_fake_drive
    try:
        return CliRunner().invoke(cli, [*args, "--config", str(project.root / "config")])
    finally:
        tidtam.job.run_sync = real


def test_cli_sync_then_ask_the_history(project):
    out = str(project.root / "site")

    synced = cli_run(project, "sync", "--out", out, "--as-of", "2024-07-31")

    assert synced.exit_code == 0, synced.output
    assert synced.stdout.startswith("synced (run 1): reporting rate ")
    assert " pull: 3 tabs from 1 spreadsheet(s)" in synced.stderr
    row = (
        project.db()
        .execute(
            "SELECT agency, directive_code, submitted_at, result FROM reports "
            "WHERE agency LIKE 'สำนักงานเขต%' ORDER BY submitted_at LIMIT 1"
        )
        .fetchone()
    )
    short = row["agency"].replace("สำนักงานเขต", "เขต")

    asked = cli_run(project, "history", "first-report", "--agency", short,
                    "--directive", row["directive_code"])  # fmt: skip

    assert asked.exit_code == 0, asked.output
    assert asked.stdout.splitlines()[1] == (
        f"first: {row['submitted_at']} [{_status(project, row)}] {row['result']}"
    )
    trend = cli_run(project, "history", "trend").stdout.splitlines()
    assert trend[0] == ("run_id,started_at,as_of,done,in_progress,cannot,not_reported,"
                        "reporting_rate_pct,assignments_reported_pct,satisfaction_pct,"
                        "on_time_report_pct,assignments_overdue")
    assert trend[1].split(",")[-5] == "60.29"  # the run's reporting rate, recorded
    assert trend[1].split(",")[2] == "2024-07-31"
    assert "\tok\t" in cli_run(project, "history", "runs").stdout


def _status(project: Project, row) -> str:
    return (
        project.db()
        .execute(
            "SELECT status FROM reports WHERE agency = ? AND directive_code = ? "
            "ORDER BY submitted_at LIMIT 1",
            (row["agency"], row["directive_code"]),
        )
        .fetchone()[0]
    )


@pytest.mark.parametrize(
    ("arrange", "code", "message"),
    [
        (
            lambda p: setattr(p.sheets.books[KEY], "shared", False),
            4,
            f"Error: spreadsheet {KEY} is not shared with the service account: open it, press "
            "Share and add tidtam-sync@tidtam-test.iam.gserviceaccount.com as Viewer",
        ),
        (lambda p: p.sheets.books.clear(), 4, f"Error: spreadsheet {KEY} not found: check"),
        (
            lambda p: p.sheets.books[KEY].tabs.pop("ความพึงพอใจ"),
            3,
            f"Error: spreadsheet {KEY} has no tab 'ความพึงพอใจ' (for satisfaction)",
        ),
    ],
)
def test_cli_sync_failures_are_one_line(project, arrange, code, message):
    arrange(project)

    result = cli_run(project, "sync", "--out", str(project.root / "site"))

    assert result.exit_code == code
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error.startswith(message)
    assert "Traceback" not in result.output


def test_cli_history_before_any_sync(project):
    result = cli_run(project, "history", "runs")

    assert result.exit_code == 1
    assert "no history yet at " in result.stderr


def test_a_second_sync_renders_only_what_changed(project):
    project.sync()
    project.lines.clear()
    project.sync()
    render = next(line for line in project.lines if " render: " in line)
    # Same data: pages are carried over from the published site; only the trend page (one
    # more run in the history) and the manifest are written anew.
    rendered, kept = (int(n) for n in re.search(r"\((\d+) rendered, (\d+) unchanged\)",
                                                render).groups())
    assert rendered <= 2 and kept >= 100, render


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_sync_with_memos_publishes_them_with_the_site(project):
    """The scheduled job can carry the follow-up memos too: in the local site and in the
    published folder, linked from the follow-up list, as `build --memos` does."""
    project.sync(memos=True)

    for site in (project.root / "site", project.root / "www" / "tidtam"):
        index = json.loads((site / "memos" / "index.json").read_text(encoding="utf-8"))
        assert index["memos"], site
        for memo in index["memos"]:
            assert (site / "memos" / memo["pdf"]).stat().st_size > 0
            assert (site / "memos" / memo["docx"]).stat().st_size > 0
        followup = (site / "followup.html").read_text(encoding="utf-8")
        assert f'href="memos/{index["memos"][0]["pdf"]}"' in followup
    assert any(" memos: " in line for line in project.lines)
