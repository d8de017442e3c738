"""Load and validate the YAML configuration folder.

Every mistake stops the build with one line naming the file, the line when known, what is
wrong and how to fix it (``ConfigError``, exit code 2).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tidtam.core.errors import ConfigError
from tidtam.core.google_form import GoogleForm
from tidtam.core.memosettings import MemoSettings
from tidtam.core.model import STATUS_KEYS, StatusKey
from tidtam.core.paths import DEFAULT_CONFIG_DIR


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- taxonomy.yaml -------------------------------------------------------------------


class Category(_Strict):
    code: str
    key: str
    label: str

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, v: object) -> object:
        if isinstance(v, float):
            raise ValueError(f"write the code in quotes (\"{v}\"): YAML reads it as a number")
        return v


class Status(_Strict):
    key: StatusKey
    code: str
    label: str
    short: str | None = None  # where the full label does not fit (a column header)
    reported: bool
    # Other labels of this status (an older form version's), matched exactly, never fuzzy.
    aliases: list[str] = []


def _unique(items: list, attr: str, what: str) -> list:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise ValueError(f"{what} {attr} {value!r} is used twice (items {seen[value] + 1} "
                             f"and {i + 1}); give each its own")
        seen[value] = i
    return items


def _unique_aliases(statuses: list[Status]) -> None:
    """Each alias names one status and is no status's label (spaces and case aside)."""
    def key(text: str) -> str:
        return " ".join(text.split()).casefold()

    owner = {key(s.label): f"the label of {s.key}" for s in statuses}
    for s in statuses:
        for alias in s.aliases:
            if key(alias) in owner:
                raise ValueError(f"alias {alias!r} of {s.key} is already {owner[key(alias)]}; "
                                 "give each label to one status only")
            owner[key(alias)] = f"an alias of {s.key}"


class Taxonomy(_Strict):
    directive_types: list[Category] = Field(min_length=1)
    impact_factors: list[Category] = Field(min_length=1)
    statuses: list[Status]

    @field_validator("directive_types", "impact_factors")
    @classmethod
    def _no_duplicates(cls, v: list[Category]) -> list[Category]:
        for attr in ("code", "key", "label"):
            _unique(v, attr, "category")
        return v

    @field_validator("statuses")
    @classmethod
    def _all_statuses(cls, v: list[Status]) -> list[Status]:
        _unique(v, "key", "status")
        _unique(v, "label", "status")
        _unique_aliases(v)
        missing = [k for k in STATUS_KEYS if k not in {s.key for s in v}]
        if missing:
            raise ValueError(f"statuses must define {', '.join(missing)}")
        return v

    def status(self, key: str) -> Status:
        """The status with ``key``."""
        return next(s for s in self.statuses if s.key == key)


# --- agencies.yaml -------------------------------------------------------------------


class Agency(_Strict):
    name: str = Field(min_length=1)
    kind: Literal["district", "department", "other"]
    district_group: str | None = None
    aliases: list[str] = []
    inspector: str | None = None


class AgencyList(_Strict):
    agencies: list[Agency] = Field(min_length=1)

    @field_validator("agencies")
    @classmethod
    def _unique_names(cls, v: list[Agency]) -> list[Agency]:
        return _unique(v, "name", "agency")


# --- form.yaml -----------------------------------------------------------------------


class FieldSpec(_Strict):
    titles: list[str] = Field(min_length=1)
    required: bool = False


class Tabs(_Strict):
    directives: str
    responses: str
    satisfaction: str


class DirectiveFields(_Strict):
    code: FieldSpec
    fiscal_year: FieldSpec | None = None
    round: FieldSpec | None = None
    source: FieldSpec | None = None
    inspector: FieldSpec | None = None
    text: FieldSpec | None = None
    type: FieldSpec
    factors: FieldSpec | None = None
    agencies: FieldSpec
    due: FieldSpec | None = None


class ResponseFields(_Strict):
    timestamp: FieldSpec
    email: FieldSpec | None = None
    agency: FieldSpec
    directive: FieldSpec
    status: FieldSpec
    result: FieldSpec | None = None
    obstacles: FieldSpec | None = None
    obstacle_factors: FieldSpec | None = None
    reporter: FieldSpec | None = None
    phone: FieldSpec | None = None
    attachments: FieldSpec | None = None


class SatisfactionFields(_Strict):
    timestamp: FieldSpec
    group: FieldSpec | None = None
    comment: FieldSpec | None = None


class ScalePoint(_Strict):
    label: str = Field(min_length=1)
    score: float


class DirectiveForm(_Strict):
    fields: DirectiveFields
    all_districts: list[str] = ["ทุกสำนักงานเขต"]
    district_group_prefix: str = "กลุ่มเขต"


class ResponseForm(_Strict):
    fields: ResponseFields
    test_markers: list[str] = []


