"""The release page without rough edges (issue 16, "The page"): the press contact near the top,
share text without repeated hashtags, quotes not wrapped twice, favicons, the photo a click
opens, and `updated:` for corrections on the page, in its metadata, feeds and sitemap."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import extruct
import feedparser
import mf2py
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from PIL import Image

NOW = "2026-11-30T10:00+01:00"
BASE = "https://pers.example.org/"

BOOMPLANTDAG = """\
title: Testbedrijf plant honderd bomen
date: 2026-11-24T09:00:00+01:00
updated: 2026-11-28T14:30:00+01:00
summary: Testbedrijf plant honderd bomen langs de gracht.
share_text: "Honderd nieuwe bomen langs de gracht #boomplantdag"
hashtags: [Boomplantdag, GroeneGracht, groenegracht]
quotes:
  - text: "“Een boom plant je voor je kleinkinderen.”"
    by: Daan Koster
    role: wethouder
  - text: '"Wij planten mee."'
    by: Anna de Vries
  - text: "„Zo'n dag vergeet je niet.”"
    by: Piet Pers
  - text: "'t Is een mooie dag"
    by: Joris
  - text: '"Groen" en "blauw"'
    by: Kees
images:
  - file: images/photo.jpg
    alt: Bomen langs de gracht
    lead: true
