"""Run one part of the render in a forked child while the parent does the other part.

The machine the division runs on has two cores and the render is pure Python (Jinja, the
CSV and XLSX writers), so two processes halve it. ``fork`` gives the child the normalized
data without copying or pickling it; only the child's small result (file hashes) comes
back through a pipe. When fork is unavailable, the host has one core, or
``TIDTAM_PROCESSES=1`` is set, both parts run one after the other in this process.

The child never outlives the build: it dies with its parent (``PR_SET_PDEATHSIG``), is
killed when the parent's own part fails, and leaves through ``os._exit`` (no atexit
handlers, no flushing of buffers the parent also holds).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

ENV_PROCESSES = "TIDTAM_PROCESSES"
_PR_SET_PDEATHSIG = 1


class WorkerDied(RuntimeError):
    """The child process ended without a result (killed, or out of memory)."""


def processes() -> int:
    """How many processes a build may use: 2 when there are two cores, else 1."""
    setting = os.environ.get(ENV_PROCESSES, "").strip()
    if setting:
        try:
            return max(1, min(2, int(setting)))
        except ValueError:
            pass
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def run_beside(child_part: Callable[[], T], own_part: Callable[[], U]) -> tuple[T, U]:
    """``(child_part(), own_part())``, the first in a forked child when possible.

    An exception in either part is raised here (the child's with its traceback as a note);
    when the parent's part fails, the child is killed first.
    """
    if processes() < 2:
        return child_part(), own_part()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _child(child_part, write_end, parent)
    os.close(write_end)
    try:
        own = own_part()
    except BaseException:
        _kill(pid)
        os.close(read_end)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise WorkerDied(f"the render's second process ended without a result "
                         f"({_describe(status)}); run again, or set {ENV_PROCESSES}=1")
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise _rebuilt(value)
    return value, own


def _child(part: Callable[[], object], write_end: int, parent: int) -> None:
    status = 0
    try:
        _die_with(parent)
        message = ("ok", part())
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        status = 1
        message = ("error", _portable(exc))
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when the parent dies (e.g. a killed build)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _portable(exc: BaseException) -> tuple:
    """What the parent needs to raise the child's exception again: its class, arguments and
    attributes, and the child's traceback as text. Falls back to a RuntimeError with the
    message when the class or an attribute cannot be pickled."""
    text = "".join(traceback.format_exception(exc))
    parts = (type(exc), exc.args, dict(vars(exc)), text)
    try:
        pickle.dumps(parts)
    except Exception:  # noqa: BLE001 - any attribute may refuse pickling
        parts = (RuntimeError, (f"{type(exc).__name__}: {exc}",), {}, text)
    return parts


def _rebuilt(parts: tuple) -> BaseException:
    cls, args, state, text = parts
    try:
        exc = cls(*args)
    except Exception:  # noqa: BLE001 - an __init__ that does not take its own args
        exc = cls.__new__(cls)
        exc.args = args
    exc.__dict__.update(state)
    exc.add_note(f"(in the render's second process)\n{text}")
    return exc


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
