"""The image pipeline on real image files made here: renditions, colour, metadata, cache, kit, errors."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.components import require


CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian libgs-common

HEAD = """\
title: "Testbedrijf opent een winkel"
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
images:
"""


def release_with(newsroom, slug: str, *entries: str) -> Path:
    """A release whose images: list holds `entries` (YAML mappings, one per photo)."""
    body = "".join("  - " + e.strip().replace("\n", "\n    ") + "\n" for e in entries)
    return newsroom.release(slug, HEAD + body)


def build(newsroom, *extra):
    result = newsroom.run("build", "--now", "2026-11-25T10:00+01:00", *extra)
    return result


def page(newsroom, slug: str) -> str:
    return (newsroom.site / slug / "index.html").read_text("utf-8")


def rendition_files(newsroom, slug: str) -> dict[str, Path]:
    return {p.name: p for p in sorted((newsroom.site / slug / "img").iterdir())}


def with_exif(path: Path, size=(1200, 800), *, orientation=None, gps=False, copyright=None,
              xmp: bytes | None = None, colors=((220, 30, 30), (30, 30, 220))) -> Path:
    """A JPEG whose top half and bottom half differ, with the EXIF/XMP asked for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", size, colors[1])
    img.paste(Image.new("RGB", (size[0], size[1] // 2), colors[0]), (0, 0))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if copyright:
        exif[0x8298] = copyright
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 30.0), 3: "E", 4: (4.0, 53.0, 10.0)}
    extra = {"xmp": xmp} if xmp else {}
    img.save(path, "JPEG", quality=90, exif=exif.tobytes(), **extra)
    return path


def add_iptc(path: Path, records: dict[int, str]) -> Path:
    """Insert an APP13 Photoshop/IPTC block (as photo agencies deliver) after the JPEG's SOI."""
    iptc = b"".join(b"\x1c\x02" + bytes([tag]) + struct.pack(">H", len(v.encode())) + v.encode()
                    for tag, v in records.items())
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        resource += b"\x00"
    app13 = b"Photoshop 3.0\x00" + resource
    data = path.read_bytes()
    path.write_bytes(data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:])
    return path


# ---------------------------------------------------------------- renditions


def test_renditions_widths_formats_and_markup(newsroom):
    newsroom.photo("r", "images/wide.jpg", size=(2400, 1200))
    newsroom.photo("r", "images/small.jpg", size=(700, 500))
    release_with(newsroom, "r", "file: images/wide.jpg\nalt: Breed", "file: images/small.jpg\nalt: Klein")
    result = build(newsroom)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when stderr is not a terminal

    files = rendition_files(newsroom, "r")
    sizes = {name: Image.open(p).size for name, p in files.items()}
    tag = re.search(r"wide\.([0-9a-f]{8})\.480\.jpg", " ".join(files))[1]
    for width, height in ((480, 240), (960, 480), (1600, 800)):
        assert sizes[f"wide.{tag}.{width}.jpg"] == (width, height)
        assert sizes[f"wide.{tag}.{width}.webp"] == (width, height)
        assert Image.open(files[f"wide.{tag}.{width}.webp"]).format == "WEBP"
    small = sorted(n for n in files if n.startswith("small.") and n.endswith(".jpg"))
    assert [sizes[n] for n in small] == [(480, 343), (700, 500)]  # never upscaled past 700

    html = page(newsroom, "r")
    lead, second = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert 'type="image/webp"' in lead and f"img/wide.{tag}.1600.webp 1600w" in lead
    assert f'src="img/wide.{tag}.960.jpg"' in lead and 'width="960" height="480"' in lead
    assert "loading=" not in lead and 'loading="lazy"' in second
    assert 'download="wide.jpg"' in html and "2400 × 1200 px" in html


