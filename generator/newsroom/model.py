"""The press item contract (docs/press-item.md) as pydantic models.

Validation lives here and only here. Models are validated with a context that says
where the file is (`root`, `folder`) and which timezone naive dates are in (`tz`), so
path and date rules can be checked without any global state.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
                      PrivateAttr, Tag, ValidationError, ValidationInfo, field_validator, model_validator)

from generator.errors import Problem
from generator.newsroom import limits
from generator.newsroom.loader import Document as Parsed, dotted
from generator.text import did_you_mean


class Strict(BaseModel):
    """Every model refuses unknown keys, so typos are caught, not ignored. A model's
    validator is built when first used (defer_build): a build validates a release and the
    newsroom, and pays nothing at start-up for the outreach and alerts models."""

    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


# ---------------------------------------------------------------- field types

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_CLEAN_URL = re.compile(r"[A-Za-z0-9" + re.escape(_URL_SAFE) + r"]*\Z")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


def check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    if _SPACE_OR_CONTROL.search(value):
        raise ValueError("a URL cannot contain spaces or control characters")
    # Quotes, angle brackets and the like are not valid in an href: encode them as browsers do.
    return value if _CLEAN_URL.match(value) else quote(value, safe=_URL_SAFE)


def _text(value: Any) -> Any:
    """Numbers and dates written where text is expected are read as the text the user wrote."""
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return str(value)
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


# What YAML itself refuses in a file, so no escape ("\0", "\e", "\uFFFF") brings it in either:
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the surrogates;
# U+FFFE and U+FFFF. XML (feeds) refuses most of them, and a reader sees none of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class TextProblem(ValueError):
    """What is wrong with a text, and where in it (`offset`, 0-based) when that is known."""

    def __init__(self, what: str, fix: str = "", offset: int | None = None):
        self.what, self.fix, self.offset = what, fix, offset
        at = f" at position {offset + 1}" if offset is not None else ""
        super().__init__(f"{what}{at}{fix}")

    def in_file(self, text: str) -> tuple[int, str]:
        """(line, message) for `text` read from a file of its own (a body_file)."""
        if self.offset is None:
            return 0, f"{self.what}{self.fix}"
        line = text.count("\n", 0, self.offset) + 1
        column = self.offset - text.rfind("\n", 0, self.offset)
        return line, f"{self.what} at column {column}{self.fix}"


def check_characters(value: str) -> str:
    """Refuse invisible control characters and those XML cannot hold, naming the first."""
    if (found := _CONTROL.search(value)) is not None:
        raise TextProblem(f"contains an invisible control character (U+{ord(found[0]):04X})",
                          "; delete it", found.start())
    return value


def _at_most(limit: int, what: str = "characters"):
    def check(value: str) -> str:
        if len(value) > limit:
            raise TextProblem(f"is {len(value):,} {what} long; at most {limit:,} fit here",
                              " (docs/press-item.md, Limits)")
        return value
    return AfterValidator(check)


def _at_most_entries(limit: int, what: str = "entries"):
    """A list longer than `limit`, refused before its entries are validated."""
    def check(value: Any) -> Any:
        if isinstance(value, (list, tuple)) and len(value) > limit:
            raise ValueError(f"has {len(value):,} {what}; at most {limit:,} fit in one release "
                             "(docs/press-item.md, Limits)")
        return value
    return BeforeValidator(check)


def check_markdown(value: str, budget: int = limits.MAX_MARKDOWN_SCAN) -> str:
    """Refuse Markdown that python-markdown would take minutes on (or recurse too deep for):
    lists and quotes nested more than MAX_MARKDOWN_DEPTH deep, and brackets or tags left open
    so often that each is read to the end of the text again. Real text never comes close."""
    depth, offset = _markdown_depth(value)
    if depth > limits.MAX_MARKDOWN_DEPTH:
        raise TextProblem(f"has lists, quotes or indents nested {depth} levels deep", f"; Markdown here allows "
                          f"{limits.MAX_MARKDOWN_DEPTH} levels", offset)
    if _markdown_scan(value, budget) > budget:
        raise TextProblem("has so many brackets ([ or <) that are never closed that the page would "
                          "take minutes to make", "; close each [ with ] and each < with >, "
                          "or write them as \\[ and &lt;")
    check_links(value)
    return value


# Where Markdown (or HTML in it) names a link's target: [text](target), [id]: target, <a href=target>.
_LINK_TARGETS = re.compile(r"(?<!\\)\]\([ \t]*<?([^\s()<>]+)"
                           r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s<>]+)"
                           r"|<a\s[^<>]{0,2000}?\bhref[ \t]*=[ \t]*[\"']?([^\"'\s<>]+)", re.M | re.I)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"(?:[A-Za-z0-9-]+\.)+([A-Za-z]{2,63})(?::\d+)?\Z")
_MAIL = re.compile(r"[^@\s/]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\Z")
# Names of files a relative link may well point to ("docs/factsheet.pdf", "index.html"), which
# look like host names: these endings are read as a file type, every other as a domain.
_FILE_ENDINGS = {
    "html", "htm", "php", "asp", "aspx", "xml", "rss", "atom", "json", "vcf", "ics", "pdf", "doc",
    "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "epub", "txt", "csv", "md",
    "zip", "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "svg", "avif", "mp3", "mp4", "webm",
}


def check_links(value: str) -> str:
    """Refuse a link written without its scheme: `[KNMI](www.knmi.nl)` is a link to a page
    www.knmi.nl inside the newsroom, which does not exist. Relative links that can be meant
    stay allowed: `#anchor`, `/path`, `../other-release/`, `docs/factsheet.pdf`."""
    if "](" not in value and "]:" not in value and "href" not in value.lower():
        return value   # no link at all: most facts and many bodies
    for found in _LINK_TARGETS.finditer(value):
        target = found[1] or found[2] or found[3]
        fix = _with_scheme(target)
        if fix is not None:
            scheme = "mailto:" if fix.startswith("mailto:") else "https://"
            raise TextProblem(f"has a link without {scheme} in front",
                              f": {target!r} would lead to a page of the newsroom that does not exist; "
                              f"write {fix}", found.start(found.lastindex))
    return value


def _with_scheme(target: str) -> str | None:
    """The address `target` was meant to be, when it is a web or e-mail address without its
    scheme; None for a link with a scheme, or one that is meant to be relative."""
    if _SCHEME.match(target) or target.startswith(("#", "/", "?", ".")):
        return None
    first = re.split(r"[/?#]", target, maxsplit=1)[0]
    if _MAIL.match(first):
        return "mailto:" + target
    host = _HOST.match(first)
    if host and (first.lower().startswith("www.") or host[1].lower() not in _FILE_ENDINGS):
        return "https://" + target
    return None


# One level of nesting at the start of a line: a quote marker, or a list marker and its space.
_NEST = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))")


def _markdown_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of any line (markers, plus indentation in steps of 4), and where."""
    deepest, where, start = 0, 0, 0
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" \t"))
        depth, at = (indent + line[:indent].count("\t") * 3) // 4, 0
        while (found := _NEST.match(line, at)) is not None:
            depth, at = depth + 1, found.end()
        if depth > deepest:
            deepest, where = depth, start
        start += len(line) + 1
    return deepest, where


