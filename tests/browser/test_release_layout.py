"""Issue 24: the release page as a PR team would sign it off. The lead photo above the fold on
a phone and a desktop, the other photos as a gallery grid, a desktop's width used (the
contacts beside the text), the organisation's accent colour. Screenshots are kept as test
artifacts (the `screenshots` folder) for a person to look at."""

from __future__ import annotations

import pytest

from tests.browser.pages import RELEASE_NL

VIEWPORTS = {"phone": (375, 812), "desktop": (1280, 800)}


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_lead_photo_is_above_the_fold(browser, server, screenshots, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(server + RELEASE_NL, wait_until="networkidle")
    top = page.evaluate("document.querySelector('.lead-photo img').getBoundingClientRect().top")
    assert top < height * 0.75, top   # the photo starts in the first screen, with room to be seen
    page.screenshot(path=str(screenshots / f"release-layout-{viewport}-top.png"))
    context.close()


def test_a_desktop_uses_its_width_and_the_contacts_sit_beside_the_text(browser, server, screenshots):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server + RELEASE_NL, wait_until="networkidle")
    box = page.evaluate("""() => { const r = s => document.querySelector(s).getBoundingClientRect();
        return {main: r('main').width, body: r('.lede'), contacts: r('#contacts'), gallery: r('.gallery')}; }""")
    assert box["main"] > 1000, box                                    # not a narrow column at 1280 px
    assert box["contacts"]["left"] >= box["body"]["right"], box       # beside the text, not below it
    assert box["gallery"]["width"] > 1000, box
    page.evaluate("""() => Promise.all(Array.from(document.images).map(i => {
        i.loading = 'eager'; return i.decode().catch(() => null); }))""")   # lazy photos into the screenshot
    page.screenshot(path=str(screenshots / "release-layout-desktop.png"), full_page=True)
    context.close()


def test_the_gallery_puts_photos_side_by_side_on_a_desktop(browser, server):
    """The gallery is a grid: three or more columns at 1280 px, one on a phone."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server + RELEASE_NL, wait_until="networkidle")
    columns = page.evaluate("getComputedStyle(document.querySelector('.gallery')).gridTemplateColumns.split(' ').length")
    assert columns >= 3
    page.set_viewport_size({"width": 375, "height": 812})
    columns = page.evaluate("getComputedStyle(document.querySelector('.gallery')).gridTemplateColumns.split(' ').length")
    assert columns == 1
    context.close()


def test_the_accent_colour_of_newsroom_yaml_is_on_the_page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server + RELEASE_NL, wait_until="networkidle")
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    border = page.evaluate("getComputedStyle(document.body).borderTopColor")
    assert accent and border not in ("", "rgba(0, 0, 0, 0)")
    context.close()