def test_exif_orientation_shows_portrait_upright(newsroom):
    with_exif(newsroom.root / "releases/r/images/side.jpg", (1200, 800), orientation=6)
    release_with(newsroom, "r", "file: images/side.jpg\nalt: Staand")
    assert build(newsroom).exit_code == 0
    files = rendition_files(newsroom, "r")
    largest = next(p for n, p in files.items() if n.endswith(".800.jpg"))
    img = Image.open(largest)
    assert img.size == (800, 1200)
    # stored top (red) is, after turning 90° clockwise, on the right
    assert img.getpixel((700, 600))[0] > 180 and img.getpixel((100, 600))[2] > 180
    assert "800 × 1200 px" in page(newsroom, "r")


def test_cmyk_with_icc_profile_becomes_srgb(newsroom):
    require(CMYK_PROFILE.is_file(), "the CMYK ICC profile of Debian libgs-common (scripts/test installs it)")
    path = newsroom.root / "releases/r/images/print.jpg"
    path.parent.mkdir(parents=True)
    Image.new("CMYK", (1000, 600), (255, 0, 0, 0)).save(path, "JPEG", quality=95,
                                                         icc_profile=CMYK_PROFILE.read_bytes())
    release_with(newsroom, "r", "file: images/print.jpg\nalt: Cyaan")
    assert build(newsroom).exit_code == 0
    for name, p in rendition_files(newsroom, "r").items():
        img = Image.open(p)
        assert img.mode == "RGB", name
        assert "icc_profile" not in img.info
        r, g, b = img.convert("RGB").getpixel((10, 10))[:3]
        # the profile's cyan (about 0,175,239), not the naive CMYK->RGB inversion (0,255,255)
        assert r < 30 and 150 < g < 200 and b > 215, (name, (r, g, b))


def test_png_transparency_is_kept(newsroom):
    path = newsroom.root / "releases/r/images/logo.png"
    path.parent.mkdir(parents=True)
    img = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    img.paste(Image.new("RGBA", (500, 500), (10, 200, 10, 255)), (0, 0))
    img.save(path)
    release_with(newsroom, "r", "file: images/logo.png\nalt: Logo")
    assert build(newsroom).exit_code == 0
    files = rendition_files(newsroom, "r")
    assert not any(n.endswith(".jpg") for n in files)
    for name in (n for n in files if ".og." not in n and ".thumb." not in n):
        out = Image.open(files[name])
        assert out.mode == "RGBA", name
        assert out.getpixel((out.width - 5, 5))[3] == 0 and out.getpixel((5, 5))[3] == 255
    assert {Path(n).suffix for n in files} == {".png", ".webp"}