_OPENERS = re.compile(r"\\.|[\[\]()]|<!\[CDATA\[|<(?=[A-Za-z/!?])|\n[ \t]*\n", re.S)


def _markdown_scan(text: str, budget: int) -> int:
    """How many characters python-markdown reads past open brackets: an open `[`, or a `(`
    after `]`, is read to its partner or to the end of its paragraph; a tag's `<` to the next `>`
    (a CDATA section to its `]]>`) or to the end of the text."""
    work = 0
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []
    for found in _OPENERS.finditer(text):
        mark, at = found[0], found.start()
        if mark == "[":
            squares.append(at)
        elif mark == "]":
            if squares:
                work += at - squares.pop()
        elif mark == "(":
            rounds.append((at, at > 0 and text[at - 1] == "]"))
        elif mark == ")":
            if rounds:
                begin, link = rounds.pop()
                work += at - begin if link else 0
        elif mark == "<":
            close = text.find(">", at)
            work += (close if close != -1 else len(text)) - at
        elif mark.startswith("<!"):
            close = text.find("]]>", at)
            work += ((close if close != -1 else len(text)) - at) * 20   # far slower per character
        elif mark.startswith("\n"):   # a blank line ends the paragraph: what is open stays open
            work += sum(at - begin for begin in squares) + sum(at - b for b, link in rounds if link)
            squares, rounds = [], []
        if work > budget:
            break
    work += sum(len(text) - begin for begin in squares) + sum(len(text) - b for b, link in rounds if link)
    return work


HttpUrl = Annotated[str, AfterValidator(check_http_url)]
Text = Annotated[str, BeforeValidator(_text), _at_most(limits.MAX_TEXT), AfterValidator(check_characters),
                 AfterValidator(_not_blank)]
"""Any text a user writes: one or more lines, no control characters, at most MAX_TEXT long."""
Title = Annotated[Text, _at_most(limits.MAX_TITLE)]
InlineMarkdown = Annotated[Text, AfterValidator(lambda value: check_markdown(value, _FACT_BUDGET))]
_FACT_BUDGET = limits.MAX_MARKDOWN_SCAN // limits.MAX_LIST   # a release's facts share one body's
Markdown = Annotated[str, BeforeValidator(_text), _at_most(limits.MAX_BODY), AfterValidator(check_characters),
                     AfterValidator(check_markdown)]
"""A body or boilerplate: Markdown, at most MAX_BODY long."""


def check_body(value: str) -> str:
    """What `Markdown` checks, for a body read from its own file (TextProblem says where)."""
    for check in (_at_most(limits.MAX_BODY).func, check_characters, check_markdown):
        value = check(value)
    return value


