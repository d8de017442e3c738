"""Charts that follow the overview's filters, the drill-down from the type × district-group
table, and the one-file overview's details (issue 14, points 6 and 7), in a real Chromium."""

import pandas as pd
import pytest
from test_browser import (  # noqa: F401  (fixtures, by their names)
    assignments,
    axe_violations,
    browser,
    served,
    watched,
)
from test_browser_hostile import TRAP, hostile_site  # noqa: F401

pytestmark = pytest.mark.browser

MIN_PX = 11  # the smallest chart text, at any width


def filtered_count(page) -> int:
    """N of the overview's "แสดง N จาก M รายการ"."""
    return int(page.locator("#filter-summary").inner_text().split()[1].replace(",", ""))


def chart_table(page, key: str) -> list[list[str]]:
    """The rows of a chart's table for screen readers: name, a count per status, total."""
    return page.locator(f"#chart-{key} table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def number(text: str) -> int:
    return int(text.replace(",", ""))


def choose(page, select: str, starts: str) -> None:
    """Pick the option of ``select`` whose text starts with ``starts``."""
    texts = page.locator(f"{select} option").all_inner_texts()
    page.select_option(select, label=next(t for t in texts if t.startswith(starts)))


def one_directive(frame: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Filter values (type, group, status, inspector) that leave exactly one directive."""
    for keys, part in frame.groupby(["type_code", "district_group", "status", "inspector"]):
        if part["directive_code"].nunique() == 1 and keys[1]:
            return dict(zip(["type", "group", "status", "inspector"], keys, strict=True)), part
    raise AssertionError("no filter leaves one directive")


def test_charts_count_the_filtered_rows(watched, sample_site, assignments):  # noqa: F811
    page = watched().open(sample_site, "index.html")
    everything = chart_table(page, "types")
    assert sum(number(r[-1]) for r in everything) == len(assignments)
    assert page.locator("#static-charts").is_hidden()      # the no-JS fallback steps aside
    want, part = one_directive(assignments)
    status = dict(zip(["done", "in_progress", "cannot", "not_reported"],
                      page.locator("#f-status option").all_inner_texts()[1:], strict=True))
    choose(page, "#f-type", want["type"] + " ")
    page.select_option("#f-group", label=want["group"])
    page.select_option("#f-status", label=status[want["status"]])
    page.select_option("#f-inspector", label=want["inspector"])
    assert filtered_count(page) == len(part)
    rows = chart_table(page, "types")
    assert len(rows) == 1 and rows[0][0].startswith(want["type"] + " ")
    assert number(rows[0][-1]) == len(part) == sum(number(v) for v in rows[0][1:-1])
    # the drawn bars say the same, and so do the factor chart's rows (one per factor)
    assert page.locator("#chart-types .fchart-total").all_inner_texts() == [str(len(part))]
    factors = chart_table(page, "factors")
    assert factors and all(number(r[-1]) == len(part) for r in factors)
    # on paper: the filtered chart, not the pre-rendered one of all the data
    page.emulate_media(media="print")
    assert page.locator("#live-charts").is_visible()
    assert page.locator("#chart-types .fchart-total").inner_text() == str(len(part))
    assert not page.locator("#static-charts").is_visible()
    caption = page.locator("#chart-types caption").inner_text()
    assert want["group"] in caption and f"{len(part)} รายการ" in caption


def test_a_matrix_cell_opens_the_overview_filtered(watched, sample_site, assignments):  # noqa: F811
    page = watched().open(sample_site, "matrix.html")
    links = page.locator("#t-matrix-groups tbody a.mlink")
    assert links.count() == page.locator("#t-matrix-groups tbody td.mcell:not(.empty)").count()
    cell = links.nth(7)
    total = int(cell.get_attribute("data-total"))
    row = cell.locator("xpath=ancestor::tr")
    code = row.locator("th").inner_text().split()[0]
    column = cell.locator("xpath=ancestor::td").evaluate("td => td.cellIndex")
    group = page.locator("#t-matrix-groups thead th").nth(column).inner_text()
    cell.click()
    page.wait_for_url("**/index.html#*")
    page.wait_for_selector("body[data-ready]", state="attached")
    assert page.evaluate("document.querySelector('#f-type').selectedOptions[0].text"
                         ).startswith(code + " ")
    assert page.evaluate("document.querySelector('#f-group').selectedOptions[0].text") == group
    groups = assignments["district_group"].replace("", "สำนัก/หน่วยงานส่วนกลาง")
    expected = ((assignments["type_code"] == code) & (groups == group)).sum()
    assert filtered_count(page) == total == expected
    assert [r[0].split()[0] for r in chart_table(page, "types")] == [code]
    # a column's total opens that group alone
    page.go_back()
    foot = page.locator("#t-matrix-groups tfoot a.mlink").first
    total = int(foot.get_attribute("data-total"))
    foot.click()
    page.wait_for_selector("body[data-ready]", state="attached")
    page.wait_for_function("document.querySelector('#f-group').value !== ''")
    assert filtered_count(page) == total
    assert page.evaluate("document.querySelector('#f-type').value") == ""


def open_alone(w, sample_site, tmp_path):
    alone = tmp_path / "alone.html"   # by itself, as from Drive: no site around it
    alone.write_bytes((sample_site / "tidtam-overview.html").read_bytes())
    w.page.goto(alone.as_uri())
    w.page.wait_for_selector("body[data-ready]", state="attached")
    return w.page


def test_the_one_file_opens_details_inside_itself(
        watched, sample_site, tmp_path, assignments):  # noqa: F811
    page = open_alone(watched(), sample_site, tmp_path)
    assert page.locator('a[href$=".html"]').count() == 0   # nothing points outside the file
    name = page.locator("#t-agencies tbody th button.open-detail").first
    agency = name.text_content()
    name.click()
    dialog = page.locator("dialog#detail")
    assert dialog.is_visible()
    assert dialog.locator("h2").inner_text() == agency
    codes = set(assignments.loc[assignments["agency"] == agency, "directive_code"])
    shown = set(dialog.locator(".detail-items button.open-detail").all_inner_texts())
    assert shown == codes
    # from the agency to one of its directives, and back
    dialog.locator(".detail-items button.open-detail").first.click()
    assert dialog.locator("h2").inner_text().startswith("ข้อสั่งการ ")
    dialog.locator(".detail-back").click()
    assert dialog.locator("h2").inner_text() == agency
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    # a search hit opens its directive: its full text, its agencies, their results
    code = "2566-1-015"
    page.fill("#q", code)
    page.locator("#search-results li.directive button.open-detail").first.click()
    assert dialog.locator("h2").inner_text() == f"ข้อสั่งการ {code}"
    agencies = assignments.loc[assignments["directive_code"] == code]
    assert dialog.locator(".detail-item").count() == len(agencies)
    text = dialog.locator(".directive-text").inner_text()
    assert len(text) > 20
    if (agencies["status"] != "not_reported").any():
        assert dialog.get_by_text("ผลการดำเนินการ", exact=True).count() > 0
    page.keyboard.press("Escape")
    page.fill("#q", agency)
    page.locator("#search-results li.agency button.open-detail").first.click()
    assert dialog.locator("h2").inner_text() == agency
    page.keyboard.press("Escape")
    # each code the follow-up table names opens that directive
    row = page.locator("#t-followup tbody tr").first
    row.scroll_into_view_if_needed()   # its section is laid out only near the screen
    buttons = row.locator("td.codes button.open-detail")
    listed = row.locator("td.codes").text_content().split(", ")
    assert buttons.all_text_contents() == listed and len(listed) >= 1
    buttons.last.click()
    assert dialog.locator("h2").inner_text() == f"ข้อสั่งการ {listed[-1]}"
    page.keyboard.press("Escape")
    # on paper the names stay (every other button is hidden in print)
    page.emulate_media(media="print")
    assert page.locator("#t-agencies tbody th button.open-detail").first.is_visible()


@pytest.mark.parametrize("width", [390, 1366])
def test_chart_text_is_readable_and_the_page_fits(watched, sample_site, width):  # noqa: F811
    page = watched(width, 900).open(sample_site, "index.html")
    page.evaluate("document.querySelector('#live-charts').scrollIntoView()")
    sizes = page.locator("#live-charts").evaluate(
        """box => [...box.querySelectorAll('*')].filter(n => !n.closest('.sr-only')
             && [...n.childNodes].some(c => c.nodeType === 3 && c.textContent.trim()))
           .map(n => [n.className, parseFloat(getComputedStyle(n).fontSize)])""")
    assert sizes and min(px for _, px in sizes) >= MIN_PX, sorted(sizes, key=lambda s: s[1])[:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # whole labels: nothing clipped, every phrase on one line
    clipped = page.locator("#live-charts .fchart-label").evaluate_all(
        "ls => ls.filter(l => l.scrollWidth > l.clientWidth + 1).length")
    assert clipped == 0
    split = page.locator("#live-charts .fchart-label .w").evaluate_all(
        "ws => ws.filter(w => w.getClientRects().length > 1).length")
    assert split == 0


def test_the_one_file_at_phone_width(watched, sample_site, tmp_path):  # noqa: F811
    page = open_alone(watched(390, 800), sample_site, tmp_path)
    page.locator("#t-followup tbody th button.open-detail").first.click()
    assert page.locator("dialog#detail").is_visible()
    assert page.evaluate("document.querySelector('dialog#detail').scrollWidth") <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("rel", ["index.html", "tidtam-overview.html", "matrix.html"])
def test_axe_is_clean(watched, served, rel):  # noqa: F811
    page = watched().page
    page.goto(f"{served}/{rel}")
    page.wait_for_selector("body[data-ready]", state="attached", timeout=10_000) \
        if rel != "matrix.html" else None
    assert axe_violations(page) == []
    if rel == "tidtam-overview.html":
        page.locator("#t-agencies tbody th button.open-detail").first.click()
        assert axe_violations(page) == []


def test_hostile_words_stay_text_in_the_details(hostile_site, watched):  # noqa: F811
    site, agency, code = hostile_site
    w = watched()
    w.context.add_init_script(TRAP)
    page = w.open(site, "tidtam-overview.html")
    page.fill("#q", code)
    page.locator("#search-results li.directive button.open-detail").first.click()
    dialog = page.locator("dialog#detail")
    assert dialog.locator("h2").inner_text() == f"ข้อสั่งการ {code}"
    items = dialog.locator(".detail-item button.open-detail")
    for i in range(items.count()):
        if items.nth(i).inner_text() == agency:
            items.nth(i).click()
            break
    assert dialog.locator("h2").inner_text() == agency
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned === undefined")
    assert dialog.locator("script, img, iframe, svg").count() == 0
