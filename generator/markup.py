"""Markdown to HTML that is safe to put in a page, whoever wrote the Markdown.

python-markdown renders; nh3 (ammonia) removes every tag, attribute and URL scheme that
is not on the allow list, so no script, event handler or javascript:/data: link survives.
"""

from __future__ import annotations

import functools
import re
from html import escape as html_escape

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    # No "smarty": it doubles the rendering time for typographic quotes nobody asked for.
    return markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code"], output_format="html")


def sanitise(html: str) -> str:
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    return _HREFLESS_LINK.sub(r"\1", clean)


# A link whose unsafe href nh3 removed is no link any more: keep its text, drop the <a>.
_HREFLESS_LINK = re.compile(r'<a(?:\s+(?!href=)[a-z-]+="[^"]*")*\s*>(.*?)</a>', re.S)


@functools.lru_cache(maxsize=4096)
def block(text: str | None, shift_headings: int = 0) -> str:
    """Markdown paragraphs to sanitised HTML; headings shift down so the page keeps one h1."""
    if not text:
        return ""
    renderer = _renderer()
    html = renderer.reset().convert(text)
    if shift_headings:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift_headings)}", html)
    return sanitise(html)


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
