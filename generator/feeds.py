"""RSS 2.0 and Atom feeds (feedgen), the sitemap and robots.txt.

Only `site.public` releases appear here: an embargoed release is never in a feed or
the sitemap, preview or not.
"""

from __future__ import annotations

from pathlib import Path

MAX_ITEMS = 50


def write_feeds(site, pages, out: Path, contents: dict[str, str]) -> list[str]:
    """Write feed.xml and atom.xml for the newsroom; returns the paths written."""
    from feedgen.feed import FeedGenerator

    newsroom = site.newsroom
    fg = FeedGenerator()
    fg.id(newsroom.base_url)
    fg.title(newsroom.title)
    fg.link(href=newsroom.base_url, rel="alternate")
    fg.link(href=newsroom.base_url + "feed.xml", rel="self")
    fg.description(newsroom.title)
    fg.language(newsroom.language)
    fg.author({"name": newsroom.organization.name})
    items = site.public[:MAX_ITEMS]
    if items:
        fg.updated(items[0].date)
        fg.lastBuildDate(items[0].date)
    for item in reversed(items):  # feedgen prepends entries: add oldest first, newest ends on top
        url = newsroom.base_url + item.slug + "/"
        entry = fg.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(item.release.title)
        entry.link(href=url)
        entry.published(item.date)
        entry.updated(item.date)
        entry.description(item.release.summary)
        entry.content(contents.get(item.slug, ""), type="CDATA")
        for tag in [*item.release.tags, *item.release.hashtags]:
            entry.category(term=tag)
    fg.rss_file(str(out / "feed.xml"), pretty=True)
    fg.atom_file(str(out / "atom.xml"), pretty=True)
    return ["feed.xml", "atom.xml"]


def write_sitemap(site, pages, out: Path) -> None:
    base = site.newsroom.base_url
    urls = []
    if site.public:
        urls.append({"loc": base, "lastmod": site.public[0].date.date().isoformat()})
    urls += [{"loc": f"{base}{i.slug}/", "lastmod": i.date.date().isoformat()} for i in site.public]
    (out / "sitemap.xml").write_text(pages.env.get_template("sitemap.xml").render(urls=urls), "utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n", "utf-8")
