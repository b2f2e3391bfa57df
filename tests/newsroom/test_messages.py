"""What a PR person sees for the YAML mistakes people make: plain words with the fix, named by
file:line (and field), through the real `smr check`; never parser jargon, never a traceback."""

from __future__ import annotations

import pytest
import yaml

from generator.newsroom import loader
from tests.conftest import RELEASE_YAML

REL = "releases/x/release.yaml"
HEAD = 'date: 2026-11-24T09:00:00+01:00\nsummary: Vandaag opent Testbedrijf een winkel.\n'
JARGON = ("mapping values", "scalar", "token", "block end", "expected key", "stream", "alias", "flow ")

# (name, release.yaml, the whole error line after "error: ")
CASES = [
    ("colon in a title", "title: Nieuw: een winkel in Delft\n" + HEAD,
     f'{REL}:1: title: invalid YAML: a colon inside a value: put the text in straight double quotes: '
     'title: "Nieuw: een winkel in Delft"'),
    ("colon in a nested value", HEAD + "title: x\nquotes:\n  - text: Hij zei: ja\n    by: Anna\n",
     f'{REL}:5: quotes[0].text: invalid YAML: a colon inside a value: put the text in straight double '
     'quotes: text: "Hij zei: ja"'),
    ("colon in a list item", HEAD + "title: x\nfacts:\n  - Eerst dit\n  - Let op: open: elke dag\n",
     f'{REL}:6: facts[1]: invalid YAML: a colon inside a list item: put the text in straight double quotes: '
     '- "Let op: open: elke dag"'),
    ("tab indentation", "title: x\n" + HEAD + "facts:\n\t- een\n",
     f"{REL}:5: invalid YAML: a tab character; indent with spaces, not tabs"),
    ("unclosed quote", 'title: "Nieuw winkel\n' + HEAD,
     f'{REL}:1: title: invalid YAML: the quote (") opened on this line is never closed: end the text with "'),
    ("text after the closing quote", 'title: "Nieuw" in Delft\n' + HEAD,
     f'{REL}:1: title: invalid YAML: text goes on after the closing quote ("): put the whole text in single '
     "quotes, or write each \" inside it as \\\": title: '\"Nieuw\" in Delft'"),
    ("apostrophe in single quotes", "title: 'Joe's winkel'\n" + HEAD,
     f"{REL}:1: title: invalid YAML: text goes on after the closing quote ('): write an apostrophe inside "
     "single quotes twice (''), or put the text in straight double quotes: title: \"Joe's winkel\""),
    ("list item out of line", "title: x\n" + HEAD + "facts:\n  - een\n - twee\n",
     f"{REL}:6: facts: invalid YAML: this list item is not lined up with the list it belongs to: start every "
     "'- ' of one list in the same column, on the lines below its field (facts:, then   - one)"),
    ("field indented under a value", "title: x\n  subtitle: y\n" + HEAD,
     f"{REL}:2: title.subtitle: invalid YAML: this line is indented further than 'title:' above it, which "
     "already has a value: start 'subtitle:' in the same column as 'title:'; or, if the line continues the "
     "text above, put the text in straight double quotes on one line"),
    ("no space after the colon", "title:Nieuw\n" + HEAD,
     f"{REL}:1: title: invalid YAML: a field needs a space after its colon: title: Nieuw"),
    ("@ at the start", "title: @testbedrijf opent\n" + HEAD,
     f'{REL}:1: title: invalid YAML: a value cannot start with @: put the text in straight double quotes: '
     'title: "@testbedrijf opent"'),
    ("backtick at the start", "title: `Nieuw`\n" + HEAD,
     f'{REL}:1: title: invalid YAML: a value cannot start with `: put the text in straight double quotes: '
     'title: "`Nieuw`"'),
    ("* at the start", "title: *Nieuw*\n" + HEAD,
     f'{REL}:1: title: invalid YAML: a value cannot start with *: put the text in straight double quotes: '
     'title: "*Nieuw*"'),
    ("! at the start", "title: !Nieuw winkel\n" + HEAD,
     f"{REL}:1: title: a value cannot start with '!' (YAML reads !Nieuw as a type): put the text in straight "
     'double quotes: title: "!Nieuw winkel"'),
    ("unclosed bracket", "title: x\ntags: [winkel, delft\n" + HEAD,
     f"{REL}:2: tags: invalid YAML: the [ opened on this line is never closed with ], or an item in it has a "
     "colon or a comma: put such an item in straight double quotes"),
    ("# inside brackets", "title: x\n" + HEAD + "hashtags: [#winkel, #delft]\n",
     f'{REL}:4: hashtags: invalid YAML: a \'#\' inside [ ] starts a comment: write hashtags without # '
     '([webcare, klantenservice]) or each in quotes (["#webcare"])'),
    ("backslash in double quotes", 'title: "C:\\nieuw\\pad"\n' + HEAD,
     f"{REL}:1: title: invalid YAML: a backslash (\\) inside double quotes must be written twice (\\\\), or "
     "put the text in single quotes instead: 'C:\\map'"),
    ("duplicate key", RELEASE_YAML + "title: again\n",
     f"{REL}:4: title: duplicate key 'title' (first on line 1); keep one of the two"),
    ("# starts a list item", RELEASE_YAML + "hashtags:\n  - winkel\n  - #delft\n",
     f"{REL}:6: hashtags[1]: a '#' at the start of a list item makes the rest of the line a comment, so the "
     "item is empty: leave out the # (- delft) or put the text in straight double quotes (- \"#delft\")"),
    ("a second document", RELEASE_YAML + "---\ntitle: again\n",
     f"{REL}:4: invalid YAML: a line with --- or ... ends the press item here, and more follows: a file holds "
     "one press item; delete that line"),
    ("text after the end marker", RELEASE_YAML + "...\nmore text\n",
     f"{REL}:5: invalid YAML: a line with --- or ... ends the press item here, and more follows: a file holds "
     "one press item; delete that line"),
    ("a closing bracket first", "title: x\n" + HEAD + "tags: ]winkel\n",
     f"{REL}:4: tags: invalid YAML: a value cannot start with ]: put the text in straight double quotes"),
    ("too deeply nested", "title: x\n" + HEAD + "facts: " + "[" * 100_000 + "\n",
     f"{REL}:4: lists and mappings are nested more than 50 deep; a press item needs a few levels"),
]