def test_16bit_and_palette_images(newsroom):
    deep = newsroom.root / "releases/r/images/deep.png"
    deep.parent.mkdir(parents=True)
    Image.new("I;16", (600, 400), 40000).save(deep)
    assert Image.open(deep).mode == "I;16"
    Image.new("RGB", (600, 400), (200, 40, 40)).convert("P", palette=Image.Palette.ADAPTIVE).save(
        newsroom.root / "releases/r/images/anim.gif")
    release_with(newsroom, "r", "file: images/deep.png\nalt: Diep", "file: images/anim.gif\nalt: Gif")
    result = build(newsroom)
    assert result.exit_code == 0, result.output
    files = rendition_files(newsroom, "r")
    deep_jpg = Image.open(next(p for n, p in files.items() if n.startswith("deep.") and n.endswith(".600.jpg")))
    assert deep_jpg.mode == "RGB" and abs(deep_jpg.getpixel((5, 5))[0] - 40000 // 256) <= 2  # scaled, not clipped
    gif_jpg = Image.open(next(p for n, p in files.items() if n.startswith("anim.") and n.endswith(".600.jpg")))
    r, g, b = gif_jpg.getpixel((5, 5))
    assert gif_jpg.mode == "RGB" and r > 180 and g < 70


def test_og_card_and_thumb_follow_focus(newsroom):
    path = newsroom.root / "releases/r/images/split.jpg"
    path.parent.mkdir(parents=True)
    img = Image.new("RGB", (3000, 1000), (255, 255, 255))
    img.paste(Image.new("RGB", (500, 1000), (0, 0, 0)), (0, 0))  # the left sixth
    img.save(path, quality=95)
    release_with(newsroom, "r", "file: images/split.jpg\nalt: Links zwart\nfocus: [0, 0.5]")
    newsroom.write("releases/s/images/split.jpg", path.read_bytes())
    release_with(newsroom, "s", "file: images/split.jpg\nalt: Midden")
    assert build(newsroom).exit_code == 0

    def card(slug, kind):
        return Image.open(next(p for n, p in rendition_files(newsroom, slug).items() if f".{kind}." in n))

    for slug in ("r", "s"):
        assert card(slug, "og").size == (1200, 630) and card(slug, "thumb").size == (600, 400)
    assert card("r", "og").getpixel((100, 300))[0] < 30  # focus at the left edge: the black part
    assert card("s", "og").getpixel((100, 300))[0] > 225  # centre crop: white on the left
    index = (newsroom.site / "index.html").read_text("utf-8")
    assert re.search(r'<img src="r/img/split\.[0-9a-f]{8}\.thumb\.jpg" alt="Links zwart" width="600" height="400"', index)


# ---------------------------------------------------------------- metadata


def test_renditions_drop_exif_gps_xmp_and_check_warns(newsroom):
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Secret</dc:title>'
           b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    original = with_exif(newsroom.root / "releases/r/images/gps.jpg", gps=True, copyright="(c) Piet Bakker", xmp=xmp)
    add_iptc(original, {120: "Bakkers aan het werk", 80: "Piet Bakker"})
    release_with(newsroom, "r", "file: images/gps.jpg\nalt: Bakkers")
    assert Image.open(original).getexif().get_ifd(0x8825)  # the test photo really has GPS

    check = newsroom.run("check")
    assert check.exit_code == 0
    assert re.search(r"warning: releases/r/release\.yaml:5: images\[0\]\.file: images/gps\.jpg contains GPS",
                     check.stderr)

    assert build(newsroom).exit_code == 0
    for name, p in rendition_files(newsroom, "r").items():
        img = Image.open(p)
        exif = img.getexif()
        assert dict(exif) == {0x8298: "(c) Piet Bakker"}, name  # only the copyright line
        assert not exif.get_ifd(0x8825)
        assert b"Secret" not in p.read_bytes() and b"GPS" not in p.read_bytes()  # XMP: rights fields only
        assert b"Bakkers aan het werk" in img.info["xmp"]
        assert b"Photoshop 3.0" not in p.read_bytes()
    assert (newsroom.site / "r/hires/gps.jpg").read_bytes() == original.read_bytes()  # published as given


def test_check_without_gps_is_quiet(newsroom):
    newsroom.photo("r", "images/plain.jpg")
    release_with(newsroom, "r", "file: images/plain.jpg\nalt: Gewoon")
    result = newsroom.run("check")
    assert result.exit_code == 0 and "warning" not in result.output


def test_caption_and_credit_default_from_iptc(newsroom):
    add_iptc(with_exif(newsroom.root / "releases/r/images/a.jpg"), {120: "Bakkers aan het werk", 110: "ANP / Piet Bakker"})
    add_iptc(with_exif(newsroom.root / "releases/r/images/b.jpg"), {120: "Van het bureau", 80: "Agency"})
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Reuters / Jan">'
           '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Bakkerij in de ochtend</rdf:li></rdf:Alt>'
           '</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    with_exif(newsroom.root / "releases/r/images/c.jpg", xmp=xmp)
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A",
                 "file: images/b.jpg\nalt: B\ncaption: Eigen onderschrift\ncredit: 'Foto: Eigen'",
                 "file: images/c.jpg\nalt: C")
    assert build(newsroom).exit_code == 0
    html = page(newsroom, "r")
    assert '<span class="caption">Bakkers aan het werk</span>' in html
    assert '<span class="credit">ANP / Piet Bakker</span>' in html
    assert '<span class="caption">Eigen onderschrift</span>' in html and "Van het bureau" not in html
    assert '<span class="credit">Foto: Eigen</span>' in html and ">Agency<" not in html
    assert '<span class="caption">Bakkerij in de ochtend</span>' in html  # from XMP
    assert '<span class="credit">Reuters / Jan</span>' in html


