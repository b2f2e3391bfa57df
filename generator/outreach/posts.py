"""Blog posts out of the cached feeds, as plain data the ranking and coverage steps share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from generator.text import base_language

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_POSTS = 30
"""Recent posts per blog used for matching: what a blogger writes about now."""


@dataclass
class Post:
    title: str
    url: str
    summary: str  # plain text
    date: dt.date | None
    links: list[str] = field(default_factory=list)  # every href in the post


@dataclass
class Feed:
    title: str
    language: str
    posts: list[Post]


class _Text(HTMLParser):
    """HTML → text and the links in it; feedparser already sanitised the markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    text = _CONTROL.sub(" ", "".join(parser.parts))  # no terminal escapes from someone's feed
    return re.sub(r"\s+", " ", text).strip(), parser.links


def feed_of(parsed) -> Feed:
    """feedparser's result → Feed, newest post first (all of them: coverage scans every one)."""
    posts = []
    for entry in parsed.entries:
        html = entry.get("summary", "") or ""
        links: list[str] = []
        for content in entry.get("content", []) or []:
            html_content = content.get("value", "")
            links += html_text(html_content)[1]
            if len(html_content) > len(html):
                html = html_content
        text, more = html_text(html)
        links += more
        link = entry.get("link") or ""
        links += [l.get("href") for l in entry.get("links", []) if l.get("href") and l.get("rel") != "self"]
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        date = dt.date(*stamp[:3]) if stamp else None
        posts.append(Post(title=html_text(entry.get("title", ""))[0], url=link, summary=text,
                          date=date, links=list(dict.fromkeys(links))))
    posts.sort(key=lambda p: (p.date or dt.date.min), reverse=True)
    feed = parsed.get("feed", {})
    return Feed(title=html_text(feed.get("title", ""))[0], language=base_language(feed.get("language")),
                posts=posts)


def load_feed(root: Path, blogger) -> Feed | None:
    from generator.outreach.fetch import load_cached

    parsed = load_cached(root, blogger)
    return feed_of(parsed) if parsed is not None else None
