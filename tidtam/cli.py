"""The ``tidtam`` command: thin click commands over the library."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tidtam import __version__
from tidtam.core.config import load_config
from tidtam.core.errors import TidtamError
from tidtam.core.model import printable
from tidtam.transform.agencies import AgencyDirectory


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2024-07-31") from None


def config_option(fn):
    """--config DIR, shared by every command."""
    return click.option("--config", "config_dir", type=click.Path(path_type=Path),
                        default=None, help="Config folder (default: the project's config/).")(fn)


def build_options(fn):
    """--out and --as-of, shared by build and sync."""
    fn = click.option("--since", callback=_date, metavar="YYYY-MM-DD",
                      help="Show what changed since the latest recorded run dated on or "
                           "before this day (default: the latest run dated before --as-of).")(fn)
    fn = click.option("--as-of", "as_of", callback=_date, metavar="YYYY-MM-DD",
                      help="The date the dashboard is 'as of' (default: today in Bangkok); "
                           "fixes it so builds are reproducible.")(fn)
    fn = click.option("--out", "out_dir", type=click.Path(path_type=Path),
                      default=Path("site"), show_default="site/",
                      help="Folder the dashboard is written to (replaced whole).")(fn)
    return fn


def log(message: str) -> None:
    click.echo(message, err=True)


class _Failure(click.ClickException):
    """A domain error as click prints it: ``Error: <one line>``, with the error's exit code."""

    def __init__(self, error: TidtamError):
        super().__init__(printable(error.message))
        self.exit_code = error.exit_code


