"""Incremental builds: a rebuild rewrites only the pages whose inputs, templates or display
code changed and carries the others over from the previous site, still swapped in whole."""

import json
import shutil

import pytest
from conftest import AS_OF, SAMPLE

from tidtam.core.model import RawSheet
from tidtam.core.paths import TEMPLATES_DIR
from tidtam.pipeline import build
from tidtam.render.site import OVERVIEW_FILE, Site, site_map, write_site
from tidtam.render.urls import agency_path, directive_path
from tidtam.render.writer import MANIFEST, Staging
from tidtam.sync.files import read_source
from tidtam.transform.dataset import compute_kpis, normalize

AGENCY = "สำนักงานเขตบางรัก"


def with_new_report(config):
    """The sample plus one new report: the agency's first reported directive becomes done."""
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    col = {title: i for i, title in enumerate(base.header)}
    template = next(r for r in base.rows if r[col["หน่วยงาน"]] in (AGENCY, "เขตบางรัก")
                    and r[col["สถานะการดำเนินการ"]] == "อยู่ระหว่างการดำเนินการ")
    row = list(template)
    row[col["ประทับเวลา"]] = "30/7/2567 09:00:00"
    row[col["สถานะการดำเนินการ"]] = "ดำเนินการแล้ว"
    row[col["ผลการดำเนินการ"]] = "ดำเนินการแล้วเสร็จครบทุกจุด"
    sheets["responses"] = RawSheet("responses", base.title, base.header, [*base.rows, row])
    return sheets, template[col["รหัสข้อสั่งการ"]]


def inodes(site):
    return {p.relative_to(site).as_posix(): p.stat().st_ino
            for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def first(tmp_path_factory, config):
    out = tmp_path_factory.mktemp("inc") / "site"
    result = build(read_source(SAMPLE / "data", config), config, out, AS_OF)
    return out, result


def test_first_build_renders_everything_and_keeps_a_manifest(first):
    out, result = first
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert pages <= set(manifest)
    assert len(result.files) == len(manifest) + 1


def test_unchanged_data_carries_every_file_over(first, config):
    out, _ = first
    before = inodes(out)
    files = build(read_source(SAMPLE / "data", config), config, out, AS_OF).files
    after = inodes(out)
    kept = [rel for rel, ino in after.items() if before.get(rel) == ino]
    assert set(kept) == set(after) - {MANIFEST}
    assert len(files) == len(after)


def test_a_new_report_rewrites_only_the_pages_it_touches(first, config, tmp_path):
    out, _ = first
    before = inodes(out)
    sheets, code = with_new_report(config)
    build(sheets, config, out, AS_OF)
    after = inodes(out)
    rewritten = {rel for rel, ino in after.items() if before.get(rel) != ino}
    assert agency_path(AGENCY) in rewritten
    assert directive_path(code) in rewritten
    assert "index.html" in rewritten and "data/reports.csv" in rewritten
    agency_pages = {r for r in after if r.startswith("agencies/")}
    assert agency_pages & rewritten == {agency_path(AGENCY)}
    assert {r for r in rewritten if r.startswith("directives/")} == {directive_path(code)}
    assert len(rewritten) < len(after) // 4
    html = (out / agency_path(AGENCY)).read_text(encoding="utf-8")
    assert "ดำเนินการแล้วเสร็จครบทุกจุด" in html
    # A fresh build of the same data gives the same bytes: carrying over is invisible.
    fresh = tmp_path / "fresh"
    build(sheets, config, fresh, AS_OF)
    for rel in after:
        if rel != MANIFEST:
            assert (fresh / rel).read_bytes() == (out / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def sample(config):
    """The sample's data and KPIs."""
    data = normalize(read_source(SAMPLE / "data", config), config, AS_OF)
    return data, compute_kpis(data)


def edited(tmp_path, name: str):
    """A copy of the templates with ``name`` edited (a comment added at its end)."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, folder, ignore=shutil.ignore_patterns("static"))
    with (folder / name).open("a", encoding="utf-8") as f:
        f.write("{# edited #}\n")
    return folder


def page_digests(sample, templates=TEMPLATES_DIR) -> dict[str, str]:
    data, kpis = sample
    return {o.path: o.digest for o in site_map(Site(data, kpis, templates=templates))
            if o.path.endswith(".html")}


def changed(sample, tmp_path, name: str) -> set[str]:
    before = page_digests(sample)
    after = page_digests(sample, edited(tmp_path, name))
    assert set(before) == set(after)
    return {rel for rel in before if before[rel] != after[rel]}


def test_editing_a_template_changes_the_digests_of_its_pages_only(sample, tmp_path):
    pages = set(page_digests(sample))
    assert changed(sample, tmp_path / "a", "agency.html") == \
        {rel for rel in pages if rel.startswith("agencies/")}
    assert changed(sample, tmp_path / "d", "directive.html") == \
        {rel for rel in pages if rel.startswith("directives/")}
    assert changed(sample, tmp_path / "i", "index.html") == {"index.html", OVERVIEW_FILE}
    assert changed(sample, tmp_path / "b", "base.html") == pages


def test_editing_an_included_template_changes_the_pages_that_include_it(sample, tmp_path):
    pages = set(page_digests(sample))
    statusbar = changed(sample, tmp_path, "_statusbar.html")
    # Every page with a status bar, none without.
    without = {"followup.html", "quality.html", "satisfaction.html", "trend.html",
               "changes.html", "escalation.html",
               *(p for p in pages if p.startswith("meeting/"))}
    assert statusbar == pages - without
    assert changed(sample, tmp_path / "k", "_kpi_card.html") == \
        {"index.html", OVERVIEW_FILE, "summary.html", "satisfaction.html"}


def test_a_template_edit_rewrites_only_its_pages(sample, config, tmp_path):
    data, kpis = sample
    out = tmp_path / "site"
    build(read_source(SAMPLE / "data", config), config, out, AS_OF)
    before = inodes(out)
    with Staging(out) as staging:
        site = Site(data, kpis, templates=edited(tmp_path, "agency.html"))
        write_site(site, staging.folder, out)
        staging.swap_in()
    after = inodes(out)
    rewritten = {rel for rel, ino in after.items() if before.get(rel) != ino}
    assert rewritten == {rel for rel in after if rel.startswith("agencies/")} | {MANIFEST}


def test_a_damaged_manifest_means_a_full_build(first, config):
    out, _ = first
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    before = inodes(out)
    build(read_source(SAMPLE / "data", config), config, out, AS_OF)
    after = inodes(out)
    assert all(before.get(rel) != ino for rel, ino in after.items())
