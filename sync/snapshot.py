"""Raw pulls saved as timestamped snapshots, so a failing build never loses what was pulled.

A snapshot is a folder ``<snapshots dir>/<UTC time>/`` holding one ``snapshot.json``:

    {"format": "tidtam-snapshot", "version": 1, "pulled_at": "2024-05-01T02:00:00+00:00",
     "tabs": {"responses": {"spreadsheet_id": "...", "tab": "การตอบแบบฟอร์ม 1",
                            "range": "'การตอบแบบฟอร์ม 1'!A1:Z1000", "values": [[...], ...]}}}

``values`` are exactly what the API returned (ragged rows, numbers as numbers, text as
text). JSON keeps str, int, float (Python writes floats so they read back bit-identical),
bool and null apart; dates, which only local sources produce, are tagged
``{"$date": "2024-05-01"}`` / ``{"$datetime": "..."}``. The folder appears in one rename,
so a reader sees a whole snapshot or none.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tidtam.core.errors import SourceError
from tidtam.core.model import Cell, RawSheet, printable
from tidtam.sync.sheets import Pull, PulledTab, replace_invalid_text, to_raw_sheet

FORMAT = "tidtam-snapshot"
VERSION = 1
FILE_NAME = "snapshot.json"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Snapshot:
    """A saved pull: where it is, when it was pulled and its tabs."""

    path: Path
    pulled_at: datetime
    tabs: dict[str, PulledTab]

    def sheets(self) -> dict[str, RawSheet]:
        """The tabs as RawSheets, exactly as a fresh pull gives them."""
        return {role: to_raw_sheet(tab) for role, tab in self.tabs.items()}


def _encode(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return {"$datetime": cell.isoformat()}
    if isinstance(cell, date):
        return {"$date": cell.isoformat()}
    raise TypeError(f"a {type(cell).__name__} cell cannot be saved in a snapshot")


def _decode(obj: dict[str, Any]) -> Any:
    if obj.keys() == {"$datetime"}:
        return datetime.fromisoformat(obj["$datetime"])
    if obj.keys() == {"$date"}:
        return date.fromisoformat(obj["$date"])
    return obj


def save_snapshot(pull: Pull, snapshots_dir: Path) -> Path:
    """Write ``pull`` as a new snapshot folder (atomically) and return its path."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "pulled_at": pull.pulled_at.isoformat(),
        "requests": pull.requests,
        "tabs": {
            role: {
                "spreadsheet_id": tab.spreadsheet_id,
                "tab": tab.tab,
                "range": tab.range,
                "values": tab.values,
            }
            for role, tab in pull.tabs.items()
        },
    }
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    stamp = pull.pulled_at.strftime(_STAMP)
    staging = snapshots_dir / f".incoming-{stamp}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        try:
            _write(staging / FILE_NAME, document)
        except UnicodeEncodeError:  # a lone surrogate no reader replaced: replace it now
            for role, tab in document["tabs"].items():
                replace_invalid_text(tab["values"], f"snapshot of {role}")
                for key in ("tab", "range"):
                    tab[key] = re.sub("[\ud800-\udfff]", "\ufffd", tab[key])
            _write(staging / FILE_NAME, document)
        target = _free_name(snapshots_dir, stamp)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(snapshots_dir)
    return target


def _write(file: Path, document: dict[str, Any]) -> None:
    with open(file, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, default=_encode)
        out.flush()
        os.fsync(out.fileno())


def _free_name(folder: Path, stamp: str) -> Path:
    """``folder/stamp``, or ``stamp-2``, ``-3``... when pulls share a second."""
    candidate, n = folder / stamp, 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stamp}-{n}"
    return candidate


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every platform opens folders; the rename is done either way
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_snapshot(path: Path) -> Snapshot:
    """Read a snapshot folder (or its snapshot.json) back, with its metadata."""
    file = path / FILE_NAME if path.is_dir() else path
    name = printable(file)
    try:
        text = file.read_text(encoding="utf-8")
        document = json.loads(text, object_hook=_decode)
    except FileNotFoundError:
        raise SourceError(f"{printable(path)}: no {FILE_NAME} here; is it a snapshot "
                          "folder?") from None
    except (OSError, ValueError) as exc:
        raise SourceError(f"{name}: not a readable snapshot ({printable(exc)})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SourceError(f'{name}: not a tidtam snapshot (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise SourceError(
            f"{name}: snapshot version {printable(repr(document.get('version')))}, this "
            f"tidtam reads version {VERSION}; use the tidtam release that wrote it"
        )
    escaped = _ESCAPED_SURROGATE.search(text) is not None
    try:
        tabs = {
            role: PulledTab(
                role=role,
                spreadsheet_id=str(tab["spreadsheet_id"]),
                tab=str(tab["tab"]),
                range=str(tab["range"]),
                values=_rows(tab["values"], f"{name} {role}" if escaped else ""),
            )
            for role, tab in document["tabs"].items()
        }
        pulled_at = datetime.fromisoformat(document["pulled_at"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(f"{name}: damaged snapshot ({exc.__class__.__name__}: "
                          f"{printable(exc)})") from None
    return Snapshot(path=file.parent, pulled_at=pulled_at, tabs=tabs)


# JSON writes a lone surrogate only as an escape: without one the text needs no check.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _rows(values: Any, check: str) -> list[list[Cell]]:
    """The tab's rows; when ``check`` names it, lone surrogates replaced by U+FFFD."""
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise TypeError("values must be a list of rows")
    if check:
        replace_invalid_text(values, check)
    return values


def load_snapshot(path: Path) -> dict[str, RawSheet]:
    """The tabs of a snapshot as RawSheets keyed by role (``tidtam build --source``)."""
    return read_snapshot(path).sheets()


def prune_snapshots(snapshots_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` snapshots (0 keeps all); return what was deleted."""
    if keep <= 0 or not snapshots_dir.is_dir():
        return []
    saved = sorted(p for p in snapshots_dir.iterdir() if p.is_dir() and (p / FILE_NAME).is_file())
    doomed = saved[:-keep]
    for folder in doomed:
        shutil.rmtree(folder)
    return doomed
