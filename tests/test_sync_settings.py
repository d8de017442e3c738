"""config/sync.yaml: defaults, path resolution and mistakes named with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidtam.core.errors import ConfigError
from tidtam.sync.settings import load_sync_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_file_loads(tmp_path):
    settings = load_sync_settings(ROOT / "config")

    assert settings.google.retry.attempts == 6
    assert settings.resolve(settings.history.path) == ROOT / "var" / "history.sqlite"


def test_missing_file_means_defaults_and_paths_start_beside_the_config(tmp_path):
    config = tmp_path / "config"
    config.mkdir()

    settings = load_sync_settings(config)

    assert settings.resolve(settings.snapshots.dir) == tmp_path / "var" / "snapshots"
    assert str(settings.resolve("/srv/www")) == "/srv/www"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("google: [1, 2", "cannot be read as YAML"),
        ("- a\n- b", "must be a mapping of sections"),
        ("gogle: {}", "gogle: Extra inputs are not permitted"),
        ("google: {retry: {attempts: 0}}", "google.retry.attempts: Input should be greater"),
        ("google: {timeout_seconds: soon}", "google.timeout_seconds: Input should be a valid"),
        ("google: {spreadsheets: {response: x}}", "unknown role 'response'; use directives"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, text, problem):
    (tmp_path / "sync.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_sync_settings(tmp_path)

    assert caught.value.message.startswith(f"{tmp_path / 'sync.yaml'}: ")
    assert problem in caught.value.message
    assert caught.value.exit_code == 2
