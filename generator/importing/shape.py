"""Where a press release's parts are in a Word document: the title and subtitle, the embargo
line, the dateline, the lede, the key facts, the quotes, the note to editors and the part
about the organisation, in Dutch and English. What is a guess says so (`Value.note`), so that
the YAML can carry a comment on it; nothing here touches a file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.importing import markdown as md
from generator.importing.word import PICTURE_SRC, WordDocument

# ---------------------------------------------------------------- words of a press release

FACTS = ("kernfeiten", "feiten", "de feiten", "feiten op een rij", "de feiten op een rij", "in het kort",
         "key facts", "facts", "fast facts", "the facts", "at a glance", "highlights", "in short", "in brief")
CONTACTS = ("noot voor de redactie", "noot voor redactie", "noot aan de redactie", "noot voor redacties",
            "noot voor de pers", "voor de redactie", "niet voor publicatie", "note to editors", "notes to editors",
            "note for editors", "notes for editors", "editor's note", "editors' note", "editor’s note",
            "for editors", "not for publication", "press contact", "press contacts", "media contact",
            "media contacts", "perscontact", "perscontacten", "contact", "contacts", "contactgegevens",
            "voor meer informatie", "for more information", "for further information", "media enquiries",
            "media inquiries")
LINKS = ("links", "meer informatie", "meer lezen", "lees meer", "achtergrond", "achtergrondinformatie",
         "handige links", "more information", "read more", "background", "useful links", "further reading")
ABOUT = re.compile(r"^(over|about)\s+(.{2,80})$", re.IGNORECASE)
ABOUT_US = ("ons", "us", "de organisatie", "het bedrijf", "the company", "the organisation", "the organization")
LABELS = re.compile(r"^(persbericht|press release|news release|nieuwsbericht|mediabericht|for immediate release|"
                    r"voor directe publicatie|voor onmiddellijke publicatie|immediate release)\b[\s:.,–—-]*",
                    re.IGNORECASE)
END_MARK = re.compile(r"^(#{3,}|-{0,3}\s*(einde (pers)?bericht|einde|ends?|end of (press )?release)\s*-{0,3}|"
                      r"-\s*30\s*-|\*{3,})\.?$", re.IGNORECASE)
EMBARGO = re.compile(r"^\W*(?:(?:onder|under|strikt|strictly)\s+)?(?:embargo\b\s*(?:tot|until|till|to|op|on)?|"
                     r"niet\s+(?:publiceren|openbaar\s+maken)\s+(?:voor|vóór)|"
                     r"not\s+for\s+(?:publication|release)\s+(?:before|until))\s*[:–-]?\s*(?P<when>.*)$",
                     re.IGNORECASE)

MONTHS = {name: number for number, names in enumerate([
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("maart", "march", "mrt", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augustus", "august", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
    ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<d>\d{{1,2}})(?:e|ste|de|st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
                             re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
                             re.IGNORECASE)
_ISO_DAY = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_NUMERIC_DAY = re.compile(r"\b(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})\b")
_TIME = re.compile(r"(?<![\d.:])(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:uur|u\b|h\b|hrs\b|hours\b)?",
                   re.IGNORECASE)
ZONES = {"cet": 1, "met": 1, "mez": 1, "cest": 2, "mest": 2, "mesz": 2, "gmt": 0, "utc": 0, "wet": 0, "bst": 1,
         "west": 1, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "pst": -8, "pdt": -7}
_ZONE = re.compile(r"\b(" + "|".join(ZONES) + r")\b(?:\s*([+-]\d{1,2})(?::?(\d{2}))?)?", re.IGNORECASE)

OPEN_QUOTES = "“„\"«‘'‹‚"
CLOSE_QUOTES = "”“\"»’'›‘"
SAYS = ("zegt", "zei", "aldus", "vertelt", "vertelde", "stelt", "zegt ook", "vult aan", "legt uit",
        "says", "said", "adds", "added", "explains", "explained", "according to")
_SAYS = "|".join(sorted((re.escape(s) for s in SAYS), key=len, reverse=True))
_Q = rf"[{OPEN_QUOTES}](?P<q1>.+?)[{CLOSE_QUOTES}]"
QUOTE_DASH = re.compile(rf"^[{OPEN_QUOTES}](?P<q1>.+)[{CLOSE_QUOTES}]\s*[—–-]+\s*(?P<who>[^{OPEN_QUOTES}]+)$")
QUOTE_SAYS = re.compile(rf"^{_Q}\s*,?\s*(?:(?P<verb>{_SAYS})\s+(?P<who>[^{OPEN_QUOTES}]+?)|"
                        rf"(?P<who2>[^{OPEN_QUOTES}]+?),?\s+(?:{_SAYS}))\s*[.,]?\s*"
                        rf"(?:[{OPEN_QUOTES}](?P<q2>.+)[{CLOSE_QUOTES}])?\s*$", re.IGNORECASE)
QUOTE_AFTER_NAME = re.compile(rf"^(?P<who>[^{OPEN_QUOTES}:]{{3,120}}):\s*[{OPEN_QUOTES}](?P<q1>.+)[{CLOSE_QUOTES}]$")
TYPED_BULLET = re.compile(r"^\s*(?:\\?[-*+]|[•·▪◦‣–—])\s+")
WHOLE_QUOTE = re.compile(rf"^[{OPEN_QUOTES}](?P<q1>.+)[{CLOSE_QUOTES}]$")
ATTRIBUTION = re.compile(r"^[—–-]+\s*(?P<who>.{2,200})$")

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d ()./-]{6,}\d")
DETAIL_LABEL = re.compile(r"^(t|tel|telefoon|telephone|phone|m|mob|mobiel|mobile|gsm|e|e-mail|email|mail|w|web)"
                          r"\.?\s*:\s*", re.IGNORECASE)
NAME = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]*|van|de|der|den|ten|ter|het|'t|te|von|da|di|du|le|la|el|al|bin|in)"
                  r"(?:\s+(?:[A-ZÀ-Ý][\w'’.-]*|van|de|der|den|ten|ter|het|'t|te|von|da|di|du|le|la|el|al|bin|in))+$")
_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'’.-]*)"
_PARTICLE = r"(?:van|de|der|den|ten|ter|het|'t|te|von|da|di|du|le|la|el|al|bin)"
NAME_AT_END = re.compile(rf"({_NAME_WORD}(?:\s+(?:{_PARTICLE}|{_NAME_WORD}))*\s+{_NAME_WORD})\s*$")
INTRO = re.compile(r"\b(informatie|information|contact|vragen|questions|inquiries|enquiries|meer|more|"
                   r"redactie|editors|pers|press|media)\b", re.IGNORECASE)
FILLERS = frozenset("via of or op at on en and tel tel. telefoon telefonisch phone e-mail email mail mobiel mobile "
                    "bereikbaar reachable is".split())
CREDIT = re.compile(r"[\s(\[]*\b(?P<credit>(?:foto|beeld|fotografie|photo|image|picture|credit)s?\s*:\s*[^)\]]+?)"
                    r"[)\]]?\s*$", re.IGNORECASE)

NL_WORDS = frozenset("de het een en van in is op met dat voor niet zijn te er aan ook bij door wordt worden "
                     "naar om hij zij wij ons onze deze dit".split())
EN_WORDS = frozenset("the and of to a in is for that with on are by this be as at from will it its our we "
                     "has have".split())

NOTE_LIMIT = 80   # characters of a document's text quoted in a comment


@dataclass
class Value:
    """A field's value and where it came from (`note`, the YAML comment; "guessed: …" for guesses)."""
    value: Any
    note: str = ""
    items: list[str] = field(default_factory=list)   # a comment per list entry ("" for none)