def Few(kind: Any, limit: int = limits.MAX_LIST, what: str = "entries") -> Any:
    """A list of `kind` with at most `limit` entries."""
    return Annotated[list[kind], _at_most_entries(limit, what)]


def _hashtag(value: str) -> str:
    value = value.lstrip("#")
    if not re.fullmatch(r"\w+", value):
        raise ValueError("a hashtag has only letters, digits and underscores")
    return value


Hashtag = Annotated[str, BeforeValidator(_text), _at_most(limits.MAX_TITLE), AfterValidator(_hashtag)]


def _language(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError("must be a language tag such as 'nl', 'en' or 'en-GB'")
    return value


Language = Annotated[str, AfterValidator(_language)]

_BRANCHES = ("one text", "per language")   # names of PerLanguage's two forms: never in a field's place


def PerLanguage(kind: Any) -> Any:
    """A text that is the same in every language, or one per language: `{nl: …, en: …}`."""
    return Annotated[Union[Annotated[kind, Tag(_BRANCHES[0])], Annotated[dict[Language, kind], Tag(_BRANCHES[1])]],
                     Discriminator(lambda value: _BRANCHES[1] if isinstance(value, dict) else _BRANCHES[0])]


class Located(ValueError):
    """A problem a check of a whole model found in one of its fields (`loc`, from that model)."""

    def __init__(self, loc: tuple, message: str):
        self.loc = loc
        super().__init__(message)


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):
        raise ValueError("not a valid e-mail address")
    return value


Email = Annotated[str, AfterValidator(_email)]


def _inside(info: ValidationInfo | dict, base_key: str, value: str) -> str:
    """A relative path that must stay inside the folder named by `base_key` and be a file smr
    can read there (newsroom/paths.py `usable_file`, the one rule for every path); given back
    normalised (`images/../images/x.jpg` is `images/x.jpg`), as every later step uses it."""
    from generator.newsroom.paths import name_too_long, usable_file

    context = info if isinstance(info, dict) else info.context
    base: Path = (context or {}).get(base_key)
    where = "the release folder" if base_key == "folder" else "the newsroom folder"
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"must be a path relative to {where}, not an absolute path")
    if (words := name_too_long(value)) is not None:
        raise ValueError(words)
    normal = posixpath.normpath(value)
    if normal == ".." or normal.startswith("../"):
        raise ValueError(f"must not leave {where} ('..')")
    if normal == ".":
        raise ValueError("names a folder, not a file; give the path of a file in it")
    if base is not None:
        usable_file(base / normal, base, where, normal)
    return normal


def resolved(path: Path) -> Path:
    """`path` with every symlink followed; a chain of links that leads back to itself is an error."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):   # Python 3.11 says RuntimeError, 3.13 OSError (ELOOP)
        raise ValueError(f"{path.name} is a symlink that leads back to itself (a loop); "
                         "replace it with the file or folder it should be") from None


def _release_file(value: str, info: ValidationInfo) -> str:
    return _inside(info, "folder", value)


def _published_file(value: str, info: ValidationInfo) -> str:
    """A file of the release that the site links by its name (a photo, a document): a hidden
    name would be linked but never served (publish, like web servers, leaves dot files out)."""
    normal = _inside(info, "folder", value)
    _not_hidden(value, normal)
    return normal


def _not_hidden(value: str, normal: str) -> None:
    hidden = next((part for part in Path(normal).parts if part.startswith(".") and part != ".."), None)
    if hidden is not None:
        raise ValueError(f"{value}: {hidden!r} starts with a dot, which makes it a hidden file: the page would "
                         "link it, but publish and web servers leave hidden files out, so the link would lead "
                         f"nowhere online; rename it without the dot (e.g. {hidden.lstrip('.') or 'file'!r})")


def _newsroom_file(value: str, info: ValidationInfo) -> str:
    return _inside(info, "root", value)


ReleaseFile = Annotated[str, AfterValidator(_release_file)]
PublishedFile = Annotated[str, AfterValidator(_published_file)]

SHARED_PHOTO_HELP = "a photo of a translation is given as ../<its folder>/images/photo.jpg"


def _photo_file(value: str, info: ValidationInfo) -> str:
    """A photo in the release folder, or one of a translation's: `../<its folder>/<path>` (that
    the folder is a translation is checked with the other releases, newsroom/site.py)."""
    from generator.newsroom.paths import name_too_long

    if (words := name_too_long(value)) is not None:
        raise ValueError(words)
    if not value.replace("\\", "/").startswith("../"):
        normal = _inside(info, "folder", value)
        _not_hidden(value, normal)
        return normal
    normal = posixpath.normpath(value)
    _not_hidden(value, str(Path(*Path(normal).parts[2:])) if len(Path(normal).parts) > 2 else normal)
    parts = Path(normal).parts
    if len(parts) < 3 or ".." in parts[1:] or parts[1] in (".", ""):
        raise ValueError(f"must not leave the release folder ('..'); {SHARED_PHOTO_HELP}")
    folder: Path | None = (info.context or {}).get("folder")
    if folder is not None:
        partner = folder.parent / parts[1]
        if resolved(partner) == folder.resolve() or not partner.is_dir():
            raise ValueError(f"{value}: no release folder {parts[1]!r} beside this one; {SHARED_PHOTO_HELP}")
        _inside({"folder": partner}, "folder", str(Path(*parts[2:])))
    return normal


PhotoFile = Annotated[str, AfterValidator(_photo_file)]
NewsroomFile = Annotated[str, AfterValidator(_newsroom_file)]


def _when(value: Any, info: ValidationInfo) -> Any:
    """Dates may be a date or a date-time; without an offset they are in the newsroom's zone."""
    tz = (info.context or {}).get("tz") or dt.timezone.utc
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be a date (2026-11-24) or a date-time with offset "
                             "(2026-11-24T09:00:00+01:00)") from None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    raise ValueError("must be a date (2026-11-24) or a date-time with offset")


