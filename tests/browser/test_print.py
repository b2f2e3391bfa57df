"""Printed releases: no navigation or share buttons, link URLs written out, photos sized."""

from __future__ import annotations

from tests.browser.pages import RELEASE_NL


def test_print_hides_navigation_and_share_buttons(page, server):
    page.goto(server + RELEASE_NL)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => Object.fromEntries(['.site-header', '.skip', '.share',
        '.share-links', '.actions', 'button.copy', '.site-footer', '.subscribe', '.hashtags a']
        .map(s => [s, Array.from(document.querySelectorAll(s))
                       .every(el => el.getClientRects().length === 0)]))""")
    assert all(hidden.values()), hidden
    assert page.locator("h1").is_visible()
    assert page.locator(".quote blockquote").first.is_visible()
    after = page.evaluate("""() => getComputedStyle(document.querySelector('.links a'), '::after').content""")
    assert "https://nl.wikipedia.org/wiki/Webcare" in after
    photo = page.locator(".photo img").first.bounding_box()
    assert photo["height"] <= 9 / 2.54 * 96 + 1
    page.emulate_media(media="screen")
    assert page.locator(".site-header").is_visible() and page.locator(".share").is_visible()


def test_print_to_pdf_works(page, server, tmp_path):
    page.goto(server + RELEASE_NL)
    pdf = page.pdf(path=str(tmp_path / "release.pdf"), format="A4")
    assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
