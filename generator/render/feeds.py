"""RSS 2.0, Atom (feedgen) and JSON Feed 1.1: the newsroom's, one set per language, one per tag.

Only `site.public` releases appear here: an embargoed release is never in a feed, preview
or not, and a language or tag that only embargoed releases have gets no feed (its address
alone would leak the news). Feeds carry no timestamp but the releases' own dates, so two
builds of the same input are byte-identical. With `websub_hub` in newsroom.yaml every feed
names that hub (`<link rel="hub">`, JSON Feed `hubs`); publish pings it (publish/websub.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from generator.render.metadata import logo_url

MAX_ITEMS = 50
RSS_FILE = "feed.xml"
ATOM_FILE = "atom.xml"
JSON_FILE = "feed.json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
TAGS_DIR = "tags"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # `updated` of a feed with no items yet


@dataclass
class Feed:
    """One RSS + Atom + JSON Feed set: where it lives (relative to the site root) and what it holds."""

    path: str                   # "" for the newsroom, "nl/", "tags/social-media/"
    title: str
    language: str
    kind: str                   # "all", "language" or "tag"
    key: str = ""               # the language tag or the tag slug
    items: list = field(default_factory=list)

    @property
    def rss(self) -> str:
        return self.path + RSS_FILE

    @property
    def atom(self) -> str:
        return self.path + ATOM_FILE

    @property
    def json(self) -> str:
        return self.path + JSON_FILE

    @property
    def files(self) -> list[str]:
        return [self.rss, self.atom, self.json]


def language_key(language: str) -> str:
    """The folder of a language's feeds: 'en-GB' -> 'en-gb'."""
    return language.lower()


def tag_key(site, tag: str) -> str:
    """The folder of a tag's feeds under tags/: one per tag across the site (newsroom/site.py)."""
    return site.tag_slug(tag)


def plan(site) -> list[Feed]:
    """Every feed a build writes, from the public releases (newest first, at most MAX_ITEMS)."""
    newsroom = site.newsroom
    public = site.public
    feeds = [Feed("", newsroom.title, newsroom.language, "all", items=public[:MAX_ITEMS])]
    languages = sorted({language_key(i.language) for i in public} | {language_key(newsroom.language)})
    for lang in languages:
        items = [i for i in public if language_key(i.language) == lang]
        title = newsroom.in_language(lang).title   # the site's title in the feed's own language
        feeds.append(Feed(f"{lang}/", f"{title} ({lang})", lang, "language", lang, items[:MAX_ITEMS]))
    names: dict[str, str] = {}
    tagged: dict[str, list] = {}
    for item in public:
        for key in dict.fromkeys(tag_key(site, t) for t in item.tags):
            tagged.setdefault(key, []).append(item)
        for tag in item.tags:
            names.setdefault(tag_key(site, tag), tag)  # newest release's spelling names the feed
    for key in sorted(names):
        items = tagged[key]
        feeds.append(Feed(f"{TAGS_DIR}/{key}/", f"{newsroom.title}: {names[key]}", newsroom.language,
                          "tag", key, items[:MAX_ITEMS]))
    return feeds


def discovery(feeds: list[Feed], language: str, tag_keys=()) -> list[dict]:
    """The feeds a page points readers to with <link rel="alternate">: the newsroom's,
    its language's and its tags' (`tag_keys`: `tag_key` of each). `href` is relative to the site root."""
    positions = _positions(feeds)   # looked up, not searched: a newsroom may have thousands of tag feeds
    wanted = {("all", ""), ("language", language_key(language))} | {("tag", key) for key in tag_keys}
    links = []
    for at in sorted(positions[w] for w in wanted if w in positions):
        feed = feeds[at]
        links.append({"type": "application/rss+xml", "title": f"{feed.title} (RSS)", "href": feed.rss})
        links.append({"type": "application/atom+xml", "title": f"{feed.title} (Atom)", "href": feed.atom})
        links.append({"type": "application/feed+json", "title": f"{feed.title} (JSON Feed)", "href": feed.json})
    return links


_last_positions: tuple[list, int, dict] = ([], 0, {})


