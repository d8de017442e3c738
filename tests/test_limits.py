"""Sizes: a 50,000-character answer, 100 columns and tens of MB are handled; beyond the
limits a cell quarantines its row and a file is refused, each naming the limit."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import AS_OF, SAMPLE

from tidtam.cli import cli
from tidtam.core.config import load_config
from tidtam.core.paths import DEFAULT_CONFIG_DIR
from tidtam.sync.files import read_source
from tidtam.transform.dataset import compute_kpis, normalize


def accepted_rows(config, sheets):
    """The response rows the sample's build accepts."""
    data = normalize(sheets, config, AS_OF)
    return [sheets["responses"].rows[r - 2] for r in data.reports.reports["source_row"]]


def with_rows(config, cells: dict[str, str] | None = None, extra_cols: int = 0):
    """The sample, plus one valid report whose named cells are replaced.

    (A dict, not keyword arguments: Python NFKC-normalizes identifiers, which decomposes
    the sara am of a Thai column title.)"""
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    col = {t: i for i, t in enumerate(base.header)}
    row = list(accepted_rows(config, sheets)[0])
    for title, value in (cells or {}).items():
        row[col[title]] = value
    header = base.header + [f"คำถามเพิ่ม {n}" for n in range(extra_cols)]
    rows = [r + [f"ค่า {n}" for n in range(extra_cols)] for r in [*base.rows, row]]
    sheets["responses"] = type(base)("responses", base.title, header, rows)
    return sheets, len(rows) + 1


def test_answer_at_the_limit_is_kept_whole(config, tmp_path):
    sheets, last_row = with_rows(config, {"ผลการดำเนินการ": "ก" * 50_000})
    data = normalize(sheets, config, AS_OF)
    kept = data.reports.reports.set_index("source_row").loc[last_row, "result"]
    assert kept == "ก" * 50_000


def test_longer_cell_quarantines_its_row_naming_the_limit(config, tmp_path):
    sheets, last_row = with_rows(config, {"ปัญหาอุปสรรค": "ข" * 50_001})
    data = normalize(sheets, config, AS_OF)
    rejected = data.rejected.set_index(["source", "row"]).loc[("responses", last_row)]
    assert rejected["reason"] == "cell_too_long"
    assert "ปัญหาอุปสรรค: 50,001 ตัวอักษร เกินขีดจำกัด 50,000" in rejected["detail"]
    q = compute_kpis(data).as_dict()["quality"]["responses"]
    assert q["accepted"] + q["rejected"] + q["blank"] == q["rows"]


def test_a_hundred_columns(config, tmp_path, expected):
    sheets, _ = with_rows(config, extra_cols=100)
    kpis = compute_kpis(normalize(sheets, config, AS_OF)).as_dict()
    assert len(kpis["quality"]["responses"]["unclaimed_columns"]) == 100 + 1
    assert kpis["reports_accepted"] == expected["responses"]["accepted"] + 1


def test_tens_of_megabytes_of_text(config, tmp_path):
    """About 20 MB of answers: 400 reports of 50,000 characters each."""
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    col = {t: i for i, t in enumerate(base.header)}
    valid = accepted_rows(config, sheets)[:400]
    rows = [[*r[:col["ผลการดำเนินการ"]], "ค" * 50_000, *r[col["ผลการดำเนินการ"] + 1:]]
            for r in valid]
    sheets["responses"] = type(base)("responses", base.title, base.header, rows)
    assert sum(len(r[col["ผลการดำเนินการ"]].encode()) for r in rows) >= 20 * 10**6
    kpis = compute_kpis(normalize(sheets, config, AS_OF)).as_dict()
    assert kpis["reports_accepted"] == 400


def config_with_settings(tmp_path, old: str, new: str):
    """A copy of the project's config folder whose settings.yaml says ``new`` for ``old``."""
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    text = (config / "settings.yaml").read_text(encoding="utf-8")
    assert old in text
    (config / "settings.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return config


def test_source_file_over_the_limit_is_refused(tmp_path):
    config = config_with_settings(tmp_path, "max_source_mb: 2048", "max_source_mb: 0.1")
    assert load_config(config).settings.limits.max_source_mb == 0.1
    result = CliRunner().invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--config",
                                      str(config), "--out", str(tmp_path / "site")])
    assert result.exit_code == 3
    assert "responses.csv: 1 MB is over the limit of 0 MB (settings.yaml limits.max_source_mb)" \
        in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("bad", ["max_cell_chars: 10", "max_source_mb: 0", "max_unpacked_mb: 0",
                                 "max_cells: 10"])
def test_limits_are_validated(tmp_path, bad):
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    key = bad.split(":")[0]
    text = (config / "settings.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith(key + ":"))
    (config / "settings.yaml").write_text(text.replace(old, "  " + bad), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-config", "--config", str(config)])
    assert result.exit_code == 2 and f"limits.{key}" in result.output


def test_a_csv_file_over_the_cell_limit_is_refused(tmp_path):
    config = config_with_settings(tmp_path, "max_cells: 20000000", "max_cells: 5000")
    result = CliRunner().invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--config",
                                      str(config), "--out", str(tmp_path / "site")])
    assert result.exit_code == 3
    assert "responses.csv: more than 5,000 cells" in result.output
    assert "settings.yaml limits.max_cells" in result.output
    assert not (tmp_path / "site").exists()
