"""A bilingual newsroom (issue 16): per-language newsroom text, translations that link every
version with x-default, one language per version, and a translation using its partner's photos."""

from __future__ import annotations

import mf2py
from bs4 import BeautifulSoup

from tests.conftest import NEWSROOM_YAML

NOW = "2026-11-25T10:00+01:00"
BASE = "https://pers.example.org/"

BILINGUAL_NEWSROOM = NEWSROOM_YAML.replace(
    "title: Persberichten Testbedrijf",
    "title:\n  nl: Persberichten Testbedrijf\n  en: Testbedrijf press releases",
).replace(
    "  boilerplate: |\n    Testbedrijf maakt **testen**.",
    "  boilerplate:\n    nl: Testbedrijf maakt **testen**.\n    en: Testbedrijf makes **tests**.",
).replace(
    "    role: woordvoerder", "    role: {nl: woordvoerder, en: spokesperson}",
) + "labels:\n  contacts: {nl: Perscontact, en: Press contact}\n"

DUTCH = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
images:
  - file: images/winkel.jpg
    alt: De nieuwe winkel
"""
ENGLISH = """\
title: Testbedrijf opens a shop
language: en
date: 2026-11-24T09:00:00+01:00
summary: Today Testbedrijf opens a shop.
images:
  - file: ../2026-11-24-winkel/images/winkel.jpg
    alt: The new shop
