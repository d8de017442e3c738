"""The render's second process: results, errors and its death all come back to the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tidtam.core.errors import ConfigError
from tidtam.render import parallel

pytestmark = pytest.mark.skipif(parallel.processes() < 2, reason="needs fork and two cores")


def test_both_parts_run_and_the_first_in_another_process():
    child, own = parallel.run_beside(lambda: (os.getpid(), {"a": 1}), lambda: os.getpid())
    assert child[1] == {"a": 1}
    assert own == os.getpid()
    assert child[0] != os.getpid()


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv(parallel.ENV_PROCESSES, "1")
    child, own = parallel.run_beside(os.getpid, os.getpid)
    assert child == own == os.getpid()


@pytest.mark.parametrize("value, expected", [("1", 1), ("2", 2), ("8", 2), ("0", 1),
                                             ("x", None)])
def test_setting(monkeypatch, value, expected):
    monkeypatch.setenv(parallel.ENV_PROCESSES, value)
    assert parallel.processes() == (expected or parallel.processes())


def test_child_error_is_raised_with_its_type_and_traceback():
    def fails():
        raise ConfigError("config/settings.yaml", "line 3: targets: a number is needed")

    with pytest.raises(ConfigError) as caught:
        parallel.run_beside(fails, lambda: None)
    assert caught.value.exit_code == 2
    assert caught.value.problem == "line 3: targets: a number is needed"
    assert "second process" in "".join(caught.value.__notes__)
    assert "in fails" in "".join(caught.value.__notes__)


def test_unpicklable_error_still_comes_back():
    class Local(Exception):  # a class pickle cannot find by name
        pass

    def fails():
        raise Local("disk full")

    with pytest.raises(RuntimeError, match="Local: disk full"):
        parallel.run_beside(fails, lambda: None)


def test_parent_error_kills_the_child(tmp_path):
    pid_file = tmp_path / "pid"

    def slow():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    def fails():
        _wait_for(pid_file.exists)
        raise ValueError("the parent's half failed")

    with pytest.raises(ValueError):
        parallel.run_beside(slow, fails)
    assert not _alive(int(pid_file.read_text()))


def test_child_killed_by_a_signal_is_an_error():
    with pytest.raises(parallel.WorkerDied, match="signal 9"):
        parallel.run_beside(lambda: os.kill(os.getpid(), signal.SIGKILL), lambda: None)


def test_child_dies_with_a_killed_parent(tmp_path):
    """A SIGKILLed build leaves no render process behind, writing into its staging folder."""
    pid_file = tmp_path / "pid"
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from tidtam.render import parallel

        def child():
            Path({str(pid_file)!r}).write_text(str(os.getpid()))
            time.sleep(60)

        parallel.run_beside(child, lambda: time.sleep(60))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        _wait_for(pid_file.exists)
        child = int(pid_file.read_text())
        assert _alive(child)
    finally:
        proc.kill()
        proc.wait()
    _wait_for(lambda: not _alive(child))


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


def test_one_or_two_processes_build_the_same_site(tmp_path, config, monkeypatch):
    """Splitting the render between two processes changes nothing in what is written."""
    from conftest import AS_OF, SAMPLE

    from tidtam.pipeline import build_from_source

    sites = {}
    for n in ("1", "2"):
        monkeypatch.setenv(parallel.ENV_PROCESSES, n)
        out = tmp_path / f"site-{n}"
        build_from_source(SAMPLE / "data", config, out, AS_OF)
        sites[n] = {p.relative_to(out).as_posix(): p.read_bytes()
                    for p in out.rglob("*") if p.is_file()}
    assert len(sites["2"]) > 100
    assert sites["1"] == sites["2"]
