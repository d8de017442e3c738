"""Write files and whole folders so that a reader never sees half of them."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tidtam.core.errors import LockedError, OutputRefused

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def staging_dir(target: Path) -> Path:
    """A fresh folder beside ``target`` (same filesystem, so the swap is a rename), 0700
    until it is swapped in, named after this process and a random part: unique per run."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-{os.getpid()}-"))


def lock_path(target: Path) -> Path:
    """The lock file of an output folder: ``.NAME.lock`` beside it."""
    return target.parent / f".{target.name}.lock"


def check_replaceable(target: Path, marker: str) -> None:
    """Refuse (one line, nothing touched) to replace anything but a missing or empty
    folder or a folder holding ``marker`` (a site tidtam built)."""
    if target.is_symlink():
        raise OutputRefused(target, "is a symbolic link; give the real folder instead")
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputRefused(target, "is a file, not a folder; choose a folder for the site")
    if (target / marker).is_file() or not any(target.iterdir()):
        return
    raise OutputRefused(target, f"holds files tidtam did not make (no {marker}); tidtam "
                        "replaces only an empty folder or a site it built: choose another")


def recover(target: Path) -> None:
    """Finish what a killed run left beside ``target``: put back a folder it had moved
    aside (``.NAME.previous-PID``), and remove its staging folders (``.NAME.new-PID-*``).
    Call it only while holding the output's lock: then no live run owns any of them
    (a pid may be reused, in a container every run may have the same one)."""
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return
    ours = re.compile(rf"^\.{re.escape(name)}\.(new|previous)-[0-9]+(-[A-Za-z0-9_]+)?$")
    found = sorted(p for p in parent.iterdir() if ours.match(p.name) and p.is_dir()
                   and not p.is_symlink())
    aside = [p for p in found if ".previous-" in p.name]
    if aside and not target.exists() and not target.is_symlink():
        os.rename(aside.pop(), target)
    for leftover in [p for p in found if p.exists()]:
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def held(path: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold an ``flock`` on ``path`` (created 0600) for the block; LockedError if another
    process holds it. The kernel drops it when its process ends, however it ends."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _tighten(fd)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another tidtam run holds {path}{_holder(path)}; let it finish, "
                        "or stop that process if it hangs, then run again") from None
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


def _tighten(fd: int) -> None:
    """A lock file made by an older tidtam was 0644: make it 0600 when it is ours."""
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    except OSError:
        pass


def _holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it (pid, host, start time)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    text = "".join(ch for ch in text if ch.isprintable())[:200]
    return f" ({text})" if text else ""


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False when the OS or filesystem cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # glibc < 2.28 or another libc
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(incoming: Path, target: Path) -> None:
    """Make ``incoming`` the new ``target``; after an exchange ``incoming`` holds the old one.

    On Linux filesystems that support renameat2 the exchange is one atomic step: a reader
    sees the whole old folder or the whole new one. Elsewhere (NFS, SMB, macOS) the old
    folder is renamed aside (``.NAME.previous-PID``) and the new one renamed in; if that
    second rename fails the old folder is put back, and an interrupted run's leftover is
    restored by the next publish.
    """
    if not target.exists() and not target.is_symlink():
        os.rename(incoming, target)
        return
    if exchange(incoming, target):
        return
    previous = target.parent / f".{target.name}.previous-{os.getpid()}"
    os.rename(target, previous)
    try:
        os.rename(incoming, target)
    except BaseException:
        os.rename(previous, target)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def swap_dir(staged: Path, target: Path) -> None:
    """Swap a freshly built folder in for ``target`` and remove what it replaced."""
    swap_in(staged, target)
    shutil.rmtree(staged, ignore_errors=True)  # after an exchange: the old folder
