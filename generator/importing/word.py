"""Opening a Word document for `smr import`: mammoth for its text as semantic HTML (tracked
changes accepted: insertions kept, deletions dropped; comments left out), python-docx for
what mammoth does not give (core properties, the language, counts of comments and changes).

Anything that is not a readable .docx (an old .doc, a password-protected file, a damaged
zip, another Office file) is an SmrError in one line that says what to do instead."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import SmrError

MAX_DOCUMENT_BYTES = 200_000_000
"""A .docx file on disk; a press release with photos is a few MB."""
MAX_UNPACKED_BYTES = 1_000_000_000
"""All parts of it unpacked: a zip that claims more is refused before anything is read."""
MAX_PARTS = 10_000
MAX_PICTURE_BYTES = 100_000_000

STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => p.quote:fresh
p[style-name='Intense Quote'] => p.quote:fresh
"""
"""Word's built-in styles keep their English names inside the file, also in a Dutch Word."""

PICTURE_SRC = "smr-picture:"
"""How mammoth's HTML names picture n of `WordDocument.pictures`: `smr-picture:n`."""


@dataclass
class Picture:
    data: bytes
    content_type: str
    alt: str      # the document's alt text (Word: "Alt Text"), or ""
    number: int   # its place among the document's pictures, from 1 (as warnings name it)


@dataclass
class WordDocument:
    html: str
    pictures: list[Picture] = field(default_factory=list)
    title: str = ""            # core properties
    keywords: list[str] = field(default_factory=list)
    language: str | None = None   # the author's (core properties: File, Properties)
    marked_language: str | None = None   # the one most of the text is marked in (Word's proofing)
    comments: int = 0
    insertions: int = 0        # tracked changes, accepted
    deletions: int = 0
    unread_pictures: list[str] = field(default_factory=list)   # why a picture could not be taken


def read_document(path: Path, shown: str) -> WordDocument:
    """The document at `path` (`shown` names it in errors), or SmrError in words."""
    data = _bytes(path, shown)
    _refuse_other_formats(data, shown)
    import io
    import zlib

    try:
        _check_archive(zipfile.ZipFile(io.BytesIO(data)), shown)
        return _read(data, shown)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise SmrError("is damaged: the zip archive that a .docx is cannot be read whole; save it again "
                       "from Word, or copy it again", file=shown) from None
    except (KeyError, ValueError, LookupError, AttributeError) as exc:
        raise SmrError(f"is damaged: its parts cannot be read ({_short(exc)}); open it in Word, save it "
                       "again as .docx and import that", file=shown) from None
    except SmrError:
        raise
    except Exception as exc:   # the XML parsers' errors (expat, lxml) have no common base
        if type(exc).__module__.split(".")[0] in ("xml", "lxml", "pyexpat", "docx", "mammoth"):
            raise SmrError(f"is damaged: its text cannot be read ({_short(exc)}); open it in Word, save "
                           "it again as .docx and import that", file=shown) from None
        raise


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _bytes(path: Path, shown: str) -> bytes:
    if not path.exists():
        raise SmrError("no such file", file=shown)
    if not path.is_file():
        raise SmrError("is not a file; give the Word document (.docx) to import", file=shown)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise SmrError(f"is {size // 1_000_000} MB; smr imports documents up to {MAX_DOCUMENT_BYTES // 1_000_000} "
                       "MB: make the photos in it smaller, or add them to images/ by hand", file=shown)
    try:
        return path.read_bytes()
    except PermissionError:
        raise SmrError("cannot be read: permission denied", file=shown) from None


def _refuse_other_formats(data: bytes, shown: str) -> None:
    """What a file named .docx often really is, said with the way to a real .docx."""
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):   # an OLE compound file
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise SmrError("is protected with a password; open it in Word, remove the password (File, Info, "
                           "Protect Document, Encrypt with Password), save it and import that", file=shown)
        raise SmrError("is an old Word 97-2003 document (.doc), not a .docx; open it in Word and save it as "
                       "Word Document (.docx)", file=shown)
    if not data:
        raise SmrError("is empty; give the Word document (.docx) itself", file=shown)
    if data.startswith(b"PK"):
        return
    if data.startswith(b"{\\rtf"):
        what = "an RTF document"
    elif data.startswith(b"%PDF"):
        what = "a PDF"
    elif data.lstrip()[:5].lower() in (b"<?xml", b"<html", b"<!doc") or b"<w:wordDocument" in data[:2000]:
        what = "a web page or XML file"
    else:
        what = "not a Word document"
    raise SmrError(f"is {what}, not a .docx; open it in Word and save it as Word Document (.docx)"
                   if what != "not a Word document" else
                   "is not a Word document (.docx); give the .docx that Word saves", file=shown)