# ---------------------------------------------------------------- media kit, cache, determinism


def test_original_with_odd_name_links_and_downloads_by_its_name(newsroom):
    newsroom.photo("r", "images/Team foto #1.jpg", size=(500, 400))
    release_with(newsroom, "r", "file: 'images/Team foto #1.jpg'\nalt: Team")
    result = build(newsroom)
    assert result.exit_code == 0, result.output
    assert (newsroom.site / "r/hires/Team foto #1.jpg").is_file()
    html = page(newsroom, "r")
    assert 'href="hires/Team%20foto%20%231.jpg" download="Team foto #1.jpg"' in html
    assert re.search(r'src="img/team-foto-1\.[0-9a-f]{8}\.500\.jpg"', html)
    with zipfile.ZipFile(newsroom.site / "r/hires/r-fotos.zip") as zf:
        assert zf.namelist() == ["Team foto #1.jpg", "credits.txt"]


def test_media_kit_zip(newsroom):
    a = newsroom.photo("r", "images/a.jpg", size=(900, 600))
    b = newsroom.photo("r", "images/b.png", size=(300, 200), fmt="PNG")
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A\ncaption: Het team\ncredit: 'Foto: Piet'\nlicense: CC BY 4.0\n"
                 "license_url: https://creativecommons.org/licenses/by/4.0/\n"
                 "acquire_license_page: https://fotos.example.org/kopen",
                 "file: images/b.png\nalt: B")
    assert build(newsroom).exit_code == 0
    kit = newsroom.site / "r/hires/r-fotos.zip"
    with zipfile.ZipFile(kit) as zf:
        assert zf.namelist() == ["a.jpg", "b.png", "credits.txt"]
        assert zf.read("a.jpg") == a.read_bytes() and zf.read("b.png") == b.read_bytes()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        credits = zf.read("credits.txt").decode()
    assert ("a.jpg\n  Bijschrift: Het team\n  Naamsvermelding: Foto: Piet\n  Licentie: CC BY 4.0\n"
            "  Licentievoorwaarden: https://creativecommons.org/licenses/by/4.0/\n"
            "  Licentie aanvragen: https://fotos.example.org/kopen\n") in credits   # the newsroom's language (issue 24)
    assert "b.png\n  Bijschrift: B\n  Naamsvermelding: -\n  Licentie: -" in credits
    html = page(newsroom, "r")
    assert 'href="hires/r-fotos.zip" download="r-fotos.zip"' in html


def test_second_build_does_no_image_work(newsroom):
    from generator.photos.pipeline import prepare_images
    from generator.newsroom.site import load_site
    import datetime as dt

    for n in range(3):
        newsroom.photo("r", f"images/p{n}.jpg", size=(1700 + n, 1000))
    release_with(newsroom, "r", *(f"file: images/p{n}.jpg\nalt: P{n}" for n in range(3)))
    assert build(newsroom).exit_code == 0
    first = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (newsroom.site / "r/img").iterdir()}
    kit = (newsroom.site / "r/hires/r-fotos.zip").stat()
    assert len(first) == 3 * 6 + 2  # 3 widths x 2 formats each, og + thumb for the lead

    assert build(newsroom).exit_code == 0
    second = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (newsroom.site / "r/img").iterdir()}
    assert second == first  # the very same cached files, not rewritten
    assert (newsroom.site / "r/hires/r-fotos.zip").stat().st_mtime_ns == kit.st_mtime_ns
    site = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    assert prepare_images(site.rendered, site.root) == 0

    # work left by an interrupted build is swept once it is old; a fresh one may be another build's
    import os
    cache = newsroom.root / ".smr-cache/images"
    (cache / ".tmp-old").mkdir()
    os.utime(cache / ".tmp-old", (1, 1))
    (cache / ".tmp-new").mkdir()
    prepare_images(site.rendered, site.root)
    assert not (cache / ".tmp-old").exists() and (cache / ".tmp-new").exists()

    # a changed photo is worked on again, the others are not
    newsroom.photo("r", "images/p1.jpg", size=(1800, 1000), color=(10, 10, 10))
    site = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    assert prepare_images(site.rendered, site.root) == 1


