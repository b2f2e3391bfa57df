"""Issue 24, "Languages beyond nl and en": gettext catalogs for the labels, dates in the
newsroom's regional form, the embargo line in the page's language, language links in their
own words, the media kit in the newsroom's language, overrides by name and by catalog."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from generator.render import i18n
from generator.resources import builtin, catalog_locales
from tests.conftest import NEWSROOM_YAML, RELEASE_YAML

LANGUAGES = ["nl", "en", "de", "fr", "es", "it", "pl", "el"]
LOCALE = builtin("templates") / "locale"


def page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / slug / "index.html").read_text("utf-8"), "html.parser")


def with_language(language: str) -> str:
    return NEWSROOM_YAML.replace("language: nl", f"language: {language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_translates_every_label_and_its_mo_is_its_po_compiled(language):
    with open(LOCALE / language / "LC_MESSAGES" / "smr.po", "rb") as fp:
        catalog = read_po(fp, locale=language)
    contexts = {message.context for message in catalog if message.id and message.context}
    assert {c for c in contexts if "." not in c or c.startswith("networks.")} == set(i18n.LABELS), \
        "run `bash scripts/catalogs`"
    if language != "en":
        untranslated = [m.context or m.id for m in catalog if m.id and not m.string]
        assert untranslated == []
    for message in catalog:
        if message.id and "{" in message.id and message.string:   # the placeholders survive translation
            fields = re.findall(r"\{\w+\}", message.id)
            assert [message.string.count(p) for p in fields] == [1] * len(fields), message.id
        if message.id and "%(" in message.id and message.string:
            assert message.string.count("%(today)s") == message.id.count("%(today)s")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (LOCALE / language / "LC_MESSAGES" / "smr.mo").read_bytes() == compiled.getvalue(), \
        "the .mo is not its .po compiled: run `bash scripts/catalogs` and commit both"


def test_the_catalog_template_lists_every_label():
    import re

    pot = (LOCALE / "smr.pot").read_text("utf-8")
    contexts = set(re.findall(r'^msgctxt "([^"]+)"$', pot, re.MULTILINE))
    assert set(i18n.LABELS) <= contexts
    assert all(c in i18n.LABELS or c.startswith("pitch.") for c in contexts)   # a template's own: no label


def test_locales_most_specific_first():
    assert catalog_locales("pt-BR") == ["pt_BR", "pt"]
    assert catalog_locales("en-gb") == ["en_GB", "en"]
    assert catalog_locales("sr-Latn-RS") == ["sr_Latn_RS", "sr_Latn", "sr"]
    assert catalog_locales("nl") == ["nl"]


@pytest.mark.parametrize("language, contacts, facts", [
    ("de", "Pressekontakte", "Die wichtigsten Fakten"), ("fr", "Contacts presse", "L’essentiel"),
    ("es", "Contactos de prensa", "Datos clave"), ("it", "Contatti stampa", "I fatti principali"),
    ("pl", "Kontakt dla mediów", "Najważniejsze fakty"), ("el", "Επικοινωνία για τον Τύπο", "Τα βασικά στοιχεία"),
])
def test_a_page_in_each_language_reads_its_labels(newsroom, language, contacts, facts):
    newsroom.write("newsroom.yaml", with_language(language))
    newsroom.release("x", RELEASE_YAML + "facts:\n  - Een feit\n")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    soup = page(newsroom.site, "x")
    assert soup.html["lang"] == language
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert contacts in headings and facts in headings


def test_the_embargo_line_is_in_the_pages_language(newsroom):
    """It read "EMBARGO until 18 Δεκεμβρίου 2026, 10:00 π.μ.": English words, Greek date."""
    newsroom.release("x", RELEASE_YAML + "language: el\nembargo: 2026-12-18T10:00:00+01:00\n")
    newsroom.release("y", RELEASE_YAML + "embargo: 2026-12-18T10:00:00+01:00\n")
    result = newsroom.run("build", "--preview", "--now", "2026-12-01T00:00:00+01:00")
    assert result.exit_code == 0, result.output
    greek = page(newsroom.site, "x").find("p", class_="embargo").strong.get_text()
    assert greek.startswith("ΑΠΑΓΟΡΕΥΣΗ ΔΗΜΟΣΙΕΥΣΗΣ έως 18 Δεκεμβρίου 2026, 10:00")
    assert "EMBARGO until" not in greek
    dutch = page(newsroom.site, "y").find("p", class_="embargo").strong.get_text()
    assert dutch == "EMBARGO tot 18 december 2026, 10:00 (UTC+01:00)"


@pytest.mark.parametrize("language, release_language, date, embargo", [
    ("en-GB", None, "4 December 2026", "EMBARGO until 4 December 2026, 10:00 (UTC+01:00)"),
    ("en-GB", "en", "4 December 2026", "EMBARGO until 4 December 2026, 10:00 (UTC+01:00)"),
    ("en-US", None, "December 4, 2026", "EMBARGO until December 4, 2026, 10:00\u202fAM (UTC+01:00)"),
    ("pt-BR", None, "4 de dezembro de 2026", None),
])
def test_dates_and_times_follow_the_newsrooms_regional_language(newsroom, language, release_language, date, embargo):
    newsroom.write("newsroom.yaml", with_language(language))
    text = RELEASE_YAML.replace("2026-11-24T09:00:00+01:00", "2026-12-04T10:00:00+01:00")
    text += "embargo: 2026-12-04T10:00:00+01:00\n" + (f"language: {release_language}\n" if release_language else "")
    newsroom.release("x", text)
    result = newsroom.run("build", "--preview", "--now", "2026-12-01T00:00:00+01:00")
    assert result.exit_code == 0, result.output
    soup = page(newsroom.site, "x")
    assert soup.find("time", class_="dt-published").get_text() == date
    if embargo:
        assert soup.find("p", class_="embargo").strong.get_text() == embargo


def test_language_links_name_the_language_in_its_own_words(newsroom):
    """"Ook beschikbaar in:" showed the translation's title instead of "English"."""
    newsroom.release("nl-versie", RELEASE_YAML + "translations: [../en-versie, ../pl-versie]\n")
    newsroom.release("en-versie", RELEASE_YAML.replace("Testbedrijf opent een winkel", "Testbedrijf opens a shop")
                     + "language: en\n")
    newsroom.release("pl-versie", RELEASE_YAML.replace("Testbedrijf opent een winkel", "Testbedrijf otwiera sklep")
                     + "language: pl\n")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    links = page(newsroom.site, "nl-versie").find("p", class_="translations")
    assert links.get_text() == "Ook beschikbaar in: English, Polski"
    links = page(newsroom.site, "pl-versie").find("p", class_="translations")
    assert links.get_text() == "Dostępne także w języku: English, Nederlands"


