"""Text normalization rules, one table row per rule."""

import pytest

from tidtam.transform.text import arabic_digits, cell_text, clean_text, match_key, split_list

DECOMPOSED_AM = "\u0e4d\u0e32"


@pytest.mark.parametrize(("raw", "clean"), [
    ("  สำนักงานเขต   หนองจอก  ", "สำนักงานเขต หนองจอก"),          # collapse and trim
    ("เขต\u200bหนอง\u200cจอก\ufeff", "เขตหนองจอก"),               # zero-width removed
    (f"ส{DECOMPOSED_AM}นักงานเขตบางรัก", "สำนักงานเขตบางรัก"),       # sara am composed
    ("น\u0e4d\u0e49\u0e32ท่วม", "น\u0e49\u0e33ท่วม"),             # nikhahit, tone, sara aa
    ("ผล\tการ\nดำเนินการ\u00a0แล้ว", "ผล การ ดำเนินการ แล้ว"),     # any whitespace
    ("Cafe\u0301", "Café"),                                       # NFC
    ("ก\x00ข\x7f\x9b", "กข"),                                      # control characters
    ("\u202eเขตบางรัก\u202c\u200f", "เขตบางรัก"),                  # bidi overrides, marks
    ("", ""),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "out"), [
    ("๒๕๖๖-๑-๐๑๕", "2566-1-015"),
    ("2566\u20131\u2014015", "2566-1-015"),                         # en/em dash
    ("๑.๑๐", "1.10"),
])
def test_arabic_digits(raw, out):
    assert arabic_digits(raw) == out


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (12, "12"), (12.0, "12"), (1.5, "1.5"), (float("nan"), ""),
    (True, "TRUE"), ("0012", "0012"), ("  a  b ", "a b"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_raw_text_keeps_what_was_typed_but_control_characters():
    from tidtam.transform.text import raw_text

    assert raw_text(" เขต\u200bบาง\x00รัก\x1b ") == " เขต\u200bบางรัก "


def test_match_key_ignores_spaces_dots_and_case():
    assert match_key("สนย.") == match_key("สนย") == match_key(" ส น ย ")
    assert match_key("DONE") == match_key("done")
    assert match_key("สนย.") != match_key("สนท.")


@pytest.mark.parametrize(("cell", "parts"), [
    ("ด้านงบประมาณของหน่วยงาน, ด้านเทคโนโลยี ทั้ง software และ hardware ของหน่วยงาน",
     ["ด้านงบประมาณของหน่วยงาน", "ด้านเทคโนโลยี ทั้ง software และ hardware ของหน่วยงาน"]),
    ("a;b\nc, ,", ["a", "b", "c"]),
    ("", []),
])
def test_split_list(cell, parts):
    assert split_list(cell) == parts
