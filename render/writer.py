"""The one writer of a site: into a staging folder, then swapped in once.

Every file comes as an :class:`~tidtam.core.model.Output` (path, digest, how to write it).
A file whose digest equals the previous site's (``tidtam-manifest.json``) is carried over
(hard-linked, or copied across filesystems); the others are written. The outputs come in
parts, which this process and a pool of worker processes take one at a time
(``TIDTAM_PROCESSES``; 1 writes all in this process). The workers are forked after the data
is in memory, so they read it without a copy; a part's result is only its files' digests.
"""

from __future__ import annotations

import copyreg
import json
import os
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_context, parent_process
from multiprocessing.connection import wait
from pathlib import Path
from typing import TypeVar

from tidtam.core.errors import TidtamError, WriteError
from tidtam.core.model import Output
from tidtam.render import atomic
from tidtam.render.digest import bytes_hash, file_hash

P = TypeVar("P")
ENV_PROCESSES = "TIDTAM_PROCESSES"
# Outside data/: data/ holds what a build means, the manifest only how it was made.
MANIFEST = "tidtam-manifest.json"
KEPT, WRITTEN = "kept", "rendered"
DEFAULT_MAX = 4


class WorkerDied(TidtamError):
    """A worker process ended without finishing its part (killed, or out of memory)."""


def processes() -> int:
    """How many processes write a site: ``TIDTAM_PROCESSES``, else one per core this
    process may use, at most :data:`DEFAULT_MAX` (each worker adds memory)."""
    setting = os.environ.get(ENV_PROCESSES, "").strip()
    if setting.isdigit():
        return max(1, int(setting))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, DEFAULT_MAX))


@dataclass(frozen=True)
class Placed:
    """One file put into the staging folder: its digest, and whether it was carried over."""

    path: str
    digest: str
    how: str  # KEPT or WRITTEN