def _positions(feeds: list[Feed]) -> dict[tuple[str, str], int]:
    """(kind, key) -> index in `feeds`, kept for the one list of feeds that a build asks about."""
    global _last_positions
    if _last_positions[0] is not feeds or _last_positions[1] != len(feeds):
        index: dict[tuple[str, str], int] = {}
        for at, feed in enumerate(feeds):
            index.setdefault((feed.kind, feed.key), at)
        _last_positions = (feeds, len(feeds), index)
    return _last_positions[2]


@functools.lru_cache(maxsize=4096)   # a release is in several feeds: its newsroom's, language's, tags'
def absolute_links(content: str, page_url: str) -> str:
    """Feed readers show content away from the page: make its relative links absolute.

    `content` is sanitised HTML (markup.py), whose attribute values are always double-quoted.
    """
    def fix(match: re.Match) -> str:
        target = urljoin(page_url, html.unescape(match[2]))
        return f'{match[1]}="{html.escape(target, quote=True)}"'

    return _LINK.sub(fix, content)


_LINK = re.compile(r'\b(href|src)="([^"]*)"')


def write_feed(site, feed: Feed, out: Path, entries: dict[str, tuple]) -> list[str]:
    """Write one feed's RSS, Atom and JSON Feed files; returns their paths relative to `out`.

    `entries` holds each listed release's <item>, <entry> and JSON Feed item (see
    `entry_texts`): feedgen writes the channel, and the entries go in as they are, newest first."""
    fg = _channel(site, feed)
    rss_entries = [entries[i.slug][0] for i in feed.items]
    atom_entries = [entries[i.slug][1] for i in feed.items]
    if feed.kind == "tag":   # each entry names this feed's tag only: output grows with tags, not their square
        scheme = html.escape(tag_scheme(site, feed.key), quote=True).encode()
        rss_entries = [_only_tag(entry, scheme) for entry in rss_entries]
        atom_entries = [_only_tag(entry, scheme) for entry in atom_entries]
    rss = _splice(_rss_hub(fg.rss_str(pretty=True), site, feed), b"  </channel>\n", rss_entries)
    _atom_self(fg, site, feed)
    atom = _splice(_atom_links(fg.atom_str(pretty=True), {}), b"</feed>\n", atom_entries)
    (out / feed.path).mkdir(parents=True, exist_ok=True)
    (out / feed.rss).write_bytes(rss)
    (out / feed.atom).write_bytes(atom)
    (out / feed.json).write_bytes(json_feed(site, feed, [entries[i.slug][2] for i in feed.items]))
    return feed.files


def json_feed(site, feed: Feed, items: list[dict]) -> bytes:
    """The feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1), UTF-8, keys in a fixed
    order. `items` are the listed releases' `json_item`s; in a tag's feed each names that tag only."""
    newsroom = site.newsroom
    org = newsroom.organization
    data = {"version": JSON_FEED_VERSION, "title": feed.title, "home_page_url": newsroom.base_url,
            "feed_url": newsroom.base_url + feed.json, "description": feed.title, "language": feed.language,
            "authors": [{"name": org.name, **({"url": org.url} if org.url else {})}]}
    if org.logo:
        data["favicon"] = logo_url(newsroom)
    if newsroom.websub_hub:
        data["hubs"] = [{"type": "WebSub", "url": newsroom.websub_hub}]
    listed = []
    for entry in items:
        item = dict(entry["item"])
        if feed.kind == "tag":
            item["tags"] = [t for t in entry["tags"] if tag_key(site, t) == feed.key]
        elif entry["tags"] or entry["hashtags"]:
            item["tags"] = [*entry["tags"], *("#" + h for h in entry["hashtags"])]
        if not item.get("tags"):
            item.pop("tags", None)
        listed.append(item)
    data["items"] = listed
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def json_item(site, item, content: str, lead) -> dict:
    """One release as a JSON Feed item, with its tags and hashtags kept beside it (each feed
    names those it lists: see `json_feed`)."""
    release = item.release
    url = site.newsroom.base_url + item.slug + "/"
    entry = {"id": url, "url": url, "title": release.title,
             "content_html": absolute_links(content, url) or html.escape(release.summary, quote=False),
             "summary": release.summary, "date_published": item.date.isoformat(),
             "date_modified": (release.updated or item.date).isoformat(), "language": item.language,
             "authors": [{"name": _author(site, release)["name"]}]}
    if lead is not None:
        image_url = url + lead.src
        entry["image"] = image_url
        entry["attachments"] = [{"url": image_url, "mime_type": mimetypes.guess_type(lead.src)[0] or "image/jpeg",
                                 "size_in_bytes": lead.src_bytes}]
    return {"item": entry, "tags": list(release.tags), "hashtags": list(release.hashtags)}


