"""`tidtam form sync` against an HTTP-level fake of the Forms API v1 (fake_forms.py)."""

from __future__ import annotations

import copy
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.google.fake_forms import ERRORS, FakeFormsHttp, choice_item, text_item
from fixtures.google.fake_google import SA_EMAIL, write_key_file

from tidtam import formsync, formyaml
from tidtam.cli import cli
from tidtam.core.config import load_config
from tidtam.core.errors import ConfigError, GoogleError, SourceError
from tidtam.formsync import FormSyncOptions, form_sync, report
from tidtam.sync.files import read_csv_values
from tidtam.sync.sheets import Pull, PulledTab
from tidtam.sync.snapshot import save_snapshot
from tidtam.transform.formlinks import choice_text

ROOT = Path(__file__).resolve().parents[1]
FORM_ID = "1FormIdAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
AGENCY_Q, DIRECTIVE_Q, STATUS_Q, NAME_Q = "1a2b3c4d", "5e6f7a8b", "0c0d0e0f", "7f7f7f7f"
LONG = ("ให้เร่งรัดการจัดเก็บขยะมูลฝอยและสิ่งปฏิกูลในพื้นที่ริมคลอง\nให้แล้วเสร็จ "
        "ภายในปีงบประมาณ พร้อมรายงานผลการดำเนินงานต่อผู้ตรวจราชการทุกเดือนจนกว่าจะแล้วเสร็จ")
DIRECTIVES = [
    ["รหัส", "ข้อสั่งการ", "ประเภท", "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"],
    ["2566-1-001", LONG, "1.1", "สำนักงานเขตพระนคร, สำนักงานเขตดุสิต", "31/1/2567"],
    ["2566-1-002", "ให้สำรวจจุดเสี่ยง", "1.5", "สำนักงานเขตพระนคร", "31/1/2567"],
    ["2566-1-003", 'ให้ประสาน "ภาคเอกชน" & ชุมชน #1 + 50% = ครบ', "1.7",
     "สำนักงานเขตดุสิต", "31/1/2567"],
]
RESPONSES = [
    ["ประทับเวลา", "หน่วยงาน", "รหัสข้อสั่งการ", "สถานะการดำเนินการ"],
    # 002 is done by its only agency: closed, so no longer a choice
    ["1/2/2567 10:00:00", "สำนักงานเขตพระนคร", "2566-1-002", "ดำเนินการแล้ว"],
    # 001 is done by one of its two agencies: still open
    ["1/2/2567 11:00:00", "สำนักงานเขตพระนคร", "2566-1-001", "ดำเนินการแล้ว"],
    ["2/2/2567 09:00:00", "สำนักงานเขตดุสิต", "2566-1-003", "อยู่ระหว่างการดำเนินการ"],
]


def _csv(path: Path, rows: list[list[str]]) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


class Project:
    """A config folder with google_form set, a small CSV register and a key file."""

    def __init__(self, root: Path):
        self.root = root
        self.config = root / "config"
        shutil.copytree(ROOT / "config", self.config)
        (self.config / "sync.yaml").write_text(
            "google:\n  key_file: secrets/service-account.json\n  timeout_seconds: 5\n"
            "  retry: {attempts: 3, initial_wait_seconds: 0.001, max_wait_seconds: 0.01,"
            " max_total_seconds: 5}\nsnapshots:\n  dir: var/snapshots\n", encoding="utf-8")
        (root / "secrets").mkdir()
        self.key_file = write_key_file(root / "secrets")
        self.source = root / "data"
        self.source.mkdir()
        _csv(self.source / "directives.csv", DIRECTIVES)
        _csv(self.source / "responses.csv", RESPONSES)
        formyaml.write_keys(self.config / "form.yaml", {
            "form_id": FORM_ID, "directive_answer": "choice",
            "agency_question_id": AGENCY_Q, "directive_question_id": DIRECTIVE_Q})
        self.cfg = load_config(self.config)

    def options(self, dry_run: bool = False, source: Path | None = None) -> FormSyncOptions:
        return FormSyncOptions(config_dir=self.config, source=source or self.source,
                               dry_run=dry_run)

    def agencies(self) -> list[str]:
        return [a.name for a in self.cfg.agencies]

    def open_directives(self) -> list[str]:
        chars = self.cfg.form.google_form.choice_text_chars
        return [choice_text(row[0], row[1], chars) for row in DIRECTIVES[1:]
                if row[0] in ("2566-1-001", "2566-1-003")]


