"""Every validation rule of the press item contract, asserted by its message.

Each bad input goes through `smr build` on a newsroom whose previous _site/ must survive:
exit code 1, one clear line naming file, line and field, no traceback.
"""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from tests.conftest import RELEASE_YAML

GOOD = RELEASE_YAML
REL = "releases/x/release.yaml"


def with_lines(*extra: str) -> str:
    return GOOD + "".join(line + "\n" for line in extra)


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims 10^10 pixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# (name, release.yaml text, extra files {path: bytes|callable}, expected message fragment)
CASES = [
    ("typo in key", GOOD.replace("summary:", "sumary:"),
     {}, f"{REL}:3: sumary: unknown field 'sumary' (did you mean 'summary'?)"),
    ("typo in nested key", with_lines("quotes:", "  - text: Hallo", "    bij: Anna"),
     {}, f"{REL}:6: quotes[0].bij: unknown field 'bij' (did you mean 'by'?)"),
    ("missing required", GOOD.replace('title: "Testbedrijf opent een winkel"\n', ""),
     {}, f"{REL}:1: title: field required"),
    ("missing alt", with_lines("images:", "  - file: images/photo.jpg"),
     {"images/photo.jpg": "photo"}, f"{REL}:5: images[0].alt: field required"),
    ("wrong type", with_lines("facts: 12"), {}, f"{REL}:4: facts: input should be a valid list"),
    ("mapping instead of list", with_lines("images:", "  file: images/photo.jpg", "  alt: x"),
     {"images/photo.jpg": "photo"}, f"{REL}:4: images: input should be a valid list"),
    ("bad date", GOOD.replace("2026-11-24T09:00:00+01:00", "2026-13-45"),
     {}, f"{REL}:2: date: not a valid date: '2026-13-45' has no month 13 (months run from 1 to 12)"),
    ("date as words", GOOD.replace("2026-11-24T09:00:00+01:00", "next tuesday"),
     {}, f"{REL}:2: date: must be a date (2026-11-24) or a date-time with offset"),
    ("javascript url", with_lines("links:", "  - url: javascript:alert(1)", "    title: x"),
     {}, f"{REL}:5: links[0].url: must be an http:// or https:// URL"),
    ("data url", with_lines("videos:", "  - url: data:text/html,hi", "    title: x"),
     {}, f"{REL}:5: videos[0].url: must be an http:// or https:// URL"),
    ("traversal", with_lines("images:", "  - file: ../../newsroom.yaml", "    alt: x"),
     {}, f"{REL}:5: images[0].file: must not leave the release folder ('..')"),
    ("absolute path", with_lines("documents:", "  - file: /etc/passwd", "    title: x"),
     {}, f"{REL}:5: documents[0].file: must be a path relative to the release folder, not an absolute path"),
    ("symlink out", with_lines("images:", "  - file: images/link.jpg", "    alt: x"),
     {"images/link.jpg": "symlink-out"}, f"{REL}:5: images[0].file: is a symlink that points outside the release folder"),
    ("duplicate key", GOOD + "title: again\n", {}, f"{REL}:4: title: duplicate key 'title' (first on line 1); keep one of the two"),
    ("python tag", with_lines("subtitle: !!python/object/apply:os.system [echo hi]"),
     {}, f"{REL}:4: subtitle: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("alias bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                   "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                   "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
     {}, "is this an alias bomb?"),
    ("empty file", "", {}, f"{REL}:1: the file is empty"),
    ("non-utf8", b"title: caf\xe9\ndate: 2026-11-24\nsummary: x\n", {}, f"{REL}:1: not valid UTF-8 (byte 0xe9)"),
    ("tabs", GOOD + "facts:\n\t- een\n", {}, f"{REL}:5: invalid YAML: a tab character; indent with spaces, not tabs"),
    ("list at top", "- title: x\n", {}, f"{REL}:1: expected a mapping of fields (key: value) at the top level, found a list"),
    ("missing image file", with_lines("images:", "  - file: images/nope.jpg", "    alt: x"),
     {}, f"{REL}:5: images[0].file: file not found: images/nope.jpg"),
    ("not an image", with_lines("images:", "  - file: images/fake.jpg", "    alt: x"),
     {"images/fake.jpg": b"this is text, not a JPEG"}, f"{REL}:5: images[0].file: images/fake.jpg is not a photo that smr can read (it looks like text)"),
    ("truncated jpeg", with_lines("images:", "  - file: images/cut.jpg", "    alt: x"),
     {"images/cut.jpg": "truncated"}, f"{REL}:5: images[0].file: images/cut.jpg is cut short (truncated): export or copy it again"),
    ("decompression bomb", with_lines("images:", "  - file: images/bomb.png", "    alt: x"),
     {"images/bomb.png": png_bomb()}, f"{REL}:5: images[0].file: images/bomb.png claims to be 10 billion pixels"),
    ("bad hashtag", with_lines("hashtags: [goed, 'niet goed']"), {}, f"{REL}:4: hashtags[1]: a hashtag has only letters"),
    ("body and body_file", with_lines("body: hoi", "body_file: body.md"),
     {"body.md": b"# hoi"}, f"{REL}:1: give 'body' or 'body_file', not both"),
    ("bad email", with_lines("contacts:", "  - name: A", "    email: not-an-address"),
     {}, f"{REL}:6: contacts[0].email: not a valid e-mail address"),
    ("unknown video host", with_lines("videos:", "  - url: https://example.org/clip", "    title: x"),
     {}, f"{REL}:5: videos[0].url: must be a YouTube or Vimeo link"),
    ("bad focus", with_lines("images:", "  - file: images/photo.jpg", "    alt: x", "    focus: [2, 0.5]"),
     {"images/photo.jpg": "photo"}, f"{REL}:7: images[0].focus[0]: input should be less than or equal to 1"),
    ("translation not a release", with_lines("translations: [../nothing-here]"),
     {}, f"{REL}:4: translations: '../nothing-here': no release.yaml there"),
]