"""


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def build(newsroom, *extra: str) -> Path:
    result = newsroom.run("build", "--now", NOW, *extra)
    assert result.exit_code == 0, result.output
    return newsroom.site


@pytest.fixture
def site(newsroom) -> Path:
    newsroom.release("bomen", BOOMPLANTDAG)
    newsroom.photo("bomen", size=(2400, 1600))
    newsroom.release("winkel")   # no `updated:`
    return build(newsroom)


def tags_in(text: str) -> list[str]:
    return sorted(word.lower() for word in text.split() if word.startswith("#"))


def test_press_contact_link_near_the_top_jumps_to_the_contacts_after_the_news(site):
    page = soup(site / "bomen" / "index.html")
    link = page.select_one("header.release-header .press-contact a")
    assert link.get_text() == "Perscontact" and link["href"] == "#contacts"
    contacts = page.find(id="contacts")
    assert contacts.name == "section" and "contacts" in contacts["class"]
    assert "Sanne Jansen" in contacts.get_text()
    sections = [s["class"][0] for s in page.select("article.release > section")]
    assert sections.index("contacts") < sections.index("quotes")   # not at the bottom any more


def test_share_text_and_every_share_link_name_each_hashtag_once(site):
    page = soup(site / "bomen" / "index.html")
    expected = ["#boomplantdag", "#groenegracht"]
    assert tags_in(page.select_one("#share-text").get_text()) == expected
    assert page.select_one("#share-text").get_text().startswith(
        "Honderd nieuwe bomen langs de gracht #boomplantdag #GroeneGracht https://")
    links = {a["class"][0]: parse_qs(urlsplit(a["href"]).query) for a in page.select(".share-links a")}
    for network, field in (("share-x", "text"), ("share-mastodon", "text"), ("share-bluesky", "text"),
                           ("share-email", "body")):
        assert tags_in(links[network][field][0]) == expected, network
    # the hashtag section itself still lists what the release gives
    assert [t.get_text() for t in page.select(".hashtags .tag")] == ["#Boomplantdag", "#GroeneGracht", "#groenegracht"]


def test_quotes_lose_their_own_quotation_marks_once_and_nothing_else(site):
    page = soup(site / "bomen" / "index.html")
    texts = [p.get_text() for p in page.select(".quotes blockquote p")]
    assert texts == ["Een boom plant je voor je kleinkinderen.", "Wij planten mee.", "Zo'n dag vergeet je niet.",
                     "'t Is een mooie dag", '"Groen" en "blauw"']
    share = parse_qs(urlsplit(page.select_one("a.share-quote")["href"]).query)["text"][0]
    assert share == "“Een boom plant je voor je kleinkinderen.” — Daan Koster"


def test_copy_quote_button_carries_the_attribution(site):
    page = soup(site / "bomen" / "index.html")
    buttons = page.select(".quotes button.copy")
    assert buttons[0]["data-copy-text"] == "“Een boom plant je voor je kleinkinderen.” — Daan Koster, wethouder"
    assert buttons[1]["data-copy-text"] == "“Wij planten mee.” — Anna de Vries"


def test_a_click_on_a_photo_opens_the_1600_px_rendition_and_the_original_stays_a_download(site):
    photo = soup(site / "bomen" / "index.html").select_one("figure.photo")
    opened = site / "bomen" / unquote(photo.select_one("a.photo-link")["href"])
    with Image.open(opened) as image:
        assert image.width == 1600
    assert "hires/" not in photo.select_one("a.photo-link")["href"]
    download = photo.select_one("a.download")
    assert download["href"].startswith("hires/") and download.has_attr("download")


def test_updated_is_shown_and_is_the_modified_time_everywhere(site):
    page_path = site / "bomen" / "index.html"
    page = soup(page_path)
    updated = page.select_one(".dateline .updated")
    assert updated.get_text() == "Bijgewerkt 28 november 2026"
    assert updated.time["datetime"] == "2026-11-28T14:30:00+01:00"
    data = extruct.extract(page_path.read_text("utf-8"), base_url=f"{BASE}bomen/", syntaxes=["json-ld", "opengraph"])
    article, = data["json-ld"]
    assert article["datePublished"] == "2026-11-24T09:00:00+01:00"
    assert article["dateModified"] == "2026-11-28T14:30:00+01:00"
    entry = mf2py.parse(doc=page_path.read_text("utf-8"), url=f"{BASE}bomen/")["items"][0]["properties"]
    assert entry["updated"][0].startswith("2026-11-28T14:30:00+01")   # h-entry dt-updated
    og = dict(data["opengraph"][0]["properties"])
    assert og["article:modified_time"] == "2026-11-28T14:30:00+01:00"
    assert og["article:published_time"] == "2026-11-24T09:00:00+01:00"

    atom = feedparser.parse((site / "atom.xml").read_bytes())
    entries = {e.link: e for e in atom.entries}
    assert entries[f"{BASE}bomen/"].updated == "2026-11-28T14:30:00+01:00"
    assert entries[f"{BASE}bomen/"].published == "2026-11-24T09:00:00+01:00"
    assert entries[f"{BASE}winkel/"].updated == "2026-11-24T09:00:00+01:00"
    assert atom.feed.updated == "2026-11-28T14:30:00+01:00"   # the feed changed with the correction
    import json
    items = {i["url"]: i for i in json.loads((site / "feed.json").read_text("utf-8"))["items"]}
    assert items[f"{BASE}bomen/"]["date_modified"] == "2026-11-28T14:30:00+01:00"   # JSON Feed too
    assert items[f"{BASE}winkel/"]["date_modified"] == items[f"{BASE}winkel/"]["date_published"]
    sitemap = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in sitemap.getroot()}
    assert lastmod[f"{BASE}bomen/"] == "2026-11-28T14:30:00+01:00"


def test_without_updated_the_page_says_nothing_and_modified_is_published(site):
    page_path = site / "winkel" / "index.html"
    assert soup(page_path).select_one(".updated") is None
    article, = extruct.extract(page_path.read_text("utf-8"), syntaxes=["json-ld"])["json-ld"]
    assert article["dateModified"] == article["datePublished"]


def test_updated_in_english(newsroom):
    newsroom.release("trees", BOOMPLANTDAG.replace("title:", "language: en\ntitle:"))
    newsroom.photo("trees")
    page = soup(build(newsroom) / "trees" / "index.html")
    assert page.select_one(".dateline .updated").get_text() == "Updated November 28, 2026"
    assert page.select_one(".press-contact a").get_text() == "Press contact"


@pytest.mark.parametrize("command", ["check", "build"])
def test_updated_before_the_release_date_is_an_error(newsroom, command):
    newsroom.release("x", BOOMPLANTDAG.replace("updated: 2026-11-28T14:30:00+01:00", "updated: 2026-11-24"))
    newsroom.photo("x")
    result = newsroom.run(command, "--now", NOW)
    assert result.exit_code == 1
    assert ("releases/x/release.yaml:3: updated: is not after the release's date (2026-11-24T09:00:00+01:00); "
            "give when the correction was made") in result.output
    assert "Traceback" not in result.output


def test_updated_in_the_future_is_a_warning(newsroom):
    newsroom.release("x", BOOMPLANTDAG.replace("2026-11-28T14:30", "2026-12-28T14:30"))
    newsroom.photo("x")
    result = newsroom.run("check", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "warning: releases/x/release.yaml:3: updated: 2026-12-28T14:30:00+01:00 is still to come" in result.output


# ---------------------------------------------------------------- favicons

def with_logo(newsroom, name: str) -> None:
    text = (newsroom.root / "newsroom.yaml").read_text().replace(
        "  url: https://www.example.org\n", f"  url: https://www.example.org\n  logo: brand/{name}\n")
    newsroom.write("newsroom.yaml", text)


def icon_links(page: BeautifulSoup) -> dict[str, dict]:
    return {" ".join(link["rel"]): link.attrs for link in page.select('link[rel~="icon"], link[rel="apple-touch-icon"]')}


def test_a_raster_logo_becomes_favicons_that_every_page_links(newsroom):
    Image.new("RGBA", (400, 100), (10, 102, 194, 255)).save(newsroom.root / "brand.png")
    newsroom.write("brand/logo.png", (newsroom.root / "brand.png").read_bytes())
    with_logo(newsroom, "logo.png")
    newsroom.release("winkel")
    site = build(newsroom)
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    for page, root in ((site / "index.html", site), (site / "winkel" / "index.html", site / "winkel")):
        links = icon_links(soup(page))
        assert set(links) == {"icon", "apple-touch-icon"}
        with Image.open((root / links["icon"]["href"]).resolve()) as icon:
            assert icon.size == (32, 32) and links["icon"]["type"] == "image/png"
        with Image.open((root / links["apple-touch-icon"]["href"]).resolve()) as touch:
            assert touch.size == (180, 180) and touch.mode == "RGB"   # opaque: iOS paints transparency black
            assert touch.getpixel((2, 2)) == (255, 255, 255) and touch.getpixel((90, 90)) == (10, 102, 194)
    again = build(newsroom)   # kept by the next build too
    assert (again / "favicon.ico").is_file() and (again / "assets" / "favicon-32.png").is_file()


def test_an_svg_logo_is_the_icon_and_favicon_ico_is_a_plain_square(newsroom):
    newsroom.write("brand/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>')
    with_logo(newsroom, "logo.svg")
    newsroom.release("winkel")
    site = build(newsroom)
    links = icon_links(soup(site / "winkel" / "index.html"))
    assert links == {"icon": {"rel": ["icon"], "type": "image/svg+xml", "href": "../assets/logo.svg"}}
    assert (site / "assets" / "logo.svg").is_file()
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO"


def test_without_a_logo_no_icon_is_linked_but_favicon_ico_answers(newsroom):
    newsroom.release("winkel")
    site = build(newsroom)
    assert icon_links(soup(site / "index.html")) == {}
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO"
    assert not (site / "assets" / "favicon-32.png").exists()

