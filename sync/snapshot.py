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
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tidtam.core.errors import SourceError
from tidtam.core.model import Cell, RawSheet
from tidtam.sync.sheets import Pull, PulledTab, to_raw_sheet

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
        with open(staging / FILE_NAME, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, default=_encode)
            out.flush()
            os.fsync(out.fileno())
        target = _free_name(snapshots_dir, stamp)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(snapshots_dir)
    return target


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
    try:
        document = json.loads(file.read_text(encoding="utf-8"), object_hook=_decode)
    except FileNotFoundError:
        raise SourceError(f"{path}: no {FILE_NAME} here; is it a snapshot folder?") from None
    except (OSError, ValueError) as exc:
        raise SourceError(f"{file}: not a readable snapshot ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SourceError(f'{file}: not a tidtam snapshot (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise SourceError(
            f"{file}: snapshot version {document.get('version')!r}, this tidtam reads "
            f"version {VERSION}; use the tidtam release that wrote it"
        )
    try:
        tabs = {
            role: PulledTab(
                role=role,
                spreadsheet_id=str(tab["spreadsheet_id"]),
                tab=str(tab["tab"]),
                range=str(tab["range"]),
                values=_rows(tab["values"]),
            )
            for role, tab in document["tabs"].items()
        }
        pulled_at = datetime.fromisoformat(document["pulled_at"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(f"{file}: damaged snapshot ({exc.__class__.__name__}: {exc})") from None
    return Snapshot(path=file.parent, pulled_at=pulled_at, tabs=tabs)


def _rows(values: Any) -> list[list[Cell]]:
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise TypeError("values must be a list of rows")
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
