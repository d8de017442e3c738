"""Pulling from Sheets against an HTTP-level fake that answers like Sheets v4."""

from __future__ import annotations

import os
import time

import pytest
import requests
import responses
from fixtures.google.fake_google import (
    SA_EMAIL,
    FakeSheets,
    error_body,
    stranger_pem,
    write_key_file,
)

from tidtam.core.errors import GoogleError, SourceError
from tidtam.sync.retry import RetryPolicy
from tidtam.sync.sheets import (
    TabRequest,
    find_key_file,
    load_service_account,
    pull,
    spreadsheet_key,
)

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEfG"
TABS = {"directives": "ข้อสั่งการ", "responses": "การตอบแบบฟอร์ม 1", "satisfaction": "ความพึงพอใจ"}
FAST = RetryPolicy(attempts=4, initial_wait=0.001, max_wait=0.005, max_total=5, timeout=7)

DIRECTIVES = [
    ["รหัส", "ประเภท", "หน่วยงานรับผิดชอบ", "หมายเหตุ", "หมายเหตุ"],
    ["2566-1-001", "1.1", "สำนักงานเขตพระนคร", "ก", "ข"],
    ["0012", 1.10, "สนย.", None, None],  # trailing empties: the API drops them
]
RESPONSES = [
    ["ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ", 2567.0],
    [45292.5416666667, "เขตพระนคร", "2566-1-001", "ดำเนินการแล้ว", None],
    [45293.25, None, "2566-1-001", None, True],  # an empty cell inside a row: ""
]
SATISFACTION = [["ประทับเวลา", "กลุ่มผู้ใช้"], [45300.0, "ผู้ตรวจราชการ"]]


