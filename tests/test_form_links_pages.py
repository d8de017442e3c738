"""Forms filled in advance on the pages: each open assignment's "ส่งรายงานผล" link (with a
QR code on agency pages) answers the agency and the directive it was made for."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, ROOT, SAMPLE

from tidtam.core.config import load_config
from tidtam.pipeline import Past, build
from tidtam.sync.files import read_source

VIEWFORM = "https://docs.google.com/forms/d/e/1FAIpQLSe_fake_form_id/viewform"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prefill")
    config_dir = folder / "config"
    shutil.copytree(ROOT / "config", config_dir)
    form = config_dir / "form.yaml"
    text = form.read_text("utf-8")
    for key, value in (("viewform_url", VIEWFORM), ("agency_entry", "entry.1111"),
                       ("directive_entry", "entry.2222")):
        text = text.replace(f'  {key}: ""', f'  {key}: "{value}"', 1)
    form.write_text(text, "utf-8")
    config = load_config(config_dir)
    result = build(read_source(SAMPLE / "data", config), config, folder / "site", AS_OF,
                   past=Past())
    return result


def _answers(href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == VIEWFORM
    query = parse_qs(parts.query)
    assert query["usp"] == ["pp_url"]
    return query["entry.1111"][0], query["entry.2222"][0]


def test_every_open_assignment_on_an_agency_page_has_its_own_link_and_qr(site):
    a = site.assignments
    agency = a.loc[a["status"] == "in_progress", "agency"].iloc[0]
    mine = a[a["agency"] == agency]
    page = next((site.out_dir / "agencies").glob("*.html"))
    for candidate in (site.out_dir / "agencies").glob("*.html"):
        if _soup(candidate).h1.get_text(strip=True) == agency:
            page = candidate
    soup = _soup(page)
    links = [_answers(x["href"]) for x in soup.select("article .form-link")]
    want = {(agency, c) for c in mine.loc[mine["status"].isin(["not_reported", "in_progress"]),
                                          "directive_code"]}
    assert set(links) == want and len(links) == len(want)
    assert len(soup.select("article .form-fill svg[role=img]")) == len(want)


def test_the_followup_list_links_each_row_to_its_own_form(site):
    soup = _soup(site.out_dir / "followup.html")
    rows = soup.select(".fu-table tbody tr")
    assert rows
    for row in rows:
        agency = row.th.get_text(strip=True)
        code = row.select_one("td.text a").get_text(strip=True)
        assert _answers(row.select_one("a.form-link")["href"]) == (agency, code)


def test_the_navigation_links_to_the_form(site):
    nav = _soup(site.out_dir / "index.html").select_one("nav.sitenav")
    assert VIEWFORM in [a["href"] for a in nav.select("a")]


def test_without_prefill_config_no_link_is_shown(sample_site):
    for rel in ("followup.html", "index.html"):
        soup = _soup(sample_site / rel)
        assert not soup.select(".form-link")
        assert "docs.google.com/forms" not in soup.decode()


@pytest.mark.browser
def test_the_followup_csv_keeps_the_words_and_leaves_the_links_out(site, tmp_path):
    from playwright.sync_api import sync_playwright
    from test_browser import Watched, read_download  # the suite's browser helpers

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs /usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        w = Watched(browser, 1280, 900)
        try:
            page = w.open(site.out_dir, "followup.html")
            with page.expect_download() as info:
                page.click('[data-csv-table="t-fu-never"]')
            rows = read_download(info.value)
        finally:
            w.close()
            browser.close()
    header, body = rows[0], rows[1:]
    text = header.index("ข้อสั่งการ")
    table = _soup(site.out_dir / "followup.html").select("#t-fu-never tbody tr")
    assert len(body) == len(table) > 0
    for row, tr in zip(body, table, strict=True):
        code = tr.select_one("td.text a").get_text(strip=True)
        assert row[text].startswith(code + " ") and len(row[text]) > len(code) + 5
        assert "ส่งรายงานผล" not in row[text]  # the link to act on is not data