def form_items(agency_options: list[str], directive_options: list[str]) -> list[dict]:
    return [
        {"itemId": "00000001", "title": "คำชี้แจง", "description": "กรอกให้ครบ",
         "textItem": {}},
        choice_item("00000002", AGENCY_Q, "หน่วยงาน", agency_options),
        text_item("00000003", NAME_Q, "ชื่อผู้รายงาน"),
        choice_item("00000004", DIRECTIVE_Q, "ข้อสั่งการ", directive_options),
        choice_item("00000005", STATUS_Q, "สถานะการดำเนินการ",
                    ["ดำเนินการแล้ว", "อยู่ระหว่างการดำเนินการ", "ไม่สามารถดำเนินการได้"],
                    kind="RADIO"),
        {"itemId": "00000006", "title": "ส่วนที่ 2", "pageBreakItem": {}},
    ]


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def fake(project) -> FakeFormsHttp:
    fake = FakeFormsHttp()
    agencies = project.agencies()
    # The form as staff left it: one agency missing, one renamed away, an old directive.
    fake.add_form(FORM_ID, form_items(
        ["เขตเก่าที่ยุบแล้ว", *agencies[1:]],
        ["2565-2-010 ข้อสั่งการเก่า", project.open_directives()[1]]))
    return fake


def test_one_get_one_batch_update_touching_only_the_two_questions(project, fake):
    before = copy.deepcopy(fake.forms[FORM_ID].form)
    result = form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.gets == 1 and len(fake.batch_updates) == 1 and result.sent
    body = fake.batch_updates[0]
    assert body["writeControl"] == {"requiredRevisionId": before["revisionId"]}
    assert [r["updateItem"]["location"] for r in body["requests"]] == [{"index": 1},
                                                                      {"index": 3}]
    for request in body["requests"]:
        update = request["updateItem"]
        assert update["updateMask"] == "questionItem.question.choiceQuestion.options"
        assert set(update["item"]) == {"questionItem"}
    agency, directive = ([o["value"] for o in r["updateItem"]["item"]["questionItem"]
                          ["question"]["choiceQuestion"]["options"]] for r in body["requests"])
    assert agency == project.agencies()
    assert directive == project.open_directives()
    assert directive[0].startswith("2566-1-001 ให้เร่งรัด") and "\n" not in directive[0]
    assert directive[0].endswith("…") and len(directive[0]) <= len("2566-1-001 ") + 80
    after = fake.forms[FORM_ID].form
    for i in (0, 2, 4, 5):  # every other item exactly as it was
        assert after["items"][i] == before["items"][i]
    assert after["items"][1]["questionItem"]["question"]["required"] is True
    assert after["items"][3]["questionItem"]["question"]["choiceQuestion"]["type"] == \
        "DROP_DOWN"
    assert fake.scopes == [["https://www.googleapis.com/auth/forms.body"]]


def test_report_names_what_was_added_and_removed(project, fake):
    result = form_sync(project.options(), lambda _m: None, transport=fake)
    lines = report(result, dry_run=False)
    assert lines[0].startswith(f"agency question {AGENCY_Q} 'หน่วยงาน': "
                               f"{len(project.agencies())} choices (1 added, 1 removed)")
    assert f"  + {project.agencies()[0]}" in lines
    assert "  - เขตเก่าที่ยุบแล้ว" in lines
    assert f"  + {project.open_directives()[0]}" in lines
    assert "  - 2565-2-010 ข้อสั่งการเก่า" in lines
    assert lines[-1] == f"form {FORM_ID}: updated (1 batchUpdate)"


