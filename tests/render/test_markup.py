"""Markdown rendering: sanitised, and the fast path for plain facts gives what Markdown gives."""

from hypothesis import given, settings, strategies as st

from generator.render import markup


def slow_inline(text: str) -> str:
    """What python-markdown itself gives (never the fast path), without the wrapping paragraph."""
    html = markup._render_markdown(text, 0)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abc XYZ.,:;'\"()-+=?/%€ëé1234567890*_<>&[]#!`\\\n\t", max_size=40))
def test_inline_fast_path_matches_markdown(text):
    assert markup.inline(text) == (slow_inline(text) if text else "")


def test_headings_shift_so_the_page_keeps_one_h1():
    assert markup.block("# Titel\n\n## Sub", 1) == "<h2>Titel</h2>\n<h3>Sub</h3>"


def test_unsafe_schemes_and_tags_removed():
    html = markup.block('[a](javascript:alert(1)) [b](data:text/html,x) <script>x</script> <img src=x onerror=y>')
    assert "javascript:" not in html and "data:" not in html and "<script" not in html and "<img" not in html
