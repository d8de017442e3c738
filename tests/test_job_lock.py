"""Two runs never overlap, and a crashed run never blocks the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tidtam.core.errors import LockedError
from tidtam.lock import run_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tidtam.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
    """
)


@pytest.fixture
def holder(tmp_path):
    """Another process that holds the lock until it is killed."""
    path = tmp_path / "var" / "tidtam.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    yield path, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_a_second_run_is_refused_and_told_who_holds_the_lock(holder):
    path, proc = holder

    with pytest.raises(LockedError) as caught:
        with run_lock(path):
            pass

    assert caught.value.exit_code == 6
    assert f"another tidtam run holds {path} (pid {proc.pid} on " in caught.value.message


def test_waiting_gives_up_after_the_given_time(holder):
    path, _ = holder
    started = time.monotonic()

    with pytest.raises(LockedError):
        with run_lock(path, wait_seconds=0.3):
            pass

    assert 0.3 <= time.monotonic() - started < 2


def test_a_killed_holder_leaves_no_stale_lock(holder):
    path, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert path.exists()  # the file stays behind, but nobody holds it
    with run_lock(path):
        assert f"pid {os.getpid()} " in path.read_text()


def test_the_lock_is_free_again_after_the_block(tmp_path):
    path = tmp_path / "tidtam.lock"
    with run_lock(path):
        pass
    with run_lock(path):
        pass
    assert path.read_text() == ""
