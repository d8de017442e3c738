"""Runs killed with SIGKILL at random points: the published site is always a whole old one
or a whole new one, and the history database is consistent with every run wholly or not
at all."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


DRIVER = Path(__file__).parent / "fixtures" / "kill_sync.py"
KEY = "1SampleSpreadsheetKey0000000000000000000000"
AS_OFS = ("2024-07-20", "2024-07-31")  # alternate, so consecutive sites differ
KILLS = 16


@pytest.fixture
def project(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("sync.yaml"))
    sync = {
        "google": {
            "key_file": str(tmp_path / "keys" / "service-account.json"),
            "spreadsheets": dict.fromkeys(("directives", "responses", "satisfaction"), KEY),
            "retry": {"attempts": 2, "initial_wait_seconds": 0.001, "max_wait_seconds": 0.01},
        },
        "publish": {"folder": "www/tidtam"},
    }
    (config / "sync.yaml").write_text(yaml.safe_dump(sync, allow_unicode=True))
    (tmp_path / "www").mkdir()
    return tmp_path


def start(project: Path, as_of: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(DRIVER), str(project), as_of],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=project)


def timed_run(project: Path, as_of: str) -> list[tuple[str, float]]:
    """Run to completion; each log line's stage and the seconds after start it arrived."""
    began = time.monotonic()
    proc = start(project, as_of)
    arrivals, lines = [], []
    for line in proc.stdout:
        arrivals.append((stage_of(line), time.monotonic() - began))
        lines.append(line)
    assert proc.wait(timeout=120) == 0, "".join(lines)
    return arrivals


def stage_of(line: str) -> str:
    """'2026-11-24 04:53:31 pull: 3 tabs ...' -> 'pull'."""
    parts = line.split(" ", 3)
    return parts[2].rstrip(":") if len(parts) > 2 else "start"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def whole_site(published: dict[str, bytes], references: dict[str, dict[str, bytes]]) -> str:
    """The as-of date of the reference the published folder equals, else a failure."""
    for as_of, ref in references.items():
        if set(published) != set(ref):
            continue
        same_data = all(published[f] == ref[f] for f in ref if f.startswith("data/"))
        pages_whole = all(published[f].rstrip().endswith(b"</html>")
                          for f in ref if f.endswith(".html"))
        if same_data and pages_whole:
            return as_of
    raise AssertionError(f"published site is neither whole site: {sorted(published)[:5]}")


def check_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for run_id, outcome, new, changed in conn.execute(
            "SELECT run_id, outcome, new_reports, changed_assignments FROM runs"):
        reports = conn.execute("SELECT count(*) FROM reports WHERE first_seen_run = ?",
                               (run_id,)).fetchone()[0]
        changes = conn.execute("SELECT count(*) FROM assignment_changes WHERE run_id = ?",
                               (run_id,)).fetchone()[0]
        if new is None:  # the run's data transaction never committed: nothing of it
            assert (reports, changes) == (0, 0), (run_id, outcome)
        else:            # it committed: all of it
            assert (reports, changes) == (new, changed), (run_id, outcome)
    conn.close()


def test_sigkill_anywhere_leaves_a_whole_site_and_a_consistent_database(project):
    references, arrivals = {}, []
    for as_of in AS_OFS:  # two complete runs give the two sites a reader may ever see
        arrivals = timed_run(project, as_of)
        references[as_of] = snapshot(project / "www" / "tidtam")
    assert references[AS_OFS[0]] != references[AS_OFS[1]]

    # Each kill waits for one stage's log line, then a random part of the time until the
    # next line, so every stage is hit: pulling, building, rendering, recording, publishing.
    gaps = [(stage, later - at)
            for (stage, at), (_, later) in zip(arrivals, arrivals[1:], strict=False)]
    rng = random.Random(20240731)
    stages: dict[str, int] = {}
    for i in range(KILLS):
        trigger, gap = gaps[i % len(gaps)]
        proc = start(project, AS_OFS[i % 2])
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if stage_of(line) == trigger:
                time.sleep(rng.uniform(0, gap))
                break
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
        lines += [line for line in rest.splitlines() if line.strip()]
        reached = stage_of(lines[-1]) if lines else "start"
        stages[reached] = stages.get(reached, 0) + 1
        whole_site(snapshot(project / "www" / "tidtam"), references)
        check_database(project / "var" / "history.sqlite")
    print(f"\nkilled {KILLS} runs; the stage each had last logged: {stages}")
    # The loop must really have interrupted work, not only watched runs finish.
    assert sum(n for stage, n in stages.items() if stage != "sync") >= KILLS // 2
    assert {"render", "record"} & set(stages)

    proc = start(project, AS_OFS[1])  # and the next run recovers
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert whole_site(snapshot(project / "www" / "tidtam"), references) == AS_OFS[1]
    check_database(project / "var" / "history.sqlite")
