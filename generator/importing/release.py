"""`smr import DOCUMENT.docx`: the draft release folder, written whole or not at all, never over
an existing one; its release.yaml carries a comment on every field that was found or guessed,
and the import says what `smr check` would still ask for."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, SmrError, display_path
from generator.newsroom.paths import NEWSROOM_FILE, RELEASE_FILE, RELEASES_DIR
from generator.slug import slugify

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/tiff": ".tif",
               "image/webp": ".webp"}
"""Pictures smr publishes (photos/inspect.py), by the content type the document gives them."""
OTHER_PICTURES = {"image/x-emf": "an EMF drawing", "image/x-wmf": "a WMF drawing", "image/emf": "an EMF drawing",
                  "image/wmf": "a WMF drawing", "image/svg+xml": "an SVG drawing", "image/bmp": "a BMP picture",
                  "image/x-pict": "a PICT picture"}

ORDER = ("title", "subtitle", "language", "date", "embargo", "dateline", "summary", "facts", "body", "quotes",
         "images", "links", "tags", "contacts", "translations")


@dataclass
class Imported:
    """What `smr import` made, and what is left for a person."""
    path: Path                                              # the release.yaml written
    notes: list[str] = field(default_factory=list)         # what was left out, counted
    warnings: list[Problem] = field(default_factory=list)  # what needs a look (a picture without alt text)
    left: list[Problem] = field(default_factory=list)      # what `smr check` says of the draft


@dataclass
class Noted:
    """A value in a list entry with a comment of its own."""
    value: object
    note: str


def import_document(root: Path, document: Path, now: dt.datetime, *,
                    translation_of: str | None = None) -> Imported:
    """Turn `document` (.docx) into releases/<date>-<slug>/ with release.yaml and images/."""
    from generator.importing.shape import Value, shape
    from generator.importing.word import read_document
    from generator.newsroom.new import make_whole, translation_source
    from generator.newsroom.site import load_newsroom

    root = root.resolve()
    if not (root / NEWSROOM_FILE).is_file():
        raise SmrError(f"no {NEWSROOM_FILE} in {root} or above it; run `smr init` to start a newsroom, "
                       "or pass --root")
    newsroom = load_newsroom(root)
    source = translation_source(root, translation_of) if translation_of else None
    shown = str(document)
    word = read_document(document, shown)
    found = shape(word, newsroom.tz, newsroom.language, newsroom.organization.name)
    fields = found.fields
    warnings = [Problem(shown, 0, "", w) for w in found.warnings]
    notes = list(found.notes)

    entries: dict[str, tuple] = {}
    title = fields.get("title")
    entries["title"] = (title.value, title.note) if title else ("", "not found in the document: write the headline")
    if "subtitle" in fields:
        entries["subtitle"] = (fields["subtitle"].value, fields["subtitle"].note)
    language = fields["language"]
    partner_language = None
    if source is not None:
        partner_language = str(source.data.get("language") or newsroom.language)
        if language.value == partner_language:   # left empty: check asks for it, and blocks nothing
            warnings.append(Problem(shown, 0, "", f"reads as {language.value}, the language of its original "
                                    f"{RELEASES_DIR}/{source.folder.name}; a translation is in a language of its "
                                    "own: write it in `language:`"))
            language = Value("", f"{language.note} ({language.value}), the original's language too: write the "
                                 "language this translation is in")
    if source is not None or language.value != newsroom.language:
        entries["language"] = (language.value, language.note)
    when, when_note = _date(fields, source, newsroom.tz, now)
    entries["date"] = (when, when_note)
    if "embargo" in fields:
        embargo = fields["embargo"]
        entries["embargo"] = ("" if embargo.value is None else embargo.value, embargo.note)
    elif source is not None and source.data.get("embargo"):
        entries["embargo"] = (source.data["embargo"], "the original's embargo")
    if "dateline" in fields:
        entries["dateline"] = (fields["dateline"].value, fields["dateline"].note)
    summary = fields.get("summary")
    entries["summary"] = (summary.value, summary.note) if summary else \
        ("", "not found in the document: write the lede")
    for key in ("facts", "body", "quotes", "links", "tags", "contacts"):
        if key in fields:
            entries[key] = (fields[key].value, fields[key].note, fields[key].items)

    day = when.date() if isinstance(when, dt.datetime) else when
    slug = slugify(title.value if title else document.stem)
    folder = root / RELEASES_DIR / f"{day.isoformat()}-{slug}"
    if folder.exists():
        raise SmrError(f"{display_path(folder, root)} already exists; nothing was changed (remove that folder, "
                       "or import into another newsroom)")
    photos, files = _photos(found.photos, word.pictures, source, warnings, shown)
    if photos:
        entries["images"] = (photos, "the document's pictures, in its order")
    if source is not None:
        others = [ref for ref in source.data.get("translations", []) if Path(str(ref)).name != folder.name]
        entries["translations"] = ([f"../{source.folder.name}", *others], "--translation-of: the same news")
    text = _yaml(entries, document.name, now)

    def fill(made: Path) -> None:
        (made / "images").mkdir()
        for name, data in files.items():
            (made / name).write_bytes(data)
        (made / RELEASE_FILE).write_text(text, "utf-8")

    make_whole(root, folder, fill, prefix="import-")
    return Imported(folder / RELEASE_FILE, notes, warnings, _left(root, folder, newsroom, files, partner_language))


def _date(fields: dict, source, tz, now: dt.datetime) -> tuple:
    """The release date: the embargo's moment (the news comes out when it lifts), a date the
    document names, the original's, or today."""
    embargo = fields.get("embargo")
    if "date" in fields:
        day = fields["date"].value
        if embargo is not None and isinstance(embargo.value, dt.datetime) and not isinstance(day, dt.datetime) \
                and embargo.value.date() == day:   # the day the document names, at the embargo's hour
            return embargo.value, f"{fields['date'].note}, at the embargo's moment"
        return day, fields["date"].note
    if embargo is not None and embargo.value is not None:
        return embargo.value, "the embargo's moment: the news comes out when it lifts"
    if source is not None and source.data.get("date"):
        return source.data["date"], "the original's date"
    return now.astimezone(tz).date(), "guessed: today; give the day it comes out"


