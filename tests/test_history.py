"""The history database: migrations, one transaction per run, no duplicates, questions."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from tidtam import history
from tidtam.core.errors import ConfigError
from tidtam.history import History, RecordStats

TZ = "Asia/Bangkok"


def report(rid: str, when: str, directive: str, agency: str, status: str, result: str) -> dict:
    """One normalized report row, as the pipeline's reports table has it."""
    return {
        "report_id": rid,
        "source_row": 2,
        "submitted_at": pd.Timestamp(when, tz=TZ),
        "directive_code": directive,
        "agency": agency,
        "status": status,
        "result": result,
        "obstacles": "",
        "obstacle_factors": "",
        "reporter": "นางสาวทดลอง ใจดี",
        "phone": "081-000-0000",
        "email": "a@bangkok.go.th",
        "attachments": "",
    }


def assignment(directive: str, agency: str, status: str, count: int = 0) -> dict:
    """One assignment row, as the pipeline's assignments table has it."""
    return {
        "directive_code": directive,
        "agency": agency,
        "status": status,
        "reported_at": pd.NaT if count == 0 else pd.Timestamp("2024-05-01 09:00", tz=TZ),
        "report_count": count,
        "latest_report_id": "" if count == 0 else "r1",
        "days_overdue": 3,  # depends on as_of: never stored
    }


R1 = report("r1", "2024-05-01 09:00", "2566-1-001", "สำนักงานเขตพระนคร", "in_progress", "เริ่มแล้ว")
R2 = report("r2", "2024-06-01 10:00", "2566-1-001", "สำนักงานเขตพระนคร", "done", "เสร็จแล้ว")
A_NOT = assignment("2566-1-001", "สำนักงานเขตพระนคร", "not_reported")
A_PROG = assignment("2566-1-001", "สำนักงานเขตพระนคร", "in_progress", 1)
A_DONE = assignment("2566-1-001", "สำนักงานเขตพระนคร", "done", 2)
B_NOT = assignment("2566-1-002", "สำนักการโยธา", "not_reported")


def run(db: History, reports: list[dict], assignments: list[dict]) -> tuple[int, RecordStats]:
    """One whole run: start, record, finish ok."""
    run_id = db.start_run("test")
    stats = db.record_build(
        run_id, pd.DataFrame(reports), pd.DataFrame(assignments), None
    )
    db.finish_run(run_id, "ok")
    return run_id, stats


def count(db: History, table: str) -> int:
    """Rows in ``table``."""
    return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def db(tmp_path):
    """A fresh history file."""
    with History(tmp_path / "var" / "history.sqlite") as opened:
        yield opened


def test_a_new_file_gets_the_whole_schema(db):
    assert db.schema_version == len(history.MIGRATIONS)
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "reports", "assignment_changes"} <= tables


def test_only_missing_migrations_run(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite"
    with History(path) as db:
        run(db, [R1], [A_PROG])
    later = "ALTER TABLE runs ADD COLUMN operator TEXT; UPDATE runs SET operator = 'cron'"
    monkeypatch.setattr(history, "MIGRATIONS", (*history.MIGRATIONS, later))

    with History(path) as db:
        assert db.schema_version == len(history.MIGRATIONS)
        assert [dict(r)["operator"] for r in db.runs()] == ["cron"]
        assert count(db, "reports") == 1


def test_a_failing_migration_leaves_the_old_schema(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite"
    History(path).close()
    broken = "ALTER TABLE runs ADD COLUMN x TEXT; ALTER TABLE nowhere ADD COLUMN y TEXT"
    monkeypatch.setattr(history, "MIGRATIONS", (*history.MIGRATIONS, broken))

    version = len(history.MIGRATIONS)  # the broken one, last
    with pytest.raises(ConfigError, match=f"could not upgrade the history schema to version "
                                          f"{version} "):
        History(path)

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(history.MIGRATIONS) - 1
    assert "x" not in [r[1] for r in conn.execute("PRAGMA table_info(runs)")]


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: p.write_bytes(b"this is not sqlite" * 100), "not a usable history database"),
        (
            lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 99"),
            "history schema 99 is newer than this tidtam knows",
        ),
    ],
)
def test_unusable_files(tmp_path, prepare, message):
    path = tmp_path / "h.sqlite"
    prepare(path)

    with pytest.raises(ConfigError, match=message):
        History(path)


