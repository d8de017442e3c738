"""Shared fixtures: the project's config, the bundled sample, small sheets built inline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tidtam.core.config import load_config
from tidtam.core.model import RawSheet

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = ROOT / "sample"
AS_OF = date(2024, 7, 31)
BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(scope="session")
def config():
    """The project's own config/ folder, validated."""
    return load_config()


@pytest.fixture(scope="session")
def expected() -> dict:
    """What the sample generator intended (sample/expected.json)."""
    return json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, config) -> Path:
    """The demo site built once from the CSV sample, as `make demo` does."""
    from tidtam.pipeline import build_from_source

    out = tmp_path_factory.mktemp("site") / "site"
    build_from_source(SAMPLE / "data", config, out, AS_OF)
    return out


def sheet(role: str, header: list[str], *rows: list) -> RawSheet:
    """A RawSheet from literal rows (ragged rows are padded)."""
    return RawSheet.from_values(role, f"{role}.csv", [header, *rows])
