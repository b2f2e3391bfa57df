"""Hostile input: `smr check` and `smr build` refuse exactly the same releases, with the same
line (file:line:field, plain words), exit 1, no traceback, and the previous _site/ untouched."""

from __future__ import annotations

import os
from pathlib import Path

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
    ("a hidden photo", with_lines("images:", "  - file: images/.team.jpg", "    alt: Team"),
     {"images/.team.jpg": "photo"},
     f"{REL}:5: images[0].file: images/.team.jpg: '.team.jpg' starts with a dot, which makes it a hidden file: "
     "the page would link it, but publish and web servers leave hidden files out, so the link would lead "
     "nowhere online; rename it without the dot (e.g. 'team.jpg')"),
    ("a document in a hidden folder", with_lines("documents:", "  - file: .docs/feiten.pdf", "    title: Feiten"),
     {".docs/feiten.pdf": b"%PDF-1.4\n%%EOF\n"},
     f"{REL}:5: documents[0].file: .docs/feiten.pdf: '.docs' starts with a dot, which makes it a hidden file"),
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
    # 7: a release folder without a readable release.yaml is an error, never skipped
    ("release.yml instead of release.yaml", GOOD, {"release.yml": GOOD.encode(), "release.yaml": "gone"},
     "releases/x/release.yml: smr reads a release from release.yaml only: did you mean release.yaml? rename this file"),
    ("Release.yaml instead of release.yaml", GOOD, {"Release.yaml": GOOD.encode(), "release.yaml": "gone"},
     "releases/x/Release.yaml: smr reads a release from release.yaml only: did you mean release.yaml?"),
    ("release.yaml is a folder", GOOD, {"release.yaml": "folder"},
     f"{REL}: release.yaml is a folder, not a file; a release is read from the file release.yaml in its folder"),
    ("release.yaml is a named pipe", GOOD, {"release.yaml": "fifo"},
     f"{REL}: release.yaml is a named pipe (FIFO), not a file; a release is read from the file release.yaml"),
    ("release.yaml links to /dev/zero", GOOD, {"release.yaml": "device"},
     f"{REL}: is a symlink that points outside the release folder"),
    ("no release.yaml, only photos", GOOD, {"images/photo.jpg": "photo", "release.yaml": "gone"},
     "releases/x: has no release.yaml: every folder in releases/ is a release; write its release.yaml "
     "(smr new makes one) or remove the folder"),
    ("a named pipe beside release.yaml", with_lines("images:", "  - file: images/pipe.jpg", "    alt: x"),
     {"images/pipe.jpg": "fifo"},
     f"{REL}:5: images[0].file: images/pipe.jpg is a named pipe (FIFO), not a file; replace it with the file itself"),
    # 9: names longer than file systems allow, said where they are written
    ("body_file name over 255 bytes", with_lines("body_file: " + "b" * 300 + ".md"), {},
     f"{REL}:4: body_file: the name 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…bbbbb.md' is 303 bytes long, and a file name "
     "has at most 255 (a letter such as é takes 2): rename the file and give the new name here"),
    ("document name over 255 bytes", with_lines("documents:", "  - file: docs/" + "é" * 200 + ".pdf", "    title: x"), {},
     f"{REL}:5: documents[0].file: the name 'éééééééééééééééééééééééééééééé…éééé.pdf' is 404 bytes long"),
    ("photo of a translation with a long folder name",
     with_lines("images:", "  - file: ../" + "t" * 256 + "/images/photo.jpg", "    alt: x"), {},
     f"{REL}:5: images[0].file: the name 'tttttttttttttttttttttttttttttt…tttttttt' is 256 bytes long"),
    ("translation with a long folder name", with_lines("translations: [../" + "t" * 256 + "]"), {},
     f"{REL}:4: translations: the name 'tttttttttttttttttttttttttttttt…tttttttt' is 256 bytes long, and a "
     "folder name has at most 255"),
    # 10: a file smr cannot read, simulated as root can meet it (see also test_unreadable_files_*)
    ("photo is a dangling link", with_lines("images:", "  - file: images/photo.jpg", "    alt: x"),
     {"images/photo.jpg": "dangling"},
     f"{REL}:5: images[0].file: images/photo.jpg is a symlink to a file that does not exist; replace it with the "
     "file itself"),
    ("document is a folder", with_lines("documents:", "  - file: factsheet.pdf", "    title: x"),
     {"factsheet.pdf/x": b"x"},
     f"{REL}:5: documents[0].file: factsheet.pdf is a folder, not a file; give the path of a file in it"),
    # 13: one rule for every path: no symlink out of its folder
    ("release.yaml links out of its folder", GOOD, {"release.yaml": "symlink-out"},
     f"{REL}: is a symlink that points outside the release folder"),
    ("coverage.yaml links out of its folder", GOOD, {"coverage.yaml": "symlink-out"},
     "releases/x/coverage.yaml: is a symlink that points outside the release folder"),
    # 15: smr's words, never Python's
    ("a huge whole number", with_lines("tags: [" + "9" * 5_000 + "]"), {},
     f"{REL}:4: tags[0]: not a valid whole number: a number of 5,000 digits, more than smr reads (at most 4,300); "
     "if it is meant as text, put it in straight double quotes"),
    ("a huge hexadecimal number", with_lines("tags: [0x" + "f" * 4_000 + "]"), {},
     f"{REL}:4: tags[0]: not a valid whole number: a number of"),
    ("time zone offset out of range", GOOD.replace("+01:00", "+25:00"), {},
     f"{REL}:2: date: not a valid date: '2026-11-24T09:00:00+25:00': the time zone offset +25:00 does not exist; "
     "offsets run from -23:59 to +23:59"),
    ("an embargo offset of 24 hours", with_lines("embargo: 2026-11-24T09:00:00-24:00"), {},
     f"{REL}:4: embargo: not a valid date: '2026-11-24T09:00:00-24:00': the time zone offset -24:00 does not exist"),
    ("a day February does not have", GOOD.replace("2026-11-24T09:00:00+01:00", "2026-02-30"), {},
     f"{REL}:2: date: not a valid date: '2026-02-30': February 2026 has no day 30"),
    ("an hour that does not exist", GOOD.replace("T09:00:00", "T25:00:00"), {},
     f"{REL}:2: date: not a valid date: '2026-11-24T25:00:00+01:00': there is no such time of day"),
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


