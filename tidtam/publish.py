"""Publish a built site: swap it into a folder, or upload it to a Google Drive folder.

Folder target: the site is first copied beside the target (same filesystem), then swapped
in by rename. On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` call, atomic on local
filesystems that support it (ext4, xfs, btrfs, tmpfs): a reader sees the old site or the new
one, never a mix. Where that call is refused (NFS, SMB/CIFS shares, macOS, FUSE) two
renames are used: the target is missing for a moment between them, but it is never
half-written, and if the second rename fails the old site is put back. Leftovers of an
interrupted publish (``.NAME.incoming-*``, ``.NAME.previous-*``) are cleaned, or put back,
by the next publish.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tidtam.core.errors import PublishError
from tidtam.render.atomic import swap_in

log = logging.getLogger("tidtam.publish")

def _copy_site(site: Path, incoming: Path) -> None:
    """Copy the site and flush it to disk before it can be swapped in."""
    shutil.copytree(site, incoming, copy_function=shutil.copy2)
    for file in incoming.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())


def _recover(target: Path) -> None:
    """Finish what an interrupted publish left: restore a moved-away site, drop copies."""
    parent, name = target.parent, target.name
    previous = sorted(parent.glob(f".{name}.previous-*"))
    if previous and not target.exists():
        os.rename(previous.pop(), target)
        log.warning("restored %s from an interrupted publish", target)
    for leftover in [*previous, *parent.glob(f".{name}.incoming-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def publish_folder(site: Path, target: Path) -> Path:
    """Replace ``target`` with a copy of ``site``; on failure the old target stays whole."""
    if not (site / "index.html").is_file():
        raise PublishError(f"{site} holds no index.html; build the site before publishing")
    parent = target.parent
    if not parent.is_dir():
        raise PublishError(
            f"cannot publish to {target}: {parent} does not exist (is the shared drive "
            "mounted?); create it or fix publish.folder in config/sync.yaml"
        )
    try:
        _recover(target)
        incoming = parent / f".{target.name}.incoming-{os.getpid()}"
        shutil.rmtree(incoming, ignore_errors=True)
        try:
            _copy_site(site, incoming)
            swap_in(incoming, target)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)  # after a swap: the old site
    except OSError as exc:
        raise PublishError(
            f"cannot publish to {target} ({exc.strerror or exc}); the previous site is "
            "unchanged: check free space and write permission"
        ) from None
    return target


# -- Google Drive ---------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file put on Drive."""

    name: str
    file_id: str
    link: str
    created: bool


# Written by the render stage: the overview with its styles, scripts and fonts inlined.
SINGLE_FILE = "tidtam-overview.html"


def drive_uploads(site: Path, file_name: str) -> list[tuple[Path, str, str]]:
    """(path, Drive name, MIME type) of what goes to Drive: the single self-contained
    overview (a Drive file opens alone, so it cannot use the site's other files) and any
    summary PDF."""
    page = site / SINGLE_FILE if (site / SINGLE_FILE).is_file() else site / "index.html"
    files = [(page, file_name, "text/html")]
    files += [(pdf, pdf.name, "application/pdf") for pdf in sorted(site.glob("*.pdf"))]
    return files


def _drive_query(name: str, folder_id: str) -> str:
    quoted = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"name = '{quoted}' and '{folder_id}' in parents and trashed = false"


def publish_drive(
    site: Path,
    folder_id: str,
    file_name: str,
    account: Any,
    policy: Any,
    transport: Any = None,
) -> list[Upload]:
    """Create or update the dashboard (and summary PDF) in a Drive folder, shared drives too.

    ``account`` is a ServiceAccount, ``policy`` a RetryPolicy; ``transport`` is the
    httplib2-style HTTP object to send requests through (a timeout-bound httplib2.Http
    unless given).
    """
    import httplib2
    from google_auth_httplib2 import AuthorizedHttp
    from googleapiclient.discovery import build
    from googleapiclient.http import MediaFileUpload

    from tidtam.sync.sheets import DRIVE_SCOPES

    http = AuthorizedHttp(
        account.credentials(DRIVE_SCOPES),
        http=transport or httplib2.Http(timeout=policy.timeout),
    )
    service = build("drive", "v3", http=http, cache_discovery=False, static_discovery=True)
    uploads = []
    for path, name, mime in drive_uploads(site, file_name):
        found = _execute(
            service.files().list(
                q=_drive_query(name, folder_id),
                spaces="drive",
                supportsAllDrives=True,
                includeItemsFromAllDrives=True,
                fields="files(id, name)",
            ),
            policy,
            folder_id,
            account,
        )["files"]
        media = MediaFileUpload(str(path), mimetype=mime, resumable=False)
        if found:
            if len(found) > 1:
                log.warning(
                    "%d files named %r in Drive folder %s; updating the first",
                    len(found),
                    name,
                    folder_id,
                )
            request = service.files().update(
                fileId=found[0]["id"],
                media_body=media,
                supportsAllDrives=True,
                fields="id, webViewLink",
            )
        else:
            request = service.files().create(
                body={"name": name, "parents": [folder_id], "mimeType": mime},
                media_body=media,
                supportsAllDrives=True,
                fields="id, webViewLink",
            )
        answer = _execute(request, policy, folder_id, account)
        uploads.append(Upload(name, answer["id"], answer.get("webViewLink", ""), not found))
    return uploads


def _execute(request: Any, policy: Any, folder_id: str, account: Any) -> dict:
    """Run a Drive request with retries; failures become one PublishError line."""
    import google.auth.exceptions
    from googleapiclient.errors import HttpError

    from tidtam.sync import retry

    try:
        answer, _ = retry.call(lambda: request.execute(), policy, f"Drive {request.methodId}")
        return answer
    except retry.RetriesExhausted as exc:
        raise PublishError(
            f"Drive kept failing ({exc.last.__class__.__name__}) after {exc.attempts} attempts;"
            " the dashboard on Drive is unchanged, try again later"
        ) from None
    except google.auth.exceptions.RefreshError as exc:
        raise PublishError(
            f"Google refused the service-account key in {account.key_file} ({exc.args[0]})"
        ) from None
    except HttpError as exc:
        raise _drive_error(exc, folder_id, account.email) from None


def _drive_error(exc: Any, folder_id: str, email: str) -> PublishError:
    status = exc.resp.status
    try:
        error = json.loads(exc.content)["error"]
    except (ValueError, KeyError, TypeError):
        error = {"message": str(exc.content[:200])}
    message = str(error.get("message", ""))
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    if status == 404:
        return PublishError(
            f"Drive folder {folder_id} not found, or not shared with {email}: add {email} "
            "to the folder (or its shared drive) as Content manager or Editor"
        )
    if status == 403 and "storageQuotaExceeded" in reasons:
        return PublishError(
            f"service accounts have no storage of their own: put Drive folder {folder_id} on "
            f"a shared drive and add {email} to it as Content manager"
        )
    if status == 403 and ("has not been used" in message or "disabled" in message):
        return PublishError(
            f"enable the Google Drive API for the service account's project ({message})"
        )
    if status == 403:
        return PublishError(
            f"{email} may not write in Drive folder {folder_id}: share it with that address "
            "as Content manager or Editor"
        )
    return PublishError(f"Drive answered {status}: {message}")


def describe(uploads: Iterable[Upload]) -> str:
    """A short account of the uploads for the log."""
    return ", ".join(f"{u.name} ({'created' if u.created else 'updated'})" for u in uploads)