@dataclass
class Photo:
    picture: int           # index in WordDocument.pictures
    alt: str
    caption: str = ""
    credit: str = ""


@dataclass
class Shape:
    """What the document holds, as the release's fields."""
    fields: dict[str, Value] = field(default_factory=dict)
    photos: list[Photo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # what was left out, and why
    warnings: list[str] = field(default_factory=list)   # what needs a person


def shape(document: WordDocument, tz: dt.tzinfo, newsroom_language: str, organization: str = "") -> Shape:
    """The release's fields found in `document` (dates in `tz`, the newsroom's zone)."""
    return _Reader(document, tz, newsroom_language, organization).read()


# ---------------------------------------------------------------- the reader

@dataclass
class _Item:
    kind: str            # title, subtitle, heading, para, caption, quote, list, table, picture
    element: Any
    text: str            # plain, one line
    level: int = 0
    pictures: list[int] = field(default_factory=list)
    bold: bool = False   # all of its text bold or italic


class _Reader:
    def __init__(self, document: WordDocument, tz, language: str, organization: str):
        self.doc = document
        self.tz = tz
        self.newsroom_language = language
        self.organization = organization.strip().lower()
        self.out = Shape()
        self.body: list[tuple[str, Any]] = []   # ("heading", item) | ("block", markdown)
        self.links: list[dict] = []
        self.link_notes: list[str] = []
        self.quotes: list[dict] = []
        self.contacts: list[dict] = []
        self.facts: list[str] = []
        self.facts_from = ""
        self.contacts_from = ""
        self.contact_parts: list[str] = []
        self.taken: set[int] = set()   # ids of captions that went with their picture

    # -------------------------------------------------------- the walk

    def read(self) -> Shape:
        items = self._items()
        rest = self._front(items)
        self._sections(rest)
        self._finish(items)
        return self.out

    def _items(self) -> list[_Item]:
        items = []
        for element in md.blocks(self.doc.html):
            tag, cls = element.tag, (element.get("class") or "")
            pictures = [int(src[len(PICTURE_SRC):]) for src in (img.get("src", "") for img in element.iter("img"))
                        if src.startswith(PICTURE_SRC) and src[len(PICTURE_SRC):].isdigit()]
            text = md.plain(element)
            if pictures and tag not in ("table",) and tag not in md.LISTS:
                items.append(_Item("picture", element, "", pictures=pictures))
                if not text:
                    continue
            if not text and tag != "table":
                continue
            if tag == "h1" and "title" in cls:
                kind = "title"
            elif tag in md.HEADINGS:
                kind = "heading"
            elif tag in md.LISTS:
                kind = "list"
            elif tag == "table":
                kind = "table"
            elif "subtitle" in cls:
                kind = "subtitle"
            elif "caption" in cls:
                kind = "caption"
            elif "quote" in cls:
                kind = "quote"
            else:
                kind = "para"
            items.append(_Item(kind, element, text, level=int(tag[1]) if tag in md.HEADINGS else 0,
                               bold=kind in ("para", "quote") and _emphasised(element)))
        return items

    def _front(self, items: list[_Item]) -> list[_Item]:
        """Title, subtitle, embargo, labels and the lede: what comes before the body."""
        fields = self.out.fields
        styled_title = any(i.kind == "title" for i in items)
        index = 0
        while index < len(items):
            item = items[index]
            index += 1
            if item.kind == "picture":
                index = self._picture(item, items, index - 1)
                continue
            if id(item) in self.taken:
                continue
            if item.kind in ("para", "subtitle", "quote") and self._front_line(item):
                continue
            if item.kind == "title" and "title" not in fields:
                fields["title"] = Value(item.text, "from the Title style")
                continue
            if item.kind == "subtitle" and "subtitle" not in fields:
                fields["subtitle"] = Value(item.text, "from the Subtitle style")
                continue
            if item.kind == "heading" and not styled_title and "title" not in fields:
                fields["title"] = Value(item.text, "guessed: the document's first heading")
                continue
            if item.kind == "heading" and "title" in fields and "subtitle" not in fields \
                    and not _section_kind(item.text) and not styled_title:
                fields["subtitle"] = Value(item.text, "guessed: the heading under the title")
                continue
            if item.kind in ("para", "quote"):
                if "title" not in fields and not styled_title and (item.bold or _short_line(item.text)):
                    fields["title"] = Value(item.text, "guessed: the document's first line"
                                            + (", in bold" if item.bold else ""))
                    continue
                if "title" in fields and "subtitle" not in fields and item.bold and _short_line(item.text, 160):
                    fields["subtitle"] = Value(item.text, "guessed: the emphasised line under the title")
                    continue
                if _section_kind(item.text) or _labelled(item) or _heading_like(item):
                    return items[index - 1:]
                self._summary(item)
                return items[index:]
            if item.kind == "caption":
                continue
            return items[index - 1:]   # a list, table or section before any lede: the body starts there
        return []

    def _front_line(self, item: _Item) -> bool:
        """An embargo line, a "PERSBERICHT" label or a place-and-date line: taken, True."""
        text = item.text
        embargo = EMBARGO.match(text)
        if embargo and len(text) <= 200 and "embargo" not in self.out.fields:
            self._embargo(text, embargo["when"])
            return True
        label = LABELS.match(text)
        if label and len(text) <= 120:
            rest = text[label.end():]
            moment = find_moment(rest, self.tz)
            if moment and "date" not in self.out.fields:
                self.out.fields["date"] = Value(moment[0], f"from {_quoted(text)}")
            self.out.notes.append(f"left out the label {_quoted(text)}")
            return True
        if "title" in self.out.fields and len(text) <= 60 and not re.search(r"[–—]|\s-\s", text):
            head, _, tail = text.partition(",")
            moment = find_moment(tail, self.tz) if tail else None
            if moment and _place(head) and "dateline" not in self.out.fields:
                self.out.fields["dateline"] = Value(_place_name(head), f"from {_quoted(text)}")
                self.out.fields.setdefault("date", Value(moment[0], f"from {_quoted(text)}"))
                return True
        return False

    def _embargo(self, line: str, when: str) -> None:
        moment = find_moment(when, self.tz)
        if moment is None:
            self.out.warnings.append(f"the embargo line {_quoted(line)} names no date smr can read: "
                                     "give `embargo:` yourself")
            self.out.fields["embargo"] = Value(None, f"from {_quoted(line)}: write the moment it lifts")
            return
        value, timed, zoned = moment
        note = f"from {_quoted(line)}"
        if not timed:
            note += "; no time given: midnight, give the hour"
            self.out.warnings.append(f"the embargo line {_quoted(line)} gives no time; it is read as midnight: "
                                     "add the hour to `embargo:`")
        elif not zoned:
            note += ", in the newsroom's time zone"
        self.out.fields["embargo"] = Value(value, note)

    def _summary(self, item: _Item) -> None:
        text = item.text
        found = _dateline(text, self.tz)
        if found:
            place, moment, rest, written = found
            self.out.fields["dateline"] = Value(_place_name(place), f"from {_quoted(written)} at the start of the "
                                                "first paragraph")
            if moment:
                self.out.fields.setdefault("date", Value(moment[0], f"from {_quoted(written)}"))
            text = rest
        self.out.fields["summary"] = Value(text, "the document's first paragraph")
        for link in _links(item.element):
            self._add_link(link, "a link in the first paragraph (the summary is plain text)")

    # -------------------------------------------------------- the body and its sections

    def _sections(self, items: list[_Item]) -> None:
        section, heading = "body", None
        taken: list[_Item] = []   # the contacts' or about part's items
        after_end = False
        index = 0
        while index < len(items):
            item = items[index]
            index += 1
            if item.kind == "picture":
                if section == "about":
                    self.out.notes.append(f"left out a picture in {_quoted(heading.text)}")
                    continue
                index = self._picture(item, items, index - 1)
                continue
            if id(item) in self.taken:
                continue
            if item.kind in ("para", "quote") and END_MARK.match(item.text):
                self.out.notes.append(f"left out the end mark {_quoted(item.text)}")
                section, after_end = self._close(section, heading, taken), True
                continue
            kind = None
            if item.kind in ("heading", "title", "subtitle") or _heading_like(item) or _labelled(item):
                kind = _section_kind(item.text, self.organization, items[index:])
            if kind and kind == section and _labelled(item):
                taken.append(item)   # "Voor meer informatie: …" under "Noot voor de redactie"
                continue
            if kind or item.kind == "heading":
                self._close(section, heading, taken)
                section, heading, taken = kind or "body", item, []
                if kind in ("contacts", "about") and _labelled(item):
                    taken.append(item)   # "Noot voor de redactie: Sanne Jansen, …" holds its text
                if not kind:
                    self.body.append(("heading", item))
                continue
            if section in ("contacts", "about"):
                taken.append(item)
                continue
            if section == "facts" and (item.kind == "list" or TYPED_BULLET.match(item.text)):
                self.facts.extend(_list_lines(item.element) if item.kind == "list" else
                                  [TYPED_BULLET.sub("", md.block(item.element)).strip()])
                self.facts_from = heading.text
                continue
            if section == "links" and item.kind in ("list", "para"):
                found = self._section_links(item, heading.text)
                if found:
                    continue
            if item.kind in ("para", "quote") and self._quote(item, items, index):
                if self.quotes[-1].pop("_next"):
                    index += 1
                continue
            if after_end and item.kind != "heading":
                self.out.warnings.append(f"{_quoted(item.text)} comes after the end mark and is kept in the body: "
                                         "check that it is meant for publication")
                after_end = False
            self.body.append(("block", item))
        self._close(section, heading, taken)

    def _close(self, section: str, heading, taken: list[_Item]) -> str:
        if section == "contacts":
            name = _quoted(heading.text.split(":")[0]) if heading is not None else "the note to editors"
            found, skipped = _contacts(taken)
            self.contacts.extend(found)
            self.contacts_from = self.contacts_from or name
            self.contact_parts.append(name)
            if skipped:
                self.out.notes.append(f"left out {len(skipped)} line{'s' if len(skipped) != 1 else ''} of {name} "
                                      f"that {'are' if len(skipped) != 1 else 'is'} not a contact's name, role, "
                                      f"e-mail address or phone number (for editors only): {_quoted(skipped[0])}"
                                      + (" ..." if len(skipped) > 1 else ""))
        elif section == "about" and heading is not None:
            count = len(taken)
            self.out.notes.append(f"left out {_quoted(heading.text)} ({count} paragraph{'s' if count != 1 else ''}): "
                                  "the newsroom holds that text (organization.boilerplate in newsroom.yaml)")
        return "body"

    def _picture(self, item: _Item, items: list[_Item], index: int) -> int:
        """A picture (and the caption under it): a photo of the release. Returns the next index."""
        caption = ""
        after = index + 1
        if after < len(items) and items[after].kind == "caption":
            caption = items[after].text
            after += 1
        elif after < len(items) and items[after].kind == "para" and CREDIT.fullmatch(items[after].text):
            caption = items[after].text
            after += 1
        for picture in item.pictures:
            credit = ""
            text = caption
            found = CREDIT.search(caption)
            if found:
                credit = found["credit"].strip()
                text = caption[:found.start()].strip()
            alt = self.doc.pictures[picture].alt
            if any(p.picture == picture for p in self.out.photos):
                continue
            self.out.photos.append(Photo(picture, alt, text, credit))
        if after > index + 1:
            self.taken.add(id(items[index + 1]))
        return after

    def _quote(self, item: _Item, items: list[_Item], index: int) -> bool:
        """A quote with who said it: in the paragraph ("…,” zegt X. “…”; “…” — X; X: “…”), or in
        the next one after a dash. A paragraph in Word's Quote style needs no quotation marks."""
        text = item.text
        quote = who = None
        taken_next = False
        if text[:1] in OPEN_QUOTES:
            found = QUOTE_DASH.match(text)
            if found and _who(found["who"]):
                quote, who = _quote_text(found["q1"]), _who(found["who"])
            found = None if quote else QUOTE_SAYS.match(text)
            if found and _who(found["who"] or found["who2"]):
                quote, who = _quote_text(found["q1"], found["q2"]), _who(found["who"] or found["who2"])
        else:
            found = QUOTE_AFTER_NAME.match(text)
            if found and _who(found["who"]):
                quote, who = _quote_text(found["q1"]), _who(found["who"])
        if quote is None and index < len(items) and items[index].kind in ("para", "quote"):
            whole = WHOLE_QUOTE.match(text)
            attribution = ATTRIBUTION.match(items[index].text)
            if (whole or item.kind == "quote") and attribution and _who(attribution["who"]):
                quote, who, taken_next = _quote_text(whole["q1"] if whole else text), _who(attribution["who"]), True
        if quote is None:
            return False
        self.quotes.append({"text": quote, **who, "_next": taken_next})
        for link in _links(item.element):
            self._add_link(link, "a link in a quote (a quote is plain text)")
        return True

    def _section_links(self, item: _Item, heading: str) -> bool:
        rows = [li for li in item.element.iter("li")] if item.kind == "list" else [item.element]
        found = []
        for row in rows:
            anchors = [a for a in row.iter("a") if md.link_target(a.get("href"))]
            if len(anchors) != 1 or md.link_target(anchors[0].get("href")).startswith("mailto:"):
                return False
            found.append((row, anchors[0]))
        for row, anchor in found:
            url = md.link_target(anchor.get("href"))
            label = md.plain(anchor)
            rest = md.plain(row).replace(label, "", 1).strip(" –—-:|,")
            title = label if label and label != url else (rest or url)
            link = {"url": url, "title": title}
            if rest and rest != title:
                link["description"] = rest
            self._add_link(link, f"under {_quoted(heading)}")
        return True

    def _add_link(self, link: dict, where: str) -> None:
        if any(existing["url"] == link["url"] for existing in self.links):
            return
        self.links.append(link)
        self.link_notes.append(where)

    # -------------------------------------------------------- the fields

    def _finish(self, items: list[_Item]) -> None:
        fields = self.out.fields
        if "title" not in fields and self.doc.title:
            fields["title"] = Value(self.doc.title, "from the document's properties (File, Info, Title)")
        language, how = self._language()
        fields["language"] = Value(language, how)
        if self.facts:
            fields["facts"] = Value(self.facts, f"the list under {_quoted(self.facts_from)}")
        headings = [entry.level for kind, entry in self.body if kind == "heading"]
        shift = 2 - min(headings) if headings else 0
        blocks = []
        for kind, entry in self.body:
            text = md.block(entry.element, shift if kind == "heading" else 0)
            if entry.kind == "quote" and text:   # Word's Quote style, no one named: a block quote
                text = "\n".join(f"> {line}" for line in text.split("\n"))
            if text:
                blocks.append(text)
        if blocks:
            fields["body"] = Value("\n\n".join(blocks) + "\n", "the rest of the document, as Markdown")
        if self.quotes:
            fields["quotes"] = Value(self.quotes, "guessed: paragraphs in quotation marks, with who said them; "
                                                  "check each name and role",
                                     items=[""] * len(self.quotes))
        if self.links:
            fields["links"] = Value(self.links, "the document's links", items=self.link_notes)
        if self.doc.keywords:
            fields["tags"] = Value(self.doc.keywords[:50], "guessed: the document's keywords (File, Properties)")
        if self.contacts:
            fields["contacts"] = Value(self.contacts, f"guessed from {self.contacts_from}; check them")
        elif self.contact_parts:
            self.out.warnings.append(f"found no name with an e-mail address or phone number in {self.contact_parts[0]}: "
                                     "the release shows the newsroom's contacts")
        for picture in self.out.photos:
            if not picture.alt:
                self.out.warnings.append(f"picture {self.doc.pictures[picture.picture].number} has no alt text in the document: "
                                         "write `alt:` (what the photo shows, for people who cannot see it)")
        if self.doc.comments:
            count = self.doc.comments
            self.out.notes.append(f"dropped {count} comment{'s' if count != 1 else ''}")
        if self.doc.insertions or self.doc.deletions:
            self.out.notes.append(f"accepted the tracked changes ({_count(self.doc.insertions, 'insertion')}, "
                                  f"{_count(self.doc.deletions, 'deletion')}): the text is the approved one")
        self.out.warnings.extend(self.doc.unread_pictures)

    def _language(self) -> tuple[str, str]:
        if self.doc.language:
            return self.doc.language, "the document's language (File, Properties)"
        words = re.findall(r"[a-zà-ÿ]+", " ".join(md.plain(e) for e in md.blocks(self.doc.html)).lower())
        nl = sum(1 for w in words if w in NL_WORDS)
        en = sum(1 for w in words if w in EN_WORDS)
        if nl >= 3 and nl > 1.5 * en:
            return "nl", "guessed from the document's words"
        if en >= 3 and en > 1.5 * nl:
            return "en", "guessed from the document's words"
        if self.doc.marked_language:
            return self.doc.marked_language, "guessed: the language Word marked the text in"
        return self.newsroom_language, "guessed: the newsroom's language"


# ---------------------------------------------------------------- helpers

def _emphasised(element) -> bool:
    """All of the paragraph's text is bold or italic (a heading made by hand)."""
    whole = md.plain(element)
    if not whole:
        return False
    inside = " ".join(md.plain(e) for e in element.iter("strong", "b", "em", "i")
                      if not any(a.tag in ("strong", "b", "em", "i") for a in e.iterancestors()))
    return "".join(inside.split()) == "".join(whole.split())


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _short_line(text: str, limit: int = 150) -> bool:
    return len(text) <= limit and not text.endswith((".", ":", ";"))


def _heading_like(item: _Item) -> bool:
    """A paragraph that reads as a heading: short and all bold, or ending with a colon."""
    if item.kind not in ("para", "quote"):
        return False
    return len(item.text) <= 80 and (item.bold or item.text.endswith(":"))


def _labelled(item: _Item) -> bool:
    """A paragraph that starts with a section's name and a colon: "Noot voor de redactie: …"."""
    if item.kind not in ("para", "quote"):
        return False
    head, colon, _ = item.text.partition(":")
    return bool(colon) and _section_kind(head) in ("contacts",)


def _section_kind(text: str, organization: str = "", following=()) -> str | None:
    name = " ".join(text.lower().strip(" :.–—-").split())
    name = name.split(":")[0].strip() if ":" in name else name
    name = re.sub(r"\s*\((?:niet voor publicatie|not for publication)\)$", "", name)
    if name in FACTS:
        return "facts"
    if name in CONTACTS or name.startswith(("noot voor de redactie", "note to editors", "notes to editors")):
        return "contacts"
    if name in LINKS:
        return "links"
    about = ABOUT.match(name)
    if about:
        subject = about[2].strip()
        if subject in ABOUT_US or (organization and (organization in subject or subject in organization)):
            return "about"
        rest = [i for i in following if i.kind == "heading" or _heading_like(i)]
        if all(_section_kind(i.text) == "contacts" for i in rest):
            return "about"   # the last part of the release, or only notes after it
    return None


def _list_lines(element) -> list[str]:
    lines = []
    for line in md.block(element).split("\n"):
        line = re.sub(r"^\s*(?:-|\d+\.)\s+", "", line).strip()
        if line:
            lines.append(line)
    return lines


def _links(element) -> list[dict]:
    found = []
    for anchor in element.iter("a"):
        url = md.link_target(anchor.get("href"))
        if url and not url.startswith("mailto:"):
            found.append({"url": url, "title": md.plain(anchor) or url})
    return found


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= NOTE_LIMIT else text[:NOTE_LIMIT - 3] + '...'}'"