When = Annotated[dt.datetime, BeforeValidator(_when)]


# ---------------------------------------------------------------- parts of a release

class Contact(Strict):
    name: Text
    given_name: Optional[Text] = None    # for the vCard and h-card; default: split from `name`
    family_name: Optional[Text] = None   # 'van der Berg' (default: split from `name`)
    role: Optional[PerLanguage(Text)] = None   # {nl: woordvoerder, en: spokesperson} in newsroom.yaml
    email: Optional[Email] = None
    phone: Optional[Text] = None


# Quotation marks a quote may come wrapped in (pasted from Word, typed by hand); the page adds
# its own, so one pair around the whole text goes. Double and single marks are two kinds.
_DOUBLE_QUOTES = "\"“”„‟«»〝〞＂"
_SINGLE_QUOTES = "'‘’‚‛‹›"
_ELISION = re.compile(r"'(?:t|s|n|k|m)\b", re.I)   # Dutch 't, 's, 'n: an apostrophe, not a quote


def unquoted(text: str) -> str:
    """`text` without the quotation marks around the whole of it (“…”, "…", „…”, «…», '…',
    doubled ones too); what is inside, quotes included, stays as written. A text that only
    starts and ends with marks of two separate quotes ("A" en "B") keeps them."""
    for kind in (_DOUBLE_QUOTES, _SINGLE_QUOTES):
        if kind is _SINGLE_QUOTES and _ELISION.match(text):
            continue
        layers = 0
        while 2 * layers + 2 < len(text) and text[layers] in kind and text[-1 - layers] in kind:
            layers += 1
        for n in range(layers, 0, -1):
            inner = text[n:-n]
            if not any(c in kind for c in inner):
                return inner.strip() or text
    return text


class Quote(Strict):
    text: Annotated[Text, AfterValidator(unquoted)]
    by: Text
    role: Optional[Text] = None


PhotoSource = Literal["camera", "edited", "composite", "ai-generated", "ai-edited", "screenshot"]
"""What a photo is (docs/press-item.md, Photos): written as IPTC Digital Source Type (photos/provenance.py)."""


class Image(Strict):
    file: PhotoFile   # or a translation's photo: ../<its folder>/images/photo.jpg
    alt: Text
    caption: Optional[Text] = None
    credit: Optional[Text] = None
    license: Optional[Text] = None
    license_url: Optional[HttpUrl] = None            # None: the newsroom's publish.license_url
    acquire_license_page: Optional[HttpUrl] = None   # None: the newsroom's publish.acquire_license_page
    lead: bool = False
    focus: Optional[tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]]] = None
    strip_gps: Optional[bool] = None   # None: the newsroom's publish.strip_gps
    source: Optional[PhotoSource] = None   # None: the newsroom's publish.source

    @property
    def partner(self) -> str | None:
        """The folder of the translation whose photo this is (`../<folder>/...`), else None."""
        parts = Path(self.file).parts
        return parts[1] if parts[0] == ".." else None


class Video(Strict):
    url: HttpUrl
    title: Text

    @field_validator("url")
    @classmethod
    def _known_host(cls, url: str) -> str:
        if video_kind(url) is None:
            raise ValueError("must be a YouTube or Vimeo link, or an https link to an .mp4 file")
        return url


