"""Publish a built site: write it into a folder, or upload it to a Google Drive folder.

Folder target: the same writer as the build (``render/writer.py``) fills a staging folder
beside the target, carrying over the files the target already has unchanged (by the site's
manifest) and copying the rest, then swaps it in once. On Linux the swap is one
``renameat2(RENAME_EXCHANGE)`` call, atomic on local filesystems that support it (ext4, xfs,
btrfs, tmpfs): a reader sees the old site or the new one, never a mix. Where that call is
refused (NFS, SMB/CIFS shares, macOS, FUSE) two renames are used: the target is missing for
a moment between them, but it is never half-written, and if the second rename fails the old
site is put back. Leftovers of an interrupted publish are cleaned, or put back, by the next.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import google.auth.exceptions
import httplib2
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest, MediaFileUpload

from tidtam.core.errors import PublishError
from tidtam.core.model import Output
from tidtam.render.site import OVERVIEW_FILE
from tidtam.render.writer import MANIFEST, Staging, read_manifest, write_outputs
from tidtam.sync import retry
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.sheets import DRIVE_SCOPES, ServiceAccount

log = logging.getLogger("tidtam.publish")


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
        with Staging(target) as staging:
            write_outputs(site_files(site), staging.folder, previous=target)
            staging.swap_in()
    except OSError as exc:
        raise PublishError(
            f"cannot publish to {target} ({exc.strerror or exc}); the previous site is "
            "unchanged: check free space and write permission"
        ) from None
    return target


def site_files(site: Path) -> Iterator[Output]:
    """Every file of a built site as an output copied from it, with its digest from the
    site's manifest (a file not in it is compared by its bytes)."""
    digests = read_manifest(site)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel != MANIFEST:
            yield Output(rel, digests.get(rel), _copy_of(path))


def _copy_of(source: Path) -> Callable[[Path], None]:
    def copy(target: Path) -> None:
        """Copy, and flush to disk before the folder can be swapped in."""
        shutil.copy2(source, target)
        with open(target, "rb") as handle:
            os.fsync(handle.fileno())

    return copy


# -- Google Drive ---------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file put on Drive."""

    name: str
    file_id: str
    link: str
    created: bool


def drive_uploads(site: Path, file_name: str) -> list[tuple[Path, str, str]]:
    """(path, Drive name, MIME type) of what goes to Drive: the single self-contained
    overview (a Drive file opens alone, so it cannot use the site's other files) and any
    summary PDF."""
    page = site / OVERVIEW_FILE if (site / OVERVIEW_FILE).is_file() else site / "index.html"
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
    account: ServiceAccount,
    policy: RetryPolicy,
    transport: httplib2.Http | None = None,
) -> list[Upload]:
    """Create or update the dashboard (and summary PDF) in a Drive folder, shared drives too.

    ``transport`` is the httplib2-style HTTP object to send requests through (a
    timeout-bound httplib2.Http unless given).
    """
    http = AuthorizedHttp(
        account.credentials(DRIVE_SCOPES),
        http=transport or httplib2.Http(timeout=policy.timeout),
    )
    service = discovery.build("drive", "v3", http=http, cache_discovery=False,
                              static_discovery=True)
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


def _execute(request: HttpRequest, policy: RetryPolicy, folder_id: str,
             account: ServiceAccount) -> dict:
    """Run a Drive request with retries; failures become one PublishError line."""
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


def _drive_error(exc: HttpError, folder_id: str, email: str) -> PublishError:
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
    if retry.api_disabled(status, message):
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