@pytest.fixture
def fake():
    """A fake Sheets with one spreadsheet that holds all three tabs."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sheets = FakeSheets(rsps)
        sheets.add_book(
            KEY,
            {
                TABS["directives"]: DIRECTIVES,
                TABS["responses"]: RESPONSES,
                TABS["satisfaction"]: SATISFACTION,
            },
        )
        yield sheets


@pytest.fixture
def account(tmp_path):
    """A throwaway service account whose key the fake token endpoint accepts."""
    return load_service_account(write_key_file(tmp_path))


def wanted(key: str = KEY) -> list[TabRequest]:
    """All three roles from one spreadsheet."""
    return [TabRequest(role, key, tab) for role, tab in TABS.items()]


def test_pull_returns_raw_values_with_header_as_text(fake, account):
    sheets = pull(wanted(), account, FAST).sheets()

    directives = sheets["directives"]
    assert directives.title == "ข้อสั่งการ"
    assert directives.header == ["รหัส", "ประเภท", "หน่วยงานรับผิดชอบ", "หมายเหตุ", "หมายเหตุ"]
    assert directives.rows[1] == ["0012", 1.1, "สนย.", None, None]  # padded, 0012 is text
    assert directives.rows[0][3:] == ["ก", "ข"]  # duplicate headers stay two columns

    responses_ = sheets["responses"]
    assert responses_.header[-1] == "2567"
    assert responses_.rows[0] == [45292.5416666667, "เขตพระนคร", "2566-1-001", "ดำเนินการแล้ว", None]
    assert responses_.rows[1] == [45293.25, "", "2566-1-001", "", True]
    assert type(responses_.rows[0][0]) is float


def test_one_batch_get_asks_for_unformatted_values_and_serial_dates(fake, account):
    pulled = pull(wanted(), account, FAST)

    assert pulled.requests == 1
    [params] = fake.batch_gets
    assert params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert params["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert params["ranges"] == ["'ข้อสั่งการ'", "'การตอบแบบฟอร์ม 1'", "'ความพึงพอใจ'"]
    assert pulled.tabs["responses"].range == "'การตอบแบบฟอร์ม 1'!A1:Z1000"


def test_every_request_has_a_timeout(fake, account):
    pull(wanted(), account, FAST)

    # google-auth may also look up a regional access boundary in the background: ignore it
    ours = [c for c in fake.rsps.calls if "iamcredentials" not in c.request.url]
    assert [c.request.url.split("?")[0].rsplit("/", 1)[-1] for c in ours] == [
        "token",
        "values:batchGet",
    ]
    assert all(call.request.req_kwargs["timeout"] == 7 for call in ours)


@pytest.mark.parametrize("rows", [10, 2_000, 20_000])
def test_requests_per_sync_do_not_grow_with_rows(fake, account, rows):
    fake.books[KEY].tabs[TABS["responses"]] = [RESPONSES[0]] + [RESPONSES[1]] * rows
    fake.add_book("2" + KEY[1:], {"อื่น": SATISFACTION})
    tabs = wanted()[:2] + [TabRequest("satisfaction", "2" + KEY[1:], "อื่น")]

    pulled = pull(tabs, account, FAST)

    assert len(pulled.tabs["responses"].values) == rows + 1
    assert pulled.requests == len(fake.batch_gets) == 2  # one per spreadsheet


def test_429_then_200_is_retried(fake, account):
    fake.fail_next((429, error_body("429")))

    pulled = pull(wanted(), account, FAST)

    assert pulled.requests == len(fake.batch_gets) == 2
    assert pulled.tabs["satisfaction"].values == SATISFACTION


def test_dropped_connection_is_retried(fake, account):
    fake.fail_next((0, requests.ConnectionError("connection reset by peer")))

    assert pull(wanted(), account, FAST).requests == 2


def test_503_until_the_attempt_budget_runs_out(fake, account):
    fake.always = (503, error_body("503"))

    with pytest.raises(GoogleError, match=r"HTTP 503\) after 4 attempts") as caught:
        pull(wanted(), account, FAST)

    assert len(fake.batch_gets) == 4
    assert caught.value.exit_code == 4


def test_503_until_the_time_budget_runs_out(fake, account):
    fake.always = (503, error_body("503"))
    policy = RetryPolicy(attempts=100, initial_wait=0.05, max_wait=0.05, max_total=0.3)

    started = time.monotonic()
    with pytest.raises(GoogleError, match="Google kept failing"):
        pull(wanted(), account, policy)

    assert time.monotonic() - started < 1.0
    assert 2 <= len(fake.batch_gets) < 10


def test_not_shared_names_the_email_to_share_with(fake, account):
    fake.books[KEY].shared = False

    with pytest.raises(GoogleError) as caught:
        pull(wanted(), account, FAST)

    assert caught.value.message == (
        f"spreadsheet {KEY} is not shared with the service account: open it, press Share "
        f"and add {SA_EMAIL} as Viewer"
    )
    assert len(fake.batch_gets) == 1  # a 403 is not retried


def test_api_disabled_says_to_enable_it(fake, account):
    fake.fail_next((403, error_body("403_api_disabled")))

    with pytest.raises(GoogleError, match="Google Sheets API is not enabled"):
        pull(wanted(), account, FAST)


def test_unknown_spreadsheet(fake, account):
    with pytest.raises(GoogleError, match=r"spreadsheet 1NoSuchSheet0000 not found: check"):
        pull(wanted("1NoSuchSheet0000"), account, FAST)


def test_missing_tab_is_named_with_the_tabs_that_exist(fake, account):
    del fake.books[KEY].tabs["การตอบแบบฟอร์ม 1"]
    fake.books[KEY].tabs["Form Responses 1"] = RESPONSES

    with pytest.raises(SourceError) as caught:
        pull(wanted(), account, FAST)

    assert caught.value.message == (
        f"spreadsheet {KEY} has no tab 'การตอบแบบฟอร์ม 1' (for responses); its tabs are: "
        "ข้อสั่งการ, ความพึงพอใจ, Form Responses 1: rename the tab, or set tabs.responses "
        "in config/form.yaml"
    )
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("<html>Service interrupted</html>", "the answer is not JSON"),
        ({"spreadsheetId": KEY}, "no valueRanges list"),
        ({"spreadsheetId": KEY, "valueRanges": [{"values": []}]}, "1 value ranges for 3 tabs"),
        (
            {"valueRanges": [{"values": [["a", {"formula": "=1"}]]}, {}, {}]},
            "tab 'ข้อสั่งการ' row 1 holds a dict",
        ),
        ({"valueRanges": [{"values": ["a", "b"]}, {}, {}]}, "tab 'ข้อสั่งการ' values are not rows"),
        (
            {"valueRanges": [{"majorDimension": "COLUMNS", "values": [["a"]]}, {}, {}]},
            "tab 'ข้อสั่งการ' came in columns, not rows",
        ),
    ],
)
def test_malformed_payload(fake, account, body, detail):
    fake.fail_next((200, body))

    with pytest.raises(GoogleError) as caught:
        pull(wanted(), account, FAST)

    assert f"({detail})" in caught.value.message


def test_a_refused_key_is_reported(fake, tmp_path):
    account = load_service_account(write_key_file(tmp_path, private=stranger_pem()))

    with pytest.raises(GoogleError) as caught:
        pull(wanted(), account, FAST)

    assert caught.value.message.startswith(
        f"Google refused the service-account key in {account.key_file} (invalid_grant"
    )
    assert fake.batch_gets == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist: download a JSON key"),
        ("not json", "is not JSON"),
        ('{"type": "authorized_user"}', "is not a service-account key (type 'authorized_user')"),
        ('{"type": "service_account", "client_email": "a@b"}', "lacks private_key, token_uri"),
        (
            '{"type": "service_account", "client_email": "a@b", "private_key": "x", '
            '"token_uri": "https://oauth2.googleapis.com/token"}',
            "the private key cannot be used",
        ),
    ],
)
def test_key_file_problems(tmp_path, content, message):
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(GoogleError) as caught:
        load_service_account(path)

    assert message in caught.value.message
    assert str(path) in caught.value.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_key_file(tmp_path):
    path = write_key_file(tmp_path)
    path.chmod(0)
    with pytest.raises(GoogleError, match="cannot read service-account key file"):
        load_service_account(path)


def test_key_file_order(tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/env/key.json")
    assert str(find_key_file(tmp_path / "cli.json", tmp_path / "cfg.json")).endswith("cli.json")
    assert str(find_key_file(None, tmp_path / "cfg.json")).endswith("cfg.json")
    assert str(find_key_file(None, None)) == "/env/key.json"
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    with pytest.raises(GoogleError, match="no service-account key file"):
        find_key_file(None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (KEY, KEY),
        (f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0", KEY),
        (f"  https://docs.google.com/spreadsheets/d/{KEY}/edit?usp=sharing ", KEY),
        (f"https://docs.google.com/spreadsheet/ccc?key={KEY}&usp=sharing", KEY),
    ],
)
def test_spreadsheet_key(value, expected):
    assert spreadsheet_key(value, "--spreadsheet") == expected


@pytest.mark.parametrize("value", ["https://example.com/sheet", "my sheet", ""])
def test_spreadsheet_key_rejects(value):
    with pytest.raises(GoogleError, match="^--spreadsheet: "):
        spreadsheet_key(value, "--spreadsheet")
