"""The satisfaction survey: rated questions found by their answers, scored on the scale."""

import pytest
from conftest import BKK, sheet

from tidtam.transform.kpis import satisfaction_kpis
from tidtam.transform.satisfaction import read_satisfaction

HEADER = ["ประทับเวลา", "กลุ่มผู้ใช้", "ความง่าย", "ความรวดเร็ว", "ข้อเสนอแนะ", "หมายเหตุ"]


def survey(config, *rows):
    return read_satisfaction(sheet("satisfaction", HEADER, *rows), config.form.satisfaction, BKK)


def test_rated_questions_are_found_by_their_answers(config):
    s = survey(config,
               ["1/7/2567 9:00:00", "ผู้ตรวจราชการ", "มากที่สุด", "มาก", "ดีมาก", "x"],
               ["2/7/2567 9:00:00", "ผู้ตรวจราชการ", "น้อย", "", "", ""])
    assert s.questions == ["ความง่าย", "ความรวดเร็ว"]
    assert s.unclaimed == ["หมายเหตุ"]
    assert sorted(s.answers["score"]) == [2, 3, 4]
    assert list(s.respondents["comment"]) == ["ดีมาก", ""]


@pytest.mark.parametrize(("row", "reason"), [
    (["1/7/2567 9:00:00", "ผู้ตรวจราชการ", "ปานกลาง", "มาก", "", ""], "unknown_answer"),
    (["ไม่ทราบ", "ผู้ตรวจราชการ", "มาก", "มาก", "", ""], "bad_timestamp"),
    (["1/7/2567 9:00:00", "ผู้ตรวจราชการ", "", "", "ไม่มีความเห็น", ""], "no_answers"),
])
def test_survey_quarantine(config, row, reason):
    good = ["1/7/2567 9:00:00", "ผู้ตรวจราชการ", "มาก", "มาก", "", ""]
    s = survey(config, good, good, row, [])
    assert list(s.rejected["reason"]) == [reason]
    assert list(s.rejected["row"]) == [4]
    assert len(s.respondents) == 2 and s.blank == 1


def test_satisfaction_formula(config):
    s = survey(config,
               ["1/7/2567 9:00:00", "ก", "มากที่สุด", "มาก", "", ""],
               ["1/7/2567 9:00:00", "ข", "น้อย", "น้อยที่สุด", "", ""])
    k = satisfaction_kpis(s.answers, len(s.respondents), 4, 3, {"ก": 2, "ข": 2})
    assert k["satisfaction_pct"] == 62.5            # mean 2.5 x 100 / 4
    assert k["satisfaction_high_share_pct"] == 50.0  # 2 of 4 answers at มาก or above
    assert k["satisfaction_response_rate_pct"] == 50.0


def test_no_survey_answers_gives_no_kpi():
    import pandas as pd

    k = satisfaction_kpis(pd.DataFrame(columns=["score"]), 0, 4, 3, {})
    assert k["satisfaction_pct"] is None and k["satisfaction_high_share_pct"] is None