def refused_alike(newsroom, *expected: str, now: str | None = None) -> list[str]:
    """`smr check` and `smr build` both exit 1 with the same error lines, holding `expected`."""
    lines = {}
    for command in ("check", "build"):
        result = newsroom.run(command, *(["--now", now] if now else []))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        for line in expected:
            assert any(line in error for error in errors), (line, result.output)
        lines[command] = errors
    assert lines["check"] == lines["build"]
    return lines["check"]


def accepted_alike(newsroom, now: str | None = None) -> list[str]:
    """Both commands pass, with the same warnings."""
    said = {}
    for command in ("check", "build"):
        result = newsroom.run(command, *(["--now", now] if now else []))
        assert result.exit_code == 0, result.output
        said[command] = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert said["check"] == said["build"]
    return said["check"]


def test_an_empty_folder_under_releases_is_an_error_not_zero_releases(newsroom):
    """Case 7: `check` said "OK: 0 releases" and the next publish would have taken the release down."""
    (newsroom.root / "releases" / "2026-11-24-opening").mkdir(parents=True)
    newsroom.write("releases/2026-11-24-lunch/release.yml", GOOD)
    errors = refused_alike(newsroom,
                           "error: releases/2026-11-24-opening: is empty: every folder in releases/ is a release; "
                           "write its release.yaml (smr new makes one) or remove the folder",
                           "error: releases/2026-11-24-lunch/release.yml: smr reads a release from release.yaml "
                           "only: did you mean release.yaml? rename this file")
    assert len(errors) == 2


def test_hidden_folders_and_files_beside_the_releases_are_not_releases(newsroom):
    newsroom.release("x")
    (newsroom.root / "releases" / ".thumbnails").mkdir()
    newsroom.write("releases/README.md", "Our releases\n")
    assert accepted_alike(newsroom) == []


def test_a_long_name_hides_no_other_problem(newsroom):
    """Case 9: the system's "File name too long", with no line or field, stopped the whole
    check; now it is one problem of the release among the others."""
    newsroom.release("good")
    newsroom.release("x", with_lines("body_file: " + "b" * 300 + ".md", "documents:",
                                     "  - file: " + "d" * 260 + ".pdf", "    title: x",
                                     "links:", "  - url: nope", "    title: y"))
    errors = refused_alike(newsroom, f"{REL}:4: body_file: the name", f"{REL}:6: documents[0].file: the name",
                           f"{REL}:9: links[0].url: must be an http:// or https:// URL")
    assert len(errors) == 3
    assert not any("File name too long" in line or "/newsroom/" in line for line in errors)


