"""``tidtam form``: learn the prefilled-link template, and keep the form's choices in step.

``learn_prefill`` reads a "Get pre-filled link" address and writes the template into
form.yaml (comments kept, see tidtam/formyaml.py). ``form_sync`` builds the dataset from a
source (default: the newest snapshot of sync.yaml's ``snapshots.dir``), then sends one
``forms.get`` and at most one ``forms.batchUpdate`` (none with ``dry_run``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httplib2

from tidtam import formyaml
from tidtam.core.config import Config, load_config
from tidtam.core.errors import ConfigError, SourceError
from tidtam.core.google_form import GoogleForm
from tidtam.core.model import Dataset, printable
from tidtam.core.paths import DEFAULT_CONFIG_DIR
from tidtam.sync import forms
from tidtam.sync.files import read_source
from tidtam.sync.forms import ChoiceChange
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.settings import load_sync_settings
from tidtam.sync.sheets import find_key_file, load_service_account
from tidtam.sync.snapshot import FILE_NAME as SNAPSHOT_FILE
from tidtam.transform.dataset import normalize
from tidtam.transform.formlinks import (
    AGENCY_PLACEHOLDER,
    DIRECTIVE_PLACEHOLDER,
    PrefillTemplate,
    agency_choices,
    learn_prefill,
    open_directive_choices,
)

Log = Callable[[str], None]
FORM_FILE = "form.yaml"


def learn_prefill_into(config_dir: Path | None, url: str,
                       agency_placeholder: str = AGENCY_PLACEHOLDER,
                       directive_placeholder: str = DIRECTIVE_PLACEHOLDER
                       ) -> tuple[Path, PrefillTemplate]:
    """Learn the template from ``url`` and write it into the config folder's form.yaml."""
    path = Path(config_dir or DEFAULT_CONFIG_DIR) / FORM_FILE
    template = learn_prefill(url, agency_placeholder, directive_placeholder)
    formyaml.write_keys(path, {"viewform_url": template.viewform_url,
                               "agency_entry": template.agency_entry,
                               "directive_entry": template.directive_entry})
    return path, template


@dataclass(frozen=True)
class FormSyncOptions:
    """What `tidtam form sync` was asked to do."""

    config_dir: Path | None = None
    source: Path | None = None
    key_file: Path | None = None
    dry_run: bool = False


@dataclass
class FormSyncResult:
    """What a form sync found and did."""

    form_id: str
    changes: list[ChoiceChange]
    skipped: list[str] = field(default_factory=list)   # questions left alone, and why
    sent: bool = False                                  # a batchUpdate went out


def form_sync(options: FormSyncOptions, log: Log,
              transport: httplib2.Http | None = None) -> FormSyncResult:
    """Set the agency and directive choices of the form to the register's."""
    config = load_config(options.config_dir)
    where = config.dir / FORM_FILE
    cfg = _form_config(config, where)
    settings = load_sync_settings(config.dir)
    policy = RetryPolicy.from_settings(settings.google)
    google = settings.google
    configured = settings.resolve(google.key_file) if google.key_file else None
    account = load_service_account(find_key_file(options.key_file, configured))
    wanted, skipped = _wanted(config, cfg, options, log)
    service = forms.forms_service(account, policy, transport)
    form = forms.get_form(service, cfg.form_id, account, policy)
    if not cfg.agency_question_id and not cfg.directive_question_id:
        raise ConfigError(where, "google_form.agency_question_id and directive_question_id "
                          "are empty: copy the ids from the form's questions, "
                          f"{forms.describe_questions(form)}")
    changes = forms.plan(form, wanted, where)
    body = forms.update_body(form, changes)
    result = FormSyncResult(cfg.form_id, changes, skipped)
    if body["requests"] and not options.dry_run:
        forms.batch_update(service, cfg.form_id, body, account, policy)
        result.sent = True
    return result


def _form_config(config: Config, where: Path) -> GoogleForm:
    cfg = config.form.google_form
    if cfg is None or not cfg.form_id:
        raise ConfigError(where, "google_form.form_id is empty: paste the id from the form's "
                          "edit address (docs.google.com/forms/d/<form_id>/edit)")
    return cfg


def _wanted(config: Config, cfg: GoogleForm, options: FormSyncOptions,
            log: Log) -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """role -> (question id, the choices it should have); and the questions skipped."""
    wanted: dict[str, tuple[str, list[str]]] = {}
    skipped = []
    if cfg.agency_question_id:
        wanted["agency"] = (cfg.agency_question_id, agency_choices(config.agencies))
    if cfg.directive_question_id:
        data = _dataset(config, options.source, log)
        choices = open_directive_choices(data, cfg.choice_text_chars)
        if choices:
            wanted["directive"] = (cfg.directive_question_id, choices)
        else:  # a choice question needs at least one option
            skipped.append(f"directive question {cfg.directive_question_id}: no open "
                           "directive in the register, left as it is")
    return wanted, skipped


def _dataset(config: Config, source: Path | None, log: Log) -> Dataset:
    source = source or latest_snapshot(config)
    sheets = read_source(source, config)
    log(f"read: {source}")
    return normalize(sheets, config, datetime.now(ZoneInfo(config.settings.timezone)).date())


def latest_snapshot(config: Config) -> Path:
    """The newest snapshot in sync.yaml's ``snapshots.dir`` (their names sort by time)."""
    settings = load_sync_settings(config.dir)
    folder = settings.resolve(settings.snapshots.dir)
    saved = sorted(p for p in folder.iterdir() if (p / SNAPSHOT_FILE).is_file()) \
        if folder.is_dir() else []
    if not saved:
        raise SourceError(f"no snapshot in {printable(folder)}: run `tidtam sync` first, or "
                          "pass --source (a CSV folder, an .xlsx or a snapshot folder)")
    return saved[-1]


def report(result: FormSyncResult, dry_run: bool) -> list[str]:
    """What changed, per question: counts, then each added (+) and removed (-) choice."""
    lines: list[str] = []
    for change in result.changes:
        head = (f"{change.role} question {change.question_id} "
                f"{printable(change.title)!r}: {len(change.after)} choices")
        if not change.changed:
            lines.append(f"{head}, unchanged")
            continue
        moved = "" if change.added or change.removed else ", order changed"
        lines.append(f"{head} ({len(change.added)} added, {len(change.removed)} removed"
                     f"{moved})")
        lines += [f"  + {printable(v)}" for v in change.added]
        lines += [f"  - {printable(v)}" for v in change.removed]
    lines += result.skipped
    if result.sent:
        lines.append(f"form {result.form_id}: updated (1 batchUpdate)")
    elif dry_run and any(c.changed for c in result.changes):
        lines.append(f"form {result.form_id}: dry run, nothing sent")
    else:
        lines.append(f"form {result.form_id}: already in step, nothing sent")
    return lines
