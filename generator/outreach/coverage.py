"""`smr coverage RELEASE`: find blog posts about a release in the cached feeds.

A post counts when it links to the release's page, or when it uses one of the release's
hashtags and appeared on or after the release date. Found posts are added to
releases/<x>/coverage.yaml (never to the user's release.yaml); entries already there or
in release.yaml are kept as they are, so running it again adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import display_path
from generator.files import atomic_write
from generator.outreach.bloggers import url_key


@dataclass
class CoverageReport:
    path: Path
    added: list[dict] = field(default_factory=list)
    known: int = 0  # found again, already listed

    def summary(self, root: Path) -> str:
        if not self.added:
            return f"No new coverage found ({self.known} already listed)."
        lines = [f"Added {len(self.added)} post{'' if len(self.added) == 1 else 's'} to {display_path(self.path, root)}:"]
        lines += [f"  {c['title']} — {c['url']}" for c in self.added]
        return "\n".join(lines)


def _page_keys(url: str) -> set[str]:
    key = url_key(url)
    return {key, key + "/index.html"}


def mentions(post, release_keys: set[str], hashtags: list[str], since: dt.date) -> bool:
    for link in post.links + [post.url]:
        if link and urlsplit(link).scheme in ("http", "https"):
            if url_key(link.split("#")[0]) in release_keys:
                return True
    if hashtags and post.date and post.date >= since:
        text = f"{post.title} {post.summary}"
        for tag in hashtags:
            if re.search(r"(?<![\w#])#" + re.escape(tag) + r"(?!\w)", text, re.IGNORECASE):
                return True
    return False


def find(ctx, people: list, feeds: dict) -> list[dict]:
    """Coverage entries (url, title, site, date) for posts that mention the release."""
    from pydantic import ValidationError

    from generator.newsroom.model import Coverage

    release = ctx.item.release
    keys = _page_keys(ctx.url)
    since = (release.embargo or release.date).astimezone(ctx.newsroom.tz).date()
    found: dict[str, dict] = {}
    for index, feed in sorted(feeds.items()):
        blogger = people[index]
        for post in feed.posts:
            if not post.url or not mentions(post, keys, release.hashtags, since):
                continue
            entry = {"url": post.url, "title": post.title or post.url,
                     "site": blogger.blog or feed.title or None,
                     "date": post.date}
            try:
                Coverage.model_validate(entry)  # http(s) only, title not blank
            except ValidationError:
                continue
            found.setdefault(url_key(post.url), {k: v for k, v in entry.items() if v is not None})
    return list(found.values())


def covered_by(ctx, people: list, now: dt.datetime) -> list[bool]:
    """For each of `people`: did they already write about this news (the release or a translation)?

    Yes when the release's coverage (release.yaml or coverage.yaml, as `smr coverage` writes it)
    lists a post on their blog or in their feed, or when a post in their cached feed counts as
    coverage by the rules of `find` (it links to the page, or uses a hashtag since the release)
    and is dated no later than `now`. Offline: reads the feeds cache only.
    """
    from generator.outreach.posts import load_feed

    items = [ctx.item, *(ctx.translations or {}).values()]
    keys = set().union(*(_page_keys(ctx.newsroom.base_url + item.slug + "/") for item in items))
    listed = {url_key(c.url) for item in items for c in item.coverage}
    release = ctx.item.release
    since = (release.embargo or release.date).astimezone(ctx.newsroom.tz).date()
    hashtags = list(dict.fromkeys(h for item in items for h in item.release.hashtags))
    today = now.astimezone(ctx.newsroom.tz).date()
    answers = []
    for blogger in people:
        blog = url_key(blogger.blog_url).rstrip("/") + "/" if blogger.blog_url else None
        feed = load_feed(ctx.root, blogger) if blogger.feed_url or blogger.blog_url else None
        posts = [p for p in (feed.posts if feed else []) if p.date is None or p.date <= today]
        answers.append(
            any(blog and key.startswith(blog) for key in listed)
            or any(post.url and url_key(post.url) in listed for post in posts)
            or any(mentions(post, keys, hashtags, since) for post in posts))
    return answers


def update(root: Path, release: str) -> CoverageReport:
    """Add newly found posts to coverage.yaml; write only when something was added."""
    from generator.outreach.common import bloggers, feeds, release_context
    from generator.newsroom.site import COVERAGE_FILE

    ctx = release_context(root, release)
    listing = bloggers(ctx.root, ctx.newsroom)
    people = listing.bloggers
    path = ctx.item.folder / COVERAGE_FILE
    existing = _read_existing(ctx.root, path)
    listed = {url_key(c["url"]) for c in existing if isinstance(c, dict) and c.get("url")}
    listed |= {url_key(c.url) for c in ctx.item.release.coverage}
    report = CoverageReport(path)
    for entry in find(ctx, people, feeds(ctx.root, people)):
        if url_key(entry["url"]) in listed:
            report.known += 1
            continue
        listed.add(url_key(entry["url"]))
        report.added.append(entry)
    if report.added:
        _write(path, existing + report.added)
    return report


def _read_existing(root: Path, path: Path) -> list:
    """The current coverage.yaml, validated like a build would (an error names its line)."""
    from generator.newsroom.loader import load_yaml

    if not path.is_file():
        return []
    return list(load_yaml(path, display_path(path, root), expect=list, allow_empty=True).data)


def _write(path: Path, entries: list) -> None:
    """Newest first, then by URL: the same posts always give the same file."""

    import yaml

    def key(entry):
        date = entry.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        return (date or dt.date.min, str(entry.get("url")))

    ordered = sorted(entries, key=key, reverse=True)
    text = ("# Written by `smr coverage`: blog posts about this release. You may edit entries;\n"
            "# the next run keeps them as they are and only adds posts it has not listed yet.\n")
    text += yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    atomic_write(path, text)
