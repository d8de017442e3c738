"""Agency names: every accepted written form, and no fuzzy acceptance."""

import pytest

from tidtam.core.config import Agency
from tidtam.transform.agencies import AgencyDirectory, AmbiguousAlias


@pytest.fixture(scope="module")
def directory(config):
    return AgencyDirectory(config.agencies)


@pytest.mark.parametrize(("written", "canonical"), [
    ("สำนักงานเขตหนองจอก", "สำนักงานเขตหนองจอก"),
    ("เขตหนองจอก", "สำนักงานเขตหนองจอก"),
    ("สนข.หนองจอก", "สำนักงานเขตหนองจอก"),
    ("สนข. หนองจอก", "สำนักงานเขตหนองจอก"),
    ("สำนักงานเขต หนองจอก", "สำนักงานเขตหนองจอก"),
    ("หนองจอก", "สำนักงานเขตหนองจอก"),
    ("  เขต\u200bบางรัก ", "สำนักงานเขตบางรัก"),
    ("ส\u0e4d\u0e32นักงานเขตบางรัก", "สำนักงานเขตบางรัก"),
    ("สนย.", "สำนักการโยธา"),
    ("สนย", "สำนักการโยธา"),
    ("สำนักการโยธา", "สำนักการโยธา"),
    ("สำนักวัฒนธรรมกีฬาและการท่องเที่ยว", "สำนักวัฒนธรรม กีฬาและการท่องเที่ยว"),
    ("สำนักงาน ก.ก.", "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร"),
])
def test_accepted_forms(directory, written, canonical):
    assert directory.resolve(written) == canonical


@pytest.mark.parametrize(("written", "suggestion"), [
    ("เขตหนองจอ", "สำนักงานเขตหนองจอก"),
    ("สำนักการโยธ", "สำนักการโยธา"),
])
def test_near_misses_are_refused_but_suggested(directory, written, suggestion):
    assert directory.resolve(written) is None
    assert directory.suggest(written) == suggestion


@pytest.mark.parametrize("written", ["", "ทดสอบ", "กรุงเทพมหานคร", "เขต", "สำนักงานเขต"])
def test_unknown_names(directory, written):
    assert directory.resolve(written) is None


def test_every_district_has_its_short_forms(directory, config):
    districts = [a for a in config.agencies if a.kind == "district"]
    assert len(districts) == 50
    for a in districts:
        bare = a.name.removeprefix("สำนักงานเขต")
        for form in (bare, "เขต" + bare, "สนข." + bare, "สำนักงานเขต " + bare):
            assert directory.resolve(form) == a.name


def test_groups(directory):
    assert len(directory.group_members("กรุงธนใต้")) == 7
    assert sum(len(directory.group_members(g)) for g in directory.groups) == 50


def test_an_alias_meaning_two_agencies_is_refused():
    agencies = [Agency(name="สำนักการโยธา", kind="department", aliases=["สนย."]),
                Agency(name="สำนักการระบายน้ำ", kind="department", aliases=["สนย"])]
    with pytest.raises(AmbiguousAlias, match="would mean both"):
        AgencyDirectory(agencies)