translations: [../2026-11-24-winkel]
"""


def bilingual(newsroom):
    newsroom.write("newsroom.yaml", BILINGUAL_NEWSROOM)
    newsroom.release("2026-11-24-winkel", DUTCH)
    newsroom.photo("2026-11-24-winkel", "images/winkel.jpg")
    newsroom.release("2026-11-24-shop", ENGLISH)
    return newsroom


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "lxml")


def test_each_page_shows_the_newsroom_text_in_its_own_language(newsroom):
    bilingual(newsroom)
    result = newsroom.run("build", "--now", NOW)
    assert result.exit_code == 0, result.output
    for slug, title, about, role, label in (
            ("2026-11-24-winkel", "Persberichten Testbedrijf", "Testbedrijf maakt testen.", "woordvoerder", "Perscontact"),
            ("2026-11-24-shop", "Testbedrijf press releases", "Testbedrijf makes tests.", "spokesperson", "Press contact")):
        page = soup(newsroom.site / slug / "index.html")
        assert page.select_one(".site-header .brand span").get_text() == title
        assert page.select_one('meta[property="og:site_name"]')["content"] == title
        assert page.select_one(".about p").get_text() == about
        assert page.select_one(".contacts .role").get_text() == role
        assert page.select_one("#contacts-h").get_text() == label
        vcard = (newsroom.site / slug / "sanne-jansen.vcf").read_text("utf-8")
        assert f"TITLE:{role}" in vcard
    english_index = soup(newsroom.site / "en" / "index.html")
    assert english_index.select_one("h1").get_text() == "Testbedrijf press releases"
    assert english_index.select_one(".about p").get_text() == "Testbedrijf makes tests."
    assert soup(newsroom.site / "index.html").select_one("h1").get_text() == "Persberichten Testbedrijf"
    import feedparser

    assert feedparser.parse((newsroom.site / "en" / "feed.xml").read_bytes()).feed.title == \
        "Testbedrijf press releases (en)"
    assert feedparser.parse((newsroom.site / "feed.xml").read_bytes()).feed.title == "Persberichten Testbedrijf"


def test_hreflang_links_every_version_both_ways_with_x_default(newsroom):
    bilingual(newsroom)
    assert newsroom.run("build", "--now", NOW).exit_code == 0
    expected = {"nl": [f"{BASE}2026-11-24-winkel/"], "en": [f"{BASE}2026-11-24-shop/"]}
    for slug in ("2026-11-24-winkel", "2026-11-24-shop"):   # only the English one names the other
        text = (newsroom.site / slug / "index.html").read_text("utf-8")
        parsed = mf2py.parse(doc=text, url=f"{BASE}{slug}/")
        alternates = {}
        for url, rel in parsed["rel-urls"].items():   # keyed by URL: x-default shares nl's
            if "alternate" in rel["rels"] and "hreflang" in rel:
                alternates.setdefault(rel["hreflang"], []).append(url)
        assert alternates == expected, slug
        links = BeautifulSoup(text, "lxml").select('link[rel="alternate"][hreflang="x-default"]')
        assert [link["href"] for link in links] == [f"{BASE}2026-11-24-winkel/"], slug
    index = mf2py.parse(doc=(newsroom.site / "index.html").read_text("utf-8"), url=BASE)
    hreflang = {rel["hreflang"]: url for url, rel in index["rel-urls"].items() if "hreflang" in rel}
    assert hreflang == {"nl": BASE, "en": f"{BASE}en/"}


def test_a_translation_in_the_same_language_is_an_error_with_the_fix(newsroom):
    bilingual(newsroom)
    newsroom.release("2026-11-24-shop", ENGLISH.replace("language: en\n", ""))
    for command in ("check", "build"):
        result = newsroom.run(command, "--now", NOW)
        assert result.exit_code == 1
        assert ("error: releases/2026-11-24-shop/release.yaml:7: language: is not given, so this release is in "
                "the newsroom's language (nl), like its translation releases/2026-11-24-winkel/release.yaml") \
            in result.output
        assert "add the language it is written in, e.g. `language: en`" in result.output
        assert "Traceback" not in result.output
    newsroom.release("2026-11-24-shop", ENGLISH.replace("language: en", "language: nl"))
    result = newsroom.run("check", "--now", NOW)
    assert result.exit_code == 1
    assert ("releases/2026-11-24-shop/release.yaml:2: language: 'nl' is also the language of its translation "
            "releases/2026-11-24-winkel/release.yaml") in result.output


def test_a_translation_uses_its_partners_photo_published_once(newsroom):
    bilingual(newsroom)
    result = newsroom.run("build", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "1 photos processed" in result.output, "renditions made once"
    originals = sorted(p.relative_to(newsroom.site).as_posix() for p in newsroom.site.rglob("hires/*.jpg"))
    assert originals == ["2026-11-24-winkel/hires/winkel.jpg"]
    english = soup(newsroom.site / "2026-11-24-shop" / "index.html")
    assert english.select_one("a.download")["href"] == "../2026-11-24-winkel/hires/winkel.jpg"
    assert english.select_one(".photo img")["alt"] == "The new shop"
    assert english.select_one(".media-kit a")["href"] == "../2026-11-24-winkel/hires/2026-11-24-winkel-fotos.zip"
    dutch = soup(newsroom.site / "2026-11-24-winkel" / "index.html")
    assert dutch.select_one("a.download")["href"] == "hires/winkel.jpg"

    # As published with a media target: one key and one URL for both pages.
    from generator.output.pipeline import build
    from generator.clock import now as clock_now
    from generator.publish.plan import scan

    out = newsroom.root / "published"
    build(newsroom.root, out, now=clock_now(NOW), media_base_url="https://media.example.org/hires/")
    media = sorted(f.key for f in scan(out, None, media=True) if f.target == "media")
    assert media == ["2026-11-24-winkel/2026-11-24-winkel-fotos.zip", "2026-11-24-winkel/winkel.jpg"]
    for slug in ("2026-11-24-winkel", "2026-11-24-shop"):
        page = soup(out / slug / "index.html")
        assert page.select_one("a.download")["href"] == "https://media.example.org/hires/2026-11-24-winkel/winkel.jpg"


def test_a_photo_of_a_release_that_is_no_translation_is_refused(newsroom):
    bilingual(newsroom)
    newsroom.release("2026-11-24-shop", ENGLISH.replace("translations: [../2026-11-24-winkel]\n", ""))
    result = newsroom.run("check", "--now", NOW)
    assert result.exit_code == 1
    assert ("releases/2026-11-24-shop/release.yaml:6: images[0].file: ../2026-11-24-winkel/images/winkel.jpg is a "
            "photo of another release that is not a translation of this one") in result.output
    for bad, said in (("../2026-11-24-winkel/../../newsroom.yaml", "must not leave the release folder"),
                      ("../../newsroom.yaml", "must not leave the release folder"),
                      ("../2026-11-24-winkel/images/none.jpg", "file not found")):
        newsroom.release("2026-11-24-shop", ENGLISH.replace("../2026-11-24-winkel/images/winkel.jpg", bad))
        result = newsroom.run("check", "--now", NOW)
        assert result.exit_code == 1 and said in result.output and "images[0].file" in result.output, result.output
