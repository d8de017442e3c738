"""What a form user, a sheet editor or a damaged pull can put in the data: test markers
inside real text, personal columns titled another way, quotes in a test row's name, control
and escape characters in headers, invalid Unicode. None of it may drop a real report,
publish personal data, break a workbook or reach a terminal raw."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date

import pytest
from conftest import AS_OF, SAMPLE, sheet

from tidtam.core.errors import SourceError
from tidtam.core.model import RawSheet
from tidtam.pipeline import build, build_from_source
from tidtam.render.people import SHEETS
from tidtam.sync.files import read_source
from tidtam.transform.dataset import normalize

# --- row 2: a test marker is a whole word, and the directive cell counts only without a code --

REGISTER = sheet(
    "directives",
    ["รหัส", "ข้อสั่งการ", "ประเภท", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"],
    ["2566-1-011", "ให้ทดสอบระบบแจ้งเตือนภัยน้ำท่วมในพื้นที่เสี่ยง", "1.10", "สนย., สนน.", "31/3/2567"],
    ["2566-1-012", "Run the flood alert test weekly", "1.4", "สนย.", "31/3/2567"],
)
HEADER = ["ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ", "ชื่อผู้รายงาน"]


def report(agency="สนย.", directive="2566-1-011", reporter="นางสมศรี ใจดี"):
    return ["5/1/2567 9:00:00", agency, directive, "ดำเนินการแล้ว", reporter]


def reasons(config, *rows) -> list[str]:
    data = normalize({"directives": REGISTER, "responses": sheet("responses", HEADER, *rows)},
                     config, date(2024, 7, 31))
    assert len(data.reports.reports) + len(data.reports.rejected) == len(rows)
    out = dict(zip(data.reports.rejected["row"], data.reports.rejected["reason"], strict=True))
    return [out.get(i + 2, "accepted") for i in range(len(rows))]


@pytest.mark.parametrize("row", [
    report(directive="2566-1-011 ให้ทดสอบระบบแจ้งเตือนภัยน้ำท่วมในพื้นที่เสี่ยง"),
    report(directive="๒๕๖๖-๑-๑๑ ให้ทดสอบระบบแจ้งเตือนภัย..."),
    report(directive="ให้ทดสอบระบบแจ้งเตือนภัยน้ำท่วมในพื้นที่เสี่ยง"),    # the text alone names it
    report(directive="2566-1-012 Run the flood alert test weekly"),
    report(reporter="Celeste Contestant"),
    report(reporter="นายอนุทดสอบ มีสุข"),                             # inside a Thai word
], ids=["code_then_text", "thai_digits", "text_only", "english_text", "english_name",
        "thai_name"])
def test_real_reports_mentioning_a_test_are_counted(config, row):
    assert reasons(config, row) == ["accepted"]


@pytest.mark.parametrize("row", [
    report(agency="ทดสอบ"), report(agency="TEST"), report(agency="สนย. (ทดสอบ)"),
    report(reporter="ทดสอบ"), report(reporter="ทดสอบ ระบบ"), report(reporter="ทดสอบระบบ"),
    report(reporter="test"), report(reporter="Test User"), report(reporter="นาย ทดสอบ"),
    report(reporter="test-1"), report(directive="ทดสอบ"), report(directive="test 123"),
    report(directive="2566-9-999 ทดสอบ"),
])
def test_test_rows_are_still_test_rows(config, row):
    assert reasons(config, row) == ["test_row"]


def test_the_sample_s_test_rows_are_unchanged(config, expected):
    data = normalize(read_source(SAMPLE / "data", config), config, AS_OF)
    counts = data.reports.rejected["reason"].value_counts()
    assert counts["test_row"] == expected["responses"]["rejected"]["test_row"]


# --- row 3: personal columns are found as the column mapper finds them -------------------------

PERSONAL = {"email": "ที่อยู่อีเมล", "reporter": "ชื่อผู้รายงาน", "phone": "เบอร์โทรศัพท์"}


def variants(title: str) -> dict[str, str]:
    """Ways a sheet may write ``title`` that the column mapper accepts as it."""
    spaced = title.replace(" ", "   ")
    return {
        "as_configured": title,
        "upper": title.upper(), "lower": title.lower(),
        "spaces_around": f"  {title} ",
        "spaces_inside": spaced,
        "nbsp": title.replace(" ", "\u00a0"),
        "zero_width": title[:3] + "\u200b" + title[3:],
        "soft_hyphen_bom": "\ufeff" + title[:2] + "\u00ad" + title[2:],
        "control": title[:1] + "\x01" + title[1:],
        "bidi": "\u202b" + title + "\u202c",
        "decomposed_sara_am": title.replace("ำ", "\u0e4d\u0e32"),
    }


def personal_titles(config) -> list[tuple[str, str]]:
    """(field, title) of every title config accepts for a personal field."""
    fields = config.form.responses.fields
    return [(f, t) for f in ("email", "reporter", "phone") for t in getattr(fields, f).titles]


def with_titles(config, titles: dict[str, str]) -> dict[str, RawSheet]:
    """The sample with its personal columns retitled."""
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    header = [titles.get(f, h) for h, f in zip(base.header, _field_of(base.header), strict=True)]
    sheets["responses"] = RawSheet("responses", base.title, header, base.rows)
    return sheets


def _field_of(header: list[str]) -> list[str | None]:
    by_title = {t: f for f, t in PERSONAL.items()}
    return [by_title.get(h) for h in header]


def personal_values(config) -> set[str]:
    """The sample's e-mails, names and phones on rows that are quarantined."""
    sheets = read_source(SAMPLE / "data", config)
    data = normalize(sheets, config, AS_OF)
    base = sheets["responses"]
    cols = [base.header.index(t) for t in PERSONAL.values()]
    rows = [base.rows[r - 2] for r in data.reports.rejected["row"]]
    return {str(row[c]) for row in rows for c in cols if row[c] and len(str(row[c])) > 6}


