"""Copy buttons work with the keyboard and announce themselves; without JavaScript the
same text stays on the page, selectable, and no dead button is shown."""

from __future__ import annotations

from tests.browser.pages import RELEASE_NL


def tab_to(page, name: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"no element named {name!r} reachable with Tab")


def test_copy_buttons_work_from_the_keyboard(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + RELEASE_NL)
    buttons = page.get_by_role("button", name="Kopieer citaat")
    assert buttons.count() == 2
    cases = [("Kopieer citaat", "“Klanten praten toch wel over ons. Wij praten nu mee.” — Anna de Vries, directeur Brood & Co"),
             ("Kopieer deeltekst", "Brood & Co beantwoordt vragen op sociale media binnen een uur #webcare #BroodEnCo https://pers.broodenco.nl/2026-11-24-webcare-team/"),
             ("Kopieer #webcare", "#webcare"),
             ("Kopieer insluitcode", '<figure><img src="https://pers.broodenco.nl/2026-11-24-webcare-team/img/')]
    for name, expected in cases:
        if name == "Kopieer insluitcode":  # the embed code sits in a closed <details>
            tab_to(page, "Insluitcode")
            page.keyboard.press("Enter")
        tab_to(page, name)
        page.keyboard.press("Enter")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(expected), (name, copied)
        if name == "Kopieer citaat":   # the quote with who said it, and nothing more
            assert copied == expected
        status = page.get_by_role("status")
        status.filter(has_text="Gekopieerd: " + expected[:20]).wait_for(state="attached")
    context.close()


def test_without_javascript_text_is_selectable_and_no_button_shows(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + RELEASE_NL)
    assert page.locator("button.copy:visible").count() == 0
    for selector in ("#quote-1", "#share-text", ".photo .embed-code", ".tag"):
        element = page.locator(selector).first
        assert element.is_visible() or selector == ".photo .embed-code"
        assert element.evaluate("el => getComputedStyle(el).userSelect") != "none"
    assert "Wij praten nu mee" in page.locator("#quote-1").inner_text()
    # The video falls back to a plain link to the video page.
    assert page.locator("figure.video a.video-link").get_attribute("href").startswith("https://www.youtube.com/")
    context.close()


def test_a_click_on_a_photo_opens_its_1600_px_rendition_not_the_original(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + RELEASE_NL)
    with page.expect_navigation():
        page.locator("figure.photo a.photo-link").first.click()
    assert "/img/" in page.url and "/hires/" not in page.url
    width = page.evaluate("document.images[0].naturalWidth")
    assert width == 1600   # the example's team.jpg is 1800 px wide: the largest rendition
    page.go_back()
    download = page.locator("figure.photo a.download").first
    assert "/hires/" in download.evaluate("a => a.href") and download.get_attribute("download") == "team.jpg"
    context.close()
