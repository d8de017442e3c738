"""Errors a person can act on: each prints as one line, never a traceback.

Exit codes (documented in the README):
  2  configuration mistake (a file under config/ or a --config folder)
  3  the source data cannot be read (missing file, tab or required column)
  4  Google refused or failed (key file, sharing, not found, retries exhausted)
  5  publishing failed (the previous site is left as it was)
  6  another run holds the lock
"""

from __future__ import annotations

import click


class TidtamError(click.ClickException):
    """Base for every expected failure; click prints ``Error: <message>`` and exits."""

    exit_code = 1


class ConfigError(TidtamError):
    """A configuration file is wrong: names the file, where, and the fix."""

    exit_code = 2

    def __init__(self, path: object, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class SourceError(TidtamError):
    """The input cannot be read as the contract says (file, tab, required column)."""

    exit_code = 3


class GoogleError(TidtamError):
    """Google's APIs refused the request or kept failing."""

    exit_code = 4


class PublishError(TidtamError):
    """The site could not be published; the previously published site is untouched."""

    exit_code = 5


class LockedError(TidtamError):
    """Another run of tidtam is in progress."""

    exit_code = 6