def test_a_release_folder_linked_from_outside_the_newsroom_is_refused(newsroom, tmp_path):
    """Case 13: a release folder, a release.yaml or a coverage.yaml that is a link to a place
    outside the newsroom was followed and published; the rule of photos now holds for all."""
    outside = tmp_path / "elsewhere"
    (outside / "story").mkdir(parents=True)
    (outside / "story" / "release.yaml").write_text(GOOD, "utf-8")
    (outside / "other.yaml").write_text(GOOD, "utf-8")
    (outside / "coverage.yaml").write_text("- url: https://blog.example.org/p\n  title: Post\n", "utf-8")
    newsroom.release("good")
    (newsroom.root / "releases").joinpath("linked").symlink_to(outside / "story")
    newsroom.release("y")
    (newsroom.root / "releases" / "y" / "release.yaml").unlink()
    (newsroom.root / "releases" / "y" / "release.yaml").symlink_to(outside / "other.yaml")
    newsroom.release("z")
    (newsroom.root / "releases" / "z" / "coverage.yaml").symlink_to(outside / "coverage.yaml")
    errors = refused_alike(
        newsroom,
        f"error: releases/linked: is a symlink that points outside the newsroom folder ({outside / 'story'}); "
        "move the release into releases/ instead of linking to it",
        "error: releases/y/release.yaml: is a symlink that points outside the release folder",
        "error: releases/z/coverage.yaml: is a symlink that points outside the release folder")
    assert len(errors) == 3
    assert not (newsroom.root / "_site").exists()


def test_a_release_folder_linked_from_inside_the_newsroom_still_works(newsroom):
    newsroom.release("good")
    archive = newsroom.root / "archive" / "story"
    archive.mkdir(parents=True)
    (archive / "release.yaml").write_text(GOOD, "utf-8")
    (newsroom.root / "releases" / "story").symlink_to(archive)
    assert accepted_alike(newsroom) == []
    assert (newsroom.site / "story" / "index.html").is_file()


TRANSLATED = GOOD + "language: {language}\ntranslations: [../{other}]\n"


def test_a_broken_original_adds_no_error_to_its_translation(newsroom):
    """Case 14: an error in the Dutch release gave its English translation a false error
    telling the user to edit the English file; a translation of a folder without its
    release.yaml was told so too, besides that folder's own error."""
    newsroom.write("releases/opening-nl/release.yaml", TRANSLATED.format(language="nl", other="opening-en")
                   .replace("2026-11-24T09:00:00+01:00", "nope"))
    newsroom.write("releases/opening-en/release.yaml", GOOD + "language: en\n"
                   "images:\n  - file: ../opening-nl/images/photo.jpg\n    alt: x\n")
    newsroom.photo("opening-nl")
    newsroom.write("releases/lunch-de/release.yaml", TRANSLATED.format(language="de", other="lunch-fr"))
    (newsroom.root / "releases" / "lunch-fr").mkdir()
    errors = refused_alike(newsroom, "error: releases/opening-nl/release.yaml:2: date: must be a date",
                           "error: releases/lunch-fr: is empty")
    assert len(errors) == 2, errors


def test_an_address_collision_is_not_also_a_same_language_error(newsroom):
    """Case 14: two folders giving one address (/opening/) were taken for two versions of
    one story, which added a false "same language as its translation" error. Issue 24: the
    one whose name is not the address already gets a stable suffix, with a warning."""
    from generator.slug import suffix

    newsroom.release("Opening")
    newsroom.release("opening")
    moved = f"opening-{suffix('Opening')}"
    warnings = accepted_alike(newsroom)
    assert warnings == [f"warning: releases/Opening/release.yaml:1: the folder name gives the address /opening/, "
                        f"which another release folder gives too; this release is at /{moved}/ instead: rename "
                        "one of the folders for a plainer address"]
    assert (newsroom.root / "_site" / "opening" / "index.html").is_file()
    assert (newsroom.root / "_site" / moved / "index.html").is_file()


