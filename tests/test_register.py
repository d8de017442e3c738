"""The directive register: codes, expansion into assignments, and its quarantine."""

import pytest
from conftest import BKK, sheet

from tidtam.core.errors import ConfigError
from tidtam.transform.agencies import AgencyDirectory
from tidtam.transform.register import DirectiveIndex, canonical_code, read_register
from tidtam.transform.taxonomy import CategoryIndex

HEADER = ["รหัส", "ปีงบประมาณ", "รอบ", "ที่มา", "ผู้ตรวจราชการ", "ข้อสั่งการ", "ประเภท", "ปัจจัย",
          "หน่วยงานรับผิดชอบ", "กำหนดรายงาน"]


def reg(config, *rows):
    return read_register(
        sheet("directives", HEADER, *rows), config.form.directives,
        CategoryIndex(config.taxonomy.directive_types),
        CategoryIndex(config.taxonomy.impact_factors), AgencyDirectory(config.agencies), BKK)


def row(code="2566-1-001", type_="1.1", factors="2.1", agencies="สนย.", due="31/3/2567"):
    return [code, "2566", "1", "ปลัดกรุงเทพมหานคร", "นายก", "ข้อความ", type_, factors, agencies,
            due]


@pytest.mark.parametrize(("written", "code"), [
    ("2566-1-015", "2566-1-015"), ("2566-1-15", "2566-1-015"), ("๒๕๖๖-๑-๐๑๕", "2566-1-015"),
    ("2566-1-015 ให้เร่งรัดการระบายน้ำ", "2566-1-015"), ("2566 / 2 / 7", "2566-2-007"),
    ("2566\u20131\u2013015", "2566-1-015"), ("ให้เร่งรัด", None), ("", None),
])
def test_canonical_code(written, code):
    assert canonical_code(written) == code


def test_expansion_all_districts_group_and_names(config):
    r = reg(config,
            row("2566-1-001", agencies="ทุกสำนักงานเขต"),
            row("2566-1-002", agencies="กลุ่มเขตกรุงธนใต้"),
            row("2566-1-003", agencies="สนย., เขตบางรัก, สำนักการโยธา"))
    per = r.assignments.groupby("directive_code").size().to_dict()
    assert per == {"2566-1-001": 50, "2566-1-002": 7, "2566-1-003": 2}
    assert r.rejected.empty
    assert list(r.directives["agency_count"]) == [50, 7, 2]


@pytest.mark.parametrize(("bad_row", "reason"), [
    (row(code=""), "missing_code"),
    (row(type_="ให้แก้ไขวิธีการ"), "unknown_type"),
    (row(type_=""), "unknown_type"),
    (row(factors="2.1, ด้านอื่นๆ"), "unknown_factor"),
    (row(agencies="สำนักการโยธ"), "unknown_agency"),
    (row(agencies="กลุ่มเขตดาวอังคาร"), "unknown_agency_group"),
    (row(agencies=""), "no_agencies"),
    (row(due="ภายในเดือนหน้า"), "bad_due_date"),
])
def test_register_quarantine(config, bad_row, reason):
    r = reg(config, row("2566-1-009"), bad_row)
    assert list(r.rejected["reason"]) == [reason]
    assert list(r.rejected["row"]) == [3]
    assert len(r.directives) == 1


@pytest.mark.parametrize(("bad_row", "column", "code", "section"), [
    (row(type_="1.11"), "ประเภท", "1.11", "directive_types"),
    (row(type_="๑.๑๑"), "ประเภท", "1.11", "directive_types"),
    (row(factors="2.1, 2.9"), "ปัจจัย", "2.9", "impact_factors"),
])
def test_a_code_missing_from_the_taxonomy_is_a_config_mistake(config, bad_row, column, code,
                                                              section):
    with pytest.raises(ConfigError) as err:
        reg(config, row("2566-1-009"), bad_row)
    assert err.value.exit_code == 2
    assert err.value.message.startswith(f"directives.csv row 3, column {column}: code \"{code}\" "
                                        f"is not in config/taxonomy.yaml {section}")
    assert err.value.message.endswith("add it to taxonomy.yaml or correct the register")


def test_duplicate_code_keeps_the_first(config):
    r = reg(config, row("2566-1-001", agencies="สนย."), [], row("2566-1-001", agencies="สนท."))
    assert list(r.rejected["reason"]) == ["duplicate_code"]
    assert list(r.rejected["row"]) == [4]
    assert r.blank == 1
    assert list(r.assignments["agency"]) == ["สำนักการโยธา"]


def test_rejected_directive_is_remembered_for_its_reports(config):
    r = DirectiveIndex(reg(config, row("2566-1-005", type_="ประเภทที่ไม่มี")))
    assert r.resolve("2566-1-005") == "2566-1-005"
    assert r.is_rejected("2566-1-005")


def test_resolve_by_code_variants_and_exact_text(config):
    r = DirectiveIndex(reg(config, row("2566-1-005")))
    for written in ("2566-1-005", "๒๕๖๖-๑-๐๐๕", "2566-1-5 ข้อความ", "ข้อความ"):
        assert r.resolve(written) == "2566-1-005"
    assert r.resolve("2566-1-006") is None


def test_messages_take_code_ranges_from_the_taxonomy(config):
    from tidtam.core.config import Category

    extra = Category(code="1.11", key="extra", label="ประเภทที่เพิ่มใหม่")
    types = CategoryIndex([*config.taxonomy.directive_types, extra])
    r = read_register(
        sheet("directives", HEADER, row(type_="ประเภทอื่น"), row("2566-1-002", factors="ด้านอื่นๆ")),
        config.form.directives, types, CategoryIndex(config.taxonomy.impact_factors),
        AgencyDirectory(config.agencies), BKK)
    unknown_type, unknown_factor = r.rejected.to_dict("records")
    assert "ไม่ตรงกับรหัส 1.1-1.11 หรือชื่อประเภทใด" in unknown_type["detail"]
    assert unknown_type["suggestion"] == "ใช้รหัส เช่น 1.11 หรือชื่อประเภทตามมาตรฐาน"
    assert unknown_factor["suggestion"] == "ใช้รหัส 2.1-2.5 หรือชื่อปัจจัยตามมาตรฐาน คั่นด้วย ,"
    assert (unknown_factor["quoted_field"], unknown_factor["quoted_value"]) == ("factors",
                                                                               "ด้านอื่นๆ")
