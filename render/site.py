"""The site map: every file of the dashboard, and the render that writes them.

:func:`site_map` lists every output (path, digest of its inputs, how to write it), made one
at a time. It comes in parts (:func:`parts`) that the writer (``render/writer.py``) shares
out among the build's processes; a part's pages are made and written by one process.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment

from tidtam.core.model import Changes, Dataset, KPIs, Output, TrendPoint
from tidtam.core.paths import TEMPLATES_DIR
from tidtam.render.charts import summary_charts, trend_charts
from tidtam.render.datafiles import data_files, published_rejected
from tidtam.render.digest import PageDigests, bytes_hash
from tidtam.render.html import Assets, Page, environment, render_page
from tidtam.render.memo_files import FOLDER
from tidtam.render.memo_site import memo_outputs
from tidtam.render.memos import Memo
from tidtam.render.pages import SiteFacts
from tidtam.render.pages.changes import changes_page
from tidtam.render.pages.entities import agency_pages, directive_pages, inspector_pages
from tidtam.render.pages.escalation import escalation_page
from tidtam.render.pages.lists import (
    followup_page,
    matrix_page,
    quality_page,
)
from tidtam.render.pages.meeting import meeting_pages
from tidtam.render.pages.overview import overview_page
from tidtam.render.pages.summary import summary_page
from tidtam.render.pages.survey import satisfaction_page
from tidtam.render.pages.trend import trend_page
from tidtam.render.people import export_json, people_table
from tidtam.render.urls import PageNames, use
from tidtam.render.writer import Staging, write_parts
from tidtam.transform.views import group_of

OVERVIEW_FILE = "tidtam-overview.html"  # the whole overview in one file (for Drive, e-mail)
# How much one part of entity pages holds: enough parts for the processes to finish
# together, few enough that each part's own lookups stay a small cost.
ROWS_PER_PART = 40_000   # reports and assignments behind agency pages
PAGES_PER_PART = 500     # directive pages


@dataclass
class Site:
    """What a site draws (the data, its KPIs, earlier runs' counts, what changed since the
    run it is compared with) and how it is drawn."""

    data: Dataset
    kpis: KPIs
    trend: list[TrendPoint] | None = None
    changes: Changes | None = None
    templates: Path = TEMPLATES_DIR
    memos: list[Memo] | None = None  # the follow-up memos, written under memos/ (--memos)

    @functools.cached_property
    def facts(self) -> SiteFacts:
        memo_files = {m.key: f"{FOLDER}/{m.file}.pdf" for m in self.memos or []}
        return SiteFacts.of(self.data, self.kpis, self.changes, memo_files)

    @functools.cached_property
    def env(self) -> Environment:
        return environment(self.data.config.taxonomy, self.templates)

    @functools.cached_property
    def assets(self) -> Assets:
        return Assets()

    @functools.cached_property
    def digests(self) -> PageDigests:
        return PageDigests(self.env, self.assets)

    @functools.cached_property
    def names(self) -> PageNames:
        """Every entity's page name, unique across the build (see ``render/urls.py``)."""
        data = self.data
        a, directives = data.assignments, data.register.directives
        return PageNames.of(
            directives=directives["directive_code"].tolist(),
            agencies=[*a["agency"].dropna().unique().tolist(),
                      *(agency.name for agency in data.config.agencies)],
            inspectors=[*a["inspector"].dropna().unique().tolist(),
                        *directives["inspector"].dropna().unique().tolist()],
            groups=group_of(a["district_group"]).unique().tolist())

    def prepare(self) -> None:
        """Compile the templates and read the assets once, before worker processes fork."""
        use(self.names)
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)
        _ = self.facts, self.digests

    def output(self, page: Page, inline: bool = False) -> Output:
        """A page as a file of the site (``inline``: styles and script inside it)."""
        return Output(page.path, self.digests.of(page, inline), lambda path: path.write_bytes(
            render_page(self.env, page, self.assets, inline)))


@dataclass(frozen=True)
class Part:
    """A share of the site one process writes: a family of files, or a shard of one."""

    family: str
    shard: int = 0
    shards: int = 1

    @property
    def charted(self) -> bool:
        """Whether the part draws charts or prints. vl-convert keeps a runtime with threads,
        which a process forked after it started does not have: such a worker would wait for
        them forever, so these parts are written by the build's own process (and so is the
        memos part, which drives one Chromium)."""
        return self.family in CHARTED


# the overview and summary charts, the trend chart; the memos' PDFs
CHARTED = {"overview", "lists", "memos"}


