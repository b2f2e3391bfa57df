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


def labels(template_dirs: tuple[Path, ...], language: str) -> dict:
    """The label catalogue for `language` (nl, en), English for the rest and for gaps.

    Read from disk on every call, never remembered here: `smr serve` builds again in the same
    process after a newsroom edits its labels. A build asks once per language (`Pages.labels`)."""
    merged: dict = {}
    for lang in (FALLBACK, base_language(language)):
        for folder in reversed(template_dirs):  # newsroom overrides win, so read them last
            path = folder / "labels" / f"{lang}.yaml"
            if path.is_file():
                merged.update(load_yaml(path, str(path)).data)
    return merged


@functools.lru_cache(maxsize=None)
def locale(language: str) -> Locale:
    """The Babel locale of a language tag (parsed once: Babel is slow at it), English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


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
