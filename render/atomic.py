"""Write files and whole folders so that a reader never sees half of them."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

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
    """A fresh folder beside ``target`` (same filesystem, so the swap is a rename), named
    after this process so a later run can tell a leftover from a folder still in use."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-{os.getpid()}-"))


def recover(target: Path) -> None:
    """Finish what a killed run left beside ``target``: put back a folder it had moved
    aside (``.NAME.previous-PID``), and remove its staging folders (``.NAME.new-PID-*``).
    Folders of processes that still run are left alone."""
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return
    aside = [p for p in sorted(parent.glob(f".{name}.previous-*")) if not _running(p)]
    if aside and not target.exists() and not target.is_symlink():
        os.rename(aside.pop(), target)
    for leftover in [*aside, *parent.glob(f".{name}.new-*")]:
        if not _running(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(folder: Path) -> bool:
    """Whether the process named in a staging or moved-aside folder's name still runs."""
    digits = folder.name.rsplit(".", 1)[-1].split("-")[1:2]
    if not digits or not digits[0].isdigit():
        return False
    try:
        os.kill(int(digits[0]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


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
