"""The reporting form's answers as tidtam writes them: prefilled links, and the choices
``tidtam form sync`` puts in the form's drop-downs. Pure: no I/O, no Google.

A directive is answered by its code (a short-answer question) or by the choice
``"<code> <text>"``, the text cut to ``choice_text_chars`` (a drop-down). :func:`choice_text`
is the one place that shortening is written: the link picks exactly the choice form sync
wrote. The register reads either back by the code at the answer's start
(``transform/register.py`` ``code_in_cell``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from tidtam.core.config import Agency
from tidtam.core.errors import ConfigError
from tidtam.core.google_form import ENTRY_RE, VIEWFORM_RE, GoogleForm
from tidtam.core.model import Dataset, printable

ELLIPSIS = "…"
# The answers staff type into "Get pre-filled link" so learn-prefill can tell the questions apart.
AGENCY_PLACEHOLDER = "AGENCY"
DIRECTIVE_PLACEHOLDER = "DIRECTIVE"
# Statuses after which an assignment no longer needs a report (transform/assignments.py).
_CLOSED = ("done", "cannot")
_FORM_PATH = re.compile(
    r"^/(?:a/[^/]+/)?forms/(?:u/\d+/)?d/e/([A-Za-z0-9_-]{20,})/(?:viewform|formResponse)$")


def _one_line(text: str) -> str:
    """Every run of white space (line breaks included) as one space, ends trimmed."""
    return " ".join(str(text).split())


def shorten(text: str, chars: int) -> str:
    """``text`` on one line, at most ``chars`` characters: cut at a word boundary where
    one falls in the last third, never inside a character and its marks (Thai vowels and
    tone marks stay with their consonant), with "…" when cut."""
    text = _one_line(text)
    if len(text) <= chars:
        return text
    end = chars - 1
    space = text.rfind(" ", 0, end + 1)
    if space > chars * 2 // 3:
        end = space
    while end > 0 and (_is_mark(text[end]) or text[end - 1] in _LEADING_VOWELS):
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


# Thai vowels written before the consonant they follow in speech: never the last character.
_LEADING_VOWELS = "เแโใไ"


def _is_mark(char: str) -> bool:
    """A combining mark: it belongs with the character before it."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


def choice_text(code: str, text: str | None, chars: int) -> str:
    """A directive as a drop-down choice: its code, a space, its text shortened."""
    code = _one_line(code)
    body = shorten(text or "", chars)
    return f"{code} {body}" if body else code


def directive_answer(cfg: GoogleForm, code: str, text: str | None) -> str:
    """The directive answer as the form expects it: the code, or the drop-down choice."""
    if cfg.directive_answer == "choice":
        return choice_text(code, text, cfg.choice_text_chars)
    return _one_line(code)


def prefill_url(form_cfg: GoogleForm | None, agency_name: str, directive_code: str,
                directive_text: str | None) -> str | None:
    """The form's address with the agency and directive answered (``usp=pp_url`` as
    "Get pre-filled link" makes it); None when form.yaml has no prefilled-link template."""
    if form_cfg is None or not form_cfg.has_link:
        return None
    query = urlencode([
        ("usp", "pp_url"),
        (form_cfg.agency_entry, agency_name),
        (form_cfg.directive_entry, directive_answer(form_cfg, directive_code, directive_text)),
    ])
    return f"{form_cfg.viewform_url}?{query}"


def agency_choices(agencies: Iterable[Agency]) -> list[str]:
    """The agency question's choices: the canonical names, in agencies.yaml's order."""
    return [a.name for a in agencies]


def open_directive_choices(data: Dataset, chars: int) -> list[str]:
    """The directive question's choices: each directive of the register, in its order,
    that has an assignment still open (not done, not ``cannot``), as "code text"."""
    assignments = data.assignments
    open_codes = set(assignments.loc[~assignments["status"].isin(_CLOSED), "directive_code"])
    directives = data.register.directives
    return [choice_text(code, text, chars)
            for code, text in zip(directives["directive_code"], directives["text"], strict=True)
            if code in open_codes]


# -- learning the template from a pre-filled link -----------------------------------------


@dataclass(frozen=True)
class PrefillTemplate:
    """What a pre-filled link teaches: the form's public address and the two entries."""

    viewform_url: str
    agency_entry: str
    directive_entry: str


def learn_prefill(url: str, agency_placeholder: str = AGENCY_PLACEHOLDER,
                  directive_placeholder: str = DIRECTIVE_PLACEHOLDER) -> PrefillTemplate:
    """Find which ``entry.N`` of a "Get pre-filled link" address carries which placeholder
    answer (compared on one line, case aside); a ConfigError names what is wrong."""
    where = "the pre-filled link"
    parts = urlsplit(url.strip())
    path = _FORM_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or parts.hostname != "docs.google.com" or not path:
        hint = (" (a forms.gle short link: open it and copy the full address)"
                if parts.hostname == "forms.gle" else "")
        raise ConfigError(where, f"{printable(url)!r} is not a Google Forms pre-filled link"
                          f"{hint}; in the form's editor use ⋮ > Get pre-filled link > "
                          "Copy link")
    viewform = f"https://docs.google.com{parts.path.rsplit('/', 1)[0]}/viewform"
    if not VIEWFORM_RE.match(viewform):
        viewform = f"https://docs.google.com/forms/d/e/{path.group(1)}/viewform"
    entries = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if ENTRY_RE.match(k)]
    agency = _entry_of(entries, agency_placeholder, "agency", where)
    directive = _entry_of(entries, directive_placeholder, "directive", where)
    if agency == directive:
        raise ConfigError(where, f"entry {agency} answers both the agency and the directive; "
                          "use two different placeholders")
    return PrefillTemplate(viewform, agency, directive)


def _entry_of(entries: list[tuple[str, str]], placeholder: str, what: str, where: str) -> str:
    key = _one_line(placeholder).casefold()
    found = sorted({k for k, v in entries if _one_line(v).casefold() == key})
    if not found:
        answered = ", ".join(f"{k}={printable(v)!r}" for k, v in entries) or "no answers"
        raise ConfigError(where, f"no question is answered {placeholder!r} (the {what} "
                          f"placeholder); the link has {answered}")
    if len(found) > 1:
        raise ConfigError(where, f"{placeholder!r} (the {what} placeholder) answers "
                          f"{' and '.join(found)}; answer it in one question only")
    return found[0]