# libyaml (PyYAML's C reader, used when PyYAML has it) and PyYAML's pure-Python reader word their
# errors differently, and each PyYAML release may change them: every case holds for both.
READERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "python": yaml.SafeLoader}


@pytest.fixture(params=list(READERS))
def reader(request, monkeypatch):
    if READERS[request.param] is None:
        pytest.skip("this PyYAML was built without libyaml")
    monkeypatch.setattr(loader, "_Loader", READERS[request.param])
    return request.param


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_a_yaml_mistake_is_said_in_plain_words_with_the_fix(newsroom, reader, name, text, expected):
    newsroom.release("x", text)
    result = newsroom.run("check")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {expected}"], result.output
    assert "Traceback" not in result.output
    assert not any(word in errors[0] for word in JARGON), errors[0]


class _NewWording(yaml.SafeLoader):
    """A PyYAML of tomorrow: the same mistake, in words smr has never seen."""

    def get_single_node(self):
        if "summary:" not in self.buffer:   # newsroom.yaml reads as before
            return super().get_single_node()
        mark = yaml.Mark("release.yaml", 0, 1, 9, None, None)   # line 2, the date
        raise yaml.scanner.ScannerError("while frobnicating a zorb", mark, "found an unexpected quux", mark)


class _NoMark(yaml.SafeLoader):
    def get_single_node(self):
        if "summary:" not in self.buffer:
            return super().get_single_node()
        raise yaml.YAMLError("the quux overflowed")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_wording_smr_does_not_know_still_gets_plain_words_and_the_line(newsroom, monkeypatch, command):
    monkeypatch.setattr(loader, "_Loader", _NewWording)
    newsroom.release("x", "title: x\n" + HEAD)
    result = newsroom.run(command)
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {REL}:2: date: invalid YAML: smr cannot read this line: check its indentation, "
                      "its colons and its quotes, or put the text in straight double quotes (the YAML reader "
                      "says: found an unexpected quux)"], result.output


def test_a_yaml_error_without_a_place_still_names_the_file_in_plain_words(newsroom, monkeypatch):
    monkeypatch.setattr(loader, "_Loader", _NoMark)
    newsroom.release("x", "title: x\n" + HEAD)
    result = newsroom.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: {REL}:1: invalid YAML: smr cannot read this line: check its indentation" in result.output
    assert "(the YAML reader says: the quux overflowed)" in result.output


def test_an_empty_list_item_is_not_mistaken_for_a_hashtag(newsroom):
    """`-` with nothing after it is also empty, but has no # to leave out: the usual message."""
    newsroom.release("x", RELEASE_YAML + "hashtags:\n  - winkel\n  -\n")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert f"{REL}:6: hashtags[1]: " in result.output
    assert "'#'" not in result.output and "comment" not in result.output


def test_a_hash_in_a_quoted_item_or_a_comment_line_is_fine(newsroom):
    newsroom.release("x", RELEASE_YAML + 'hashtags:\n  # the campaign\n  - "#winkel"\n  - delft  # city\n')
    result = newsroom.run("check")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("written,meant", [
    ("photos", "images"), ("foto's", "images"), ("fotos", "images"), ("Pictures", "images"),
    ("afbeeldingen", "images"), ("citaten", "quotes"), ("citaat", "quotes"), ("samenvatting", "summary"),
    ("titel", "title"), ("tekst", "body"), ("bijlagen", "documents"), ("contactpersonen", "contacts"),
    ("vertalingen", "translations"), ("Title", "title"), ("sumary", "summary"),
])
def test_did_you_mean_knows_synonyms(newsroom, written, meant):
    newsroom.release("x", RELEASE_YAML + f"{written}: []\n")
    result = newsroom.run("check")
    assert f"{REL}:4: {written}: unknown field {written!r} (did you mean {meant!r}?)" in result.output


def test_did_you_mean_uses_the_field_of_that_place(newsroom):
    """`tekst` is a release's body, but a quote's text; `naam` a contact's name, `auteur` a quote's by."""
    newsroom.release("x", RELEASE_YAML + "quotes:\n  - tekst: Hallo\n    auteur: Anna\n"
                     "images:\n  - bestand: a.jpg\n    bijschrift: x\n    fotograaf: y\n")
    output = newsroom.run("check").output
    assert "quotes[0].tekst: unknown field 'tekst' (did you mean 'text'?)" in output
    assert "quotes[0].auteur: unknown field 'auteur' (did you mean 'by'?)" in output
    assert "images[0].bestand: unknown field 'bestand' (did you mean 'file'?)" in output
    assert "images[0].bijschrift: unknown field 'bijschrift' (did you mean 'caption'?)" in output
    assert "images[0].fotograaf: unknown field 'fotograaf' (did you mean 'credit'?)" in output