class Document(Strict):
    file: Optional[PublishedFile] = None
    url: Optional[HttpUrl] = None
    title: Text

    @field_validator("file")
    @classmethod
    def _known_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Only file types a browser does not run, with content that matches the name."""
        folder = (info.context or {}).get("folder")
        if value is not None and folder is not None:
            from generator.newsroom.documents import check_document

            check_document(folder / value)
        return value

    @model_validator(mode="after")
    def _one_source(self):
        if (self.file is None) == (self.url is None):
            raise ValueError("give either 'file' or 'url'")
        return self


class Link(Strict):
    url: HttpUrl
    title: Text
    description: Optional[Text] = None


class Coverage(Strict):
    url: HttpUrl
    title: Text
    site: Optional[Text] = None
    date: Optional[dt.date] = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_only(cls, value):
        return value.date() if isinstance(value, dt.datetime) else value


class Release(Strict):
    title: Title
    subtitle: Optional[Title] = None
    language: Optional[Language] = None
    draft: bool = False
    date: When
    embargo: Optional[When] = None
    updated: Optional[When] = None   # a correction: when the release last changed, after `date`
    dateline: Optional[Text] = None
    summary: Text
    facts: Few(InlineMarkdown) = []
    body: Optional[Markdown] = None
    body_file: Optional[ReleaseFile] = None
    quotes: Few(Quote) = []
    images: Few(Image) = []
    videos: Few(Video) = []
    documents: Few(Document) = []
    links: Few(Link) = []
    hashtags: Few(Hashtag, limits.MAX_TAGS, "hashtags") = []
    tags: Few(Title, limits.MAX_TAGS, "tags") = []
    share_text: Optional[Text] = None
    coverage: Few(Coverage) = []
    contacts: Few(Contact) = []
    translations: Few(Text) = []

    @model_validator(mode="after")
    def _body_once(self):
        if self.body is not None and self.body_file is not None:
            raise ValueError("give 'body' or 'body_file', not both")
        if sum(1 for i in self.images if i.lead) > 1:
            raise ValueError("only one image can be the lead image")
        return self

    @field_validator("updated")
    @classmethod
    def _updated_after_date(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        date = info.data.get("date")
        if value is not None and date is not None and value <= date:
            raise ValueError(f"is not after the release's date ({date.isoformat()}); give when the "
                             "correction was made, with its time if it was the same day "
                             f"(e.g. {date.date().isoformat()}T15:30:00{date.strftime('%z')[:3]}:{date.strftime('%z')[3:]})")
        return value

    @field_validator("translations")
    @classmethod
    def _sibling_releases(cls, values: list[str], info: ValidationInfo) -> list[str]:
        folder: Path | None = (info.context or {}).get("folder")
        for value in values:
            if value.startswith(("/", "\\")) or "://" in value:
                raise ValueError(f"{value!r}: give the translation's folder, e.g. ../2026-11-24-news-en")
            from generator.newsroom.paths import name_too_long

            if (words := name_too_long(value, "folder")) is not None:
                raise ValueError(words)
            if folder is not None:
                target = resolved(folder / value)
                if target.parent != folder.resolve().parent or target == folder.resolve():
                    raise ValueError(f"{value!r} is not another release folder beside this one")
        return values

    @property
    def lead_image(self) -> Image | None:
        return next((i for i in self.images if i.lead), self.images[0] if self.images else None)


# ---------------------------------------------------------------- outreach

def _deliverable_syntax(value: str) -> str:
    """RFC 5321/5322 syntax via email-validator, without DNS: the list is checked offline."""
    from email_validator import EmailNotValidError, validate_email

    value = value.strip()
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return value


def _topics(value: Any) -> Any:
    if isinstance(value, str):
        return [t.strip() for t in value.split(";") if t.strip()]
    return value


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("yes", "no", ""):
            return word == "yes"
        raise ValueError("must be 'yes', 'no' or empty")
    return value


class Blogger(Strict):
    """One row of outreach/bloggers.csv (private: never rendered, uploaded or logged)."""

    email: Annotated[str, AfterValidator(_deliverable_syntax)]
    name: Text
    blog: Optional[Text] = None
    blog_url: Optional[HttpUrl] = None
    feed_url: Optional[HttpUrl] = None
    topics: Annotated[list[Text], BeforeValidator(_topics)] = []
    language: Optional[Language] = None
    notes: Optional[str] = None
    opt_out: Annotated[bool, BeforeValidator(_yes_no)] = False


BLOGGER_COLUMNS = tuple(Blogger.model_fields)   # the header of outreach/bloggers.csv, in order


def _tags(value: Any) -> Any:
    if isinstance(value, str):
        return [t.strip() for t in re.split(r"[;,]", value) if t.strip()]
    return value


class Subscriber(Strict):
    """One row of outreach/subscribers.csv: a journalist who asked for e-mail alerts (private:
    never rendered, uploaded or logged). Without consent, no alert: the row is refused."""

    email: Annotated[str, AfterValidator(_deliverable_syntax)]
    name: Optional[Text] = None
    language: Optional[Language] = None
    tags: Annotated[Few(Title, limits.MAX_TAGS, "tags"), BeforeValidator(_tags)] = []   # wanted; none: all news
    consent: Annotated[Text, Field(description="what they agreed to, and when (e.g. 'alerts about all news, "
                                               "web form 2026-11-20'); no alert goes to a row without it")]
    source: Optional[Text] = None


SUBSCRIBER_COLUMNS = tuple(Subscriber.model_fields)   # the header of outreach/subscribers.csv, in order


# ---------------------------------------------------------------- the newsroom

Network = Literal["x", "linkedin", "facebook", "instagram", "youtube", "mastodon", "bluesky",
                  "threads", "tiktok", "rss", "other"]


_FEDIVERSE_HANDLE = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.-]*)@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)")
_DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _fediverse_handle(value: str) -> str:
    if not _FEDIVERSE_HANDLE.fullmatch(value):
        raise ValueError("must be a Mastodon handle such as '@broodenco@mastodon.social'")
    return "@" + value.lstrip("@")


def _did(value: str) -> str:
    if not _DID.fullmatch(value):
        raise ValueError("must be a Bluesky DID such as 'did:plc:' followed by 24 letters and digits "
                         "(Bluesky: Settings, Account, Handle, 'I have my own domain') or 'did:web:example.org'")
    return value


class Social(Strict):
    network: Network
    url: HttpUrl
    handle: Optional[Annotated[str, AfterValidator(_fediverse_handle)]] = None   # mastodon: '@name@instance'
    did: Optional[Annotated[str, AfterValidator(_did)]] = None   # bluesky: served as /.well-known/atproto-did

    @model_validator(mode="after")
    def _identity_fits_network(self):
        if self.handle is not None and self.network != "mastodon":
            raise ValueError("'handle' is for a mastodon account (network: mastodon)")
        if self.did is not None and self.network != "bluesky":
            raise ValueError("'did' is for a Bluesky account (network: bluesky)")
        return self


LOGO_TYPES = {".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif"}


class Organization(Strict):
    name: Text
    url: Optional[HttpUrl] = None
    logo: Optional[NewsroomFile] = None

    @field_validator("logo")
    @classmethod
    def _logo_is_an_image(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The logo is published: only an image file, so no other newsroom file can leak,
        whose content is that image (an SVG one is published sanitised: newsroom/svg.py)."""
        if value is not None and Path(value).suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"must be an image file ({', '.join(sorted(LOGO_TYPES))})")
        root = (info.context or {}).get("root")
        if value is not None and root is not None:
            from generator.newsroom.documents import check_logo

            check_logo(root / value)
        return value
    boilerplate: Optional[PerLanguage(Markdown)] = None
    social: Few(Social) = []

    @field_validator("social")
    @classmethod
    def _one_did(cls, value: list) -> list:
        if sum(1 for s in value if s.did) > 1:
            raise ValueError("only one Bluesky account can have a 'did': /.well-known/atproto-did names one")
        return value