def parts(site: Site) -> list[Part]:
    """The site's parts: long ones at both ends, short ones in the middle. The writer's
    workers take them from the front and the writing process from the back, so they meet
    in the middle, on short parts, and finish together."""
    data = site.data
    rows = len(data.reports.reports) + len(data.assignments)
    directives = len(data.register.directives)
    return [Part("data"),
            *_shards("agencies", rows / ROWS_PER_PART, data.assignments["agency"].nunique()),
            *_shards("directives", directives / PAGES_PER_PART, directives),
            Part("static"), Part("lists"), Part("overview"),
            *([Part("memos")] if site.memos is not None else [])]


def _shards(family: str, wanted: float, entities: int) -> list[Part]:
    """``wanted`` shards of a family (rounded up), one per entity at most."""
    count = max(1, min(entities, math.ceil(wanted)))
    return [Part(family, i, count) for i in range(count)]


def site_map(site: Site, part: Part | None = None) -> Iterator[Output]:
    """Every file of the site (or of one part), one at a time: its path, the digest of its
    inputs, and how to write it."""
    use(site.names)
    for p in [part] if part else parts(site):
        yield from FAMILIES[p.family](site, p)


def _data(site: Site, _part: Part) -> Iterator[Output]:
    return data_files(site.data, site.kpis, site.changes)


def _static(site: Site, _part: Part) -> Iterator[Output]:
    for rel, content in site.assets.static_files().items():
        yield Output(rel, bytes_hash(content), lambda path, c=content: path.write_bytes(c))


def _overview(site: Site, _part: Part) -> Iterator[Output]:
    """The overview, also as one self-contained file, and the summary: they share charts."""
    labels = site.facts.labels

    def charts(inputs: dict) -> dict:
        return summary_charts(inputs, labels)

    overview = overview_page(site.facts, charts)
    yield site.output(overview)
    # The one file carries the people's table for its CSV button (the site's overview
    # loads it from data/ when the button is pressed).
    alone = {**overview.inputs, "export_json": export_json(people_table(site.data))}
    yield site.output(replace(overview, path=OVERVIEW_FILE, inputs=alone), inline=True)
    yield site.output(summary_page(site.facts, charts))


def _lists(site: Site, _part: Part) -> Iterator[Output]:
    facts, labels = site.facts, site.facts.labels
    yield site.output(satisfaction_page(facts))
    yield site.output(trend_page(facts, site.trend,
                                 lambda rows, targets: trend_charts(rows, labels, targets)))
    yield site.output(changes_page(facts))
    for page in meeting_pages(facts):
        yield site.output(page)
    yield site.output(followup_page(facts))
    yield site.output(escalation_page(facts))
    yield site.output(quality_page(facts, published_rejected(site.data)))
    yield site.output(matrix_page(facts))
    for page in inspector_pages(facts):
        yield site.output(page)


def _agencies(site: Site, part: Part) -> Iterator[Output]:
    for page in agency_pages(site.facts, part.shard, part.shards):
        yield site.output(page)


def _directives(site: Site, part: Part) -> Iterator[Output]:
    for page in directive_pages(site.facts, part.shard, part.shards):
        yield site.output(page)


def _memos(site: Site, _part: Part) -> Iterator[Output]:
    return memo_outputs(site.memos or [], site.data.config, site.data.as_of.isoformat(),
                        site.templates)


FAMILIES = {"data": _data, "static": _static, "overview": _overview, "lists": _lists,
            "agencies": _agencies, "directives": _directives, "memos": _memos}


def write_site(site: Site, folder: Path, previous: Path | None) -> dict[str, str]:
    """Write every file of ``site`` into ``folder``, carrying unchanged ones over from
    ``previous``; returns ``{path: "rendered"|"kept"}``."""
    site.prepare()
    return write_parts(functools.partial(site_map, site), parts(site), folder, previous,
                       here=lambda part: part.charted)


def render_site(data: Dataset, kpis: KPIs, out_dir: Path, previous: Path | None = None,
                trend: list[TrendPoint] | None = None,
                changes: Changes | None = None) -> dict[str, str]:
    """Render the site into ``out_dir``, swapped in whole; returns ``{path: how}``.

    ``previous`` is the site to carry unchanged files over from (default: ``out_dir``);
    ``trend`` the recorded runs (None: no history); ``changes`` what changed since the run
    compared with (None: none).
    """
    out_dir = Path(out_dir)
    with Staging(out_dir) as staging:
        outcome = write_site(Site(data, kpis, trend, changes), staging.folder,
                             out_dir if previous is None else previous)
        staging.swap_in()
    return outcome
