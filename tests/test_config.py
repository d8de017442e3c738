"""Config mistakes: one line naming the file, where, and the fix; exit code 2."""

import shutil

import pytest
from click.testing import CliRunner

from tidtam.cli import cli
from tidtam.config import load_config
from tidtam.errors import ConfigError
from tidtam.paths import DEFAULT_CONFIG_DIR


@pytest.fixture
def cfg_dir(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, target)
    return target


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


MISTAKES = [
    # (file, old, new, expected fragment of the message)
    ("form.yaml", "tabs:\n", "tabs:\n  - [unclosed\n", "form.yaml: line"),
    ("form.yaml", "    status: {titles", "    statuss: {titles",
     "unknown key 'responses.fields.statuss'; did you mean 'status'?"),
    ("settings.yaml", "targets:", "targetz:", "did you mean 'targets'?"),
    ("taxonomy.yaml", '{code: "1.2",', '{code: "1.1",', "code '1.1' is used twice"),
    ("taxonomy.yaml", '{code: "1.10",', "{code: 1.10,", 'write the code in quotes'),
    ("taxonomy.yaml", "  - {key: not_reported", "  - {key: unreported",
     "statuses.3.key: Input should be"),
    ("agencies.yaml", 'aliases: ["สนน."]', 'aliases: ["สนย."]',
     "alias 'สนย.' would mean both"),
    ("agencies.yaml", "    kind: district\n", "    kind: distric\n", "kind: Input should be"),
    ("form.yaml", "    - {label: \"มากที่สุด\", score: 4}\n", "    - {label: \"มาก\", score: 4}\n",
     "label 'มาก' is used twice"),
    ("settings.yaml", "timezone: Asia/Bangkok", "timezone: Asia/Bangkokk",
     "timezone 'Asia/Bangkokk' is unknown"),
]


@pytest.mark.parametrize(("name", "old", "new", "fragment"), MISTAKES)
def test_mistake_is_one_clear_line(cfg_dir, name, old, new, fragment):
    edit(cfg_dir, name, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(cfg_dir)
    message = err.value.message
    assert fragment in message
    assert name in message
    assert "\n" not in message


def test_line_number_points_at_the_mistake(cfg_dir):
    edit(cfg_dir, "form.yaml", "    status: {titles", "    statuss: {titles")
    with pytest.raises(ConfigError) as err:
        load_config(cfg_dir)
    text = (cfg_dir / "form.yaml").read_text(encoding="utf-8").splitlines()
    line = int(err.value.message.split("line ")[1].split(":")[0])
    assert text[line - 1].strip().startswith("statuss:")


def test_empty_agency_list(cfg_dir):
    (cfg_dir / "agencies.yaml").write_text("agencies: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="agencies"):
        load_config(cfg_dir)


def test_missing_file(cfg_dir):
    (cfg_dir / "taxonomy.yaml").unlink()
    with pytest.raises(ConfigError, match="taxonomy.yaml: file is missing"):
        load_config(cfg_dir)


def test_cli_exit_code_2_without_traceback(cfg_dir, tmp_path):
    edit(cfg_dir, "settings.yaml", "targets:", "targetz:")
    result = CliRunner().invoke(cli, ["build", "--source", "sample/data", "--config",
                                      str(cfg_dir), "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "site").exists()
