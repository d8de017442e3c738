"""Text normalization for everything a person typed into a form or a sheet."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Zero-width space/joiners, word joiner, BOM, soft hyphen: invisible, never meaningful.
# Also control characters that are not whitespace (NUL, DEL, C1) and bidirectional
# overrides/marks (a right-to-left override can make a name display as another).
_INVISIBLE_CHARS = ("\u200b\u200c\u200d\u2060\ufeff\u00ad"
                    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
                    "\u200e\u200f\u202a-\u202e\u2066-\u2069")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# Sara am typed as nikhahit + sara aa, possibly with a tone mark between (น ํ ้ า).
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_NEEDS_FIXING = re.compile(f"[{_INVISIBLE_CHARS}\u0e4d]")
# Non-whitespace control characters: no screen or spreadsheet shows them (NUL ends C strings).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_HYPHENS = re.compile("[\u2010-\u2015\u2212]")


def clean_text(value: str) -> str:
    """NFC, composed sara am, no invisible characters, whitespace collapsed and trimmed.

    Most text has neither invisible characters nor a nikhahit, so one search decides
    whether the two substitutions are needed; ``split``/``join`` collapses the same
    whitespace as ``\\s+`` (both use ``str.isspace``), several times faster.
    """
    text = unicodedata.normalize("NFC", value)
    if _NEEDS_FIXING.search(text):
        text = _INVISIBLE.sub("", text)
        text = _SARA_AM.sub("\\1\u0e33", text)
    return " ".join(text.split())


# Characters XML 1.0 forbids that cleaning leaves (noncharacters, lone surrogates).
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def title_text(value: object) -> str:
    """A column title as exports and pages show it: normalized as the column mapper reads
    it (:func:`clean_text`: no control, escape or invisible characters, spaces collapsed),
    with no character a workbook may not hold."""
    text = clean_text(str(value))
    return _NOT_XML.sub("", text) if not text.isprintable() else text


def arabic_digits(text: str) -> str:
    """Thai digits (๐-๙) to Arabic, and dash look-alikes to '-', for codes and numbers."""
    return _HYPHENS.sub("-", text.translate(THAI_DIGITS))


def cell_text(value: object) -> str:
    """A cell of any source as normalized text (numbers without a spurious '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return clean_text(str(value))


def is_blank(value: object) -> bool:
    """``cell_text(value) == ""``, decided without normalizing most text.

    Text that starts with a visible character is never blank (normalization only removes
    invisible characters and surrounding whitespace), so only the rest is cleaned.
    """
    if type(value) is str:
        if not value:
            return True
        first = value[0]
        if not first.isspace() and not _INVISIBLE.match(first):
            return False
        return not clean_text(value)
    return not cell_text(value)


def raw_text(value: object) -> str:
    """A cell as the sheet shows it, only made printable (for quarantine and exports).

    Date cells are shown as Sheets' Thai locale shows them (``5/1/2567 9:03:07``), so a
    quarantined row reads the same whether it came from a CSV download or an .xlsx.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() != datetime.min.time():
        return (f"{value.day}/{value.month}/{value.year + 543} "
                f"{value.hour}:{value.minute:02d}:{value.second:02d}")
    if isinstance(value, date):  # a date cell, or a date-time cell at midnight
        return f"{value.day}/{value.month}/{value.year + 543}"
    return _CONTROL.sub("", str(value))


def has_word(text: str, words: list[str]) -> bool:
    """Whether one of ``words`` (normalized and case-folded) is a whole word of ``text``.

    A word starts at the start of the text or after a character that is not a letter or
    a combining mark (a space, punctuation, a digit), so ``ให้ทดสอบ`` and ``contest`` do
    not hold ``ทดสอบ`` and ``test``. It ends likewise, except a word ending in a Thai
    letter: Thai writes words without spaces between them, so ``ทดสอบระบบ`` holds
    ``ทดสอบ`` (the end of a Thai word cannot be seen without a dictionary).
    """
    key = clean_text(text).casefold()
    for word in words:
        start = key.find(word) if word else -1
        while start >= 0:
            end = start + len(word)
            if (start == 0 or not _in_word(key[start - 1])) and (
                    end == len(key) or not _in_word(key[end]) or _THAI <= word[-1] <= _THAI_END):
                return True
            start = key.find(word, start + 1)
    return False


_THAI, _THAI_END = "\u0e00", "\u0e7f"


def _in_word(char: str) -> bool:
    """A letter or a combining mark (Thai vowels and tone marks are marks)."""
    return unicodedata.category(char)[0] in "LM"


def match_key(text: str) -> str:
    """Key for exact matching of names: normalized, no spaces or dots, case-folded."""
    return clean_text(text).replace(" ", "").replace(".", "").casefold()


def split_list(text: str) -> list[str]:
    """Split a multi-value cell (checkboxes join with ', '; people use ';' or new lines)."""
    return [p for p in (clean_text(x) for x in re.split(r"[,;\n]", text)) if p]
