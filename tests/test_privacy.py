"""The service-account key never leaks: never logged, never copied, never published."""

import json

import pytest
from test_job import project  # noqa: F401  (the fixture: config + Google fakes)

from tidtam.errors import ConfigError


def key_markers(key_file) -> list[str]:
    """Strings that only the key file holds."""
    info = json.loads(key_file.read_text(encoding="utf-8"))
    body = [line for line in info["private_key"].splitlines() if "PRIVATE KEY" not in line]
    return [info["private_key_id"], "PRIVATE KEY", body[1], body[-1]]


def every_byte_written(root):
    for path in root.rglob("*"):
        if path.is_file() and path.name != "service-account.json":
            yield path, path.read_bytes()


def test_the_key_is_never_logged_copied_or_published(project):  # noqa: F811
    project.sync()
    key_file = project.root / "service-account.json"
    markers = key_markers(key_file)
    for line in project.lines:
        assert not any(m in line for m in markers), line
    written = list(every_byte_written(project.root))
    assert any(p.suffix == ".sqlite" for p, _ in written)  # history, snapshots, sites
    for path, data in written:
        for marker in markers:
            assert marker.encode() not in data, f"{path} holds key material"
    assert project.drive.files  # the Drive target got the site
    for upload in project.drive.files.values():
        for marker in markers:
            assert marker.encode() not in upload.content


@pytest.mark.parametrize("inside", ["site", "www/tidtam"])
def test_a_key_inside_a_published_folder_is_refused(project, inside):  # noqa: F811
    folder = project.root / inside
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "service-account.json"
    key.write_bytes((project.root / "service-account.json").read_bytes())
    with pytest.raises(ConfigError) as err:
        project.sync(key_file=key)
    assert err.value.exit_code == 2
    assert "the service-account key is inside" in err.value.message
    assert "move it out" in err.value.message
