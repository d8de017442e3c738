"""Render the dashboard and its data files into a folder, all or nothing.

Everything is computed and rendered in memory first, written into a staging folder beside
the target, then swapped in (see ``atomic.swap_dir``): a failed build never leaves a
half-written site.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tidtam.paths import STATIC_DIR, TEMPLATES_DIR
from tidtam.render import atomic, filters
from tidtam.render.charts import status_bars
from tidtam.render.exports import csv_bytes
from tidtam.transform.dataset import Dataset
from tidtam.transform.kpis import STATUS_KEYS, agency_summary
from tidtam.transform.quarantine import REASONS

KIND_LABELS = {"district": "สำนักงานเขต", "department": "สำนัก", "other": "หน่วยงานอื่น"}
SOURCE_LABELS = {"directives": "ทะเบียนข้อสั่งการ", "responses": "แบบรายงานผล",
                 "satisfaction": "แบบสำรวจความพึงพอใจ"}
FONT_FILES = [("sarabun-thai-400-normal.woff2", 400), ("sarabun-thai-700-normal.woff2", 700),
              ("sarabun-latin-400-normal.woff2", 400), ("sarabun-latin-700-normal.woff2", 700)]


def environment(taxonomy) -> Environment:
    """Jinja with autoescape on for every template: typed text is never markup."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.register(env, taxonomy)
    return env


def render_site(data: Dataset, kpis: dict, out_dir: Path) -> dict[str, bytes]:
    """Render every file of the site and write them to ``out_dir`` atomically."""
    files = site_files(data, kpis)
    staged = atomic.staging_dir(out_dir)
    staged.chmod(0o755)  # mkdtemp makes 0700; a web root must be readable
    try:
        for rel, content in files.items():
            path = staged / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        atomic.swap_dir(staged, out_dir)
    except BaseException:
        import shutil

        shutil.rmtree(staged, ignore_errors=True)
        raise
    return files


def site_files(data: Dataset, kpis: dict) -> dict[str, bytes]:
    """Every file of the site, by relative path, rendered in memory."""
    cfg = data.config
    env = environment(cfg.taxonomy)
    context = overview_context(data, kpis)
    html = env.get_template("index.html").render(**context)
    return {
        "index.html": html.encode("utf-8"),
        "data/kpis.json": json.dumps(kpis, ensure_ascii=False, indent=2).encode("utf-8"),
        "data/assignments.csv": csv_bytes(_iso(data.assignments)),
        "data/reports.csv": csv_bytes(_iso(data.reports.reports)),
        "data/rejected.csv": csv_bytes(data.rejected),
        "data/directives.csv": csv_bytes(_iso(data.register.directives)),
    }


def _iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as ISO 8601 text (``2024-01-05T09:03:07+07:00``)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].map(lambda v: v.isoformat() if pd.notna(v) else "")
        elif out[col].dtype == object and out[col].map(
                lambda v: hasattr(v, "isoformat")).any():
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else "")
    return out


def overview_context(data: Dataset, kpis: dict) -> dict:
    """What index.html shows; all numbers come from the transform stage."""
    cfg = data.config
    taxonomy = cfg.taxonomy
    labels = {s.key: s.label for s in taxonomy.statuses}
    assignments = data.assignments
    tz = ZoneInfo(cfg.settings.timezone)
    summary = agency_summary(assignments) if len(assignments) else None
    return {
        "site": cfg.settings.site,
        "as_of": data.as_of,
        "generated_at": datetime.now(tz),
        "kpis": kpis,
        "targets": cfg.settings.targets,
        "statuses": [(k, labels[k], kpis["assignments_by_status"][k]) for k in STATUS_KEYS],
        "fiscal_years": sorted({int(y) for y in data.register.directives["fiscal_year"].dropna()}),
        "charts": _charts(data, labels),
        "groups": _group_rows(assignments),
        "agencies": _agency_rows(summary, cfg),
        "missing": _missing_rows(assignments),
        "quality": _quality_rows(kpis["quality"]),
        "reasons": REASONS,
        "source_labels": SOURCE_LABELS,
        "font_faces": _font_faces(),
        "css": (STATIC_DIR / "site.css").read_text(encoding="utf-8"),
    }


