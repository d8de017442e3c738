"""A lock so that two sync runs never overlap.

It is an ``flock`` on a lock file. The kernel drops the lock when its process ends, however
it ends (crash, kill -9, reboot), so a stale lock file never blocks the next run: only a
live process holds the lock. Keep the lock file on a local disk; on network filesystems
the lock may outlive a crashed client until the server notices.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tidtam.core.errors import LockedError


def _holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it (pid, host, start time)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def run_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold the lock file for the duration of the block; LockedError if another run has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another tidtam run holds {path}{_holder(path)}; let it finish, "
                        "or stop that process if it hangs, then run again"
                    ) from None
                time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # the file stays: deleting it would race with a waiting run
    finally:
        os.close(fd)  # closing releases the flock
