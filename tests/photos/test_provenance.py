"""What a photo is (`source:`), as IPTC Digital Source Type: in the XMP of every rendition,
of the published original and of its copy in the media kit (read back with exiftool), in the
page's JSON-LD ImageObject (extruct), and said on the page for AI-generated and AI-edited
photos in the page's language. An original that says AI-generated itself keeps that, and
`smr check` warns when the YAML says otherwise."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import extruct
import pytest
from bs4 import BeautifulSoup

from tests.components import require_exiftool
from tests.conftest import NEWSROOM_YAML, make_photo

NOW = ("--now", "2026-11-25T10:00+01:00")
DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
HEAD = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
"""


@pytest.fixture(autouse=True)
def _exiftool():
    require_exiftool()


def source_of(path: Path) -> str | None:
    out = subprocess.run(["exiftool", "-j", "-n", "-XMP-iptcExt:DigitalSourceType", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[0].get("DigitalSourceType")


def build(newsroom):
    result = newsroom.run("build", *NOW)
    assert result.exit_code == 0, result.output
    return newsroom.site


def labels_on(page: Path) -> dict[str, str]:
    """Each photo's file name -> the AI label its figure shows ('' for none)."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    found = {}
    for figure in soup.select("figure.photo"):
        name = figure.select_one("a.download")["download"]
        label = figure.select_one(".ai-source")
        found[name] = label.get_text(strip=True) if label else ""
    return found


def image_objects(page: Path, url: str) -> dict[str, dict]:
    article, = extruct.extract(page.read_text("utf-8"), base_url=url, syntaxes=["json-ld"])["json-ld"]
    return {obj["contentUrl"].rsplit("/", 1)[-1].split(".", 1)[0]: obj for obj in article["image"]
            if isinstance(obj, dict) and "contentUrl" in obj}   # the photos; the share card is a URL


def test_the_source_is_in_every_file_the_json_ld_and_on_the_page(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "publish:\n  source: camera\n")
    make_photo(newsroom.root / "releases/r/images/beeld.jpg", size=(1800, 1000))
    make_photo(newsroom.root / "releases/r/images/winkel.png", size=(700, 500), fmt="PNG")
    make_photo(newsroom.root / "releases/r/images/retouche.jpg")
    make_photo(newsroom.root / "releases/r/images/scherm.png", fmt="PNG")
    newsroom.release("r", HEAD + """\
images:
  - file: images/beeld.jpg
    alt: Een bakkerij zoals een beeldgenerator haar ziet
    source: ai-generated
    lead: true
  - file: images/winkel.png
    alt: De winkel
  - file: images/retouche.jpg
    alt: De winkel, de lucht vervangen
    source: ai-edited
  - file: images/scherm.png
    alt: De webwinkel
    source: screenshot
""")
    newsroom.release("r-en", HEAD.replace("Vandaag opent", "Today") + """\
language: en
translations: [../r]
images:
  - file: ../r/images/beeld.jpg
    alt: A bakery as an image generator sees it
    source: ai-generated
  - file: ../r/images/retouche.jpg
    alt: The shop, the sky replaced
    source: ai-edited
""")
    site = build(newsroom)
    expected = {"beeld": "trainedAlgorithmicMedia", "winkel": "digitalCapture",
                "retouche": "compositeWithTrainedAlgorithmicMedia", "scherm": "screenCapture"}
    renditions = sorted((site / "r" / "img").iterdir())
    assert {p.name.rsplit(".", 2)[-2] for p in renditions if p.name.startswith("beeld.")} >= {"og", "thumb", "1600"}
    for path in renditions:   # every size, format and card
        assert source_of(path) == DST + expected[path.name.split(".", 1)[0]], path.name
    for name, term in expected.items():   # the originals as published, and the media kit's copies
        original, = (site / "r" / "hires").glob(f"{name}.*")
        assert source_of(original) == DST + term, original.name
    kit, = (site / "r" / "hires").glob("*.zip")
    with zipfile.ZipFile(kit) as zf:
        for entry in zf.namelist():
            if entry != "credits.txt":
                copy = newsroom.root / "kit" / entry
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(zf.read(entry))
                assert source_of(copy) == DST + expected[entry.split(".", 1)[0]], entry

    objects = image_objects(site / "r" / "index.html", "https://pers.example.org/r/")
    assert {name: obj.get("digitalSourceType") for name, obj in objects.items()} == \
        {name: DST + term for name, term in expected.items()}
    assert labels_on(site / "r" / "index.html") == {"beeld.jpg": "Gemaakt met AI", "winkel.png": "",
                                                    "retouche.jpg": "Bewerkt met AI", "scherm.png": ""}
    assert labels_on(site / "r-en" / "index.html") == {"beeld.jpg": "AI-generated", "retouche.jpg": "Edited with AI"}


def test_the_published_original_keeps_its_picture_and_its_other_metadata(newsroom):
    """Only the XMP changes: the pixels, the EXIF and the rest of the XMP are the original's."""
    from PIL import Image

    jpeg = make_photo(newsroom.root / "releases/r/images/a.jpg")
    png = make_photo(newsroom.root / "releases/r/images/b.png", fmt="PNG")
    for path in (jpeg, png):
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=Jan Fotograaf",
                        "-XMP-iptcExt:DigitalSourceType=" + DST + "digitalCapture", "-EXIF:Artist=Jan",
                        str(path)], check=True)
    newsroom.release("r", HEAD + """\
images:
  - file: images/a.jpg
    alt: A
    source: edited
  - file: images/b.png
    alt: B
    source: composite
""")
    site = build(newsroom)
    for name, term in (("a.jpg", "humanEdits"), ("b.png", "composite")):
        published = site / "r" / "hires" / name
        assert source_of(published) == DST + term
        tags = json.loads(subprocess.run(["exiftool", "-j", "-G1", str(published)], capture_output=True,
                                         text=True, check=True).stdout)[0]
        assert tags["XMP-dc:Creator"] == "Jan Fotograaf" and tags["IFD0:Artist"] == "Jan", name
        with Image.open(published) as out, Image.open(newsroom.root / "releases/r/images" / name) as given:
            assert out.tobytes() == given.tobytes(), name


