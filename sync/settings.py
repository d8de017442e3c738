"""Settings of the sync job, read from config/sync.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tidtam.core.errors import ConfigError
from tidtam.core.model import ROLES

FILE_NAME = "sync.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetrySettings(_Strict):
    """Backoff for 429 and 5xx answers."""

    attempts: int = Field(6, ge=1, le=20)
    initial_wait_seconds: float = Field(1.0, ge=0)
    max_wait_seconds: float = Field(30.0, ge=0)
    max_total_seconds: float = Field(120.0, ge=0)


class GoogleSettings(_Strict):
    """Where the spreadsheets are and how to reach them."""

    key_file: str = ""
    spreadsheets: dict[str, str] = Field(default_factory=dict)
    timeout_seconds: float = Field(30.0, gt=0)
    retry: RetrySettings = RetrySettings()


class SnapshotSettings(_Strict):
    """Where raw pulls are kept."""

    dir: str = "var/snapshots"
    keep: int = Field(0, ge=0)


class HistorySettings(_Strict):
    """The SQLite history file."""

    path: str = "var/history.sqlite"


class LockSettings(_Strict):
    """The lock file that keeps runs from overlapping."""

    path: str = "var/tidtam.lock"


class DriveSettings(_Strict):
    """The Google Drive publish target."""

    folder_id: str = ""
    file_name: str = "แดชบอร์ดติดตามข้อสั่งการ.html"


class PublishSettings(_Strict):
    """Publish targets; an empty one is skipped."""

    folder: str = ""
    drive: DriveSettings = DriveSettings()


class WritebackSettings(_Strict):
    """Where each sync writes its status and fix tabs back (empty spreadsheet: off)."""

    spreadsheet: str = ""
    status_tab: str = "สถานะล่าสุด"
    fix_tab: str = "แถวที่ต้องแก้ไข"

    @field_validator("status_tab", "fix_tab")
    @classmethod
    def _tab_name(cls, v: str) -> str:
        name = v.strip()
        if not name or len(name) > 100:  # Google Sheets titles are 1 to 100 characters
            raise ValueError("a tab name of 1 to 100 characters is needed")
        return name

    @model_validator(mode="after")
    def _two_tabs(self) -> WritebackSettings:
        if self.status_tab == self.fix_tab:
            raise ValueError("status_tab and fix_tab must be two different tabs")
        return self

    @property
    def on(self) -> bool:
        """True when a spreadsheet is set."""
        return bool(self.spreadsheet.strip())


class SyncSettings(_Strict):
    """Everything `tidtam sync` needs beyond the pipeline's own config."""

    google: GoogleSettings = GoogleSettings()
    snapshots: SnapshotSettings = SnapshotSettings()
    history: HistorySettings = HistorySettings()
    lock: LockSettings = LockSettings()
    publish: PublishSettings = PublishSettings()
    writeback: WritebackSettings = WritebackSettings()
    # Relative paths above are resolved against this folder (set by load_sync_settings).
    base_dir: Path = Path(".")

    @field_validator("writeback", mode="before")
    @classmethod
    def _empty_section(cls, v: object) -> object:
        return {} if v is None else v  # `writeback:` with every key commented out

    def resolve(self, value: str | Path) -> Path:
        """An absolute path for a configured path (relative ones start at base_dir)."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def load_sync_settings(config_dir: Path) -> SyncSettings:
    """Read ``config_dir/sync.yaml``; a missing file means all defaults."""
    path = config_dir / FILE_NAME
    base_dir = config_dir.resolve().parent
    if not path.exists():
        return SyncSettings(base_dir=base_dir)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            path, f"cannot be read as YAML ({exc.__class__.__name__}: {exc})"
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(path, "must be a mapping of sections (google:, snapshots:, ...)")
    google = raw.get("google") or {}
    unknown = set((google.get("spreadsheets") if isinstance(google, dict) else None) or {})
    unknown -= set(ROLES)
    if unknown:
        raise ConfigError(
            path,
            f"google.spreadsheets has unknown role {sorted(unknown)[0]!r}; use {', '.join(ROLES)}",
        )
    try:
        return SyncSettings(**raw, base_dir=base_dir)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(path, f"{where}: {first['msg']}") from None
