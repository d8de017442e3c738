"""`tidtam form learn-prefill`: the template learned from a pre-filled link is written into
form.yaml with every comment and other line kept."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tidtam.cli import cli
from tidtam.core.config import load_config
from tidtam.core.errors import ConfigError
from tidtam.formsync import learn_prefill_into
from tidtam.transform.formlinks import learn_prefill, prefill_url

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = "1FAIpQLSfAbCdEfGhIjKlMnOpQrStUvWxYz0123"
VIEWFORM = f"https://docs.google.com/forms/d/e/{PUBLISHED}/viewform"
LINK = f"{VIEWFORM}?usp=pp_url&entry.2005620554=AGENCY&entry.1045781291=DIRECTIVE"


@pytest.fixture
def config_dir(tmp_path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_round_trip_keeps_every_comment_and_other_line(config_dir):
    form = config_dir / "form.yaml"
    os.chmod(form, 0o640)
    before = form.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["form", "learn-prefill", LINK, "--config",
                                      str(config_dir)])
    assert result.exit_code == 0, result.output
    after = form.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [
        ('  viewform_url: ""', f'  viewform_url: "{VIEWFORM}"'),
        ('  agency_entry: ""', '  agency_entry: "entry.2005620554"'),
        ('  directive_entry: ""', '  directive_entry: "entry.1045781291"'),
    ]
    assert stat.S_IMODE(form.stat().st_mode) == 0o640
    assert sorted(p.name for p in config_dir.iterdir()) == sorted(
        p.name for p in (ROOT / "config").iterdir())  # no temporary file left
    cfg = load_config(config_dir).form.google_form
    link = prefill_url(cfg, "สำนักงานเขตพระนคร", "2566-1-001", None)
    assert link.startswith(f"{VIEWFORM}?usp=pp_url&entry.2005620554=")
    again = CliRunner().invoke(cli, ["form", "learn-prefill", LINK, "--config",
                                     str(config_dir)])
    assert again.exit_code == 0 and form.read_text(encoding="utf-8") == after


def test_a_missing_section_is_added_and_trailing_comments_kept(config_dir):
    form = config_dir / "form.yaml"
    text = form.read_text(encoding="utf-8").split("\n# The Google Form agencies")[0]
    form.write_text(text + "\n# a closing note\n", encoding="utf-8")
    learn_prefill_into(config_dir, LINK)
    after = form.read_text(encoding="utf-8")
    assert after.startswith(text + "\n# a closing note\n")
    assert comments(text + "\n# a closing note\n") == comments(after)[:len(comments(text)) + 1]
    cfg = load_config(config_dir).form.google_form
    assert (cfg.viewform_url, cfg.agency_entry, cfg.directive_entry) == (
        VIEWFORM, "entry.2005620554", "entry.1045781291")


def test_a_key_keeps_its_trailing_comment_and_missing_keys_are_added(config_dir):
    form = config_dir / "form.yaml"
    text = form.read_text(encoding="utf-8").split("\n# The Google Form agencies")[0]
    form.write_text(text + '\ngoogle_form:  # the form\n  form_id: "1AbCdEfGhIjKlMnOpQrStUv"\n'
                    '  agency_entry: "entry.9"   # old one\n\n# next part\n',
                    encoding="utf-8")
    learn_prefill_into(config_dir, LINK)
    after = form.read_text(encoding="utf-8")
    assert 'google_form:  # the form\n  form_id: "1AbCdEfGhIjKlMnOpQrStUv"\n' \
           '  agency_entry: "entry.2005620554"  # old one\n' in after
    assert after.endswith(f'  viewform_url: "{VIEWFORM}"\n  directive_entry: '
                          '"entry.1045781291"\n\n# next part\n')
    load_config(config_dir)


@pytest.mark.parametrize("url", [
    LINK,
    LINK.replace("/viewform?", "/formResponse?"),
    LINK.replace("AGENCY", "agency").replace("DIRECTIVE", "+Directive+"),
    LINK.replace("docs.google.com/forms/", "docs.google.com/a/bangkok.go.th/forms/"),
    LINK.replace("docs.google.com/forms/", "docs.google.com/forms/u/1/"),
    LINK + "&entry.77=other+answer&fbzx=123",
])
def test_links_as_google_gives_them(url):
    learned = learn_prefill(url)
    assert (learned.agency_entry, learned.directive_entry) == ("entry.2005620554",
                                                               "entry.1045781291")
    assert learned.viewform_url.endswith(f"/d/e/{PUBLISHED}/viewform")


@pytest.mark.parametrize(("url", "words"), [
    ("https://forms.gle/AbCdEf123", "forms.gle short link"),
    ("https://docs.google.com/forms/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit", "is not a Google Forms"),
    ("https://example.org/forms/d/e/1FAIpQLSfAbCdEfGhIjKlMnOpQrStUvWxYz0123/viewform",
     "is not a Google Forms"),
    ("not a url", "is not a Google Forms"),
    (f"{VIEWFORM}?usp=pp_url&entry.1=AGENCY", "no question is answered 'DIRECTIVE'"),
    (f"{VIEWFORM}?usp=pp_url&entry.1=AGENCY&entry.2=AGENCY&entry.3=DIRECTIVE",
     "'AGENCY' (the agency placeholder) answers entry.1 and entry.2"),
])
def test_wrong_links_are_one_line_and_write_nothing(config_dir, url, words):
    before = (config_dir / "form.yaml").read_bytes()
    result = CliRunner().invoke(cli, ["form", "learn-prefill", url, "--config",
                                      str(config_dir)])
    assert result.exit_code == ConfigError.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and line.startswith("Error: the pre-filled link: ")
    assert words in line
    assert (config_dir / "form.yaml").read_bytes() == before


def test_a_dropdown_answer_may_be_the_placeholder(config_dir):
    url = f"{VIEWFORM}?usp=pp_url&entry.10=%E0%B9%80%E0%B8%82%E0%B8%95+A&entry.20=DIRECTIVE"
    result = CliRunner().invoke(cli, ["form", "learn-prefill", url, "--agency-placeholder",
                                      "เขต A", "--config", str(config_dir)])
    assert result.exit_code == 0, result.output
    assert load_config(config_dir).form.google_form.agency_entry == "entry.10"


def test_a_flow_style_section_is_refused(config_dir):
    form = config_dir / "form.yaml"
    text = form.read_text(encoding="utf-8").split("\n# The Google Form agencies")[0]
    form.write_text(text + '\ngoogle_form: {form_id: "1AbCdEfGhIjKlMnOpQrStUv"}\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="as a block"):
        learn_prefill_into(config_dir, LINK)