def test_an_original_that_says_ai_generated_keeps_it_and_check_warns(newsroom):
    made = make_photo(newsroom.root / "releases/r/images/gemaakt.jpg")
    subprocess.run(["exiftool", "-q", "-overwrite_original",
                    "-XMP-iptcExt:DigitalSourceType=" + DST + "trainedAlgorithmicMedia", str(made)], check=True)
    newsroom.release("r", HEAD + """\
images:
  - file: images/gemaakt.jpg
    alt: Een bakkerij
    source: camera
""")
    result = newsroom.run("check", *NOW)
    assert result.exit_code == 0, result.output
    assert ("warning: releases/r/release.yaml:7: images[0].source: images/gemaakt.jpg: source: camera, but the "
            "photo's own metadata says it is AI-generated (trainedAlgorithmicMedia); it is published as "
            "AI-generated: set source: ai-generated") in result.output
    site = build(newsroom)
    for path in [*(site / "r" / "img").iterdir(), site / "r" / "hires" / "gemaakt.jpg"]:
        assert source_of(path) == DST + "trainedAlgorithmicMedia", path.name
    assert labels_on(site / "r" / "index.html") == {"gemaakt.jpg": "Gemaakt met AI"}


def test_without_source_nothing_is_claimed(newsroom):
    photo = make_photo(newsroom.root / "releases/r/images/a.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/a.jpg\n    alt: A\n")
    site = build(newsroom)
    assert all(source_of(p) is None for p in (site / "r" / "img").iterdir())
    assert (site / "r" / "hires" / "a.jpg").read_bytes() == photo.read_bytes()   # published as given
    assert "digitalSourceType" not in (site / "r" / "index.html").read_text("utf-8")
    assert labels_on(site / "r" / "index.html") == {"a.jpg": ""}


def test_an_unknown_source_is_an_error_with_the_choices(newsroom):
    make_photo(newsroom.root / "releases/r/images/a.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/a.jpg\n    alt: A\n    source: ai\n")
    result = newsroom.run("check", *NOW)
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "source" in x)
    assert line.startswith("error: releases/r/release.yaml:7: images[0].source:"), line
    for choice in ("camera", "edited", "composite", "ai-generated", "ai-edited", "screenshot"):
        assert choice in line, line