def assert_hidden(frame, secrets: set[str]):
    text = frame.to_csv()
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, leaked[:3]


@pytest.mark.parametrize("kind", list(variants("Email Address")))
def test_every_title_the_mapper_accepts_is_redacted(config, kind):
    from tidtam.render.datafiles import published_rejected
    from tidtam.transform.columns import map_columns

    secrets = personal_values(config)
    assert secrets
    for field, title in personal_titles(config):
        variant = variants(title)[kind]
        mapped = map_columns(sheet("responses", ["ประทับเวลา", variant]),
                             {field: getattr(config.form.responses.fields, field)})
        assert mapped.fields == {field: [1]}, (field, variant)   # the mapper accepts it
        data = normalize(with_titles(config, {field: variant}), config, AS_OF)
        assert_hidden(published_rejected(data), secrets)


def test_the_issue_s_titles_publish_nothing_personal(tmp_path, config):
    titles = {"email": "Email address", "reporter": "ชื่อ\u200bผู้รายงาน",
              "phone": "เบอร์โทร\u200bศัพท์"}
    out = tmp_path / "site"
    build(with_titles(config, titles), config, out, AS_OF)
    secrets = personal_values(config)
    for path in [out / "data" / "rejected.csv", out / "quality.html"]:
        text = path.read_text(encoding="utf-8-sig")
        assert not [s for s in secrets if s in text], path.name
    assert not [s for s in secrets if s in workbook_text(out)]


def workbook_text(site) -> str:
    with zipfile.ZipFile(site / "data" / "tidtam-data.xlsx") as book:
        return "".join(book.read(n).decode("utf-8") for n in book.namelist()
                       if n.startswith("xl/worksheets/"))


# --- row 12: a quote in a test row's name hides it all the same -----------------------------

@pytest.mark.parametrize("marked", ["reporter", "agency"])
def test_a_quote_in_a_test_row_s_name_publishes_nothing(tmp_path, config, marked):
    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    col = {t: i for i, t in enumerate(base.header)}
    data = normalize(sheets, config, AS_OF)
    row = list(base.rows[data.reports.reports["source_row"].iloc[0] - 2])
    name = ('นายสมมติ "ทดสอบ" ใจดีเลิศล้ำ' if marked == "reporter"
            else 'นายสมมติ "ก" ใจดีเลิศล้ำ')
    if marked == "agency":
        row[col["หน่วยงาน"]] = "ทดสอบ"
    row[col["ชื่อผู้รายงาน"]] = name
    row[col["เบอร์โทรศัพท์"]] = "089-000-1111"
    row[col["ที่อยู่อีเมล"]] = "sommut.jai@bangkok.go.th"
    sheets["responses"] = RawSheet("responses", base.title, base.header, [*base.rows, row])
    out = tmp_path / "site"
    result = build(sheets, config, out, AS_OF)
    assert result.kpis.quality["responses"].rejected_by_reason["test_row"] == 6
    secrets = [name, "สมมติ", "ใจดีเลิศล้ำ", "089-000-1111", "sommut.jai"]
    texts = {p.name: p.read_text(encoding="utf-8-sig", errors="ignore")
             for p in out.rglob("*") if p.suffix in (".html", ".csv", ".json", ".js")}
    texts["tidtam-data.xlsx"] = workbook_text(out)
    for name_, text in texts.items():
        found = [s for s in secrets if s in text or s.replace('"', "&#34;") in text
                 or s.replace('"', "&quot;") in text]
        assert not found, (name_, found)


