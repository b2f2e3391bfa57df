"""GPS in photos: found in EXIF and XMP in every format (files written by Pillow and by
exiftool), warned about by `smr check`, and removed from the published original by
`strip_gps: true`, read back with exiftool."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from generator.photos.gps import copy_without_gps, gps_in, has_gps
from tests.components import has_exiftool, require_exiftool

@pytest.fixture
def _exiftool() -> None:
    require_exiftool()


needs_exiftool = pytest.mark.usefixtures("_exiftool")

XMP_GPS = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" exif:GPSLatitude="51,55.2N">'
           '<exif:GPSLongitude>4,28.7E</exif:GPSLongitude>'
           '<dc:creator><rdf:Seq><rdf:li>Piet Bakker</rdf:li></rdf:Seq></dc:creator>'
           '</rdf:Description></rdf:RDF></x:xmpmeta>' + " " * 200 + '<?xpacket end="w"?>')


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x013B] = "Piet Bakker"           # Artist
    exif[0x8298] = "(c) Testbedrijf"       # Copyright
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 55.0, 12.3), 3: "E", 4: (4.0, 28.0, 45.6)})
    return exif


def exif_without_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = 6
    return exif


def picture(path: Path, fmt: str, **save) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.linear_gradient("L").resize((96, 64)).convert("RGB")
    img.save(path, fmt, **save)
    return path


def exiftool(*args) -> dict:
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[0]


def gps_tags(path: Path) -> dict:
    return {k: v for k, v in exiftool(path).items() if "gps" in k.lower()}


def png_with_chunk(path: Path, kind: bytes, body: bytes, after_idat: bool = False) -> Path:
    """A PNG with one more chunk right after IHDR (as exiftool and cameras place eXIf), or
    right before IEND (after the picture data, where Pillow's header read does not look)."""
    data = picture(path, "PNG").read_bytes()
    at = len(data) - 12 if after_idat else 8 + 12 + struct.unpack(">I", data[8:12])[0]
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    path.write_bytes(data[:at] + chunk + data[at:])
    return path


# ---------------------------------------------------------------- finding

@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_finds_exif_gps_in_each_format(tmp_path, fmt, ext):
    with_gps = picture(tmp_path / f"gps.{ext}", fmt, exif=exif_with_gps())
    without = picture(tmp_path / f"plain.{ext}", fmt, exif=exif_without_gps())
    assert gps_in(with_gps) == ["EXIF"]
    assert gps_in(without) == []


def test_finds_gps_in_a_png_exif_chunk_with_the_jpeg_header(tmp_path):
    """Some writers put "Exif\\0\\0" before the TIFF block of a PNG eXIf chunk."""
    tiff = exif_with_gps().tobytes()
    assert gps_in(png_with_chunk(tmp_path / "header.png", b"eXIf", b"Exif\x00\x00" + tiff)) == ["EXIF"]
    assert gps_in(png_with_chunk(tmp_path / "bare.png", b"eXIf", tiff)) == ["EXIF"]


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("WEBP", "webp")])
def test_finds_gps_only_in_xmp(tmp_path, fmt, ext):
    assert gps_in(picture(tmp_path / f"x.{ext}", fmt, xmp=XMP_GPS.encode())) == ["XMP"]


@pytest.mark.parametrize("compressed", [False, True])
def test_finds_gps_only_in_png_itxt_xmp(tmp_path, compressed):
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_GPS, zip=compressed)
    assert gps_in(picture(tmp_path / "x.png", "PNG", pnginfo=info)) == ["XMP"]


@needs_exiftool
@pytest.mark.parametrize("ext,fmt", [("jpg", "JPEG"), ("png", "PNG"), ("webp", "WEBP"), ("tif", "TIFF")])
def test_finds_gps_written_by_exiftool(tmp_path, ext, fmt):
    exif_only, xmp_only = picture(tmp_path / f"e.{ext}", fmt), picture(tmp_path / f"x.{ext}", fmt)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-EXIF:GPSLatitude=51.92", "-EXIF:GPSLatitudeRef=N",
                    "-EXIF:GPSLongitude=4.47", "-EXIF:GPSLongitudeRef=E", exif_only], check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-exif:GPSLatitude=51.92N",
                    "-XMP-exif:GPSLongitude=4.47E", xmp_only], check=True)
    assert gps_in(exif_only) == ["EXIF"]
    assert gps_in(xmp_only) == ["XMP"]


