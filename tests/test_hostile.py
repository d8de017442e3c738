"""Hostile text in every typed field: the build never crashes, nothing leaks into markup,
and spreadsheet exports never carry a live formula."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE
from hostile import HOSTILE, PWN

from tidtam.core.model import RawSheet
from tidtam.pipeline import build
from tidtam.render.exports import FORMULA_START
from tidtam.sync.files import read_source

FREE_TEXT = ["ผลการดำเนินการ", "ปัญหาอุปสรรค", "ชื่อผู้รายงาน", "เบอร์โทรศัพท์", "ที่อยู่อีเมล",
             "เอกสารแนบ", "ปัจจัยที่เป็นอุปสรรค"]


def hostile_sheets(config):
    """The sample, plus three rows per hostile string: in the free-text fields of a valid
    report, as the agency, and as the directive."""
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    header = base.header
    col = {title: header.index(title) for title in header}
    template = next(r for r in base.rows if r[col["สถานะการดำเนินการ"]] == "ดำเนินการแล้ว"
                    and r[col["หน่วยงาน"]])
    rows = list(base.rows)
    for text in HOSTILE:
        row = list(template)
        for title in FREE_TEXT:
            row[col[title]] = text
        rows.append(row)
        rows.append([*template[:col["หน่วยงาน"]], text, *template[col["หน่วยงาน"] + 1:]])
        rows.append([*template[:col["รหัสข้อสั่งการ"]], text,
                     *template[col["รหัสข้อสั่งการ"] + 1:]])
    sheets["responses"] = RawSheet("responses", base.title, header, rows)
    return sheets, len(rows)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, config):
    sheets, rows = hostile_sheets(config)
    out = tmp_path_factory.mktemp("hostile") / "site"
    result = build(sheets, config, out, AS_OF)
    return out, result, rows


def test_build_survives_and_loses_no_row(hostile_site):
    out, result, rows = hostile_site
    q = result.kpis.as_dict()["quality"]["responses"]
    assert q["rows"] == rows
    assert q["accepted"] + q["rejected"] + q["blank"] == rows
    assert (out / "index.html").is_file()


def test_no_injected_markup_in_any_page(hostile_site):
    out, _result, _rows = hostile_site
    pages = list(out.rglob("*.html"))
    assert pages
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            body = script.string or ""
            if script.get("type") == "application/json":
                json.loads(body)  # data islands stay valid JSON, nothing breaks out
            else:
                assert "__pwned" not in body, f"{page.name}: injected script"
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                assert not (attr.startswith("on") and "__pwned" in str(value)), page.name
                if attr in ("href", "src", "action", "formaction"):
                    assert not str(value).strip().lower().startswith("javascript:"), page.name
        for name in ("iframe", "img", "svg"):
            for tag in soup.find_all(name):
                assert "__pwned" not in str(tag), f"{page.name}: injected <{name}>"


@pytest.mark.parametrize("name", ["reports.csv", "rejected.csv", "assignments.csv"])
def test_csv_exports_carry_no_live_formula(hostile_site, name):
    out, _result, _rows = hostile_site
    text = (out / "data" / name).read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"{name}: {cell[:40]!r}"


def test_hostile_text_is_kept_literally_in_reports(hostile_site):
    _out, result, _rows = hostile_site
    results = set(result.reports["result"])
    for payload in PWN:
        assert payload.replace("\u2028", " ").replace("\u2029", " ").strip() in results or \
            any(payload.strip() in r for r in results), payload
