"""The one rule that keeps a text cell from running as a formula in Excel or Sheets.

Written once here, below every stage: render's CSV and XLSX exports and sync's write-back
to Google Sheets both apply it.
"""

from __future__ import annotations

import re
import unicodedata

# A cell starting with one of these is a formula to Excel/Sheets (OWASP CSV injection);
# tab and carriage return start one after a separator.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _hiding_characters() -> str:
    """A regex class of what a spreadsheet may skip before a formula, or a reader not
    see: whitespace, and invisible format characters (zero-width, BOM, NBSP, bidi marks,
    soft hyphen, tags), judged by Unicode category."""
    codes = [c for c in range(0x10000) if chr(c).isspace()
             or unicodedata.category(chr(c)) in ("Cf", "Zs", "Zl", "Zp")]
    codes += [*range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080)]
    return "".join(re.escape(chr(c)) for c in sorted(set(codes)))


# A text is a formula when, after any hiding characters, it starts with one of the above.
FORMULA = re.compile(f"^(?:[{_hiding_characters()}]*[=+\\-@]|[\t\r])")


def neutralize(value: object) -> object:
    """Prefix a quote so a text cell is shown, never evaluated."""
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return value