# --- row 13: control characters in headers never reach a workbook -----------------------------

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_control_characters_in_headers_leave_a_valid_workbook(tmp_path, config):
    from openpyxl import load_workbook

    sheets = read_source(SAMPLE / "data", config)
    base = sheets["responses"]
    header = [h.replace("คะแนนเดิม", "คะแนน\x01เดิม\x0b") for h in base.header]
    header.append("หมายเหตุ\x0b\x1f\x7f")
    rows = [[*r, "x" if i % 7 == 0 else ""] for i, r in enumerate(base.rows)]
    sheets["responses"] = RawSheet("responses", base.title, header, rows)
    out = tmp_path / "site"
    result = build(sheets, config, out, AS_OF)
    with zipfile.ZipFile(out / "data" / "tidtam-data.xlsx") as book:
        for name in book.namelist():
            text = book.read(name).decode("utf-8")
            assert not XML_ILLEGAL.search(text), name
    workbook = load_workbook(out / "data" / "tidtam-data.xlsx", read_only=True)
    titles = [c.value for c in next(workbook[SHEETS["rejected"]].iter_rows(max_row=1))]
    assert "คะแนนเดิม" in titles and "หมายเหตุ" in titles
    assert "หมายเหตุ" in result.kpis.quality["responses"].unclaimed_columns
    header_line = (out / "data" / "rejected.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert not XML_ILLEGAL.search(header_line) and "\x7f" not in header_line


# --- row 15: only printable text in messages ------------------------------------------------

def test_printable_escapes_what_a_terminal_would_run():
    from tidtam.core.model import printable

    assert printable("ก\x1b[31mแดง\x07") == "ก\\x1b[31mแดง\\x07"
    assert printable("\u202eเขต\u2066") == "\\u202eเขต\\u2066"
    assert printable("a\nb\td\ud800") == "a\\x0ab\\x09d\\ud800"
    assert printable("ผลการดำเนินการ ปกติ") == "ผลการดำเนินการ ปกติ"


ESCAPE = "\x1b[2J\x1b[31m"


def assert_printable(message: str, shown: str = "\\x1b[2J\\x1b[31m"):
    assert message.isprintable(), repr(message)
    assert shown in message


def test_the_headers_found_error_is_printable(config):
    header = ["ประทับเวลา", f"หน่วยงาน{ESCAPE}", "รหัสข้อสั่งการ", "\u202eสถานะ"]
    with pytest.raises(SourceError) as err:
        normalize({"directives": REGISTER, "responses": sheet("responses", header)}, config,
                  AS_OF)
    assert_printable(err.value.message)
    assert "\\u202e" in err.value.message


def test_the_register_s_column_in_a_config_error_is_printable(config):
    from tidtam.core.errors import ConfigError

    register = sheet("directives", ["รหัส", f"ประเภท{ESCAPE[:1]}", "หน่วยงานรับผิดชอบ"],
                     ["2566-1-001", "1.99", "สนย."])
    with pytest.raises(ConfigError) as err:
        normalize({"directives": register, "responses": sheet("responses", HEADER)}, config,
                  AS_OF)
    assert_printable(err.value.message, "ประเภท\\x1b")


def test_file_names_in_messages_are_printable(tmp_path, config):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "directives.csv").write_text("รหัส\n", encoding="utf-8")
    (folder / f"responses{ESCAPE}.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_source(folder, config)
    assert_printable(err.value.message)


def test_a_workbook_s_tab_names_in_messages_are_printable(tmp_path, config):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "ข้อสั่งการ\u202e\u2066"  # XML holds no control characters: bidi
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(SourceError) as err:
        read_source(tmp_path / "book.xlsx", config)
    assert_printable(err.value.message, "ข้อสั่งการ\\u202e\\u2066")


def test_google_s_tab_names_in_messages_are_printable(tmp_path):
    import responses as mock
    from fixtures.google.fake_google import FakeSheets, write_key_file

    from tidtam.sync.retry import RetryPolicy
    from tidtam.sync.sheets import TabRequest, load_service_account, pull

    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEfG"
    with mock.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        FakeSheets(rsps).add_book(key, {f"ข้อสั่งการ{ESCAPE}": [["รหัส"]]})
        account = load_service_account(write_key_file(tmp_path))
        with pytest.raises(SourceError) as err:
            pull([TabRequest("directives", key, "ข้อสั่งการ")], account,
                 RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.002, max_total=5,
                             timeout=5))
    assert_printable(err.value.message)


