"""Snapshots keep every pulled cell with its exact value and type."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tidtam.core.errors import SourceError
from tidtam.sync import snapshot
from tidtam.sync.sheets import Pull, PulledTab
from tidtam.sync.snapshot import load_snapshot, prune_snapshots, read_snapshot, save_snapshot

PULLED_AT = datetime(2024, 5, 1, 2, 0, 0, tzinfo=UTC)

cells = st.one_of(
    st.text(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)


def make_pull(values: list[list], pulled_at: datetime = PULLED_AT) -> Pull:
    """A pull of one responses tab holding ``values``."""
    tab = PulledTab("responses", "1KeyKeyKeyKey", "การตอบแบบฟอร์ม 1", "'x'!A1:Z1000", values)
    return Pull(pulled_at=pulled_at, tabs={"responses": tab}, requests=1)


def typed(values: list[list]) -> list[list]:
    """Each cell with its type, so that 1, 1.0 and True differ."""
    return [[(type(c), c) for c in row] for row in values]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.lists(cells, max_size=6), max_size=6))
def test_values_come_back_identical(tmp_path_factory, values):
    folder = save_snapshot(make_pull(values), tmp_path_factory.mktemp("snaps"))

    assert typed(read_snapshot(folder).tabs["responses"].values) == typed(values)


def test_metadata_and_rawsheets(tmp_path):
    values = [["ประทับเวลา", "รหัส", "รหัส"], [45292.5, "0012"], [45293.0, "", "b", "extra"]]
    folder = save_snapshot(make_pull(values), tmp_path)

    saved = read_snapshot(folder)
    assert folder.name == "20240501T020000Z"
    assert saved.pulled_at == PULLED_AT
    assert saved.tabs["responses"].spreadsheet_id == "1KeyKeyKeyKey"
    assert saved.tabs["responses"].tab == "การตอบแบบฟอร์ม 1"
    sheet = load_snapshot(folder)["responses"]
    assert sheet.title == "การตอบแบบฟอร์ม 1"
    assert sheet.header == ["ประทับเวลา", "รหัส", "รหัส", ""]
    assert sheet.rows == [[45292.5, "0012", None, None], [45293.0, "", "b", "extra"]]
    assert load_snapshot(folder / "snapshot.json") == load_snapshot(folder)


def test_pulls_in_the_same_second_get_their_own_folders(tmp_path):
    first = save_snapshot(make_pull([["a"]]), tmp_path)
    second = save_snapshot(make_pull([["b"]]), tmp_path)

    assert (first.name, second.name) == ("20240501T020000Z", "20240501T020000Z-2")
    assert read_snapshot(first).tabs["responses"].values == [["a"]]


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot.json, "dump", disk_full)

    with pytest.raises(OSError):
        save_snapshot(make_pull([["a"]]), tmp_path)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, "no snapshot.json here"),
        ("{", "not a readable snapshot"),
        ({"format": "other"}, "not a tidtam snapshot"),
        ({"format": "tidtam-snapshot", "version": 9}, "snapshot version 9, this tidtam reads"),
        ({"format": "tidtam-snapshot", "version": 1, "tabs": {}}, "damaged snapshot (KeyError"),
    ],
)
def test_unreadable_snapshots(tmp_path, document, message):
    if document is not None:
        text = document if isinstance(document, str) else json.dumps(document)
        (tmp_path / "snapshot.json").write_text(text)

    with pytest.raises(SourceError, match=re.escape(message)):
        read_snapshot(tmp_path)


def test_prune_keeps_the_newest(tmp_path):
    for day in (1, 2, 3, 4):
        save_snapshot(make_pull([["x"]], datetime(2024, 5, day, tzinfo=UTC)), tmp_path)

    removed = prune_snapshots(tmp_path, keep=2)

    assert [p.name for p in removed] == ["20240501T000000Z", "20240502T000000Z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20240503T000000Z", "20240504T000000Z"]
    assert prune_snapshots(tmp_path, keep=0) == []


def test_dates_are_tagged_not_stringified(tmp_path):
    folder = save_snapshot(make_pull([[date(2024, 1, 2), "2024-01-02"]]), tmp_path)

    assert read_snapshot(folder).tabs["responses"].values == [[date(2024, 1, 2), "2024-01-02"]]
    raw = json.loads((folder / "snapshot.json").read_text())
    assert raw["tabs"]["responses"]["values"] == [[{"$date": "2024-01-02"}, "2024-01-02"]]
