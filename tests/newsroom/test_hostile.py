"""Hostile input: `smr check` and `smr build` refuse exactly the same releases, with the same
line (file:line:field, plain words), exit 1, no traceback, and the previous _site/ untouched."""

from __future__ import annotations

import os

import pytest

from generator.newsroom import limits
from tests.conftest import RELEASE_YAML
from tests.newsroom.test_validation import materialise

GOOD = RELEASE_YAML
REL = "releases/x/release.yaml"


def with_lines(*extra: str) -> str:
    return GOOD + "".join(line + "\n" for line in extra)


# (name, release.yaml text, extra files {path: bytes | "loop"}, expected line)
CASES = [
    ("NUL in title (escape)", GOOD.replace('"Testbedrijf opent', '"Test\\0bedrijf opent'), {},
     f"{REL}:1: title: contains an invisible control character (U+0000) at position 5; delete it"),
    ("ESC in the file", GOOD.replace("een winkel.", "een \x1b winkel."), {},
     f"{REL}:3: contains an invisible control character (U+001B) at column 40; delete it"),
    ("U+FFFE in a tag", with_lines('tags: [goed, "a\\uFFFE"]'), {},
     f"{REL}:4: tags[1]: contains an invisible control character (U+FFFE) at position 2; delete it"),
    ("U+FFFF in body", with_lines('body: "tekst \\uFFFF"'), {},
     f"{REL}:4: body: contains an invisible control character (U+FFFF) at position 7; delete it"),
    ("DEL in a quote", with_lines("quotes:", '  - text: "a\\x7f"', "    by: Anna"), {},
     f"{REL}:5: quotes[0].text: contains an invisible control character (U+007F) at position 2; delete it"),
    ("control in a contact", with_lines("contacts:", '  - name: "Anna\\e"'), {},
     f"{REL}:5: contacts[0].name: contains an invisible control character (U+001B) at position 5; delete it"),
    ("control in alt text", with_lines("images:", "  - file: images/photo.jpg", '    alt: "\\x01"'),
     {"images/photo.jpg": "photo"},
     f"{REL}:6: images[0].alt: contains an invisible control character (U+0001) at position 1; delete it"),
    ("control in a link title", with_lines("links:", "  - url: https://example.org", '    title: "a\\bb"'), {},
     f"{REL}:6: links[0].title: contains an invisible control character (U+0008) at position 2; delete it"),
    ("control in body_file", with_lines("body_file: body.md"), {"body.md": b"Regel een.\n\nRegel \x00twee.\n"},
     "releases/x/body.md:3: contains an invisible control character (U+0000) at column 7; delete it"),
    ("control in coverage.yaml", GOOD,
     {"coverage.yaml": b'- url: https://blog.example.org/post\n  title: "Post\\x0c"\n'},
     "releases/x/coverage.yaml:2: coverage[0].title: contains an invisible control character (U+000C)"),
    ("title too long", GOOD.replace('"Testbedrijf opent een winkel"', "T" * 301), {},
     f"{REL}:1: title: is 301 characters long; at most 300 fit here"),
    ("summary too long", GOOD.replace("Vandaag opent Testbedrijf een winkel.", "w" * 5_001), {},
     f"{REL}:3: summary: is 5,001 characters long; at most 5,000 fit here"),
    ("too many tags", with_lines("tags: [" + ", ".join(f"t{i}" for i in range(51)) + "]"), {},
     f"{REL}:4: tags: has 51 tags; at most 50 fit in one release"),
    ("too many facts", with_lines("facts: [" + ", ".join(f"f{i}" for i in range(501)) + "]"), {},
     f"{REL}:4: facts: has 501 entries; at most 500 fit in one release"),
    ("body_file over 10 MB", with_lines("body_file: body.md"), {"body.md": b"x" * (limits.MAX_FILE_BYTES + 1)},
     "releases/x/body.md: the file is larger than"),
    ("body over 1 MB", with_lines("body_file: body.md"), {"body.md": b"woord " * 200_000},
     "releases/x/body.md: is 1,200,000 characters long; at most 1,000,000 fit here"),
    ("recursive alias", with_lines("facts: &a [*a]"), {},
     f"{REL}:4: facts[0]: an alias (*name) stands inside the list or mapping it names"),
    ("recursive alias in a mapping", with_lines("quotes: &q", "  - text: x", "    by: *q"), {},
     f"{REL}:4: quotes[0].by: an alias (*name) stands inside the list or mapping it names"),
    ("explicit timestamp tag", GOOD.replace("date: 2026-11-24T09:00:00+01:00", "date: !!timestamp nope"), {},
     f"{REL}:2: date: not a valid date: 'nope'"),
    ("explicit bool tag", with_lines("draft: !!bool misschien"), {},
     f"{REL}:4: draft: not a valid true or false: 'misschien'"),
    ("explicit seq tag on text", with_lines("facts: !!seq een"), {},
     f"{REL}:4: facts: not a valid list: 'een'"),
    ("deep YAML nesting", with_lines("facts: " + "[" * 100_000), {},
     f"{REL}:4: lists and mappings are nested more than {limits.MAX_DEPTH} deep"),
    ("nested list markers", with_lines("body: |", "  " + "- " * 50_000 + "x"), {},
     f"{REL}:4: body: has lists, quotes or indents nested 50000 levels deep at position 1"),
    ("open brackets", with_lines("body: |", "  " + "[" * 16_000), {},
     f"{REL}:4: body: has so many brackets ([ or <) that are never closed"),
    ("open brackets in a fact", with_lines("facts:", '  - "' + "[" * 2_000 + '"'), {},
     f"{REL}:5: facts[0]: has so many brackets ([ or <) that are never closed"),
    ("image is a symlink loop", with_lines("images:", "  - file: images/loop.jpg", "    alt: x"),
     {"images/loop.jpg": "loop"},
     f"{REL}:5: images[0].file: loop.jpg is a symlink that leads back to itself (a loop)"),
]