def _counts(frame: pd.DataFrame, category: str) -> pd.DataFrame:
    return (frame.groupby([category, "status"]).size().rename("count").reset_index())


def _charts(data: Dataset, labels: dict[str, str]) -> dict[str, str]:
    assignments = data.assignments
    if not len(assignments):
        return {}
    taxonomy = data.config.taxonomy
    type_names = {t.code: f"{t.code} {t.label}" for t in taxonomy.directive_types}
    factor_names = {f.code: f"{f.code} {f.label}" for f in taxonomy.impact_factors}
    by_type = assignments.assign(category=assignments["type_code"].map(type_names))
    order = [type_names[t.code] for t in taxonomy.directive_types]
    by_type_counts = _ordered(_counts(by_type, "category"), order)
    factors = assignments.assign(
        factor=assignments["factor_codes"].fillna("").str.split(",")).explode("factor")
    factors = factors[factors["factor"] != ""]
    factors = factors.assign(category=factors["factor"].map(factor_names))
    by_factor_counts = _ordered(_counts(factors, "category"),
                                [factor_names[f.code] for f in taxonomy.impact_factors])
    groups = assignments.assign(
        category=assignments["district_group"].replace("", "สำนัก/หน่วยงานส่วนกลาง"))
    return {
        "by_type": status_bars(by_type_counts, "category", labels,
                               "สถานะตามประเภทข้อสั่งการ"),
        "by_factor": status_bars(by_factor_counts, "category", labels,
                                 "สถานะตามปัจจัยผลกระทบ (ข้อสั่งการหนึ่งมีได้หลายปัจจัย)"),
        "by_group": status_bars(_counts(groups, "category"), "category", labels,
                                "สถานะตามกลุ่มเขต"),
    }


def _ordered(counts: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(order)}
    return counts.sort_values("category", key=lambda s: s.map(rank)).reset_index(drop=True)


def _group_rows(assignments: pd.DataFrame) -> list[dict]:
    if not len(assignments):
        return []
    frame = assignments.assign(
        group=assignments["district_group"].replace("", "สำนัก/หน่วยงานส่วนกลาง"))
    rows = []
    for group, part in frame.groupby("group", sort=True):
        summary = agency_summary(part)
        counts = part["status"].value_counts()
        rows.append({"group": group, **{k: int(counts.get(k, 0)) for k in STATUS_KEYS},
                     "total": len(part), "agencies": len(summary),
                     "agencies_reported": int(summary["reported_all"].sum())})
    return rows


def _agency_rows(summary: pd.DataFrame | None, cfg) -> list[dict]:
    if summary is None:
        return []
    meta = {a.name: a for a in cfg.agencies}
    rows = []
    for rec in summary.to_dict("records"):
        agency = meta[rec["agency"]]
        rows.append({**rec, "kind": KIND_LABELS[agency.kind],
                     "group": agency.district_group or "-"})
    rows.sort(key=lambda r: (r["reported_all"], -r["not_reported"], r["agency"]))
    return rows


def _missing_rows(assignments: pd.DataFrame) -> list[dict]:
    missing = assignments[assignments["status"] == "not_reported"]
    rows = []
    for agency, part in missing.groupby("agency"):
        part = part.sort_values("days_overdue", ascending=False)
        rows.append({"agency": agency, "count": len(part),
                     "max_days_overdue": int(part["days_overdue"].max()),
                     "codes": list(part["directive_code"])})
    rows.sort(key=lambda r: (-r["max_days_overdue"], -r["count"], r["agency"]))
    return rows


def _quality_rows(quality: dict) -> list[dict]:
    return [{"source": role, **counts} for role, counts in quality.items()]


def _font_faces() -> list[dict]:
    """The Sarabun web font inlined, so the page needs no network and no other file."""
    faces = []
    for name, weight in FONT_FILES:
        data = base64.b64encode((STATIC_DIR / "fonts" / name).read_bytes()).decode("ascii")
        rng = "U+0E01-0E5B, U+200C-200D, U+25CC" if "thai" in name else \
            "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F"
        faces.append({"weight": weight, "data": data, "range": rng})
    return faces
