"""``tidtam memos``: the follow-up memos of every agency with something outstanding, as
Word and PDF files in ``OUT/memos/``, and (``record``) the reminder log in the history.

read (sync) -> normalize + KPIs (transform, as a build does) -> what is outstanding
(transform/outstanding.py) -> memo inputs, built once (render/memos.py) -> Word files and
PDFs staged and swapped in whole (render/memo_files.py) -> the reminders recorded, before
the swap: a failure leaves the old memos folder and records nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tidtam.core.config import Config
from tidtam.core.errors import ConfigError
from tidtam.core.model import Dataset
from tidtam.history import History
from tidtam.pipeline import _normalize, configured_history, refuse_overlap, today
from tidtam.render.memo_files import FOLDER, stage_memos
from tidtam.render.memos import LinkFn, Memo, memo_inputs
from tidtam.render.writer import Staging, writing
from tidtam.sync.files import read_source
from tidtam.transform.formlinks import prefill_url
from tidtam.transform.outstanding import outstanding
from tidtam.transform.privacy import public_rejected

Log = Callable[[str], None]


@dataclass(frozen=True)
class MemoRun:
    """What ``tidtam memos`` made: the memos, their folder, the reminders newly recorded
    (None: not recorded) and the seconds it took."""

    memos: list[Memo]
    folder: Path
    recorded: int | None
    seconds: float


def form_links(config: Config) -> LinkFn | None:
    """The "ส่งรายงานผล" link of an outstanding item: the form filled in advance with the
    agency and the directive (form.yaml ``google_form:``); None when it has no template."""
    form = config.form.google_form
    if form is None or not form.has_link:
        return None
    return lambda agency, code, text: prefill_url(form, agency, code, text)


def site_memos(data: Dataset, config: Config, as_of: date) -> list[Memo]:
    """The memos ``tidtam build --memos`` puts in the site: one per agency with an
    outstanding item, dated the as-of date (as ``tidtam memos`` makes them)."""
    items = outstanding(data.assignments, data.register.directives,
                        public_rejected(data.rejected, config.settings.publish))
    return memo_inputs(items, config, as_of, as_of, "agency", form_links(config))


def make_memos(source: Path, config: Config, out_dir: Path, as_of: date | None = None,
               by: str = "agency", record: bool = False, history: Path | None = None,
               log: Log | None = None) -> MemoRun:
    """Write ``out_dir/memos/`` (replaced whole) and, with ``record``, log each memo's
    items in the history database (``history``, default: sync.yaml's)."""
    log = log or (lambda _msg: None)
    started = time.perf_counter()
    target = Path(out_dir) / FOLDER
    as_of = as_of or today(config)
    path = history or configured_history(config)
    if record and path is None:
        raise ConfigError(config.dir, "--record needs a history database: pass --history "
                          "PATH or set history.path in sync.yaml")
    refuse_overlap(target, source=source, config=config.dir, history=path if record else None)
    data, _kpis = _normalize(lambda: read_source(source, config), config, as_of, log)
    items = outstanding(data.assignments, data.register.directives,
                        public_rejected(data.rejected, config.settings.publish))
    memos = memo_inputs(items, config, as_of, as_of, by, form_links(config))
    if by == "district-group":
        apart = {i["agency"] for i in items if not i["district_group"]}
        if apart:
            log(f"memos: {len(apart)} agencies in no district group get no memo by "
                "district group; write theirs with --by agency")
    log(f"memos: {len(memos)} memos by {by}, {len(items)} outstanding items of "
        f"{len({i['agency'] for i in items})} agencies")
    recorded = None
    with writing(target), Staging(target) as staging:
        stage_memos(memos, config, staging.folder, as_of, log)
        if record:
            assert path is not None
            rows = [(m.number, m.day, i["agency"], i["directive_code"])
                    for m in memos for i in m.items]
            with History(path) as db:
                recorded = db.record_memos(rows, as_of, by)
            log(f"record: {recorded} new reminders of {len(rows)} in {path}")
        staging.swap_in()
    seconds = time.perf_counter() - started
    log(f"memos: {len(memos)} memos ({2 * len(memos) + 1} files) -> {target} "
        f"({seconds:.1f}s)")
    return MemoRun(memos, target, recorded, seconds)