def test_nothing_found_where_there_is_nothing(tmp_path):
    (tmp_path / "text.jpg").write_text("hello")
    assert has_gps(picture(tmp_path / "plain.jpg", "JPEG")) is False
    assert has_gps(tmp_path / "text.jpg") is False
    assert has_gps(tmp_path / "missing.jpg") is False
    # XMP without a position (a city name is not GPS)
    plain_xmp = XMP_GPS.replace('exif:GPSLatitude="51,55.2N"', "").replace("<exif:GPSLongitude>4,28.7E</exif:GPSLongitude>", "")
    assert has_gps(picture(tmp_path / "x.jpg", "JPEG", xmp=plain_xmp.encode())) is False


# ---------------------------------------------------------------- removing

def photos_with_gps(folder: Path) -> list[Path]:
    """One photo per format and place GPS can hide in, with Artist/Copyright/creator to keep."""
    xmp = XMP_GPS.encode()
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_GPS, zip=True)
    photos = [picture(folder / "exif.jpg", "JPEG", exif=exif_with_gps()),
              picture(folder / "both.jpg", "JPEG", exif=exif_with_gps(), xmp=xmp),
              picture(folder / "exif.png", "PNG", exif=exif_with_gps()),
              png_with_chunk(folder / "header.png", b"eXIf", b"Exif\x00\x00" + exif_with_gps().tobytes()),
              picture(folder / "xmp.png", "PNG", pnginfo=info),
              picture(folder / "both.webp", "WEBP", exif=exif_with_gps(), xmp=xmp)]
    stereo = Image.linear_gradient("L").resize((96, 64)).convert("RGB")   # MPO: GPS in both pictures
    stereo.save(folder / "exif-stereo.jpg", "MPO", save_all=True, append_images=[stereo.rotate(180)],
                exif=exif_with_gps())
    photos.append(folder / "exif-stereo.jpg")
    tiff = picture(folder / "exif.tif", "TIFF")
    if has_exiftool():
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-Artist=Piet Bakker", "-Copyright=(c) Testbedrijf",
                        "-GPSLatitude=51.92", "-GPSLatitudeRef=N", "-GPSLongitude=4.47", "-GPSLongitudeRef=E",
                        "-XMP-exif:GPSLatitude=51.92N", "-XMP-dc:Creator=Piet Bakker", tiff], check=True)
        photos.append(tiff)
    return photos


def test_copy_without_gps_keeps_the_picture_and_the_rest(tmp_path):
    for original in photos_with_gps(tmp_path / "in"):
        before = original.read_bytes()
        assert gps_in(original)
        copy = tmp_path / "out" / original.name
        copy.parent.mkdir(exist_ok=True)
        copy_without_gps(original, copy)
        assert gps_in(copy) == [], original.name
        assert original.read_bytes() == before  # the local file is untouched
        with Image.open(original) as a, Image.open(copy) as b:
            assert a.tobytes() == b.tobytes(), original.name  # not re-encoded
        if original.suffix != ".png":   # same length: nothing moved in the file
            assert len(copy.read_bytes()) == len(before)
        assert b"51,55.2N" not in copy.read_bytes() and b"4,28.7E" not in copy.read_bytes()


@needs_exiftool
def test_stripped_copies_read_by_exiftool(tmp_path):
    for original in photos_with_gps(tmp_path / "in"):
        copy = tmp_path / original.name
        copy_without_gps(original, copy)
        if original.name != "header.png":   # exiftool does not read past that header; Pillow does
            assert gps_tags(original), original.name
        assert gps_tags(copy) == {}, original.name
        tags = exiftool(copy)
        complaints = lambda t: {k: v for k, v in t.items() if "Warning" in k or "Error" in k}  # noqa: E731
        assert complaints(tags) == complaints(exiftool(original)), original.name  # nothing new broken
        if "exif" in original.name or "both" in original.name:
            assert tags["IFD0:Artist"] == "Piet Bakker" and tags["IFD0:Copyright"] == "(c) Testbedrijf"
        if "xmp" in original.name or "both" in original.name:
            assert tags["XMP-dc:Creator"] == "Piet Bakker"


