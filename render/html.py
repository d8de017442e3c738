"""HTML: the Jinja environment, one page rendered, and the stylesheet and script it uses."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tidtam.core.config import Taxonomy
from tidtam.core.paths import STATIC_DIR, TEMPLATES_DIR
from tidtam.render.formats import filters

FONT_FILES = [("sarabun-thai-400-normal.woff2", 400), ("sarabun-thai-700-normal.woff2", 700),
              ("sarabun-latin-400-normal.woff2", 400), ("sarabun-latin-700-normal.woff2", 700)]
_THAI_RANGE = "U+0E01-0E5B, U+200C-200D, U+25CC"
_LATIN_RANGE = ("U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
                "U+2000-206F, U+2190-21FF, U+2212, U+2264-2265, U+25B2-25BC, U+2713-2717")
# The overview carries its script inline: its first paint must not wait for another file.
# It alone runs overview.js (its filters, charts, search); every other page loads only
# static/app.js (sorting, CSV, print, the list pages' filters), a quarter of the size.
SCRIPT_INLINE = {"index.html"}


@dataclass
class Page:
    """One HTML file: where it goes, which template, what it shows (its *inputs*).

    The inputs are exactly what the template renders (strings, numbers, lists, dicts; dates
    as ISO text), so their digest tells whether the page would change.
    """

    path: str
    template: str
    inputs: dict
    # Expensive extras (SVG charts) computed only when the page is actually rendered.
    extras: Callable[[], dict] | None = field(default=None, repr=False)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


class _Environment(Environment):
    """Jinja whose ``a.b`` looks in a dict's keys first.

    Page inputs are plain dicts; Jinja's ``getattr`` first asks for a Python attribute
    and only then for the key, so every ``row.status`` raised and caught an
    AttributeError, a large share of the render. A key that shadows a dict method
    (``items``) is therefore read with ``row["items"]``.
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(taxonomy: Taxonomy, templates: Path = TEMPLATES_DIR) -> Environment:
    """Jinja with autoescape on for every template: typed text is never markup."""
    env = _Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters(taxonomy))
    return env


class Assets:
    """The stylesheet (with the Sarabun faces) and the scripts, read once per build."""

    def __init__(self) -> None:
        self.css = font_faces() + (STATIC_DIR / "site.css").read_text(encoding="utf-8")
        self.js = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
        self.overview_js = self.js + (STATIC_DIR / "overview.js").read_text(encoding="utf-8")

    def inline(self, template: str, inline: bool) -> tuple[str, str]:
        """The (styles, script) a page of ``template`` carries inside itself: the overview
        both scripts; another page, in one file, the pages' script."""
        if template in SCRIPT_INLINE:
            script = self.overview_js
        else:
            script = self.js if inline else ""
        return (self.css if inline else "", script)

    def static_files(self) -> dict[str, bytes]:
        """static/: the stylesheet (fonts inside), the script and the fonts' licence."""
        return {"static/tidtam.css": self.css.encode("utf-8"),
                "static/app.js": self.js.encode("utf-8"),
                "static/fonts/OFL.txt": (STATIC_DIR / "fonts" / "OFL.txt").read_bytes()}


def font_faces() -> str:
    """@font-face rules with the fonts as data URLs.

    Browsers refuse font files from file:// pages (CORS: every file is its own origin), so
    the faces travel inside the stylesheet, which every page shares and caches. The swap
    from the fallback font must not move the page (Lighthouse CLS): layouts whose height
    would depend on text width (button rows on a phone) are fixed in site.css.
    """
    rules = []
    for name, weight in FONT_FILES:
        data = base64.b64encode((STATIC_DIR / "fonts" / name).read_bytes()).decode("ascii")
        src = f"url(data:font/woff2;base64,{data})"
        rng = _THAI_RANGE if "thai" in name else _LATIN_RANGE
        rules.append(f'@font-face{{font-family:"Sarabun";font-style:normal;font-weight:{weight};'
                     f'font-display:swap;src:{src} format("woff2");unicode-range:{rng}}}\n')
    return "".join(rules)


def render_page(env: Environment, page: Page, assets: Assets, inline: bool = False) -> bytes:
    """One page's HTML; ``inline`` puts styles, fonts and script inside the file."""
    extras = page.extras() if page.extras else {}
    css, js = assets.inline(page.template, inline)
    html = env.get_template(page.template).render(
        **page.inputs, **extras, root=page.root, inline=inline, inline_css=css, inline_js=js)
    return html.encode("utf-8")
