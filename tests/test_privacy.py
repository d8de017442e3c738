"""The service-account key never leaks: never logged, never copied, never published."""

import json

import pytest
from test_job import project  # noqa: F401  (the fixture: config + Google fakes)

from tidtam.core.errors import ConfigError


def key_markers(key_file) -> list[str]:
    """Strings that only the key file holds."""
    info = json.loads(key_file.read_text(encoding="utf-8"))
    body = [line for line in info["private_key"].splitlines() if "PRIVATE KEY" not in line]
    return [info["private_key_id"], "PRIVATE KEY", body[1], body[-1]]


def every_byte_written(root):
    for path in root.rglob("*"):
        if path.is_file() and path.name != "service-account.json":
            yield path, path.read_bytes()


def test_the_key_is_never_logged_copied_or_published(project):  # noqa: F811
    project.sync()
    key_file = project.root / "service-account.json"
    markers = key_markers(key_file)
    for line in project.lines:
        assert not any(m in line for m in markers), line
    written = list(every_byte_written(project.root))
    assert any(p.suffix == ".sqlite" for p, _ in written)  # history, snapshots, sites
    for path, data in written:
        for marker in markers:
            assert marker.encode() not in data, f"{path} holds key material"
    assert project.drive.files  # the Drive target got the site
    for upload in project.drive.files.values():
        for marker in markers:
            assert marker.encode() not in upload.content


@pytest.mark.parametrize("inside", ["site", "www/tidtam"])
def test_a_key_inside_a_published_folder_is_refused(project, inside):  # noqa: F811
    folder = project.root / inside
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "service-account.json"
    key.write_bytes((project.root / "service-account.json").read_bytes())
    with pytest.raises(ConfigError) as err:
        project.sync(key_file=key)
    assert err.value.exit_code == 2
    assert "the service-account key is inside" in err.value.message
    assert "move it out" in err.value.message


# --- personal fields on the dashboard: hidden by default, published per field --------------

def _personal_values(sample_dir):
    import csv

    with (sample_dir / "responses.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pick = {"reporter": "ชื่อผู้รายงาน", "phone": "เบอร์โทรศัพท์", "email": "ที่อยู่อีเมล"}
    # Only values long enough to be unmistakable (no test markers, no inspector names).
    return {f: {r[t] for r in rows if len(r[t]) > 8 and "test" not in r[t]
                and "ทดสอบ" not in r[t]} for f, t in pick.items()}


def _site_text(site):
    return "\n".join(p.read_text(encoding="utf-8", errors="ignore")
                     for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".csv",
                                                                              ".json", ".js"))


def test_personal_fields_are_not_published_by_default(sample_site):
    from conftest import SAMPLE

    text = _site_text(sample_site)
    for field, values in _personal_values(SAMPLE / "data").items():
        leaked = [v for v in values if v in text]
        assert not leaked, f"{field} published: {leaked[:3]}"


@pytest.mark.parametrize("field", ["reporter", "phone", "email"])
def test_each_personal_field_can_be_published(tmp_path, field):
    import shutil

    from conftest import AS_OF, SAMPLE

    from tidtam.core.config import load_config
    from tidtam.core.paths import DEFAULT_CONFIG_DIR
    from tidtam.pipeline import build_from_source

    cfg = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, cfg)
    settings = cfg / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        f"  {field}: false", f"  {field}: true"), encoding="utf-8")
    site = tmp_path / "site"
    build_from_source(SAMPLE / "data", load_config(cfg), site, AS_OF)
    text = _site_text(site)
    values = _personal_values(SAMPLE / "data")
    assert any(v in text for v in values[field])              # this one is published
    header = (site / "data" / "reports.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert field in header.split(",")
    agency_pages = "\n".join(p.read_text(encoding="utf-8") for p in (site / "agencies").glob("*"))
    assert any(v in agency_pages for v in values[field])      # shown with the latest report
    for other in {"reporter", "phone", "email"} - {field}:    # the others stay hidden
        assert not any(v in text for v in values[other]), other


# --- quarantine details: a quoted personal value is hidden by its field, not its wording --

def _quarantine(*rejections):
    from tidtam.core.model import RawSheet
    from tidtam.transform.quarantine import rejected_frame

    rows = [["5/1/2567 9:00:00", "ทดสอบ", "นางสมศรี ใจดี"]] * len(rejections)
    sheet = RawSheet("responses", "responses.csv", ["ประทับเวลา", "หน่วยงาน", "ชื่อผู้รายงาน"], rows)
    fields = {"timestamp": [0], "agency": [1], "reporter": [2]}  # as the column mapper read it
    return rejected_frame(sheet, list(rejections), fields)


def test_a_quoted_personal_value_is_hidden_unless_published():
    from tidtam.core.config import Publish
    from tidtam.core.model import VALUE_SLOT, Rejection
    from tidtam.transform.privacy import public_rejected

    frame = _quarantine(
        Rejection(0, "test_row", f"มีคำว่าทดสอบในชื่อผู้รายงาน: {VALUE_SLOT}", "ลบแถว",
                  "reporter", "นางสมศรี ใจดี"),
        Rejection(1, "test_row", f"มีคำว่าทดสอบในช่องหน่วยงาน: {VALUE_SLOT}", "ลบแถว",
                  "agency", "ทดสอบ"),
        Rejection(2, "test_row", f"ผู้รายงาน {VALUE_SLOT} (ถ้อยคำใดก็ได้)", "", "reporter", "นาย ข"))
    hidden = public_rejected(frame, Publish())
    assert list(hidden["detail"]) == ["มีคำว่าทดสอบในชื่อผู้รายงาน: (ซ่อนชื่อผู้รายงาน)",
                                      'มีคำว่าทดสอบในช่องหน่วยงาน: "ทดสอบ"',
                                      "ผู้รายงาน (ซ่อนชื่อผู้รายงาน) (ถ้อยคำใดก็ได้)"]
    assert "ชื่อผู้รายงาน" not in hidden.columns           # the original cell goes too
    assert not {"quoted_field", "quoted_value"} & set(hidden.columns)
    shown = public_rejected(frame, Publish(reporter=True))
    assert shown["detail"].iloc[0] == 'มีคำว่าทดสอบในชื่อผู้รายงาน: "นางสมศรี ใจดี"'
    assert list(shown.columns[:6]) == ["source", "row", "reason", "reason_label", "detail",
                                       "suggestion"]


def test_every_personal_field_has_a_hidden_form():
    from tidtam.transform.privacy import HIDDEN, PERSONAL_FIELDS

    assert set(HIDDEN) == set(PERSONAL_FIELDS)
    assert len(set(HIDDEN.values())) == len(HIDDEN)
    for form in HIDDEN.values():
        assert form.startswith("(ซ่อน") and form.endswith(")") and '"' not in form
