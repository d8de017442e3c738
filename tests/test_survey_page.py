"""The survey page (issue 14): every non-blank comment by user group, escaped; the mean as
"x.xx จาก 4"; each question's answers over the scale. Counted here from
sample/data/satisfaction.csv on its own, not from the code under test."""

import csv
import re
import shutil
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE
from test_browser import axe_violations, browser, served, watched  # noqa: F401  (fixtures)

from tidtam.pipeline import build_from_source

FIXED = ("ประทับเวลา", "กลุ่มผู้ใช้", "ข้อเสนอแนะ")
STAMP = re.compile(r"\d{1,2}/\d{1,2}/25\d\d \d{1,2}:\d\d:\d\d")


def soup(site):
    return BeautifulSoup((site / "satisfaction.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def survey(config, expected):
    """The CSV's accepted respondents (a readable stamp, every answer on the scale, at least
    one answer), its rated questions and the scale."""
    with (SAMPLE / "data" / "satisfaction.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    scale = {p.label: p.score for p in config.form.satisfaction.scale}
    questions = [h for h in rows[0] if h not in FIXED]
    accepted = []
    for r in rows:
        answers = [r[q].strip() for q in questions if r[q].strip()]
        if STAMP.fullmatch(r["ประทับเวลา"].strip()) and answers and \
                all(a in scale for a in answers):
            accepted.append(r)
    assert len(accepted) == expected["satisfaction"]["accepted"]
    return {"rows": accepted, "questions": questions, "scale": scale}


def test_every_non_blank_comment_is_shown_by_group(sample_site, survey):
    want = Counter((r["กลุ่มผู้ใช้"].strip() or "ไม่ระบุ", r["ข้อเสนอแนะ"].strip())
                   for r in survey["rows"] if r["ข้อเสนอแนะ"].strip())
    assert sum(want.values()) == 24  # the count for the sample
    page = soup(sample_site)
    section = page.find("h2", string="ข้อเสนอแนะจากผู้ตอบแบบสำรวจ").parent
    got = Counter()
    for group in section.select(".comment-group"):
        name = group.h3.contents[0].strip()
        count = int(re.search(r"\((\d+) ข้อเสนอแนะ\)", group.h3.get_text()).group(1))
        items = 0
        for li in group.select("li"):
            repeat = li.select_one(".repeat")
            n = int(re.search(r"(\d+) คน", repeat.get_text()).group(1)) if repeat else 1
            got[(name, li.select_one(".comment-text").get_text())] += n
            items += n
        assert items == count, name
    assert got == want
    assert f"{sum(want.values())} ข้อเสนอแนะ" in section.get_text()


def test_comments_are_escaped_and_blank_ones_left_out(tmp_path, config):
    source = tmp_path / "data"
    shutil.copytree(SAMPLE / "data", source)
    hostile = '<script>alert(1)</script><b>ตัวหนา</b> & "คำพูด"'
    with (source / "satisfaction.csv").open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["1/7/2567 9:00:00", "ผู้ตรวจราชการ", *["มาก"] * 5, hostile])
        writer.writerow(["1/7/2567 9:05:00", "ผู้ตรวจราชการ", *["มาก"] * 5, "   "])
    build_from_source(source, config, tmp_path / "site", AS_OF)
    html = (tmp_path / "site" / "satisfaction.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;" in html
    section = soup(tmp_path / "site").find("h2", string="ข้อเสนอแนะจากผู้ตอบแบบสำรวจ").parent
    assert not section.select("script, b")
    texts = [t.get_text() for t in section.select(".comment-text")]
    assert hostile in texts
    assert not [t for t in texts if not t.strip()]
    assert "25 ข้อเสนอแนะ" in section.get_text()  # 24 + the hostile one, not the blank one


def test_mean_reads_two_decimals_out_of_the_top_score(sample_site, survey, config):
    scale, questions = survey["scale"], survey["questions"]
    scores = [scale[r[q].strip()] for r in survey["rows"] for q in questions if r[q].strip()]
    top = max(p.score for p in config.form.satisfaction.scale)
    mean = f"{sum(scores) / len(scores):.2f} จาก {top:g}"
    assert mean == "3.32 จาก 4"
    page = soup(sample_site)
    assert mean in page.select_one(".kpi").get_text()
    for tr in page.select("#t-questions tbody tr"):
        assert re.fullmatch(r"\d\.\d\d จาก 4", tr.select("td")[1].get_text())


def test_each_question_is_spread_over_the_scale(sample_site, survey):
    labels = list(survey["scale"])
    page = soup(sample_site)
    head = [th.get_text() for th in page.select("#t-spread thead th")]
    assert head[1:1 + len(labels)] == labels
    rows = page.select("#t-spread tbody tr")
    assert sorted(tr.th.get_text() for tr in rows) == sorted(survey["questions"])
    for tr in rows:
        question = tr.th.get_text()
        want = Counter(r[question].strip() for r in survey["rows"] if r[question].strip())
        cells = tr.select("td.num")
        counts = [int(c.get_text().split()[0]) for c in cells[:len(labels)]]
        assert counts == [want[label] for label in labels], question
        assert sum(counts) == int(cells[len(labels)].get_text()) == sum(want.values())
        shares = [float(re.search(r"\(([\d.]+)%\)", c.get_text()).group(1))
                  for c in cells[:len(labels)]]
        assert abs(sum(shares) - 100) < 0.5
        bar = tr.select(".spread-bar span")  # the bar writes its counts, not colour alone
        assert [int(s.get_text()) for s in bar] == [n for n in counts if n]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_comments_show_on_the_survey_page(watched, sample_site, survey, width):  # noqa: F811
    page = watched(width, 900).open(sample_site, "satisfaction.html")
    comments = page.locator(".comment-list li")
    assert comments.count() == len({(r["กลุ่มผู้ใช้"].strip(), r["ข้อเสนอแนะ"].strip())
                                     for r in survey["rows"] if r["ข้อเสนอแนะ"].strip()})
    for i in range(comments.count()):
        assert comments.nth(i).is_visible()
    assert page.get_by_text("ตัวอักษรบนแดชบอร์ดเล็กไป อ่านบนมือถือยาก").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    spread = page.locator("#t-spread")
    box = spread.bounding_box()
    assert box["width"] <= width


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_survey_page_passes_axe(watched, served, width):  # noqa: F811
    page = watched(width, 900).page
    page.goto(f"{served}/satisfaction.html")
    assert axe_violations(page) == []
