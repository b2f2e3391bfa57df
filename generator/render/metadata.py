"""What crawlers and social networks read from a page: canonical and hreflang links,
Open Graph, the Twitter card, JSON-LD and the values of the microformats2 h-entry.

Python only prepares values; templates/partials/meta.html and partials/h-entry.html turn
them into HTML. Every URL here is absolute, built from the newsroom's `base_url`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

HEADLINE_MAX = 110  # schema.org / Google: headlines longer than this are cut off


def json_ld(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json">: '<', '>' and '&' become \\u escapes,
    so no text (a title with '</script>') can end the script element or start markup."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


@functools.lru_cache(maxsize=None)
def og_locale(language: str) -> str:
    """'nl' -> 'nl_NL', 'en-GB' -> 'en_GB': the language_TERRITORY form Open Graph wants."""
    from babel.core import Locale, UnknownLocaleError, get_global

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return "en_US"
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.split("_")[-1] if likely.count("_") else ""
    return f"{locale.language}_{territory}" if territory else locale.language


def share_image(images: list, page_url: str) -> dict | None:
    """The picture a card or feed shows: the 1200x630 social card when the image pipeline
    made one (`WebImage.og`), else the lead rendition. None for a release without photos."""
    lead = next((i for i in images if i.lead), None)
    if lead is None:
        return None
    source = lead.og or {"src": lead.src, "width": lead.width, "height": lead.height}
    return {"url": page_url + source["src"], "src": source["src"], "width": source["width"],
            "height": source["height"], "alt": lead.alt, "type": _image_type(source["src"])}


def image_object(image, page_url: str, newsroom) -> dict:
    """schema.org ImageObject for one photo as the page shows it, with the rights its files
    carry (Google Images' "Licensable": `license`, `acquireLicensePage`)."""
    url = page_url + image.src
    return {"@type": "ImageObject", "contentUrl": url, "url": url, "width": image.width, "height": image.height,
            "caption": image.caption or image.alt, **rights_of(image, newsroom),
            **({"digitalSourceType": image.source} if getattr(image, "source", None) else {})}   # IPTC NewsCodes


def rights_of(image, newsroom) -> dict:
    """The schema.org rights of a photo (`WebImage.rights`): what is known, nothing empty.
    The creator is the organisation when it bears its name, else a person."""
    rights = image.rights or {}
    data = {"license": rights.get("web_statement"), "acquireLicensePage": rights.get("licensor_url"),
            "creditText": rights.get("credit"), "copyrightNotice": rights.get("copyright")}
    creator = rights.get("creator")
    if creator:
        kind = "Organization" if creator == newsroom.organization.name else "Person"
        data["creator"] = {"@type": kind, "name": creator}
    return {k: v for k, v in data.items() if v}


def _image_type(src: str) -> str:
    suffix = Path(urlsplit(src).path).suffix.lower()
    return {".png": "image/png", ".webp": "image/webp", ".avif": "image/avif",
            ".gif": "image/gif"}.get(suffix, "image/jpeg")


def logo_url(newsroom) -> str | None:
    logo = newsroom.organization.logo
    return newsroom.base_url + "assets/logo" + Path(logo).suffix.lower() if logo else None


def organization(newsroom) -> dict:
    """schema.org Organization: the publisher (and author) of every release."""
    org = newsroom.organization
    data = {"@type": "Organization", "name": org.name, "url": org.url or newsroom.base_url}
    logo = logo_url(newsroom)
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": logo}
    if org.social:
        data["sameAs"] = [s.url for s in org.social]
    return data


def _twitter_handle(newsroom) -> str | None:
    for s in newsroom.organization.social:
        if s.network == "x":
            name = urlsplit(s.url).path.strip("/").split("/")[0]
            if name:
                return "@" + name
    return None


def release_meta(site, item, images: list, url: str, translations: list[dict]) -> dict:
    """Everything partials/meta.html and partials/h-entry.html need for one release page.

    `translations` are the rendered translations ({"lang", "url"}) the page links to.
    """
    newsroom = site.newsroom.in_language(item.language)
    release = item.release
    image = share_image(images, url)
    published = item.date.isoformat()
    modified = (release.updated or item.date).isoformat()   # a correction's `updated:`
    keywords = [*release.tags, *("#" + h for h in release.hashtags)]
    alternates = []
    if translations:
        alternates = with_default(sorted([{"hreflang": item.language, "href": url},
                                          *({"hreflang": t["lang"], "href": t["url"]} for t in translations)],
                                         key=lambda a: a["href"]), site.newsroom.language)
    og = [("og:type", "article"), ("og:title", release.title), ("og:description", release.summary),
          ("og:url", url), ("og:site_name", newsroom.title), ("og:locale", og_locale(item.language))]
    og += [("og:locale:alternate", og_locale(t["lang"])) for t in translations]
    if image:
        og += [("og:image", image["url"]), ("og:image:type", image["type"]),
               ("og:image:width", str(image["width"])), ("og:image:height", str(image["height"])),
               ("og:image:alt", image["alt"])]
    og += [("article:published_time", published), ("article:modified_time", modified)]
    og += [("article:tag", k) for k in keywords]
    twitter = [("twitter:card", "summary_large_image" if image else "summary"),
               ("twitter:title", release.title), ("twitter:description", release.summary)]
    if image:
        twitter += [("twitter:image", image["url"]), ("twitter:image:alt", image["alt"])]
    handle = _twitter_handle(newsroom)
    if handle:
        twitter.append(("twitter:site", handle))
    org = organization(newsroom)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _headline(release.title),
        "description": release.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": published,
        "dateModified": modified,
        "inLanguage": item.language,
        "author": [org],
        "publisher": org,
    }
    if release.subtitle:
        article["alternativeHeadline"] = release.subtitle
    if images:
        lead = next((i for i in images if i.lead), None)
        card = [{"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"],
                 **rights_of(lead, newsroom), "caption": image["alt"]}] if image and lead else []
        article["image"] = card + [image_object(i, url, newsroom) for i in images]
    if keywords:
        article["keywords"] = keywords
    if release.dateline:
        article["dateline"] = release.dateline
    return {
        "canonical": url,
        "alternates": alternates,
        "og": og,
        "twitter": twitter,
        "jsonld": json_ld(article),
        "image": image,
        "categories": keywords,
        "author": {"name": newsroom.organization.name, "url": newsroom.organization.url,
                   "logo": logo_url(newsroom)},
    }


