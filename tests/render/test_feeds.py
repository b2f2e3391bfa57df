"""Feeds, sitemap and robots.txt, read back with the parsers readers and crawlers use."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html as lxml_html
from PIL import Image

BASE = "https://pers.example.org/"
NOW = "2026-11-25T10:00+01:00"
AFTER_EMBARGO = "2026-11-26T10:00+01:00"

OLD = """\
title: Oude winkel sluit
date: 2026-11-20T09:00:00+01:00
summary: De oude winkel sluit.
tags: [klantenservice]
hashtags: [Oud]
images:
  - file: images/photo.jpg
    alt: De oude winkel
"""

SHOP = """\
title: "Testbedrijf opent een winkel </script> & meer"
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
facts:
  - Tien **medewerkers**
body: |
  ## Waarom

  Meer staat in de [factsheet](docs/factsheet.pdf).
tags: [Sociale Media, klantenservice]
hashtags: [Winkel]
images:
  - file: images/photo.jpg
    alt: De nieuwe winkel
    lead: true
contacts:
  - name: Piet Pers
    email: piet@example.org
translations: [../2026-11-22-shop-en]
"""

SHOP_EN = """\
title: Testbedrijf opens a shop
language: en
date: 2026-11-22T09:00:00+01:00
summary: Today Testbedrijf opens a shop.
tags: [social media]
translations: [../2026-11-24-winkel]
"""

MERGER = """\
title: Testbedrijf fuseert
date: 2026-11-26T09:00:00+01:00
embargo: 2026-11-26T09:00:00+01:00
summary: Geheim nieuws.
tags: [geheime fusie]
"""


@pytest.fixture
def press(newsroom):
    """A newsroom with three public releases (two languages, tags, photos) and one under embargo."""
    newsroom.release("2026-11-20-oud", OLD)
    newsroom.photo("2026-11-20-oud", size=(900, 600))
    newsroom.release("2026-11-24-winkel", SHOP)
    newsroom.photo("2026-11-24-winkel", size=(2000, 1200))
    newsroom.release("2026-11-22-shop-en", SHOP_EN)
    newsroom.release("2026-11-26-fusie", MERGER)
    return newsroom


def build(newsroom, now=NOW, *extra):
    result = newsroom.run("build", "--now", now, *extra)
    assert result.exit_code == 0, result.output
    return newsroom.site


def parse(site: Path, path: str):
    feed = feedparser.parse((site / path).read_bytes())
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    return feed


def links(feed) -> list[str]:
    return [e.link for e in feed.entries]


ALL_FEEDS = ["feed.xml", "atom.xml", "nl/feed.xml", "nl/atom.xml", "en/feed.xml", "en/atom.xml",
             "tags/klantenservice/feed.xml", "tags/klantenservice/atom.xml",
             "tags/sociale-media/feed.xml", "tags/sociale-media/atom.xml",
             "tags/social-media/feed.xml", "tags/social-media/atom.xml"]


def test_every_feed_parses_with_the_right_items_newest_first(press):
    site = build(press)
    expected = {
        "": ["2026-11-24-winkel", "2026-11-22-shop-en", "2026-11-20-oud"],
        "nl/": ["2026-11-24-winkel", "2026-11-20-oud"],
        "en/": ["2026-11-22-shop-en"],
        "tags/klantenservice/": ["2026-11-24-winkel", "2026-11-20-oud"],
        "tags/sociale-media/": ["2026-11-24-winkel"],
        "tags/social-media/": ["2026-11-22-shop-en"],
    }
    for folder, slugs in expected.items():
        for name in ("feed.xml", "atom.xml"):
            feed = parse(site, folder + name)
            assert links(feed) == [f"{BASE}{s}/" for s in slugs], folder + name
            assert feed.version == ("rss20" if name == "feed.xml" else "atom10")
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.xml")
                    if p.name not in ("sitemap.xml", "news_sitemap.xml"))
    assert written == sorted(ALL_FEEDS)


def test_each_feed_names_itself_as_self(press):
    site = build(press)
    for path in ALL_FEEDS:
        feed = parse(site, path)
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [BASE + path], path


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_an_item_carries_everything_a_reader_shows(press, name):
    site = build(press)
    entry = parse(site, name).entries[0]
    url = f"{BASE}2026-11-24-winkel/"
    assert entry.title == "Testbedrijf opent een winkel </script> & meer"
    assert entry.id == url  # the GUID is the permalink: stable across builds
    assert entry.link == url
    assert entry.summary == "Vandaag opent Testbedrijf een winkel."
    raw = (site / name).read_text("utf-8")
    assert ("Tue, 24 Nov 2026 09:00:00 +0100" if name == "feed.xml" else "2026-11-24T09:00:00+01:00") in raw
    content = entry.content[0].value
    assert "<strong>medewerkers</strong>" in content
    assert f'href="{url}docs/factsheet.pdf"' in content  # relative links made absolute for readers
    assert {t.term for t in entry.tags} == {"Sociale Media", "klantenservice", "#Winkel"}
    assert "piet@example.org" in entry.author_detail.get("email", "") + entry.get("author", "")
    assert "Piet Pers" in entry.author


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_lead_image_is_enclosure_and_media_content_matching_the_file(press, name):
    site = build(press)
    entry = parse(site, name).entries[0]
    enclosure, = entry.enclosures
    media, = entry.media_content
    assert enclosure.href == media["url"]
    assert enclosure.href.startswith(f"{BASE}2026-11-24-winkel/img/")
    file = site / enclosure.href[len(BASE):]
    assert int(enclosure.length) == file.stat().st_size
    assert enclosure.type == "image/jpeg" == media["type"]
    with Image.open(file) as img:
        assert (int(media["width"]), int(media["height"])) == img.size
    assert media["medium"] == "image"
    en = next(e for e in parse(site, name).entries if e.link.endswith("shop-en/"))
    assert en.enclosures == [] and "media_content" not in en  # no photo, no enclosure


def test_atom_entries_have_one_alternate_link_and_a_typed_enclosure(press):
    site = build(press)
    tree = etree.parse(str(site / "atom.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = tree.find("a:entry", ns)
    rels = [(link.get("rel"), link.get("type")) for link in entry.findall("a:link", ns)]
    assert rels == [("alternate", None), ("enclosure", "image/jpeg")]
    feed = parse(site, "atom.xml")
    assert [e.content[0].language for e in feed.entries] == ["nl", "en", "nl"]  # each entry its own language


def test_embargoed_release_appears_only_after_its_embargo(press, tmp_path):
    before = build(press, NOW)
    for path in ALL_FEEDS:
        assert "fusie" not in (before / path).read_text("utf-8"), path
    assert not (before / "tags" / "geheime-fusie").exists()  # a feed's name alone would leak it
    assert "fusie" not in (before / "sitemap.xml").read_text("utf-8")
    assert "fusie" not in (before / "index.html").read_text("utf-8")

    after = build(press, AFTER_EMBARGO)
    assert links(parse(after, "feed.xml"))[0] == f"{BASE}2026-11-26-fusie/"
    assert links(parse(after, "atom.xml"))[0] == f"{BASE}2026-11-26-fusie/"
    assert links(parse(after, "tags/geheime-fusie/feed.xml")) == [f"{BASE}2026-11-26-fusie/"]
    assert f"{BASE}2026-11-26-fusie/" in sitemap_urls(after)


def test_preview_page_is_noindex_and_absent_from_feeds_and_sitemap(press):
    site = build(press, NOW, "--preview")
    page = lxml_html.parse(str(site / "2026-11-26-fusie" / "index.html"))
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
    assert f"{BASE}2026-11-26-fusie/" not in sitemap_urls(site)
    assert all("fusie" not in (site / p).read_text("utf-8") for p in ALL_FEEDS)
    assert not (site / "tags" / "geheime-fusie").exists()
    public = lxml_html.parse(str(site / "2026-11-24-winkel" / "index.html"))
    assert public.xpath("//meta[@name='robots']") == []


def test_newest_fifty_items_only(newsroom):
    for day in range(1, 53):
        date = f"2026-{10 + day // 31:02d}-{day % 31 + 1:02d}T09:00:00+01:00"
        newsroom.release(f"r{day:02d}", f"title: Nieuws {day}\ndate: {date}\nsummary: Nummer {day}.\n"
                                        "tags: [nieuws]\n")
    site = build(newsroom)
    for path in ("feed.xml", "atom.xml", "nl/feed.xml", "tags/nieuws/atom.xml"):
        feed = parse(site, path)
        assert len(feed.entries) == 50
        assert [e.title for e in feed.entries[:2]] == ["Nieuws 52", "Nieuws 51"]
        assert feed.entries[-1].title == "Nieuws 3"


def test_empty_newsroom_has_valid_empty_feeds(newsroom):
    site = build(newsroom)
    for path in ("feed.xml", "atom.xml", "nl/feed.xml", "nl/atom.xml"):
        assert parse(site, path).entries == []
    assert sitemap_urls(site) == [BASE]


def test_feeds_and_sitemap_are_byte_identical_across_builds(press, tmp_path):
    first = press.run("build", "--now", NOW, "-o", str(tmp_path / "one"))
    second = press.run("build", "--now", "2026-11-25T23:00+01:00", "-o", str(tmp_path / "two"))
    assert first.exit_code == second.exit_code == 0
    for path in [*ALL_FEEDS, "sitemap.xml", "robots.txt"]:
        assert filecmp.cmp(tmp_path / "one" / path, tmp_path / "two" / path, shallow=False), path


def test_every_page_points_readers_to_its_feeds(press):
    site = build(press)
    pages = sorted(site.rglob("index.html"))
    lists = [p for p in pages if p.relative_to(site).parts[0] in ("tags", "archive")
             or {"archive", "media"} & set(p.relative_to(site).parts)]
    assert len(pages) - len(lists) == 5   # three releases, the index and the English index (en/)
    assert site / "tags" / "sociale-media" / "index.html" in lists   # tag pages and year archives too
    for page in pages:
        doc = lxml_html.parse(str(page))
        found = doc.xpath("//head/link[@rel='alternate'][@type][@type!='application/json+oembed']")
        hrefs = {(link.get("type"), link.get("href")) for link in found}
        for kind, href in hrefs:
            assert kind in ("application/rss+xml", "application/atom+xml", "application/feed+json")
            assert (page.parent / href).resolve().is_file(), (page, href)
        targets = {(page.parent / href).resolve().relative_to(site).as_posix() for _, href in hrefs}
        assert {"feed.xml", "atom.xml", "feed.json"} <= targets, page
    shop = lxml_html.parse(str(site / "2026-11-24-winkel" / "index.html"))
    hrefs = set(shop.xpath("//head/link[@rel='alternate'][@type][@type!='application/json+oembed']/@href"))
    assert hrefs == {"../feed.xml", "../atom.xml", "../feed.json", "../nl/feed.xml", "../nl/atom.xml",
                     "../nl/feed.json", "../tags/sociale-media/feed.xml", "../tags/sociale-media/atom.xml",
                     "../tags/sociale-media/feed.json", "../tags/klantenservice/feed.xml",
                     "../tags/klantenservice/atom.xml", "../tags/klantenservice/feed.json"}
    en = lxml_html.parse(str(site / "2026-11-22-shop-en" / "index.html"))
    assert "../en/feed.xml" in en.xpath("//head/link[@rel='alternate'][@type][@type!='application/json+oembed']/@href")


def sitemap_urls(site: Path) -> list[str]:
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return tree.xpath("//s:url/s:loc/text()", namespaces=ns)


def test_sitemap_lists_exactly_the_public_pages_with_lastmod(press):
    site = build(press)
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): u for u in tree.xpath("//s:url", namespaces=ns)}
    pages = {BASE} | {f"{BASE}{p.parent.name}/" for p in site.glob("*/index.html") if p.parent.name != "media"}
    assert set(urls) == pages == {BASE, f"{BASE}2026-11-24-winkel/", f"{BASE}2026-11-22-shop-en/",
                                  f"{BASE}2026-11-20-oud/", f"{BASE}en/"}   # en/: the English index
    assert urls[f"{BASE}2026-11-20-oud/"].findtext("s:lastmod", namespaces=ns) == "2026-11-20T09:00:00+01:00"
    assert urls[BASE].findtext("s:lastmod", namespaces=ns) == "2026-11-24T09:00:00+01:00"
    alternates = urls[f"{BASE}2026-11-24-winkel/"].xpath("x:link", namespaces=ns)
    assert {(a.get("hreflang"), a.get("href")) for a in alternates} == {
        ("nl", f"{BASE}2026-11-24-winkel/"), ("en", f"{BASE}2026-11-22-shop-en/"),
        ("x-default", f"{BASE}2026-11-24-winkel/")}
    robots = (site / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_base_url_with_a_path_prefixes_every_absolute_url(newsroom):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text("utf-8")
                   .replace("base_url: https://pers.example.org/", "base_url: https://example.org/pers"))
    newsroom.release("2026-11-24-winkel", SHOP.replace("translations: [../2026-11-22-shop-en]\n", ""))
    newsroom.photo("2026-11-24-winkel")
    site = build(newsroom)
    feed = parse(site, "atom.xml")
    assert feed.entries[0].link == "https://example.org/pers/2026-11-24-winkel/"
    assert feed.entries[0].enclosures[0].href.startswith("https://example.org/pers/2026-11-24-winkel/img/")
    assert sitemap_urls(site) == ["https://example.org/pers/", "https://example.org/pers/2026-11-24-winkel/"]
    assert "Sitemap: https://example.org/pers/sitemap.xml" in (site / "robots.txt").read_text("utf-8")


LOOKALIKE = """\
title: "Tags in de tekst"
date: 2026-11-23T09:00:00+01:00
summary: "Een regel met </item> en </entry> erin."
tags: [klantenservice]
body: |
  Tekst die op een feed lijkt:

      <item>
        <title>nep</title>
        <category domain="https://pers.example.org/tags/nep/">nep</category>
      </item>
    <entry>
