"""The reminder log on the site, and the memos inside it (`tidtam build --memos`)."""

from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import AS_OF, SAMPLE

from tidtam.cli import cli
from tidtam.history import History


def _assignments(site: Path) -> dict[tuple[str, str], dict]:
    with (site / "data" / "assignments.csv").open(encoding="utf-8-sig", newline="") as f:
        return {(r["directive_code"], r["agency"]): r for r in csv.DictReader(f)}


def _build(out: Path, history: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--as-of",
                                      AS_OF.isoformat(), "--out", str(out), "--history",
                                      str(history), *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def reminded(tmp_path_factory):
    """Two memos named one silent assignment, one named another; a third memo is dated
    after the as-of date and must not count."""
    folder = tmp_path_factory.mktemp("reminded")
    history = folder / "h.sqlite"
    site = folder / "site"
    _build(site, history)  # to learn which assignments are silent
    silent = [k for k, r in _assignments(site).items() if r["status"] == "not_reported"]
    first, second = silent[0], silent[1]
    with History(history) as db:
        db.record_memos([("กท 1/๑", date(2024, 5, 31), first[1], first[0]),
                         ("กท 1/๒", date(2024, 6, 30), first[1], first[0]),
                         ("กท 1/๒", date(2024, 6, 30), first[1], first[0]),  # the same again
                         ("กท 1/๓", date(2024, 6, 30), second[1], second[0]),
                         ("กท 1/๙", date(2024, 8, 15), second[1], second[0])],  # after as-of
                        date(2024, 6, 30))
    _build(site, history)
    return site, history, first, second, len(silent)


def test_assignments_carry_their_reminders(reminded):
    site, _history, first, second, _silent = reminded
    rows = _assignments(site)
    assert (rows[first]["reminders"], rows[first]["last_reminded"]) == ("2", "2024-06-30")
    assert (rows[second]["reminders"], rows[second]["last_reminded"]) == ("1", "2024-06-30")
    others = [r for k, r in rows.items() if k not in (first, second)]
    assert {r["reminders"] for r in others} == {"0"}
    assert {r["last_reminded"] for r in others} == {""}


def test_kpis_split_not_reported_by_reminder(reminded):
    site, _history, _first, _second, silent = reminded
    kpis = json.loads((site / "data" / "kpis.json").read_text("utf-8"))
    assert kpis["reminders"] == {"not_reported_reminded": 2,
                                 "not_reported_not_reminded": silent - 2}
    assert sum(kpis["reminders"].values()) == kpis["assignments_by_status"]["not_reported"]


def test_the_followup_list_says_how_often_each_was_reminded(reminded):
    site, _history, first, second, _silent = reminded
    soup = BeautifulSoup((site / "followup.html").read_text("utf-8"), "html.parser")
    said = {}
    for row in soup.select(".fu-table tbody tr"):
        code = row.select_one("td.text a").get_text(strip=True)
        note = row.select_one(".reminded")
        if note:
            said[(code, row.th.a.get_text(strip=True))] = note.get_text(strip=True)
    assert said == {first: "ติดตามแล้ว 2 ครั้ง (ล่าสุด 30 มิ.ย. 2567)",
                    second: "ติดตามแล้ว 1 ครั้ง (ล่าสุด 30 มิ.ย. 2567)"}


def test_reminders_survive_a_rebuild(reminded, tmp_path):
    site, history, first, _second, _silent = reminded
    _build(tmp_path / "again", history)
    assert _assignments(tmp_path / "again")[first]["reminders"] == "2"


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs /usr/bin/chromium")
def test_memos_in_the_site_are_linked_and_carried_over(tmp_path):
    out = tmp_path / "site"
    _build(out, tmp_path / "h.sqlite", "--memos")
    index = json.loads((out / "memos" / "index.json").read_text("utf-8"))
    files = {m["agency"]: m["pdf"] for m in index["memos"]}
    assert files and (out / "memos" / "all.pdf").is_file()
    soup = BeautifulSoup((out / "followup.html").read_text("utf-8"), "html.parser")
    for row in soup.select(".fu-table tbody tr"):
        agency = row.th.a.get_text(strip=True)
        link = row.select_one("a.memo-link")
        assert link is not None and link["href"] == f"memos/{files[agency]}"
        assert (out / link["href"]).stat().st_size > 1000
    before = (out / "memos" / next(iter(files.values()))).stat().st_ino
    _build(out, tmp_path / "h.sqlite", "--memos")
    assert (out / "memos" / next(iter(files.values()))).stat().st_ino == before  # kept