def with_default(alternates: list[dict], language: str) -> list[dict]:
    """hreflang alternates plus `x-default`: the version in the newsroom's language (else in its
    base language), for readers whose language none of the versions is in."""
    from generator.text import base_language

    for same in (lambda tag: tag.lower() == language.lower(),
                 lambda tag: base_language(tag) == base_language(language)):
        default = next((a for a in alternates if same(a["hreflang"])), None)
        if default is not None:
            return [*alternates, {"hreflang": "x-default", "href": default["href"]}]
    return alternates


def index_meta(site, url: str, language: str | None = None, versions: list[tuple[str, str]] = ()) -> dict:
    """A front page (the newsroom's, or its index in another language): a website card, the
    Organization as JSON-LD, and hreflang links between the indexes of every language."""
    language = language or site.newsroom.language
    newsroom = site.newsroom.in_language(language)
    og = [("og:type", "website"), ("og:title", newsroom.title), ("og:description", newsroom.title),
          ("og:url", url), ("og:site_name", newsroom.title), ("og:locale", og_locale(language))]
    logo = logo_url(newsroom)
    if logo:
        og += [("og:image", logo), ("og:image:alt", newsroom.organization.name)]
    twitter = [("twitter:card", "summary"), ("twitter:title", newsroom.title)]
    handle = _twitter_handle(newsroom)
    if handle:
        twitter.append(("twitter:site", handle))
    alternates = []
    if len(versions) > 1:
        alternates = with_default([{"hreflang": lang, "href": href} for lang, href in versions], site.newsroom.language)
    return {"canonical": url, "alternates": alternates, "og": og, "twitter": twitter,
            "jsonld": json_ld({"@context": "https://schema.org", **organization(newsroom)}),
            "image": None, "categories": [], "author": None}


def _headline(title: str) -> str:
    if len(title) <= HEADLINE_MAX:
        return title
    return title[:HEADLINE_MAX - 1].rsplit(" ", 1)[0] + "…"
