"""What every outreach command starts from: the newsroom, one release, the list, the feeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import SmrError
from generator.text import base_language


@dataclass
class Context:
    root: Path
    newsroom: object
    item: object  # site.Item
    url: str      # the release's public URL
    translations: dict = None  # base language → Item of the same news in that language


def release_context(root: Path, release: str) -> Context:
    """RELEASE is a folder name under releases/ (the slug) or a path to the folder or its yaml."""
    import os

    from generator.newsroom.site import RELEASE_FILE, RELEASES_DIR, load_item, load_newsroom, release_slugs

    root = root.resolve()
    newsroom = load_newsroom(root)
    releases = (root / RELEASES_DIR).resolve()
    folder = None
    for candidate in (root / RELEASES_DIR / release, root / release, Path(release)):
        if candidate.is_file() and candidate.name == RELEASE_FILE:
            candidate = candidate.parent
        if (candidate / RELEASE_FILE).is_file() and candidate.resolve().parent == releases:
            folder = candidate.resolve()
            break
    if folder is None:
        raise SmrError(f"release {release!r} not found: give a folder name under {RELEASES_DIR}/ "
                       f"or its path")
    names = sorted(entry.name for entry in os.scandir(releases) if entry.is_dir())
    slugs = release_slugs(names)
    item = load_item(root, folder, newsroom)
    item.slug = slugs.get(folder.name, item.slug)   # the address the site gives it
    translations = {}
    for other in story_versions(root, item, newsroom, names):
        other.slug = slugs.get(other.folder.name, other.slug)
        translations.setdefault(base_language(other.language), other)
    return Context(root, newsroom, item, newsroom.base_url + item.slug + "/", translations)


def story_versions(root: Path, item, newsroom, names: list[str]) -> list:
    """The other versions of `item`'s story, whichever side named the other under
    `translations:` (`smr new --translation-of` writes it into the new file only), and a
    version of a version (nl ↔ en ↔ de), as the site links them (newsroom/site.py). Only
    the folders whose release.yaml names a folder of the story are read and validated."""
    import os

    from generator.newsroom.limits import MAX_FILE_BYTES
    from generator.newsroom.site import RELEASE_FILE, load_item
    from generator.errors import SmrError

    releases = item.folder.parent
    texts = {}
    for name in names:
        try:
            with open(releases / name / RELEASE_FILE, "rb") as fh:
                texts[name] = fh.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
    found = {item.folder.name: item}
    todo = [item]
    while todo:
        current = todo.pop()
        named = {os.path.basename(os.path.normpath(ref)) for ref in current.translation_refs}
        naming = {name for name, text in texts.items() if current.folder.name in text}   # candidates; checked below
        for name in sorted((named | naming) - found.keys()):
            try:
                other = load_item(root, releases / name, newsroom)
            except SmrError:
                if name in named:
                    raise
                continue   # a release that only mentions this one, and does not validate: not a version
            linked = {os.path.basename(os.path.normpath(ref)) for ref in other.translation_refs}
            if name in named or current.folder.name in linked:
                found[name] = other
                todo.append(other)
    return [other for name, other in sorted(found.items()) if other is not item]


def bloggers(root: Path, newsroom=None):
    """The blogger list with its problems (commands report these and go on with good rows)."""
    from generator.outreach.bloggers import list_path, read_list
    from generator.newsroom.site import load_newsroom

    root = root.resolve()
    newsroom = newsroom or load_newsroom(root)
    return read_list(root, list_path(root, newsroom))


def fetch(root: Path, people: list, *, timeout: float, max_bytes: int, workers: int) -> list:
    """`smr outreach fetch`: every feed of `people`, under the newsroom's outreach settings."""
    from generator.newsroom.site import load_newsroom
    from generator.outreach.fetch import fetch_all

    root = root.resolve()
    return fetch_all(root, people, timeout=timeout, max_bytes=max_bytes, workers=workers,
                     allow_private=load_newsroom(root).outreach.allow_private)


def feeds(root: Path, people: list) -> dict:
    """Index in `people` → Feed from the cache; offline."""
    from generator.outreach.posts import load_feed

    result = {}
    for index, blogger in enumerate(people):
        if blogger.feed_url or blogger.blog_url:
            feed = load_feed(root, blogger)
            if feed is not None:
                result[index] = feed
    return result


def match(root: Path, release: str, *, top: int | None = None, min_score: float = 0.0):
    """(context, list, ranked matches) for `smr outreach match` and `export`."""
    from generator.outreach.match import rank

    ctx = release_context(root, release)
    listing = bloggers(ctx.root, ctx.newsroom)
    people = [b for b in listing.bloggers if not b.opt_out]
    others = [i for i in (ctx.translations or {}).values() if not i.draft]   # a draft is never pitched
    versions = {base_language(i.language): (i.release, i.language) for i in [ctx.item, *others]}
    ranked = rank(ctx.item.release, ctx.item.language, people, feeds(ctx.root, people),
                  top=top, min_score=min_score, versions=versions)
    return ctx, listing, ranked