def test_a_path_that_stays_inside_its_folder_is_accepted(newsroom):
    """Case 15: `images/../images/photo.jpg` was refused as leaving the release folder."""
    newsroom.release("good")
    newsroom.release("x", with_lines("images:", "  - file: images/../images/photo.jpg", "    alt: De winkel",
                                     "documents:", "  - file: ./docs/../factsheet.pdf", "    title: Feiten"))
    newsroom.photo("x")
    newsroom.write("releases/x/factsheet.pdf", b"%PDF-1.4\n%%EOF\n")
    assert accepted_alike(newsroom) == []
    page = (newsroom.site / "x" / "index.html").read_text("utf-8")
    assert "factsheet.pdf" in page and "De winkel" in page
    assert (newsroom.site / "x" / "docs" / "factsheet.pdf").is_file()


def test_a_date_far_in_the_future_is_a_warning(newsroom):
    """Case 15: a 9999-12-31 date was published without a word."""
    newsroom.release("good")
    newsroom.release("x", GOOD.replace("2026-11-24T09:00:00+01:00", "9999-12-31T23:59:59-12:00")
                     + "embargo: 2062-11-24T09:00:00+01:00\n")
    warnings = accepted_alike(newsroom, now="2026-11-25T10:00+01:00")
    assert warnings == [
        f"warning: {REL}:2: date: 9999-12-31T23:59:59-12:00 is more than a year after now (2026-11-25): the page "
        "would show that date and list the release above every other; is the year right?",
        f"warning: {REL}:4: embargo: 2062-11-24T09:00:00+01:00 is more than a year after now (2026-11-25): the "
        "release stays unpublished until then; is the year right?"]


def test_warnings_about_the_summary_do_not_read_the_release_again(newsroom):
    """A release kept in the state store says its far-future warning with the right line
    from its summary: every build says it, and reading every such release again cost a
    third of a one-change build at 1000 releases."""
    import datetime as dt

    from generator.newsroom import site as site_module

    newsroom.release("x", GOOD.replace("2026-11-24T09:00:00+01:00", "2062-11-24T09:00:00+01:00"))
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone.utc)
    first = site_module.load_site(newsroom.root, now)
    site_module._loaded.clear()   # as a new process: the items come from the store
    again = site_module.load_site(newsroom.root, now)
    assert [i.full for i in again.items] == [None]
    assert [(w.line, w.field) for w in again.warnings] == [(w.line, w.field) for w in first.warnings] == [(2, "date")]
    assert [i.full for i in again.items] == [None]


@pytest.mark.parametrize("date,now", [("9999-12-31T23:59:59-12:00", "9998-12-31T23:00+00:00"),
                                      ("0001-01-01T00:00:00+14:00", "1000-01-01T00:00+00:00"),
                                      ("9999-12-31", "2026-11-25T10:00+01:00")])
def test_dates_at_the_ends_of_the_calendar_build(newsroom, date, now):
    """Case 8: every clock value and date `check` accepts, `build` accepts too."""
    newsroom.release("x", GOOD.replace("2026-11-24T09:00:00+01:00", date))
    accepted_alike(newsroom, now=now)
    assert (newsroom.site / "sitemap.xml").is_file()


def _as_a_user_who_cannot_read():
    """The command prefix under which chmod 000 stops reads: none for a normal user; as root
    (who reads anything), the same command as root without the two capabilities that let it
    pass file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). Same user, same Python and
    packages, wherever they are installed: running as `nobody` failed where Python lives in
    root's home."""
    import shutil
    import subprocess

    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: nothing can make a file unreadable to root")
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and this machine does not let root drop capabilities: {probe.stderr.strip()}")
    return prefix