def _check_archive(archive: zipfile.ZipFile, shown: str) -> None:
    names = archive.namelist()
    if len(names) > MAX_PARTS or sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise SmrError("unpacks to more than a Word document holds (a zip bomb?); nothing was imported", file=shown)
    if "_rels/.rels" in names:
        with archive.open("_rels/.rels") as rels:
            if b"purl.oclc.org/ooxml/officeDocument" in rels.read(100_000):
                raise SmrError("is saved as Strict Open XML Document, which smr does not read; save it in Word as "
                               "Word Document (.docx) and import that", file=shown)
    if "word/document.xml" not in names:
        kind = next((k for part, k in (("xl/", "an Excel workbook (.xlsx)"), ("ppt/", "a PowerPoint file (.pptx)"),
                                      ("content.xml", "an OpenDocument file (.odt)"))
                     if any(n.startswith(part) for n in names)), "a zip archive")
        raise SmrError(f"is {kind}, not a Word document; save the text as Word Document (.docx)", file=shown)
    for name in names:   # Word writes no DOCTYPE; one in a part can only be an entity trick
        if name.endswith((".xml", ".rels")):
            with archive.open(name) as part:
                start = part.read(4096)   # the XML parts are read whole below (their CRC checked)
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise SmrError(f"has a part ({name}) with XML entity declarations, which Word never writes; "
                               "nothing was imported", file=shown)


def _read(data: bytes, shown: str) -> WordDocument:
    import io

    import docx
    import mammoth

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:   # python-docx: another content type (a .docm, a template)
        if "macroEnabled" in str(exc):
            raise SmrError("is a Word document with macros (.docm); save it as Word Document (.docx) and "
                           "import that", file=shown) from None
        if "template" in str(exc):
            raise SmrError("is a Word template (.dotx); save it as Word Document (.docx) and import that",
                           file=shown) from None
        raise
    pictures: list[Picture] = []
    unread: list[str] = []

    def picture(image) -> dict:
        number = len(pictures) + len(unread) + 1
        try:
            with image.open() as f:
                content = f.read(MAX_PICTURE_BYTES + 1)
        except Exception as exc:   # a linked (not embedded) picture, one the zip lacks or damaged
            unread.append(f"picture {number} cannot be taken from the document ({_short(exc)}); "
                          "add it to images/ by hand")
            return {"src": ""}
        if len(content) > MAX_PICTURE_BYTES:
            unread.append(f"picture {number} is over {MAX_PICTURE_BYTES // 1_000_000} MB; add it to images/ by hand")
            return {"src": ""}
        pictures.append(Picture(content, image.content_type or "", " ".join((image.alt_text or "").split()), number))
        return {"src": f"{PICTURE_SRC}{len(pictures) - 1}"}

    result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP, include_embedded_style_map=False,
                                     convert_image=mammoth.images.img_element(picture))
    body = document.element.body
    props = document.core_properties
    return WordDocument(
        html=result.value, pictures=pictures, unread_pictures=unread,
        title=" ".join((props.title or "").split()),
        keywords=[k.strip() for k in (props.keywords or "").replace(";", ",").split(",") if k.strip()],
        language=(props.language or "").strip().split("-")[0].lower() or None,
        marked_language=_marked_language(body, document),
        comments=len(document.comments),
        insertions=len(body.xpath(".//w:ins | .//w:moveTo")),
        deletions=len(body.xpath(".//w:del[not(parent::w:rPr)] | .//w:moveFrom")),
    )


def _marked_language(body, document) -> str | None:
    """The language most text is marked in (Word marks each run with its proofing language),
    else the styles' default: the install's language as often as the text's."""
    from collections import Counter

    marked = Counter(v.split("-")[0].lower() for v in body.xpath(".//w:r/w:rPr/w:lang/@w:val"))
    if marked:
        return marked.most_common(1)[0][0]
    styles = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    return styles[0].split("-")[0].lower() if styles else None
