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


# Words people write for a field, in English and Dutch, and the field each means: the first
# name in the tuple that exists where the word was written wins (`tekst` is a release's body,
# but a quote's text). String distance alone would take `photos` for `quotes`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("photos", "photo", "pictures", "picture", "images", "image", "foto", "fotos", "foto's",
                     "afbeelding", "afbeeldingen", "beeld", "beelden", "plaatjes"), ("images",)),
    **dict.fromkeys(("quote", "citaat", "citaten", "citations", "quotations", "uitspraken"), ("quotes",)),
    **dict.fromkeys(("video", "video's", "films", "film", "movies", "clips"), ("videos",)),
    **dict.fromkeys(("document", "documenten", "bijlage", "bijlagen", "attachments", "downloads", "files"),
                    ("documents",)),
    **dict.fromkeys(("link", "koppelingen", "urls", "websites"), ("links",)),
    **dict.fromkeys(("contact", "contactpersoon", "contactpersonen", "persvoorlichter", "press_contacts"),
                    ("contacts",)),
    **dict.fromkeys(("vertaling", "vertalingen", "translation"), ("translations",)),
    **dict.fromkeys(("hashtag", "hashtaggen"), ("hashtags",)),
    **dict.fromkeys(("tag", "trefwoorden", "trefwoord", "labels", "keywords", "categories"), ("tags",)),
    **dict.fromkeys(("feiten", "kernpunten", "highlights", "bullets", "key_facts"), ("facts",)),
    **dict.fromkeys(("titel", "kop", "headline", "kopregel"), ("title",)),
    **dict.fromkeys(("ondertitel", "subkop", "subheadline", "subhead"), ("subtitle",)),
    **dict.fromkeys(("samenvatting", "intro", "lead", "lede", "abstract", "excerpt"), ("summary",)),
    **dict.fromkeys(("datum", "published", "publicatiedatum"), ("date",)),
    **dict.fromkeys(("tekst", "text", "content", "inhoud", "bericht"), ("body", "text")),
    **dict.fromkeys(("taal", "lang", "locale"), ("language",)),
    **dict.fromkeys(("plaats", "plaatsnaam", "location"), ("dateline",)),
    **dict.fromkeys(("deeltekst", "share", "tweet"), ("share_text",)),
    **dict.fromkeys(("concept", "ontwerp"), ("draft",)),
    **dict.fromkeys(("naam", "author", "auteur", "door", "who", "wie", "name"), ("name", "by")),
    **dict.fromkeys(("rol", "functie", "function", "title_role", "job_title"), ("role",)),
    **dict.fromkeys(("telefoon", "telefoonnummer", "tel", "phone_number", "mobile", "mobiel"), ("phone",)),
    **dict.fromkeys(("e-mail", "mail", "emailadres", "e-mailadres", "email_address"), ("email",)),
    **dict.fromkeys(("bestand", "path", "pad", "src", "filename"), ("file",)),
    **dict.fromkeys(("alt_text", "alttext", "alttekst", "alt-tekst", "beschrijving", "description"),
                    ("alt", "description")),
    **dict.fromkeys(("bijschrift", "onderschrift"), ("caption",)),
    **dict.fromkeys(("fotograaf", "photographer", "copyright", "bron", "source"), ("credit",)),
    **dict.fromkeys(("licentie", "licence"), ("license",)),
    **dict.fromkeys(("onderwerpen", "onderwerp", "topic", "interests"), ("topics",)),
    **dict.fromkeys(("website", "site", "blogurl", "blog_link"), ("blog_url",)),
    **dict.fromkeys(("feed", "rss", "rss_url", "feedurl"), ("feed_url",)),
    **dict.fromkeys(("afmelden", "unsubscribe", "optout", "opt-out", "afgemeld"), ("opt_out",)),
    **dict.fromkeys(("notities", "opmerkingen", "notitie", "note"), ("notes",)),
    **dict.fromkeys(("tijdzone", "tz", "time_zone"), ("timezone",)),
    **dict.fromkeys(("organisatie", "organisation", "bedrijf", "company"), ("organization",)),
}


def did_you_mean(word: str, known, cutoff: float = 0.6) -> str | None:
    """The field `word` was probably meant to be, out of `known`: the same word in another case,
    a synonym (English or Dutch: `foto's` → images, `citaten` → quotes), else the closest spelling."""
    import difflib

    known = list(known)
    folded = word.strip().casefold()
    for name in known:
        if name.casefold() == folded:
            return name
    for name in SYNONYMS.get(folded, SYNONYMS.get(folded.replace(" ", "_"), ())):
        if name in known:
            return name
    close = difflib.get_close_matches(folded, known, n=1, cutoff=cutoff)
    return close[0] if close else None


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
