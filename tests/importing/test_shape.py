"""Where the parts of a press release are, on mammoth's HTML directly: dates and embargo lines
in Dutch and English, datelines, the forms a quote takes, and the layouts of a note to editors."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importing.shape import _place_name, find_moment, shape
from generator.importing.word import WordDocument

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def fields(html: str, organization: str = "Brood & Co"):
    found = shape(WordDocument(html=html), AMSTERDAM, "nl", organization)
    return {key: value.value for key, value in found.fields.items()}, found


@pytest.mark.parametrize("text, expected", [
    ("dinsdag 24 november 2026, 09.00 uur", dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)),
    ("24 nov. 2026 om 9 uur", dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)),
    ("1 juni 2026 14:30", dt.datetime(2026, 6, 1, 14, 30, tzinfo=AMSTERDAM)),
    ("November 24, 2026, 9:00 am CET", dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
    ("24th November 2026 at 3 pm GMT", dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc)),
    ("24-11-2026 07:00", dt.datetime(2026, 11, 24, 7, 0, tzinfo=AMSTERDAM)),
    ("2026-11-24T09:00", dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)),
    ("11/24/2026 9:00 pm EST", dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("24 november 2026", dt.date(2026, 11, 24)),
])
def test_moments_in_dutch_and_english(text, expected):
    value, timed, zoned = find_moment(text, AMSTERDAM)
    assert value == expected
    assert timed == isinstance(expected, dt.datetime)


@pytest.mark.parametrize("text", ["binnenkort", "31 februari 2026", "week 48"])
def test_no_moment(text):
    assert find_moment(text, AMSTERDAM) is None


@pytest.mark.parametrize("written, name", [
    ("ZEEWOLDE", "Zeewolde"), ("DEN HAAG", "Den Haag"), ("'S-HERTOGENBOSCH", "'s-Hertogenbosch"),
    ("BERGEN OP ZOOM", "Bergen op Zoom"), ("ETTEN-LEUR", "Etten-Leur"), ("Rotterdam", "Rotterdam"),
])
def test_place_names(written, name):
    assert _place_name(written) == name


@pytest.mark.parametrize("line", [
    "EMBARGO tot 24 november 2026, 09.00 uur", "Onder embargo tot 24 november 2026 09:00",
    "Embargo: 24-11-2026 09:00", "NIET PUBLICEREN VÓÓR 24 november 2026, 9.00 uur",
    "Under embargo until 24 November 2026, 09:00", "Not for publication before November 24, 2026 9:00 am",
])
def test_embargo_lines(line):
    found, _ = fields(f"<p>{line}</p><h1 class='title'>Nieuws</h1><p>Het nieuws.</p>")
    assert found["embargo"] == dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)


def test_an_embargo_without_a_time_is_midnight_and_said():
    found, shaped = fields("<p>EMBARGO tot 24 november 2026</p><h1 class='title'>Nieuws</h1><p>Het nieuws.</p>")
    assert found["embargo"] == dt.date(2026, 11, 24)
    assert shaped.fields["embargo"].note.endswith("no time given: midnight, give the hour")
    assert any("gives no time" in w for w in shaped.warnings)


def test_an_embargo_smr_cannot_read_is_left_empty_so_check_asks_for_it():
    found, shaped = fields("<p>EMBARGO: tot nader bericht</p><h1 class='title'>Nieuws</h1><p>Het nieuws.</p>")
    assert found["embargo"] is None
    assert any("names no date smr can read" in w for w in shaped.warnings)


@pytest.mark.parametrize("lede, dateline, summary", [
    ("ZEEWOLDE – De gemeente plant bomen.", "Zeewolde", "De gemeente plant bomen."),
    ("DEN HAAG — Het kabinet besluit.", "Den Haag", "Het kabinet besluit."),
    ("Zeewolde, 24 november 2026 – De gemeente plant bomen.", "Zeewolde", "De gemeente plant bomen."),
    ("Vandaag – een gewone zin met een gedachtestreepje.", None, "Vandaag – een gewone zin met een gedachtestreepje."),
])
def test_datelines(lede, dateline, summary):
    found, _ = fields(f"<h1 class='title'>Nieuws</h1><p>{lede}</p>")
    assert found.get("dateline") == dateline
    assert found["summary"] == summary


@pytest.mark.parametrize("paragraphs, quote", [
    (["“Wij praten nu mee,” zegt Anna de Vries, directeur van Brood &amp; Co."],
     {"text": "Wij praten nu mee.", "by": "Anna de Vries", "role": "directeur van Brood & Co"}),
    (["„Het is een mooie dag”, aldus Piet Bakker."], {"text": "Het is een mooie dag", "by": "Piet Bakker"}),
    (["„We wilden al jaren naar Delft”, zegt Anna de Vries. „De Markt is de mooiste plek.”"],
     {"text": "We wilden al jaren naar Delft. De Markt is de mooiste plek.", "by": "Anna de Vries"}),
    (["“Een bos groeit langzaam.” — Anna de Vries, wethouder"],
     {"text": "Een bos groeit langzaam.", "by": "Anna de Vries", "role": "wethouder"}),
    (["Anna de Vries, wethouder: “Een bos groeit langzaam.”"],
     {"text": "Een bos groeit langzaam.", "by": "Anna de Vries", "role": "wethouder"}),
    (["\"We are proud,\" Jane Smith, CEO of Acme, said."],
     {"text": "We are proud.", "by": "Jane Smith", "role": "CEO of Acme"}),
    (["“We start now.”", "– Jane Smith, CEO"], {"text": "We start now.", "by": "Jane Smith", "role": "CEO"}),
    (["<p class='quote'>Iedereen mag een boom planten.</p>", "— Anna de Vries"],
     {"text": "Iedereen mag een boom planten.", "by": "Anna de Vries"}),
])
def test_quotes(paragraphs, quote):
    html = "".join(p if p.startswith("<p") else f"<p>{p}</p>" for p in paragraphs)
    found, _ = fields(f"<h1 class='title'>Nieuws</h1><p>Het nieuws van vandaag.</p>{html}")
    assert found["quotes"] == [quote]
    assert "body" not in found


@pytest.mark.parametrize("text", ["“Ja,” zegt hij.", "“Groen” en “blauw” zijn de kleuren."])
def test_no_quote_without_someone_who_said_it(text):
    found, _ = fields(f"<h1 class='title'>Nieuws</h1><p>Het nieuws.</p><p>{text}</p>")
    assert "quotes" not in found
    assert found["body"].startswith("“")


def test_a_note_to_editors_with_two_people_a_line_per_detail():
    found, shaped = fields(
        "<h1 class='title'>Nieuws</h1><p>Het nieuws.</p>"
        "<h2>Noot voor de redactie (niet voor publicatie)</h2>"
        "<p>Beeldmateriaal is op aanvraag beschikbaar bij de afdeling communicatie van de gemeente.</p>"
        "<p>Sanne Jansen<br/>Woordvoerder<br/>T: 010 123 45 67<br/>E: <a href='mailto:sanne@example.nl'>"
        "sanne@example.nl</a></p>"
        "<p>Daan van der Berg | Hoofd Communicatie | 06-12345678 | daan@example.nl</p>")
    assert found["contacts"] == [
        {"name": "Sanne Jansen", "role": "Woordvoerder", "email": "sanne@example.nl", "phone": "010 123 45 67"},
        {"name": "Daan van der Berg", "role": "Hoofd Communicatie", "email": "daan@example.nl", "phone": "06-12345678"},
    ]
    assert any(n.startswith("left out 1 line of 'Noot voor de redactie (niet voor publicatie)'") for n in shaped.notes)
    assert "body" not in found


def test_about_a_part_of_the_story_stays_about_the_organisation_goes():
    found, shaped = fields(
        "<h1 class='title'>Nieuws</h1><p>Het nieuws.</p>"
        "<h2>Over de actie</h2><p>De actie loopt tot maart.</p>"
        "<h2>Over Brood &amp; Co</h2><p>Brood &amp; Co is een bakkerij.</p>")
    assert found["body"] == "## Over de actie\n\nDe actie loopt tot maart.\n"
    assert any(n.startswith("left out 'Over Brood & Co' (1 paragraph)") for n in shaped.notes)


def test_markdown_characters_in_the_text_stay_text():
    found, _ = fields("<h1 class='title'>Nieuws</h1><p>Het nieuws.</p>"
                      "<p>1. Eerst [dit] en *dat* &lt;b&gt; of a_b_c.</p><p>- 5 stuks</p><p>+10% groei</p>")
    assert found["body"] == ("1\\. Eerst \\[dit\\] en \\*dat\\* &lt;b> of a\\_b\\_c.\n\n\\- 5 stuks\n\n"
                             "+10% groei\n")


def test_a_note_to_editors_in_a_table():
    found, _ = fields(
        "<h1 class='title'>Nieuws</h1><p>Het nieuws.</p><h2>Noot voor de redactie</h2>"
        "<table><tr><td><p>Sanne Jansen</p><p>woordvoerder</p></td>"
        "<td><p>pers@example.nl</p><p>+31 10 123 45 67</p></td></tr></table>")
    assert found["contacts"] == [{"name": "Sanne Jansen", "role": "woordvoerder", "email": "pers@example.nl",
                                  "phone": "+31 10 123 45 67"}]


def test_footnote_marks_are_no_part_of_the_title_and_notes_keep_their_text():
    found, _ = fields(
        "<h1 class='title'>Nieuws<sup><a href='#footnote-1' id='footnote-ref-1'>[1]</a></sup></h1>"
        "<p>Het nieuws.</p><p>Meer tekst.</p>"
        "<ol><li id='footnote-1'><p>Bron: CBS. <a href='#footnote-ref-1'>↑</a></p></li></ol>")
    assert found["title"] == "Nieuws"
    assert found["body"] == "Meer tekst.\n\n1. Bron: CBS.\n"


def test_facts_typed_with_bullets_and_a_quote_style_without_a_name():
    found, _ = fields(
        "<h1 class='title'>Nieuws</h1><p>Het nieuws.</p><p><strong>Feiten</strong></p>"
        "<p>• 10.000 bomen</p><p>- 14 <em>soorten</em></p><h2>Verder</h2>"
        "<p class='quote'>Wie een boom plant, plant hoop.</p>")
    assert found["facts"] == ["10.000 bomen", "14 *soorten*"]
    assert found["body"] == "## Verder\n\n> Wie een boom plant, plant hoop.\n"


WORDS = ["EMBARGO", "tot", "until", "24", "november", "2026", "09.00", "uur", "ZEEWOLDE", "–", "—", "-", ":",
         "“", "”", "\"", "zegt", "said", "Anna", "de", "Vries,", "wethouder", "Noot", "voor", "de", "redactie",
         "Over", "About", "Kernfeiten", "###", "pers@example.nl", "+31", "10", "123", "45", "67", "|", "*", "[",
         "]", "<", "&", "#", "Foto:", "http://x.nl", "•", ".", ","]
PARAGRAPH = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "h1", "h2", "li", "title", "subtitle", "caption", "quote",
                                          "strong", "td"]), PARAGRAPH), max_size=14))
def test_any_document_shapes_into_fields_that_write_and_read_back(blocks):
    """No arrangement of a press release's words makes the import fail or write YAML that reads
    back otherwise."""
    import html as escape

    import yaml

    from generator.importing.release import _yaml

    parts = []
    for kind, text in blocks:
        text = escape.escape(text)
        parts.append({"title": f"<h1 class='title'>{text}</h1>", "subtitle": f"<p class='subtitle'>{text}</p>",
                      "caption": f"<p class='caption'>{text}</p>", "quote": f"<p class='quote'>{text}</p>",
                      "strong": f"<p><strong>{text}</strong></p>", "li": f"<ul><li>{text}</li></ul>",
                      "td": f"<table><tr><td><p>{text}</p></td></tr></table>"}.get(kind, f"<{kind}>{text}</{kind}>"))
    found = shape(WordDocument(html="".join(parts)), AMSTERDAM, "nl", "Brood & Co")
    entries = {key: (value.value if value.value is not None else "", value.note, value.items)
               for key, value in found.fields.items()}
    entries.setdefault("title", ("", ""))
    entries.setdefault("date", (dt.date(2026, 11, 20), ""))
    read = yaml.safe_load(_yaml(entries, "x.docx", dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)))
    for key, (value, *_) in entries.items():
        assert read[key] == value, key


@pytest.mark.parametrize("note, contact", [
    ("Voor meer informatie kunt u contact opnemen met Sanne Jansen, woordvoerder, via 036 - 522 95 00 of "
     "pers@zeewolde.nl.",
     {"name": "Sanne Jansen", "role": "woordvoerder", "email": "pers@zeewolde.nl", "phone": "036 - 522 95 00"}),
    ("For more information, please contact John Doe, Head of Communications, on +44 20 7946 0000 or "
     "press@acme.example.",
     {"name": "John Doe", "role": "Head of Communications", "email": "press@acme.example",
      "phone": "+44 20 7946 0000"}),
    ("Daan van der Berg (woordvoerder): 06-12345678",
     {"name": "Daan van der Berg", "role": "woordvoerder", "phone": "06-12345678"}),
])
def test_a_note_to_editors_in_a_sentence(note, contact):
    found, _ = fields(f"<h1 class='title'>Nieuws</h1><p>Het nieuws.</p><h2>Noot voor de redactie</h2><p>{note}</p>")
    assert found["contacts"] == [contact]