def _who(text: str | None) -> dict | None:
    """"Anna de Vries, directeur van Brood & Co." -> by and role; None for "hij" or a sentence."""
    if not text:
        return None
    text = text.strip().rstrip(".,;:").strip()
    name, _, role = text.partition(",")
    name, role = name.strip(), role.strip().rstrip(".").strip()
    if not name or not name[0].isupper() or len(name.split()) > 6 or len(text) > 200:
        return None
    if name.lower() in ("hij", "zij", "ze", "he", "she", "they", "we", "wij", "ik", "i"):
        return None
    return {"by": name, **({"role": role} if role else {})}


def _quote_text(first: str, second: str | None = None) -> str:
    """The quoted words, joined where an attribution split them ("…,” zegt X. “…")."""
    first = first.strip()
    if not second:
        return first[:-1] + "." if first.endswith(",") else first
    second = second.strip()
    if second[:1].isupper():   # „…”, zegt X. „De …”: two sentences
        first = first[:-1] + "." if first.endswith((",", ";")) else \
            first if first.endswith((".", "!", "?", "…")) else first + "."
    return f"{first} {second}"


def _place(text: str) -> bool:
    """A dateline's place: a name of at most four words, capitalised (ZEEWOLDE, Den Haag)."""
    words = text.split()
    return 0 < len(words) <= 4 and text[:1].isupper() and not any(c.isdigit() for c in text) \
        and len(text) <= 40