# --- row 8: a lone surrogate in pulled data ------------------------------------------------

def snapshot_with(tmp_path, config, cell: str):
    """A snapshot of the sample whose first report's result is ``cell``."""
    from tidtam.sync.sheets import Pull, PulledTab
    from tidtam.sync.snapshot import save_snapshot

    sheets = read_source(SAMPLE / "data", config)
    tabs = {}
    for role, raw in sheets.items():
        values = [raw.header, *[list(r) for r in raw.rows]]
        if role == "responses":
            values[1][5] = cell
            values[0][12] = "ชื่อหน่วยงาน" + cell
        tabs[role] = PulledTab(role, "1KeyKeyKeyKey", raw.title, f"'{raw.title}'!A1:Z", values)
    from datetime import UTC, datetime
    return save_snapshot(Pull(datetime(2024, 7, 31, tzinfo=UTC), tabs, 1), tmp_path / "snaps")


def test_a_lone_surrogate_in_a_pull_is_replaced_and_the_build_works(tmp_path, config):
    snap = snapshot_with(tmp_path, config, "ผล\ud800ดี")
    sheets = read_source(snap, config)
    assert sheets["responses"].rows[0][5] == "ผล\ufffdดี"
    result = build_from_source(snap, config, tmp_path / "site", AS_OF)
    assert (tmp_path / "site" / "index.html").is_file()
    assert "ผล\ufffdดี" in set(result.reports["result"])


def test_a_lone_surrogate_in_a_tab_name_still_saves(tmp_path):
    from datetime import UTC, datetime

    from tidtam.sync.sheets import Pull, PulledTab
    from tidtam.sync.snapshot import read_snapshot, save_snapshot

    tab = PulledTab("responses", "1KeyKeyKeyKey", "แท็บ\udc80", "'แท็บ\udc80'!A1:B2", [["ก\ud800"]])
    folder = save_snapshot(Pull(datetime(2024, 7, 31, tzinfo=UTC), {"responses": tab}, 1),
                           tmp_path / "snaps")
    saved = read_snapshot(folder).tabs["responses"]
    assert (saved.tab, saved.values) == ("แท็บ\ufffd", [["ก\ufffd"]])


def test_a_lone_surrogate_in_a_saved_snapshot_is_replaced(tmp_path, config):
    snap = snapshot_with(tmp_path, config, "ผลดี")
    file = snap / "snapshot.json"
    text = file.read_text(encoding="utf-8").replace("ผลดี", "ผล\\udfffดี\\ud83d")
    file.write_text(text, encoding="utf-8")
    assert json.loads(text)  # a valid JSON document holding lone surrogates
    sheets = read_source(snap, config)
    assert sheets["responses"].rows[0][5] == "ผล\ufffdดี\ufffd"
    build_from_source(snap, config, tmp_path / "site", AS_OF)
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_lone_surrogate_from_the_sheets_api_is_replaced(tmp_path):
    import responses as mock
    from fixtures.google.fake_google import FakeSheets, write_key_file

    from tidtam.sync.retry import RetryPolicy
    from tidtam.sync.sheets import TabRequest, load_service_account, pull

    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEfG"
    values = [["รหัส\udc00"], ["ก\ud800ข", 1.5]]
    # JSON carries a lone surrogate only as an escape (no UTF-8 text can hold one).
    body = json.dumps({"spreadsheetId": key, "valueRanges": [
        {"range": "'ข้อสั่งการ'!A1:B2", "majorDimension": "ROWS", "values": values}]})
    assert "\\ud800" in body
    with mock.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeSheets(rsps)
        fake.add_book(key, {"ข้อสั่งการ": [["รหัส"]]})
        fake.fail_next((200, body))
        account = load_service_account(write_key_file(tmp_path))
        pulled = pull([TabRequest("directives", key, "ข้อสั่งการ")], account,
                      RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.002, max_total=5,
                                  timeout=5))
    assert pulled.tabs["directives"].values == [["รหัส\ufffd"], ["ก\ufffdข", 1.5]]
    from tidtam.sync.snapshot import save_snapshot

    folder = save_snapshot(pulled, tmp_path / "snaps")
    assert (folder / "snapshot.json").read_text(encoding="utf-8")