# ---------------------------------------------------------------- check and build

HEAD = """\
title: "Testbedrijf opent een winkel"
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
images:
"""


def test_check_warns_about_xmp_only_gps_and_names_the_fix(newsroom):
    picture(newsroom.root / "releases/r/images/x.jpg", "JPEG", xmp=XMP_GPS.encode())
    newsroom.release("r", HEAD + "  - file: images/x.jpg\n    alt: Bakkers\n")
    result = newsroom.run("check")
    assert result.exit_code == 0, result.output
    assert re.search(r"warning: releases/r/release\.yaml:5: images\[0\]\.file: images/x\.jpg contains GPS "
                     r"coordinates \(XMP: where it was taken\).*set strip_gps: true", result.stderr)
    again = newsroom.run("check")   # from the cache: the same words
    assert again.stderr == result.stderr


@needs_exiftool
def test_strip_gps_publishes_originals_without_gps(newsroom):
    photos = photos_with_gps(newsroom.root / "releases/r/images")
    entries = "".join(f"  - file: images/{p.name}\n    alt: Foto {i}\n" for i, p in enumerate(photos))
    newsroom.release("r", HEAD + entries)
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "publish:\n  strip_gps: true\n")
    before = {p: p.read_bytes() for p in photos}

    check = newsroom.run("check")
    assert check.exit_code == 0 and "GPS" not in check.output  # nothing with GPS is published
    result = newsroom.run("build", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    for photo in photos:
        published = newsroom.site / "r/hires" / photo.name
        assert gps_tags(published) == {}, photo.name
        assert photo.read_bytes() == before[photo] and has_gps(photo)  # the local file keeps its GPS
    assert exiftool(newsroom.site / "r/hires/both.jpg")["IFD0:Copyright"] == "(c) Testbedrijf"
    with zipfile.ZipFile(newsroom.site / "r/hires/r-fotos.zip") as kit:
        for photo in photos:
            assert kit.read(photo.name) == (newsroom.site / "r/hires" / photo.name).read_bytes()
    for rendition in (newsroom.site / "r/img").iterdir():   # renditions never carry GPS
        assert gps_tags(rendition) == {}, rendition.name


def test_a_photo_can_keep_its_gps_against_the_newsroom_default(newsroom):
    original = picture(newsroom.root / "releases/r/images/gps.jpg", "JPEG", exif=exif_with_gps())
    picture(newsroom.root / "releases/r/images/other.jpg", "JPEG", exif=exif_with_gps())
    newsroom.release("r", HEAD + "  - file: images/gps.jpg\n    alt: Hier\n    strip_gps: false\n"
                                 "  - file: images/other.jpg\n    alt: Daar\n")
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "publish:\n  strip_gps: true\n")
    check = newsroom.run("check")
    assert "images/gps.jpg contains GPS" in check.stderr and "other.jpg" not in check.stderr
    assert newsroom.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    assert (newsroom.site / "r/hires/gps.jpg").read_bytes() == original.read_bytes()   # as given
    assert not has_gps(newsroom.site / "r/hires/other.jpg")


def test_strip_gps_per_photo_without_a_newsroom_default(newsroom):
    picture(newsroom.root / "releases/r/images/gps.jpg", "JPEG", exif=exif_with_gps())
    newsroom.release("r", HEAD + "  - file: images/gps.jpg\n    alt: Hier\n    strip_gps: true\n")
    assert "GPS" not in newsroom.run("check").output
    assert newsroom.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    assert not has_gps(newsroom.site / "r/hires/gps.jpg")


# ---------------------------------------------------------------- every container

def tiff_with_gps() -> bytes:
    """An EXIF block with GPS as it sits in a PNG eXIf chunk: the TIFF structure, no header."""
    block = exif_with_gps().tobytes()
    return block[len(b"Exif\x00\x00"):] if block.startswith(b"Exif\x00\x00") else block


