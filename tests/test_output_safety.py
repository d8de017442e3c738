"""Issue 11 rows 4, 8, 9, 10: what tidtam may replace, how a failed write ends, stale
staging, and one writer per output at a time."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, ROOT, SAMPLE

from tidtam.cli import cli
from tidtam.core.errors import LockedError
from tidtam.core.model import Output
from tidtam.pipeline import build_from_source
from tidtam.render import writer
from tidtam.render.writer import MANIFEST, Staging, write_parts


def run_build(out: Path, *extra: str, source: Path = SAMPLE / "data"):
    return CliRunner().invoke(cli, ["build", "--source", str(source), "--as-of", "2024-07-31",
                                    "--out", str(out), *extra])


def one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) >= 1 and "Traceback" not in result.output, result.output
    return lines[-1]


@pytest.fixture
def one_process(monkeypatch):
    monkeypatch.setenv(writer.ENV_PROCESSES, "1")


# -- row 4: only an empty folder or a tidtam site is replaced ---------------------------
def test_a_folder_with_someone_elses_files_is_refused(tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "budget.docx").write_bytes(b"someone's work")

    result = run_build(out)

    assert result.exit_code == 2, result.output
    assert "tidtam-manifest.json" in one_line(result)
    assert [p.name for p in tmp_path.iterdir()] == ["shared"]
    assert (out / "budget.docx").read_bytes() == b"someone's work"


def test_a_file_as_out_is_refused(tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("keep me")

    result = run_build(out)

    assert result.exit_code == 2, result.output
    assert out.read_text() == "keep me"


@pytest.mark.parametrize("where", ["source", "inside-source", "config", "inside-config"])
def test_out_in_the_source_or_config_folder_is_refused(tmp_path, where):
    source = tmp_path / "data"
    source.mkdir()
    for name in ("directives.csv", "responses.csv", "satisfaction.csv"):
        (source / name).write_bytes((SAMPLE / "data" / name).read_bytes())
    config = tmp_path / "config"
    config.mkdir()
    for path in (ROOT / "config").glob("*.yaml"):
        (config / path.name).write_bytes(path.read_bytes())
    out = {"source": source, "inside-source": source / "site", "config": config,
           "inside-config": config / "site"}[where]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    result = run_build(out, "--config", str(config), source=source)

    assert result.exit_code == 2, result.output
    one_line(result)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_an_empty_folder_and_an_earlier_site_are_replaced(tmp_path, one_process):
    out = tmp_path / "site"
    out.mkdir()
    assert run_build(out).exit_code == 0
    assert (out / MANIFEST).is_file()
    assert run_build(out).exit_code == 0


# -- row 8: a folder it cannot write, a full disk ----------------------------------------
def test_an_unwritable_output_folder_is_one_line(tmp_path, monkeypatch, one_process):
    out = tmp_path / "site"
    assert run_build(out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def refused(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    result = run_build(out)

    assert result.exit_code == 5, result.output
    assert "Permission denied" in one_line(result)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_full_disk_is_one_line_and_keeps_the_site(tmp_path, monkeypatch, one_process):
    out = tmp_path / "site"
    assert run_build(out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = Path.write_bytes

    def full(self, data):
        if self.suffix == ".html":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setattr(writer, "read_manifest", lambda _site: {})  # write every file again
    result = run_build(out)

    assert result.exit_code == 5, result.output
    assert "No space left on device" in one_line(result)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


# -- row 9: staging is private, and a killed run's staging is removed --------------------
def test_staging_is_private_until_swapped_in(tmp_path):
    seen = []

    def outputs(_part):
        def write(path: Path) -> None:
            seen.append(stat.S_IMODE(path.parent.stat().st_mode))
            path.write_text("x")
        return [Output("index.html", "d", write)]

    target = tmp_path / "site"
    with Staging(target) as staging:
        write_parts(outputs, [1], staging.folder, None, count=1)
        staging.swap_in()

    assert seen == [0o700]
    assert stat.S_IMODE(target.stat().st_mode) == 0o755  # a web server reads the site


def test_a_killed_runs_staging_is_removed_even_if_its_pid_is_reused(tmp_path, one_process):
    """In a container every run may get the same pid: the lock, not the pid, tells."""
    out = tmp_path / "site"
    leftover = tmp_path / f".site.new-{os.getpid()}-abc123"
    (leftover / "data").mkdir(parents=True)
    (leftover / "data" / "reports.csv").write_text("partial")

    assert run_build(out).exit_code == 0

    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_a_run_holding_the_output_leaves_its_staging_alone(tmp_path):
    target = tmp_path / "site"
    with Staging(target) as first:
        with pytest.raises(LockedError):
            Staging(target)
        assert first.folder.is_dir()


# -- row 10: one writer per output ----------------------------------------------------
def test_a_build_beside_a_running_writer_of_the_same_output_is_refused(tmp_path, config):
    out = tmp_path / "site"
    with Staging(out):
        with pytest.raises(LockedError):
            build_from_source(SAMPLE / "data", config, out, AS_OF)
        result = run_build(out)
    assert result.exit_code == 6, result.output
    assert ".site.lock" in one_line(result)


def test_staging_names_are_unique_per_run(tmp_path):
    with Staging(tmp_path / "a") as a, Staging(tmp_path / "b") as b:
        assert a.folder != b.folder
        assert a.folder.is_dir() and b.folder.is_dir()
