"""Chinese text renders as Chinese in a real browser (Debian's chromium, launched as conftest.py says), and the
language switch opens the same page in the other language: one real build of the public site of
tests/testdata/test_localisation/site, made once for the module.

The test set-up installs a CJK font (scripts/test.sh: Debian's fonts-noto-cjk). Without one, every Chinese
character is drawn as the same "missing glyph" box (.notdef), and a page that only checks for text passes anyway;
these tests measure what is drawn, so they fail when the font is missing (run them with FONTCONFIG_FILE pointing
to a fonts.conf without /usr/share/fonts/opentype/noto to see it). ``document.fonts.check()`` is asked too, but
it says true for any system font name, installed or not, so the proof is in the glyphs: which font chromium drew
the heading with (its DevTools protocol), and the pixels and widths of Chinese text against an unassigned code
point (U+0378), which is always drawn as .notdef.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_pages import fresh, opened
from conftest import TESTDATA
from sites import approved_site, serve_from_disk

SITE = TESTDATA / "test_localisation" / "site"
AT = "2026-11-20T15:00:00+08:00"
BASE = "https://status.northwind.example"
ZH_PAGE = f"{BASE}/zh-Hant/incidents/outage/"

# In the page: draw each text in the heading's own font, and measure it. Two different Chinese strings of the
# same length, and as many unassigned code points (each a .notdef box).
MEASURE = """(h1) => {
  const style = getComputedStyle(h1);
  const font = `${style.fontWeight} 32px ${style.fontFamily}`;
  const texts = {first: "事件經過說明", second: "您可以怎麼做", missing: "\\u0378".repeat(6)};
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 64;
  const ctx = canvas.getContext("2d");
  const out = {font: style.fontFamily, check: document.fonts.check('16px "Noto Sans CJK TC"')};
  for (const [name, text] of Object.entries(texts)) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font;
    ctx.fillStyle = "#000";
    ctx.fillText(text, 4, 44);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = "";
    for (let i = 3; i < data.length; i += 4 * 7) ink += data[i] > 127 ? "1" : "0";
    out[name] = {width: ctx.measureText(text).width, ink: ink};
  }
  return out;
}"""


@pytest.fixture(scope="module")
def public_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return approved_site(SITE, tmp_path_factory.mktemp("localisation-browser") / "project", AT) / "public"


@pytest.fixture(scope="module")
def tab(browser: Browser, browser_context_args: dict, public_root: Path) -> Iterator[Page]:
    """One page for the module (pytest-playwright's context settings), answering the site's real address from disk
    (request routing, no network)."""
    with opened(browser, **browser_context_args) as page:
        serve_from_disk(page.context, f"{BASE}/", public_root)
        yield page


@pytest.fixture
def site(tab: Page) -> Iterator[Page]:
    """The module's page, blank, for one test (pytest-playwright's own is a new context and renderer per test)."""
    with fresh(tab) as page:
        yield page


def test_the_chinese_heading_is_drawn_with_a_cjk_font(site: Page) -> None:
    site.goto(ZH_PAGE, wait_until="networkidle")
    heading = site.locator("article h1").first
    text = heading.inner_text()
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    assert han >= 4, text
    cdp = site.context.new_cdp_session(site)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "article h1"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()  # the page goes on to other tests: no DOM and CSS agents left enabled in it
    drawn_cjk = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])
    assert drawn_cjk >= han, f"the Chinese characters were not drawn with a CJK font: {fonts}"


def test_chinese_characters_are_glyphs_not_missing_glyph_boxes(site: Page) -> None:
    site.goto(ZH_PAGE, wait_until="networkidle")
    seen = site.locator("article h1").first.evaluate(MEASURE)
    assert "Noto Sans CJK TC" in seen["font"]  # the stylesheet's stack for :lang(zh-Hant) applies
    assert seen["check"] is True
    first, second, missing = seen["first"], seen["second"], seen["missing"]
    assert "1" in missing["ink"], "the .notdef boxes drew nothing: the measurement itself is broken"
    # A missing glyph is the same box for every character: same width and the same pixels for any text.
    assert first["width"] != pytest.approx(missing["width"], abs=0.5), seen
    assert second["width"] != pytest.approx(missing["width"], abs=0.5), seen
    assert first["ink"] != second["ink"], "two different Chinese strings drew the same pixels (boxes)"
    assert first["ink"] != missing["ink"] and second["ink"] != missing["ink"]


def test_the_language_switch_opens_the_same_page_in_the_other_language(site: Page) -> None:
    site.goto(ZH_PAGE, wait_until="networkidle")
    expect(site.locator('link[rel="alternate"][hreflang="en"]')).to_have_attribute("href", "/en/incidents/outage/")
    site.locator('a.md-select__link[hreflang="en"]').evaluate("a => a.click()")
    expect(site).to_have_url(f"{BASE}/en/incidents/outage/")
    expect(site.locator("html")).to_have_attribute("lang", "en")
    site.locator('a.md-select__link[hreflang="zh-Hant"]').evaluate("a => a.click()")
    expect(site).to_have_url(ZH_PAGE)


def test_a_chinese_heading_anchor_opens_its_heading(site: Page) -> None:
    site.goto(ZH_PAGE + "#您可以怎麼做", wait_until="networkidle")
    heading = site.locator("h2#您可以怎麼做")
    expect(heading).to_have_text("您可以怎麼做")
    expect(heading).to_be_in_viewport()