class Staging:
    """A fresh folder beside ``target`` that replaces it in one swap, or is removed.

    Only a missing or empty folder, or a site tidtam built (its manifest), is replaced:
    anything else is refused before anything is touched. The output's lock
    (``.NAME.lock`` beside it) is held from the start to the end, so no other run writes
    the same output meanwhile, and leftovers of a killed run are removed first. The
    folder stays 0700 (a web server does not serve a half-written site) until it is
    swapped in. Use it as a context manager: leaving the block without :meth:`swap_in`
    (a failure, an interrupt) removes the folder and leaves ``target`` as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        atomic.check_replaceable(self.target, MANIFEST)
        self._held = ExitStack()
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._held.enter_context(atomic.held(atomic.lock_path(self.target)))
            atomic.recover(self.target)
            self.folder = atomic.staging_dir(self.target)
        except BaseException:
            self._held.close()
            raise
        self.swapped = False

    def swap_in(self) -> None:
        self.folder.chmod(0o755)  # a web root must be readable, once it is whole
        atomic.swap_dir(self.folder, self.target)
        self.swapped = True

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.swapped:
                shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self._held.close()


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn a failed file operation (no permission, disk full) into one line naming the
    file and the fix; the previous site at ``target`` is left as it was."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or target
        raise WriteError(f"cannot write {where} ({exc.strerror or exc}); the site at {target} "
                         "is unchanged: free some space or fix write permission, then run "
                         "again") from None


class Placer:
    """Puts outputs into ``folder``, carrying over those the previous site has unchanged."""

    def __init__(self, folder: Path, previous: Path | None):
        self.folder, self.previous = folder, previous
        self.old = read_manifest(previous)

    def place_all(self, outputs: Iterable[Output]) -> list[Placed]:
        placed: dict[str, Placed] = {}
        for out in outputs:
            placed[out.path] = self.place(out, placed)
        return list(placed.values())

    def place(self, out: Output, earlier: dict[str, Placed]) -> Placed:
        digest = out.digest
        if out.derived_from:
            digest = bytes_hash(str(digest).encode(),
                                *(earlier[p].digest.encode() for p in out.derived_from))
        if digest is None:
            return self._written_then_compared(out)
        if self._carried_over(out.path, digest):
            return Placed(out.path, digest, KEPT)
        out.write(self._target(out.path))
        return Placed(out.path, digest, WRITTEN)

    def _written_then_compared(self, out: Output) -> Placed:
        """A file whose digest is that of its bytes: written beside, then compared."""
        path = self._target(out.path)
        fresh = path.with_name(path.name + ".new")
        out.write(fresh)
        digest = file_hash(fresh)
        if self._carried_over(out.path, digest):
            fresh.unlink()  # unchanged: the previous file itself is kept, as for pages
            return Placed(out.path, digest, KEPT)
        fresh.rename(path)
        return Placed(out.path, digest, WRITTEN)

    def _carried_over(self, rel: str, digest: str) -> bool:
        return (self.previous is not None and self.old.get(rel) == digest
                and carry_over(self.previous, rel, self.folder))

    def _target(self, rel: str) -> Path:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def write_outputs(outputs: Iterable[Output], folder: Path, previous: Path | None) -> dict[str, str]:
    """Write ``outputs`` into ``folder`` in this process, then the manifest; returns
    ``{path: "rendered"|"kept"}``."""
    return _finish(Placer(folder, previous).place_all(outputs), folder)


def write_parts(outputs_of: Callable[[P], Iterable[Output]], parts: Sequence[P], folder: Path,
                previous: Path | None, count: int | None = None,
                here: Callable[[P], bool] = lambda _part: False) -> dict[str, str]:
    """Write the outputs of every part into ``folder`` with ``count`` processes (default
    :func:`processes`): this one and a pool of the others; then the manifest. Parts for
    which ``here`` is true are written by this process only.

    The pool's workers are handed the parts from the first on, one at a time each (a part
    handed out ahead could no longer go to whoever is free first); this process takes them
    from the last back. ``render/site.parts`` puts short parts in the middle, where the two
    meet, so all finish together. This process's share costs no copy of the data, a forked
    worker's does: it copies each page of memory whose objects it touches. A part's
    outputs are written in order by one process (an output may be derived from an earlier
    one of its part). An error in a worker is raised here as itself.
    """
    count = min(count or processes(), len(parts))
    placer = Placer(folder, previous)
    if count <= 1:
        return _finish([p for part in parts for p in placer.place_all(outputs_of(part))],
                       folder)
    global _job
    _job = (outputs_of, placer)  # set before the workers fork: they inherit it
    try:
        with ProcessPoolExecutor(count - 1, mp_context=get_context("fork"),
                                 initializer=_end_with_parent) as pool:
            shares = _Shares(parts, pool, here)
            try:
                for _ in range(count - 1):
                    shares.hand_out()
                own: list[Placed] = []
                while (part := shares.take()) is not _NONE_LEFT:
                    own += placer.place_all(outputs_of(part))
                placed = shares.results()
            except BaseException:
                shares.stop()
                raise
    finally:
        _job = None
    return _finish([*placed, *own], folder)


_NONE_LEFT = object()


class _Shares:
    """The parts nobody has started: handed to the workers from the front, and taken by
    this process from the back (its own parts first)."""

    def __init__(self, parts: Sequence, pool: ProcessPoolExecutor, here: Callable):
        self.own = [part for part in parts if here(part)]
        self.pending = deque(part for part in parts if not here(part))
        self.pool = pool
        self.futures: list[Future] = []
        self.lock = threading.Lock()

    def hand_out(self, done: Future | None = None) -> None:
        """Give a worker the next part from the front (called again when it is ``done``)."""
        if done is not None and (done.cancelled() or done.exception() is not None):
            return  # a failure stops the handing out; take() or results() raises it
        with self.lock:
            if not self.pending:
                return
            try:
                future = self.pool.submit(_place_part, self.pending[0])
            except (BrokenProcessPool, RuntimeError):  # a worker died: take() says so
                return
            self.pending.popleft()
            self.futures.append(future)
        future.add_done_callback(self.hand_out)

    def take(self) -> object:
        """The last part nobody has started, for this process (after raising a worker's
        error, if any); ``_NONE_LEFT`` when all are handed out."""
        with self.lock:
            futures = list(self.futures)
        for future in futures:
            if future.done():
                _result(future)
        with self.lock:
            if self.own:
                return self.own.pop()
            return self.pending.pop() if self.pending else _NONE_LEFT

    def results(self) -> list[Placed]:
        """What the workers placed, once they are done (the first error raised)."""
        with self.lock:
            futures = list(self.futures)
        return [p for future in futures for p in _result(future)]

    def stop(self) -> None:
        """Hand out nothing more; parts handed out but not started are dropped."""
        with self.lock:
            self.own.clear()
            self.pending.clear()
            futures = list(self.futures)
        for future in futures:
            future.cancel()


# What the workers write: how to list a part's outputs, and where they go.
_job: tuple[Callable, Placer] | None = None


def _place_part(part: object) -> list[Placed]:
    """In a worker: write one part."""
    assert _job is not None, "the writer's job is set before the workers fork"
    outputs_of, placer = _job
    try:
        return placer.place_all(outputs_of(part))
    except BaseException as error:
        # The pool pickles the error back by class and args, and unpickling calls the class
        # with them; ConfigError takes (path, problem), so send its state instead.
        copyreg.pickle(type(error), _reduce_error)
        raise


def _reduce_error(error: BaseException) -> tuple:
    return _rebuild_error, (type(error), error.args, dict(vars(error)))


def _rebuild_error(cls: type[BaseException], args: tuple, state: dict) -> BaseException:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def _result(future: Future) -> list[Placed]:
    """A part's result, or its error; a worker that died is a :class:`WorkerDied`."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerDied(f"a process writing the site ended without finishing (killed, or out "
                         f"of memory); run again, or set {ENV_PROCESSES}=1") from None


def _end_with_parent() -> None:
    """In a new worker: exit when the build's process is gone (say, killed), so no worker
    lives on writing into a staging folder nobody will swap in."""
    sentinel = parent_process().sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _finish(placed: list[Placed], folder: Path) -> dict[str, str]:
    """Write the manifest of what was placed; ``{path: how}`` with the manifest itself."""
    hashes = {}
    for p in placed:
        if p.path in hashes:
            raise ValueError(f"two outputs write {p.path}")
        hashes[p.path] = p.digest
    (folder / MANIFEST).write_bytes(manifest_bytes(hashes))
    return {**{p.path: p.how for p in placed}, MANIFEST: WRITTEN}


def read_manifest(site: Path | None) -> dict[str, str]:
    """``{relative path: digest}`` of a previous site; empty when there is none or it is bad."""
    if site is None:
        return {}
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def manifest_bytes(hashes: dict[str, str]) -> bytes:
    body = {"version": 1, "files": dict(sorted(hashes.items()))}
    return json.dumps(body, ensure_ascii=False, indent=0).encode("utf-8")


def carry_over(previous: Path, rel: str, staged: Path) -> bool:
    """Put the previous site's ``rel`` into ``staged``; False when it is not there."""
    source = previous / rel
    if not source.is_file() or source.is_symlink():
        return False
    target = staged / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True
