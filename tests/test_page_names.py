"""Issue 11 row 11: every entity has its own page, whatever its code or name."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from conftest import AS_OF, SAMPLE

from tidtam.pipeline import build_from_source
from tidtam.render import urls, writer
from tidtam.render.writer import read_manifest

RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}
HOSTILE_CODES = ["CON", "nul", "AUX", "COM1", "lpt9.x", "ABC-1", "abc-1", "Abc-1", "index",
                 "INDEX", "ข้อ-ก", "d-" + urls.slug("ข้อ-ก"),
                 "D-" + urls.slug("ข้อ-ข").upper(), "ข้อ-ข"]


def hostile_source(tmp_path: Path) -> Path:
    source = tmp_path / "data"
    source.mkdir()
    for name in ("responses.csv", "satisfaction.csv"):
        (source / name).write_bytes((SAMPLE / "data" / name).read_bytes())
    text = (SAMPLE / "data" / "directives.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    template = rows[1]
    for i, code in enumerate(HOSTILE_CODES):
        # every inspector name distinct, so a weak hash makes them collide
        rows.append([code, *template[1:4], f"ผู้ตรวจ {i}", f"ข้อสั่งการทดสอบ {i}",
                     *template[6:]])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (source / "directives.csv").write_text(out.getvalue(), encoding="utf-8")
    return source


@pytest.fixture
def weak_hash(monkeypatch):
    """A one-character hash: agencies, inspectors and hashed codes collide everywhere."""
    real = urls.slug
    monkeypatch.setattr(urls, "slug", lambda name: real(name)[:1])
    monkeypatch.setenv(writer.ENV_PROCESSES, "1")


def test_no_two_entities_share_a_page(tmp_path, config, weak_hash):
    out = tmp_path / "site"
    result = build_from_source(hostile_source(tmp_path), config, out, AS_OF)
    data = result.dataset
    pages = {f: sorted(p.name for p in (out / f).glob("*.html"))
             for f in ("directives", "agencies", "inspectors")}

    codes = set(data.register.directives["directive_code"])
    assert set(HOSTILE_CODES) <= codes
    assert len(pages["directives"]) == len(codes)
    assert len(pages["agencies"]) == data.assignments["agency"].nunique()
    inspectors = data.assignments["inspector"].replace("", None).dropna().nunique()
    assert len([n for n in pages["inspectors"] if n != "index.html"]) == inspectors
    for names in pages.values():
        assert len({n.lower() for n in names}) == len(names)
        assert not [n for n in names if n.split(".")[0].lower() in RESERVED]
    manifest = read_manifest(out)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest) == on_disk - {writer.MANIFEST}
    assert_links_resolve(out)


def assert_links_resolve(site: Path) -> None:
    missing = set()
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        for href in re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", href):
                continue
            target = unquote(urljoin(rel, href))
            if not (site / target).exists():
                missing.add((rel, href))
    assert not missing, sorted(missing)[:10]


def test_names_that_need_no_change_keep_their_page():
    names = urls.PageNames.of(directives=["2566-1-001", "CON", "x y"], agencies=["เขตบางรัก"],
                              inspectors=["นาย ก"])
    with urls.using(names):
        assert urls.directive_path("2566-1-001") == "directives/2566-1-001.html"
        assert urls.directive_path("x y") == f"directives/d-{urls.slug('x y')}.html"
        assert urls.directive_path("CON") == f"directives/d-{urls.slug('CON')}.html"
        assert urls.agency_path("เขตบางรัก") == f"agencies/{urls.slug('เขตบางรัก')}.html"