class _Commands(click.Group):
    """The command group: every expected failure (a TidtamError) becomes one line and its
    documented exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TidtamError as error:
            raise _Failure(error) from None


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="tidtam")
def cli() -> None:
    """tidtam (ติดตาม): follow-up on BMA directives, from form reports to a Thai dashboard."""


memos_option = click.option(  # shared by build and sync
    "--memos", is_flag=True, help="Also write the follow-up memos (Word and PDF, one per "
    "agency with an overdue or failed item) into OUT/memos/ and link them from the "
    "follow-up list (needs Chromium at /usr/bin/chromium).")


@cli.command()
@click.option("--source", required=True, type=click.Path(path_type=Path),
              help="A folder with directives.csv, responses.csv [, satisfaction.csv], "
                   "an .xlsx workbook, or a sync snapshot folder.")
@click.option("--pdf", is_flag=True,
              help="Also print the executive summary to OUT/tidtam-summary.pdf "
                   "(needs Chromium at /usr/bin/chromium).")
@memos_option
@click.option("--record", is_flag=True,
              help="Record this build as a run in the history database, as sync does "
                   "(its trend point and the baseline of later changes).")
@click.option("--history", "history_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="History database to read (and with --record, write) "
                                 "instead of history.path in config/sync.yaml.")
@config_option
@build_options
def build(source: Path, config_dir: Path | None, out_dir: Path, as_of: date | None,
          since: date | None, pdf: bool, record: bool, history_path: Path | None,
          memos: bool) -> None:
    """Build the dashboard from downloaded sheets.

    Example:

    \b
        tidtam build --source sample/data --as-of 2024-07-31 --out site [--pdf]
        tidtam build --source sample/data --as-of 2024-06-30 --record --history var/h.sqlite
        tidtam build --source sample/data --since 2024-06-30
    """
    from tidtam.pipeline import BuildOptions, build_from_source

    config = load_config(config_dir)
    use = BuildOptions(path=history_path, record=record, since=since, memos=memos)
    result = build_from_source(source, config, out_dir, as_of, log=log, use=use)
    if pdf:
        from tidtam.render.pdf import write_summary_pdf

        log(f"pdf: {write_summary_pdf(result.out_dir)}")
    k = result.kpis
    click.echo(f"built {result.out_dir / 'index.html'}: reporting rate "
               f"{_pct(k.reporting_rate_pct)} ({k.agencies_reported}/{k.agencies_total} "
               f"agencies), {k.reports_accepted} reports, {k.rows_rejected} rows "
               "quarantined (see data/rejected.csv)")


@cli.command("check-config")
@config_option
def check_config(config_dir: Path | None) -> None:
    """Validate a config folder without building anything.

    Example:

        tidtam check-config --config config
    """
    config = load_config(config_dir)
    AgencyDirectory(config.agencies, config.dir / "agencies.yaml")  # no alias means two
    click.echo(f"{config.dir}: ok ({len(config.agencies)} agencies, "
               f"{len(config.taxonomy.directive_types)} directive types)")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def main() -> None:
    """Console entry point."""
    cli(prog_name="tidtam")



# --- sync and history (issue 3: Google Sheets sync, history database, publishing) -------
# Thin wrappers over tidtam.job; exit codes are those of tidtam/core/errors.py.


@cli.command()
@click.option("--spreadsheet", metavar="KEY_OR_URL", default=None,
              help="One spreadsheet that holds all three tabs (overrides config/sync.yaml).")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Service-account key (JSON); overrides config and "
                   "GOOGLE_APPLICATION_CREDENTIALS.")
@click.option("--no-publish", is_flag=True,
              help="Update only --out; skip the folder and Drive targets of config/sync.yaml.")
@click.option("--force", is_flag=True,
              help="Publish even when the run accepted fewer than half the reports of the "
                   "last published run (otherwise exit 7, the old site kept).")
@memos_option
@config_option
@build_options
def sync(spreadsheet: str | None, key_file: Path | None, no_publish: bool, force: bool,
         memos: bool, config_dir: Path | None, out_dir: Path, as_of: date | None,
         since: date | None) -> None:
    """Pull the sheets from Google, build, record in history, publish: the whole job.

    One line per stage goes to stderr. Exit codes: 2 config (or an output folder tidtam
    may not replace, or a damaged history), 3 source data, 4 Google, 5 writing or
    publishing, 6 another run holds the lock, 7 far fewer reports than the last published
    run (use --force to publish anyway).

    Example:

    \b
        tidtam sync
        tidtam sync --spreadsheet KEY_OR_URL --key-file ~/sa.json --no-publish
        tidtam sync --memos
    """
    from tidtam.job import SyncOptions, run_sync

    options = SyncOptions(config_dir=config_dir, out_dir=out_dir, as_of=as_of,
                          spreadsheet=spreadsheet, key_file=key_file, publish=not no_publish,
                          force=force, since=since, memos=memos)
    result = run_sync(options, log)
    k = result.kpis
    click.echo(f"synced (run {result.run_id}): reporting rate {_pct(k.reporting_rate_pct)}, "
               f"{k.reports_accepted} reports ({result.new_reports} new); "
               f"published to {'; '.join(result.published)}")


@cli.group()
def history() -> None:
    """Ask the history database that `tidtam sync` keeps (history.path in sync.yaml)."""


def history_option(fn):
    """--history PATH for the history questions (default: history.path in sync.yaml)."""
    return click.option("--history", "history_path", default=None,
                        type=click.Path(path_type=Path, dir_okay=False),
                        help="History database to ask (default: history.path in "
                             "config/sync.yaml), e.g. var/demo-history.sqlite after "
                             "`make demo`.")(fn)


@history.command("first-report")
@click.option("--agency", required=True, help="The agency, as any accepted spelling.")
@click.option("--directive", required=True, help="The directive code, e.g. 2566-1-001.")
@history_option
@config_option
def history_first_report(agency: str, directive: str, history_path: Path | None,
                         config_dir: Path | None) -> None:
    """When did an agency first report on a directive, and what did it say.

    Example:

        tidtam history first-report --agency เขตพระนคร --directive 2566-1-001
    """
    from tidtam.job import first_report

    answer = first_report(config_dir, agency, directive, history_path)
    first, latest = answer.first, answer.latest
    click.echo(f"{answer.agency} on {answer.directive_code}: {answer.count} report(s)")
    click.echo(f"first: {first['submitted_at']} [{first['status']}] {first['result']}")
    if answer.count > 1:
        click.echo(f"latest: {latest['submitted_at']} [{latest['status']}] {latest['result']}")


@history.command("runs")
@click.option("--limit", default=20, show_default=True, help="How many of the latest runs.")
@history_option
@config_option
def history_runs(limit: int, history_path: Path | None, config_dir: Path | None) -> None:
    """List the latest runs: time, outcome, counts, and why a run failed.

    Example:

        tidtam history runs --limit 5
    """
    from tidtam.job import open_history

    _config, db = open_history(config_dir, history_path)
    with db:
        for run in db.runs(limit):
            why = f" at {run['failed_stage']}: {run['error']}" if run["failed_stage"] else ""
            click.echo(f"{run['run_id']}\t{printable(run['started_at'])}\t"
                       f"{printable(run['outcome'] + why)}\t"
                       f"reports {run['reports_accepted'] or 0} "
                       f"(+{run['new_reports'] or 0})\t{run['duration_s'] or 0:.1f}s")


@history.command("trend")
@history_option
@config_option
def history_trend(history_path: Path | None, config_dir: Path | None) -> None:
    """Status counts and seed KPIs of every recorded run, by date, as CSV.

    Example:

        tidtam history trend > trend.csv
    """
    import csv
    import sys

    from tidtam.core.model import TREND_KPIS
    from tidtam.job import open_history

    config, db = open_history(config_dir, history_path)
    keys = [s.key for s in config.taxonomy.statuses]
    writer = csv.writer(sys.stdout)
    writer.writerow(["run_id", "started_at", "as_of", *keys, *TREND_KPIS])
    with db:
        for point in db.status_trend():
            kpis = [point.kpis.get(k) for k in TREND_KPIS]
            writer.writerow([point.run_id, point.started_at, point.as_of,
                             *(point.counts.get(k, 0) for k in keys),
                             *("" if v is None else v for v in kpis)])


# --- form (issue 13 parts 2 and 4: prefilled links, the form's choices) --------------------
# Thin wrappers over tidtam.formsync; exit codes are those of tidtam/core/errors.py.


@cli.group()
def form() -> None:
    """The Google Form agencies report through (google_form: in config/form.yaml)."""


@form.command("learn-prefill")
@click.argument("url")
@click.option("--agency-placeholder", default="AGENCY", show_default=True,
              help="What the agency question was answered in the pre-filled link (for a "
                   "drop-down: the exact choice picked).")
@click.option("--directive-placeholder", default="DIRECTIVE", show_default=True,
              help="What the directive question was answered in the pre-filled link.")
@config_option
def form_learn_prefill(url: str, agency_placeholder: str, directive_placeholder: str,
                       config_dir: Path | None) -> None:
    """Learn the prefilled-link template from a link made with "Get pre-filled link".

    Answer the agency question AGENCY and the directive question DIRECTIVE, press "Get
    link", copy it, and pass it here (in quotes): viewform_url, agency_entry and
    directive_entry are written into form.yaml, its comments kept.

    Example:

    \b
        tidtam form learn-prefill "https://docs.google.com/forms/d/e/1FAIpQL.../viewform?usp=pp_url&entry.1111=AGENCY&entry.2222=DIRECTIVE"
    """
    from tidtam.formsync import learn_prefill_into

    path, learned = learn_prefill_into(config_dir, url, agency_placeholder,
                                       directive_placeholder)
    click.echo(f"{path}: viewform_url {learned.viewform_url}, agency_entry "
               f"{learned.agency_entry}, directive_entry {learned.directive_entry}")


@form.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would change; send no update.")
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="Register to take the open directives from: a CSV folder, an .xlsx or a "
                   "snapshot folder (default: the newest snapshot of sync.yaml's "
                   "snapshots.dir).")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Service-account key (JSON); overrides config and "
                   "GOOGLE_APPLICATION_CREDENTIALS.")
@config_option
def form_sync(dry_run: bool, source: Path | None, key_file: Path | None,
              config_dir: Path | None) -> None:
    """Set the form's agency and directive choices to agencies.yaml and the open directives.

    One forms.get, then one forms.batchUpdate that changes only the options of the two
    questions named in form.yaml (none with --dry-run). The service account must be an
    editor of the form. Exit codes: 2 config, 3 source data, 4 Google.

    Example:

    \b
        tidtam form sync --dry-run
        tidtam form sync --source sample/data --key-file ~/sa.json
    """
    from tidtam import formsync

    options = formsync.FormSyncOptions(config_dir=config_dir, source=source,
                                       key_file=key_file, dry_run=dry_run)
    result = formsync.form_sync(options, log)
    for line in formsync.report(result, dry_run):
        click.echo(line)


# --- memos (issue 13: follow-up memos and the reminder log) -------------------------------


@cli.command()
@click.option("--source", required=True, type=click.Path(path_type=Path),
              help="A folder with directives.csv, responses.csv [, satisfaction.csv], "
                   "an .xlsx workbook, or a sync snapshot folder.")
@click.option("--as-of", "as_of", callback=_date, metavar="YYYY-MM-DD",
              help="The date of the memos and of the data (default: today in Bangkok).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder to write OUT/memos/ into (memos/ is replaced whole).")
@click.option("--by", type=click.Choice(["agency", "inspector", "district-group"]),
              default="agency", show_default=True,
              help="One memo per agency, or per inspector / district group listing its "
                   "agencies' items.")
@click.option("--record", is_flag=True,
              help="Log each memo's items in the history database (the reminder counts); "
                   "the same memo number and date is never counted twice.")
@click.option("--history", "history_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="History database for --record instead of history.path "
                                 "in config/sync.yaml.")
@config_option
def memos(source: Path, as_of: date | None, out_dir: Path, by: str, record: bool,
          history_path: Path | None, config_dir: Path | None) -> None:
    """Write the follow-up memos (บันทึกข้อความ) of every agency with an overdue
    assignment or a report that failed the checks: OUT/memos/NAME.docx and .pdf, all.pdf
    to print them all, and index.json. The layout is config/memo.docx (Word) and
    templates/memo.html (PDF); sender, numbering and signer are settings.yaml memo:.

    Example:

    \b
        tidtam memos --source sample/data --as-of 2024-07-31 --out out
        tidtam memos --source sample/data --as-of 2024-07-31 --out out --by inspector
        tidtam memos --source sample/data --out out --record --history var/h.sqlite
    """
    from tidtam.memos import make_memos

    config = load_config(config_dir)
    run = make_memos(source, config, out_dir, as_of, by, record, history_path, log)
    reminded = "" if run.recorded is None else f"; {run.recorded} new reminders recorded"
    click.echo(f"wrote {len(run.memos)} memos to {run.folder} (all.pdf prints them all)"
               f"{reminded}")