def _place_name(text: str) -> str:
    """ZEEWOLDE -> Zeewolde, 'S-HERTOGENBOSCH -> 's-Hertogenbosch, BERGEN OP ZOOM -> Bergen op Zoom."""
    text = " ".join(text.split()).strip(" ,")
    if not text.isupper():
        return text
    small = {"aan", "op", "den", "de", "der", "van", "bij", "in", "on", "upon", "la", "le", "am", "an", "the"}
    words = []
    for n, word in enumerate(text.lower().split()):
        if n and word in small:
            words.append(word)
            continue
        parts = word.split("-")
        words.append("-".join(p if p in ("'s", "’s") else p[:1].upper() + p[1:] for p in parts))
    return " ".join(words)


def _dateline(text: str, tz) -> tuple[str, tuple | None, str, str] | None:
    """("ZEEWOLDE", moment or None, the rest, what was written) for "ZEEWOLDE, 24 november 2026 – …"."""
    found = re.match(r"^(?P<head>[^–—]{2,70}?)\s*(?:[–—]+|\s-{1,2})\s+(?P<rest>\S.*)$", text)
    if not found:
        return None
    head = found["head"].strip()
    place, _, when = head.partition(",")
    if not when:
        place, _, when = head.partition("(")
        when = when.rstrip(")")
    place = place.strip()
    moment = find_moment(when, tz) if when.strip() else None
    if when.strip() and moment is None:
        return None
    if not _place(place):
        return None
    if not (place.isupper() and len(place) >= 2) and moment is None:
        return None   # "Vandaag – …" is no dateline; "Zeewolde, 24 november 2026 – …" is
    return place, moment, found["rest"], text[:found.start("rest")].strip()


