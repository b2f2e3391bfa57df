"""Page labels per language and dates formatted the way readers of that language expect."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from generator.newsroom.loader import load_yaml
from generator.text import base_language

FALLBACK = "en"


def N_(name: str, english: str) -> tuple[str, str]:
    """Marks a label for Babel's extraction (babel.cfg: keyword `N_:1c,2`): the label's name
    is the message context, its English text the message id that translators see."""
    return name, english


LABELS: dict[str, str] = dict([
    # the page
    N_("skip_to_content", "Skip to content"),
    N_("facts", "Key facts"),
    N_("quotes", "Quotes"),
    N_("share_quote", "Share this quote"),
    N_("copy_quote", "Copy quote"),
    N_("photos", "Photos"),
    N_("download_hires", "Download hi-res"),
    N_("media_kit", "Download all photos (zip)"),
    N_("license", "Licence"),
    N_("ai_generated", "AI-generated"),        # a photo with source: ai-generated (IPTC Digital Source Type)
    N_("ai_edited", "Edited with AI"),         # a photo with source: ai-edited
    N_("videos", "Video"),
    N_("video_privacy", "the video loads from its host only when you play it"),
    N_("play_video", "Play video"),
    N_("documents", "Downloads"),
    N_("links", "Background"),
    N_("hashtags", "Hashtags"),
    N_("on", "on"),
    N_("share", "Share this news"),
    N_("copy_share_text", "Copy share text"),
    N_("copied", "Copied"),
    N_("coverage", "Blogs about this news"),
    N_("social", "Follow us"),
    N_("about", "About"),
    N_("contacts", "Press contacts"),
    N_("press_contact", "Press contact"),
    N_("vcard", "Add to contacts (vCard)"),
    N_("subscribe", "Stay informed"),
    N_("rss", "RSS feed"),
    N_("also_in", "Also available in"),
    N_("updated", "Updated"),
    N_("embargo_until", "EMBARGO until"),
    N_("draft", "DRAFT"),
    N_("draft_note", "not published and not final; do not share or quote."),
    N_("embargo_note", "this preview is confidential; do not publish before the embargo ends."),
    N_("no_releases", "No press releases yet."),
    # the archive: numbered pages, year archives, tag pages
    N_("more_releases", "More press releases"),
    N_("newer", "Newer"),
    N_("older", "Older"),
    N_("archive", "Archive"),
    N_("page_number", "Page {number}"),
    N_("topic", "Topic"),
    # search (Pagefind)
    N_("search", "Search"),
    N_("search_label", "Search the press releases"),
    N_("search_needs_js", "Search needs JavaScript; every press release is listed below and in the archive."),
    N_("search_none", "No press releases found."),
    N_("search_count", "{count} found"),
    # the media library
    N_("media_library", "Media library"),
    N_("filter_by_topic", "Show photos about"),
    N_("all_topics", "All topics"),
    N_("from_release", "From"),
    N_("no_photos", "No photos yet."),
    N_("brand_assets", "Brand assets"),
    N_("copy_short", "Copy"),
    N_("embed_code", "Embed code"),
    N_("copy_embed_code", "Copy embed code"),
    N_("press_release", "Press release"),
    # networks of organization.social
    N_("networks.x", "X"),
    N_("networks.linkedin", "LinkedIn"),
    N_("networks.facebook", "Facebook"),
    N_("networks.instagram", "Instagram"),
    N_("networks.youtube", "YouTube"),
    N_("networks.mastodon", "Mastodon"),
    N_("networks.bluesky", "Bluesky"),
    N_("networks.threads", "Threads"),
    N_("networks.tiktok", "TikTok"),
    N_("networks.rss", "RSS"),
    N_("networks.other", "Website"),
    # files: the media kit's name (`<release>-photos.zip`: a plain ASCII word) and its credits.txt
    N_("photos_file", "photos"),
    N_("credits_caption", "Caption"),
    N_("credits_credit", "Credit"),
    N_("credits_license", "Licence"),
    N_("credits_terms", "Licence terms"),
    N_("credits_to_license", "To license"),
    N_("credits_size", "Size"),
    N_("credits_size_value", "{width} x {height} pixels, {bytes} bytes"),
])
"""Every label a page or file shows, by name, in English; the catalogs in templates/locale
translate them (`bash scripts/catalogs` extracts, updates and compiles; docs/translating.md).
A newsroom overrides any by name (`labels:` in newsroom.yaml), or brings its own catalog."""


def labels(template_dirs: tuple[Path, ...], language: str) -> dict:
    """The labels of `language` ('pl', 'en-GB', 'pt-BR': region first, then the language),
    English where a catalog has no text; `networks` as a mapping of its own.

    Read from disk on every call, never remembered here: `smr serve` builds again in the same
    process after a newsroom edits its catalogs. A build asks once per language (`Pages.labels`)."""
    from generator.resources import translations

    catalog = translations(template_dirs, language)
    merged: dict = {"networks": {}}
    for name, english in LABELS.items():
        text = catalog.pgettext(name, english)
        if name.startswith("networks."):
            merged["networks"][name.partition(".")[2]] = text
        else:
            merged[name] = text
    for lang in (FALLBACK, base_language(language)):   # labels/<lang>.yaml of a newsroom's templates/: kept
        for folder in reversed(template_dirs):
            path = folder / "labels" / f"{lang}.yaml"
            if path.is_file():
                merged.update(load_yaml(path, str(path)).data)
    return merged


def has_catalog(template_dirs: tuple[Path, ...], language: str) -> bool:
    """Whether smr has words in `language` (a catalog of it, or of its base language), so a
    text written for one reader (a pitch) is in theirs rather than in English."""
    from generator.resources import CATALOG_DIR, catalog_locales

    return any((folder / CATALOG_DIR / locale).is_dir() for locale in catalog_locales(language)
               for folder in template_dirs)


def gettext_callables(template_dirs: tuple[Path, ...], language: str) -> dict:
    """What Jinja's i18n extension calls in a template rendered in `language`: `_`, `gettext`,
    `ngettext`, `pgettext` (passed with each page's context: one environment renders every language)."""
    from generator.resources import translations

    catalog = translations(template_dirs, language)
    return {"_": catalog.gettext, "gettext": catalog.gettext, "ngettext": catalog.ngettext,
            "pgettext": catalog.pgettext, "npgettext": catalog.npgettext}


@functools.lru_cache(maxsize=None)
def locale(language: str) -> Locale:
    """The Babel locale of a language tag (parsed once: Babel is slow at it), English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


def date_language(language: str, newsroom_language: str) -> str:
    """The language tag dates are written in: `language`, or the newsroom's regional form of
    it when `language` names none ('en' in an 'en-GB' newsroom is 'en-GB'; Babel's plain 'en'
    is American: December 4, 2026, 10:00 AM)."""
    if "-" not in language and "_" not in language and base_language(newsroom_language) == base_language(language):
        return newsroom_language
    return language


@functools.lru_cache(maxsize=4096)
def long_date(value: dt.date, language: str) -> str:
    return format_date(value, "long", locale=locale(language))


def date_time(value: dt.datetime, language: str) -> str:
    """'24 november 2026, 09:00 (UTC+01:00)': unambiguous for readers in any zone."""
    offset = value.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{long_date(value, language)}, {format_time(value, 'short', locale=locale(language))} ({zone})"


@functools.lru_cache(maxsize=None)
def language_name(language: str) -> str:
    """A language's name in that language ('nl' -> 'Nederlands', 'en' -> 'English'): how a reader
    finds their own language among versions."""
    try:
        name = Locale.parse(language.replace("-", "_")).get_display_name() or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


def index_languages(site) -> list[dict]:
    """The index pages: index.html in the newsroom's language, and <lang>/index.html for every
    other language a public release is in ({"lang", "name", "path"}), beside that language's feeds."""
    default = site.newsroom.language.lower()
    others = sorted({i.language.lower() for i in site.public} - {default})
    return [{"lang": lang, "name": language_name(lang), "path": f"{lang}/" if lang != default else ""}
            for lang in [default, *others]]
