"""Prefilled links parse back to what they were made for; google_form: is validated."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tidtam.core.config import load_config
from tidtam.core.errors import ConfigError
from tidtam.core.google_form import GoogleForm
from tidtam.transform.formlinks import choice_text, directive_answer, prefill_url, shorten

ROOT = Path(__file__).resolve().parents[1]
VIEWFORM = "https://docs.google.com/forms/d/e/1FAIpQLSfAbCdEfGhIjKlMnOpQrStUvWxYz0123/viewform"
LINK = {"viewform_url": VIEWFORM, "agency_entry": "entry.1111", "directive_entry": "entry.2222"}

HOSTILE = [
    "สำนักงานเขตพระนคร",
    "เขต ป้อมปราบศัตรูพ่าย",
    "A&B=C",
    "#1 fragment",
    "1+1 plus",
    "100% sure",
    "a%20b already encoded",
    'say "hi"',
    "it's",
    "x=y&entry.2222=forged",
    "?usp=pp_url",
    "  spaced  ",
    "สนข.บางกอกใหญ่ / ฝ่ายโยธา",
    "emoji 🏛️ ok",
    "ไม้เอก่ ์ั combining",
]


def parsed(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.fragment == ""
    return parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("answer", ["code", "choice"])
def test_each_link_parses_back_to_its_agency_and_directive(name, answer):
    cfg = GoogleForm(**LINK, directive_answer=answer)
    text = f"{name} ข้อสั่งการ & #2 + 50% = \"ครบ\""
    url = prefill_url(cfg, name, "2566-1-001", text)
    assert url.startswith(VIEWFORM + "?usp=pp_url&")
    query = parsed(url)
    assert query == {"usp": ["pp_url"], "entry.1111": [name],
                     "entry.2222": [directive_answer(cfg, "2566-1-001", text)]}
    if answer == "code":
        assert query["entry.2222"] == ["2566-1-001"]
    else:
        assert query["entry.2222"] == [choice_text("2566-1-001", text, 80)]
        assert query["entry.2222"][0].startswith("2566-1-001 ")


@pytest.mark.parametrize("cfg", [None, GoogleForm(), GoogleForm(form_id="1" * 30)])
def test_no_prefill_config_makes_no_link(cfg):
    assert prefill_url(cfg, "สำนักงานเขตพระนคร", "2566-1-001", "text") is None


def test_the_project_config_makes_no_link_until_learned(config):
    assert prefill_url(config.form.google_form, "สำนักงานเขตพระนคร", "2566-1-001", "x") is None


def test_shorten_cuts_on_one_line_and_keeps_marks_with_their_letter():
    thai = "ให้สำนักงานเขตเร่งรัดการจัดเก็บขยะมูลฝอยและสิ่งปฏิกูลในพื้นที่ริมคลองให้แล้วเสร็จ"
    for chars in range(10, len(thai) + 2):
        cut = shorten(thai, chars)
        assert len(cut) <= chars
        if cut == thai:
            continue
        assert cut.endswith("…")
        kept = cut[:-1]
        assert thai.startswith(kept)
        following = thai[len(kept)]
        assert unicodedata.category(following) not in ("Mn", "Mc")
        assert kept[-1] not in "เแโใไ"
    assert shorten("a  b\n\tc", 80) == "a b c"
    assert shorten("word " * 30, 20) == "word word word word…"
    assert choice_text("2566-1-001", "", 80) == "2566-1-001"
    assert choice_text("2566-1-001", None, 80) == "2566-1-001"


def test_a_choice_answer_is_read_back_as_its_directive(config):
    """The register resolves a shortened choice by the code at its start."""
    from tidtam.transform.register import code_in_cell

    answer = choice_text("2566-1-015", "ให้ " * 100, 80)
    assert code_in_cell(answer) == "2566-1-015"


def _config_with(tmp_path: Path, section: str) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    form = folder / "form.yaml"
    text = form.read_text(encoding="utf-8").split("\n# The Google Form agencies")[0]
    form.write_text(text + "\n" + section, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("section", "words"), [
    ('google_form:\n  viewform_url: "{v}"\n', "agency_entry and directive_entry are empty"),
    ('google_form:\n  viewform_url: "https://example.org/form"\n  agency_entry: "entry.1"\n'
     '  directive_entry: "entry.2"\n', "is not a form's viewform address"),
    ('google_form:\n  agency_entry: "1234"\n', "is not an entry id"),
    ('google_form:\n  directive_question_id: "5e6f7a8b"\n',
     "set directive_answer: choice"),
    ('google_form:\n  agency_question_id: "entry.1"\n', "is not a question id"),
    ('google_form:\n  form_id: "{v}"\n', "published (viewform) address"),
    ('google_form:\n  directive_answer: dropdown\n', "directive_answer"),
    ('google_form:\n  form: "x"\n', "unknown key 'google_form.form'; did you mean 'form_id'?"),
])
def test_mistakes_in_google_form_name_the_line(tmp_path, section, words):
    folder = _config_with(tmp_path, section.replace("{v}", VIEWFORM))
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    assert words in caught.value.message
    assert "form.yaml: line " in caught.value.message


def test_form_id_may_be_pasted_as_the_edit_address(tmp_path):
    form_id = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEf"
    folder = _config_with(tmp_path, "google_form:\n  form_id: "
                          f"https://docs.google.com/forms/d/{form_id}/edit#responses\n")
    assert load_config(folder).form.google_form.form_id == form_id


def test_an_empty_section_is_no_config(tmp_path):
    assert load_config(_config_with(tmp_path, "google_form:\n")).form.google_form is None