def _s3_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("must be an s3://bucket/prefix/ URL")
    if "@" in parts.netloc:   # said without the URL: it holds a secret
        raise ValueError("an s3:// URL names a bucket and a prefix, never a user name or password "
                         "(user:password@); remove them, and give the keys through "
                         "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE")
    return value


S3Url = Annotated[str, AfterValidator(_s3_url)]


class ContentCredentials(Strict):
    """The newsroom's C2PA signing certificate and key (PEM files; paths may lie outside the
    newsroom, since keys do not belong in git); without `key`, the key's PEM text comes from
    $SMR_CONTENT_CREDENTIALS_KEY (photos/credentials.py)."""
    certificate: Text
    key: Optional[Text] = None


class Publish(Strict):
    site: Optional[S3Url] = None
    media: Optional[S3Url] = None
    media_base_url: Optional[HttpUrl] = None
    endpoint_url: Optional[HttpUrl] = None
    region: Optional[Text] = None
    path_style: bool = False
    strip_gps: bool = False   # published originals lose their GPS coordinates (a photo may say otherwise)
    license_url: Optional[HttpUrl] = None            # photos' licence (a photo may say otherwise)
    acquire_license_page: Optional[HttpUrl] = None   # where photos are licensed (a photo may say otherwise)
    source: Optional[PhotoSource] = None   # what photos are (a photo may say otherwise)
    content_credentials: Optional[ContentCredentials] = None   # sign every published photo (C2PA)


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", value):
        raise ValueError("must be a hex colour such as '#0a66c2'")
    return value


class Theme(Strict):
    accent: Optional[Annotated[str, AfterValidator(_colour)]] = None


BRAND_TYPES = LOGO_TYPES   # brand assets are published as the logo is: pictures, SVG written anew


class BrandFile(Strict):
    file: NewsroomFile
    title: Text                 # what it is: "Logo, full colour (SVG)"
    notes: Optional[Text] = None   # how to use this one

    @field_validator("file")
    @classmethod
    def _a_picture(cls, value: str, info: ValidationInfo) -> str:
        """Published in the media library: only a picture or an SVG drawing (newsroom/svg.py)."""
        if Path(value).suffix.lower() not in BRAND_TYPES:
            raise ValueError(f"must be a logo file ({', '.join(sorted(BRAND_TYPES))})")
        root = (info.context or {}).get("root")
        if root is not None:
            from generator.newsroom.documents import check_logo

            check_logo(root / value)
        return value


class Brand(Strict):
    """`brand:`: the logo files and usage notes of the media library (docs/press-item.md)."""

    notes: Optional[Markdown] = None   # how the brand may be used, for all its files
    files: Few(BrandFile) = []


class Archive(Strict):
    """`archive:`: how many stories an index, a tag page or an archive page lists (docs/press-item.md, Archive)."""

    page_size: Annotated[int, Field(ge=1, le=1000)] = 20


