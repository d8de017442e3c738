"""Directive types, factors and statuses by code, label or key."""

import pytest

from tidtam.transform.taxonomy import CategoryIndex, StatusIndex


@pytest.fixture(scope="module")
def types(config):
    return CategoryIndex(config.taxonomy.directive_types)


@pytest.fixture(scope="module")
def factors(config):
    return CategoryIndex(config.taxonomy.impact_factors)


@pytest.mark.parametrize(("written", "code"), [
    ("1.10", "1.10"), ("1.1", "1.1"), ("๑.๔", "1.4"), (" 1.9 ", "1.9"),
    ("ให้เร่งรัดดำเนินการ/ให้ติดตามประเมินผล", "1.10"),
    ("1.10 ให้เร่งรัดดำเนินการ/ให้ติดตามประเมินผล", "1.10"),
    ("ให้จัดตั้งคณะกรรมการหรือคณะทำงาน ", "1.3"),
])
def test_type_by_code_or_label(types, written, code):
    assert types.resolve(written).code == code


@pytest.mark.parametrize("written", ["1.11", "2.1", "1", "", "ประเภทอื่น", "1.100"])
def test_unknown_types(types, written):
    assert types.resolve(written) is None


def test_factors_in_one_cell(factors):
    found, unknown = factors.resolve_many(
        "2.1, ด้านงบประมาณของหน่วยงาน,2.1, ด้านอื่นๆ")
    assert [f.code for f in found] == ["2.1", "2.2"]
    assert unknown == ["ด้านอื่นๆ"]


@pytest.mark.parametrize(("written", "key"), [
    ("ดำเนินการแล้ว", "done"), (" อยู่ระหว่าง การดำเนินการ", "in_progress"),
    ("ไม่สามารถดำเนินการได้", "cannot"), ("done", "done"), ("IN_PROGRESS", "in_progress"),
    ("เสร็จแล้ว", None), ("", None),
    # A report cannot itself say "not reported".
    ("ยังไม่รายงานผลการดำเนินการ", None), ("not_reported", None),
])
def test_status(config, written, key):
    assert StatusIndex(config.taxonomy.statuses).resolve(written) == key