def test_the_media_kit_is_named_and_credited_in_the_newsrooms_language(newsroom):
    newsroom.write("newsroom.yaml", with_language("de"))
    newsroom.release("x", RELEASE_YAML + "images:\n  - file: images/photo.jpg\n    alt: Das Team\n"
                     "    credit: Foto Piet\n")
    newsroom.photo("x")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    link = page(newsroom.site, "x").select_one(".media-kit a")
    assert link["href"] == "hires/x-fotos.zip"
    with zipfile.ZipFile(newsroom.site / "x" / "hires" / "x-fotos.zip") as kit:
        credits = kit.read("credits.txt").decode()
    assert "photo.jpg\n  Bildunterschrift: Das Team\n  Bildnachweis: Foto Piet\n  Lizenz: -\n" in credits
    assert "  Größe: 1200 x 800 Pixel, " in credits


def test_a_newsroom_overrides_a_label_by_name_and_by_its_own_catalog(newsroom):
    from babel.messages.catalog import Catalog

    newsroom.write("newsroom.yaml", with_language("de") + "labels:\n  contacts: Ihre Ansprechpartner\n")
    own = Catalog(locale="de", domain="smr")
    own.add("Key facts", "Auf einen Blick", context="facts")
    compiled = io.BytesIO()
    write_mo(compiled, own)
    newsroom.write("templates/locale/de/LC_MESSAGES/smr.mo", compiled.getvalue())
    newsroom.release("x", RELEASE_YAML + "facts:\n  - Ein Fakt\nquotes:\n  - text: Gut.\n    by: Anna\n")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    headings = [h.get_text(strip=True) for h in page(newsroom.site, "x").find_all("h2")]
    assert "Ihre Ansprechpartner" in headings        # newsroom.yaml, by name
    assert "Auf einen Blick" in headings             # its own catalog
    assert "Zitate" in headings                      # the rest: the built-in catalog


def test_a_template_may_use_gettext_in_the_pages_language(newsroom):
    """Jinja2's i18n extension: a newsroom's template writes {% trans %} and _() and gets the
    page's language."""
    builtin_card = (builtin("templates") / "partials" / "release-card.html").read_text("utf-8")
    newsroom.write("templates/partials/release-card.html",
                   builtin_card + '<p class="mine">{{ pgettext("facts", "Key facts") }}</p>\n')
    newsroom.release("x", RELEASE_YAML + "language: pl\n")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    index = BeautifulSoup((newsroom.site / "pl" / "index.html").read_text("utf-8"), "html.parser")
    assert index.find("p", class_="mine").get_text() == "Najważniejsze fakty"


@pytest.mark.parametrize("language, comment", [
    ("nl", "# verplicht: de naam van de persruimte"), ("de", "# Pflicht: der Name des Pressebereichs"),
    ("pl", "# wymagane: nazwa biura prasowego"), ("el", "# υποχρεωτικό: το όνομα του γραφείου Τύπου"),
    ("en", "# required: the name of the newsroom site"), ("pt-BR", "# required: the name of the newsroom site"),
])
def test_smr_init_comments_in_the_newsrooms_language(tmp_path, language, comment):
    import yaml
    from click.testing import CliRunner

    from generator.cli import main

    room = tmp_path / "pers"
    result = CliRunner().invoke(main, ["init", str(room), "--title", "Pers", "--base-url", "https://pers.example.nl",
                                       "--organization", "Gemeente", "--language", language,
                                       "--timezone", "Europe/Amsterdam"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = (room / "newsroom.yaml").read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    assert title.endswith(comment)
    assert "smr init" in text.splitlines()[0] and text.count("\n#") > 10
    assert yaml.safe_load(text)["language"] == language   # the comments change nothing a parser reads
