"""The release page's JSON-LD names every photo as a schema.org ImageObject with its rights
(what Google Images shows as "Licensable"), read with extruct; the values match the files."""

from __future__ import annotations

import subprocess

import extruct

from tests.components import has_exiftool
from tests.conftest import NEWSROOM_YAML, make_photo

BASE = "https://pers.example.org/"
URL = BASE + "r/"
RELEASE = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
images:
  - file: images/team.jpg
    alt: Het team
    caption: Het team voor de winkel
    credit: Piet Bakker
    license_url: https://creativecommons.org/licenses/by/4.0/
    acquire_license_page: https://fotos.example.org/kopen?foto=12&formaat=groot
    lead: true
  - file: images/logo.jpg
    alt: Het logo van Testbedrijf
    credit: Testbedrijf
  - file: images/agency.jpg
    alt: Bakkers
"""


def image_objects(newsroom) -> list[dict]:
    html = (newsroom.site / "r" / "index.html").read_text("utf-8")
    article, = extruct.extract(html, base_url=URL, syntaxes=["json-ld"])["json-ld"]
    return article["image"]


def test_each_photo_is_an_image_object_with_its_rights(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "publish:\n  license_url: https://pers.example.org/licentie\n")
    for name in ("team", "logo", "agency"):
        make_photo(newsroom.root / f"releases/r/images/{name}.jpg")
    if has_exiftool():   # an agency photo brings its own byline and notice
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-IPTC:By-line=Jan Fotograaf", "-IPTC:Credit=ANP",
                        "-IPTC:CopyrightNotice=(c) ANP", str(newsroom.root / "releases/r/images/agency.jpg")],
                       check=True)
    newsroom.release("r", RELEASE)
    assert newsroom.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0

    card, team, logo, agency = image_objects(newsroom)
    assert card["url"].endswith(".og.jpg") and card["license"] == team["license"]   # the social card: the lead's rights
    for obj in (team, logo, agency):
        assert obj["@type"] == "ImageObject"
        assert obj["contentUrl"].startswith(URL + "img/")
        assert (newsroom.site / obj["contentUrl"][len(BASE):]).is_file()
    assert team["caption"] == "Het team voor de winkel"
    assert team["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert team["acquireLicensePage"] == "https://fotos.example.org/kopen?foto=12&formaat=groot"
    assert team["creditText"] == "Piet Bakker" and team["copyrightNotice"] == "Piet Bakker"
    assert team["creator"] == {"@type": "Person", "name": "Piet Bakker"}
    assert logo["creator"] == {"@type": "Organization", "name": "Testbedrijf"}   # the organisation's own
    assert logo["license"] == "https://pers.example.org/licentie"   # the newsroom's default
    assert "acquireLicensePage" not in logo   # nothing empty
    assert logo["caption"] == "Het logo van Testbedrijf"   # no caption: the alt text
    if has_exiftool():
        assert agency["creator"] == {"@type": "Person", "name": "Jan Fotograaf"}
        assert (agency["creditText"], agency["copyrightNotice"]) == ("ANP", "(c) ANP")
