"""Follow-up memos (issue 13): one per late agency, Word files python-docx reads back, PDFs
whose text says what they are, the official date, the reminder log, hostile text."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from tidtam.cli import cli
from tidtam.core.config import load_config
from tidtam.history import History
from tidtam.render.formats import official_date, thai_digits
from tidtam.render.memo_docx import memo_docx
from tidtam.render.memo_print import memos_html
from tidtam.render.memos import addressee, memo_inputs
from tidtam.transform.views import submission_state

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "data"
AS_OF = "2024-07-31"
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs /usr/bin/chromium")


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def pdf_text(path: Path, first: int = 1, last: int = 1) -> str:
    out = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"],
                         capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture(scope="module")
def sample_memos(tmp_path_factory):
    """`tidtam memos` on the sample, as of 2024-07-31, recorded in a fresh history."""
    if not CHROMIUM.is_file():
        pytest.skip("needs /usr/bin/chromium")
    out = tmp_path_factory.mktemp("memos")
    db = out / "history.sqlite"
    args = ["memos", "--source", str(SAMPLE), "--as-of", AS_OF, "--out", str(out / "o"),
            "--record", "--history", str(db)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    index = json.loads((out / "o" / "memos" / "index.json").read_text(encoding="utf-8"))
    return {"folder": out / "o" / "memos", "index": index, "db": db, "args": args}


@pytest.fixture(scope="module")
def late_agencies():
    from tidtam.sync.files import read_source
    from tidtam.transform.dataset import normalize

    config = load_config(None)
    data = normalize(read_source(SAMPLE, config), config, date.fromisoformat(AS_OF))
    a = data.assignments
    late = (a["schedule"] == "overdue") | (submission_state(a) == "failed")
    return a[late].groupby("agency")["directive_code"].apply(set).to_dict()


@needs_chromium
def test_every_late_agency_gets_a_memo(sample_memos, late_agencies):
    memos = sample_memos["index"]["memos"]
    assert {m["agency"] for m in memos} == set(late_agencies)
    assert len(memos) == len(late_agencies) > 0
    for memo in memos:
        assert set(memo["codes"]) == late_agencies[memo["agency"]]
    numbers = [m["number"] for m in memos]
    assert len(set(numbers)) == len(numbers)
    assert numbers[0] == "กท ๐๔๐๙/๑" and memos[0]["date"] == AS_OF


@needs_chromium
def test_word_files_read_back_with_the_agency_and_every_code(sample_memos):
    folder = sample_memos["folder"]
    for memo in sample_memos["index"]["memos"]:
        text = docx_text(folder / memo["docx"])
        assert memo["agency"] in text
        assert "บันทึกข้อความ" in text and "๓๑ กรกฎาคม ๒๕๖๗" in text
        for code in memo["codes"]:
            assert code in text, (memo["agency"], code)
        assert "{{" not in text and "{%" not in text  # every tag was filled in


@needs_chromium
def test_pdfs_say_what_they_are(sample_memos):
    folder = sample_memos["folder"]
    memos = sample_memos["index"]["memos"]
    for memo in memos[:5]:
        text = "".join(pdf_text(folder / memo["pdf"]).split())
        assert "บันทึกข้อความ" in text
        assert memo["agency"] in text
        assert "๓๑กรกฎาคม๒๕๖๗" in text
    combined = folder / "all.pdf"
    assert combined.is_file()
    last = "".join(pdf_text(combined, 1, 999).split())
    assert last.count("บันทึกข้อความ") == len(memos)


@needs_chromium
def test_recording_the_same_memos_twice_counts_them_once(sample_memos, tmp_path):
    db_path = sample_memos["db"]
    with History(db_path) as db:
        first = db.reminder_counts()
    items = sum(len(m["codes"]) for m in sample_memos["index"]["memos"])
    assert list(first.columns) == ["directive_code", "agency", "reminders", "last_reminded"]
    assert len(first) == items and set(first["reminders"]) == {1}
    assert set(first["last_reminded"]) == {AS_OF}
    copy = tmp_path / "h.sqlite"
    shutil.copy(db_path, copy)
    args = [*sample_memos["args"][:-2], "--history", str(copy)]
    args[args.index("--out") + 1] = str(tmp_path / "again")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "0 new reminders recorded" in result.output
    with History(copy) as db:
        assert db.reminder_counts().equals(first)
        # a memo of another day (or number) is another reminder
        code, agency = first.iloc[0]["directive_code"], first.iloc[0]["agency"]
        assert db.record_memos([("กท ๐๔๐๙/๙", date(2024, 8, 20), agency, code)],
                               date(2024, 8, 20)) == 1
        again = db.reminder_counts().set_index(["directive_code", "agency"])
        assert again.loc[(code, agency), "reminders"] == 2
        assert again.loc[(code, agency), "last_reminded"] == "2024-08-20"


@pytest.mark.parametrize(("day", "full", "short"), [
    (date(2024, 7, 31), "๓๑ กรกฎาคม ๒๕๖๗", "๓๑ ก.ค. ๒๕๖๗"),
    (date(2024, 2, 19), "๑๙ กุมภาพันธ์ ๒๕๖๗", "๑๙ ก.พ. ๒๕๖๗"),
    (date(2023, 10, 1), "๑ ตุลาคม ๒๕๖๖", "๑ ต.ค. ๒๕๖๖"),
    (date(2024, 1, 5), "๕ มกราคม ๒๕๖๗", "๕ ม.ค. ๒๕๖๗"),
    (date(2025, 12, 25), "๒๕ ธันวาคม ๒๕๖๘", "๒๕ ธ.ค. ๒๕๖๘"),
    ("2024-06-30", "๓๐ มิถุนายน ๒๕๖๗", "๓๐ มิ.ย. ๒๕๖๗"),
])
def test_official_date(day, full, short):
    assert official_date(day) == full
    assert official_date(day, short=True) == short


def test_thai_digits():
    assert thai_digits(1234567890) == "๑๒๓๔๕๖๗๘๙๐"
    assert thai_digits("กท 0409/135") == "กท ๐๔๐๙/๑๓๕"


def test_addressee_by_agency_kind():
    memo = load_config(None).settings.memo
    assert addressee(memo, "district", "สำนักงานเขตบางรัก") == "ผู้อำนวยการเขตบางรัก"
    assert addressee(memo, "department", "สำนักการโยธา") == "ผู้อำนวยการสำนักการโยธา"
    assert addressee(memo, "group", "กรุงเทพใต้").endswith("กลุ่มเขตกรุงเทพใต้")


HOSTILE = "{{ 7*7 }} {% if 1 %}x{% endif %} <script>alert(1)</script> A & B"


def hostile_memo(link: str = "https://example.org/f?a=1&b=%3Cx%3E"):
    config = load_config(None)
    item = {"directive_code": "2566-1-001", "text": HOSTILE, "agency": "สำนักงานเขตพระนคร",
            "agency_kind": "district", "district_group": "กรุงเทพกลาง", "inspector": "x",
            "source": "ปลัดกรุงเทพมหานคร", "fiscal_year": 2566, "due_date": date(2024, 1, 29),
            "days_overdue": 184, "kind": "failed",
            "failed": [{"row": 12, "reason": "เหตุผล", "detail": HOSTILE, "suggestion": "& <b>"}]}
    [memo] = memo_inputs([item], config, date(2024, 7, 31), date(2024, 7, 31),
                         links=lambda *_: link)
    return config, memo


def test_hostile_text_is_literal_in_word(tmp_path):
    config, memo = hostile_memo()
    path = tmp_path / "m.docx"
    path.write_bytes(memo_docx(memo, config.dir / "memo.docx"))
    text = docx_text(path)
    assert text.count(HOSTILE) == 2  # the directive text and the reason's detail
    assert "49" not in text and "& <b>" in text


def test_hostile_text_is_escaped_in_html():
    config, memo = hostile_memo()
    html = memos_html([memo], config.taxonomy, css="")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "A &amp; B" in html
    assert "<svg" in html and 'href="https://example.org/f?a=1&amp;b=%3Cx%3E"' in html
    _, bad = hostile_memo("javascript:alert(1)")
    assert bad.context["items"][0]["link"] is None  # only http(s) links, in Word too


def test_memos_refuse_a_folder_tidtam_did_not_make(tmp_path):
    mine = tmp_path / "o" / "memos"
    mine.mkdir(parents=True)
    (mine / "letter.docx").write_bytes(b"not ours")
    result = CliRunner().invoke(cli, ["memos", "--source", str(SAMPLE), "--as-of", AS_OF,
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert (mine / "letter.docx").read_bytes() == b"not ours"


def test_items_link_to_the_form_filled_in_for_them():
    from dataclasses import replace
    from urllib.parse import parse_qs, urlsplit

    from tidtam.core.google_form import GoogleForm
    from tidtam.memos import form_links

    config = load_config(None)
    assert form_links(config) is None  # no prefilled-link template: no link, nothing breaks
    form = GoogleForm(viewform_url="https://docs.google.com/forms/d/e/1FAIpQLSf" + "x" * 30
                      + "/viewform", agency_entry="entry.11", directive_entry="entry.22")
    config = replace(config, form=config.form.model_copy(update={"google_form": form}))
    item = {"directive_code": "2566-1-005", "text": "ให้ทำ & ตรวจ", "agency": "สำนักงานเขตพระนคร",
            "agency_kind": "district", "district_group": "กรุงเทพกลาง", "inspector": "x",
            "source": "ปลัดกรุงเทพมหานคร", "fiscal_year": 2566, "due_date": date(2024, 1, 29),
            "days_overdue": 184, "kind": "never", "failed": []}
    [memo] = memo_inputs([item], config, date(2024, 7, 31), date(2024, 7, 31),
                         links=form_links(config))
    query = parse_qs(urlsplit(memo.items[0]["link"]).query)
    assert query["entry.11"] == ["สำนักงานเขตพระนคร"] and query["entry.22"] == ["2566-1-005"]
    html = memos_html([memo], config.taxonomy, css="")
    assert "<svg" in html and "ส่งรายงานผล" in html