def find_moment(text: str, tz) -> tuple[Any, bool, bool] | None:
    """The first date in `text` (Dutch or English), with its time and zone when given:
    (a datetime, or a date alone; whether a time was given; whether a zone was)."""
    day = None
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO_DAY, _NUMERIC_DAY):
        found = pattern.search(text)
        if found:
            month = found["m"]
            month = MONTHS.get(month.lower().rstrip(".")) if not month.isdigit() else int(month)
            d = int(found["d"])
            if pattern is _NUMERIC_DAY and month > 12 >= d:
                d, month = month, d   # 11/24/2026: month first
            try:
                day = dt.date(int(found["y"]), month, d)
            except (ValueError, TypeError):
                continue
            rest = text[:found.start()] + " " + text[found.end():]
            break
    if day is None:
        return None
    time = None
    for candidate in _TIME.finditer(rest):
        if candidate["min"] is None and not candidate["ampm"] and not re.search(r"uur|u\b|h\b|hrs|hours",
                                                                               candidate.group(0)):
            continue
        hour, minute = int(candidate["h"]), int(candidate["min"] or 0)
        if candidate["ampm"]:
            hour = hour % 12 + (12 if candidate["ampm"].lower().startswith("p") else 0)
        if hour < 24 and minute < 60:
            time = dt.time(hour, minute)
            break
    if time is None:
        return day, False, False
    zone = _ZONE.search(rest)
    if zone:
        hours = ZONES[zone[1].lower()] + (int(zone[2]) if zone[2] else 0)
        return dt.datetime.combine(day, time, dt.timezone(dt.timedelta(hours=hours))), True, True
    return dt.datetime.combine(day, time, tz), True, False


