"""Every hostile string (the naughty-strings list plus our payloads) in every typed field,
in a real Chromium: no script runs on any page and the text shows literally."""

import re

import pytest
from conftest import AS_OF
from hostile import HOSTILE
from test_browser import ARTIFACTS, browser, watched  # noqa: F401  (fixtures)
from test_hostile import hostile_sheets

from tidtam.pipeline import build
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform.text import clean_text

pytestmark = pytest.mark.browser

# The naughty strings call alert()/prompt()/confirm(); ours set window.__pwned directly.
TRAP = """
for (const name of ["alert", "prompt", "confirm"]) {
  window[name] = () => { window.__pwned = name; };
}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, config):
    sheets, _rows = hostile_sheets(config)
    base = sheets["responses"]
    col = {t: i for i, t in enumerate(base.header)}
    template = base.rows[-3]  # the valid report the free-text payloads were put into
    agency = config_agency(config, template[col["หน่วยงาน"]])
    code = template[col["รหัสข้อสั่งการ"]].split(" ")[0]
    out = tmp_path_factory.mktemp("hostile-browser") / "site"
    build(sheets, config, out, AS_OF)
    return out, agency, code


def config_agency(config, written):
    from tidtam.transform.agencies import AgencyDirectory

    return AgencyDirectory(config.agencies).resolve(written)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_no_hostile_string_runs_on_any_page(hostile_site, watched):  # noqa: F811
    site, agency, code = hostile_site
    rels = ["index.html", "quality.html", "followup.html", "summary.html", "matrix.html",
            agency_path(agency), directive_path(code)]
    w = watched()
    w.context.add_init_script(TRAP)
    for rel in rels:
        page = w.open(site, rel)
        for link in page.locator("main a").all()[:40]:  # hover: mouseover handlers
            if link.is_visible():
                link.hover()
        page.keyboard.press("Tab")                      # focus: autofocus/onfocus payloads
        assert page.evaluate("window.__pwned === undefined"), (rel, page.evaluate(
            "window.__pwned"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile-directive.png"))


def test_hostile_text_shows_literally(hostile_site, watched):  # noqa: F811
    """Each hostile agency cell is quarantined, and the quality page quotes it: as text."""
    site, _agency, _code = hostile_site
    w = watched()
    w.context.add_init_script(TRAP)
    page = w.open(site, "quality.html")
    shown = squash(page.inner_text("main"))
    checked = 0
    for payload in HOSTILE:
        text = clean_text(payload)
        if not text or len(text) > 2000 or re.search(r"[\x00-\x1f]", payload):
            continue
        if clean_text(text) != squash(text):
            continue
        assert squash(text) in shown, payload
        checked += 1
    assert checked >= 100, checked
    assert page.evaluate("window.__pwned === undefined")
