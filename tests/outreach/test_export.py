"""The mail merge CSV and .eml drafts, read back the way the receiving programs read them."""

from __future__ import annotations

import csv
import email
import io
from email import policy

import pytest

from generator.outreach.export import COLUMNS, neutralise, split_name
from tests.outreach.support import EN_PREVIEW, EN_SLUG, NL_PREVIEW, NL_SLUG, RELEASE_URL, make_newsroom, smr

BEFORE_EMBARGO = "2026-11-20T10:00+01:00"


def read_csv(path, delimiter=";"):   # the test newsroom is Dutch: Excel there reads ";"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads UTF-8 only with it
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture(scope="module")
def exported(fetched, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "merge.csv"
    result = smr("outreach", "export", "--root", str(fetched.root), NL_SLUG, "--top", "10",
                 "--now", BEFORE_EMBARGO, "-o", str(out))
    assert result.exit_code == 0, result.output
    return result, read_csv(out)


def test_csv_has_plain_header_and_one_row_per_recipient(exported):
    result, rows = exported
    assert list(rows[0].keys()) == list(COLUMNS)
    emails = [r["email"] for r in rows]
    assert len(emails) == len({e.lower() for e in emails}) == 4
    assert "lotte@example.nl" not in emails  # opted out
    assert emails.count("anna@example.nl") == 1  # the duplicate ANNA@EXAMPLE.NL row is not there
    assert "not-an-address" not in emails
    assert result.output.splitlines()[0].endswith(
        "left out: 1 opted out, 2 invalid or duplicate rows (see smr outreach check), 13 without a match.")


def test_dutch_characters_survive_and_the_pitch_is_personal(exported):
    _, rows = exported
    zoe = next(r for r in rows if r["email"] == "zoe.ijzerman@example.nl")
    assert (zoe["first_name"], zoe["last_name"], zoe["blog"]) == ("Zoë", "Ĳzerman", "Café Webcare")
    assert zoe["greeting"] == "Beste Zoë,"
    anna = next(r for r in rows if r["email"] == "anna@example.nl")
    assert anna["matched_post_title"] == "Bakkerij Testbedrijf start eigen webcareteam"
    assert "Ik las je stuk ‘Bakkerij Testbedrijf start eigen webcareteam’" in anna["pitch"]
    assert anna["release_url"] == NL_PREVIEW and NL_PREVIEW in anna["pitch"], "under embargo: the preview"
    assert "vertrouwelijk" in anna["pitch"] and RELEASE_URL not in anna["pitch"]
    assert anna["embargo"] == "24 november 2026, 09:00 (UTC+01:00)"
    assert "onder embargo tot 24 november 2026, 09:00" in anna["pitch"]
    assert anna["subject"] == "[Embargo tot 24 november 2026, 09:00 (UTC+01:00)] Testbedrijf start een webcareteam"
    assert anna["hashtags"] == "#webcare"
    frank = next(r for r in rows if r["email"] == "frank@example.org")
    assert frank["greeting"] == "Dear Frank,"  # the blogger's language
    assert "Please note: this news is under embargo until November 24, 2026" in frank["pitch"]
    # ... and the release's English translation: its title, summary and address
    assert frank["subject"] == "[Embargoed until November 24, 2026, 9:00 AM (UTC+01:00)] Testbedrijf launches a webcare team"
    assert frank["release_url"] == EN_PREVIEW and "confidential preview" in frank["pitch"]
    assert "From today a team of five answers customer questions" in frank["pitch"]


def test_formula_cells_are_neutralised(exported):
    _, rows = exported
    mallory = next(r for r in rows if r["email"] == "mallory@example.org")
    assert mallory["name"] == "'=Mallory Formula"
    assert mallory["first_name"] == "'=Mallory"
    assert mallory["blog"] == "'+Webcare Hacks"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+31 6", "'+31 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Anna", "Anna"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_split_name():
    assert split_name("Jan van der Berg") == ("Jan", "van der Berg")
    assert split_name("Cher") == ("Cher", "")


def test_semicolon_delimiter_for_dutch_excel_and_no_embargo_after_it(fetched, tmp_path):
    out = tmp_path / "nl.csv"
    result = smr("outreach", "export", "--root", str(fetched.root), NL_SLUG, "--delimiter", ";",
                 "--top", "2", "--now", "2026-11-25T10:00+01:00", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out, ";")
    # Anna's post of the 25th about this news is out by now: she is not pitched it; Frank, matched
    # against the English version of the story (issue 24), is first of the rest
    assert len(rows) == 2 and rows[0]["email"] == "frank@example.org"
    assert rows[0]["embargo"] == "" and "embargo" not in rows[0]["pitch"].lower()
    assert "below the top 2" in result.output and "1 who already wrote about it" in result.output


def test_eml_drafts_parse_and_open_as_unsent(fetched, tmp_path):
    out = tmp_path / "drafts"
    result = smr("outreach", "export", "--root", str(fetched.root), EN_SLUG, "--format", "eml",
                 "--top", "4", "--now", BEFORE_EMBARGO, "-o", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.eml"))
    assert [f.name for f in files][:2] == ["001-anna-de-wit.eml", "002-frank-care.eml"] and len(files) == 4
    for path in files:
        raw = path.read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["X-Unsent"] == "1"
        assert msg["From"] == "Sanne Jansen <pers@example.org>"
        assert msg["Subject"].endswith("Testbedrijf launches a webcare team" if "Dear" in msg.get_content()
                                       else "Testbedrijf start een webcareteam")
        assert msg["Date"]
    zoe = email.message_from_bytes((out / "004-zoe-ijzerman.eml").read_bytes(), policy=policy.default)
    assert zoe["To"].addresses[0].display_name == "Zoë Ĳzerman"
    assert zoe["To"].addresses[0].addr_spec == "zoe.ijzerman@example.nl"
    body = zoe.get_content().replace("\r\n", "\n")
    assert body.startswith("Beste Zoë,\n\nIk las je stuk ‘Building a social media customer service team’")
    assert "Met vriendelijke groet,\nSanne Jansen\nwoordvoerder, Testbedrijf\n+31 10 123 45 67" in body


def test_embargoed_release_without_a_preview_is_not_pitched(tmp_path, feed_server):
    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    result = smr("outreach", "export", "--root", str(room.root), NL_SLUG, "--now", BEFORE_EMBARGO)
    assert result.exit_code == 1
    assert f"is under embargo, so its public page does not exist yet: run `smr preview {NL_SLUG}` first" \
        in result.output
    assert not (room.root / "outreach" / "exports").exists()
    after = smr("outreach", "export", "--root", str(room.root), NL_SLUG, "--now", "2026-11-24T09:00+01:00")
    assert after.exit_code == 0, after.output
    assert "confidential preview" not in after.output


def test_a_draft_is_not_pitched(tmp_path, feed_server):
    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    release = room.root / "releases" / NL_SLUG / "release.yaml"
    release.write_text(release.read_text() + "draft: true\n")
    result = smr("outreach", "export", "--root", str(room.root), NL_SLUG, "--now", "2026-11-25T09:00+01:00")
    assert result.exit_code == 1 and "is a draft: pitch it when it is final" in result.output


@pytest.mark.parametrize("fmt", ["csv", "eml"])
@pytest.mark.parametrize("where,why", [
    ("_site/merge", "inside _site/, which is published"),                          # not built yet
    (".smr-cache/publish-site/merge", "inside .smr-cache/, where smr builds the sites it publishes"),
    (".smr-cache/merge", "inside .smr-cache/, where smr builds the sites it publishes"),
])
def test_export_refuses_to_write_into_the_published_site(fetched, fmt, where, why):
    target = fetched.root / (where + (".csv" if fmt == "csv" else ""))
    result = smr("outreach", "export", "--root", str(fetched.root), NL_SLUG, "--format", fmt, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: --output {where + ('.csv' if fmt == 'csv' else '')}: {why}, and the list of e-mail addresses "
        f"{'would' if where.startswith('_site') else 'could'} be published with {'it' if where.startswith('_site') else 'them'}; "
        "write the mail merge somewhere private (default: outreach/exports/)"]
    assert not target.exists()


@pytest.mark.parametrize("fmt", ["csv", "eml"])
def test_export_refuses_a_folder_a_build_wrote(fetched, tmp_path, fmt):
    """Wherever `smr build -o` put a site (its marker file at the root), nothing goes in it."""
    import shutil

    room = tmp_path / "newsroom"
    shutil.copytree(fetched.root, room)
    site = tmp_path / "elsewhere"
    built = smr("build", "--root", str(room), "-o", str(site), "--now", "2026-11-25T10:00+01:00")
    assert built.exit_code == 0, built.output
    assert (site / ".smr-site").is_file()
    for target in (site / "merge", site / "mail" / "deep" / "merge"):
        target = target.with_suffix(".csv") if fmt == "csv" else target
        result = smr("outreach", "export", "--root", str(room), NL_SLUG, "--format", fmt, "-o", str(target))
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            f"error: --output {target}: inside {site}, a site smr built (it holds .smr-site), and the list of "
            "e-mail addresses would be published with it; write the mail merge somewhere private "
            "(default: outreach/exports/)"]
        assert not target.exists() and not (site / "mail").exists()
    private = tmp_path / "private" / ("merge.csv" if fmt == "csv" else "drafts")
    assert smr("outreach", "export", "--root", str(room), NL_SLUG, "--format", fmt, "-o", str(private),
               "--now", BEFORE_EMBARGO).exit_code == 0
    assert private.exists()


def test_default_export_goes_to_the_private_outreach_folder(fetched):
    result = smr("outreach", "export", "--root", str(fetched.root), NL_SLUG, "--now", BEFORE_EMBARGO)
    assert result.exit_code == 0, result.output
    assert (fetched.root / "outreach" / "exports" / f"{NL_SLUG}.csv").is_file()
    assert f"Wrote 4 recipients to outreach/exports/{NL_SLUG}.csv" in result.output
    assert f"Under embargo: the pitches link the confidential preview {NL_PREVIEW}" in result.output
    # a newsroom is a git repository: the exports folder keeps itself out of it
    assert (fetched.root / "outreach" / "exports" / ".gitignore").read_text("utf-8").endswith("\n*\n")


def test_a_newsroom_can_override_the_pitch_template(fetched, tmp_path):
    import shutil

    room = tmp_path / "newsroom"
    shutil.copytree(fetched.root, room)
    own = room / "templates" / "outreach" / "pitch.txt.j2"
    own.parent.mkdir(parents=True)
    own.write_text('{% macro subject() %}Nieuws: {{ release.title }}{% endmacro %}\n'
                   '{% macro greeting() %}Hoi {{ first_name }}!{% endmacro %}\n'
                   '{% macro pitch() %}{{ lang }}: {{ url }}{% endmacro %}\n'
                   '{% macro signature() %}{{ from_name }}{% endmacro %}\n', "utf-8")
    out = tmp_path / "own.csv"
    result = smr("outreach", "export", "--root", str(room), NL_SLUG, "--top", "1", "-o", str(out),
                 "--now", "2026-11-24T12:00+01:00")
    assert result.exit_code == 0, result.output
    row = read_csv(out)[0]
    assert (row["subject"], row["greeting"], row["pitch"]) == (
        "Nieuws: Testbedrijf start een webcareteam", "Hoi Anna!", f"nl: {RELEASE_URL}")


HOSTILE_ROWS = (   # accepted by `smr outreach check`; each once broke the .eml export (issue #15)
    'enc@example.nl,"=?utf-8?q?Bcc=3A_x=40evil=2Eexample?=",Encoded,,,webcare;klantenservice,nl,,no\n'
    "jöhn@exämple.nl,Jöhn Exämple,IDN,,,webcare;klantenservice,nl,,no\n"
    "john@exämple.nl,John Ascii,IDN domain,,,webcare;klantenservice,nl,,no\n"
    '"jansen@example.nl","Jansen, ""Sanne"" (PR)",Quotes,,,webcare;klantenservice,nl,,no\n'
)


@pytest.fixture(scope="module")
def hostile_room(fetched, tmp_path_factory):
    import shutil

    room = tmp_path_factory.mktemp("hostile") / "newsroom"
    shutil.copytree(fetched.root, room)
    with (room / "outreach" / "bloggers.csv").open("a", encoding="utf-8") as csv_file:
        csv_file.write(HOSTILE_ROWS)
    return room


def drafts_by_address(folder):
    found = {}
    for path in sorted(folder.glob("*.eml")):
        raw = path.read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        # RFC 6532: an SMTPUTF8 draft's headers are UTF-8, the rest is ASCII; read as such
        msg = email.message_from_string(raw.decode("utf-8"), policy=policy.default)
        assert len(msg["To"].addresses) == 1, msg["To"]
        found[msg["To"].addresses[0].addr_spec] = (msg, raw)
    return found


def test_eml_names_stay_literal_and_idn_addresses_survive(hostile_room, tmp_path):
    out = tmp_path / "drafts"
    result = smr("outreach", "export", "--root", str(hostile_room), NL_SLUG, "--format", "eml",
                 "--now", BEFORE_EMBARGO, "-o", str(out))
    assert result.exit_code == 0, result.output
    drafts = drafts_by_address(out)
    # the encoded-word is the blogger's name, as text: not a Bcc, not another recipient
    msg, raw = drafts["enc@example.nl"]
    assert msg["To"].addresses[0].display_name == "=?utf-8?q?Bcc=3A_x=40evil=2Eexample?="
    head = raw.split(b"\r\n\r\n")[0]
    assert b"Bcc" not in head and b"evil" not in head and "Bcc" not in msg
    assert not any(a.addr_spec == "x@evil.example" for d, _ in drafts.values() for a in d["To"].addresses)
    # a non-ASCII local part: an SMTPUTF8 draft with the address as it is
    msg, raw = drafts["jöhn@exämple.nl"]
    assert msg["To"].addresses[0].display_name == "Jöhn Exämple"
    assert "jöhn@exämple.nl".encode("utf-8") in raw
    # an ASCII local part at an IDN domain: the domain in its ASCII form, the draft plain ASCII
    msg, raw = drafts["john@xn--exmple-cua.nl"]
    assert msg["To"].addresses[0].display_name == "John Ascii" and raw.isascii()
    msg, _ = drafts["jansen@example.nl"]
    assert msg["To"].addresses[0].display_name == 'Jansen, "Sanne" (PR)'
    assert msg["From"] == "Sanne Jansen <pers@example.org>"
    assert f"Wrote {len(drafts)} recipients" in result.output


def test_csv_export_keeps_the_same_rows_as_written(hostile_room, tmp_path):
    out = tmp_path / "merge.csv"
    result = smr("outreach", "export", "--root", str(hostile_room), NL_SLUG, "--now", BEFORE_EMBARGO, "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {r["email"]: r for r in read_csv(out)}
    assert rows["enc@example.nl"]["name"] == "'=?utf-8?q?Bcc=3A_x=40evil=2Eexample?="   # starts with =
    assert "jöhn@exämple.nl" in rows and "john@exämple.nl" in rows


def test_eml_header_text_cannot_carry_headers():
    import datetime as dt

    from generator.outreach.export import eml

    record = {"name": "Anna\r\nBcc: x@evil.example", "email": "anna@example.nl",
              "subject": "=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=\r\nBcc: y@evil.example",
              "greeting": "Hoi", "pitch": "p", "signature": "s"}
    raw = eml(record, ("=?utf-8?q?Boss?=", "pers@example.org"), dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert "Bcc" not in msg and "Cc" not in msg
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("Anna Bcc: x@evil.example", "anna@example.nl")]
    assert msg["Subject"] == "=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?= Bcc: y@evil.example"
    assert msg["From"].addresses[0].display_name == "=?utf-8?q?Boss?="


def test_an_address_no_draft_can_hold_is_left_out_and_counted(tmp_path):
    import datetime as dt

    from generator.outreach.export import UNWRITABLE, write_eml

    good = {"name": "Anna", "email": "anna@example.nl", "subject": "S", "greeting": "G", "pitch": "P",
            "signature": "S"}
    bad = {**good, "name": "Bad", "email": "no address at all"}
    paths, skipped = write_eml([bad, good], tmp_path / "drafts", ("Sanne", "pers@example.org"),
                               dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))
    assert [p.name for p in paths] == ["002-anna.eml"] and skipped == 1
    assert UNWRITABLE == "with an e-mail address no draft can hold (see smr outreach check)"


@pytest.fixture
def own_room(fetched, tmp_path):
    import shutil

    room = tmp_path / "newsroom"
    shutil.copytree(fetched.root, room, ignore=shutil.ignore_patterns("_site", "exports"))
    return room


def test_who_already_wrote_about_the_news_is_not_pitched_it(own_room, tmp_path):
    """Anna's post links the release, Frank's uses its hashtag after it: both are out by the 27th."""
    out = tmp_path / "after.csv"
    result = smr("outreach", "export", "--root", str(own_room), NL_SLUG, "--now", "2026-11-27T10:00+01:00",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert {r["email"] for r in rows} == {"zoe.ijzerman@example.nl", "mallory@example.org"}
    assert "2 who already wrote about it" in result.output
    for row in rows:   # no pitch cites a post about this very news
        assert "testbedrijf-webcare" not in row["pitch"] and "dutch-bakery" not in row["pitch"]


def test_coverage_recorded_by_smr_coverage_leaves_the_blogger_out(own_room, feed_server, tmp_path):
    """Once `smr coverage` has listed a post (or someone wrote one into coverage.yaml), its blogger
    is not pitched that release again, whatever the feed shows now."""
    assert smr("coverage", "--root", str(own_room), NL_SLUG).exit_code == 0
    coverage = own_room / "releases" / NL_SLUG / "coverage.yaml"
    coverage.write_text(coverage.read_text("utf-8") + (
        f"- url: {feed_server.base}/blog/2026/11/webcare-bij-testbedrijf\n"   # on Zoë's blog, by hand
        "  title: Webcare bij Testbedrijf\n"), "utf-8")
    out = tmp_path / "merge.csv"
    result = smr("outreach", "export", "--root", str(own_room), NL_SLUG, "--now", BEFORE_EMBARGO, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [r["email"] for r in read_csv(out)] == ["mallory@example.org"]
    assert "3 who already wrote about it" in result.output


def test_the_pitch_reads_like_a_person_wrote_it(exported):
    """Why you, the news, where the rest is, an offer: in paragraphs. The title is the subject, so
    the pitch does not open with it (or repeat it), and their own post's address is not quoted back."""
    _, rows = exported
    for row in rows:
        title = row["subject"].split("] ", 1)[-1]
        assert title not in row["pitch"], row["pitch"]
        assert row["matched_post_url"] not in row["pitch"]
        paragraphs = row["pitch"].split("\n\n")
        assert len(paragraphs) == 4, row["pitch"]
        assert paragraphs[0].startswith(("Ik las je stuk", "I read your post"))
        assert paragraphs[-1] in ("Wil je meer weten, of een van ons spreken? Laat het me gerust weten.",   # the
                                  "If you would like to know more, or to talk to one of us, "            # organisation
                                  "just let me know.")                                                   # speaking
    anna = next(r for r in rows if r["email"] == "anna@example.nl")
    assert anna["pitch"].split("\n\n")[1] == ("Vanaf vandaag beantwoordt een team van vijf medewerkers alle "
                                             "vragen van klanten via sociale media binnen een uur.")


def header_of(path):
    return path.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0]


def test_the_delimiter_follows_the_newsroom_language_and_can_be_overridden(own_room, tmp_path):
    """A Dutch newsroom's CSV opens in Dutch Excel as columns (';'); `--delimiter` and
    `outreach.delimiter` in newsroom.yaml override; an English newsroom gets ','."""
    def export(*extra):
        out = tmp_path / f"merge{len(list(tmp_path.glob('*.csv')))}.csv"
        result = smr("outreach", "export", "--root", str(own_room), NL_SLUG, "--now", BEFORE_EMBARGO,
                     "-o", str(out), *extra)
        assert result.exit_code == 0, result.output
        return out

    dutch = export()
    assert header_of(dutch) == ";".join(COLUMNS)
    assert len(read_csv(dutch, ";")) == 4 and list(read_csv(dutch, ";")[0]) == list(COLUMNS)
    assert header_of(export("--delimiter", ",")) == ",".join(COLUMNS)
    settings = own_room / "newsroom.yaml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace("  allow_private: true", '  delimiter: ","\n  allow_private: true'), "utf-8")
    from_settings = export()
    assert header_of(from_settings) == ",".join(COLUMNS) and len(read_csv(from_settings, ",")) == 4
    assert header_of(export("--delimiter", "\t")) == "\t".join(COLUMNS)   # the option wins over the file
    settings.write_text(text.replace("language: nl", "language: en"), "utf-8")
    assert header_of(export()) == ",".join(COLUMNS)
    settings.write_text(text.replace("language: nl", "language: de"), "utf-8")
    assert header_of(export()) == ";".join(COLUMNS)


def test_a_bad_delimiter_setting_names_its_line(own_room):
    settings = own_room / "newsroom.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "  allow_private: true", '  delimiter: "|"\n  allow_private: true'), "utf-8")
    result = smr("outreach", "export", "--root", str(own_room), NL_SLUG, "--now", BEFORE_EMBARGO)
    assert result.exit_code == 1
    assert "newsroom.yaml:22: outreach.delimiter: input should be ',', ';' or '\\t'" in result.output
    assert "Traceback" not in result.output


def test_a_translation_named_only_on_its_own_side_is_pitched_in_its_language(tmp_path, feed_server):
    """Issue 24: `smr new --translation-of` writes `translations:` into the new file only; the
    export of the Dutch release gave Frank (en) an English greeting around the Dutch subject."""
    from generator.outreach.common import bloggers, fetch
    from tests.outreach.support import RELEASE_NL

    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    assert "translations:" in RELEASE_NL
    room.release(NL_SLUG, "\n".join(line for line in RELEASE_NL.splitlines()
                                    if not line.startswith("translations:")) + "\n")
    fetch(room.root, bloggers(room.root).bloggers, timeout=1.0, max_bytes=5_000_000, workers=4)
    out = tmp_path / "nl.csv"
    result = smr("outreach", "export", "--root", str(room.root), NL_SLUG, "--now", "2026-12-01T10:00+01:00",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {row["email"]: row for row in read_csv(out)}   # Anna and Frank covered it by now
    assert rows["mallory@example.org"]["subject"] == "Testbedrijf launches a webcare team"
    assert rows["mallory@example.org"]["release_url"] == RELEASE_URL.replace(NL_SLUG, EN_SLUG)
    assert rows["mallory@example.org"]["greeting"] == "Dear =Mallory,"
    assert rows["zoe.ijzerman@example.nl"]["subject"] == "Testbedrijf start een webcareteam"
    assert rows["zoe.ijzerman@example.nl"]["release_url"] == RELEASE_URL


def test_a_pitch_is_framed_in_the_bloggers_language_and_promises_photos_only_when_there_are(tmp_path, feed_server):
    """Issue 24: a Polish blogger got English framing around Dutch news; the pitch promised
    "foto's in hoge resolutie" for a release without photos."""
    from generator.outreach.common import bloggers, fetch

    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    csv_path = room.root / "outreach" / "bloggers.csv"
    csv_path.write_text(csv_path.read_text("utf-8") + f"piotr@example.pl,Piotr Nowak,Blog o obsłudze,,"
                        f"{feed_server.base}/redirect.xml,obsługa klienta;webcare,pl,,no\n", "utf-8")
    fetch(room.root, bloggers(room.root).bloggers, timeout=1.0, max_bytes=5_000_000, workers=4)

    def export() -> dict:
        out = tmp_path / "nl.csv"
        result = smr("outreach", "export", "--root", str(room.root), NL_SLUG, "--now", "2026-12-01T10:00+01:00",
                     "-o", str(out))
        assert result.exit_code == 0, result.output
        return {row["email"]: row for row in read_csv(out)}

    rows = export()
    piotr, zoe = rows["piotr@example.pl"], rows["zoe.ijzerman@example.nl"]
    assert piotr["greeting"] == "Dzień dobry, Piotr,"
    assert piotr["pitch"].startswith("Czytaliśmy Pana/Pani tekst „")
    assert f"Pełna informacja prasowa jest pod adresem {RELEASE_URL}." in piotr["pitch"]
    assert piotr["pitch"].endswith("proszę dać mi znać.")
    assert f"Het hele persbericht staat op {RELEASE_URL}." in zoe["pitch"] and "foto" not in zoe["pitch"]

    from tests.outreach.support import RELEASE_NL

    room.release(NL_SLUG, RELEASE_NL + "images:\n  - file: images/photo.jpg\n    alt: Het team\n")
    room.photo(NL_SLUG)
    rows = export()
    assert "ze zdjęciami w wysokiej rozdzielczości" in rows["piotr@example.pl"]["pitch"]
    assert "met foto's in hoge resolutie" in rows["zoe.ijzerman@example.nl"]["pitch"]
