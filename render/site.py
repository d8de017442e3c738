"""Render the dashboard and its data files into a folder, all or nothing.

Every page's inputs are computed in memory first (``render/context.py``); pages whose inputs
did not change since the previous build are carried over from it, the others rendered
(``render/incremental.py``). All of it goes into a staging folder beside the target, which
is then swapped in (``atomic.swap_dir``): a failed build never leaves a half-written site.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tidtam.core.errors import TidtamError
from tidtam.core.paths import STATIC_DIR, TEMPLATES_DIR
from tidtam.render import atomic, filters, parallel
from tidtam.render import context as C
from tidtam.render import incremental as inc
from tidtam.render.charts import summary_charts, trend_chart
from tidtam.render.exports import write_csv, write_xlsx
from tidtam.transform.dataset import Dataset
from tidtam.transform.privacy import redact, redact_cells

OVERVIEW_FILE = "tidtam-overview.html"  # the whole overview in one file (for Drive, e-mail)
XLSX_FILE = "data/tidtam-data.xlsx"
FONT_FILES = [("sarabun-thai-400-normal.woff2", 400), ("sarabun-thai-700-normal.woff2", 700),
              ("sarabun-latin-400-normal.woff2", 400), ("sarabun-latin-700-normal.woff2", 700)]
_THAI_RANGE = "U+0E01-0E5B, U+200C-200D, U+25CC"
_LATIN_RANGE = ("U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
                "U+2000-206F, U+2190-21FF, U+2212, U+2264-2265, U+25B2-25BC, U+2713-2717")

TrendPoints = list[tuple[str, str, dict]]


class _Environment(Environment):
    """Jinja whose ``a.b`` looks in a dict's keys first.

    Page inputs are plain dicts; Jinja's ``getattr`` first asks for a Python attribute
    and only then for the key, so every ``row.status`` raised and caught an
    AttributeError (a million times at 100k reports: seconds of the render). A key that
    shadows a dict method (``items``) is therefore read with ``row["items"]``.
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(taxonomy) -> Environment:
    """Jinja with autoescape on for every template: typed text is never markup."""
    env = _Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.register(env, taxonomy)
    return env


def render_site(data: Dataset, kpis: dict, out_dir: Path, previous: Path | None = None,
                trend: TrendPoints | None = None) -> dict[str, str]:
    """Render the site into ``out_dir`` atomically; returns ``{path: "rendered"|"kept"}``.

    ``previous`` is the last build to carry unchanged pages over from (default: ``out_dir``
    itself). ``trend`` is the status counts of earlier runs; by default they are read from
    the history database of ``config/sync.yaml`` when it exists.
    """
    previous = out_dir if previous is None else previous
    old = inc.read_manifest(previous if previous.is_dir() else None)
    if trend is None:
        trend = history_points(data.config)
    staged = atomic.staging_dir(out_dir)
    staged.chmod(0o755)  # mkdtemp makes 0700; a web root must be readable
    try:
        outcome = write_site(data, kpis, staged, previous, old, trend)
        atomic.swap_dir(staged, out_dir)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return outcome


def write_site(data: Dataset, kpis: dict, staged: Path, previous: Path, old: dict[str, str],
               trend: TrendPoints | None) -> dict[str, str]:
    """Write every file of the site into ``staged``, carrying unchanged ones over.

    The work is split in two halves of similar cost, one in a forked second process
    (``render/parallel.py``): the data files, workbook and directive-level pages there;
    the overview, charts and agency pages here.
    """
    kpis = kpis.as_dict()
    facts = C.SiteFacts.of(data)
    render = _Render(data, kpis, facts, staged, previous, old, trend)
    (tables, tables_out), (pages_, pages_out) = parallel.run_beside(
        lambda: render.run(render.tables_half), lambda: render.run(render.pages_half))
    hashes = {**tables, **pages_}
    outcome = {**tables_out, **pages_out}
    (staged / inc.MANIFEST).write_bytes(inc.manifest_bytes(hashes))
    outcome[inc.MANIFEST] = "rendered"
    return outcome