def materialise(newsroom, files):
    """Write a case's files into releases/x: photos, symlinks out or in a loop, cut photos, bytes."""
    folder = newsroom.root / "releases" / "x"
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str) and content != "photo" and os.path.lexists(path):
            path.unlink()   # release.yaml itself replaced by a link, a pipe, a folder
        if content == "photo":
            newsroom.photo("x", rel)
        elif content == "symlink-out":
            os.symlink(newsroom.root / "newsroom.yaml", path)
        elif content == "loop":
            os.symlink(path.name, path)
        elif content == "dangling":
            os.symlink("nothing-here", path)
        elif content == "fifo":
            os.mkfifo(path)
        elif content == "folder":
            path.mkdir()
        elif content == "device":
            os.symlink("/dev/zero", path)
        elif content == "gone":
            pass
        elif content == "truncated":
            full = newsroom.photo("x", rel, size=(800, 600)).read_bytes()
            path.write_bytes(full[: len(full) // 2])
        else:
            path.write_bytes(content)


@pytest.mark.parametrize("name,text,files,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_1_with_clear_message_and_keeps_site(newsroom, name, text, files, expected):
    newsroom.release("good")
    assert newsroom.run("build").exit_code == 0
    before = {p.relative_to(newsroom.site): p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file()}

    if isinstance(text, bytes):
        newsroom.write(REL, text)
    else:
        newsroom.write(REL, text)
    materialise(newsroom, files)
    result = newsroom.run("build")

    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    line = next(l for l in result.output.splitlines() if expected in l)
    assert line.startswith("error: ")
    after = {p.relative_to(newsroom.site): p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in newsroom.root.iterdir() if p.name.startswith("._site")]
    assert leftovers == []


def test_all_problems_of_all_releases_in_one_run(newsroom):
    newsroom.release("a", GOOD.replace("summary:", "sumary:"))
    newsroom.release("b", with_lines("links:", "  - url: ftp://example.org", "    title: x"))
    newsroom.release("c", "title: [unclosed\n")
    result = newsroom.run("check")
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.startswith("error:")]
    assert any("releases/a/release.yaml:3: sumary" in l for l in lines)
    assert any("releases/a/release.yaml:1: summary: field required" in l for l in lines)
    assert any("releases/b/release.yaml:5: links[0].url" in l for l in lines)
    assert any("releases/c/release.yaml:1: title: invalid YAML: the [ opened on this line is never closed" in l
               for l in lines)
    assert "4 problems found." in result.output


def test_newsroom_errors_name_newsroom_yaml(newsroom):
    newsroom.write("newsroom.yaml", "title: X\nbase_url: ftp://x\norganization:\n  nam: X\ntimezone: Mars/Olympus\n")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "newsroom.yaml:2: base_url: must be an http:// or https:// URL" in result.output
    assert "newsroom.yaml:4: organization.nam: unknown field 'nam' (did you mean 'name'?)" in result.output
    assert "newsroom.yaml:5: timezone: unknown timezone 'Mars/Olympus'" in result.output


def test_websub_hub_must_be_a_web_address(newsroom):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text("utf-8") + "websub_hub: hub.example\n")
    result = newsroom.run("check")
    assert result.exit_code == 1
    lines = len((newsroom.root / "newsroom.yaml").read_text("utf-8").splitlines())
    assert f"newsroom.yaml:{lines}: websub_hub: must be an http:// or https:// URL" in result.output


def test_newsroom_logo_must_stay_inside(newsroom):
    text = (newsroom.root / "newsroom.yaml").read_text().replace(
        "  url: https://www.example.org\n", "  url: https://www.example.org\n  logo: ../secret.png\n")
    newsroom.write("newsroom.yaml", text)
    result = newsroom.run("check")
    assert "newsroom.yaml:8: organization.logo: must not leave the newsroom folder ('..')" in result.output


def test_missing_newsroom_yaml(tmp_path):
    from click.testing import CliRunner
    from generator.cli import main

    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no newsroom.yaml here" in result.output


def test_dates_without_offset_use_newsroom_timezone(newsroom, now):
    from generator.newsroom.site import load_site

    newsroom.release("x", GOOD.replace("2026-11-24T09:00:00+01:00", "2026-07-01 09:00:00"))
    site = load_site(newsroom.root, now)
    assert site.items[0].date.utcoffset().total_seconds() == 2 * 3600  # CEST in July


def test_logo_must_be_an_image_file(newsroom):
    newsroom.write("outreach/bloggers.csv", "email,name\nx@example.org,X\n")
    text = (newsroom.root / "newsroom.yaml").read_text().replace(
        "  url: https://www.example.org\n", "  url: https://www.example.org\n  logo: outreach/bloggers.csv\n")
    newsroom.write("newsroom.yaml", text)
    result = newsroom.run("build")
    assert result.exit_code == 1
    assert "newsroom.yaml:8: organization.logo: must be an image file" in result.output


@pytest.mark.parametrize("name", ["assets", "tags", "nl"])
def test_release_folder_cannot_take_an_address_the_site_needs(newsroom, name):
    newsroom.release(name)
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert f"releases/{name}/release.yaml:1: the folder name '{name}' is an address the site needs itself" in result.output


def test_per_language_newsroom_text_names_file_line_and_field(newsroom):
    """`title: {nl: …, en: …}`: a key that is no language tag, or no text in the newsroom's language."""
    from tests.conftest import NEWSROOM_YAML

    newsroom.release("2026-11-24-winkel")
    cases = [
        (NEWSROOM_YAML.replace("title: Persberichten Testbedrijf", "title:\n  nl: Persberichten\n  english: Press"),
         "error: newsroom.yaml:3: title.english: 'english' is not a language tag"),
        (NEWSROOM_YAML.replace("title: Persberichten Testbedrijf", "title:\n  en: Press releases"),
         "error: newsroom.yaml:1: title: has no text for 'nl', the newsroom's language (given: en); add `nl: …`"),
        (NEWSROOM_YAML.replace("    role: woordvoerder", "    role: {en: spokesperson}"),
         "error: newsroom.yaml:15: contacts[0].role: has no text for 'nl'"),
        (NEWSROOM_YAML + "labels:\n  abuot: {nl: Over ons}\n",
         "error: newsroom.yaml:19: labels.abuot: unknown label 'abuot' (did you mean 'about'?)"),
    ]
    for text, said in cases:
        newsroom.write("newsroom.yaml", text)
        for command in ("check", "build"):
            result = newsroom.run(command)
            assert result.exit_code == 1, result.output
            assert said in result.output, result.output
            assert "Traceback" not in result.output
