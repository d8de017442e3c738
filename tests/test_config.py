"""Config mistakes: one line naming the file, where, and the fix; exit code 2."""

import shutil

import pytest
from click.testing import CliRunner

from tidtam.cli import cli
from tidtam.core.config import load_config
from tidtam.core.errors import ConfigError
from tidtam.core.paths import DEFAULT_CONFIG_DIR


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


def test_check_config_finds_an_alias_that_means_two_agencies(cfg_dir):
    # Aliases are checked with the agency matching rules themselves (transform), so the
    # check is made where those rules run: check-config and every build.
    edit(cfg_dir, "agencies.yaml", 'aliases: ["สนน."]', 'aliases: ["สนย."]')
    result = CliRunner().invoke(cli, ["check-config", "--config", str(cfg_dir)])
    assert result.exit_code == 2
    assert result.output == (f"Error: {cfg_dir / 'agencies.yaml'}: alias 'สนย.' would mean "
                             "both 'สำนักการโยธา' and 'สำนักการระบายน้ำ'; keep it on one agency "
                             "only\n")


def test_cli_exit_code_2_without_traceback(cfg_dir, tmp_path):
    edit(cfg_dir, "settings.yaml", "targets:", "targetz:")
    result = CliRunner().invoke(cli, ["build", "--source", "sample/data", "--config",
                                      str(cfg_dir), "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "site").exists()


# Issue 5's table: each mistake, through the real command, against an already built site.
def _register_code(cfg_dir, data_dir):
    """Sheet row 6 of the register gets the type code 1.11, which taxonomy.yaml lacks."""
    import csv

    path = data_dir / "directives.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    rows[5][rows[0].index("ประเภท")] = "1.11"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


BUILD_MISTAKES = [
    # (what, mutate(cfg_dir, data_dir), fragments the one line must hold)
    ("bad YAML", lambda c, d: edit(c, "form.yaml", "tabs:\n", "tabs:\n  - [x\n"),
     ["form.yaml: line", "invalid YAML", "check indentation and quotes"]),
    ("unknown taxonomy code in the register", _register_code,
     ["directives.csv row 6, column ประเภท", 'code "1.11" is not in config/taxonomy.yaml',
      "add it to taxonomy.yaml or correct the register"]),
    ("duplicate alias", lambda c, d: edit(c, "agencies.yaml", 'aliases: ["สนน."]',
                                          'aliases: ["สนย."]'),
     ["agencies.yaml", "alias 'สนย.' would mean both", "keep it on one agency only"]),
    ("empty agency list", lambda c, d: (c / "agencies.yaml").write_text("agencies: []\n"),
     ["agencies.yaml: line 1: agencies: is empty; list at least one entry"]),
    ("scale without a top score",
     lambda c, d: [edit(c, "form.yaml", f"score: {n}}}", f"score: {n - 4}}}")
                   for n in (4, 3, 2, 1)],
     ["form.yaml: line", "satisfaction.scale", "needs a top score above 0"]),
    ("missing tab", lambda c, d: edit(c, "form.yaml", '  satisfaction: "ความพึงพอใจ"\n', ""),
     ["form.yaml: line", "tabs.satisfaction: required key is missing; add it"]),
    ("misspelt key", lambda c, d: edit(c, "form.yaml", "  test_markers:", "  test_marker:"),
     ["form.yaml: line", "unknown key 'responses.test_marker'", "did you mean 'test_markers'?"]),
]


@pytest.mark.parametrize(("what", "mutate", "fragments"), BUILD_MISTAKES,
                         ids=[m[0] for m in BUILD_MISTAKES])
def test_mistake_stops_the_build_and_leaves_the_site(cfg_dir, tmp_path, what, mutate, fragments):
    from conftest import SAMPLE as SAMPLE_DIR

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR / "data", data)
    site = tmp_path / "site"
    args = ["build", "--source", str(data), "--config", str(cfg_dir), "--out", str(site),
            "--as-of", "2024-07-31"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    mutate(cfg_dir, data)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [x for x in result.output.splitlines() if x.startswith("Error:")]
    assert len(errors) == 1  # progress lines (stderr) may come before it
    line = errors[0]
    for fragment in fragments:
        assert fragment in line, (what, line)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
