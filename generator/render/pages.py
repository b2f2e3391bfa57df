"""Jinja2 pages: the environment, its filters, and the context each page gets.

Templates are data: every piece of HTML lives in templates/ and Python only prepares
values. Autoescaping is on for everything that is not plain text.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import jinja2

from generator.render import feeds, i18n, identity, markup, metadata, oembed, share
from generator.newsroom.model import video_kind, vimeo_id, youtube_id
from generator.photos import favicon
from generator.resources import template_dirs
from generator.text import human_bytes


AUTOESCAPED = ["html", "xml", "html.j2", "xml.j2"]
WHITESPACE = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


def environment(root: Path) -> jinja2.Environment:
    """The Jinja environment of `root`'s templates, kept for this process while no template
    changes (by content): `smr serve` rebuilds then use the templates compiled for the first.
    Nothing compiled is kept on disk (.smr-cache holds nothing that runs)."""
    from generator.store import Store, folder_signature

    store = Store.of(root)
    folders = template_dirs(root)
    key = (str(root), tuple(folder_signature(d, store=store) for d in folders))
    if key not in _environments:
        _environments.clear()   # one newsroom's templates at a time
        _environments[key] = _new_environment(folders)
    return _environments[key]


_environments: dict[tuple, jinja2.Environment] = {}


class _Environment(jinja2.Environment):
    """Names every template it hands out while `used` is a set, the templates a page
    extends, includes and imports too (Jinja asks for those here as it renders): the record
    of each output names the templates it was made with."""

    used: set | None = None

    def get_template(self, name, parent=None, globals=None):
        if self.used is not None and isinstance(name, str):
            self.used.add(name)
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if self.used is not None:
            self.used.update(n for n in names if isinstance(n, str))
        return super().select_template(names, parent, globals)


def _new_environment(folders: list[Path]) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in folders]),
        autoescape=jinja2.select_autoescape(AUTOESCAPED, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        **WHITESPACE,
        auto_reload=False,   # kept while the templates' content is the same: no stat per page
        extensions=["jinja2.ext.i18n"],   # {% trans %} and _(): each page's context brings its language's catalog
    )
    env.install_null_translations(newstyle=False)
    env.filters.update(
        markdown=lambda text, shift=1: jinja2.utils.markupsafe.Markup(markup.page_block(text, shift)),
        markdown_inline=lambda text: jinja2.utils.markupsafe.Markup(markup.inline(text)),
        filesize=human_bytes,
        vcard=vcard_escape,
        name_parts=identity.name_parts,
    )
    env.globals["fediverse_creator"] = identity.fediverse_creator
    return env


def logo_size(path: Path) -> tuple[int, int] | None:
    """Pixel size of the logo, so the page reserves its space (None when unreadable)."""
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def _svg_size(path: Path) -> tuple[int, int] | None:
    """An SVG's size from its width/height attributes, else from its viewBox."""
    import re

    try:
        head = path.read_text("utf-8", errors="replace")[:4096]
    except OSError:
        return None
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    if not tag:
        return None
    width = re.search(r'\swidth="([\d.]+)(?:px)?"', tag[0])
    height = re.search(r'\sheight="([\d.]+)(?:px)?"', tag[0])
    if width and height:
        return round(float(width[1])), round(float(height[1]))
    box = re.search(r'viewBox="[\d.+-]+[\s,]+[\d.+-]+[\s,]+([\d.]+)[\s,]+([\d.]+)"', tag[0])
    return (round(float(box[1])), round(float(box[2]))) if box else None


def vcard_escape(value: str | None) -> str:
    """RFC 6350 text escaping: backslash, comma, semicolon and newlines."""
    if value is None:
        return ""
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def video_embed(url: str) -> dict:
    """Privacy-enhanced player URL, loaded only after a click, and a plain link without JS."""
    kind = video_kind(url)
    if kind == "youtube":
        return {"kind": kind, "embed": f"https://www.youtube-nocookie.com/embed/{youtube_id(url)}?autoplay=1"}
    if kind == "vimeo":
        return {"kind": kind, "embed": f"https://player.vimeo.com/video/{vimeo_id(url)}?dnt=1&autoplay=1"}
    return {"kind": "mp4", "embed": url}


def media_links(images: list, slug: str, media_base_url: str | None) -> list:
    """When publishing to a media target, photo downloads and the media kit link there."""
    if not media_base_url:
        return images
    import posixpath
    from copy import copy
    from dataclasses import replace
    from urllib.parse import quote, unquote

    from generator.photos.originals import media_key

    def url(href: str) -> str:   # a translation's original: ../<its slug>/hires/<name>
        return media_base_url + quote(media_key(posixpath.normpath(f"{slug}/{unquote(href)}")))

    linked = copy(images)   # the same list type, with its media kit
    linked[:] = [replace(i, original=url(i.original)) for i in images]
    kit = getattr(images, "media_kit", None)
    if kit:
        linked.media_kit = dict(kit, href=url(kit["href"]))
    return linked


