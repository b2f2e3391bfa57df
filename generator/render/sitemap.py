"""sitemap.xml, the Google News sitemap and robots.txt: what search engines may index.

Only public pages are listed: an embargoed release (written only in a preview build, with
noindex) never appears, so the sitemap cannot announce news early. The news sitemap lists
the public releases of the last two days before the build's "now" (clock.py), so it is the
one file whose content depends on when a site is built: its build group's key is its
entries, and an unchanged build checks the window too (build/pipeline.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


NEWS_SITEMAP = "news_sitemap.xml"
NEWS_WINDOW = dt.timedelta(days=2)   # Google News: articles of the last two days
NEWS_MAX = 1000                      # Google News: at most 1000 URLs per news sitemap


def entries(site) -> list[dict]:
    """The sitemap's <url> entries: the index and every public release, with lastmod and
    hreflang alternates between public translations."""
    from generator.render.i18n import index_languages   # Babel: not for a no-op build's clock check
    from generator.render.metadata import with_default

    base = site.newsroom.base_url
    public = site.public
    urls = []
    indexes = index_languages(site)   # the index, and one per other language (en/)
    alternates = []
    if len(indexes) > 1:
        alternates = with_default([{"hreflang": i["lang"], "href": base + i["path"]} for i in indexes],
                                  site.newsroom.language)
    for index in indexes:
        newest = next((i for i in public if not index["path"] or i.language.lower() == index["lang"]), None)
        urls.append({"loc": base + index["path"], "lastmod": (newest.updated or newest.date).isoformat() if newest else None,
                     "alternates": alternates})
    for item in public:
        alternates = []
        others = [site.by_slug(s) for s in item.translations]
        others = [o for o in others if o is not None and o in public]
        if others:
            alternates = with_default(sorted([{"hreflang": o.language, "href": f"{base}{o.slug}/"}
                                              for o in [item, *others]], key=lambda a: a["href"]),
                                      site.newsroom.language)
        lastmod = (item.updated or item.date).isoformat()   # a correction changes the page
        urls.append({"loc": f"{base}{item.slug}/", "lastmod": lastmod, "alternates": alternates})
    return urls


def recent(dated: list[tuple[str, dt.datetime]], now: dt.datetime) -> list[str]:
    """Of (slug, date) pairs of public releases, newest first, the slugs the news sitemap
    lists at `now`: dated within the last two days, not later than now, at most NEWS_MAX."""
    return [slug for slug, date in dated if dt.timedelta(0) <= now - date <= NEWS_WINDOW][:NEWS_MAX]   # never past year 1


def news_language(language: str) -> str:
    """Google News wants an ISO 639 code ('en', 'nl'), or zh-cn / zh-tw for Chinese."""
    parts = language.lower().replace("_", "-").split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]


def news_entries(site) -> list[dict]:
    """The news sitemap's <url> entries (see `recent`), with what news:news says of each."""
    base = site.newsroom.base_url
    listed = set(recent([(i.slug, i.date) for i in site.public], site.now))
    return [{"loc": f"{base}{i.slug}/", "name": site.newsroom.title, "language": news_language(i.language),
             "publication_date": i.date.isoformat(), "title": i.title}
            for i in site.public if i.slug in listed]


def write_news_sitemap(site, pages, out: Path, urls: list[dict]) -> list[str]:
    xml = pages.env.get_template("news_sitemap.xml").render(urls=urls)
    (out / NEWS_SITEMAP).write_text(xml, "utf-8")
    return [NEWS_SITEMAP]


def write_sitemap(site, pages, out: Path) -> None:
    base = site.newsroom.base_url
    xml = pages.env.get_template("sitemap.xml").render(urls=entries(site))
    (out / "sitemap.xml").write_text(xml, "utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
                                    f"Sitemap: {base}{NEWS_SITEMAP}\n", "utf-8")
