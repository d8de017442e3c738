"""Where each page lives and what a link may point to: names that are safe as file names."""

from __future__ import annotations

import hashlib
import re

_SAFE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,60}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def slug(name: str) -> str:
    """A short stable file name for any text (Thai names with spaces are not file names)."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def agency_path(name: str) -> str:
    return f"agencies/{slug(name)}.html"


def inspector_path(name: str) -> str:
    return f"inspectors/{slug(name)}.html"


def directive_path(code: str) -> str:
    """Directive pages are named by code when the code is a safe file name."""
    name = code if _SAFE_CODE.match(code) and code not in {"index"} else "d-" + slug(code)
    return f"directives/{name}.html"


def attachment_links(cell: str) -> list[dict]:
    """Each attachment as ``{href, text}``; only http(s) URLs become links."""
    items = [p.strip() for p in str(cell or "").split(", ") if p.strip()]
    return [{"href": item if _URL.match(item) else None, "text": item} for item in items]
