"""The writer: carries unchanged files over, spreads the rest over worker processes, and
brings their errors, and their deaths, back to the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import AS_OF, SAMPLE

from tidtam.core.errors import ConfigError
from tidtam.core.model import Output
from tidtam.pipeline import build_from_source
from tidtam.render import writer
from tidtam.render.writer import MANIFEST, Staging, WorkerDied, write_parts


def pid_files(part: int) -> list[Output]:
    """A part of two files, each holding the id of the process that wrote it."""
    time.sleep(0.05)  # long enough for the worker to start a part
    return [Output(f"p{part}/{name}", f"{part}-{name}",
                    lambda path: path.write_text(str(os.getpid()))) for name in ("a", "b")]


def in_a_worker() -> bool:
    return os.getpid() != TEST_PROCESS


TEST_PROCESS = os.getpid()


def written_by(folder: Path) -> set[int]:
    return {int(p.read_text()) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("2", 2), ("8", 8), ("0", 1)])
def test_processes_setting(monkeypatch, value, expected):
    monkeypatch.setenv(writer.ENV_PROCESSES, value)
    assert writer.processes() == expected


def test_a_setting_that_is_no_number_means_the_default(monkeypatch):
    monkeypatch.delenv(writer.ENV_PROCESSES, raising=False)
    default = writer.processes()
    monkeypatch.setenv(writer.ENV_PROCESSES, "two")
    assert writer.processes() == default == min(len(os.sched_getaffinity(0)), 4)


def test_one_process_writes_everything_itself(tmp_path):
    outcome = write_parts(pid_files, [1, 2, 3], tmp_path, None, count=1)
    assert written_by(tmp_path) == {os.getpid()}
    assert len(outcome) == 7  # six files and the manifest


def test_a_worker_and_this_process_share_the_parts(tmp_path):
    outcome = write_parts(pid_files, [1, 2, 3, 4, 5, 6], tmp_path, None, count=2)
    pids = written_by(tmp_path)
    assert len(pids) == 2 and os.getpid() in pids
    for part in range(1, 7):  # a part is written by one process
        assert (tmp_path / f"p{part}/a").read_text() == (tmp_path / f"p{part}/b").read_text()
    # The worker starts from the first part, this process from the last.
    assert int((tmp_path / "p1/a").read_text()) != os.getpid()
    assert int((tmp_path / "p6/a").read_text()) == os.getpid()
    assert set(outcome) == {f"p{n}/{x}" for n in range(1, 7) for x in "ab"} | {MANIFEST}


def test_parts_marked_here_are_written_by_this_process(tmp_path):
    """Charts are drawn in the build's own process: vl-convert's threads do not survive a
    fork, and a worker forked after a first chart would wait for them forever."""
    write_parts(pid_files, [1, 2, 3, 4], tmp_path, None, count=2, here=lambda part: part < 3)
    assert {int((tmp_path / f"p{n}/a").read_text()) for n in (1, 2)} == {os.getpid()}


def test_unchanged_files_are_carried_over(tmp_path):
    write_parts(pid_files, [1, 2], tmp_path / "old", None, count=2)
    outcome = write_parts(pid_files, [1, 2], tmp_path / "new", tmp_path / "old", count=2)
    assert {how for path, how in outcome.items() if path != MANIFEST} == {"kept"}
    assert (tmp_path / "new/p1/a").stat().st_ino == (tmp_path / "old/p1/a").stat().st_ino


def test_a_derived_file_changes_with_what_it_is_made_from(tmp_path):
    def parts(version: str):
        def outputs(_part: int) -> list[Output]:
            return [Output("table.csv", None, lambda p: p.write_text(version)),
                    Output("book.xlsx", "code", lambda p: p.write_text(version),
                           derived_from=("table.csv",))]
        return outputs

    write_parts(parts("v1"), [0], tmp_path / "a", None, count=1)
    same = write_parts(parts("v1"), [0], tmp_path / "b", tmp_path / "a", count=1)
    other = write_parts(parts("v2"), [0], tmp_path / "c", tmp_path / "b", count=1)
    assert same["book.xlsx"] == "kept" and other["book.xlsx"] == "rendered"
    assert (tmp_path / "c/book.xlsx").read_text() == "v2"


@pytest.mark.parametrize("count", [1, 2])
def test_an_error_in_a_part_keeps_its_type_and_exit_code(tmp_path, count):
    def fails(part: int) -> list[Output]:
        if count == 1 or in_a_worker():
            raise ConfigError("config/settings.yaml", "line 3: targets: a number is needed")
        return pid_files(part)

    with pytest.raises(ConfigError) as caught:
        write_parts(fails, [1, 2, 3], tmp_path, None, count=count)
    assert caught.value.exit_code == 2
    assert caught.value.problem == "line 3: targets: a number is needed"
    assert str(caught.value) == "config/settings.yaml: line 3: targets: a number is needed"
    if count > 1:  # the worker's traceback comes along
        assert "in fails" in str(caught.value.__cause__)


def test_a_killed_worker_is_a_clear_error(tmp_path):
    def dies(part: int) -> list[Output]:
        if in_a_worker():
            os.kill(os.getpid(), signal.SIGKILL)
        return pid_files(part)

    with pytest.raises(WorkerDied, match="ended without finishing .* TIDTAM_PROCESSES=1"):
        write_parts(dies, [1, 2, 3], tmp_path, None, count=2)


def test_a_failed_write_leaves_the_old_site_whole(tmp_path):
    target = tmp_path / "site"
    with Staging(target) as staging:
        write_parts(pid_files, [1], staging.folder, None, count=1)
        staging.swap_in()
    before = sorted(p.relative_to(target) for p in target.rglob("*"))

    def fails(part: int) -> list[Output]:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError), Staging(target) as staging:
        write_parts(fails, [1, 2], staging.folder, target, count=2)
        staging.swap_in()
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]  # no staging left


def test_workers_end_with_a_killed_build(tmp_path):
    """A SIGKILLed build leaves no worker behind, writing into its staging folder."""
    pid_file = tmp_path / "pid"
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from tidtam.render.writer import write_parts

        def slow(part):
            if os.getpid() != {os.getpid()}:  # in the worker
                Path({str(pid_file)!r}).write_text(str(os.getpid()))
            time.sleep(60)
            return []

        write_parts(slow, [1, 2], Path({str(tmp_path / "out")!r}), None, count=2)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        # The worker writes its pid; wait until the whole number is there, not just the file.
        _wait_for(lambda: pid_file.exists() and pid_file.read_text().strip().isdigit())
        worker = int(pid_file.read_text())
        assert _alive(worker)
    finally:
        proc.kill()
        proc.wait()
    _wait_for(lambda: not _alive(worker))


def test_one_or_two_processes_build_the_same_site(tmp_path, config, monkeypatch):
    """Spreading the site over processes changes nothing in what is written."""
    sites = {}
    for n in ("1", "2"):
        monkeypatch.setenv(writer.ENV_PROCESSES, n)
        out = tmp_path / f"site-{n}"
        build_from_source(SAMPLE / "data", config, out, AS_OF)
        sites[n] = {p.relative_to(out).as_posix(): p.read_bytes()
                    for p in out.rglob("*") if p.is_file()}
    assert len(sites["2"]) > 100
    assert sites["1"] == sites["2"]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited (only its parent has not reaped it)


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
