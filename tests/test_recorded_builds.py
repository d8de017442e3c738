"""`tidtam build --record`: builds recorded as runs, and what changed between them.

The data is the benchmark generator's (a register and reports the repository does not hold),
built as of three month ends. Each build's ``changes.csv`` must be exactly the difference of
its ``assignments.csv`` and the previous one's, computed here with the csv module alone.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tidtam.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


def _month_ends(last: date, count: int) -> list[date]:
    """``count`` month ends up to the one on or before ``last``, oldest first."""
    ends = []
    day = last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(1)
    while len(ends) < count:
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _statuses(path: Path) -> dict[tuple[str, str], str]:
    return {(r["directive_code"], r["agency"]): r["status"] for r in _rows(path)}


def _diff(before: dict, after: dict, from_day: str, to_day: str) -> set[tuple]:
    return {(code, agency, before.get((code, agency), ""), after.get((code, agency), ""),
             from_day, to_day)
            for code, agency in before.keys() | after.keys()
            if before.get((code, agency), "") != after.get((code, agency), "")}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """Three monthly builds of one generated data set, recorded; each site kept."""
    generate = _generator()
    case = tmp_path_factory.mktemp("unseen") / "case"
    generate.generate(1_500, case, seed=7, log=lambda _m: None)
    history = case / "history.sqlite"
    days = _month_ends(generate.AS_OF, 3)
    sites = []
    for day in days:
        out = case / f"site-{day}"
        result = CliRunner().invoke(cli, [
            "build", "--source", str(case / "data"), "--config", str(case / "config"),
            "--as-of", day.isoformat(), "--out", str(out), "--record", "--history",
            str(history)])
        assert result.exit_code == 0, result.output
        sites.append(out)
    return case, history, days, sites


def test_changes_are_the_difference_of_the_assignment_files(recorded):
    _case, _history, days, sites = recorded
    assert _rows(sites[0] / "data" / "changes.csv") == []  # nothing recorded before the first
    for k in (1, 2):
        want = _diff(_statuses(sites[k - 1] / "data" / "assignments.csv"),
                     _statuses(sites[k] / "data" / "assignments.csv"),
                     days[k - 1].isoformat(), days[k].isoformat())
        got = {tuple(r.values()) for r in _rows(sites[k] / "data" / "changes.csv")}
        assert want, "the generated data must change between month ends"
        assert got == want


def test_the_change_block_is_the_difference_of_the_kpis(recorded):
    _case, _history, days, sites = recorded
    kpis = [json.loads((s / "data" / "kpis.json").read_text("utf-8")) for s in sites]
    assert kpis[0]["change"] is None
    for before, after in zip(kpis, kpis[1:], strict=False):
        change = after["change"]
        assert change["since"] == before["as_of"]
        for key in ("reporting_rate_pct", "assignments_reported_pct", "satisfaction_pct"):
            assert change[key] == pytest.approx(after[key] - before[key], abs=0.051), key
        overdue = [k["schedule"]["assignments_overdue"] for k in (before, after)]
        assert change["assignments_overdue"] == overdue[1] - overdue[0]


def test_each_recorded_build_is_a_run_with_its_date_and_kpis(recorded):
    _case, history, days, sites = recorded
    conn = sqlite3.connect(history)
    runs = conn.execute("SELECT outcome, as_of, kpis, source FROM runs ORDER BY run_id").fetchall()
    assert [(r[0], r[1]) for r in runs] == [("ok", d.isoformat()) for d in days]
    last = json.loads((sites[-1] / "data" / "kpis.json").read_text("utf-8"))
    assert json.loads(runs[-1][2])["reporting_rate_pct"] == last["reporting_rate_pct"]
    assert runs[-1][3].startswith("build:")


@pytest.mark.parametrize(("since", "compared_with"), [
    (0, 0),    # on the day of the first run: that run
    (1, 1),    # the second run's day
    (-1, None),  # before every run: an error, exit code 2
])
def test_since_picks_the_latest_run_on_or_before_the_day(recorded, tmp_path, since,
                                                          compared_with):
    case, history, days, _sites = recorded
    day = days[since] if since >= 0 else days[0] - timedelta(days=1)
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, [
        "build", "--source", str(case / "data"), "--config", str(case / "config"),
        "--as-of", days[-1].isoformat(), "--out", str(out), "--history", str(history),
        "--since", day.isoformat()])
    if compared_with is None:
        assert result.exit_code == 2
        assert "no recorded run is dated on or before" in result.output
        assert not out.exists()
        return
    assert result.exit_code == 0, result.output
    kpis = json.loads((out / "data" / "kpis.json").read_text("utf-8"))
    assert kpis["change"]["since"] == days[compared_with].isoformat()
    runs = sqlite3.connect(history).execute("SELECT count(*) FROM runs").fetchone()[0]
    assert runs == 3  # a build without --record adds no run


def test_a_failed_recorded_build_is_logged_and_keeps_the_site(recorded, tmp_path):
    case, _history, days, _sites = recorded
    history = tmp_path / "h.sqlite"
    out = tmp_path / "site"
    args = ["build", "--config", str(case / "config"), "--as-of", days[0].isoformat(),
            "--out", str(out), "--record", "--history", str(history)]
    assert CliRunner().invoke(cli, [*args, "--source", str(case / "data")]).exit_code == 0
    before = (out / "index.html").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, [*args, "--source", str(empty)])
    assert result.exit_code == 3, result.output  # source data
    assert (out / "index.html").read_bytes() == before
    runs = sqlite3.connect(history).execute(
        "SELECT outcome, failed_stage FROM runs ORDER BY run_id").fetchall()
    assert runs == [("ok", None), ("failed", "build")]


def _oracle(assignments: list[dict], reports: list[dict], as_of: date) -> dict[tuple, dict]:
    """The schedule fields of every assignment, recomputed from the CSV files alone."""
    first: dict[tuple, str] = {}
    for r in reports:
        key = (r["directive_code"], r["agency"])
        first[key] = min(first.get(key, r["submitted_at"]), r["submitted_at"])
    out = {}
    for a in assignments:
        key = (a["directive_code"], a["agency"])
        due = date.fromisoformat(a["due_date"]) if a["due_date"] else None
        stamp = first.get(key, "")
        late = (as_of - due).days if due else 0
        open_ = a["status"] in ("not_reported", "in_progress")
        overdue = late if open_ and due and late > 0 else 0
        on_time = "" if not stamp or not due else \
            str(date.fromisoformat(stamp[:10]) <= due).lower()  # stamps are +07:00 already
        schedule = "closed" if not open_ else ("overdue" if overdue else "not_due")
        out[key] = {"first_reported_at": stamp, "reported_on_time": on_time,
                    "days_overdue": str(overdue), "schedule": schedule}
    return out


def test_every_schedule_field_of_unseen_data_is_right(recorded):
    case, _history, days, sites = recorded
    for day, site in zip(days, sites, strict=True):
        assignments = _rows(site / "data" / "assignments.csv")
        want = _oracle(assignments, _rows(site / "data" / "reports.csv"), day)
        got = {(a["directive_code"], a["agency"]): {k: a[k] for k in want[next(iter(want))]}
               for a in assignments}
        assert got == want, day
        # A failed submission's row is a response row of the quarantine, and a submission.
        rejected = {int(r["row"]): r["reason"] for r in _rows(site / "data" / "rejected.csv")
                    if r["source"] == "responses"}
        for a in assignments:
            for row in filter(None, a["rejected_rows"].split(";")):
                assert rejected[int(row)] not in ("test_row", "future_timestamp"), (day, row)


def test_the_history_commands_read_a_named_database(recorded):
    case, history, days, sites = recorded
    result = CliRunner().invoke(cli, ["history", "trend", "--config", str(case / "config"),
                                      "--history", str(history)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert [r["as_of"] for r in rows] == [d.isoformat() for d in days]
    for row, site in zip(rows, sites, strict=True):
        kpis = json.loads((site / "data" / "kpis.json").read_text("utf-8"))
        assert float(row["reporting_rate_pct"]) == kpis["reporting_rate_pct"]
        assert int(row["not_reported"]) == kpis["assignments_by_status"]["not_reported"]
    missing = CliRunner().invoke(cli, ["history", "runs", "--config", str(case / "config"),
                                       "--history", str(case / "none.sqlite")])
    assert missing.exit_code == 1 and "no history yet" in missing.output
