"""`smr coverage RELEASE`: find blog posts about a release in the cached feeds.

A post counts when it links to the release's page, or when it uses one of the release's
hashtags and appeared on or after the release date. Found posts are added to
releases/<x>/coverage.yaml (never to the user's release.yaml); entries already there or
in release.yaml are kept as they are, so running it again adds nothing twice.

What it writes always passes `smr check`: one feed can hold thousands of matching posts
and titles of any length, so a title or blog name is shortened to its limit, and the file
takes the newest posts that fit in its entries and bytes (newsroom/limits.py); the output
says how many were left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import display_path
from generator.files import atomic_write
from generator.newsroom import limits
from generator.outreach.bloggers import url_key

HEADER = ("# Written by `smr coverage`: blog posts about this release. You may edit entries;\n"
          "# the next run keeps them as they are and only adds posts it has not listed yet.\n")


@dataclass
class CoverageReport:
    path: Path
    added: list[dict] = field(default_factory=list)
    known: int = 0  # found again, already listed
    left_out: int = 0  # found, new, but older than what fits in the file
    full: str = ""     # which limit the file reached

    def summary(self, root: Path) -> str:
        shown = display_path(self.path, root)
        if not self.added:
            lines = [f"No new coverage found ({self.known} already listed)." if not self.left_out
                     else f"No new coverage added ({self.known} already listed)."]
        else:
            lines = [f"Added {len(self.added)} post{'' if len(self.added) == 1 else 's'} to {shown}:"]
            lines += [f"  {c['title']} — {c['url']}" for c in self.added]
        if self.left_out:
            lines.append(f"Left out {self.left_out} older post{'' if self.left_out == 1 else 's'} found: {shown} "
                         f"holds at most {self.full} (docs/press-item.md, Limits); remove entries from it to "
                         "make room for them.")
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
            entry = {"url": post.url, "title": shorten(post.title or post.url, limits.MAX_TITLE),
                     "site": shorten(blogger.blog or feed.title, limits.MAX_TEXT) or None,
                     "date": post.date}
            try:
                Coverage.model_validate(entry)  # http(s) only, title not blank
            except ValidationError:
                continue
            found.setdefault(url_key(post.url), {k: v for k, v in entry.items() if v is not None})
    return list(found.values())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a word with an ellipsis: what a feed calls a
    title can be any length, and coverage.yaml must pass the checks a release passes."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip() + "…"


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
    new = []
    for entry in find(ctx, people, feeds(ctx.root, people)):
        if url_key(entry["url"]) in listed:
            report.known += 1
            continue
        listed.add(url_key(entry["url"]))
        new.append(entry)
    report.added, report.left_out, report.full = _what_fits(existing, sorted(new, key=_date_and_url, reverse=True))
    if report.added:
        _write(path, existing + report.added)
    return report


def _what_fits(existing: list, new: list) -> tuple[list, int, str]:
    """The newest of `new` (newest first) that fit beside the entries already in the file
    (kept as they are: the user may have edited them), within MAX_LIST entries and
    MAX_FILE_BYTES; with how many were left out and the limit they met."""
    import yaml

    room = max(0, limits.MAX_LIST - len(existing))
    kept, full = new[:room], f"{limits.MAX_LIST} entries"
    size = len(_text(existing).encode("utf-8"))
    for count, entry in enumerate(kept):
        size += len(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False,
                                   width=100).encode("utf-8"))
        if size > limits.MAX_FILE_BYTES:
            kept, full = kept[:count], f"{limits.MAX_FILE_BYTES // 1_000_000} MB"
            break
    return kept, len(new) - len(kept), full if len(kept) < len(new) else ""


def _read_existing(root: Path, path: Path) -> list:
    """The current coverage.yaml, validated like a build would (an error names its line)."""
    from generator.newsroom.loader import load_yaml

    if not path.is_file():
        return []
    return list(load_yaml(path, display_path(path, root), expect=list, allow_empty=True).data)


def _date_and_url(entry) -> tuple:
    date = entry.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    return (date or dt.date.min, str(entry.get("url")))


def _text(entries: list) -> str:
    """Newest first, then by URL: the same posts always give the same file."""
    import yaml

    return HEADER + yaml.safe_dump(sorted(entries, key=_date_and_url, reverse=True), allow_unicode=True,
                                   sort_keys=False, default_flow_style=False, width=100)


def _write(path: Path, entries: list) -> None:
    atomic_write(path, _text(entries))