def raw_profile(kind: str, block: bytes) -> bytes:
    """ImageMagick's raw profile text: newline, type, newline, length in 8 places, newline,
    the block in hex, 72 digits a line."""
    digits = block.hex()
    return f"\n{kind}\n{len(block):8d}\n" + "\n".join(digits[i:i + 72] for i in range(0, len(digits), 72)) + "\n"


def png_with_text(path: Path, kind: bytes, keyword: str, text: bytes, after_idat: bool = False) -> Path:
    """A PNG with one text chunk (tEXt, zTXt or compressed iTXt) before or after the picture data."""
    body = {b"tEXt": keyword.encode() + b"\x00" + text,
            b"zTXt": keyword.encode() + b"\x00\x00" + zlib.compress(text),
            b"iTXt": keyword.encode() + b"\x00\x01\x00\x00\x00" + zlib.compress(text)}[kind]
    return png_with_chunk(path, kind, body, after_idat)


def png_after_idat(path: Path, kind: bytes, body: bytes) -> Path:
    return png_with_chunk(path, kind, body, after_idat=True)


def jpeg_with_gps_in_extended_xmp(path: Path) -> Path:
    """exiftool moves what does not fit in the 64 kB main XMP segment into extended XMP
    segments, largest namespace last: an exif: namespace of 63 kB beside 9 kB of dc: puts the
    position there, not in the main packet."""
    picture(path, "JPEG")
    long = "y" * 9000
    fields = ["GPSProcessingMethod", "GPSAreaInformation", "GPSMapDatum", "GPSSatellites",
              "ImageUniqueID", "RelatedSoundFile", "SpectralSensitivity"]
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Title=Kort", f"-XMP-dc:Description={long}", "-XMP-dc:Creator=Piet Bakker",
                    "-XMP-exif:GPSLatitude=51.92N", "-XMP-exif:GPSLongitude=4.47E",
                    *(f"-XMP-exif:{name}={long}" for name in fields), path], check=True)
    data = path.read_bytes()
    assert b"http://ns.adobe.com/xmp/extension/" in data
    main = data[data.index(b"http://ns.adobe.com/xap/1.0/"):data.index(b"http://ns.adobe.com/xmp/extension/")]
    assert b"GPSLatitude" not in main   # the position is in the extended part only
    return path


def containers(folder: Path) -> dict[str, Path]:
    """Each place a hostile probe hid a position that exiftool reads and Pillow's header does not."""
    folder.mkdir(parents=True, exist_ok=True)
    exif = b"Exif\x00\x00" + tiff_with_gps()
    xmp = XMP_GPS.encode()
    made = {f"raw exif profile in {kind.decode()}": png_with_text(folder / f"raw-{kind.decode()}.png", kind,
                                                                  "Raw profile type exif", raw_profile("exif", exif).encode())
            for kind in (b"tEXt", b"zTXt", b"iTXt")}
    made["raw APP1 profile (EXIF)"] = png_with_text(folder / "raw-app1.png", b"zTXt", "Raw profile type APP1",
                                                    raw_profile("APP1", exif).encode())
    made["raw APP1 profile (XMP)"] = png_with_text(folder / "raw-app1-xmp.png", b"zTXt", "Raw profile type APP1",
                                                   raw_profile("APP1", b"http://ns.adobe.com/xap/1.0/\x00" + xmp).encode())
    made["raw xmp profile"] = png_with_text(folder / "raw-xmp.png", b"zTXt", "Raw profile type xmp",
                                            raw_profile("xmp", xmp).encode())
    made["XMP in tEXt"] = png_with_text(folder / "xmp-text.png", b"tEXt", "XML:com.adobe.xmp", xmp)
    made["XMP in zTXt"] = png_with_text(folder / "xmp-ztxt.png", b"zTXt", "XML:com.adobe.xmp", xmp)
    made["XMP iTXt after IDAT"] = png_with_text(folder / "xmp-late.png", b"iTXt", "XML:com.adobe.xmp", xmp, True)
    made["eXIf after IDAT"] = png_after_idat(folder / "exif-late.png", b"eXIf", tiff_with_gps())
    made["JPEG extended XMP"] = jpeg_with_gps_in_extended_xmp(folder / "extended.jpg")
    return made