def test_a_cache_folder_proves_itself_or_is_made_again(newsroom):
    """meta.json names the folder's key and every file's sha256; a rendition that no longer
    matches is noticed when it is copied into the site, and the folder is made again whole."""
    import hashlib
    import json
    import shutil

    from generator.photos.renditions import cached_meta

    newsroom.photo("r", "images/a.jpg", size=(900, 600))
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A")
    assert build(newsroom).exit_code == 0
    expected = {p.name: p.read_bytes() for p in (newsroom.site / "r/img").iterdir()}
    [folder] = [d for d in (newsroom.root / ".smr-cache/images").iterdir() if not d.name.startswith(".")]
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["key"] == folder.name
    assert meta["files"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                             for p in folder.iterdir() if p.name != "meta.json"}
    assert set(meta["files"]) == set(expected)

    rendition = folder / meta["renditions"][0]["files"]["jpeg"]
    rendition.write_bytes(rendition.read_bytes()[:200])   # cut short: meta.json itself is fine
    assert cached_meta(folder) == meta
    shutil.rmtree(newsroom.site)
    assert build(newsroom).exit_code == 0
    assert {p.name: p.read_bytes() for p in (newsroom.site / "r/img").iterdir()} == expected
    assert rendition.read_bytes() == expected[rendition.name], "the cache folder was made again"

    twin = shutil.copytree(folder, folder.with_name("f" * 20))   # a sound folder under another key
    assert cached_meta(folder) == meta and cached_meta(twin) is None