"""


def test_each_feed_is_what_feedgen_writes_with_all_its_entries_at_once(press):
    """Feeds are assembled from entries built once per release; they must be byte for byte
    the feed feedgen writes whole, lookalike text in a release included."""
    from generator.render import feeds
    from generator.photos.pipeline import process_images
    from generator.render.pages import Pages
    from generator.newsroom.site import load_site

    press.release("2026-11-23-lookalike", LOOKALIKE)
    site_dir = build(press)
    site = load_site(press.root, dt.datetime.fromisoformat(NOW))
    leads = {}
    for item in site.public:
        images = process_images(item, press.root / "scratch" / item.slug)
        leads[item.slug] = next((i for i in images if i.lead), None)
    pages = Pages(site)
    planned = pages.feeds
    assert len(planned) == 6
    for feed in planned:
        whole = feeds._channel(site, feed)
        entry_links = {}
        for item in reversed(feed.items):
            entry = whole.add_entry()
            feeds._entry(entry, site, item, pages.feed_content(item), leads[item.slug],
                         feed.key if feed.kind == "tag" else None)   # a tag's feed lists its tag only
            entry_links[entry.id()] = {"links": entry.link(), "lang": item.language}
        assert (site_dir / feed.rss).read_bytes() == whole.rss_str(pretty=True), feed.rss
        feeds._atom_self(whole, site, feed)
        assert (site_dir / feed.atom).read_bytes() == feeds._atom_links(whole.atom_str(pretty=True), entry_links), feed.atom
    for path in ("tags/klantenservice/feed.xml", "tags/klantenservice/atom.xml"):
        assert [e.title for e in parse(site_dir, path).entries] == [
            "Testbedrijf opent een winkel </script> & meer", "Tags in de tekst", "Oude winkel sluit"]
        assert "Een regel met &lt;/item&gt; en &lt;/entry&gt; erin." in (site_dir / path).read_text("utf-8")


def _tagged_newsroom(newsroom, releases: int, tags: int) -> int:
    """`releases` releases with `tags` tags each, no tag shared; the bytes of the built site."""
    for r in range(releases):
        names = ", ".join(f"onderwerp {r * tags + i}" for i in range(tags))
        newsroom.release(f"r{r:03}", f"title: Bericht {r}\ndate: 2026-11-{1 + r:02}\nsummary: Samenvatting {r}.\n"
                                     f"body: Een tekst.\ntags: [{names}]\nhashtags: [nieuws{r}]\n")
    assert newsroom.run("build").exit_code == 0
    return sum(p.stat().st_size for p in newsroom.site.rglob("*")   # the search's code is the same size anyway
               if p.is_file() and "assets" not in p.parts and "pagefind" not in p.parts)


def test_output_grows_linearly_with_tags(tmp_path):
    """Each tag has its own feeds, and each of them lists the release: its entry there names
    that tag alone, so the site grows with releases x tags, not with the square (20 000 tags
    on one release once wrote 69 GB)."""
    from generator.newsroom.limits import MAX_TAGS
    from tests.conftest import Newsroom

    sizes = {}
    for releases, tags in [(4, MAX_TAGS), (8, MAX_TAGS), (8, MAX_TAGS // 5)]:
        sizes[releases, tags] = _tagged_newsroom(Newsroom(tmp_path / f"{releases}-{tags}"), releases, tags)
    per_feed = {key: size / (key[0] * (key[1] + 2)) for key, size in sizes.items()}
    assert sizes[8, MAX_TAGS] < 2.1 * sizes[4, MAX_TAGS]            # twice the releases: twice the bytes
    assert per_feed[8, MAX_TAGS] < 1.2 * per_feed[8, MAX_TAGS // 5]  # ten times the tags: ten times the bytes
    assert max(per_feed.values()) < 10_000   # the tag's feeds and page (render/archive.py), the release's share of pages

    site = tmp_path / f"8-{MAX_TAGS}" / "_site"
    rss = feedparser.parse((site / "tags/onderwerp-7/feed.xml").read_bytes())
    atom = feedparser.parse((site / "tags/onderwerp-7/atom.xml").read_bytes())
    for feed in (rss, atom):
        assert [t.term for t in feed.entries[0].tags] == ["onderwerp 7"]
    everything = feedparser.parse((site / "feed.xml").read_bytes())
    assert len(everything.entries[-1].tags) == MAX_TAGS + 1          # the newsroom's feed names them all


# ---------------------------------------------------------------- JSON Feed 1.1

JSON_FEEDS = [p.replace("atom.xml", "feed.json") for p in ALL_FEEDS if p.endswith("atom.xml")]


def read_json_feed(site: Path, path: str):
    """The feed as a JSON Feed reader gets it (jsonfeed-util), and the raw object, checked
    against what the spec requires (version, title, items[].id, content_html or content_text)."""
    import json

    import jsonfeed

    raw = json.loads((site / path).read_text("utf-8"))
    assert raw["version"] == "https://jsonfeed.org/version/1.1", path
    assert isinstance(raw["title"], str) and raw["title"], path
    assert isinstance(raw["items"], list), path
    for item in raw["items"]:
        assert isinstance(item["id"], str) and item["id"], path
        assert item.get("content_html") or item.get("content_text"), path
    return jsonfeed.Feed.parse(raw), raw


def test_json_feeds_hold_what_the_atom_feeds_hold(press):
    site = build(press)
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("feed.json"))
    assert written == sorted(JSON_FEEDS)
    for path in JSON_FEEDS:
        feed, raw = read_json_feed(site, path)
        atom = parse(site, path.replace("feed.json", "atom.xml"))
        assert [i.id for i in feed.items] == [i.url for i in feed.items] == links(atom), path
        assert [i.title for i in feed.items] == [e.title for e in atom.entries], path
        assert feed.feed_url == BASE + path and feed.home_page_url == BASE
        assert feed.title == atom.feed.title and raw["language"] == atom.feed.language
        assert [dt.datetime.fromisoformat(i.date_published) for i in feed.items] == [
            dt.datetime(*e.published_parsed[:6], tzinfo=dt.timezone.utc) for e in atom.entries], path
        assert not feed.hubs and "hubs" not in raw   # no hub configured
    feed, raw = read_json_feed(site, "feed.json")
    shop = feed.items[0]
    assert shop.title == "Testbedrijf opent een winkel </script> & meer"
    assert "<strong>medewerkers</strong>" in shop.content_html
    assert f'href="{BASE}2026-11-24-winkel/docs/factsheet.pdf"' in shop.content_html   # absolute, as in Atom
    assert shop.summary == "Vandaag opent Testbedrijf een winkel."
    assert shop.tags == ["Sociale Media", "klantenservice", "#Winkel"]
    assert shop.image.startswith(f"{BASE}2026-11-24-winkel/img/")
    attachment = shop.attachments[0]
    assert attachment.url == shop.image and attachment.mime_type.startswith("image/")
    size = raw["items"][0]["attachments"][0]["size_in_bytes"]   # jsonfeed-util 1.2 reads it as a 1-tuple
    assert size == (site / shop.image[len(BASE):]).stat().st_size
    # a tag's feed names its own tag only, as its RSS and Atom entries do
    tagged, _ = read_json_feed(site, "tags/sociale-media/feed.json")
    assert [i.tags for i in tagged.items] == [["Sociale Media"]]
    # nothing embargoed in any feed
    assert not any("fusie" in (site / p).read_text("utf-8") for p in JSON_FEEDS)


def test_empty_newsroom_has_valid_empty_json_feeds(newsroom):
    site = build(newsroom)
    for path in ("feed.json", "nl/feed.json"):
        feed, _ = read_json_feed(site, path)
        assert feed.items == []


def test_json_feeds_are_byte_identical_across_builds(press, tmp_path):
    for name, now in (("one", NOW), ("two", "2026-11-25T23:00+01:00")):
        assert press.run("build", "--now", now, "-o", str(tmp_path / name)).exit_code == 0
    for path in JSON_FEEDS:
        assert filecmp.cmp(tmp_path / "one" / path, tmp_path / "two" / path, shallow=False), path


HUB = "https://hub.example.net/"


def test_every_feed_names_the_websub_hub_and_itself(press):
    press.write("newsroom.yaml", (press.root / "newsroom.yaml").read_text("utf-8") + f"websub_hub: {HUB}\n")
    site = build(press)
    for path in ALL_FEEDS:
        feed = parse(site, path)
        rels = [(link.rel, link.href) for link in feed.feed.links if link.rel in ("hub", "self")]
        assert sorted(rels) == [("hub", HUB), ("self", BASE + path)], path
    for path in JSON_FEEDS:
        feed, raw = read_json_feed(site, path)
        assert [(h.type, h.url) for h in feed.hubs] == [("WebSub", HUB)], path


# ---------------------------------------------------------------- Google News sitemap

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
DRAFT = """\
title: Nog niet af
draft: true
date: 2026-11-25T08:00:00+01:00
summary: Concept.
"""


def news_sitemap(site: Path) -> list[dict]:
    """The news sitemap as a crawler reads it (lxml), its namespaces checked on the way."""
    tree = etree.parse(str(site / "news_sitemap.xml"))
    root = tree.getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    ns = {"s": SITEMAP_NS, "n": NEWS_NS}
    found = []
    for url in root.findall("s:url", ns):
        news = url.findall("n:news", ns)
        assert len(news) == 1
        publication = news[0].find("n:publication", ns)
        found.append({"loc": url.findtext("s:loc", namespaces=ns),
                      "name": publication.findtext("n:name", namespaces=ns),
                      "language": publication.findtext("n:language", namespaces=ns),
                      "date": news[0].findtext("n:publication_date", namespaces=ns),
                      "title": news[0].findtext("n:title", namespaces=ns)})
    for element in root.iter():
        assert etree.QName(element).namespace in (SITEMAP_NS, NEWS_NS), element.tag
    return found


def test_news_sitemap_lists_public_releases_of_the_last_two_days(press):
    press.release("2026-11-25-concept", DRAFT)
    site = build(press)
    assert news_sitemap(site) == [{"loc": f"{BASE}2026-11-24-winkel/", "name": "Persberichten Testbedrijf",
                                   "language": "nl", "date": "2026-11-24T09:00:00+01:00",
                                   "title": "Testbedrijf opent een winkel </script> & meer"}]
    assert f"Sitemap: {BASE}news_sitemap.xml" in (site / "robots.txt").read_text("utf-8").splitlines()
    # a day later the embargo has lifted, and the shop is more than two days old
    site = build(press, AFTER_EMBARGO)
    assert [(u["loc"], u["title"]) for u in news_sitemap(site)] == [(f"{BASE}2026-11-26-fusie/", "Testbedrijf fuseert")]
    assert "concept" not in (site / "news_sitemap.xml").read_text("utf-8")


def test_news_sitemap_follows_the_clock_in_an_incremental_build(newsroom, tmp_path):
    """Nothing in the newsroom changes, only the time: the build must not keep the old list."""
    newsroom.release("2026-11-24-winkel", SHOP.replace("translations: [../2026-11-22-shop-en]\n", ""))
    newsroom.photo("2026-11-24-winkel")
    site = build(newsroom, NOW)
    assert [u["loc"] for u in news_sitemap(site)] == [f"{BASE}2026-11-24-winkel/"]
    site = build(newsroom, "2026-11-26T08:59+01:00")
    assert len(news_sitemap(site)) == 1
    later = "2026-11-26T09:01+01:00"
    site = build(newsroom, later)
    assert news_sitemap(site) == []
    cold = newsroom.run("build", "--now", later, "-o", str(tmp_path / "cold"))
    assert cold.exit_code == 0, cold.output
    for path in ("news_sitemap.xml", "sitemap.xml", "robots.txt", "feed.json", "2026-11-24-winkel/index.html"):
        assert filecmp.cmp(site / path, tmp_path / "cold" / path, shallow=False), path
    site = build(newsroom, NOW)   # back in time (--now): listed again
    assert len(news_sitemap(site)) == 1


def test_news_sitemap_keeps_the_newest_thousand_and_nothing_from_the_future():
    from generator.render.sitemap import news_language, recent

    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone.utc)
    dated = [(f"r{n}", now + dt.timedelta(minutes=1) - dt.timedelta(minutes=2 * n)) for n in range(1500)]
    listed = recent(dated, now)
    assert listed == [f"r{n}" for n in range(1, 1001)]
    assert recent([("old", now - dt.timedelta(days=2, seconds=1))], now) == []
    assert [news_language(x) for x in ("en-GB", "nl", "zh-TW", "zh-Hans", "pt_BR")] == ["en", "nl", "zh-tw", "zh-cn", "pt"]