def _site_files(newsroom) -> dict:
    return {p.relative_to(newsroom.site): p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name,text,files,expected", CASES, ids=[c[0] for c in CASES])
def test_check_and_build_refuse_alike(newsroom, name, text, files, expected):
    newsroom.release("good")
    assert newsroom.run("build").exit_code == 0
    before = _site_files(newsroom)
    newsroom.write(REL, text.encode())
    materialise(newsroom, files)

    lines = {}
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert any(expected in line for line in errors), result.output
        lines[command] = errors
    assert lines["check"] == lines["build"]
    assert _site_files(newsroom) == before


def test_real_text_stays_within_the_limits(newsroom):
    """Tabs and line breaks where text has them, long but real text, Markdown with links,
    quotes, nested lists and a tag per topic: all accepted."""
    body = "\n\n".join(f"Alinea {i} met [een link](https://example.org/{i}) en <abbr title=\"x\">afk</abbr>."
                       for i in range(400))
    body += "\n\n" + "".join("    " * depth + "- punt\n" for depth in range(6))
    newsroom.release("x", with_lines(
        "summary_extra: x".replace("summary_extra: x", "facts:"), "  - \"Kolom\\tkolom\"",
        "  - Zie [bron](https://example.org) [sic",
        "tags: [" + ", ".join(f"onderwerp {i}" for i in range(limits.MAX_TAGS)) + "]",
        "body_file: body.md"))
    newsroom.write("releases/x/body.md", body)
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("link", ["loop", "folder"])
def test_symlinked_folders_and_loops_are_not_followed(newsroom, link):
    """A link to a folder (even `.`) or one that leads to itself, anywhere in a release folder
    or in releases/, is not followed by any command: they all still work."""
    newsroom.release("x")
    folder = newsroom.root / "releases" / "x"
    if link == "loop":
        os.symlink("loop", folder / "loop")
        os.symlink("self", newsroom.root / "releases" / "self")
    else:
        os.symlink(".", folder / "here")
        (folder / "docs").mkdir()
        os.symlink("..", folder / "docs" / "up")
    for command in ("check", "build", "status"):
        result = newsroom.run(command)
        assert "Traceback" not in result.output
        if command != "status":
            assert result.exit_code == 0, result.output
    assert (newsroom.site / "x" / "index.html").is_file()


def test_newsroom_yaml_text_is_checked_too(newsroom):
    text = (newsroom.root / "newsroom.yaml").read_text("utf-8")
    newsroom.write("newsroom.yaml", text.replace("  name: Testbedrijf\n", '  name: "Test\\0bedrijf"\n')
                   .replace("Testbedrijf maakt **testen**.", "[" * 16_000))
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 1
        assert ("newsroom.yaml:6: organization.name: contains an invisible control character (U+0000) "
                "at position 5; delete it") in result.output
        assert "newsroom.yaml:8: organization.boilerplate: has so many brackets" in result.output


@pytest.mark.parametrize("text", [
    "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "x\n",    # block mappings
    "".join(" " * i + "-\n" for i in range(60)) + " " * 60 + "x\n",          # block lists
    "a:\n" + "- " * 60 + "x\n",                                               # compact lists on one line
    "a: " + "[" * 60 + "]" * 60 + "\n",                                       # flow lists
])
def test_every_shape_of_deep_nesting_is_refused(text):
    """The loader skips its second reading of the events when a cheap bound says the text
    cannot nest too deep; every way of nesting must still reach the check."""
    from generator.errors import SmrError
    from generator.newsroom.loader import parse_yaml

    with pytest.raises(SmrError, match="nested more than 50 deep"):
        parse_yaml(text, "release.yaml", expect=object)
