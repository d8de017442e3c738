"""Resolve the many ways people write an agency's name to its canonical name.

Exact matching only, after normalization: canonical names, configured aliases, and the
district rules (``เขตX``, ``สนข.X``, ``สำนักงานเขต X`` and a bare ``X`` all mean
``สำนักงานเขตX``). Nothing fuzzy is ever accepted; :meth:`suggest` offers the closest
name for a person to confirm.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from tidtam.core.config import Agency
from tidtam.core.errors import ConfigError
from tidtam.transform.text import match_key

DISTRICT_PREFIX = "สำนักงานเขต"
DISTRICT_SHORT_FORMS = ("เขต", "สนข.", "สำนักงานเขต", "")


class AmbiguousAlias(ConfigError):
    """One written form would mean two agencies: agencies.yaml must say which."""


class AgencyDirectory:
    """Lookup of agencies (config ``Agency`` objects) by any accepted written form."""

    def __init__(self, agencies: Iterable[Agency], source: Path | str = "agencies.yaml"):
        self.agencies = list(agencies)
        self.source = source
        self._by_key: dict[str, str] = {}
        self._suggested: dict[str, str | None] = {}
        self._group_keys: list[tuple[str, str]] | None = None
        for agency in self.agencies:
            for form in self._forms(agency):
                self._add(match_key(form), agency.name, form)

    @staticmethod
    def _forms(agency: Agency) -> list[str]:
        forms = [agency.name, *agency.aliases]
        if agency.kind == "district" and agency.name.startswith(DISTRICT_PREFIX):
            bare = agency.name.removeprefix(DISTRICT_PREFIX)
            forms += [prefix + bare for prefix in DISTRICT_SHORT_FORMS]
        return forms

    def _add(self, key: str, name: str, form: str) -> None:
        if not key:
            raise AmbiguousAlias(self.source, f"agency {name!r} has an empty alias; remove it")
        other = self._by_key.get(key)
        if other is not None and other != name:
            raise AmbiguousAlias(
                self.source, f"alias {form!r} would mean both {other!r} and {name!r}; "
                "keep it on one agency only"
            )
        self._by_key[key] = name

    def resolve(self, text: str) -> str | None:
        """The canonical name for ``text``, or None when no rule matches exactly."""
        return self._by_key.get(match_key(text))

    def suggest(self, text: str) -> str | None:
        """The closest canonical name, for a person to confirm (never auto-accepted).

        Remembered per written form: the same misspelling recurs on many rows, and each
        fuzzy search compares it with every accepted form.
        """
        key = match_key(text)
        if not key:
            return None
        if key not in self._suggested:
            best = difflib.get_close_matches(key, list(self._by_key), n=1, cutoff=0.6)
            self._suggested[key] = self._by_key[best[0]] if best else None
        return self._suggested[key]

    @property
    def districts(self) -> list[str]:
        return [a.name for a in self.agencies if a.kind == "district"]

    def group_members(self, group: str) -> list[str]:
        """The district offices of one district group (กลุ่มเขต)."""
        key = match_key(group)
        if self._group_keys is None:  # built once: registers name groups on many rows
            self._group_keys = [(match_key(a.district_group), a.name) for a in self.agencies
                                if a.district_group]
        return [name for group_key, name in self._group_keys if group_key == key]

    @property
    def groups(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.agencies:
            if a.district_group:
                seen.setdefault(a.district_group)
        return list(seen)
