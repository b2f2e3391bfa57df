"""Rights metadata in every rendition (web sizes in JPEG, WebP and PNG, the social card, the
index thumbnail), read back with exiftool: IPTC creator, credit line, copyright notice,
caption, usage terms, Web Statement of Rights and Licensor URL, from the YAML, the newsroom's
defaults or the original's own IPTC/XMP; never its GPS coordinates or camera serials."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.components import require_exiftool
from tests.conftest import NEWSROOM_YAML, make_photo

@pytest.fixture(autouse=True)
def _exiftool():
    require_exiftool()

HEAD = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
images:
"""
DEFAULTS = """\
publish:
  license_url: https://pers.example.org/licentie
  acquire_license_page: https://pers.example.org/fotos
"""
CAPTION = 'Bakkers & "broodjes" <vers> uit de oven'   # what XML must escape, read back as written


def exiftool(path: Path) -> dict:
    out = subprocess.run(["exiftool", "-j", "-G1", "-a", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[0]


def write_tags(path: Path, *tags: str) -> Path:
    subprocess.run(["exiftool", "-q", "-overwrite_original", *tags, str(path)], check=True)
    return path


def with_gps_and_serials(path: Path) -> Path:
    """What a camera or phone leaves in a photo that must never reach a rendition."""
    return write_tags(path, "-EXIF:GPSLatitude=51.92", "-EXIF:GPSLatitudeRef=N", "-EXIF:GPSLongitude=4.48",
                      "-EXIF:GPSLongitudeRef=E", "-XMP-exif:GPSLatitude=51.92N",
                      "-ExifIFD:SerialNumber=CAM-12345", "-ExifIFD:LensSerialNumber=LENS-678",
                      "-XMP-aux:SerialNumber=CAM-12345", "-EXIF:Make=Bakkercam", "-EXIF:Model=BC-1")


def renditions(site: Path, slug: str) -> dict[str, dict]:
    return {p.name: exiftool(p) for p in sorted((site / slug / "img").iterdir())}


def rights(tags: dict) -> dict:
    return {name: tags.get(key) for name, key in (
        ("creator", "XMP-dc:Creator"), ("credit", "XMP-photoshop:Credit"), ("copyright", "XMP-dc:Rights"),
        ("caption", "XMP-dc:Description"), ("usage_terms", "XMP-xmpRights:UsageTerms"),
        ("web_statement", "XMP-xmpRights:WebStatement"), ("licensor_url", "XMP-plus:LicensorURL"))}


def private(tags: dict) -> list[str]:
    return [k for k in tags if "gps" in k.lower() or "serial" in k.lower() or k.endswith((":Make", ":Model"))]


def build(newsroom):
    result = newsroom.run("build", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    return newsroom.site


def test_every_rendition_carries_the_yaml_rights_and_nothing_private(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + DEFAULTS)
    lead = with_gps_and_serials(make_photo(newsroom.root / "releases/r/images/lead.jpg", size=(2000, 1400)))
    logo = with_gps_and_serials(make_photo(newsroom.root / "releases/r/images/logo.png", size=(700, 500), fmt="PNG"))
    from PIL import Image

    with Image.open(logo) as img:   # transparent: PNG renditions
        img.convert("RGBA").save(logo, "PNG", exif=img.getexif().tobytes())
    assert private(exiftool(lead)) and private(exiftool(logo))   # the originals really have them
    newsroom.release("r", HEAD + f"""\
  - file: images/lead.jpg
    alt: De bakkers
    caption: '{CAPTION}'
    credit: 'Foto: Piet Bakker'
    license: Vrij voor redactioneel gebruik
    license_url: https://creativecommons.org/licenses/by/4.0/
    acquire_license_page: https://fotos.example.org/kopen?foto=12&formaat=groot
    lead: true
  - file: images/logo.png
    alt: Het logo
    credit: Testbedrijf
""")
    site = build(newsroom)
    files = renditions(site, "r")
    kinds = {name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name in files}
    assert {"og.jpg", "thumb.jpg", "1600.jpg", "1600.webp", "700.png", "700.webp"} <= kinds
    for name, tags in files.items():
        assert private(tags) == [], name
        if name.startswith("lead."):
            assert rights(tags) == {
                "creator": "Piet Bakker", "credit": "Foto: Piet Bakker", "copyright": "Foto: Piet Bakker",
                "caption": CAPTION, "usage_terms": "Vrij voor redactioneel gebruik",
                "web_statement": "https://creativecommons.org/licenses/by/4.0/",
                "licensor_url": "https://fotos.example.org/kopen?foto=12&formaat=groot"}, name
        else:   # the newsroom's defaults where the photo says nothing
            assert rights(tags) == {
                "creator": "Testbedrijf", "credit": "Testbedrijf", "copyright": "Testbedrijf", "caption": None,
                "usage_terms": None, "web_statement": "https://pers.example.org/licentie",
                "licensor_url": "https://pers.example.org/fotos"}, name


def test_the_originals_own_iptc_and_xmp_fill_in_what_the_yaml_leaves_out(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + DEFAULTS)
    agency = with_gps_and_serials(make_photo(newsroom.root / "releases/r/images/agency.jpg"))
    write_tags(agency, "-IPTC:By-line=Jan Fotograaf", "-IPTC:Credit=ANP", "-IPTC:CopyrightNotice=(c) ANP 2026",
               "-IPTC:Caption-Abstract=Bakkers aan het werk", "-XMP-xmpRights:UsageTerms=Alleen bij dit nieuws",
               "-XMP-xmpRights:WebStatement=https://anp.example/voorwaarden",
               "-XMP-plus:LicensorURL=https://anp.example/kopen", "-IPTC:Keywords=geheim-trefwoord")
    own = with_gps_and_serials(make_photo(newsroom.root / "releases/r/images/own.jpg"))
    write_tags(own, "-XMP-dc:Creator=Sanne Jansen", "-XMP-dc:Description=Onze winkel",
               "-XMP-dc:Rights=(c) Testbedrijf")
    newsroom.release("r", HEAD + """\
  - file: images/agency.jpg
    alt: Bakkers
    lead: true
  - file: images/own.jpg
    alt: De winkel
    caption: Eigen onderschrift
    credit: 'Foto: Testbedrijf'
""")
    site = build(newsroom)
    files = renditions(site, "r")
    assert len(files) >= 6
    for name, tags in files.items():
        assert private(tags) == [], name
        assert "geheim-trefwoord" not in json.dumps(tags), name   # only the rights fields travel
        if name.startswith("agency."):
            assert rights(tags) == {
                "creator": "Jan Fotograaf", "credit": "ANP", "copyright": "(c) ANP 2026",
                "caption": "Bakkers aan het werk", "usage_terms": "Alleen bij dit nieuws",
                "web_statement": "https://anp.example/voorwaarden",   # the agency's, not the newsroom's
                "licensor_url": "https://anp.example/kopen"}, name
        else:   # the YAML wins where it speaks; the original and the newsroom fill the rest
            assert rights(tags) == {
                "creator": "Sanne Jansen", "credit": "Foto: Testbedrijf", "copyright": "(c) Testbedrijf",
                "caption": "Eigen onderschrift", "usage_terms": None,
                "web_statement": "https://pers.example.org/licentie",
                "licensor_url": "https://pers.example.org/fotos"}, name


def test_a_changed_licence_gives_new_rendition_files(newsroom):
    """Renditions are cached under names that change with their content: a new licence in
    newsroom.yaml makes new files, so a CDN never serves the old terms."""
    make_photo(newsroom.root / "releases/r/images/a.jpg")
    newsroom.release("r", HEAD + "  - file: images/a.jpg\n    alt: A\n")
    before = set(renditions(build(newsroom), "r"))
    assert all(rights(tags)["web_statement"] is None for tags in renditions(newsroom.site, "r").values())
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + DEFAULTS)
    after = renditions(build(newsroom), "r")
    assert not before & set(after)
    assert {rights(tags)["web_statement"] for tags in after.values()} == {"https://pers.example.org/licentie"}