class SatisfactionForm(_Strict):
    fields: SatisfactionFields
    scale: list[ScalePoint] = Field(min_length=2)
    high_from_score: float

    @field_validator("scale")
    @classmethod
    def _scale_ok(cls, v: list[ScalePoint]) -> list[ScalePoint]:
        _unique(v, "label", "scale point")
        _unique(v, "score", "scale point")
        if max(p.score for p in v) <= 0:
            raise ValueError("the scale needs a top score above 0 (e.g. มากที่สุด: 4)")
        return v

    @property
    def top_score(self) -> float:
        return max(p.score for p in self.scale)


class Form(_Strict):
    tabs: Tabs
    files: Tabs
    directives: DirectiveForm
    responses: ResponseForm
    satisfaction: SatisfactionForm
    google_form: GoogleForm | None = None  # prefilled links and `form sync` (google_form.py)


# --- settings.yaml -------------------------------------------------------------------


class Targets(_Strict):
    reporting_rate_pct: float = Field(ge=0, le=100)
    satisfaction_pct: float = Field(ge=0, le=100)
    # First valid reports on or before their due date, of the assignments already due.
    on_time_report_pct: float = Field(80.0, ge=0, le=100)


class SiteSettings(_Strict):
    title: str
    organization: str


class Publish(_Strict):
    """Which personal fields of a report may appear on the dashboard and its exports."""

    reporter: bool = False
    phone: bool = False
    email: bool = False


class Limits(_Strict):
    """Input sizes beyond which a cell or a file is refused, naming the limit."""

    max_cell_chars: int = Field(50_000, ge=1000)
    max_source_mb: float = Field(2048, gt=0)
    # An .xlsx is a zip: what its parts unpack to, checked before any is parsed.
    max_unpacked_mb: float = Field(2048, gt=0)
    # Cells of one CSV file or workbook tab: rows times the widest row, blanks included.
    max_cells: int = Field(20_000_000, ge=1000)


class Settings(_Strict):
    timezone: str = "Asia/Bangkok"
    targets: Targets
    users: dict[str, int] = {}
    site: SiteSettings
    publish: Publish = Publish()
    limits: Limits = Limits()
    memo: MemoSettings = MemoSettings()


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    dir: Path
    taxonomy: Taxonomy
    agencies: list[Agency]
    form: Form
    settings: Settings


_MODELS = {
    "taxonomy.yaml": Taxonomy,
    "agencies.yaml": AgencyList,
    "form.yaml": Form,
    "settings.yaml": Settings,
}


def load_config(config_dir: Path | str | None = None) -> Config:
    """Read and validate every file of ``config_dir`` (default: the project's config/)."""
    folder = Path(config_dir) if config_dir else DEFAULT_CONFIG_DIR
    if not folder.is_dir():
        raise ConfigError(folder, "no such config folder (pass --config DIR)")
    parsed = {name: _load_file(folder / name, model) for name, model in _MODELS.items()}
    config = Config(
        dir=folder,
        taxonomy=parsed["taxonomy.yaml"],
        agencies=parsed["agencies.yaml"].agencies,
        form=parsed["form.yaml"],
        settings=parsed["settings.yaml"],
    )
    _check_timezone(folder / "settings.yaml", config.settings.timezone)
    return config


def _load_file(path: Path, model: type[BaseModel]) -> BaseModel:
    if not path.is_file():
        raise ConfigError(path, "file is missing (copy it from the project's config/ folder)")
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise ConfigError(path, "is not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(path, f"{where}invalid YAML ({problem}); check indentation "
                                "and quotes") from None
    if not isinstance(data, dict):
        raise ConfigError(path, "must be a YAML mapping of keys to values")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, _explain(exc, model, text)) from None


def _explain(exc: ValidationError, model: type[BaseModel], text: str) -> str:
    """One line for the first validation error: where, what, and the fix."""
    errors = exc.errors()
    # A misspelt key shows up as both "missing" and "extra": the extra one names the typo.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [p for p in err["loc"]]
    dotted = ".".join(str(p) for p in loc) or "(top level)"
    line = _line_of(text, loc)
    where = f"line {line}: " if line else ""
    if err["type"] == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        fix = f"did you mean {guess[0]!r}?" if guess else f"known keys: {', '.join(known)}"
        return f"{where}unknown key {dotted!r}; {fix}"
    if err["type"] == "missing":
        return f"{where}{dotted}: required key is missing; add it"
    if err["type"] == "too_short":
        return f"{where}{dotted}: is empty; list at least one entry"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}{dotted}: {msg}"


def _known_keys(model: type[BaseModel], loc: list) -> list[str]:
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _model_in(fields[part].annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: object) -> object:
    """The BaseModel inside ``X``, ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _line_of(text: str, loc: list) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or its nearest parent)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == str(part)]
            if not match:
                break
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            break
    if node is not None and line is None:
        line = node.start_mark.line + 1
    return line


def _check_timezone(path: Path, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(path, f"timezone {name!r} is unknown; use e.g. Asia/Bangkok") from None