class Pages:
    """Renders every page type of a site with one environment."""

    def __init__(self, site):
        self.site = site
        self.env = environment(site.root)
        self.dirs = template_dirs(site.root)
        self.feeds = feeds.plan(site)
        self.catalogues: dict[str, dict] = {}
        self.localised: dict[str, object] = {}
        self.digests: dict[tuple, str] = {}   # template names -> templates_digest

    @contextlib.contextmanager
    def templates_used(self):
        """The names of the templates rendered within the block (a set, filled as they are)."""
        used: set = set()
        outer, self.env.used = self.env.used, used
        try:
            yield used
        finally:
            self.env.used = outer
            if outer is not None:
                outer.update(used)

    def templates_digest(self, names) -> str:
        """The content of the templates `names` as this newsroom has them (its own first):
        part of the key of every output made with them (each set worked out once a build:
        the releases of a site share a few)."""
        names = tuple(sorted(names))
        if names not in self.digests:
            from generator.store import Store, digest

            store = Store.of(self.site.root)
            found = []
            for name in names:
                path = next((d / name for d in self.dirs if (d / name).is_file()), None)
                found.append((name, str(path), path and store.file_hash(path)))
            self.digests[names] = digest(found)
        return self.digests[names]

    def labels(self, language: str) -> dict:
        """A language's labels, read once per build (a Pages lives for one build)."""
        if language not in self.catalogues:
            self.catalogues[language] = i18n.labels(self.dirs, language) | self.site.newsroom.label_overrides(language)
        return self.catalogues[language]

    def gettext(self, language: str) -> dict:
        """`_`, `gettext`, ... of `language` for Jinja's i18n extension, read once per build."""
        key = ("gettext", language)
        if key not in self.catalogues:
            self.catalogues[key] = i18n.gettext_callables(self.dirs, language)
        return self.catalogues[key]

    def dates(self, language: str) -> dict:
        """How a page in `language` writes dates: in the newsroom's regional form of it (a
        release in `en` of an `en-GB` newsroom: 4 December 2026, 10:00)."""
        regional = i18n.date_language(language, self.site.newsroom.language)
        return {"format_date": functools.partial(i18n.long_date, language=regional),
                "format_datetime": functools.partial(i18n.date_time, language=regional)}

    def newsroom(self, language: str):
        """The newsroom as pages in `language` show it: its title, boilerplate and contact roles."""
        if language not in self.localised:
            self.localised[language] = self.site.newsroom.in_language(language)
        return self.localised[language]

    @functools.cached_property
    def logo_size(self) -> tuple[int, int] | None:
        """The logo's pixel size, read once per build."""
        logo = self.site.newsroom.organization.logo
        return logo_size(self.site.root / logo) if logo else None

    def url(self, path: str = "") -> str:
        return self.site.newsroom.base_url + path

    def home(self, depth: int) -> str:
        """Where links to the rest of the newsroom (index, feeds, releases) start: relative,
        or the public site for a preview upload, which holds only one release."""
        return self.site.home_url or "../" * depth

    def common(self, language: str, depth: int) -> dict:
        newsroom = self.newsroom(language)
        return {
            "newsroom": newsroom,
            "lang": language,
            "t": self.labels(language),
            "root": "../" * depth,   # this upload's own files: assets, logo
            "home": self.home(depth),
            "accent": newsroom.theme.accent,
            "logo": "assets/logo" + Path(newsroom.organization.logo).suffix.lower() if newsroom.organization.logo else None,
            "logo_size": self.logo_size,
            "icons": favicon.links(newsroom.organization.logo),
            "noindex": False,
            "feed_links": feeds.discovery(self.feeds, language),
            **self.dates(language),
            "filesize": functools.partial(human_bytes, language=language),
            **self.gettext(language),
        }

    def release(self, item, images: list, documents: list, contacts: list) -> str:
        release = item.release
        url = self.url(f"{item.slug}/")
        text = release.share_text or release.title
        images = media_links(images, item.slug, self.site.media_base_url)
        translations = []
        for slug in item.translations:
            other = self.site.by_slug(slug)
            # A draft or embargoed translation is linked only from pages that are themselves previews.
            visible = other is not None and (other.public_at(self.site.now) or not item.public_at(self.site.now))
            if visible and other in self.site.rendered:
                translations.append({"lang": other.language, "title": other.title,
                                     "name": i18n.language_name(other.language),   # "English", in its own words
                                     "href": f"{self.home(depth=1)}{slug}/", "url": self.url(f"{slug}/")})
        context = self.common(item.language, depth=1) | {
            "item": item,
            "release": release,
            "url": url,
            "embargoed": item.embargoed(self.site.now),
            "draft": item.draft,
            "noindex": not item.public_at(self.site.now),   # a preview: no indexing, no share buttons
            "images": images,
            "lead": next((i for i in images if i.lead), None),
            "videos": [{"title": v.title, "url": v.url, **video_embed(v.url)} for v in release.videos],
            "documents": documents,
            "contacts": contacts,
            "share_links": share.release_links(text, release.hashtags, url, release.title),
            "share_text": share.share_text(text, release.hashtags) + " " + url,
            "quote_links": [share.quote_link(q.text, q.by, url) for q in release.quotes],
            "quote_copies": [share.attributed(q.text, q.by, q.role) for q in release.quotes],
            "hashtags": [{"tag": h, "links": share.hashtag_links(h, share.mastodon_instance(self.site.newsroom))}
                         for h in release.hashtags],
            "translations": translations,
            "meta": metadata.release_meta(self.site, item, images, url, translations),
            "feed_links": feeds.discovery(self.feeds, item.language, [feeds.tag_key(self.site, t) for t in release.tags]),
            "oembed": oembed.discovery(self.site, item),
        }
        return self.env.get_template("release.html").render(context)

    def card(self, entry: dict, first: bool = False, prefix: str = "") -> str:
        """A story's card on an index, in its version's language; the first card's photo loads
        eagerly. `prefix` leads from the index to the site's root ("../" from en/index.html)."""
        language = entry["item"].language
        return self.env.get_template("partials/release-card.html").render(
            e=entry, first=first, format_date=self.dates(language)["format_date"], prefix=prefix,
            t=self.labels(language), **self.gettext(language))

    def pager(self, page, depth: int) -> dict:
        """A list page's links to its neighbours (rel=prev: newer, rel=next: older) and to the
        year archives of its list, relative to the page."""
        home = self.home(depth)
        href = (lambda path: f"{home}{path}index.html")
        return {"newer": href(page.newer) if page.newer is not None else None,
                "older": href(page.older) if page.older is not None else None,
                "years": [{"year": year, "href": href(path), "current": path == page.path} for year, path in page.years]}

    def index(self, entries: list[dict], cards: list[str], language: str | None = None, depth: int = 0,
              versions: list[dict] = (), pager=None) -> str:
        """An index page in `language` (the newsroom's, else one of en/index.html...): `cards` are
        the entries' cards, rendered (and kept) with their pages; `versions` are the indexes in
        every language ({"lang", "name", "path"}), linked to each other."""
        from markupsafe import Markup

        language = language or self.site.newsroom.language
        common = self.common(language, depth=depth)
        url = self.url(next((v["path"] for v in versions if v["lang"] == language), ""))
        links = [dict(v, href=f"{common['home']}{v['path']}index.html") for v in versions]
        context = common | {"entries": entries, "cards": [Markup(html) for html in cards], "url": url,
                            "index_versions": links if len(links) > 1 else [],
                            "pager": self.pager(pager, depth) if pager is not None else None,
                            "media_href": "{}{}media/index.html".format(
                                common["home"], next((v["path"] for v in versions if v["lang"] == language), "")),
                            "meta": metadata.index_meta(self.site, url, language,
                                                        [(v["lang"], self.url(v["path"])) for v in versions])}
        return self.env.get_template("index.html").render(context)

    def listing(self, page, entries: list[dict], cards: list[str], language: str, tag: str | None = None) -> str:
        """A numbered page, a year archive or a tag's page (render/archive.py `ListPage`), in `language`."""
        from markupsafe import Markup

        common = self.common(language, depth=page.depth)
        url = self.url(page.path)
        context = common | {"page": page, "entries": entries, "cards": [Markup(html) for html in cards],
                            "tag": tag, "url": url, "pager": self.pager(page, page.depth),
                            "meta": metadata.index_meta(self.site, url, language)}
        if tag is not None:   # the tag's own feeds beside the newsroom's
            context["feed_links"] = feeds.discovery(self.feeds, language, [page.base.split("/")[1]])
        return self.env.get_template("archive.html").render(context)

    def media(self, path: str, language: str, photos: list[dict], brand: list[dict]) -> str:
        """A language's media library (output/media.py): every public photo, its tags to filter
        by (radio buttons and CSS, no script), and the brand assets."""
        depth = path.count("/")
        common = self.common(language, depth=depth)
        names = {}
        for item in self.site.public:
            for tag in item.tags:
                names.setdefault(self.site.tag_slug(tag), tag)   # the newest release's spelling, as the tag's feed
        tags = sorted({t for p in photos for t in p["tags"]})
        url = self.url(path)
        context = common | {"photos": photos, "brand": brand, "url": url,
                            "brand_notes": self.site.newsroom.brand.notes if self.site.newsroom.brand else None,
                            "tags": [{"slug": t, "name": names.get(t, t)} for t in tags],
                            "meta": metadata.index_meta(self.site, url, language)}
        return self.env.get_template("media.html").render(context)

    def feed_content(self, item) -> str:
        """The release's full text as HTML for feed readers (sanitised like the page)."""
        return self.env.get_template("feed_content.html").render(item=item)

    def vcard(self, contact, organization: str) -> str:
        text = self.env.get_template("contact.vcf").render(contact=contact, organization=organization)
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