class _Render:
    """One half of a build's files: each is carried over when its hash is unchanged."""

    def __init__(self, data: Dataset, kpis: dict, facts: C.SiteFacts, staged: Path,
                 previous: Path, old: dict[str, str], trend: TrendPoints | None = None):
        self.data, self.kpis, self.facts, self.trend = data, kpis, facts, trend
        self.staged, self.previous, self.old = staged, previous, old
        self.assets = Assets()
        self.env = environment(data.config.taxonomy)
        self.fingerprint = inc.fingerprint()
        self.hashes: dict[str, str] = {}
        self.outcome: dict[str, str] = {}

    def run(self, half: Callable[[], None]) -> tuple[dict[str, str], dict[str, str]]:
        """Write one half; returns that half's ``(hashes, outcome)``."""
        self.hashes, self.outcome = {}, {}
        half()
        return self.hashes, self.outcome

    def _kept(self, rel: str, digest: str) -> bool:
        """Record ``rel``'s digest; carry the previous build's file over when it has the
        same one (True), else the caller writes it (False)."""
        self.hashes[rel] = digest
        kept = self.old.get(rel) == digest and inc.carry_over(self.previous, rel, self.staged)
        self.outcome[rel] = "kept" if kept else "rendered"
        return kept

    def put(self, rel: str, digest: str, write: Callable[[Path], object]) -> None:
        """``write(path)`` the file unless the previous build has it with this digest."""
        if not self._kept(rel, digest):
            write(self._target(rel))

    def put_bytes(self, rel: str, content: bytes) -> None:
        self.put(rel, inc.bytes_hash(content), lambda path: path.write_bytes(content))

    def put_written(self, rel: str, write: Callable[[Path], object]) -> str:
        """Write a file whose digest is known only from its content (a data export,
        streamed to disk: at a million reports it would not fit in memory twice)."""
        path = self._target(rel)
        fresh = path.with_name(path.name + ".new")
        write(fresh)
        digest = inc.file_hash(fresh)
        if self._kept(rel, digest):
            fresh.unlink()  # unchanged: the previous file itself is kept, as for pages
        else:
            fresh.rename(path)
        return digest

    def _target(self, rel: str) -> Path:
        path = self.staged / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def put_page(self, page: C.Page) -> None:
        digest = inc.inputs_hash(self.fingerprint, page.template, page.inputs)
        self.put(page.path, digest,
                 lambda path: path.write_bytes(render_page(self.env, page, self.assets)))

    def tables_half(self) -> None:
        """Data files, the workbook, static files, and the directive-level pages."""
        data, facts = self.data, self.facts
        self.put_bytes("data/kpis.json", kpis_json(self.kpis))
        tables = export_tables(data)
        digests = [self.put_written(f"data/{name}.csv", lambda path, f=frame: write_csv(f, path))
                   for name, frame in tables.items()]
        # The workbook holds the same four tables as the CSV files (and the as-of date):
        # their digests already say whether it changed, without writing every sheet again.
        stamp = datetime.combine(data.as_of, time())
        self.put(XLSX_FILE, inc.bytes_hash(*(d.encode() for d in digests),
                                           data.as_of.isoformat().encode()),
                 lambda path: write_xlsx({TABLES[n]: f for n, f in tables.items()}, stamp, path))
        tables.clear()  # the copies with ISO text are not needed by the pages below
        for rel, content in static_files(self.assets).items():
            self.put_bytes(rel, content)
        for page in [C.followup_page(facts), C.quality_page(facts, self.kpis),
                     C.matrix_page(facts), *C.inspector_pages(facts)]:
            self.put_page(page)
        for page in C.directive_pages(facts):
            self.put_page(page)

    def pages_half(self) -> None:
        """The overview (also as one self-contained file), summary, charts, agency pages."""
        facts, kpis, labels = self.facts, self.kpis, self.facts.labels
        overview = C.overview_page(facts, kpis, lambda inputs: summary_charts(inputs, labels))
        self.put_page(overview)
        standalone = C.Page(OVERVIEW_FILE, "index.html", overview.inputs,
                            extras=overview.extras)
        self.put(OVERVIEW_FILE,
                 inc.inputs_hash(self.fingerprint, "standalone", standalone.inputs),
                 lambda path: path.write_bytes(
                     render_page(self.env, standalone, self.assets, inline=True)))
        for page in [C.summary_page(facts, kpis, lambda inputs: summary_charts(inputs, labels)),
                     C.satisfaction_page(facts, kpis),
                     C.trend_page(facts, self.trend, lambda rows: trend_chart(rows, labels))]:
            self.put_page(page)
        for page in C.agency_pages(facts):
            self.put_page(page)