def _photos(photos, pictures, source, warnings: list[Problem], shown: str) -> tuple[list[dict], dict[str, bytes]]:
    """images: entries and the files to write (name -> bytes); a translation names its
    original's identical photos from there instead of copying them."""
    from generator.importing.shape import NOTE_LIMIT

    theirs = _their_photos(source) if source is not None else {}
    entries, files, names = [], {}, set()
    written: dict[str, str] = {}   # content hash -> file name
    for photo in photos:
        picture = pictures[photo.picture]
        number = picture.number
        extension = PHOTO_TYPES.get(picture.content_type)
        if extension is None:
            what = OTHER_PICTURES.get(picture.content_type, f"a {picture.content_type or 'picture'} file")
            warnings.append(Problem(shown, 0, "", f"picture {number} is {what}, which smr cannot publish; export it "
                                    "as PNG or JPEG and add it to images/ by hand"))
            continue
        digest = hashlib.sha256(picture.data).hexdigest()
        if digest in theirs:
            name = theirs[digest]
        elif digest in written:
            continue   # the same picture twice: one photo
        else:
            stem = _short_slug(photo.alt) if photo.alt else ""
            stem = stem or f"picture-{number}"
            name, n = f"images/{stem}{extension}", 1
            while name in names:
                n += 1
                name = f"images/{stem}-{n}{extension}"
            names.add(name)
            files[name] = picture.data
            written[digest] = name
        entry: dict = {"file": name}
        entry["alt"] = Noted(photo.alt, "the document's alt text") if photo.alt else \
            Noted("", "not in the document: say what the photo shows")
        if photo.caption:
            entry["caption"] = Noted(photo.caption[:4000], "the caption under it")
        if photo.credit:
            entry["credit"] = photo.credit[:NOTE_LIMIT * 10]
        entries.append(entry)
    return entries, files


