"""Issue 24: pushing back the Dutch release's embargo took it offline, but the English
translation of the same news stayed public, in the sitemap and feeds, without a word. An
embargo on one version holds every version dated no later than it that gives none of its own."""

from __future__ import annotations

import feedparser

from tests.conftest import RELEASE_YAML

NL = RELEASE_YAML + "embargo: 2026-11-26T09:00:00+01:00\n"
EN = (RELEASE_YAML.replace("Testbedrijf opent een winkel", "Testbedrijf opens a shop")
      + "language: en\ntranslations: [../winkel]\n")
BEFORE = "2026-11-25T10:00+01:00"
AFTER = "2026-11-26T10:00+01:00"


def sitemap(site) -> str:
    return (site / "sitemap.xml").read_text("utf-8")


def test_one_versions_embargo_holds_a_translation_without_one(newsroom):
    newsroom.release("winkel", NL)
    newsroom.release("shop", EN)
    check = newsroom.run("check", "--now", BEFORE)
    assert check.exit_code == 0, check.output
    assert ("warning: releases/shop/release.yaml:5: embargo: has no embargo of its own, so the embargo of its "
            "translation releases/winkel/release.yaml (2026-11-26T09:00:00+01:00) holds it too: not public before "
            "then; give this version its own `embargo:` to publish it at another moment") in check.output
    result = newsroom.run("build", "--now", BEFORE)
    assert result.exit_code == 0, result.output
    assert not (newsroom.site / "shop").exists() and not (newsroom.site / "winkel").exists()
    assert "/shop/" not in sitemap(newsroom.site)
    assert feedparser.parse((newsroom.site / "feed.xml").read_bytes()).entries == []

    result = newsroom.run("build", "--now", AFTER)
    assert result.exit_code == 0 and "no embargo of its own" not in result.output
    assert (newsroom.site / "shop" / "index.html").is_file() and "/shop/" in sitemap(newsroom.site)
    links = {e.link for e in feedparser.parse((newsroom.site / "feed.xml").read_bytes()).entries}
    assert links == {"https://pers.example.org/shop/", "https://pers.example.org/winkel/"}


def test_a_version_with_its_own_embargo_keeps_it(newsroom):
    newsroom.release("winkel", NL)
    newsroom.release("shop", EN + "embargo: 2026-11-24T09:00:00+01:00\n")
    result = newsroom.run("build", "--now", BEFORE)
    assert result.exit_code == 0 and "no embargo of its own" not in result.output
    assert (newsroom.site / "shop" / "index.html").is_file() and not (newsroom.site / "winkel").exists()


def test_news_that_was_out_before_its_translation_stays_out(newsroom):
    """A translation dated later, under embargo, does not take the original down."""
    newsroom.release("winkel", RELEASE_YAML)
    newsroom.release("shop", EN.replace("2026-11-24T09:00:00+01:00", "2026-11-26T09:00:00+01:00")
                     + "embargo: 2026-11-26T09:00:00+01:00\n")
    result = newsroom.run("build", "--now", BEFORE)
    assert result.exit_code == 0 and "no embargo of its own" not in result.output
    assert (newsroom.site / "winkel" / "index.html").is_file() and not (newsroom.site / "shop").exists()


def test_the_preview_of_a_held_version_says_until_when(newsroom):
    newsroom.release("winkel", NL)
    newsroom.release("shop", EN)
    assert newsroom.run("build", "--preview", "--now", BEFORE).exit_code == 0
    page = (newsroom.site / "shop" / "index.html").read_text("utf-8")
    assert "EMBARGO until 26 November 2026, 09:00 (UTC+01:00)" in page or "EMBARGO until November 26, 2026" in page
