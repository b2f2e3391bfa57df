"""oEmbed: a consumer finds the release's oembed.json from the page's discovery link (lxml),
loads it, and embeds its html: a card with no script or other active content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

BASE = "https://pers.example.org/"
NOW = "2026-11-25T10:00+01:00"
SLUG = "2026-11-24-winkel"

HOSTILE = """\
title: "Winkel <script>alert(1)</script> \\" onmouseover=\\"alert(2) & co"
date: 2026-11-24T09:00:00+01:00
summary: "Open <img src=x onerror=alert(3)> <iframe src=javascript:alert(4)></iframe> vandaag."
images:
  - file: images/photo.jpg
    alt: "Alt \\"><script>alert(5)</script>"
    lead: true
quotes:
  - text: Een citaat.
    by: Piet
"""
PLAIN = """\
title: Zonder foto
date: 2026-11-23T09:00:00+01:00
summary: Alleen tekst.
"""
SECRET = """\
title: Geheim
date: 2026-11-26T09:00:00+01:00
embargo: 2026-11-26T09:00:00+01:00
summary: Geheim nieuws.
"""
ACTIVE = {"script", "iframe", "frame", "object", "embed", "form", "input", "button", "link", "meta", "base",
          "style", "svg", "math", "template", "audio", "video", "source"}


def build(newsroom, *extra):
    result = newsroom.run("build", "--now", NOW, *extra)
    assert result.exit_code == 0, result.output
    return newsroom.site


def discover(site: Path, slug: str) -> dict | None:
    """What an oEmbed consumer does: read the page, follow its json+oembed link, load the JSON."""
    page = lxml_html.parse(str(site / slug / "index.html"))
    links = page.xpath("//head/link[@rel='alternate'][@type='application/json+oembed']")
    if not links:
        return None
    assert len(links) == 1
    href = links[0].get("href")
    assert href.startswith(BASE), href   # consumers need an absolute address
    assert links[0].get("title") == page.findtext(".//h1")
    return json.loads((site / href[len(BASE):]).read_text("utf-8"))


def assert_inert(card: str) -> lxml_html.HtmlElement:
    """The card's HTML holds nothing that runs: no active element, handler or script URL."""
    fragment = lxml_html.fragment_fromstring(card, create_parent="div")
    for element in fragment.iter():
        assert element.tag not in ACTIVE, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert value.startswith(BASE), value
            assert "javascript:" not in value.lower().replace(" ", ""), (name, value)
    return fragment


@pytest.fixture
def press(newsroom):
    newsroom.release(SLUG, HOSTILE)
    newsroom.photo(SLUG, size=(1600, 1000))
    newsroom.release("2026-11-23-tekst", PLAIN)
    newsroom.release("2026-11-26-geheim", SECRET)
    return newsroom


def test_a_consumer_finds_the_card_and_it_is_inert(press):
    site = build(press)
    data = discover(site, SLUG)
    assert data["version"] == "1.0" and data["type"] == "rich"
    title = 'Winkel <script>alert(1)</script> " onmouseover="alert(2) & co'
    assert data["title"] == title
    assert data["provider_name"] == "Persberichten Testbedrijf" and data["provider_url"] == BASE
    assert data["author_name"] == "Testbedrijf" and data["author_url"] == "https://www.example.org"
    assert isinstance(data["width"], int) and isinstance(data["height"], int) and data["height"] > data["width"] // 2
    thumb = site / data["thumbnail_url"][len(BASE):]
    with Image.open(thumb) as image:
        assert image.size == (data["thumbnail_width"], data["thumbnail_height"])
    card = assert_inert(data["html"])
    assert "<script" not in data["html"] and "onerror=" not in data["html"].replace("onerror=alert", "")
    text = card.text_content()
    assert title in text   # user text shown as text
    assert "Open <img src=x onerror=alert(3)> <iframe src=javascript:alert(4)></iframe> vandaag." in text
    assert card.xpath("//a/@href") and set(card.xpath("//a/@href")) == {f"{BASE}{SLUG}/"}
    assert card.xpath("//img/@src") == [data["thumbnail_url"]]
    assert card.xpath("//img/@alt") == ['Alt "><script>alert(5)</script>']


def test_a_release_without_photos_has_a_card_without_thumbnail(press):
    site = build(press)
    data = discover(site, "2026-11-23-tekst")
    assert data["title"] == "Zonder foto" and data["type"] == "rich"
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(data)
    card = assert_inert(data["html"])
    assert not card.xpath("//img") and "Alleen tekst." in card.text_content()


def test_no_card_for_an_embargoed_release_even_in_a_preview(press):
    site = build(press, "--preview")
    assert (site / "2026-11-26-geheim" / "index.html").is_file()
    assert discover(site, "2026-11-26-geheim") is None
    assert not (site / "2026-11-26-geheim" / "oembed.json").exists()
    assert not list(build(press).rglob("*geheim*"))


def test_quote_and_photo_embed_codes_stay_as_they_are(press):
    site = build(press)
    page = lxml_html.parse(str(site / SLUG / "index.html"))
    assert page.xpath("//blockquote/p[@id='quote-1']/text()") == ["Een citaat."]
    codes = page.xpath("//textarea[@class='embed-code']/text()")
    assert len(codes) == 1 and codes[0].startswith("<figure><img src=")


def test_the_card_names_the_newsroom_in_the_release_language(newsroom):
    newsroom.write("newsroom.yaml", newsroom.root.joinpath("newsroom.yaml").read_text("utf-8").replace(
        "title: Persberichten Testbedrijf", "title: {nl: Persberichten Testbedrijf, en: Testbedrijf press releases}"))
    newsroom.release("2026-11-24-shop", "language: en\n" + PLAIN.replace("Zonder foto", "A shop"))
    newsroom.release("2026-11-24-winkel", PLAIN)
    site = build(newsroom)
    assert discover(site, "2026-11-24-shop")["provider_name"] == "Testbedrijf press releases"
    assert discover(site, "2026-11-24-winkel")["provider_name"] == "Persberichten Testbedrijf"
