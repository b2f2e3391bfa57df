"""sitemap.xml and robots.txt: what search engines may index.

Only public pages are listed: an embargoed release (written only in a preview build, with
noindex) never appears, so the sitemap cannot announce news early.
"""

from __future__ import annotations

from pathlib import Path

from generator.render.i18n import index_languages
from generator.render.metadata import with_default


def entries(site) -> list[dict]:
    """The sitemap's <url> entries: the index and every public release, with lastmod and
    hreflang alternates between public translations."""
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
        urls.append({"loc": base + index["path"], "lastmod": (newest.release.updated or newest.date).isoformat() if newest else None,
                     "alternates": alternates})
    for item in public:
        alternates = []
        others = [site.by_slug(s) for s in item.translations]
        others = [o for o in others if o is not None and o in public]
        if others:
            alternates = with_default(sorted([{"hreflang": o.language, "href": f"{base}{o.slug}/"}
                                              for o in [item, *others]], key=lambda a: a["href"]),
                                      site.newsroom.language)
        lastmod = (item.release.updated or item.date).isoformat()   # a correction changes the page
        urls.append({"loc": f"{base}{item.slug}/", "lastmod": lastmod, "alternates": alternates})
    return urls


def write_sitemap(site, pages, out: Path) -> None:
    base = site.newsroom.base_url
    xml = pages.env.get_template("sitemap.xml").render(urls=entries(site))
    (out / "sitemap.xml").write_text(xml, "utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n", "utf-8")
