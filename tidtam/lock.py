"""Locks so that two runs never overlap: one per config (``lock.path`` in sync.yaml) and
one per output folder (``.NAME.lock`` beside it, taken by every command that writes a
site: see ``render/writer.Staging``).

Each is an ``flock`` on a lock file (``render/atomic.held``). The kernel drops the lock
when its process ends, however it ends (crash, kill -9, reboot), so a stale lock file
never blocks the next run: only a live process holds the lock. Keep lock files on a local
disk; on network filesystems the lock may outlive a crashed client until the server
notices. Lock files are 0600, and a folder made for one is 0700.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tidtam.render.atomic import held


@contextmanager
def run_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold the lock file for the duration of the block; LockedError if another run has it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with held(path, wait_seconds):
        yield path
