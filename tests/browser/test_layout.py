"""Phone and desktop layout: no sideways scroll, sized images, no overflowing text,
screenshots for a person to look at, and a light page weight."""

from __future__ import annotations


import pytest

from tests.browser.pages import PAGE_TYPES

VIEWPORTS = {"phone": (375, 812, "light"), "desktop": (1280, 800, "light"), "phone-dark": (375, 812, "dark")}

OVERFLOWING = """() => Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getClientRects().length && getComputedStyle(el).overflowX === 'visible'
                  && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
                  && !['IMG', 'PICTURE', 'svg', 'IFRAME', 'VIDEO'].includes(el.tagName))
    .map(el => el.tagName + '.' + el.className + ' ' + el.scrollWidth + '>' + el.clientWidth)"""


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_layout_fits_and_screenshots(browser, server, screenshots, kind, viewport):
    width, height, scheme = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + PAGE_TYPES[kind], wait_until="networkidle")
    sizes = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], sizes
    unsized = page.evaluate("""() => Array.from(document.images)
        .filter(i => !i.getAttribute('width') || !i.getAttribute('height')).map(i => i.src)""")
    assert unsized == []
    assert page.evaluate(OVERFLOWING) == []
    # Load and decode lazy photos first, or a full-page screenshot shows empty boxes.
    page.evaluate("""() => Promise.all(Array.from(document.images).map(i => {
        i.loading = 'eager'; return i.decode().catch(() => null); }))""")
    page.screenshot(path=str(screenshots / f"{kind}-{viewport}.png"), full_page=True)
    page.screenshot(path=str(screenshots / f"{kind}-{viewport}-top.png"))
    context.close()


def test_narrowest_phone_320_has_no_sideways_scroll(browser, server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in PAGE_TYPES.values():
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        assert page.evaluate(OVERFLOWING) == [], path
    context.close()


def test_release_page_weighs_at_most_100_kb_without_photos(page, server, sites):
    """HTML + CSS + JS as the browser fetched them (photos, logo and downloads excluded)."""
    seen = {}
    page.on("response", lambda r: seen.__setitem__(r.url, r))
    page.goto(server + PAGE_TYPES["release-nl"], wait_until="networkidle")
    text = {u: len(r.body()) for u, r in seen.items()
            if r.headers.get("content-type", "").split(";")[0] in
            ("text/html", "text/css", "text/javascript", "application/javascript")}
    assert any(u.endswith("style.css") for u in text) and any(u.endswith("smr.js") for u in text)
    total = sum(text.values())
    on_disk = sum((sites / "example" / rel).stat().st_size for rel in
                  ("2026-11-24-webcare-team/index.html", "assets/style.css", "assets/smr.js"))
    assert total == on_disk
    assert total <= 100_000, f"{total} bytes"
