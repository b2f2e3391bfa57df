"""The list pages of a build: each language's index with its numbered pages and year
archives, and each tag's page with its numbered pages (render/archive.py decides what each
holds).

Every list page is an output group of its own (an index `index` or `index:<lang>/`, the other
list pages `list:<path>`: the build's "pages written" counts releases and indexes),
whose key is its slice (each story's release key), its neighbours and its title: a
one-change build renders only the pages that list the changed release.
"""

from __future__ import annotations

from pathlib import Path

CARD_PREFIX = "\x00"
"""Where a card kept with its release leads to the site's root: each list page puts its own
"../"s there (no text of a release can hold a NUL: validation refuses control characters)."""


def card_html(pages, results: dict, item, entry: dict, prefix: str) -> str:
    """A story's card on a list page whose way to the root is `prefix`: the one kept with its
    release, else rendered."""
    kept = results[item.slug]["card_html"]
    return kept.replace(CARD_PREFIX, prefix) if isinstance(kept, str) else pages.card(entry, prefix=prefix)


def write_lists(site, pages, out: Path, outputs, results: dict, keys: dict) -> None:
    """Every index, numbered page, year archive and tag page of `site` into `out`."""
    from generator.render.archive import paginate, year_archives
    from generator.render.i18n import index_languages
    from generator.output.pipeline import version_for

    from generator.output.media import brand_files, write_brand, write_media

    size = site.newsroom.archive.page_size
    languages = index_languages(site)
    stories = site.stories()
    brand = brand_files(site)
    brand_key = write_brand(site, out, outputs, brand)
    for index in languages:
        shown = [version_for(story, index["lang"], site.newsroom.language) for story in stories]
        write_media(site, pages, out, outputs, results, index, shown, brand, brand_key)
        years = year_archives(index["path"], shown)
        year_links = [(page.year, page.path) for page in years]
        for page in paginate(index["path"], shown, size):
            if page.kind == "front":
                page.years = year_links
                write_front(site, pages, out, outputs, results, keys, index, languages, page)
            else:
                write_list(site, pages, out, outputs, results, keys, page, index["lang"])
        for page in years:
            write_list(site, pages, out, outputs, results, keys, page, index["lang"])
    for key, (name, items) in tagged(site).items():
        for page in paginate(f"tags/{key}/", items, size):
            write_list(site, pages, out, outputs, results, keys, page, site.newsroom.language, tag=name)


def tagged(site) -> dict[str, tuple[str, list]]:
    """Tag slug -> (the tag as its newest release spells it, its public releases newest
    first): the same tags as the tag feeds (render/feeds.py)."""
    from generator.render.feeds import tag_key

    found: dict[str, tuple[str, list]] = {}
    for item in site.public:
        for tag in item.tags:
            key = tag_key(site, tag)
            name, items = found.setdefault(key, (tag, []))
            if not items or items[-1] is not item:
                items.append(item)
    return dict(sorted(found.items()))


def _group(path: str) -> str:
    return f"index:{path}" if path else "index"


def _slice(page, keys: dict) -> list:
    return [(i.slug, keys[i.slug]) for i in page.items]


def write_front(site, pages, out: Path, outputs, results: dict, keys: dict, index: dict, languages: list,
                page) -> None:
    """A language's index.html: its newest stories, the first card's photo loading at once."""
    from generator.output.pipeline import made_with
    from generator.store import digest

    group = _group(page.path)
    inputs = digest("index", index, languages, page.older, page.years, _slice(page, keys))
    if outputs.reuse(group, made_with(outputs, pages, group, inputs)):
        return
    with pages.templates_used() as used:
        first = _write_front(site, pages, out, outputs, results, keys, index, languages, page, group)
    outputs.record(group, digest(inputs, pages.templates_digest(used)), [f"{page.path}index.html"],
                   {"first": first}, templates=used)


def _write_front(site, pages, out: Path, outputs, results: dict, keys: dict, index: dict, languages: list,
                 page, group: str):
    """One language's index.html; returns its first card, kept with its record."""
    from generator.output.pipeline import card_entry

    path, prefix = index["path"], "../" if index["path"] else ""
    shown = page.items
    entries = [card_entry(site, i, results[i.slug]["card"]) for i in shown]
    cards = [card_html(pages, results, i, entry, prefix) for i, entry in zip(shown, entries)]
    first = None
    if entries:
        first_key = [shown[0].slug, keys[shown[0].slug]]   # a list: as the record gives it back
        known = outputs.previous_extra(group).get("first")
        cards[0] = known[1] if known and known[0] == first_key else pages.card(entries[0], True, prefix)
        first = (first_key, cards[0])
    (out / path).mkdir(parents=True, exist_ok=True)
    (out / path / "index.html").write_text(
        pages.index(entries, cards, index["lang"], depth=1 if path else 0, versions=languages, pager=page),
        "utf-8")
    return first


def write_list(site, pages, out: Path, outputs, results: dict, keys: dict, page, language: str,
               tag: str | None = None) -> None:
    """A numbered page, a year archive or a tag's page: its own group, keyed by its slice."""
    from generator.output.pipeline import card_entry, made_with
    from generator.store import digest

    group = f"list:{page.path}"
    inputs = digest("list", page.path, page.kind, language, tag, page.newer, page.older, page.years,
                    _slice(page, keys))
    if outputs.reuse(group, made_with(outputs, pages, group, inputs)):
        return
    prefix = "../" * page.depth
    with pages.templates_used() as used:
        entries = [card_entry(site, i, results[i.slug]["card"]) for i in page.items]
        cards = [] if page.kind == "year" else [card_html(pages, results, i, entry, prefix)
                                                for i, entry in zip(page.items, entries)]
        (out / page.path).mkdir(parents=True, exist_ok=True)
        (out / page.path / "index.html").write_text(pages.listing(page, entries, cards, language, tag), "utf-8")
    outputs.record(group, digest(inputs, pages.templates_digest(used)), [f"{page.path}index.html"], templates=used)