def test_dry_run_sends_no_update(project, fake):
    before = copy.deepcopy(fake.forms[FORM_ID].form)
    result = form_sync(project.options(dry_run=True), lambda _m: None, transport=fake)
    assert fake.gets == 1 and fake.batch_updates == [] and not result.sent
    assert fake.forms[FORM_ID].form == before
    assert report(result, dry_run=True)[-1] == f"form {FORM_ID}: dry run, nothing sent"


def test_a_form_in_step_gets_no_update(project, fake):
    form_sync(project.options(), lambda _m: None, transport=fake)
    again = form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.gets == 2 and len(fake.batch_updates) == 1 and not again.sent
    assert report(again, dry_run=False)[-1].endswith("already in step, nothing sent")


def test_kept_options_keep_their_image_and_other_stays_last(project):
    fake = FakeFormsHttp()
    agencies = project.agencies()
    image = {"sourceUri": "https://example.org/a.png", "altText": "ตรา"}
    items = form_items(agencies[:2], project.open_directives())
    question = items[1]["questionItem"]["question"]["choiceQuestion"]
    question["type"] = "RADIO"
    question["options"][0]["image"] = image
    question["options"].append({"isOther": True})
    fake.add_form(FORM_ID, items)
    form_sync(project.options(), lambda _m: None, transport=fake)
    options = fake.batch_updates[0]["requests"][0]["updateItem"]["item"]["questionItem"][
        "question"]["choiceQuestion"]["options"]
    assert options[0] == {"value": agencies[0], "image": image}
    assert options[-1] == {"isOther": True} and len(options) == len(agencies) + 1


def test_no_edit_access_is_one_line_naming_the_service_account(project, fake, monkeypatch):
    fake.forms[FORM_ID].editable = False
    real = formsync.form_sync
    monkeypatch.setattr(formsync, "form_sync",
                        lambda options, log: real(options, log, transport=fake))
    result = CliRunner().invoke(cli, ["form", "sync", "--config", str(project.config),
                                      "--source", str(project.source)])
    assert result.exit_code == GoogleError.exit_code == 4
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: form ") and SA_EMAIL in line and "editor" in line
    assert fake.gets == 1 and len(fake.batch_updates) == 1  # refused, not retried


def test_cli_prints_the_changes(project, fake, monkeypatch):
    real = formsync.form_sync
    monkeypatch.setattr(formsync, "form_sync",
                        lambda options, log: real(options, log, transport=fake))
    result = CliRunner().invoke(cli, ["form", "sync", "--dry-run", "--config",
                                      str(project.config), "--source", str(project.source)])
    assert result.exit_code == 0, result.output
    assert "(1 added, 1 removed)" in result.output and "dry run, nothing sent" in result.output
    assert fake.batch_updates == []


@pytest.mark.parametrize(("fault", "words"), [
    ((404, ERRORS[404]), ["not found", "google_form.form_id"]),
    ((403, ERRORS["disabled"]), ["Forms API is not enabled"]),
])
def test_google_refusals_are_one_line(project, fake, fault, words):
    fake.faults.append(fault)
    with pytest.raises(GoogleError) as caught:
        form_sync(project.options(), lambda _m: None, transport=fake)
    assert all(w in caught.value.message for w in words) and "\n" not in caught.value.message
    assert fake.batch_updates == []


def test_transient_errors_are_retried(project, fake):
    fake.faults.append((503, ERRORS[503]))
    result = form_sync(project.options(), lambda _m: None, transport=fake)
    assert result.sent and fake.gets == 2 and len(fake.batch_updates) == 1