KEPT = {"IFD0:Artist": "Piet Bakker", "XMP-dc:Creator": "Piet Bakker"}


@needs_exiftool
def test_gps_in_every_container_is_found_and_removed(tmp_path):
    """exiftool reads a position in each; smr finds it, and the stripped copy has none
    (exiftool reads no GPS tag and no new warning), with the rest of the block kept."""
    for where, original in containers(tmp_path / "in").items():
        before = exiftool("-n", original)
        assert any("GPSLatitude" in k for k in before), where   # the hidden position is real
        assert gps_in(original), where
        copy = tmp_path / "out" / original.name
        copy.parent.mkdir(exist_ok=True)
        copy_without_gps(original, copy)
        after = exiftool("-n", copy)
        assert {k: v for k, v in after.items() if "gps" in k.lower()} == {}, where
        assert gps_in(copy) == [], where
        warnings = lambda t: {k: v for k, v in t.items() if "Warning" in k or "Error" in k}  # noqa: E731
        assert warnings(after) == warnings(before), where
        for tag, value in KEPT.items():
            if tag in before:
                assert after.get(tag) == value, (where, tag)
        with Image.open(original) as a, Image.open(copy) as b:
            assert a.tobytes() == b.tobytes(), where   # not re-encoded
        if original.suffix == ".jpg":
            assert len(copy.read_bytes()) == len(original.read_bytes())
            assert after["XMP-exif:ImageUniqueID"] == before["XMP-exif:ImageUniqueID"]  # the extended part is read


@needs_exiftool
def test_a_raw_profile_is_read_as_exiftool_reads_it(tmp_path):
    """Without its header no reader takes the text for a profile; capital digits are read,
    as exiftool reads them."""
    text = raw_profile("exif", b"Exif\x00\x00" + tiff_with_gps())
    headless = png_with_text(tmp_path / "headless.png", b"zTXt", "Raw profile type exif", text[1:].encode())
    assert gps_tags(headless) == {} and gps_in(headless) == []
    odd = text[:text.index("\n", 12) + 1] + text[text.index("\n", 12) + 1:].upper()   # capitals: exiftool reads them
    shouting = png_with_text(tmp_path / "upper.png", b"tEXt", "Raw profile type exif", odd.encode())
    assert gps_tags(shouting) and gps_in(shouting) == ["EXIF"]
    copy_without_gps(shouting, tmp_path / "copy.png")
    assert gps_tags(tmp_path / "copy.png") == {} and exiftool(tmp_path / "copy.png")["IFD0:Artist"] == "Piet Bakker"


@needs_exiftool
def test_check_warns_and_strip_gps_cleans_every_container(newsroom):
    """`smr check` names each photo; with strip_gps the published original and its media-kit
    copy carry no position that exiftool reads."""
    made = containers(newsroom.root / "releases/r/images")
    photos = list(made.values())
    entries = "".join(f"  - file: images/{p.name}\n    alt: Foto {i}\n" for i, p in enumerate(photos))
    newsroom.release("r", HEAD + entries)
    check = newsroom.run("check")
    assert check.exit_code == 0, check.output
    for i, photo in enumerate(photos):
        assert re.search(rf"images\[{i}\]\.file: images/{re.escape(photo.name)} contains GPS coordinates "
                         r"\((EXIF|XMP)", check.stderr), photo.name

    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "publish:\n  strip_gps: true\n")
    check = newsroom.run("check")
    assert check.exit_code == 0 and "GPS" not in check.output
    result = newsroom.run("build", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(newsroom.site / "r/hires/r-fotos.zip") as kit:
        for photo in photos:
            published = newsroom.site / "r/hires" / photo.name
            assert gps_tags(published) == {}, photo.name
            assert kit.read(photo.name) == published.read_bytes(), photo.name
            assert has_gps(photo)   # the local file keeps its GPS
