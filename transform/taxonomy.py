"""Resolve directive types, impact factors and statuses written as codes, labels or keys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tidtam.core.config import Category, Status
from tidtam.transform.text import arabic_digits, clean_text, match_key, split_list

_LEADING_CODE = re.compile(r"^(\d+\.\d+)(?=$|[\s:)\-])")


class CategoryIndex:
    """Find a category (directive type or impact factor) by code or label."""

    def __init__(self, categories: Iterable[Category]):
        self.categories = list(categories)
        self.by_code = {c.code: c for c in self.categories}
        self._by_label = {match_key(c.label): c for c in self.categories}

    @property
    def code_range(self) -> str:
        """The codes from first to last as staff read them (``1.1-1.10``)."""
        return f"{self.categories[0].code}-{self.categories[-1].code}"

    def resolve(self, text: str) -> Category | None:
        """The category for a code (``1.10``, ``๑.๔``), a label, or a code then its label."""
        text = arabic_digits(clean_text(text))
        if not text:
            return None
        if text in self.by_code:
            return self.by_code[text]
        found = self._by_label.get(match_key(text))
        if found:
            return found
        m = _LEADING_CODE.match(text)
        return self.by_code.get(m.group(1)) if m else None

    def resolve_many(self, text: str) -> tuple[list[Category], list[str]]:
        """Categories in a multi-value cell, and the pieces that matched none."""
        found: list[Category] = []
        unknown: list[str] = []
        for piece in split_list(text):
            cat = self.resolve(piece)
            if cat is None:
                unknown.append(piece)
            elif cat not in found:
                found.append(cat)
        return found, unknown


class StatusIndex:
    """Statuses a report may carry: the Thai labels, their aliases (an older form's labels,
    from taxonomy.yaml) or the English keys; exact after text normalization, never fuzzy."""

    def __init__(self, statuses: Iterable[Status]):
        self._by_key: dict[str, str] = {}
        self.labels: list[str] = []  # of the statuses a report may carry, in taxonomy order
        for s in statuses:
            if s.reported:
                self._by_key[match_key(s.label)] = s.key
                self._by_key[s.key.casefold()] = s.key
                self._by_key.update({match_key(a): s.key for a in s.aliases})
                self.labels.append(s.label)

    def resolve(self, text: str) -> str | None:
        return self._by_key.get(match_key(text))
