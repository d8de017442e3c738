"""The rendered pages, parsed with BeautifulSoup: every entity has its page, numbers agree with
the data files, typed text stays text, personal fields stay off, names are safe."""

import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE

from tidtam.pipeline import build_from_source
from tidtam.render.formats import json_script
from tidtam.render.urls import agency_path, attachment_links, directive_path

STATUSES = ["done", "in_progress", "cannot", "not_reported"]


def read_csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def soup(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def assignments(sample_site):
    frame = read_csv(sample_site / "data" / "assignments.csv")
    return frame.assign(days_overdue=frame["days_overdue"].astype(int))


@pytest.fixture(scope="module")
def overview_data(sample_site):
    script = soup(sample_site, "index.html").find("script", id="tidtam-data")
    return json.loads(script.string)


def html_files(site):
    return sorted(p for p in site.rglob("*.html"))


def test_every_agency_directive_and_inspector_has_a_page(sample_site, assignments):
    for agency in assignments["agency"].unique():
        assert (sample_site / agency_path(agency)).is_file(), agency
    directives = read_csv(sample_site / "data" / "directives.csv")
    for code in directives["directive_code"]:
        assert (sample_site / directive_path(code)).is_file(), code
    inspectors = soup(sample_site, "inspectors/index.html").select("#t-inspectors tbody tr")
    assert len(inspectors) == assignments["inspector"].nunique()
    for page in ("summary", "followup", "quality", "satisfaction", "trend", "matrix"):
        assert (sample_site / f"{page}.html").is_file(), page


def test_page_names_are_safe_and_stable(sample_site):
    for path in html_files(sample_site):
        rel = path.relative_to(sample_site).as_posix()
        assert re.fullmatch(r"[a-z]+/[0-9A-Za-z._-]+\.html|[a-z-]+\.html", rel), rel
    assert directive_path("2566-1-015") == "directives/2566-1-015.html"
    assert directive_path("../../etc/passwd") != "directives/../../etc/passwd.html"
    assert re.fullmatch(r"directives/d-[0-9a-f]{10}\.html", directive_path("รหัส ไทย/1"))
    assert agency_path("สำนักงานเขตบางรัก") == agency_path("สำนักงานเขตบางรัก")


def test_every_internal_link_resolves(sample_site):
    for path in html_files(sample_site):
        for a in soup(sample_site, path.relative_to(sample_site)).find_all("a", href=True):
            href = a["href"]
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.exists(), f"{path.name}: {href}"


def test_agency_page_numbers_match_the_data(sample_site, assignments):
    for agency, part in assignments.groupby("agency"):
        page = soup(sample_site, agency_path(agency))
        assert page.h1.get_text(strip=True) == agency
        rows = page.select("#t-assignments tbody tr")
        assert sorted(r.th.get_text(strip=True) for r in rows) == sorted(part["directive_code"])
        shown = {r.th.get_text(strip=True): r.select("td")[2]["data-v"] for r in rows}
        assert shown == dict(zip(part["directive_code"], part["status"], strict=True))
        overdue = {r.th.get_text(strip=True): int(r.select("td")[4].get_text()) for r in rows}
        assert overdue == dict(zip(part["directive_code"], part["days_overdue"], strict=True))
        verdict = page.find(id="kpi-verdict").get_text()
        assert ("✓" in verdict) == (part["status"] != "not_reported").all()


def test_agency_page_shows_latest_report_and_history(sample_site):
    reports = read_csv(sample_site / "data" / "reports.csv")
    pair = reports.groupby(["agency", "directive_code"]).size().idxmax()
    agency, code = pair
    mine = reports[(reports["agency"] == agency) & (reports["directive_code"] == code)]
    latest = mine.sort_values(["submitted_at", "source_row"]).iloc[-1]
    page = soup(sample_site, agency_path(agency))
    article = next(a for a in page.select("article.assignment")
                   if a.h3.a.get_text(strip=True) == code)
    dds = article.select("dl.report dd")
    assert dds[1].get_text() == (latest["result"] or "-")
    assert len(article.select("ol.history li")) == len(mine) - 1


def test_attachments_are_only_http_links():
    links = attachment_links("https://drive.google.com/x, javascript:alert(1), "
                             "http://a.example/y\" onclick=\"x, ftp://f.example/z")
    assert [item["href"] for item in links] == ["https://drive.google.com/x", None, None, None]
    assert [item["text"] for item in links][1] == "javascript:alert(1)"


def test_typed_text_is_escaped_everywhere(sample_site):
    for path in html_files(sample_site):
        page = soup(sample_site, path.relative_to(sample_site))
        for script in page.find_all("script"):
            assert script.get("src", "").endswith("static/app.js") or \
                script.get("type") == "application/json" or script.get("src") is None
        for a in page.find_all("a", href=True):
            assert not a["href"].lower().startswith("javascript:"), path
        for tag in page.find_all(True):
            assert not [k for k in tag.attrs if k.startswith("on")], (path, tag.name)
    text = (sample_site / "agencies").joinpath(
        next(p.name for p in (sample_site / "agencies").iterdir()
             if "alert(1)" in p.read_text(encoding="utf-8"))).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_json_in_a_script_cannot_end_it():
    text = json_script({"t": "</script><script>x()</script>\u2028&"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><script>x()</script>\u2028&"}


def test_reporters_are_not_published(sample_site):
    responses = read_csv(SAMPLE / "data" / "responses.csv")
    people = {v for col in ("ชื่อผู้รายงาน", "เบอร์โทรศัพท์", "ที่อยู่อีเมล")
              for v in responses[col] if len(v) > 6}
    assert len(people) > 50
    for path in [*html_files(sample_site), *(sample_site / "data").glob("*.csv")]:
        text = path.read_text(encoding="utf-8-sig")
        leaked = [p for p in people if p in text]
        assert not leaked, (path.name, leaked[:3])


def test_overview_embeds_one_compact_row_per_assignment(overview_data, assignments):
    a = overview_data["a"]
    assert len(a["d"]) == len(assignments)
    statuses = [overview_data["statuses"][s][0] for s in a["s"]]
    assert pd.Series(statuses).value_counts().to_dict() == \
        assignments["status"].value_counts().to_dict()
    pairs = {(overview_data["dir"][d][0], overview_data["ag"][g][0])
             for d, g in zip(a["d"], a["g"], strict=True)}
    assert pairs == set(zip(assignments["directive_code"], assignments["agency"], strict=True))
    assert "result" not in json.dumps(overview_data)  # no report text in the overview


def test_overview_first_paint_shows_the_kpis(sample_site):
    kpis = json.loads((sample_site / "data" / "kpis.json").read_text(encoding="utf-8"))
    page = soup(sample_site, "index.html")
    assert page.select_one('[data-k="rate"]').get_text() == f"{kpis['reporting_rate_pct']:.1f}%"
    for key in STATUSES:
        cell = page.select_one(f'#status-table [data-k="{key}"]')
        assert int(cell.get_text().replace(",", "")) == kpis["assignments_by_status"][key]
    labels = {s.get("for") for s in page.find_all("label")}
    for select in page.select("#filters select"):
        assert select["id"] in labels  # every control is labelled


def test_followup_lists_every_overdue_unreported_agency(sample_site, assignments):
    """The sections themselves are tested in test_followup.py."""
    page = soup(sample_site, "followup.html")
    rows = page.select("#t-fu-never tbody tr, #t-fu-failed tbody tr")
    missing = assignments[(assignments["status"] == "not_reported")
                          & ((assignments["days_overdue"] > 0)
                             | (assignments["rejected_rows"] != ""))]
    assert rows and {r.th.get_text(strip=True) for r in rows} == set(missing["agency"])


def test_quality_page_lists_every_quarantined_row(sample_site):
    rejected = read_csv(sample_site / "data" / "rejected.csv")
    page = soup(sample_site, "quality.html")
    groups = page.select("section.reason-group")
    assert len(groups) == rejected.groupby(["source", "reason"]).ngroups
    rows = [int(tr.td.get_text()) for g in groups for tr in g.select("tbody tr")]
    assert sorted(rows) == sorted(rejected["row"].astype(int))
    sheets = page.select("table")[0].select("tbody tr")
    assert "คะแนนเดิม" in sheets[1].get_text()  # the responses sheet's unknown column


def test_satisfaction_page(sample_site, expected):
    page = soup(sample_site, "satisfaction.html")
    assert f"{expected['satisfaction']['score_pct']:.1f}%" in page.select_one(".kpi .value").text
    groups = page.select("#t-groups tbody tr")
    assert sum(int(tr.select("td")[0].get_text()) for tr in groups) == \
        expected["satisfaction"]["accepted"]
    assert [tr.th.get_text() for tr in groups][:3] == [
        "ผู้ตรวจราชการ", "เจ้าหน้าที่กองงานผู้ตรวจราชการ", "เจ้าหน้าที่หน่วยรับตรวจ"]
    assert len(page.select("#t-questions tbody tr")) == 5


def test_matrix_cells_add_up(sample_site, assignments):
    page = soup(sample_site, "matrix.html")
    cells = page.select("#t-matrix-groups tbody td.mcell")[:-1]
    totals = [c["data-csv"] for c in page.select("#t-matrix-groups tfoot td.mcell")]
    assert sum(int(t.split("/")[1]) for t in totals if t) == len(assignments)
    assert all(c.select_one(".sbar") for c in cells if c.get("data-csv"))
    agencies = page.select("#t-matrix-agencies tbody tr")
    assert len(agencies) == assignments["agency"].nunique()


def test_a_small_bar_names_only_the_statuses_it_holds(sample_site, config):
    """Cells of the big tables: the bar's label lists each status present with its count
    (short labels), adding up to the cell; its parts carry no tooltip of their own."""
    short = {s.short for s in config.taxonomy.statuses}
    page = soup(sample_site, "matrix.html")
    bars = page.select("#t-matrix-agencies .sbar.small")
    assert bars
    for bar in bars:
        parts = [p.rsplit(" ", 1) for p in bar["aria-label"].split(", ")]
        assert all(name in short and int(n) > 0 for name, n in parts), bar["aria-label"]
        total = bar.find_parent("td").select_one(".mnum").get_text().split("/")[1]
        assert sum(int(n) for _name, n in parts) == int(total)
        assert not bar.select("span[title]")


def test_trend_page_from_history_points(tmp_path, config):
    from tidtam.core.model import TrendPoint
    from tidtam.render.site import render_site
    from tidtam.sync.files import read_source
    from tidtam.transform.dataset import compute_kpis, normalize

    data = normalize(read_source(SAMPLE / "data", config), config, AS_OF)
    points = [TrendPoint("2024-07-01", {"done": 10, "not_reported": 374}),
              TrendPoint("2024-07-15", {"done": 100, "in_progress": 50, "not_reported": 234})]
    render_site(data, compute_kpis(data), tmp_path / "s", trend=points)
    page = soup(tmp_path / "s", "trend.html")
    rows = page.select("#t-trend tbody tr")
    assert [r.th.get_text(" ", strip=True) for r in rows] == [
        "1 ก.ค. 2567", "15 ก.ค. 2567", "31 ก.ค. 2567 (ฉบับนี้)"]  # dated by as-of date
    reported = rows[1].select_one('[data-k="assignments_reported_pct"]')
    assert reported.get_text() == "39.1%"  # 150 of 384 reported (the run kept only counts)
    assert rows[1].select_one('[data-k="reporting_rate_pct"]').get_text() == "-"  # not 0
    assert page.select_one("#chart-counts svg") is not None  # pre-rendered
    assert not page.select(".notice")


def test_standalone_overview_needs_no_other_file(sample_site):
    page = soup(sample_site, "tidtam-overview.html")
    assert not page.find("link")  # not even a favicon: the file must open alone
    assert not [s for s in page.find_all("script") if s.get("src")]
    assert "@font-face" in page.style.string and "data:font/woff2;base64," in page.style.string
    assert not [a["href"] for a in page.find_all("a", href=True)
                if not a["href"].startswith(("#", "http"))]
    assert page.find("script", id="tidtam-data") is not None


def test_pages_carry_only_their_own_data(sample_site):
    sizes = {p.relative_to(sample_site).as_posix(): p.stat().st_size
             for p in html_files(sample_site)}
    # a directive page holds each of its agencies' latest result and obstacles (issue 14)
    assert all(size < 80_000 for rel, size in sizes.items() if rel.startswith("directives/"))
    for path in html_files(sample_site):
        if path.name not in ("index.html", "tidtam-overview.html"):
            assert soup(sample_site, path.relative_to(sample_site)).find(
                "script", id="tidtam-data") is None


def test_a_build_with_no_reports_still_renders(tmp_path, config):
    from tidtam.core.model import RawSheet
    from tidtam.sync.files import read_source

    sheets = read_source(SAMPLE / "data", config)
    sheets["responses"] = RawSheet("responses", "responses.csv", sheets["responses"].header, [])
    del sheets["satisfaction"]
    from tidtam.pipeline import build

    build(sheets, config, tmp_path / "s", AS_OF)
    page = soup(tmp_path / "s", "followup.html")
    assert page.select("#t-fu-never tbody tr")
    assert "ยังไม่มีข้อมูลแบบสำรวจ" in soup(tmp_path / "s", "satisfaction.html").get_text()


def test_build_from_workbook_gives_the_same_pages(sample_site, config, tmp_path):
    build_from_source(SAMPLE / "tidtam-sample.xlsx", config, tmp_path / "x", AS_OF)
    for rel in ("index.html", "followup.html", agency_path("สำนักงานเขตบางรัก")):
        if (sample_site / rel).exists():
            assert (tmp_path / "x" / rel).read_bytes() == (sample_site / rel).read_bytes(), rel


def test_pdf_without_chromium_is_one_clear_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tidtam.cli import cli
    from tidtam.render import pdf

    monkeypatch.setattr(pdf, "CHROMIUM", tmp_path / "no-chromium")
    result = CliRunner().invoke(cli, ["build", "--source", str(SAMPLE / "data"), "--out",
                                      str(tmp_path / "s"), "--as-of", "2024-07-31", "--pdf"])
    assert result.exit_code != 0
    assert "cannot write the PDF: no Chromium at" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "s" / "index.html").is_file()  # the site itself was built
