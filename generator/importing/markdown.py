"""Mammoth's HTML as the release's Markdown (python-markdown with `tables`, as render/markup.py
reads it) and as plain text. Mammoth writes a small, known set of elements (p, h1-h6, ul, ol,
li, table, tr, td, th, a, strong, em, u, s, sup, sub, br, img), so this is a walk over them;
text is escaped so that nothing a document says becomes markup by accident."""

from __future__ import annotations

import re

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LISTS = ("ul", "ol")
_BLOCKS = frozenset({"p", "li", "tr", "td", "th", "ul", "ol", "table", *HEADINGS})

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")
_NOTE_MARK = re.compile(r"\[\d+\]")
_ESCAPE = re.compile(r"([\\`*_\[\]|])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+](?=\s|$)|-{3,}$|\d+\.(?=\s|$))")


def blocks(html: str) -> list:
    """The top-level elements of mammoth's HTML, in document order."""
    import lxml.html

    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for anchor in list(root.iter("a")):   # footnotes: mammoth's links between a note and its mark
        href = anchor.get("href") or ""
        if href.startswith(("#footnote-ref-", "#endnote-ref-")):
            anchor.drop_tree()   # the note's "↑" back to the text
        elif href.startswith(("#footnote-", "#endnote-")):
            anchor.drop_tag()    # the mark itself, [1], stays as text
    return [child for child in root if isinstance(child.tag, str)]


def clean(text: str) -> str:
    """Text without the control characters a release may not hold (Word keeps some)."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def plain(element, breaks: str = " ") -> str:
    """The text of an element on one line (line breaks become `breaks`), spaces collapsed."""
    parts: list[str] = []

    def walk(el):
        if el.tag == "br":
            parts.append("\n")
        elif el.tag == "img" or (el.tag == "sup" and _NOTE_MARK.fullmatch(el.text_content().strip())):
            pass   # a footnote's mark is no part of a title or summary
        else:
            parts.append(el.text or "")
            for child in el:
                walk(child)
                if child.tag in _BLOCKS:
                    parts.append("\n")   # a cell's or item's paragraphs are lines of their own
                parts.append(child.tail or "")

    walk(element)
    found = [" ".join(line.split()) for line in clean("".join(parts)).split("\n")]
    return breaks.join(line for line in found if line)


def lines(element) -> list[str]:
    """The lines of an element: its line breaks (Shift+Enter in Word) split it."""
    return [line for line in plain(element, "\n").split("\n") if line]


def escape(text: str) -> str:
    """Text that python-markdown shows as written: its markup characters escaped."""
    return _ESCAPE.sub(r"\\\1", text).replace("<", "&lt;")


def _line_starts(text: str) -> str:
    """A line that starts like a heading, quote, list item or rule is escaped there."""
    return "\n".join(_LINE_START.sub(lambda m: m[1] + ("\\" + m[2] if not m[2][0].isdigit() else m[2][:-1] + "\\."),
                                     line) for line in text.split("\n"))


def inline(element, breaks: str = "  \n") -> str:
    """The content of an element as inline Markdown: emphasis, links, line breaks."""
    joined = re.sub(r"[ \t]+", " ", _inline(element, breaks).replace(breaks, "\0")).replace("\0", breaks)
    return _line_starts(joined.strip(" "))


def _inline(element, breaks: str) -> str:
    out: list[str] = []

    def text(value: str | None):
        if value:
            out.append(escape(re.sub(r"\s+", " ", clean(value))))

    def walk(el):
        tag = el.tag
        if tag == "br":
            out.append(breaks)
        elif tag in ("strong", "b", "em", "i"):
            inner = _inline(el, breaks)
            mark = "**" if tag in ("strong", "b") else "*"
            stripped = inner.strip()
            if stripped:
                lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
                out.append(f"{lead}{mark}{stripped}{mark}{trail}")
            else:
                out.append(inner)
        elif tag == "a":
            label = re.sub(r"\s+", " ", _inline(el, " ")).strip()
            href = link_target(el.get("href"))
            if href and label:
                out.append(f"[{label}](<{href}>)" if " " in href or ")" in href else f"[{label}]({href})")
            else:
                out.append(label)
        elif tag in ("sup", "sub"):
            inner = _inline(el, breaks).strip()
            if inner:
                out.append(f"<{tag}>{inner}</{tag}>")
        elif tag != "img":   # u, s, span and anything else: its text
            text(el.text)
            for child in el:
                walk(child)
                text(child.tail)

    text(element.text)
    for child in element:
        walk(child)
        text(child.tail)
    return "".join(out)


def link_target(href: str | None) -> str | None:
    """An http(s) or mailto link as the release may hold it; None for bookmarks inside the
    document (mammoth's footnote and `_Toc` anchors) and anything a browser would run."""
    if not href:
        return None
    href = href.strip()
    lower = href.lower()
    if lower.startswith(("http://", "https://", "mailto:")):
        return href
    if lower.startswith("www."):
        return "https://" + href
    return None


def block(element, heading_shift: int = 0) -> str:
    """One top-level element as a Markdown block ("" for one with nothing to say)."""
    tag = element.tag
    if tag in HEADINGS:
        level = min(6, max(2, int(tag[1]) + heading_shift))
        text = inline(element, " ")
        return f"{'#' * level} {text}" if text else ""
    if tag in LISTS:
        return "\n".join(_list(element, 0))
    if tag == "table":
        return table(element)
    return inline(element)


def _list(element, depth: int) -> list[str]:
    out = []
    number = 0
    for item in element:
        if item.tag != "li":
            continue
        number += 1
        marker = f"{number}." if element.tag == "ol" else "-"
        nested = [child for child in item if child.tag in LISTS]
        for child in nested:
            item.remove(child)
        text = inline(item, " ")
        indent = "    " * depth
        if text:
            out.append(f"{indent}{marker} {text}")
        for child in nested:
            out.extend(_list(child, depth + 1 if text else depth))
    return out


def table(element) -> str:
    """A table as a Markdown table (its first row the header); cells on one line each."""
    rows = []
    for row in element.iter("tr"):
        cells = []
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            parts = [inline(p, " ") for p in (cell if len(cell) and all(c.tag == "p" for c in cell) else [cell])]
            cells.append(" ".join(p for p in parts if p) or " ")
            cells.extend(" " for _ in range(int(cell.get("colspan", "1") or 1) - 1))
        if cells:
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [" "] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(c.strip() or " " for c in rows[0]) + " |",
             "|" + "|".join(" --- " for _ in range(width)) + "|"]
    lines += ["| " + " | ".join(c.strip() or " " for c in r) + " |" for r in rows[1:]]
    return "\n".join(line.replace("|  |", "|   |") for line in lines)
