"""The ``tidtam`` command: thin click commands over the library."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tidtam import __version__
from tidtam.config import load_config
from tidtam.paths import ROOT


def _as_of(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2024-07-31") from None


def config_option(fn):
    """--config DIR, shared by every command."""
    return click.option("--config", "config_dir", type=click.Path(path_type=Path),
                        default=None, help="Config folder (default: the project's config/).")(fn)


def build_options(fn):
    """--out and --as-of, shared by build and sync."""
    fn = click.option("--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD",
                      help="The date the dashboard is 'as of' (default: today in Bangkok); "
                           "fixes it so builds are reproducible.")(fn)
    fn = click.option("--out", "out_dir", type=click.Path(path_type=Path),
                      default=ROOT / "site", show_default="site/",
                      help="Folder the dashboard is written to (replaced whole).")(fn)
    return fn


def log(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.version_option(__version__, prog_name="tidtam")
def cli() -> None:
    """tidtam (ติดตาม): follow-up on BMA directives, from form reports to a Thai dashboard."""


@cli.command()
@click.option("--source", required=True, type=click.Path(path_type=Path),
              help="A folder with directives.csv, responses.csv [, satisfaction.csv], "
                   "an .xlsx workbook, or a sync snapshot folder.")
@config_option
@build_options
def build(source: Path, config_dir: Path | None, out_dir: Path, as_of: date | None) -> None:
    """Build the dashboard from downloaded sheets.

    Example:

        tidtam build --source sample/data --as-of 2024-07-31 --out site
    """
    from tidtam.pipeline import build_from_source

    config = load_config(config_dir)
    result = build_from_source(source, config, out_dir, as_of, log=log)
    k = result.kpis
    click.echo(f"built {result.out_dir / 'index.html'}: reporting rate "
               f"{_pct(k['reporting_rate_pct'])} ({k['agencies_reported']}/{k['agencies_total']} "
               f"agencies), {k['reports_accepted']} reports, {k['rows_rejected']} rows "
               "quarantined (see data/rejected.csv)")


@cli.command("check-config")
@config_option
def check_config(config_dir: Path | None) -> None:
    """Validate a config folder without building anything.

    Example:

        tidtam check-config --config config
    """
    config = load_config(config_dir)
    click.echo(f"{config.dir}: ok ({len(config.agencies)} agencies, "
               f"{len(config.taxonomy.directive_types)} directive types)")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def main() -> None:
    """Console entry point."""
    cli(prog_name="tidtam")