def test_unchanged_data_adds_only_the_run_log_row(db):
    _, first = run(db, [R1], [A_PROG, B_NOT])
    tables = {t: count(db, t) for t in ("reports", "assignment_changes")}

    _, second = run(db, [R1], [A_PROG, B_NOT])

    assert first == RecordStats(new_reports=1, changed_assignments=2)
    assert second == RecordStats(new_reports=0, changed_assignments=0)
    assert {t: count(db, t) for t in tables} == tables
    assert count(db, "runs") == 2


def test_statuses_per_run_are_rebuilt_from_changes(db):
    run1, _ = run(db, [], [A_NOT, B_NOT])
    run2, _ = run(db, [R1], [A_PROG, B_NOT])
    run3, stats = run(db, [R1, R2], [A_DONE])  # 2566-1-002 left the register

    assert stats == RecordStats(new_reports=1, changed_assignments=2)

    def statuses(run_id: int) -> list[tuple]:
        frame = db.assignment_statuses(run_id)
        return list(frame[["directive_code", "status", "report_count"]].itertuples(index=False))

    assert statuses(run1) == [("2566-1-001", "not_reported", 0), ("2566-1-002", "not_reported", 0)]
    assert statuses(run2) == [("2566-1-001", "in_progress", 1), ("2566-1-002", "not_reported", 0)]
    assert statuses(run3) == [("2566-1-001", "done", 2)]
    assert [(p.run_id, dict(p.counts)) for p in db.status_trend()] == [
        (run1, {"not_reported": 2}),
        (run2, {"in_progress": 1, "not_reported": 1}),
        (run3, {"done": 1}),
    ]


def test_first_and_latest_report_of_an_agency_on_a_directive(db):
    run1, _ = run(db, [R1], [A_PROG])
    run(db, [R2, R1], [A_DONE])

    answer = db.agency_reports("สำนักงานเขตพระนคร", "2566-1-001")

    assert answer.count == 2
    assert answer.first["submitted_at"] == "2024-05-01T09:00:00+07:00"
    assert answer.first["result"] == "เริ่มแล้ว"
    assert answer.first["first_seen_run"] == run1
    assert answer.latest["status"] == "done"
    assert db.agency_reports("สำนักการโยธา", "2566-1-001") is None
    assert db.agencies_like("พระนคร") == ["สำนักงานเขตพระนคร"]


def test_a_run_that_fails_while_recording_leaves_nothing(db):
    run_id = db.start_run("test")
    no_status = pd.DataFrame([A_PROG]).drop(columns="status")

    with pytest.raises(KeyError):
        db.record_build(run_id, pd.DataFrame([R1]), no_status, None)

    assert count(db, "reports") == 0
    assert count(db, "assignment_changes") == 0
    assert db.runs()[0]["outcome"] == "running"


def test_runs_left_by_a_crash_are_marked_interrupted(db):
    crashed = db.start_run("test")
    finished, _ = run(db, [R1], [A_PROG])

    assert db.mark_interrupted() == 1
    assert db.mark_interrupted() == 0

    outcomes = {r["run_id"]: r["outcome"] for r in db.runs()}
    assert outcomes == {crashed: "interrupted", finished: "ok"}


def test_finish_records_duration_and_reason(db):
    run_id = db.start_run("sheets:1Key", None)
    db.finish_run(run_id, "failed", stage="pull", error="spreadsheet 1Key not found")

    [row] = db.runs()
    assert (row["outcome"], row["failed_stage"]) == ("failed", "pull")
    assert row["error"] == "spreadsheet 1Key not found"
    assert row["duration_s"] >= 0
    with pytest.raises(ValueError):
        db.finish_run(run_id, "great")