def test_a_form_edited_meanwhile_is_not_overwritten(project, fake, monkeypatch):
    from tidtam.sync import forms

    real_get = forms.get_form

    def get_then_someone_edits(*args):
        form = real_get(*args)
        fake.forms[FORM_ID].form["revisionId"] = "00000099"
        return form

    monkeypatch.setattr(forms, "get_form", get_then_someone_edits)
    with pytest.raises(GoogleError, match="edited while tidtam read it"):
        form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.forms[FORM_ID].form["items"][1]["questionItem"]["question"][
        "choiceQuestion"]["options"][0] == {"value": "เขตเก่าที่ยุบแล้ว"}


def test_a_form_missing_a_configured_question_is_a_clear_error(project, fake):
    items = fake.forms[FORM_ID].form["items"]
    del items[3]  # the directive question is gone
    with pytest.raises(ConfigError) as caught:
        form_sync(project.options(), lambda _m: None, transport=fake)
    message = caught.value.format_message()
    assert message.startswith(str(project.config / "form.yaml"))
    assert f"google_form.directive_question_id '{DIRECTIVE_Q}': the form has no such " \
           "question" in message
    assert f"{AGENCY_Q} 'หน่วยงาน' (DROP_DOWN)" in message and f"{NAME_Q} 'ชื่อผู้รายงาน' " \
           "(text)" in message
    assert caught.value.exit_code == 2 and fake.batch_updates == []


def test_a_configured_text_question_is_refused(project, fake):
    formyaml.write_keys(project.config / "form.yaml", {"agency_question_id": NAME_Q})
    with pytest.raises(ConfigError, match="is not a drop-down or multiple-choice question"):
        form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.batch_updates == []


def test_no_question_ids_lists_the_questions(project, fake):
    formyaml.write_keys(project.config / "form.yaml",
                        {"agency_question_id": "", "directive_question_id": ""})
    with pytest.raises(ConfigError, match=f"{STATUS_Q} 'สถานะการดำเนินการ' \\(RADIO\\)"):
        form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.gets == 1 and fake.batch_updates == []


def test_no_form_id_is_a_config_error_before_any_request(project, fake):
    formyaml.write_keys(project.config / "form.yaml", {"form_id": ""})
    with pytest.raises(ConfigError, match="google_form.form_id is empty"):
        form_sync(project.options(), lambda _m: None, transport=fake)
    assert fake.log == []


def test_without_source_the_newest_snapshot_is_read(project, fake):
    snapshots = project.root / "var" / "snapshots"
    with pytest.raises(SourceError, match="no snapshot in"):
        form_sync(FormSyncOptions(config_dir=project.config), lambda _m: None, transport=fake)
    assert fake.log == []
    for stamp, rows in ((datetime(2024, 1, 1, tzinfo=UTC), RESPONSES[:1]),
                        (datetime(2024, 2, 3, tzinfo=UTC), RESPONSES)):
        tabs = {role: PulledTab(role, "key", role, f"'{role}'!A1:Z9", values)
                for role, values in (("directives", read_csv_values(
                    project.source / "directives.csv")), ("responses", rows))}
        save_snapshot(Pull(stamp, tabs, 1), snapshots)
    lines: list[str] = []
    result = form_sync(FormSyncOptions(config_dir=project.config), lines.append,
                       transport=fake)
    assert "20240203" in lines[0]  # the newer one: 002 closed there
    assert result.changes[1].after == project.open_directives()


def test_no_open_directive_leaves_the_directive_question_alone(project, fake):
    rows = [*RESPONSES, ["3/2/2567 09:00:00", "สำนักงานเขตดุสิต", "2566-1-001", "ดำเนินการแล้ว"],
            ["3/2/2567 10:00:00", "สำนักงานเขตดุสิต", "2566-1-003", "ดำเนินการแล้ว"]]
    _csv(project.source / "responses.csv", rows)
    result = form_sync(project.options(), lambda _m: None, transport=fake)
    assert [c.role for c in result.changes] == ["agency"]
    assert len(fake.batch_updates[0]["requests"]) == 1
    assert any("no open directive" in line for line in report(result, dry_run=False))