def _rss_hub(xml: bytes, site, feed: Feed) -> bytes:
    """RSS names the WebSub hub as an <atom:link rel="hub">, after its rel=self one (feedgen
    writes only that one)."""
    hub = site.newsroom.websub_hub
    if not hub:
        return xml
    mark = b' rel="self"/>\n'
    at = xml.index(mark) + len(mark)
    line_start = xml.rfind(b"\n", 0, at - len(mark)) + 1
    indent = xml[line_start:xml.index(b"<", line_start)]
    href = html.escape(hub, quote=True).encode()
    return xml[:at] + indent + b'<atom:link href="' + href + b'" rel="hub"/>\n' + xml[at:]


def entry_texts(site, releases: list[tuple]) -> list[tuple[bytes, bytes, dict]]:
    """Each release's RSS <item> and Atom <entry>, exactly as every feed that lists it has them
    (UTF-8, as they are kept between builds and written), and its JSON Feed item (`json_item`).

    `releases` holds (item, content HTML, lead photo) tuples. A release is in up to four
    feeds (the newsroom's, its language's, its tags'): building its entry once, with its
    page, and splicing the text into each feed halves the work of building every feed
    whole; the build keeps the entry with the release's record until the release changes.
    feedgen pretty-prints an entry the same whatever stands around it, so the feeds are byte
    for byte the same."""
    if not releases:
        return []
    fg = _channel(site, Feed("", site.newsroom.title, site.newsroom.language, "all"))
    links = {}
    for item, content, lead in reversed(releases):  # feedgen prepends: the first ends on top
        entry = fg.add_entry()
        _entry(entry, site, item, content, lead)
        links[entry.id()] = {"links": entry.link(), "lang": item.language}
    items = _split(fg.rss_str(pretty=True), b"    <item>\n", b"    </item>\n")
    entries = _split(_atom_links(fg.atom_str(pretty=True), links), b"  <entry", b"  </entry>\n")
    assert len(items) == len(entries) == len(releases)
    return list(zip(items, entries, [json_item(site, item, content, lead) for item, content, lead in releases]))


def tag_scheme(site, key: str) -> str:
    """The address of a tag's feeds, which its categories name as their scheme (Atom) or domain (RSS)."""
    return f"{site.newsroom.base_url}{TAGS_DIR}/{key}/"


# One category element of a pretty-printed entry, with its indentation and line end. Its text is
# escaped and lxml writes `>` in attributes as &gt;, so neither holds a `<` or `>` of its own.
_CATEGORY = re.compile(rb'[ \t]*<category\b([^<>]*)(?:/>|>[^<]*</category>)\n')


def _only_tag(entry: bytes, scheme: bytes) -> bytes:
    """An entry for a tag's feed: of its categories (every tag and hashtag of the release),
    only those of this tag. Byte for byte what feedgen writes for an entry given just them
    (tests/render/test_feeds.py): a release with 50 tags is in 52 feeds, and lists 100
    categories in 2 of them instead of in all 52."""
    first = entry.find(b"<category")   # text is escaped: only an element starts so
    if first == -1:
        return entry
    start = entry.rfind(b"\n", 0, first) + 1   # the regex reads from there, not through the content
    return entry[:start] + _CATEGORY.sub(lambda m: m[0] if b'"' + scheme + b'"' in m[1] else b"", entry[start:])


def _split(xml: bytes, opening: bytes, closing: bytes) -> list[bytes]:
    """The entries of a pretty-printed feed, each from its opening line through its closing
    line. Text content is escaped, so a line starting with the tag is the tag."""
    parts, at = [], 0
    while (begin := xml.find(b"\n" + opening, at)) != -1:
        stop = xml.index(b"\n" + closing, begin) + 1 + len(closing)
        parts.append(xml[begin + 1:stop])
        at = stop - 1
    return parts


