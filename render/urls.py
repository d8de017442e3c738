"""Where each page lives and what a link may point to: names that are safe as file names.

Page names are unique by construction across a build (:class:`PageNames`, installed by the
site map before any page is drawn): compared case-insensitively (Windows, macOS and SMB
shares fold case), never a name Windows reserves (``CON``, ``nul.x``, ``COM1``...). A
directive is named by its code when that code is a safe file name; any other entity, and a
code that is not safe or is taken, by a hash of its text. Hashed names live apart from
code names (``d-`` and 10 hex digits: a code of that shape is hashed itself), and hashes
that collide get ``-2``, ``-3``... in the sorted order of their texts. So a name changes
only for an entity that needs it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_SAFE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,60}$")
_HASHED = re.compile(r"^d-[0-9a-f]{10}(-[0-9]+)?$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
# Windows refuses these as a file's name before its first dot, whatever the case.
RESERVED = frozenset({"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)),
                      *(f"lpt{i}" for i in range(10))})


def slug(name: str) -> str:
    """A short stable file name for any text (Thai names with spaces are not file names)."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def code_is_name(code: str) -> bool:
    """Whether a directive code may be its page's own name."""
    return (bool(_SAFE_CODE.match(code)) and not _HASHED.match(code)
            and code.split(".")[0].lower() not in RESERVED)


def _base(family: str, name: str) -> str:
    if family == "directives":
        return name if code_is_name(name) else "d-" + slug(name)
    return slug(name)


def _assign(family: str, names: Iterable[str]) -> dict[str, str]:
    """Each name's page name: unique ignoring case, the sorted first keeping its own."""
    out: dict[str, str] = {}
    hashed: list[str] = []
    taken: set[str] = set()
    for name in sorted(set(names)):
        own = _base(family, name)
        if family == "directives" and code_is_name(name):
            if own.lower() not in taken:
                taken.add(own.lower())
                out[name] = own
                continue
            hashed.append(name)  # the same code in other letter case: hashed
        else:
            hashed.append(name)
    seen: dict[str, int] = {}
    for name in hashed:
        base = ("d-" if family == "directives" else "") + slug(name)
        seen[base] = seen.get(base, 0) + 1
        out[name] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return out


@dataclass(frozen=True)
class PageNames:
    """The page name of every directive, agency and inspector of one build."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, directives: Iterable[str] = (), agencies: Iterable[str] = (),
           inspectors: Iterable[str] = (), groups: Iterable[str] = ()) -> PageNames:
        given = {"directives": directives, "agencies": agencies, "inspectors": inspectors,
                 "groups": groups}
        return cls({family: _assign(family, (str(n) for n in names if n is not None))
                    for family, names in given.items()})

    def name(self, family: str, entity: str) -> str:
        known = self.names.get(family, {}).get(entity)
        return known if known is not None else _base(family, entity)


_current = PageNames()


def use(names: PageNames) -> None:
    """Name pages by ``names`` from now on (set before worker processes fork)."""
    global _current
    _current = names


@contextmanager
def using(names: PageNames) -> Iterator[None]:
    """Name pages by ``names`` inside the block."""
    before = _current
    use(names)
    try:
        yield
    finally:
        use(before)


def agency_path(name: str) -> str:
    return f"agencies/{_current.name('agencies', name)}.html"


def inspector_path(name: str) -> str:
    return f"inspectors/{_current.name('inspectors', name)}.html"


def meeting_path(group: str) -> str:
    """A district group's printable page for the weekly meeting."""
    return f"meeting/{_current.name('groups', group)}.html"


def directive_path(code: str) -> str:
    """Directive pages are named by code when the code is a safe file name."""
    return f"directives/{_current.name('directives', code)}.html"


def attachment_links(cell: str) -> list[dict]:
    """Each attachment as ``{href, text}``; only http(s) URLs become links."""
    items = [p.strip() for p in str(cell or "").split(", ") if p.strip()]
    return [{"href": item if _URL.match(item) else None, "text": item} for item in items]
