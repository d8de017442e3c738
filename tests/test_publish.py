"""Publishing: an atomic folder swap, and Drive v3 create-or-update against a fake."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
from fixtures.google.fake_google import SA_EMAIL, FakeDriveHttp, error_body, write_key_file

from tidtam import publish
from tidtam.core.errors import LockedError, PublishError
from tidtam.publish import publish_drive, publish_folder
from tidtam.render import atomic
from tidtam.render.atomic import exchange
from tidtam.render.writer import MANIFEST, Staging
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.sheets import load_service_account

FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.005, max_total=5, timeout=5)


def make_site(folder: Path, version: str, extra: str | None = None) -> Path:
    """A small site whose every file says which version it is."""
    (folder / "data").mkdir(parents=True)
    (folder / "index.html").write_text(f"<html>{version}" + "x" * 50_000 + "</html>")
    (folder / "data" / "kpis.json").write_text(json.dumps({"version": version}))
    if extra:
        (folder / "data" / extra).write_text(version)
    return folder


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its text (the writer's manifest aside)."""
    return {
        str(p.relative_to(folder)): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture(params=["exchange", "two-renames"])
def swap(request, monkeypatch):
    """Run each folder test with the atomic exchange and with the fallback."""
    if request.param == "two-renames":
        monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    return request.param


@pytest.fixture
def published(tmp_path, swap):
    """A web root where version 1 is already published."""
    target = tmp_path / "www" / "tidtam"
    target.parent.mkdir()
    publish_folder(make_site(tmp_path / "v1", "v1", extra="old.csv"), target)
    return target


def test_publish_replaces_the_whole_site(tmp_path, published):
    new = make_site(tmp_path / "v2", "v2")

    publish_folder(new, published)

    assert tree(published) == tree(new)  # old.csv is gone with the old site
    assert sorted(os.listdir(published.parent)) == [".tidtam.lock", "tidtam"]  # no leftovers


def test_interrupted_copy_leaves_the_old_site_whole(tmp_path, published, monkeypatch):
    before = tree(published)
    copied = []

    real_copy2 = publish.shutil.copy2

    def copy_then_interrupt(src, dst, **kwargs):
        if copied:
            raise KeyboardInterrupt  # Ctrl-C, or systemd stopping the service
        copied.append(dst)
        return real_copy2(src, dst, **kwargs)

    monkeypatch.setattr(publish.shutil, "copy2", copy_then_interrupt)

    with pytest.raises(KeyboardInterrupt):
        publish_folder(make_site(tmp_path / "v2", "v2"), published)

    assert copied  # it was interrupted mid-copy, not before
    assert tree(published) == before
    assert sorted(os.listdir(published.parent)) == [".tidtam.lock", "tidtam"]


def test_a_failed_swap_puts_the_old_site_back(tmp_path, published, monkeypatch):
    before = tree(published)
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    real_rename = os.rename

    def refuse_second(src, dst):
        if ".new-" in str(src):
            raise OSError(13, "Permission denied")
        return real_rename(src, dst)

    monkeypatch.setattr(publish.os, "rename", refuse_second)

    with pytest.raises(PublishError, match="the previous site is unchanged"):
        publish_folder(make_site(tmp_path / "v2", "v2"), published)

    assert tree(published) == before
    assert sorted(os.listdir(published.parent)) == [".tidtam.lock", "tidtam"]


def test_a_publish_killed_between_renames_is_repaired_next_time(tmp_path, published):
    before = tree(published)
    dead = _dead_pid()
    # What a kill -9 between the two renames of the fallback leaves behind:
    os.rename(published, published.parent / f".tidtam.previous-{dead}")
    make_site(published.parent / f".tidtam.new-{dead}-x1y2", "half")

    publish.publish_folder(make_site(tmp_path / "v3", "v3"), published)

    assert tree(published)["data/kpis.json"] == '{"version": "v3"}'
    assert sorted(os.listdir(published.parent)) == [".tidtam.lock", "tidtam"]
    assert before["data/kpis.json"] == '{"version": "v1"}'


def test_a_staging_folder_still_in_use_is_left_alone(tmp_path, published):
    """A run writing the target holds its lock: a second one is refused, touching nothing."""
    with Staging(published) as running:
        with pytest.raises(LockedError):
            publish_folder(make_site(tmp_path / "v2", "v2"), published)
        assert running.folder.is_dir()


def test_a_built_site_is_published_with_its_manifest_and_unchanged_files_kept(
        tmp_path, sample_site):
    target = tmp_path / "www" / "tidtam"
    target.parent.mkdir()
    publish_folder(sample_site, target)
    first = {p.relative_to(target): p.stat().st_ino for p in target.rglob("*") if p.is_file()}

    publish_folder(sample_site, target)

    assert (target / MANIFEST).read_bytes() == (sample_site / MANIFEST).read_bytes()
    again = {p.relative_to(target): p.stat().st_ino for p in target.rglob("*") if p.is_file()}
    assert {rel for rel, ino in again.items() if first[rel] != ino} == {Path(MANIFEST)}
    assert {rel: (target / rel).read_bytes() for rel in again} == \
        {rel: (sample_site / rel).read_bytes() for rel in again}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp: (tmp / "nosite", tmp / "www" / "s"), "holds no index.html; build the site"),
        (
            lambda tmp: (make_site(tmp / "site", "v"), tmp / "unmounted" / "s"),
            "does not exist (is the shared drive mounted?)",
        ),
    ],
)
def test_publish_folder_refuses(tmp_path, setup, message):
    site, target = setup(tmp_path)

    with pytest.raises(PublishError) as caught:
        publish_folder(site, target)

    assert message in caught.value.message


