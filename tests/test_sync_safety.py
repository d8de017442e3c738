"""Issue 11 rows 4 (publish folder), 8 (damaged history), 10, 16 (file modes), 17 (a sync
that would publish far fewer reports), and printable `history runs`."""

# ruff: noqa: F811
from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import SAMPLE
from fixtures.google.fake_google import tabs_from_xlsx
from test_job import KEY, cli_run, project  # noqa: F401, F811  (the fixture)

from tidtam.core.errors import ConfigError, LockedError, ShrinkRefused
from tidtam.history import History
from tidtam.render.writer import Staging


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def site_bytes(site: Path) -> dict:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def responses_header_only(project, keep: int = 0) -> None:
    tabs = tabs_from_xlsx(SAMPLE / "tidtam-sample.xlsx")
    name = "การตอบแบบฟอร์ม 1"
    tabs[name] = tabs[name][:1 + keep]
    project.sheets.add_book(KEY, tabs)


# -- row 4: the publish folder ----------------------------------------------------------
def test_a_publish_folder_with_documents_is_refused_before_anything(project):
    www = project.root / "www" / "tidtam"
    www.mkdir()
    (www / "minutes.docx").write_bytes(b"meeting minutes")

    with pytest.raises(ConfigError) as raised:
        project.sync()

    assert raised.value.exit_code == 2
    assert "publish.folder" in raised.value.message or str(www) in raised.value.message
    assert [p.name for p in www.iterdir()] == ["minutes.docx"]
    assert not (project.root / "site").exists()


# -- row 8: a damaged history -------------------------------------------------------------
def test_a_history_damaged_in_place_is_one_line_and_keeps_the_site(project):
    project.sync()
    before = site_bytes(project.root / "site")
    db = project.root / "var" / "history.sqlite"
    data = bytearray(db.read_bytes())
    for start in range(0, len(data), 4096):  # garbage over every page, the header kept
        data[start + 200:start + 3000] = b"\xde\xad\xbe\xef" * 700
    db.write_bytes(bytes(data))

    result = cli_run(project, "sync", "--out", str(project.root / "site"),
                     "--as-of", "2024-07-31")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(db) in result.output.strip().splitlines()[-1]
    assert site_bytes(project.root / "site") == before


# -- row 10: sync and build on one output ----------------------------------------------
def test_a_sync_cannot_run_beside_a_writer_of_its_output(project):
    with Staging(project.root / "site"), pytest.raises(LockedError):
        project.sync()


# -- row 16: personal data is private to its owner -----------------------------------------
def test_history_snapshots_and_lock_are_private(project):
    project.sync()
    var = project.root / "var"
    assert mode(var) == 0o700
    assert mode(var / "history.sqlite") == 0o600
    assert mode(var / "tidtam.lock") == 0o600
    assert mode(var / "snapshots") == 0o700
    snapshots = [p for p in (var / "snapshots").rglob("*")]
    assert snapshots
    for path in snapshots:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    for extra in var.glob("history.sqlite-*"):
        assert mode(extra) == 0o600
    assert mode(project.root / "site") == 0o755  # the site itself stays readable


# -- row 17: a sync that would publish far fewer reports ----------------------------------
def test_a_cleared_responses_tab_is_not_published(project):
    project.sync()
    site, www = project.root / "site", project.root / "www" / "tidtam"
    before, published = site_bytes(site), site_bytes(www)
    responses_header_only(project)

    with pytest.raises(ShrinkRefused) as raised:
        project.sync()

    assert raised.value.exit_code == 7
    assert "--force" in raised.value.message
    assert site_bytes(site) == before and site_bytes(www) == published
    with History(project.root / "var" / "history.sqlite") as db:
        last = db.runs(1)[0]
    assert last["outcome"] == "failed"
    assert last["failed_stage"] == "guard"
    assert "--force" in last["error"]


def test_force_publishes_the_smaller_site(project):
    project.sync()
    responses_header_only(project, keep=10)

    result = project.sync(force=True)

    assert result.kpis.reports_accepted < 20


def test_cli_exit_code_7(project):
    project.sync()
    responses_header_only(project)
    out = str(project.root / "site")

    refused = cli_run(project, "sync", "--out", out, "--as-of", "2024-07-31")
    forced = cli_run(project, "sync", "--out", out, "--as-of", "2024-07-31", "--force")

    assert refused.exit_code == 7, refused.output
    assert "Traceback" not in refused.output
    assert forced.exit_code == 0, forced.output


def test_a_small_drop_is_published(project):
    project.sync()
    responses_header_only(project, keep=700)
    project.sync()  # more than half of 936 accepted reports: published


# -- history runs prints only printable text ----------------------------------------------
def test_history_runs_prints_only_printable_text(project):
    project.sync()
    with History(project.root / "var" / "history.sqlite") as db:
        run = db.start_run("sheets:\x1b]0;owned\x07")
        db.finish_run(run, "failed", stage="pull", error="bad header \x1b[31mred\x0b\u202e")

    result = cli_run(project, "history", "runs")

    assert result.exit_code == 0, result.output
    assert not any(ch in result.stdout for ch in "\x1b\x07\x0b\u202e")
    assert "bad header" in result.stdout
