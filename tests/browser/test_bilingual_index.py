"""The index of a bilingual newsroom in Chromium (issue 16): one card per story with links to
its language versions, dates in the card's language, and a card without a photo at full width."""

from __future__ import annotations

import pytest

from tests.browser.conftest import build
from tests.conftest import NEWSROOM_YAML, make_photo

STORY_NL = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel aan de Coolsingel.
images:
  - file: images/winkel.jpg
    alt: De nieuwe winkel
"""
STORY_EN = """\
title: Testbedrijf opens a shop
language: en
date: 2026-11-24T09:00:00+01:00
summary: Today Testbedrijf opens a shop on the Coolsingel.
images:
  - file: ../2026-11-24-winkel/images/winkel.jpg
    alt: The new shop
translations: [../2026-11-24-winkel]
"""
NO_PHOTO = """\
title: Testbedrijf zoekt bakkers
date: 2026-11-20T09:00:00+01:00
summary: Testbedrijf zoekt tien bakkers voor de nieuwe winkel, met en zonder ervaring, voor dag- en nachtdiensten.
"""


@pytest.fixture(scope="module")
def bilingual(sites, tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("bilingual") / "newsroom"
    (root / "releases").mkdir(parents=True)
    (root / "newsroom.yaml").write_text(NEWSROOM_YAML.replace(
        "title: Persberichten Testbedrijf", "title: {nl: Persberichten Testbedrijf, en: Testbedrijf press releases}"))
    for slug, text in (("2026-11-24-winkel", STORY_NL), ("2026-11-24-shop", STORY_EN), ("2026-11-20-bakkers", NO_PHOTO)):
        (root / "releases" / slug).mkdir()
        (root / "releases" / slug / "release.yaml").write_text(text, "utf-8")
    make_photo(root / "releases" / "2026-11-24-winkel" / "images" / "winkel.jpg", size=(1200, 800))
    build(root, sites / "bilingual")
    return "/bilingual/"


@pytest.mark.parametrize("width", [375, 1280])
def test_index_has_one_card_per_story_in_its_language(browser, server, screenshots, bilingual, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for path, lang, title, date, other in (
            ("index.html", "nl", "Testbedrijf opent een winkel", "24 november 2026", ("English", "en")),
            ("en/index.html", "en", "Testbedrijf opens a shop", "November 24, 2026", ("Nederlands", "nl"))):
        page.goto(server + bilingual + path, wait_until="networkidle")
        cards = page.locator(".release-card")
        assert cards.count() == 2, "the two versions of one story are one card"
        first = cards.nth(0)
        assert first.get_attribute("lang") == lang
        assert first.locator("h2").inner_text() == title
        assert first.locator(".date").inner_text() == date
        link = first.locator(".versions a")
        assert link.inner_text() == other[0] and link.get_attribute("hreflang") == other[1]
        link.click()   # above the card's own link, which covers the card
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == other[1]
        page.go_back(wait_until="networkidle")

        solo = cards.nth(1)   # no photo: no grey box, the text takes the card's width
        assert solo.locator("img").count() == 0
        card_box, text_box = solo.bounding_box(), solo.locator("div").bounding_box()
        assert text_box["width"] >= card_box["width"] - 1, (width, card_box, text_box)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(screenshots / f"bilingual-{lang}-{width}.png"), full_page=True)
    context.close()