class OutreachSettings(Strict):
    list: str = "outreach/bloggers.csv"
    from_name: Optional[Text] = None
    from_email: Optional[Email] = None
    allow_private: bool = False   # fetch feeds from private/loopback addresses (an intranet, tests)
    delimiter: Optional[Literal[",", ";", "\t"]] = None   # the export's; None: by the newsroom's language


class AlertSettings(Strict):
    """`alerts:`: how `smr alerts send` and `smr publish --alerts` reach the subscribers; the
    password comes only from the environment (SMR_SMTP_PASSWORD), never from a file."""

    smtp_host: Text = Field(description="the SMTP server that sends the alerts, e.g. smtp.example.org")
    smtp_port: Optional[Annotated[int, Field(ge=1, le=65535)]] = None   # default: 587, 465 (tls) or 25 (none)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: Optional[Text] = None
    from_email: Email = Field(description="the address alerts come from, and unsubscribe requests go to")
    from_name: Optional[Text] = None   # default: the organisation's name
    rate: Optional[Annotated[float, Field(gt=0)]] = None   # messages a minute at most (default 60; --rate)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {value!r}; use a name such as 'Europe/Amsterdam'") from None
    return value


BASE_URL_HELP = ("the newsroom's public address, e.g. https://pers.example.org/; "
                 "feeds, the sitemap and social cards need absolute links")


def _given(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"is empty; give {BASE_URL_HELP}")
    return value


def _base_url(value: str) -> str:
    try:
        check_http_url(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (got {value!r}); give {BASE_URL_HELP}") from None
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return value if value.endswith("/") else value + "/"


def _known_labels(value: dict) -> dict:
    """Label overrides name labels that exist: the message contexts of the built-in catalog
    template, templates/locale/smr.pot (render/i18n.py LABELS)."""
    import re

    from generator.resources import CATALOG_DIR, builtin

    pot = (builtin("templates") / CATALOG_DIR / "smr.pot").read_text("utf-8")
    known = [k for k in re.findall(r'^msgctxt "([^"]+)"$', pot, re.MULTILINE) if "." not in k]
    for name in value:
        if name not in known:
            close = did_you_mean(name, known)
            hint = f"did you mean {close!r}?" if close else f"known labels: {', '.join(sorted(known))}"
            raise Located((name,), f"unknown label {name!r} ({hint})")
    return value


class Newsroom(Strict):
    """newsroom.yaml. Texts a reader sees (title, boilerplate, contact roles, labels) may be given
    per language; after validation `title`, `organization.boilerplate` and contact roles hold the
    newsroom language's text, and `in_language(tag)` gives the newsroom as another language's pages
    show it."""

    title: PerLanguage(Title)
    base_url: Annotated[str, BeforeValidator(_given), AfterValidator(_base_url)] = Field(description=BASE_URL_HELP)
    language: Language = "en"
    timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    organization: Organization
    contacts: Few(Contact) = []
    publish: Publish = Publish()
    theme: Theme = Theme()
    archive: Archive = Archive()   # paginated indexes, tag pages, year archives
    brand: Optional[Brand] = None   # the media library's brand assets
    outreach: OutreachSettings = OutreachSettings()
    alerts: Optional[AlertSettings] = None   # e-mail alerts to outreach/subscribers.csv (docs/press-item.md)
    labels: Annotated[dict[str, PerLanguage(Text)], AfterValidator(_known_labels)] = {}
    _texts: dict = PrivateAttr(default_factory=dict)   # (field, ...) -> {language: text}
    websub_hub: Optional[HttpUrl] = None   # feeds name this WebSub hub; publish pings it (docs/press-item.md)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _per_language(self) -> list[tuple[tuple, Any, Any, str]]:
        """(loc, value, owner, attribute) of every text that may be given per language."""
        found = [(("title",), self.title, self, "title"),
                 (("organization", "boilerplate"), self.organization.boilerplate, self.organization, "boilerplate")]
        found += [(("contacts", i, "role"), c.role, c, "role") for i, c in enumerate(self.contacts)]
        found += [(("labels", name), text, None, name) for name, text in self.labels.items()]
        return found

    @model_validator(mode="after")
    def _did_at_the_root(self):
        """Bluesky looks for /.well-known/atproto-did at the root of the handle's domain only."""
        path = urlsplit(self.base_url).path
        for index, social in enumerate(self.organization.social):
            if social.did and path not in ("", "/"):
                raise Located(("organization", "social", index, "did"),
                              f"is looked for by Bluesky only at the root of a domain (/.well-known/atproto-did), "
                              f"and base_url has a path ({path}); publish the newsroom at a domain's root, "
                              "or leave out did: and put the file on the domain's own site")
        return self

    @model_validator(mode="after")
    def _languages_given(self):
        """Every per-language text has one for the newsroom's language: the one used where a
        page's own language has none. Then the fields hold that text; the others are kept."""
        from generator.text import in_language

        for loc, value, owner, attribute in self._per_language():
            if not isinstance(value, dict):
                continue
            if self.language.lower() not in {tag.lower() for tag in value}:
                given = ", ".join(value) or "none"
                raise Located(loc, f"has no text for {self.language!r}, the newsroom's language (given: {given}); "
                                   f"add `{self.language}: …` (it is shown where a page's language has no text)")
            if owner is not None:
                self._texts[loc] = value
                setattr(owner, attribute, in_language(value, self.language, self.language))
        return self

    def in_language(self, language: str) -> "Newsroom":
        """This newsroom with its texts in `language`, else in the newsroom's language."""
        from generator.text import in_language

        if not self._texts:
            return self
        copy = self.model_copy(deep=True)
        for loc, texts in self._texts.items():
            owner = copy
            for part in loc[:-1]:
                owner = owner[part] if isinstance(part, int) else getattr(owner, part)
            setattr(owner, loc[-1], in_language(texts, language, self.language))
        return copy

    def label_overrides(self, language: str) -> dict[str, str]:
        """The labels newsroom.yaml sets, in `language`."""
        from generator.text import in_language

        return {name: in_language(text, language, self.language) for name, text in self.labels.items()}


# ---------------------------------------------------------------- helpers

def video_kind(url: str) -> str | None:
    """youtube, vimeo or mp4 (https only), else None."""
    parts = urlsplit(url)
    host = parts.netloc.lower().split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    if host in ("youtube.com", "m.youtube.com", "youtu.be", "youtube-nocookie.com"):
        return "youtube" if youtube_id(url) else None
    if host in ("vimeo.com", "player.vimeo.com"):
        return "vimeo" if vimeo_id(url) else None
    if parts.scheme == "https" and parts.path.lower().endswith(".mp4"):
        return "mp4"
    return None


def youtube_id(url: str) -> str | None:
    m = re.search(r"(?:v=|youtu\.be/|/embed/|/shorts/)([A-Za-z0-9_-]{11})", url)
    return m.group(1) if m else None


def vimeo_id(url: str) -> str | None:
    m = re.search(r"vimeo\.com/(?:video/)?(\d+)", url)
    return m.group(1) if m else None


def validate(model: type[BaseModel], doc: Parsed, context: dict) -> tuple[Any, list[Problem]]:
    """Validate a parsed document; map every pydantic error to file:line: field: message."""
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        return None, [problem_from_error(model, doc, err) for err in exc.errors()]


def problem_from_error(model: type[BaseModel], doc: Parsed, err: dict) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith(("function-", "tuple["))
                                                                     or p in _BRANCHES or p == "[key]")))
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, Located):
        loc += located.loc
    kind = err["type"]
    if "[key]" in err["loc"] and loc:
        message = (f"{loc[-1]!r} is not a language tag; give each text under a tag such as 'nl', 'en' "
                   "or 'en-GB'")
    elif kind == "missing":
        message = "field required" + _help(model, loc)
    elif kind == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}" + _suggestion(model, loc)
    elif kind == "string_type" and _colon_text(err.get("input")) is not None:
        # `- Eerste uitwisseling: voorjaar 2027` is valid YAML: a mapping, where a text was meant
        text = _colon_text(err["input"]).replace("\\", "\\\\").replace('"', '\\"')
        if loc and isinstance(loc[-1], int):
            message = f'a colon inside a list item: put the text in straight double quotes: - "{text}"'
        else:
            message = f'a colon inside a value: put the text in straight double quotes: {loc[-1]}: "{text}"'
    else:
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        message = message[0].lower() + message[1:] if message else message
    return Problem(doc.file, doc.line_of(loc), dotted(loc), message)


