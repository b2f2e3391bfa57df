"""Markdown to HTML that is safe to put in a page, whoever wrote the Markdown.

python-markdown renders; nh3 (ammonia) removes every tag, attribute and URL scheme that
is not on the allow list, so no script, event handler or javascript:/data: link survives.
"""

from __future__ import annotations

import functools
import re
from html import escape as html_escape

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=1)
def _renderer():
    import markdown   # only for text the fast path declines

    # No "smarty": it doubles the rendering time for typographic quotes nobody asked for.
    return markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code"], output_format="html")


def sanitise(html: str) -> str:
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    return _HREFLESS_LINK.sub(r"\1", clean)


# A link whose unsafe href nh3 removed is no link any more: keep its text, drop the <a>.
_HREFLESS_LINK = re.compile(r'<a(?:\s+(?!href=)[a-z-]+="[^"]*")*\s*>(.*?)</a>', re.S)


def block(text: str | None, shift_headings: int = 0) -> str:
    """Markdown paragraphs to sanitised HTML; headings shift down so the page keeps one h1."""
    return _render(text, shift_headings) if text else ""


def page_block(text: str | None, shift_headings: int = 0) -> str:
    """`block` for a page (the `markdown` filter): an amount keeps its currency sign on its
    line, '€ 25.000' never wraps after the € on a phone."""
    return block(_CURRENCY_SPACE.sub("\\1\u00a0", text) if text else text, shift_headings)


_CURRENCY_SPACE = re.compile(r"([\u20a0-\u20c0$£¥]) (?=\d)")


@functools.lru_cache(maxsize=1024)   # a release's text is on its page and in its feed entry
def _render(text: str, shift_headings: int) -> str:
    html = _fast_block(text, shift_headings)
    return _render_markdown(text, shift_headings) if html is None else html


def _render_markdown(text: str, shift_headings: int) -> str:
    """The reference: python-markdown, headings shifted, sanitised."""
    html = _renderer().reset().convert(text)
    if shift_headings:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift_headings)}", html)
    return sanitise(html)


# ---------------------------------------------------------------- the fast path for plain bodies

# Characters python-markdown may read as emphasis, code, an escape, a link, html, a table or a
# fence ("*" is checked per line, as it also marks list items), and references: its HTML parser
# completes "&#12" to "&#12;".
_MARKUP_CHARS = "_`[\\<|~"
_REFERENCE = re.compile(r"&(?:#|[\w.-]+;)")
# A line starting like this may be a heading, quote, list item, setext underline or rule,
# wherever it sits in a block.
_LINE_START = re.compile(r"[-+=#>]|\d+\.(?: |$)")  # "2.500 mensen" is text
_HEADING = re.compile(r"(#{1,6}) (.*)")
_ITEM = re.compile(r"[-+*] (.*)")


def _plain(line: str, heading: bool = False) -> bool:
    """True when python-markdown renders the line (of a paragraph, heading or list item) as just
    its text. Leading or trailing whitespace would be stripped, or make a hard break or code."""
    return (line != "" and line == line.strip() and "*" not in line
            and (not line.endswith("#") if heading else not _LINE_START.match(line)))


def _fast_block(text: str, shift_headings: int) -> str | None:
    """What _render_markdown gives, for text made only of plain paragraphs, one-line ATX headings
    and tight bullet lists (most press releases); None for anything else, which python-markdown
    renders instead. Building the HTML directly is many times faster than python-markdown."""
    # Tabs, carriage returns, control, format and odd space characters are not printable: python-
    # markdown normalises or strips some of them, so leave them all to it.
    if (not text.replace("\n", "").replace("\u00a0", " ").isprintable()
            or any(char in text for char in _MARKUP_CHARS) or _REFERENCE.search(text)):
        return None
    out, list_before = [], False
    for chunk in re.split(r"\n\n+", text.strip("\n")):
        lines = chunk.split("\n")
        if (heading := _HEADING.fullmatch(chunk)) and _plain(heading[2], heading=True):
            level = min(6, len(heading[1]) + shift_headings)  # the shift _render_markdown makes
            out.append(f"<h{level}>{html_escape(heading[2], quote=False)}</h{level}>")
        elif all(map(_plain, lines)):
            out.append(f"<p>{html_escape(chunk, quote=False)}</p>")
        else:
            items = [_ITEM.fullmatch(line) for line in lines]
            # a list right after a list is one loose list to python-markdown, with <p> in each item
            if list_before or not all(item and _plain(item[1]) for item in items):
                return None
            lis = "".join(f"<li>{html_escape(item[1], quote=False)}</li>\n" for item in items)
            out.append(f"<ul>\n{lis}</ul>")
        list_before = out[-1].startswith("<ul>")
    return sanitise("\n".join(out))


_MARKUP = re.compile(r"[*_`\[\]<>&\\!#|~]|^\s*([-+]|\d+\.)\s|  $|https?:", re.M)


def inline(text: str | None) -> str:
    """One line of Markdown (a fact) without the wrapping paragraph."""
    if not text:
        return ""
    if text == text.strip() and "\n" not in text and "\t" not in text and not _MARKUP.search(text):
        return html_escape(text, quote=False)  # plain words: what Markdown returns, without running it
    html = block(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