@pytest.mark.parametrize("target,expected", [
    ("releases/x/release.yaml", "error: releases/x/release.yaml: release.yaml cannot be read: permission denied; "
                                "give read access to it (e.g. chmod a+r) or replace it with a copy you can read"),
    ("releases/x/images/photo.jpg", "error: releases/x/release.yaml:5: images[0].file: images/photo.jpg cannot be "
                                    "read: permission denied"),
    ("releases/x/factsheet.pdf", "error: releases/x/release.yaml:8: documents[0].file: factsheet.pdf cannot be "
                                 "read: permission denied"),
    ("logo.png", "error: newsroom.yaml:8: organization.logo: logo.png cannot be read: permission denied"),
])
def test_unreadable_files_are_refused_alike_with_a_warm_cache(target, expected):
    """Case 10: a file smr may not read is refused by check and by build in words, also when
    the state store remembers it from a build that could read it (as root the commands run
    without the capabilities that let root read past chmod 000)."""
    import shutil
    import subprocess
    import sys
    import tempfile

    from tests.conftest import REPO, Newsroom

    prefix = _as_a_user_who_cannot_read()
    place = tempfile.mkdtemp(prefix="smr-unreadable-")
    try:
        newsroom = Newsroom(Path(place) / "newsroom")
        text = (newsroom.root / "newsroom.yaml").read_text("utf-8")
        newsroom.write("newsroom.yaml", text.replace("  url: https://www.example.org\n",
                                                     "  url: https://www.example.org\n  logo: logo.png\n"))
        from tests.conftest import make_photo

        make_photo(newsroom.root / "logo.png", size=(64, 64), fmt="PNG")
        newsroom.release("good")
        newsroom.release("x", with_lines("images:", "  - file: images/photo.jpg", "    alt: x",
                                         "documents:", "  - file: factsheet.pdf", "    title: Feiten"))
        newsroom.photo("x", size=(200, 100))
        newsroom.write("releases/x/factsheet.pdf", b"%PDF-1.4\n%%EOF\n")

        def smr(command):
            return subprocess.run([*prefix, sys.executable, "-m", "generator", command, "--root", str(newsroom.root),
                                   "--now", "2026-11-25T10:00+01:00"], check=False, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=place, timeout=120)

        warm = smr("build")
        assert warm.returncode == 0, warm.stderr
        os.chmod(newsroom.root / target, 0)
        lines = {}
        for command in ("check", "build", "check"):   # the last: with whatever the build kept
            done = smr(command)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr
            errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
            assert any(line.startswith(expected) for line in errors), (command, done.stderr)
            lines.setdefault(command, errors)
        assert lines["check"] == lines["build"]
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_the_newsrooms_own_assets_and_templates_hold_only_files_it_may_publish(newsroom, tmp_path):
    """A named pipe in assets/ or templates/ made the build fail with Python's words (or
    wait); a link to a file outside the newsroom, or to its private outreach list, was
    copied into the published site as the file it points at."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the press\n", "utf-8")
    newsroom.release("good")
    (newsroom.root / "assets").mkdir()
    (newsroom.root / "templates").mkdir()
    os.mkfifo(newsroom.root / "assets" / "pipe")
    os.mkfifo(newsroom.root / "templates" / "pipe.html")
    os.symlink(secret, newsroom.root / "assets" / "secret.txt")
    os.symlink(tmp_path, newsroom.root / "assets" / "elsewhere")
    (newsroom.root / "outreach").mkdir(exist_ok=True)
    (newsroom.root / "outreach" / "bloggers.csv").write_text("email\nx@example.org\n", "utf-8")
    os.symlink(newsroom.root / "outreach" / "bloggers.csv", newsroom.root / "assets" / "list.csv")
    errors = refused_alike(newsroom)
    assert errors == [
        "error: assets/elsewhere: is a symlink that points outside the newsroom folder; put the files themselves here",
        "error: assets/list.csv: is a symlink to outreach/bloggers.csv, private to the newsroom (outreach/ is never "
        "published); remove the link",
        "error: assets/pipe: pipe is a named pipe (FIFO), not a file; smr copies or renders every file in assets/: "
        "remove it from there",
        "error: assets/secret.txt: is a symlink that points outside the newsroom folder",
        "error: templates/pipe.html: pipe.html is a named pipe (FIFO), not a file; smr copies or renders every file "
        "in templates/: remove it from there"]
    assert not newsroom.site.exists()
    for name in ("assets/pipe", "templates/pipe.html", "assets/secret.txt", "assets/elsewhere", "assets/list.csv"):
        os.unlink(newsroom.root / name)
    assert accepted_alike(newsroom) == []


def test_an_s3_target_with_a_password_in_newsroom_yaml_is_refused_by_check_too(newsroom):
    """Publish refused an s3:// target holding user:password@, but check and build passed it:
    the newsroom file that names it is the one in git. Said without the password."""
    text = (newsroom.root / "newsroom.yaml").read_text("utf-8")
    newsroom.write("newsroom.yaml", text + "publish:\n  site: s3://pers/\n  media: s3://smrkey:Geheim123@pers-media/hires/\n")
    newsroom.release("good")
    errors = refused_alike(newsroom, "publish.media: an s3:// URL names a bucket and a prefix, never a user name or "
                                     "password (user:password@); remove them")
    assert not any("Geheim123" in line or "smrkey" in line for line in errors)
