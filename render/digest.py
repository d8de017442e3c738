"""Digests that tell whether a file would change: of bytes, of a file, and of a page.

A page's digest covers its inputs and everything else that shapes its HTML: its template
with every template that one extends, includes or imports, the display code (filters,
formats, the Jinja environment), the chart code when it draws charts, and the styles or
script it carries inline. Editing ``agency.html`` therefore changes only the agency pages'
digests, editing ``base.html`` every page's.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, meta

from tidtam.render import charts, formats, html
from tidtam.render.html import Assets, Page

# The code between a page's inputs and its bytes; the libraries' versions count too.
DISPLAY_CODE = (formats, html)
CHART_CODE = (charts,)
DISPLAY_LIBRARIES = ("tidtam", "jinja2", "markupsafe")
CHART_LIBRARIES = ("altair", "vl-convert-python")


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


def code_hash(*modules: object) -> str:
    """SHA-256 of the source files of ``modules``."""
    return bytes_hash(*(Path(m.__file__).read_bytes() for m in modules))


class PageDigests:
    """The digest of each page, from its inputs and what shapes it besides them."""

    def __init__(self, env: Environment, assets: Assets):
        self.env, self.assets = env, assets
        self._code: dict[tuple[str, bool, bool], str] = {}

    def of(self, page: Page, inline: bool = False) -> str:
        """The digest of ``page`` rendered (``inline``: as one self-contained file)."""
        return bytes_hash(self.code(page.template, inline, page.extras is not None).encode(),
                          b"\0", inputs_bytes(page.inputs))

    def code(self, template: str, inline: bool, charted: bool) -> str:
        """What shapes a page of ``template`` besides its inputs, as one digest."""
        key = (template, inline, charted)
        if key not in self._code:
            parts = [template.encode(), b"inline" * inline]
            for name in sorted(self.closure(template)):
                source, _, _ = self.env.loader.get_source(self.env, name)
                parts += [b"\0", name.encode(), b"\0", source.encode()]
            parts += [code_hash(*DISPLAY_CODE).encode(), *_versions(DISPLAY_LIBRARIES)]
            if charted:
                parts += [code_hash(*CHART_CODE).encode(), *_versions(CHART_LIBRARIES),
                          *(f.read_bytes() for f in sorted(charts.MEASURE_FONTS.glob("*")))]
            parts += [text.encode() for text in self.assets.inline(template, inline)]
            self._code[key] = bytes_hash(*parts)
        return self._code[key]

    def closure(self, template: str) -> set[str]:
        """``template`` and every template it extends, includes or imports, transitively."""
        seen: set[str] = set()
        todo = [template]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            source, _, _ = self.env.loader.get_source(self.env, name)
            for ref in meta.find_referenced_templates(self.env.parse(source)):
                if ref is None:  # a name computed at render time: any template may be used
                    return set(self.env.list_templates(extensions=["html"]))
                todo.append(ref)
        return seen


def inputs_bytes(inputs: dict) -> bytes:
    """Page inputs as bytes that are equal exactly when the inputs are.

    Marshal's format 2 writes every value in full (no references to an object seen
    before, which would depend on identity), in dict order, and takes a third of the time
    of JSON; a value it cannot write (none so far) falls back to JSON.
    """
    try:
        return marshal.dumps(inputs, 2)
    except ValueError:
        return json.dumps(inputs, ensure_ascii=False, default=str).encode()


def _versions(packages: tuple[str, ...]) -> list[bytes]:
    return [f"{p}={_version(p)}".encode() for p in packages]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "?"