def _splice(xml: bytes, closing: bytes, entries: list[bytes]) -> bytes:
    """Put the entries in front of the closing tag of a feed written without entries."""
    at = xml.rindex(closing)
    return xml[:at] + b"".join(entries) + xml[at:]


def _channel(site, feed: Feed):
    """A FeedGenerator with the feed's own fields and no entries yet."""
    from feedgen.feed import FeedGenerator

    from generator import __version__

    newsroom = site.newsroom
    base = newsroom.base_url
    org = newsroom.organization
    fg = FeedGenerator()
    fg.load_extension("media", atom=True, rss=True)
    fg.id(base + feed.rss)
    fg.title(feed.title)
    fg.subtitle(feed.title)  # RSS requires a description; Atom's subtitle sets it too
    fg.link(href=base + feed.rss, rel="self")
    if newsroom.websub_hub:
        fg.link(href=newsroom.websub_hub, rel="hub")
    fg.link(href=base, rel="alternate")  # feedgen gives RSS's <link> the last one: the newsroom
    fg.language(feed.language)
    fg.author({"name": org.name, **({"uri": org.url} if org.url else {})})
    fg.generator("smr", version=__version__)
    if org.logo:
        fg.logo(logo_url(newsroom))
    fg.updated(max((i.updated or i.date for i in feed.items), default=EPOCH))
    return fg


def _atom_self(fg, site, feed: Feed) -> None:
    """The channel's links for the Atom file: it names itself, not the RSS file, as "self"."""
    base = site.newsroom.base_url
    hub = [{"href": site.newsroom.websub_hub, "rel": "hub"}] if site.newsroom.websub_hub else []
    fg.link([{"href": base + feed.atom, "rel": "self"}, *hub, {"href": base, "rel": "alternate"}], replace=True)


def _atom_links(xml: bytes, entries: dict[str, dict]) -> bytes:
    """Rewrite each Atom entry's <link> elements with all their attributes, and give each
    entry its own xml:lang (a newsroom feed mixes languages).

    feedgen 1.0 drops every attribute but href from entry links (lkiesow/python-feedgen#135),
    which turns the enclosure into a second 'alternate' link.
    """
    from lxml import etree

    ns = "{http://www.w3.org/2005/Atom}"
    root = etree.fromstring(xml)
    for entry in root.iter(ns + "entry"):
        known = entries[entry.findtext(ns + "id")]
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", known["lang"])
        old = entry.findall(ns + "link")
        position = list(entry).index(old[0])
        for element in old:
            entry.remove(element)
        for offset, link in enumerate(known["links"]):
            element = etree.Element(ns + "link", {k: str(link[k]) for k in
                                                  ("href", "rel", "type", "length", "hreflang", "title") if link.get(k)})
            entry.insert(position + offset, element)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _author(site, release) -> dict:
    """Who speaks for a release: its first contact with an e-mail address, else the organisation."""
    contact = next(iter(release.contacts or site.newsroom.contacts), None)
    if contact is not None and contact.email:
        return {"name": f"{contact.name}, {site.newsroom.organization.name}", "email": contact.email}
    return {"name": site.newsroom.organization.name}


def _entry(entry, site, item, content: str, lead, tag: str | None = None) -> None:
    """One release's entry; in the feed of `tag` (a tag key), its only category is that tag."""
    base = site.newsroom.base_url
    release = item.release
    url = base + item.slug + "/"
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(release.title)
    entry.link(href=url, rel="alternate")
    entry.published(item.date)
    entry.updated(release.updated or item.date)   # a correction's `updated:`
    entry.summary(release.summary)
    entry.description(release.summary, isSummary=True)
    entry.content(absolute_links(content, url) or release.summary, type="html")
    for name in release.tags:
        if tag is None or tag_key(site, name) == tag:
            entry.category(term=name, scheme=tag_scheme(site, tag_key(site, name)), label=name)
    for name in release.hashtags if tag is None else ():
        entry.category(term="#" + name, label="#" + name)
    entry.author(_author(site, release))
    if lead is not None:
        kind = mimetypes.guess_type(lead.src)[0] or "image/jpeg"
        image_url = url + lead.src
        size = lead.src_bytes
        entry.enclosure(image_url, str(size), kind)
        entry.media.content(url=image_url, medium="image", type=kind, width=str(lead.width),
                            height=str(lead.height), fileSize=str(size))