def _short_slug(text: str, limit: int = 40) -> str:
    """A file name from alt text, cut after a whole word."""
    slug = slugify(text, max_length=200, fallback="")
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0]
    return cut if len(cut) >= limit // 2 else slug[:limit].rstrip("-")


def _their_photos(source) -> dict[str, str]:
    """Content hash -> `../<original>/<file>` of the original's own photos."""
    from generator.newsroom.paths import usable_file

    found = {}
    for image in source.data.get("images") or []:
        name = image.get("file") if isinstance(image, dict) else None
        if not isinstance(name, str) or name.startswith(("../", "/")):
            continue
        try:
            path = usable_file(source.folder / name, source.folder, "the release folder", name)
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), f"../{source.folder.name}/{name}")
        except (ValueError, OSError):
            continue
    return found


def _left(root: Path, folder: Path, newsroom, files: dict, partner_language: str | None) -> list[Problem]:
    """What `smr check` says of the new draft (as warnings: it is a draft), and of its photos."""
    from generator.newsroom.site import load_item
    from generator.photos.inspect import inspect_photo

    problems = []
    try:
        load_item(root, folder, newsroom)
    except SmrError as exc:
        problems.extend(exc.problems)
    shown = display_path(folder / RELEASE_FILE, root)
    for name in files:
        reason = inspect_photo(folder / name)
        if reason:
            problems.append(Problem(shown, 0, "images", f"{name}: {reason}"))
    return sorted(problems)


# ---------------------------------------------------------------- writing

def _yaml(entries: dict[str, tuple], document: str, now: dt.datetime) -> str:
    """release.yaml with a comment on each field: where it came from, or that it is a guess."""
    lines = [f"# Imported by `smr import` from {_comment(document)} on {now.date().isoformat()}. "
             "The format: docs/press-item.md.",
             "# Check every field, the ones marked \"guessed\" first, then delete `draft: true`.", ""]
    for key in ORDER:
        if key not in entries:
            continue
        value, note, *rest = entries[key]
        items = rest[0] if rest else []
        comment = f"   # {_comment(note)}" if note else ""
        if key == "title":
            lines.append(f"title: {_scalar(value)}{comment}")
            lines.append("draft: true   # a draft is never published; delete this line when the release is final")
        elif key == "body":
            first = next((line for line in value.split("\n") if line.strip()), "")
            indicator = "2" if first[:1] in (" ", "\t") else ""   # YAML would take its spaces for indentation
            lines.append(f"body: |{indicator}{comment}")
            lines.extend(f"  {line}" if line.strip() else "" for line in value.rstrip("\n").split("\n"))
        elif isinstance(value, list) and not value:
            lines.append(f"{key}: []{comment}")
        elif isinstance(value, list):
            lines.append(f"{key}:{comment}")
            for n, entry in enumerate(value):
                note = items[n] if n < len(items) else ""
                lines.extend(_entry(entry, note))
        else:
            lines.append(f"{key}: {_scalar(value)}{comment}")
    return "\n".join(lines) + "\n"


def _entry(entry, note: str) -> list[str]:
    after = f"   # {_comment(note)}" if note else ""
    if not isinstance(entry, dict):
        return [f"  - {_scalar(entry)}{after}"]
    out = []
    for n, (key, value) in enumerate(entry.items()):
        own = ""
        if isinstance(value, Noted):
            own, value = f"   # {_comment(value.note)}", value.value
        out.append(f"{'  - ' if n == 0 else '    '}{key}: {_scalar(value)}{own or (after if n == 0 else '')}")
    return out


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if value is None:
        return '""'
    text = json.dumps(str(value), ensure_ascii=False)   # a JSON string is a YAML string
    for char in ("\u0085", "\u2028", "\u2029"):   # line breaks to YAML, though not to JSON
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _comment(text: str) -> str:
    return " ".join(str(text).split())