def _contacts(items: list[_Item]) -> tuple[list[dict], list[str]]:
    """The people in a note to editors (a name, then a role, then e-mail and phone, in any layout:
    one line with commas, a line each, or a sentence: "… contact opnemen met Sanne Jansen,
    woordvoerder, via 036 522 95 00 of pers@zeewolde.nl"), and the parts that hold none of that."""
    chunks: list[str] = []
    for item in items:
        element_lines = md.lines(item.element) if item.kind != "list" else \
            [md.plain(li) for li in item.element.iter("li")]
        for line in element_lines:
            head, colon, tail = line.partition(":")
            if colon and _section_kind(head):
                line = tail
            elif colon and INTRO.search(head) and not EMAIL.search(head) and not PHONE.search(head):
                line = tail   # "Voor meer informatie: Sanne Jansen, …"
            for chunk in re.split(r"\s*(?:,|\||;|\s[–—]\s|\s/\s)\s*", line):
                chunk = DETAIL_LABEL.sub("", chunk.strip()).strip(" .")
                if chunk:
                    chunks.append(chunk)
    people: list[dict] = []
    skipped: list[str] = []
    current: dict = {}

    def detail(key: str, value: str) -> None:
        nonlocal current
        if key in current:
            people.append(current)
            current = {}
        current[key] = value

    for chunk in chunks:
        emails = [m.group(0).rstrip(".") for m in EMAIL.finditer(chunk)]
        rest = EMAIL.sub(" ", chunk)
        phones = [" ".join(m.group(0).split()) for m in PHONE.finditer(rest) if len(re.sub(r"\D", "", m.group(0))) >= 8]
        rest = PHONE.sub(lambda m: " " if len(re.sub(r"\D", "", m.group(0))) >= 8 else m.group(0), rest)
        if emails or phones:   # "via 036 … of pers@…": the words around the details
            rest = " ".join(w for w in rest.split() if w.lower().strip("():.") not in FILLERS)
        rest = rest.strip(" .:")
        role = None
        bracketed = re.fullmatch(r"(?P<name>[^()]+?)\s*\((?P<role>[^()]+)\)", rest)
        if bracketed and NAME.fullmatch(bracketed["name"]):   # "Daan van der Berg (woordvoerder)"
            rest, role = bracketed["name"], bracketed["role"].strip()
        if rest and not rest.lower().startswith(("http", "www.")):
            name = rest if NAME.fullmatch(rest) and len(rest.split()) <= 6 else None
            if not name and (emails or phones or len(rest.split()) > 3):
                found = NAME_AT_END.search(rest)   # "… contact opnemen met Sanne Jansen"
                name = found.group(1) if found else None
            open_person = "name" in current and "email" not in current and "phone" not in current
            if name and not open_person:
                if current:
                    people.append(current)
                current = {"name": name, **({"role": role} if role else {})}   # an intro before it goes
            elif open_person and "role" not in current and len(rest.split()) <= 8:
                current["role"] = rest   # the line under a name: "Woordvoerder", "Hoofd Communicatie"
            else:
                skipped.append(rest)   # a sentence for editors, not a contact's detail
        elif rest:
            skipped.append(rest)
        for email in emails:
            detail("email", email)
        for phone in phones:
            detail("phone", phone)
    if current:
        people.append(current)
    ordered = []
    for person in people:
        if "name" not in person:
            if ordered and not any(k in ordered[-1] for k in person):
                ordered[-1].update(person)
            continue
        ordered.append({k: person[k] for k in ("name", "role", "email", "phone") if k in person})
    return [p for p in ordered if "email" in p or "phone" in p], skipped
