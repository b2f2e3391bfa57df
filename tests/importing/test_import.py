"""`smr import`: real .docx files made with python-docx, imported into a real newsroom, the
YAML compared field by field, and `smr check` run on the result."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import docx
import pytest
import yaml

from tests.importing import documents as docs

NOW = "2026-11-20T10:00+01:00"
CET = dt.timezone(dt.timedelta(hours=1))


def imported(newsroom, document: Path, *options: str):
    """Run `smr import`; the release folder it made, its parsed release.yaml, its text, and the result."""
    result = newsroom.run("import", str(document), "--now", NOW, *options)
    assert result.exit_code == 0, result.output + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("Created "))
    path = newsroom.root / line.split()[1]
    text = path.read_text("utf-8")
    return path.parent, yaml.safe_load(text), text, result


def check(newsroom):
    result = newsroom.run("check", "--now", NOW)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def comment_of(text: str, key: str) -> str:
    """The YAML comment on the line of top-level `key`."""
    line = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
    return line.split("   # ", 1)[1] if "   # " in line else ""


def test_a_dutch_release_with_styles(newsroom, tmp_path):
    folder, data, text, result = imported(newsroom, docs.dutch_release(tmp_path / "persbericht.docx"))
    embargo = dt.datetime(2026, 11, 24, 9, 0, tzinfo=CET)
    assert folder.name == "2026-11-24-zeewolde-plant-10-000-bomen"
    photo = "images/vrijwilligers-planten-een-eik-langs-de.png"
    assert data == {
        "title": "Zeewolde plant 10.000 bomen",
        "draft": True,
        "subtitle": "Het grootste bosplan van Flevoland",
        "date": embargo,
        "embargo": embargo,
        "dateline": "Zeewolde",
        "summary": "De gemeente Zeewolde plant deze winter 10.000 bomen langs de Hoge Vaart. Inwoners kunnen "
                   "meehelpen op drie plantdagen.",
        "facts": ["10.000 bomen, 14 soorten", "Drie plantdagen in december"],
        "body": "## Waar en wanneer\n\n"
                "Aanmelden kan via [zeewolde.nl/bomen](https://www.zeewolde.nl/bomen). De plantdagen zijn op "
                "zaterdag.\n\n"
                "| Dag | Plek |\n| --- | --- |\n| 5 december | Hoge Vaart |\n| 12 december | Horsterwold |\n",
        "quotes": [{"text": "Een bos groeit langzaam, dus we beginnen nu. Iedereen mag een boom planten.",
                    "by": "Anna de Vries", "role": "wethouder van Zeewolde"}],
        "images": [{"file": photo, "alt": "Vrijwilligers planten een eik langs de Hoge Vaart",
                    "caption": "Vrijwilligers aan het werk.", "credit": "Foto: Piet Bakker"}],
        "tags": ["natuur", "bomen"],
        "contacts": [{"name": "Sanne Jansen", "role": "woordvoerder", "email": "pers@zeewolde.nl",
                      "phone": "+31 36 522 95 00"}],
    }
    assert (folder / photo).read_bytes() == docs.PHOTO
    assert comment_of(text, "title") == "from the Title style"
    assert comment_of(text, "embargo") == ("from 'EMBARGO tot dinsdag 24 november 2026, 09.00 uur', in the "
                                           "newsroom's time zone")
    assert comment_of(text, "dateline") == "from 'ZEEWOLDE –' at the start of the first paragraph"
    assert comment_of(text, "facts") == "the list under 'Kernfeiten'"
    assert comment_of(text, "quotes").startswith("guessed: ")
    assert comment_of(text, "contacts") == "guessed from 'Noot voor de redactie'; check them"
    assert "the newsroom holds that text" in result.stdout and "'Over Gemeente Zeewolde' (2 paragraphs)" in result.stdout
    assert "23.000 inwoners" not in text and "jongste gemeente" not in text
    assert "Left to fill in" not in result.stdout
    assert result.stderr == ""
    checked = check(newsroom)
    assert "persbericht" not in checked.stderr and folder.name not in checked.stderr, checked.stderr
    # final: no longer a draft, it passes smr check and builds
    final = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("draft:"))
    (folder / "release.yaml").write_text(final, "utf-8")
    checked = check(newsroom)
    assert "OK: 1 releases checked, 1 under embargo." in checked.stdout
    built = newsroom.run("build", "--now", "2026-11-24T10:00+01:00")
    assert built.exit_code == 0, built.output
    page = (newsroom.site / folder.name / "index.html").read_text("utf-8")
    assert "<table>" in page and "Een bos groeit langzaam, dus we beginnen nu. Iedereen mag een boom planten." in page


def test_an_english_release_typed_without_styles(newsroom, tmp_path):
    folder, data, text, result = imported(newsroom, docs.english_release(tmp_path / "release.docx"))
    embargo = dt.datetime(2026, 11, 24, 9, 0, tzinfo=CET)   # "9:00 am CET"
    assert data == {
        "title": "Zeewolde plants 10,000 trees",
        "draft": True,
        "language": "en",
        "date": embargo,
        "embargo": embargo,
        "dateline": "London",
        "summary": "The municipality of Zeewolde will plant 10,000 trees along the Hoge Vaart this winter. "
                   "Residents can help on three planting days.",
        "facts": ["10,000 trees of 14 species", "Three planting days in December"],
        "body": "The planting days are on Saturdays, and the trees come from local nurseries.\n",
        "quotes": [{"text": "A forest grows slowly, so we start now. Everyone may plant a tree.",
                    "by": "Anna de Vries", "role": "alderman of Zeewolde"}],
        "contacts": [{"name": "John Doe", "role": "Head of Communications", "email": "press@zeewolde.example",
                      "phone": "+44 20 7946 0000"}],
    }
    assert comment_of(text, "title") == "guessed: the document's first line, in bold"
    assert comment_of(text, "language") == "guessed from the document's words"
    assert comment_of(text, "embargo") == "from 'EMBARGO until November 24, 2026, 9:00 am CET'"
    assert "left out the label 'PRESS RELEASE'" in result.stdout
    assert "left out the end mark '###'" in result.stdout
    assert "'About Zeewolde' (1 paragraph)" in result.stdout
    assert "youngest municipality" not in text
    check(newsroom)


def test_a_dutch_release_typed_without_styles(newsroom, tmp_path):
    folder, data, text, result = imported(newsroom, docs.dutch_release_without_styles(tmp_path / "delft.docx"))
    moment = dt.datetime(2026, 12, 3, 10, 0, tzinfo=CET)
    assert folder.name == "2026-12-03-brood-co-opent-twaalfde-winkel-in-delft"
    assert data == {
        "title": "Brood & Co opent twaalfde winkel in Delft",
        "draft": True,
        "subtitle": "Nieuwe winkel met eigen bakkerij en koffiebar",
        "date": moment,
        "embargo": moment,
        "dateline": "Delft",
        "summary": "Brood & Co opent op zaterdag 5 december haar twaalfde winkel, aan de Markt in Delft.",
        "body": "**Opening**\n\nDe burgemeester opent de winkel om 10.00 uur.\n",
        "quotes": [{"text": "We wilden al jaren naar Delft. De Markt is de mooiste plek die we konden vinden.",
                    "by": "Anna de Vries", "role": "directeur van Brood & Co"}],
        "images": [{"file": "images/de-nieuwe-winkel-aan-de-markt-in-delft.png",
                    "alt": "De nieuwe winkel aan de Markt in Delft", "credit": "Foto: Brood & Co"}],
        "contacts": [{"name": "Sanne Jansen", "role": "woordvoerder", "email": "pers@broodenco.nl",
                      "phone": "010 - 123 45 67"}],
    }
    assert comment_of(text, "title") == "guessed: the document's first line, in bold"
    assert comment_of(text, "subtitle") == "guessed: the emphasised line under the title"
    assert comment_of(text, "date") == "from 'Delft, 3 december 2026 –', at the embargo's moment"
    assert result.stdout.splitlines()[1:] == [
        "  left out the label 'PERSBERICHT'",
        "  left out the end mark '-- einde persbericht --'",
        "  left out 1 line of 'Noot voor de redactie, niet voor publicatie' that is not a contact's name, role, "
        "e-mail address or phone number (for editors only): 'Journalisten zijn welkom bij de opening. Aanmelden "
        "kan tot 4 december'",
        "  left out 'Over Brood & Co' (1 paragraph): the newsroom holds that text (organization.boilerplate in "
        "newsroom.yaml)",
    ]
    assert "Journalisten" not in text and "bakkerijketen" not in text
    check(newsroom)


def test_tracked_changes_are_accepted_and_comments_dropped(newsroom, tmp_path):
    document = docx.Document()
    document.add_heading("Raad stemt in met nieuw zwembad", level=1)
    lede = document.add_paragraph("De gemeenteraad heeft ")
    docs.add_insertion(lede, "gisteren ")
    lede.add_run("ingestemd met een ")
    docs.add_deletion(lede, "duur ")
    docs.add_insertion(lede, "nieuw ")
    lede.add_run("zwembad.")
    document.add_comment(lede.runs[0], text="Klopt de datum? Navragen bij griffie", author="Juridische zaken")
    gone = document.add_paragraph("Dit deel is geschrapt door de afdeling juridische zaken.")
    docs.delete_paragraph_mark(gone)
    body = document.add_paragraph("Het zwembad opent ")
    docs.add_move(body, "volgens de planning ", to=False)
    body.add_run("in 2028")
    docs.add_move(body, ", volgens de planning", to=True)
    body.add_run(".")
    document.add_comment(body.runs[0], text="Of 2029?", author="Wethouder")
    table = document.add_table(rows=3, cols=2)
    for r, (what, cost) in enumerate([("Onderdeel", "Kosten"), ("Bad", "12 miljoen"), ("Glijbaan", "3 miljoen")]):
        table.cell(r, 0).text, table.cell(r, 1).text = what, cost
    docs.delete_row(table.rows[2])
    path = tmp_path / "zwembad.docx"
    document.save(path)

    folder, data, text, result = imported(newsroom, path)
    assert data["title"] == "Raad stemt in met nieuw zwembad"
    assert data["summary"] == "De gemeenteraad heeft gisteren ingestemd met een nieuw zwembad."
    assert data["body"] == ("Het zwembad opent in 2028, volgens de planning.\n\n"
                            "| Onderdeel | Kosten |\n| --- | --- |\n| Bad | 12 miljoen |\n")
    for gone_text in ("duur", "geschrapt", "Navragen", "2029", "Juridische", "Glijbaan"):
        assert gone_text not in text
    assert "dropped 2 comments" in result.stdout
    assert "accepted the tracked changes (3 insertions, 4 deletions)" in result.stdout
    assert comment_of(text, "title") == "guessed: the document's first heading"
    assert comment_of(text, "date") == "guessed: today; give the day it comes out"
    assert data["date"] == dt.date(2026, 11, 20)
    check(newsroom)


def test_pictures_alt_text_and_what_smr_cannot_publish(newsroom, tmp_path):
    document = docx.Document()
    document.add_paragraph("Nieuwe huisstijl voor het museum", style="Title")
    document.add_paragraph("Het museum heeft vanaf vandaag een nieuwe huisstijl en een nieuw logo.")
    docs.add_picture(document, docs.PHOTO, alt="De nieuwe gevel van het museum")
    docs.add_picture(document, docs.SECOND_PHOTO)                        # no alt text
    docs.add_picture(document, docs.PHOTO, alt="De nieuwe gevel van het museum")   # the same picture again
    docs.add_picture(document, docs.picture(size=(400, 300), fmt="BMP"), alt="Een oud logo")
    docs.add_picture(document, docs.picture(size=(600, 400), fmt="JPEG"), alt="De nieuwe gevel van het museum")
    path = tmp_path / "huisstijl.docx"
    document.save(path)

    folder, data, text, result = imported(newsroom, path)
    assert data["images"] == [
        {"file": "images/de-nieuwe-gevel-van-het-museum.png", "alt": "De nieuwe gevel van het museum"},
        {"file": "images/picture-2.png", "alt": ""},
        {"file": "images/de-nieuwe-gevel-van-het-museum.jpg", "alt": "De nieuwe gevel van het museum"},
    ]
    assert sorted(p.name for p in (folder / "images").iterdir()) == [
        "de-nieuwe-gevel-van-het-museum.jpg", "de-nieuwe-gevel-van-het-museum.png", "picture-2.png"]
    assert (folder / "images/picture-2.png").read_bytes() == docs.SECOND_PHOTO
    assert 'alt: ""   # not in the document: say what the photo shows' in text
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {path}: picture 2 has no alt text in the document: write `alt:` (what the photo shows, "
        "for people who cannot see it)",
        f"warning: {path}: picture 4 is a BMP picture, which smr cannot publish; export it as PNG or JPEG and "
        "add it to images/ by hand",
    ]
    left = result.stdout.split("Left to fill in:\n", 1)[1].splitlines()
    shown = f"releases/{folder.name}/release.yaml"
    line = text.splitlines().index('    alt: ""   # not in the document: say what the photo shows') + 1
    assert left == [f"  {shown}:{line}: images[1].alt: must not be empty"]
    # smr check says the same of the draft, as a warning, and passes
    checked = check(newsroom)
    assert f"warning: {shown}:{line}: images[1].alt: must not be empty (a draft: not built until fixed)" \
        in checked.stderr.splitlines()


def test_links_stay_in_the_body_or_become_links(newsroom, tmp_path):
    document = docx.Document()
    document.add_paragraph("Bibliotheek opent digitale leeszaal", style="Title")
    lede = document.add_paragraph("De bibliotheek opent een ")
    docs.add_hyperlink(lede, "https://bieb.example.nl/leeszaal", "digitale leeszaal")
    lede.add_run(" voor alle inwoners.")
    inline = document.add_paragraph("Lenen kan met de ")
    docs.add_hyperlink(inline, "https://bieb.example.nl/app", "app")
    inline.add_run(" of op de website.")
    document.add_heading("Meer informatie", level=2)
    for url, label, rest in [("https://bieb.example.nl/tarieven", "Tarieven", " – wat lenen kost"),
                             ("https://www.kb.nl/", "Koninklijke Bibliotheek", "")]:
        item = document.add_paragraph(style="List Bullet")
        docs.add_hyperlink(item, url, label)
        if rest:
            item.add_run(rest)
    path = tmp_path / "leeszaal.docx"
    document.save(path)

    folder, data, text, result = imported(newsroom, path)
    assert data["summary"] == "De bibliotheek opent een digitale leeszaal voor alle inwoners."
    assert data["body"] == "Lenen kan met de [app](https://bieb.example.nl/app) of op de website.\n"
    assert data["links"] == [
        {"url": "https://bieb.example.nl/leeszaal", "title": "digitale leeszaal"},
        {"url": "https://bieb.example.nl/tarieven", "title": "Tarieven", "description": "wat lenen kost"},
        {"url": "https://www.kb.nl/", "title": "Koninklijke Bibliotheek"},
    ]
    assert "   # a link in the first paragraph (the summary is plain text)" in text
    assert "   # under 'Meer informatie'" in text
    check(newsroom)


def test_tables_become_markdown_tables_the_page_shows(newsroom, tmp_path):
    from generator.render.markup import block

    document = docx.Document()
    document.add_paragraph("Cijfers 2026", style="Title")
    document.add_paragraph("Het aantal bezoekers groeide in 2026 met een kwart.")
    table = document.add_table(rows=3, cols=3)
    rows = [("Maand", "Bezoekers", "Groei"), ("januari", "1.200", "+10%"), ("februari", "1.500 | piek", "+25%")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 2).paragraphs[0].runs[0].bold = True
    path = tmp_path / "cijfers.docx"
    document.save(path)

    folder, data, text, result = imported(newsroom, path)
    assert data["body"] == ("| Maand | Bezoekers | Groei |\n| --- | --- | --- |\n| januari | 1.200 | +10% |\n"
                            "| februari | 1.500 \\| piek | **+25%** |\n")
    html = block(data["body"])
    assert "<table>" in html and "<th>Maand</th>" in html and "<td>1.500 | piek</td>" in html
    assert "<strong>+25%</strong>" in html
    check(newsroom)


def test_a_translation_links_its_original_and_shares_identical_photos(newsroom, tmp_path):
    original, nl, _, _ = imported(newsroom, docs.dutch_release(tmp_path / "nl.docx"))
    document = docx.Document()
    document.add_paragraph("Zeewolde plants 10,000 trees", style="Title")
    document.add_paragraph("The municipality of Zeewolde will plant 10,000 trees this winter, and residents "
                           "can help on three planting days.")
    docs.add_picture(document, docs.PHOTO, alt="Volunteers plant an oak along the Hoge Vaart")
    docs.add_picture(document, docs.SECOND_PHOTO, alt="The Horsterwold forest in winter")
    path = tmp_path / "en.docx"
    document.save(path)

    folder, data, text, result = imported(newsroom, path, "--translation-of", original.name)
    assert data["language"] == "en"
    assert data["translations"] == [f"../{original.name}"]
    assert data["date"] == nl["date"] and data["embargo"] == nl["embargo"]
    assert comment_of(text, "date") == "the original's date"
    assert data["images"] == [
        {"file": f"../{original.name}/images/vrijwilligers-planten-een-eik-langs-de.png",
         "alt": "Volunteers plant an oak along the Hoge Vaart"},
        {"file": "images/the-horsterwold-forest-in-winter.png", "alt": "The Horsterwold forest in winter"},
    ]
    assert [p.name for p in (folder / "images").iterdir()] == ["the-horsterwold-forest-in-winter.png"]
    checked = check(newsroom)
    assert "language" not in checked.stderr, checked.stderr


def test_a_translation_in_its_originals_language_is_left_without_one(newsroom, tmp_path):
    """Two versions of a story in one language are an error of check's; the import leaves
    `language:` empty instead, so check lists it for the draft and blocks nothing."""
    original, _, _, _ = imported(newsroom, docs.dutch_release(tmp_path / "nl.docx"))
    document = docx.Document()
    document.add_paragraph("Zeewolde plant ook in het voorjaar", style="Title")
    document.add_paragraph("De gemeente plant ook in het voorjaar bomen, en de inwoners mogen weer helpen.")
    path = tmp_path / "nl-2.docx"
    document.save(path)
    folder, data, text, result = imported(newsroom, path, "--translation-of", original.name)
    assert data["language"] == ""
    assert comment_of(text, "language") == ("guessed from the document's words (nl), the original's language too: "
                                            "write the language this translation is in")
    assert f"warning: {path}: reads as nl, the language of its original releases/{original.name}" in result.stderr
    assert result.stdout.split("Left to fill in:\n", 1)[1].splitlines() == [
        f"  releases/{folder.name}/release.yaml:6: language: must be a language tag such as 'nl', 'en' or 'en-GB'"]
    check(newsroom)


def test_nothing_found_is_listed_as_left_to_fill_in(newsroom, tmp_path):
    document = docx.Document()
    document.add_paragraph("Dit is een lange alinea zonder kop en zonder opmaak, die dus geen titel kan zijn. "
                           "Ze wordt de samenvatting van het bericht.")
    path = tmp_path / "kaal.docx"
    document.save(path)
    folder, data, text, result = imported(newsroom, path)
    assert folder.name == "2026-11-20-kaal"   # no title: named after the document
    assert data["title"] == ""
    assert comment_of(text, "title") == "not found in the document: write the headline"
    assert result.stdout.split("Left to fill in:\n", 1)[1].splitlines() == [
        f"  releases/{folder.name}/release.yaml:4: title: must not be empty"]
    checked = check(newsroom)
    assert "title: must not be empty (a draft: not built until fixed)" in checked.stderr


def test_an_existing_folder_is_never_overwritten(newsroom, tmp_path):
    path = docs.dutch_release(tmp_path / "persbericht.docx")
    folder, _, text, _ = imported(newsroom, path)
    (folder / "release.yaml").write_text(text + "# my own edit\n", "utf-8")
    again = newsroom.run("import", str(path), "--now", NOW)
    assert again.exit_code == 1
    assert again.stderr == (f"error: releases/{folder.name} already exists; nothing was changed (remove that "
                            "folder, or import into another newsroom)\n")
    assert (folder / "release.yaml").read_text("utf-8").endswith("# my own edit\n")
    assert sorted(p.name for p in (newsroom.root / "releases").iterdir()) == [folder.name]


def _encrypted(path: Path, target: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(path, "rb") as plain, open(target, "wb") as out:
        OOXMLFile(plain).encrypt("geheim", out)
    return target


def _damaged_inside(path: Path, target: Path) -> Path:
    """The zip's directory intact, but word/document.xml's compressed bytes changed."""
    import zipfile

    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    for i in range(40):
        data[start + i] ^= 0x55
    target.write_bytes(bytes(data))
    return target


def _workbook(target: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return target


def _claims_too_much(path: Path, target: Path) -> Path:
    """A zip whose directory says a part unpacks to 2 GB (a zip bomb): refused before reading."""
    import struct

    data = bytearray(path.read_bytes())
    record = data.find(b"PK\x01\x02")   # the first central directory record
    struct.pack_into("<I", data, record + 24, 2_000_000_000)
    target.write_bytes(bytes(data))
    return target


def _with_entities(path: Path, target: Path) -> Path:
    """word/document.xml with an entity declaration (a billion-laughs start), which Word never writes."""
    import zipfile

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaa">]>', 1)
            out.writestr(info, data)
    return target


def _as_content_type(kind: str):
    """The document with another main content type, as Word saves a .docm or a .dotx."""
    import zipfile

    def make(path: Path, target: Path) -> Path:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                                        b".main+xml", kind.encode())
                out.writestr(info, data)
        return target
    return make


BAD = {
    "macros": (_as_content_type("application/vnd.ms-word.document.macroEnabled.main+xml"),
               "is a Word document with macros (.docm); save it as Word Document (.docx) and import that"),
    "template": (_as_content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
                 "is a Word template (.dotx); save it as Word Document (.docx) and import that"),
    "old doc": (lambda good, t: t.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)) and t,
                "is an old Word 97-2003 document (.doc), not a .docx; open it in Word and save it as Word "
                "Document (.docx)"),
    "zip bomb": (_claims_too_much, "unpacks to more than a Word document holds (a zip bomb?); nothing was imported"),
    "entities": (_with_entities, "has a part (word/document.xml) with XML entity declarations, which Word never "
                                 "writes; nothing was imported"),
    "text": (lambda good, t: t.write_bytes(b"Persbericht\nZeewolde plant bomen\n") and t,
             "is not a Word document (.docx); give the .docx that Word saves"),
    "cut short": (lambda good, t: t.write_bytes(good.read_bytes()[:3000]) and t,
                  "is damaged: the zip archive that a .docx is cannot be read whole; save it again from Word, "
                  "or copy it again"),
    "damaged inside": (_damaged_inside,
                       "is damaged: the zip archive that a .docx is cannot be read whole; save it again from "
                       "Word, or copy it again"),
    "password": (_encrypted,
                 "is protected with a password; open it in Word, remove the password (File, Info, Protect "
                 "Document, Encrypt with Password), save it and import that"),
    "workbook": (lambda good, t: _workbook(t),
                 "is an Excel workbook (.xlsx), not a Word document; save the text as Word Document (.docx)"),
    "pdf": (lambda good, t: t.write_bytes(b"%PDF-1.7\n%...") and t,
            "is a PDF, not a .docx; open it in Word and save it as Word Document (.docx)"),
    "empty": (lambda good, t: t.write_bytes(b"") or t, "is empty; give the Word document (.docx) itself"),
    "missing": (lambda good, t: t, "no such file"),
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_is_one_line_and_makes_nothing(newsroom, tmp_path, kind):
    make, message = BAD[kind]
    good = docs.dutch_release(tmp_path / "good.docx")
    bad = make(good, tmp_path / "persbericht.docx")
    result = newsroom.run("import", str(bad), "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr == f"error: {bad}: {message}\n"
    assert "Traceback" not in result.output
    assert not (newsroom.root / "releases").exists() or not any((newsroom.root / "releases").iterdir())


def test_import_outside_a_newsroom_and_a_bad_translation(newsroom, tmp_path):
    path = docs.dutch_release(tmp_path / "persbericht.docx")
    result = newsroom.run("import", str(path), "--translation-of", "2026-01-01-nope", "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr == ("error: --translation-of '2026-01-01-nope': no release folder with a release.yaml "
                             "of that name in releases/\n")


def test_the_picture_bytes_are_the_documents_own(newsroom, tmp_path):
    """Pictures are copied as the document holds them: no re-encoding."""
    path = docs.dutch_release(tmp_path / "persbericht.docx")
    folder, data, _, _ = imported(newsroom, path)
    stored = docx.Document(path).inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    part = docx.Document(path).part.related_parts[stored]
    assert hashlib.sha256((folder / data["images"][0]["file"]).read_bytes()).digest() == \
        hashlib.sha256(part.blob).digest()


def test_a_strict_open_xml_document_says_how_to_save_it(newsroom, tmp_path):
    """Word's "Strict Open XML Document" uses other names for its parts; python-docx reads none."""
    import zipfile

    good = docs.dutch_release(tmp_path / "good.docx")
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(strict, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                    b"officeDocument", b"http://purl.oclc.org/ooxml/officeDocument/relationships/"
                                                       b"officeDocument")
            target.writestr(info, data)
    result = newsroom.run("import", str(strict), "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr == (f"error: {strict}: is saved as Strict Open XML Document, which smr does not read; "
                             "save it in Word as Word Document (.docx) and import that\n")