def test_cold_builds_are_byte_identical(newsroom, tmp_path):
    import shutil

    with_exif(newsroom.root / "releases/r/images/a.jpg", (2000, 1500), orientation=6, copyright="(c) X")
    newsroom.photo("r", "images/b.png", size=(700, 400), fmt="PNG")
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A", "file: images/b.png\nalt: B")
    outputs = []
    for n in range(2):
        shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
        out = tmp_path / f"out{n}"
        assert build(newsroom, "-o", str(out)).exit_code == 0
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------- bad images


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb() -> bytes:
    """A tiny PNG header claiming 100000 x 100000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 100)) + \
        _png_chunk(b"IEND", b"")


def _truncated() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()[: len(buf.getvalue()) // 2]


def _corrupt_png() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((300, 200), 60).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    start = data.index(b"IDAT") + 40
    data[start:start + 200] = b"\xab" * 200  # garbage in the compressed pixels
    return bytes(data)


def _ppm() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buf, "PPM")
    return buf.getvalue()


@pytest.mark.parametrize("name,data,message", [
    ("cut.jpg", _truncated, "is cut short (truncated): export or copy it again"),
    ("damaged.png", _corrupt_png, "is damaged: its picture cannot be read"),
    ("notes.jpg", lambda: b"Dit is geen foto maar een tekst.\n" * 20, "is not a photo that smr can read (it looks like text)"),
    ("bomb.png", _bomb, "claims to be 10 billion pixels but is only"),
    ("scan.ppm", _ppm, "is a Pbmplus image file (PPM), not a photo format smr publishes"),
])
def test_bad_image_is_one_line_error(newsroom, name, data, message):
    newsroom.photo("r", "images/good.jpg")
    newsroom.write(f"releases/r/images/{name}", data())
    release_with(newsroom, "r", "file: images/good.jpg\nalt: Goed", f"file: images/{name}\nalt: Slecht")
    result = build(newsroom)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: releases/r/release.yaml:7: images[1].file: images/{name} {message}")
    assert "Traceback" not in result.output
    assert not newsroom.site.exists()  # nothing half-written
    cache = newsroom.root / ".smr-cache/images"
    assert not list(cache.glob(".tmp-*"))
    assert all((d / "meta.json").is_file() for d in cache.iterdir() if d.is_dir() and d.name != "kits")


def test_all_bad_images_of_all_releases_reported_at_once(newsroom):
    newsroom.write("releases/a/images/x.jpg", b"not a photo")
    newsroom.write("releases/b/images/y.png", _bomb())
    release_with(newsroom, "a", "file: images/x.jpg\nalt: X")
    release_with(newsroom, "b", "file: images/y.png\nalt: Y")
    result = build(newsroom)
    assert result.exit_code == 1
    assert "releases/a/release.yaml:5: images[0].file: images/x.jpg is not a photo that smr can read" in result.stderr
    assert "releases/b/release.yaml:5: images[0].file: images/y.png claims to be 10 billion pixels" in result.stderr


# ---------------------------------------------------------------- parallel work and the terminal


def test_prepare_images_in_worker_processes(newsroom):
    import datetime as dt

    from generator.errors import SmrError
    from generator.photos.pipeline import prepare_images
    from generator.newsroom.site import load_site

    newsroom.photo("r", "images/a.jpg", size=(900, 600))
    newsroom.photo("r", "images/b.jpg", size=(600, 900))
    newsroom.write("releases/r/images/c.jpg", _truncated())
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A", "file: images/b.jpg\nalt: B", "file: images/c.jpg\nalt: C")
    site = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    with pytest.raises(SmrError) as caught:
        prepare_images(site.rendered, site.root, workers=2)
    [problem] = caught.value.problems  # the message came back from a worker process
    assert str(problem).startswith("releases/r/release.yaml:9: images[2].file: images/c.jpg is cut short (truncated)")
    done = [d for d in (newsroom.root / ".smr-cache/images").iterdir() if (d / "meta.json").is_file()]
    assert len(done) == 2  # the good photos were made by the workers and are cached


def test_prepare_images_from_a_thread_uses_fresh_workers(newsroom):
    """`smr serve` rebuilds in a watcher thread: workers must not be forked from it."""
    import datetime as dt
    import threading

    from generator.photos.pipeline import prepare_images
    from generator.newsroom.site import load_site

    for n in range(2):
        newsroom.photo("r", f"images/p{n}.jpg", size=(700 + n, 500))
    release_with(newsroom, "r", *(f"file: images/p{n}.jpg\nalt: P{n}" for n in range(2)))
    site = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    result = []
    thread = threading.Thread(target=lambda: result.append(prepare_images(site.rendered, site.root, workers=2)))
    thread.start()
    thread.join(120)
    assert result == [2]


def test_photo_progress_bar_only_on_a_terminal_and_not_with_q(newsroom):
    import shutil

    from tests.conftest import run_on_terminal

    for n in range(3):
        newsroom.photo("r", f"images/p{n}.jpg", size=(800 + n, 600))
    release_with(newsroom, "r", *(f"file: images/p{n}.jpg\nalt: P{n}" for n in range(3)))
    first_build = ["build", "--root", str(newsroom.root), "--now", "2026-11-25T10:00+01:00"]

    def fresh():   # each run below is a first build: every photo needs work
        shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
        shutil.rmtree(newsroom.site, ignore_errors=True)

    code, shown = run_on_terminal(first_build, terminal=True)
    assert code == 0
    assert "Photos" in shown and "0/3" in shown and "3/3" in shown and "[####" in shown
    fresh()
    code, shown = run_on_terminal(first_build, terminal=False)
    assert code == 0 and shown == ""
    fresh()
    code, shown = run_on_terminal(first_build + ["-q"], terminal=True)
    assert code == 0 and shown == ""


def test_publish_headers_for_renditions_and_originals():
    from generator.photos.pipeline import publish_headers

    assert publish_headers("r/img/team.3f9a1c2e.960.webp") == {"CacheControl": "public, max-age=31536000, immutable"}
    assert publish_headers("r/img/team.3f9a1c2e.og.jpg")["CacheControl"].endswith("immutable")
    assert publish_headers("r/img/team.jpg") == {}  # no hash in the name: may change, no long cache
    assert publish_headers("r/hires/Zee é.jpg") == {
        "ContentDisposition": "attachment; filename=\"Zee _.jpg\"; filename*=UTF-8''Zee%20%C3%A9.jpg"}
    assert publish_headers("r/hires/r-photos.zip")["ContentDisposition"].startswith('attachment; filename="r-photos.zip"')
    assert publish_headers("r/index.html") == {}


# ---------------------------------------------------------------- in a real browser


def test_browser_picks_webp_rendition_without_layout_shift(newsroom, browser):
    newsroom.photo("r", "images/lead.jpg", size=(2400, 1600))
    newsroom.photo("r", "images/more.jpg", size=(1600, 2400))
    release_with(newsroom, "r", "file: images/lead.jpg\nalt: Lead", "file: images/more.jpg\nalt: Meer")
    assert build(newsroom).exit_code == 0
    page_ = browser.new_page(viewport={"width": 800, "height": 900}, device_scale_factor=1)
    page_.goto((newsroom.site / "r" / "index.html").as_uri(), wait_until="load")
    lead = page_.locator("img[alt=Lead]")
    lead.scroll_into_view_if_needed()
    page_.wait_for_function("document.querySelector('img[alt=Lead]').complete")
    chosen = lead.evaluate("img => [img.currentSrc, img.naturalWidth, img.loading]")
    assert chosen[0].endswith(".960.webp") and chosen[1] > 0 and chosen[2] == "auto"  # decoded, eager
    assert page_.locator("img[alt=Meer]").get_attribute("loading") == "lazy"
    page_.mouse.wheel(0, 4000)
    page_.wait_for_timeout(300)
    shift = page_.evaluate("""() => new Promise(done => {
        let sum = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) sum += e.value; })
            .observe({type: 'layout-shift', buffered: true});
        setTimeout(() => done(sum), 200);
    })""")
    assert shift == 0


def test_process_images_contract_for_other_modules(newsroom, tmp_path):
    """What build, feeds and metadata read from WebImage: og and thumb on the lead only."""
    import datetime as dt

    from generator.photos.pipeline import process_images
    from generator.newsroom.site import load_site

    newsroom.photo("r", "images/a.jpg", size=(2000, 1500))
    newsroom.photo("r", "images/b.jpg", size=(1500, 2000))
    release_with(newsroom, "r", "file: images/a.jpg\nalt: A", "file: images/b.jpg\nalt: B\nlead: true")
    [item] = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)).rendered
    out = tmp_path / "out"
    a, b = process_images(item, out)
    assert (a.lead, b.lead) == (False, True)
    assert a.og is None and a.thumb is None
    assert re.fullmatch(r"img/b\.[0-9a-f]{8}\.og\.jpg", b.og["src"]) and (b.og["width"], b.og["height"]) == (1200, 630)
    assert re.fullmatch(r"img/b\.[0-9a-f]{8}\.thumb\.jpg", b.thumb["src"]) and (b.thumb["width"], b.thumb["height"]) == (600, 400)
    for image in (a, b):
        assert (out / image.src).is_file() and (out / image.original).is_file()
        assert all((out / part.split(" ")[0]).is_file() for part in image.srcset.split(", "))
    assert (out / b.og["src"]).is_file() and Image.open(out / b.og["src"]).size == (1200, 630)
    assert (b.original_width, b.original_height, b.original_bytes) == (1500, 2000, (newsroom.root / "releases/r/images/b.jpg").stat().st_size)
