"""Write keys of form.yaml's ``google_form:`` section in place, keeping the file's comments,
order and every other line as they are (``tidtam form learn-prefill``).

The section is edited as text, line by line: a key's line gets its new value (its indent
and trailing comment kept), a missing key is added after the section's last key, a missing
section is added at the end. The result is checked to read back with those values and to
validate before it replaces the file atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from tidtam.core.config import Form
from tidtam.core.errors import ConfigError, WriteError

SECTION = "google_form"
_HEADER = re.compile(rf"^{SECTION}:[ \t]*(?P<flow>[^#\s][^#]*?)?[ \t]*(?P<comment>#.*)?$")
_KEY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")
_REST = re.compile(r"""^[ \t]*(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#]*?)"""
                   r"""[ \t]*(?P<comment>#.*)?$""")
_NEW_SECTION = (
    "\n# The Google Form agencies report through (see docs/config.md); written by\n"
    "# `tidtam form learn-prefill`.\n"
    f"{SECTION}:\n"
)


def set_keys(text: str, values: Mapping[str, str], path: Path) -> str:
    """``text`` (a form.yaml) with ``google_form.<key>: "<value>"`` for each of ``values``."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    header = _find_header(lines, path)
    if header is None:
        lines.append(_NEW_SECTION)
        lines = "".join(lines).splitlines(keepends=True)
        header = len(lines) - 1
    end, indent = _section_end(lines, header)
    for key, value in values.items():
        rendered = json.dumps(value, ensure_ascii=False)
        at = _key_line(lines, header, end, indent, key)
        if at is None:
            lines.insert(end, f"{indent}{key}: {rendered}\n")
            end += 1
            continue
        match = _KEY.match(lines[at].rstrip("\n"))
        rest = _REST.match(match.group("rest"))
        comment = f"  {rest.group('comment')}" if rest and rest.group("comment") else ""
        lines[at] = f"{match.group('indent')}{key}: {rendered}{comment}\n"
    return "".join(lines)


def _find_header(lines: list[str], path: Path) -> int | None:
    for i, line in enumerate(lines):
        match = _HEADER.match(line.rstrip("\r\n"))
        if not match:
            continue
        flow = (match.group("flow") or "").strip()
        if flow in ("", "{}", "null", "~"):
            comment = f"  {match.group('comment')}" if match.group("comment") else ""
            lines[i] = f"{SECTION}:{comment}\n"
            return i
        raise ConfigError(path, f"line {i + 1}: write {SECTION}: as a block, one key per "
                          "line, so tidtam can set its keys")
    return None


def _section_end(lines: list[str], header: int) -> tuple[int, str]:
    """The line after the section's last key, and the keys' indent."""
    end, indent = header + 1, None
    for i in range(header + 1, len(lines)):
        line = lines[i].rstrip("\r\n")
        if line and not line[0].isspace() and not line.startswith("#"):
            break  # the next top-level key
        match = _KEY.match(line)
        if match and (indent is None or match.group("indent") == indent):
            indent = match.group("indent")
            end = i + 1
    return end, indent or "  "


def _key_line(lines: list[str], header: int, end: int, indent: str, key: str) -> int | None:
    for i in range(header + 1, end):
        match = _KEY.match(lines[i].rstrip("\r\n"))
        if match and match.group("indent") == indent and match.group("key") == key:
            return i
    return None


def check(text: str, values: Mapping[str, str], path: Path) -> None:
    """The edited text reads back with ``values`` and is a valid form.yaml."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"the edit would not be valid YAML ({exc}); nothing was "
                          "written, edit the google_form: section by hand") from None
    section = (data or {}).get(SECTION) or {}
    if any(section.get(k) != v for k, v in values.items()):
        raise ConfigError(path, "the edit did not read back as written; nothing was written, "
                          "edit the google_form: section by hand")
    try:
        Form.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(path, f"{where}: {first['msg'].removeprefix('Value error, ')} "
                          "(nothing was written)") from None


def replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteError(f"cannot write {path} ({exc.strerror or exc}); it is unchanged") \
            from None


def write_keys(path: Path, values: Mapping[str, str]) -> None:
    """Set ``google_form`` keys of the form.yaml at ``path``, comments and all kept."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "file is missing (copy it from the project's config/ "
                          "folder)") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "is not UTF-8 text; save it as UTF-8") from None
    edited = set_keys(text, values, path)
    check(edited, values, path)
    replace_atomically(path, edited)
