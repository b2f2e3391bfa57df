"""The block fast path gives byte for byte what python-markdown gives, and is taken for plain bodies.

Set MARKUP_EXAMPLES=5000 (say) to search harder than the quick default."""

import os

from hypothesis import given, settings, strategies as st

from generator.render import markup

EXAMPLES = int(os.environ.get("MARKUP_EXAMPLES", "150"))
SHIFT = st.integers(0, 5)


def reference(text: str, shift: int) -> str:
    return markup._render_markdown(text, shift)


def assert_fast_matches(text: str, shift: int) -> str | None:
    fast = markup._fast_block(text, shift)
    if fast is not None:
        assert fast == reference(text, shift), repr(text)
    assert markup._render(text, shift) == reference(text, shift)
    return fast


# ---------------------------------------------------------------- documents

# Words a press release is made of, and words that look like markup but are text to Markdown.
WORDS = ["bakker", "brood", "Klant", "team", "één", "café", "Ça", "Straße", "Zoë", "2024", "2.500", "1.5",
         "12:30", "€", "5%", "(zie", "bijlage)", "ja!", "C#", "#tag", "x>y", ">", "+31", "=", "-", "--", "1.",
         "12.", "R&D", "&", "&amp", "&copy", "&x-y", "a]", "https://example.org/a?b=1", "www.example.org",
         "'quote'", '"quote"', "a;b", "\u00a0", "a\u00a0b"]
# Everything else python-markdown may read as markup; the fast path must decline or agree.
NASTY = ["*", "**", "_", "__", "`", "[a]", "[a](b)", "![a](b)", "<b>", "<a@b.nl>", "\\", "\\*", "|", "a | b",
         "~~~", "```", "&amp;", "&#12", "&#x41;", "&a.b;", "#", "##", "# a", "- a", "* a", "+ a", "> a",
         "1. a", "2) a", "---", "===", "***", "- - -", " ", "  ", "\t", "\r", "\x02", "\u2028", "\u200b"]
ALPHABET = "abcXYZé\u00a0 019.,-#*_=+><&`[]()|\\!;:/\n"


def line(words):
    return st.lists(st.sampled_from(words), min_size=1, max_size=6).map(" ".join)


def document(words, odd=False):
    """Headings, paragraphs and bullet lists, blank lines between them; odd: with the variants
    Markdown reads differently (no or two spaces after # or -, closing #s, blocks not separated)."""
    def usual(form, *odd_forms):
        return st.sampled_from([form, *odd_forms]) if odd else st.just(form)

    heading = st.tuples(st.integers(1, 7 if odd else 6).map("#".__mul__), usual(" ", "  ", ""), line(words),
                        usual("", " #", "#")).map("".join)
    paragraph = st.lists(line(words), min_size=1, max_size=4).map("\n".join)
    item = st.tuples(st.sampled_from("-*+"), usual(" ", "  ", ""), line(words)).map("".join)
    bullets = st.lists(item, min_size=1, max_size=4).map("\n".join)
    blank = usual("\n\n", "\n\n\n", "\n")
    # a list straight after a list is one loose list to Markdown: only odd documents have those
    after_text = st.tuples(st.one_of(heading, paragraph), blank, bullets).map("".join)
    kinds = [heading, paragraph, after_text] + ([bullets] if odd else [])
    parts = st.lists(st.tuples(st.one_of(kinds), blank).map("".join), min_size=1, max_size=5).map(
        lambda parts: "".join(parts)[:-1])
    edge = usual("", "\n", "\n\n")
    return st.tuples(edge, parts, edge).map("".join)


# ---------------------------------------------------------------- properties

@settings(max_examples=EXAMPLES, deadline=None)
@given(document(WORDS * 4 + NASTY, odd=True), SHIFT)
def test_nasty_documents_render_as_markdown_renders_them(text, shift):
    assert_fast_matches(text, shift)


@settings(max_examples=EXAMPLES, deadline=None)
@given(document(WORDS), SHIFT)
def test_documents_of_markup_lookalikes_render_as_markdown_renders_them(text, shift):
    assert_fast_matches(text, shift)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80), SHIFT)
def test_random_text_renders_as_markdown_renders_it(text, shift):
    if text:
        assert_fast_matches(text, shift)


# Words that may not start a line (or, "C#", end a heading) on the fast path.
LINE_STARTS = ("C#", "#tag", "-", "--", "1.", "12.", "+31", "=", ">", "\u00a0")


@settings(max_examples=EXAMPLES, deadline=None)
@given(document([w for w in WORDS if w not in LINE_STARTS]), SHIFT)
def test_plain_documents_take_the_fast_path(text, shift):
    assert assert_fast_matches(text, shift) is not None


def test_a_typical_release_takes_the_fast_path():
    for text in ["## Kop een\n\nZin een. Zin twee,\nregel drie.\n\n- punt een\n- punt twee\n",
                 "# Café Zoë opent\n\nÉén bakker, 2.500 klanten\u00a0per dag & R&D.\n\n"
                 "* één\n* twee\n\nTot slot!",
                 "Alleen een alinea."]:
        assert assert_fast_matches(text, 1) is not None, text


def test_lists_next_to_lists_and_other_markup_go_to_markdown():
    for text in ["- a\n\n- b", "Een *nadruk*", "a\n- b", "## Kop\nTekst", "a  \nb", "a\r\nb", "1. een", "&#12 x",
                 "\n\n"]:
        assert markup._fast_block(text, 1) is None, text
        assert markup._render(text, 1) == reference(text, 1)
