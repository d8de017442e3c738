"""Incremental builds: render a page only when its inputs changed since the last build.

The site keeps ``tidtam-manifest.json``: for every file, a hash of what produced it (a page's
inputs plus a fingerprint of the templates and render code; a data file's bytes). A new
build computes the same hashes; a file whose hash matches and that still exists in the
previous site is carried over (hard-linked, or copied across filesystems) into the staging
folder instead of being rendered again. The staging folder is then swapped in whole, so
carrying over never weakens the all-or-nothing guarantee.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import tidtam
from tidtam.core.paths import PACKAGE_ROOT as ROOT
from tidtam.core.paths import TEMPLATES_DIR

# Outside data/: data/ holds what a build means, the manifest only how it was made.
MANIFEST = "tidtam-manifest.json"
_CODE = [ROOT / "render", ROOT / "transform" / "views.py", ROOT / "transform" / "kpis.py"]


def fingerprint() -> str:
    """A hash of everything besides the data that shapes a page: templates, static files,
    the render code and the tidtam version. Changing any of them re-renders every page."""
    digest = hashlib.sha256(tidtam.__version__.encode())
    files = sorted(p for p in TEMPLATES_DIR.rglob("*") if p.is_file())
    for base in _CODE:
        files += sorted(base.rglob("*.py")) if base.is_dir() else [base]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash(print_: str, template: str, inputs: dict) -> str:
    """The hash of one page: fingerprint, template name and its inputs."""
    text = json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{print_}\0{template}\0{text}".encode()).hexdigest()


def bytes_hash(*contents: bytes) -> str:
    """SHA-256 of the contents one after another (without joining them in memory)."""
    digest = hashlib.sha256()
    for content in contents:
        digest.update(content)
    return digest.hexdigest()


def file_hash(path: Path, block: int = 1 << 20) -> str:
    """SHA-256 of a file's content, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(site: Path | None) -> dict[str, str]:
    """``{relative path: hash}`` of a previous build; empty when there is none or it is bad."""
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
    """Put the previous build's ``rel`` into ``staged``; False when it is not there."""
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