def _colon_text(value) -> str | None:
    """The text a one-entry mapping was meant to be ('Let op: open' read as {'Let op': 'open'})."""
    if isinstance(value, dict) and len(value) == 1:
        (key, rest), = value.items()
        if isinstance(key, str) and (rest is None or isinstance(rest, (str, int, float))):
            return f"{key}:" if rest is None else f"{key}: {rest}"
    return None


def _suggestion(model: type[BaseModel], loc: tuple) -> str:
    known = _fields_at(model, loc[:-1])
    close = did_you_mean(str(loc[-1]), known, cutoff=0.4)
    if close:
        return f" (did you mean {close!r}?)"
    return f"; known fields: {', '.join(sorted(known))}" if known else ""


def _help(model: type[BaseModel], loc: tuple) -> str:
    """A required field's description, said when it is missing (e.g. base_url)."""
    parent = _model_at(model, loc[:-1]) if loc else None
    field = parent.model_fields.get(loc[-1]) if parent is not None and isinstance(loc[-1], str) else None
    return f": {field.description}" if field is not None and field.description else ""


def _model_at(model: type, loc: tuple):
    if not _fields_at(model, loc):
        return None
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if not isinstance(part, int):
            current = current.model_fields[part].annotation
    return _unwrap(current)


def _fields_at(model: type, loc: tuple) -> list[str]:
    """The field names of the model found at `loc`, walking lists and optionals."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, typing.Union) or str(origin) == "types.UnionType":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
            continue
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        return annotation
