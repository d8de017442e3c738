"""The whole build on the bundled sample, checked against what its generator intended."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF, SAMPLE

from tidtam.cli import cli
from tidtam.pipeline import build_from_source


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def kpis(sample_site):
    return json.loads((sample_site / "data" / "kpis.json").read_text(encoding="utf-8"))


def test_output_contract_files(sample_site):
    for rel in ("index.html", "data/kpis.json", "data/assignments.csv", "data/reports.csv",
                "data/rejected.csv"):
        assert (sample_site / rel).is_file(), rel
    for rel in ("data/assignments.csv", "data/reports.csv", "data/rejected.csv"):
        assert (sample_site / rel).read_bytes().startswith(b"\xef\xbb\xbf"), rel


def test_kpis_keys(kpis):
    for key in ("as_of", "directives", "assignments_total", "assignments_by_status",
                "agencies_total", "agencies_reported", "reporting_rate_pct", "reports_accepted",
                "rows_rejected", "blank_rows", "satisfaction_pct", "satisfaction_high_share_pct",
                "satisfaction_respondents"):
        assert key in kpis, key
    assert set(kpis["assignments_by_status"]) == {"done", "in_progress", "cannot",
                                                  "not_reported"}


def test_counts_match_the_generators_intent(kpis, expected):
    assert kpis["as_of"] == expected["as_of"]
    for role in ("directives", "responses", "satisfaction"):
        got = kpis["quality"][role]
        assert got["rows"] == expected[role]["rows"]
        assert got["accepted"] == expected[role]["accepted"]
        assert got["rejected_by_reason"] == expected[role]["rejected"]
    assert kpis["assignments_total"] == expected["assignments"]["total"]
    assert kpis["assignments_by_status"] == expected["assignments"]["by_status"]
    assert kpis["agencies_total"] == expected["agencies"]["with_assignments"]
    assert kpis["agencies_reported"] == expected["agencies"]["reported"]
    assert kpis["satisfaction_pct"] == expected["satisfaction"]["score_pct"]
    assert kpis["satisfaction_high_share_pct"] == expected["satisfaction"]["high_share_pct"]


def test_kpi_formulas(kpis):
    assert kpis["reporting_rate_pct"] == round(
        kpis["agencies_reported"] * 100 / kpis["agencies_total"], 2)
    reported = kpis["assignments_total"] - kpis["assignments_by_status"]["not_reported"]
    assert kpis["assignments_reported_pct"] == round(reported * 100 / kpis["assignments_total"], 2)


def test_no_row_is_lost(kpis):
    for role, q in kpis["quality"].items():
        assert q["accepted"] + q["rejected"] + q["blank"] == q["rows"], role
    assert kpis["reports_accepted"] + kpis["rows_rejected"] + kpis["blank_rows"] == \
        kpis["rows_read"]


def test_every_assignment_has_the_latest_status(sample_site, expected):
    got = read_csv(sample_site / "data" / "assignments.csv")
    got = {(r.directive_code, r.agency): (r.status, r.reported_at or None)
           for r in got.itertuples()}
    want = {(e["directive_code"], e["agency"]): (e["status"], e["reported_at"])
            for e in expected["latest"]}
    assert got == want


def test_rejected_rows_name_their_sheet_row(sample_site):
    rejected = read_csv(sample_site / "data" / "rejected.csv")
    assert list(rejected.columns[:6]) == ["source", "row", "reason", "reason_label", "detail",
                                          "suggestion"]
    responses = pd.read_csv(SAMPLE / "data" / "responses.csv", encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
    for rec in rejected[rejected["source"] == "responses"].itertuples():
        original = responses.iloc[int(rec.row) - 2]
        assert original["รหัสข้อสั่งการ"] == rec.รหัสข้อสั่งการ


def test_accepted_and_rejected_rows_partition_the_sheet(sample_site, kpis):
    reports = read_csv(sample_site / "data" / "reports.csv")
    rejected = read_csv(sample_site / "data" / "rejected.csv")
    rows = set(reports["source_row"].astype(int)) | \
        set(rejected.loc[rejected["source"] == "responses", "row"].astype(int))
    assert len(rows) == kpis["reports_accepted"] + kpis["rows_rejected"]


def test_csv_folder_and_workbook_give_identical_outputs(sample_site, config, tmp_path):
    build_from_source(SAMPLE / "tidtam-sample.xlsx", config, tmp_path / "x", AS_OF)
    for rel in ("data/kpis.json", "data/assignments.csv", "data/reports.csv",
                "data/rejected.csv"):
        assert (tmp_path / "x" / rel).read_bytes() == (sample_site / rel).read_bytes(), rel


def test_exports_neutralize_formulas(sample_site):
    text = (sample_site / "data" / "reports.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ',=HYPERLINK(' not in text and '"=HYPERLINK(' not in text


def test_build_command_prints_the_result(tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--out",
                                      str(out), "--as-of", "2024-07-31"])
    assert result.exit_code == 0, result.output
    assert "reporting rate 60.3% (41/68 agencies)" in result.output
    assert (out / "index.html").is_file()


@pytest.mark.parametrize(("args", "code", "fragment"), [
    (["--source", "nowhere"], 3, "nowhere: no such file or folder"),
    (["--source", "sample/data", "--as-of", "31/7/2567"], 2, "use YYYY-MM-DD"),
    (["--source", "pyproject.toml"], 3, "expected a folder of CSV files or an .xlsx workbook"),
])
def test_build_errors(tmp_path, args, code, fragment):
    result = CliRunner().invoke(cli, ["build", "--out", str(tmp_path / "s"), *args])
    assert result.exit_code == code
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_missing_tab_in_workbook(tmp_path, config):
    from openpyxl import load_workbook

    book = load_workbook(SAMPLE / "tidtam-sample.xlsx")
    book["ข้อสั่งการ"].title = "ทะเบียน"
    book.save(tmp_path / "wb.xlsx")
    result = CliRunner().invoke(cli, ["build", "--source", str(tmp_path / "wb.xlsx"), "--out",
                                      str(tmp_path / "s")])
    assert result.exit_code == 3
    assert 'tab "ข้อสั่งการ" is missing (tabs present: ทะเบียน, ' in result.output


def test_failed_build_leaves_the_old_site_whole(tmp_path, config, monkeypatch):
    out = tmp_path / "site"
    build_from_source(SAMPLE / "data", config, out, AS_OF)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def explode(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tidtam.render.datafiles.write_csv", explode)
    with pytest.raises(RuntimeError):
        build_from_source(SAMPLE / "data", config, out, AS_OF)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_overview_has_the_altair_charts_by_type_and_factor(sample_site, config):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((sample_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    for key, items in (("type", config.taxonomy.directive_types),
                       ("factor", config.taxonomy.impact_factors)):
        svg = soup.select_one(f"figure.chart-{key} svg")
        assert svg is not None, key
        labels = {t.get_text() for t in svg.find_all("text")}
        for item in items:  # every category has its bar label (labels may be cut with …)
            assert any(label.startswith(f"{item.code} ") for label in labels), item.code
