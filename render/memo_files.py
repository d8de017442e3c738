"""The memos folder: ``memos/`` with each memo's .docx and .pdf, ``all.pdf`` to print them
all, and ``index.json``; staged beside the target and swapped in whole (render/writer.py's
Staging: only an empty folder or one tidtam made, i.e. with its manifest, is replaced)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from tidtam.core.config import Config
from tidtam.render.digest import bytes_hash
from tidtam.render.memo_docx import TEMPLATE, memo_docx
from tidtam.render.memo_print import print_memos
from tidtam.render.memos import Memo
from tidtam.render.writer import MANIFEST, manifest_bytes

FOLDER = "memos"
COMBINED = "all.pdf"
INDEX = "index.json"
Log = Callable[[str], None]


def memo_index(memos: Sequence[Memo], as_of: str) -> bytes:
    """``index.json``: the as-of date, how the memos are addressed, the combined PDF and
    each memo's line (agency, files, number, date, codes)."""
    index = {"as_of": as_of, "by": memos[0].by if memos else None,
             "combined": COMBINED if memos else None,
             "memos": [m.index_entry() for m in memos]}
    return json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8")


def stage_memos(memos: Sequence[Memo], config: Config, folder: Path, as_of: date,
                log: Log, every: int = 10) -> dict[str, str]:
    """Write every file of the memos folder into ``folder`` (a staging folder);
    ``{file: digest}``, the manifest included."""
    files: dict[str, bytes] = {}
    template = config.dir / TEMPLATE
    started = time.perf_counter()
    for n, memo in enumerate(memos, 1):
        files[f"{memo.file}.docx"] = memo_docx(memo, template)
        if n % every == 0 or n == len(memos):
            log(f"memos: {n}/{len(memos)} Word files ({time.perf_counter() - started:.1f}s)")
    if memos:
        pdfs, combined = print_memos(memos, config.taxonomy, log, every)
        files.update({f"{m.file}.pdf": pdf for m, pdf in zip(memos, pdfs, strict=True)})
        files[COMBINED] = combined
    files[INDEX] = memo_index(memos, as_of.isoformat())
    hashes = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        hashes[name] = bytes_hash(data)
    (folder / MANIFEST).write_bytes(manifest_bytes(hashes))
    return {**hashes, MANIFEST: bytes_hash(manifest_bytes(hashes))}
