"""What a release may publish as a document, and the logo as an image: a known list of file
types, checked by name and by content.

Everything published sits on the newsroom's own address, so a file a browser would run
(a web page, an SVG drawing, XML, a script) would run as the newsroom: it could read and
change its pages for every visitor who opens the link. Those are refused with words that
say what to publish instead, and so is a file whose content is not what its name says (a
"brochure.pdf" that is really a web page). The check is part of validation (model.py), so
`smr check` and `smr build` refuse the same files. Publishing serves documents other than
PDFs and pictures as downloads (`served_inline`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

DOCUMENTS_DIR = "docs"   # a release's documents in the site: <slug>/docs/<name>
SNIFF = 4096

# extension -> what it is called in messages; the content check is `_is(kind, head, path)`
DOCUMENT_TYPES = {
    ".pdf": "PDF",
    ".docx": "Word", ".doc": "Word", ".xlsx": "Excel", ".xls": "Excel", ".pptx": "PowerPoint", ".ppt": "PowerPoint",
    ".odt": "OpenDocument text", ".ods": "OpenDocument spreadsheet", ".odp": "OpenDocument presentation",
    ".rtf": "RTF", ".epub": "EPUB",
    ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP", ".gif": "GIF", ".tif": "TIFF", ".tiff": "TIFF",
    ".zip": "ZIP", ".txt": "plain text", ".csv": "CSV",
}
ALLOWED = ("PDF, Word, Excel, PowerPoint, OpenDocument, RTF, EPUB, JPEG, PNG, WebP, GIF, TIFF, ZIP, "
           "plain text (.txt) or CSV")
INLINE = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".gif"}   # what browsers show, and cannot run

# What browsers run, in the words a press officer knows.
ACTIVE = {
    **dict.fromkeys((".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml"), "a web page"),
    **dict.fromkeys((".svg", ".svgz"), "an SVG drawing (it can hold scripts)"),
    **dict.fromkeys((".xml", ".xsl", ".xslt", ".rss", ".atom"), "an XML file (browsers can run it as a page)"),
    **dict.fromkeys((".js", ".mjs", ".wasm", ".swf", ".jar"), "a program"),
}
INSTEAD = {"a web page": "publish a PDF instead", "an SVG drawing (it can hold scripts)": "publish it as PNG or PDF instead"}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .doc, .xls, .ppt
OPENDOCUMENT = {".odt": b"application/vnd.oasis.opendocument.text",
                ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
                ".odp": b"application/vnd.oasis.opendocument.presentation",
                ".epub": b"application/epub+zip"}
OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<object",
          b"<embed", b"<meta", b"<a ", b"<img", b"<div", b"<style", b"<!--", b"<xsl")


def check_document(path: Path) -> None:
    """Raise ValueError (words for people, starting with the file's name) unless the file
    at `path` is a document type smr publishes, and its content is that type."""
    name, suffix = path.name, path.suffix.lower()
    if suffix in ACTIVE:
        what = ACTIVE[suffix]
        raise ValueError(f"{name} is {what}, which would run in the newsroom's site when opened; "
                         f"{INSTEAD.get(what, 'publish it as PDF or ZIP instead')}")
    if suffix not in DOCUMENT_TYPES:
        shown = f"a {suffix} file" if suffix else "a file without an extension"
        raise ValueError(f"{name} is {shown}, which smr does not publish as a document; documents may be {ALLOWED}")
    check_content(path, DOCUMENT_TYPES[suffix])


def check_content(path: Path, kind: str) -> None:
    """Raise ValueError unless the content of `path` is what its extension says (`kind`)."""
    with open(path, "rb") as f:
        head = f.read(SNIFF)
    if _is(path.suffix.lower(), head, path):
        return
    if looks_like_markup(head):
        raise ValueError(f"{path.name} is not a {kind} file: it is a web page or other markup inside, which would "
                         f"run in the newsroom's site when opened; export it again as a real {kind} file")
    if not head:
        raise ValueError(f"{path.name} is empty (0 bytes): copy it again")
    raise ValueError(f"{path.name} is not a {kind} file (its content does not match its name): "
                     f"export or copy it again as {kind}")


def served_inline(name: str) -> bool:
    """PDFs and pictures open in the browser; every other document downloads."""
    return Path(name).suffix.lower() in INLINE


def looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"\xff\xfe") or text.startswith(b"\xfe\xff"):  # UTF-16: read it as such
        text = head.decode("utf-16", "replace").lstrip("\ufeff").lstrip().lower().encode("utf-8", "replace")
    return text.startswith(MARKUP)


def _is(suffix: str, head: bytes, path: Path) -> bool:
    if suffix == ".pdf":
        return b"%PDF-" in head[:1024]
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix == ".gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if suffix in (".tif", ".tiff"):
        return head[:4] in (b"II*\x00", b"MM\x00*")
    if suffix in (".doc", ".xls", ".ppt"):
        return head.startswith(OLE2)
    if suffix == ".rtf":
        return head.startswith(b"{\\rtf")
    if suffix in (".txt", ".csv"):
        return _is_text(head)
    if suffix in OOXML or suffix in OPENDOCUMENT or suffix == ".zip":
        return head.startswith((b"PK\x03\x04", b"PK\x05\x06")) and _zip_holds(path, suffix)
    return False


def _zip_holds(path: Path, suffix: str) -> bool:
    """A ZIP file that is what its name says: an Office file has [Content_Types].xml and its
    part folder, an OpenDocument or EPUB file its `mimetype`."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if suffix in OOXML:
                return "[Content_Types].xml" in names and any(n.startswith(OOXML[suffix]) for n in names)
            if suffix in OPENDOCUMENT:
                return "mimetype" in names and zf.read("mimetype").strip() == OPENDOCUMENT[suffix]
            return True
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return False


def _is_text(head: bytes) -> bool:
    """Text (UTF-8 or a legacy 8-bit encoding, not binary) that does not start as markup."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if looks_like_markup(head):
        return False
    control = sum(1 for b in head if b < 32 and b not in b"\t\r\n\f")
    return control <= len(head) // 100


# ---------------------------------------------------------------- the logo

LOGO_KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WebP", ".gif": "GIF"}


def check_logo(path: Path) -> None:
    """Raise ValueError unless the logo at `path` is what its name says: a picture, or an SVG
    drawing that `svg.sanitise` can publish without anything active in it."""
    if path.suffix.lower() == ".svg":
        from generator.newsroom.svg import SvgError, sanitise

        try:
            sanitise(path.read_bytes())
        except SvgError as exc:
            raise ValueError(f"{path.name} {exc}") from None
        return
    check_content(path, LOGO_KINDS[path.suffix.lower()])
