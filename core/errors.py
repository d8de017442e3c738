"""Errors a person can act on: each prints as one line, never a traceback.

They do not depend on click: the command line (``tidtam/cli.py``) prints ``Error: <message>``
and exits with the error's code. Exit codes (documented in the README):

  2  configuration mistake (a file under config/ or a --config folder, an output folder
     tidtam may not replace, a history database it cannot use)
  3  the source data cannot be read (missing file, tab or required column)
  4  Google refused or failed (key file, sharing, not found, retries exhausted)
  5  writing or publishing the site failed (the previous site is left as it was)
  6  another run holds the lock (of the config, or of the output folder)
  7  sync refused to publish far fewer reports than the last published run (--force)
"""

from __future__ import annotations


class TidtamError(Exception):
    """Base for every expected failure: a one-line ``message`` and an ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The line shown to a person (without the ``Error:`` prefix)."""
        return self.message


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


class OutputRefused(ConfigError):
    """An output folder tidtam may not replace: it holds files tidtam did not make, is a
    file, or lies in the source or config folder. Nothing was touched."""


class HistoryDamaged(ConfigError):
    """The history database cannot be read or written (damaged, not SQLite, too new)."""


class WriteError(PublishError):
    """The site could not be written (no permission, disk full); the old site is kept."""


class ShrinkRefused(TidtamError):
    """A sync would publish far fewer accepted reports than the last published run."""

    exit_code = 7