def test_readers_never_see_a_missing_or_partial_page(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    if not exchange(a, b):
        pytest.skip("this filesystem cannot exchange folders atomically")
    target = tmp_path / "www"
    publish_folder(make_site(tmp_path / "v0", "v0"), target)
    sites = [make_site(tmp_path / f"s{i}", f"v{i}") for i in range(1, 4)]
    problems: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                text = (target / "index.html").read_text()
            except FileNotFoundError:
                problems.append("missing")
                continue
            if not text.endswith("</html>"):
                problems.append("partial")

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(5):
        for site in sites:
            publish_folder(site, target)
    done.set()
    reader.join()

    assert problems == []


# -- Drive ----------------------------------------------------------------------------
@pytest.fixture
def drive(tmp_path):
    """A fake Drive with a folder on a shared drive, and a service account for it."""
    fake = FakeDriveHttp()
    fake.add_folder("1FolderOnSharedDrive")
    return fake, load_service_account(write_key_file(tmp_path))


def test_drive_creates_then_updates_in_place(tmp_path, drive):
    fake, account = drive
    site = make_site(tmp_path / "v1", "v1")
    (site / "summary.pdf").write_bytes(b"%PDF-1.7 v1")

    first = publish_drive(site, "1FolderOnSharedDrive", "แดชบอร์ด.html", account, FAST, fake)
    (site / "index.html").write_text("<html>v2</html>")
    second = publish_drive(site, "1FolderOnSharedDrive", "แดชบอร์ด.html", account, FAST, fake)

    assert [(u.name, u.created) for u in first] == [("แดชบอร์ด.html", True), ("summary.pdf", True)]
    assert [(u.name, u.created) for u in second] == [
        ("แดชบอร์ด.html", False),
        ("summary.pdf", False),
    ]
    assert [u.file_id for u in first] == [u.file_id for u in second]
    assert len(fake.files) == 2
    page = fake.files[first[0].file_id]
    assert (page.content, page.mime_type, page.parents) == (
        b"<html>v2</html>",
        "text/html",
        ["1FolderOnSharedDrive"],
    )
    assert first[0].link.startswith("https://drive.google.com/file/d/")
    writes = [q for method, _, q in fake.log if method in ("POST", "PATCH") and "uploadType" in q]
    assert all(q["supportsAllDrives"] == ["true"] for q in writes)


def test_drive_names_with_quotes_are_found_again(tmp_path, drive):
    fake, account = drive
    site = make_site(tmp_path / "v1", "v1")

    for _ in range(2):
        publish_drive(site, "1FolderOnSharedDrive", "ผู้ตรวจ's board.html", account, FAST, fake)

    assert len(fake.files) == 1


def test_drive_retries_a_503(tmp_path, drive):
    fake, account = drive
    fake.faults.append((503, error_body("503")))

    [upload] = publish_drive(
        make_site(tmp_path / "s", "v"), "1FolderOnSharedDrive", "d.html", account, FAST, fake
    )

    assert upload.created and len(fake.files) == 1


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (
            lambda fake: fake.folders.clear(),
            f"Drive folder 1FolderOnSharedDrive not found, or not shared with {SA_EMAIL}",
        ),
        (
            lambda fake: setattr(fake, "quota_exceeded", True),
            "service accounts have no storage of their own: put Drive folder",
        ),
        (
            lambda fake: fake.faults.extend([(503, error_body("503"))] * 3),
            "Drive kept failing (HttpError) after 3 attempts",
        ),
    ],
)
def test_drive_failures_say_what_to_do(tmp_path, drive, arrange, message):
    fake, account = drive
    arrange(fake)

    with pytest.raises(PublishError) as caught:
        publish_drive(
            make_site(tmp_path / "s", "v"), "1FolderOnSharedDrive", "d.html", account, FAST, fake
        )

    assert message in caught.value.message
    assert caught.value.exit_code == 5