def render_page(env: Environment, page: C.Page, assets: Assets, inline: bool = False) -> bytes:
    """One page's HTML; ``inline`` puts styles, fonts and script inside the file."""
    extras = page.extras() if page.extras else {}
    html = env.get_template(page.template).render(
        **page.inputs, **extras, root=page.root, inline=inline,
        inline_css=assets.css if inline else "",
        inline_js=assets.js if inline or page.template == "index.html" else "")
    return html.encode("utf-8")


# -- data files, exports, static assets ---------------------------------------------------


# The four tables, in the CSV files and as the workbook's sheets (names are a contract).
TABLES = {"assignments": "การมอบหมาย", "directives": "ข้อสั่งการ", "reports": "รายงานผล",
          "rejected": "แถวที่ถูกกัก"}


def export_tables(data: Dataset) -> dict[str, pd.DataFrame]:
    """The full data for CSV and Excel: personal fields only as config allows, times as
    ISO text."""
    publish = data.config.settings.publish
    titles = {name: list(spec.titles) for name, spec in data.config.form.responses.fields
              if spec is not None}
    return {
        "assignments": _iso(data.assignments),
        "directives": _iso(data.register.directives),
        "reports": _iso(redact(data.reports.reports, publish)),
        "rejected": _rejected(data, titles, publish),
    }


def kpis_json(kpis: dict) -> bytes:
    return json.dumps(kpis, ensure_ascii=False, indent=2).encode("utf-8")


def _rejected(data: Dataset, titles: dict, publish) -> pd.DataFrame:
    """Quarantined rows without unpublished personal cells, also where a detail quotes one."""
    frame = redact_cells(data.rejected, titles, publish)
    if "detail" in frame.columns and len(frame):
        frame = frame.assign(detail=frame["detail"].map(lambda d: C.hide_reporter(d, publish)))
    return frame


def _iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as ISO 8601 text (``2024-01-05T09:03:07+07:00``)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = C.iso_stamps(out[col])
        elif out[col].dtype == object and out[col].map(
                lambda v: hasattr(v, "isoformat")).any():
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else "")
    return out


class Assets:
    """The stylesheet (with the Sarabun faces) and the script, read once per build."""

    def __init__(self) -> None:
        self.css = font_faces() + (STATIC_DIR / "site.css").read_text(encoding="utf-8")
        self.js = (STATIC_DIR / "app.js").read_text(encoding="utf-8")


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


def static_files(assets: Assets) -> dict[str, bytes]:
    """static/: the stylesheet (fonts inside), the script and the fonts' licence."""
    return {"static/tidtam.css": assets.css.encode("utf-8"),
            "static/app.js": assets.js.encode("utf-8"),
            "static/fonts/OFL.txt": (STATIC_DIR / "fonts" / "OFL.txt").read_bytes()}


# -- history ----------------------------------------------------------------------------


def history_points(config) -> TrendPoints | None:
    """Status counts of every recorded run, when a history database exists (else None)."""
    try:
        from tidtam.history import History
        from tidtam.sync.settings import load_sync_settings

        settings = load_sync_settings(config.dir)
        path = settings.resolve(settings.history.path)
        if not path.is_file():
            return None
        with History(path) as db:
            points = db.status_trend()
    except (OSError, sqlite3.Error, ValueError, TidtamError):
        # A broken or newer history must not stop the dashboard; the trend page says so.
        return None
    tz = ZoneInfo(config.settings.timezone)
    out = []
    for p in points:
        started = datetime.fromisoformat(p.started_at).astimezone(tz)
        out.append((f"รอบ {p.run_id} ({filters.thai_datetime(started)})", p.as_of or "",
                    dict(p.counts)))
    return out
