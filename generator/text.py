"""Small text helpers shared by the stages: language tags and sizes for people."""

from __future__ import annotations


def base_language(tag: str | None) -> str:
    """'nl-BE' -> 'nl'; '' for no tag."""
    return (tag or "").split("-")[0].lower()


def human_bytes(size: int, language: str = "en") -> str:
    """8712345 -> '8.3 MB' (or '8,3 MB' in Dutch): decimal units, as file managers show them."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
    if base_language(language) == "nl":
        text = text.replace(".", ",")
    return f"{text} {unit}"


def in_language(text, language: str, default: str):
    """A text given once (`str`) or per language (`{nl: …, en: …}`), in `language`: its own tag,
    else its base language ('en' for 'en-GB'), else the `default` language's text."""
    if not isinstance(text, dict):
        return text
    by_tag = {tag.lower(): value for tag, value in text.items()}
    for tag in (language.lower(), base_language(language), default.lower(), base_language(default)):
        if tag in by_tag:
            return by_tag[tag]
    return next(iter(text.values()), None)
