"""The benchmark's data generator: tiny sizes build with exactly the intended quarantine.

Speed and memory are measured by ``make bench`` (bench/run.py), never by timed unit tests.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tidtam.core.config import load_config
from tidtam.sync.files import read_source
from tidtam.transform.dataset import compute_kpis, normalize

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, module_name: str):
    """Import bench/<name>.py (bench/ is a folder of scripts, not a package)."""
    path = ROOT / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate", "generate")  # the name bench/run.py imports it by
run = _load("run", "bench_run")


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "tiny"
    generate.generate(1_500, out, log=lambda _m: None)
    return out


@pytest.fixture(scope="module")
def kpis(case) -> dict:
    """The transform stage's KPIs for the generated input (the render stage is not needed
    to know what was accepted and quarantined)."""
    config = load_config(case / "config")
    sheets = read_source(case / "data", config)
    return compute_kpis(normalize(sheets, config, generate.AS_OF)).as_dict()


def test_the_build_quarantines_exactly_what_the_generator_intended(case, kpis):
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    for sheet in ("directives", "responses", "satisfaction"):
        got = {k: kpis["quality"][sheet][k] for k in ("rows", "accepted", "blank", "rejected",
                                                       "rejected_by_reason")}
        want = {k: expected[sheet][k] for k in got}
        assert got == want, sheet
    assert kpis["assignments_total"] == expected["assignments"]
    assert set(expected["responses"]["rejected_by_reason"]) == \
        set(generate.RESPONSE_DEFECTS) - {"blank"}  # every reason occurs, even when tiny


def test_the_run_check_agrees(case, kpis, tmp_path):
    assert run.check_counts(case, tmp_path) == "no kpis.json"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "kpis.json").write_text(json.dumps(kpis), encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>" * 1000, encoding="utf-8")
    assert run.check_counts(case, tmp_path) == "ok"
    size, files, index_gz, largest = run.site_stats(tmp_path)
    assert size > 3000 and files == 2 and 0 < index_gz == largest < 3000
    kpis = {**kpis, "assignments_total": kpis["assignments_total"] + 1}
    (tmp_path / "data" / "kpis.json").write_text(json.dumps(kpis), encoding="utf-8")
    assert run.check_counts(case, tmp_path) == "MISMATCH assignments"


def test_csv_contract_matches_the_sample(case):
    form = load_config(case / "config").form
    data = case / "data"
    responses = (data / "responses.csv").read_bytes()
    assert responses.startswith(b"\xef\xbb\xbf")  # Sheets' download has a BOM
    assert b"\r\n" in responses and b"\n" not in responses.replace(b"\r\n", b"")[:2000]
    header = responses[3:].split(b"\r\n", 1)[0].decode("utf-8").split(",")
    titles = {t for spec in dict(form.responses.fields).values() if spec for t in spec.titles}
    assert {"ประทับเวลา", "หน่วยงาน", "ชื่อหน่วยงาน", "รหัสข้อสั่งการ"} <= set(header)
    assert set(header) - titles == {"คะแนนเดิม"}  # the deleted question's column
    first = responses.split(b"\r\n")[1].decode("utf-8")
    assert first.split(",")[0].count("/") == 2  # d/m/yyyy H:MM:SS, Buddhist era


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate.generate(400, a, log=lambda _m: None)
    generate.generate(400, b, log=lambda _m: None)
    for file in ("directives.csv", "responses.csv", "satisfaction.csv"):
        assert (a / "data" / file).read_bytes() == (b / "data" / file).read_bytes()
    assert generate.is_current(a, 400, 2566) and not generate.is_current(a, 401, 2566)


def test_larger_sizes_add_agencies_and_years():
    small, large = generate.Scale.of(10_000), generate.Scale.of(1_000_000)
    assert small.extra_agencies == 0 and small.fiscal_years == 2
    assert large.directives == 20_000 and large.fiscal_years == 10
    assert large.extra_agencies > 0


@pytest.mark.parametrize("text, expected", [("1k", ("1k", 1000)), ("100K", ("100k", 100_000)),
                                            ("1m", ("1m", 1_000_000)), ("2500", ("2500", 2500))])
def test_sizes(text, expected):
    assert generate.parse_size(text) == expected


def test_results_table_and_targets():
    results = [run.Result("100k", 100_000, wall=8.0, floor=2.0, index_gz=500_000, check="ok",
                          stages={"read": 1.0, "normalize": 4.0, "render": 2.0}),
               run.Result("1m", 1_000_000, wall=90.0, floor=20.0, rss=3 * 2**30, check="ok")]
    table = run.table(results)
    assert table.splitlines()[0].startswith("| size | reports | build s")
    assert "| 100k | 100,000 | 8.00 | 1.00 | 4.00 | 2.00 |" in table
    lines = run.target_report(results)
    assert all("NOT MET" not in line for line in lines[:5])
    assert "per-row cost x1.12" in lines[-1]
