"""`smr check` opens every photo as the build will, and both refuse the same files, in the
same words, at the same file:line and field. Real files, made here with Pillow."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

NOW = ("--now", "2026-11-25T10:00+01:00")
HEAD = """\
title: "Testbedrijf opent een winkel"
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
"""


def release_with(newsroom, slug: str, *files: str, embargo: str | None = None):
    head = HEAD + (f"embargo: {embargo}\n" if embargo else "")
    images = "".join(f"  - file: images/{name}\n    alt: Foto\n" for name in files)
    return newsroom.release(slug, head + "images:\n" + images)


def jpeg_bytes(size=(800, 600)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) now claims another size."""
    at = data.index(b"\xff\xc0") + 5  # marker, length (2), precision (1): then height, width
    return data[:at] + struct.pack(">HH", height, width) + data[at + 4:]


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def icon() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 48), (200, 0, 0)).save(buf, "ICO")
    return buf.getvalue()


def padded(data: bytes, total: int) -> bytes:
    """The same JPEG with comment segments after SOI, until it is `total` bytes long."""
    extra = b""
    while len(data) + len(extra) < total:
        body = b"x" * min(65533, total - len(data) - len(extra))
        extra += b"\xff\xfe" + struct.pack(">H", len(body) + 2) + body
    return data[:2] + extra + data[2:]


BROKEN = [
    ("cut.jpg", lambda: jpeg_bytes()[:20000], "is cut short (truncated): export or copy it again"),
    ("notes.jpg", lambda: b"Dit is geen foto maar een tekst over de winkel.\n" * 20,
     "is not a photo that smr can read (it looks like text): add the photo itself, as JPEG, PNG, WebP, TIFF or GIF"),
    ("empty.jpg", lambda: b"", "is empty (0 bytes): copy the photo again"),
    ("icon.jpg", icon, "is a Windows Icon file (ICO), not a photo format smr publishes: "
                       "export it as JPEG, PNG, WebP, TIFF or GIF"),
    ("iphone.jpg", lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(4000),
     "is a HEIC photo (as iPhones save them), which smr cannot read: export it as JPEG, PNG, WebP, TIFF or GIF"),
    ("bomb.png", lambda: png_claiming(50_000, 50_000),
     "claims to be 2.5 billion pixels but is only 69 B: it is damaged or made to crash programs "
     "(a 'decompression bomb'); smr accepts photos up to 250 megapixels, so it is refused"),
    ("bomb.jpg", lambda: with_jpeg_size(jpeg_bytes((64, 48)), 50_000, 50_000),
     "claims to be 2.5 billion pixels but is only"),
    ("huge.jpg", lambda: padded(with_jpeg_size(jpeg_bytes((64, 48)), 20_000, 13_000), 400_000),
     "is 260 million pixels; smr accepts photos up to 250 megapixels: scale it down and export it again"),
]


@pytest.mark.parametrize("name,data,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_check_and_build_refuse_a_broken_photo_alike(newsroom, name, data, message):
    newsroom.photo("r", "images/good.jpg")
    release_with(newsroom, "r", "good.jpg")
    assert newsroom.run("build", *NOW).exit_code == 0
    site_before = {p: p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file()}

    newsroom.write(f"releases/r/images/{name}", data())
    release_with(newsroom, "r", "good.jpg", name)
    expected = f"error: releases/r/release.yaml:7: images[1].file: images/{name} {message}"
    checked = newsroom.run("check", *NOW)
    assert checked.exit_code == 1
    assert checked.stderr.startswith(expected), checked.stderr
    assert len(checked.stderr.strip().splitlines()) == 1
    built = newsroom.run("build", *NOW)
    assert built.exit_code == 1
    assert built.stderr == checked.stderr  # the same problem, in the same words
    assert "Traceback" not in built.output + checked.output
    assert {p: p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file()} == site_before


def test_a_100_megapixel_photo_checks_and_builds(newsroom):
    """A medium-format camera's 11648 x 8736 JPEG (102 MP, over Pillow's default limit)."""
    size = (11648, 8736)
    path = newsroom.root / "releases/r/images/medium-format.jpg"
    path.parent.mkdir(parents=True)
    img = Image.new("RGB", size, (30, 30, 220))
    ImageDraw.Draw(img).rectangle((0, 0, size[0], size[1] // 2), fill=(220, 30, 30))
    img.save(path, "JPEG", quality=80)
    del img
    release_with(newsroom, "r", "medium-format.jpg")

    checked = newsroom.run("check", *NOW)
    assert checked.exit_code == 0, checked.output
    built = newsroom.run("build", *NOW)
    assert built.exit_code == 0, built.output
    largest = next((newsroom.site / "r/img").glob("medium-format.*.1600.jpg"))
    with Image.open(largest) as out:
        assert out.size == (1600, 1200)
        top, bottom = out.convert("RGB").getpixel((800, 200)), out.convert("RGB").getpixel((800, 1000))
    assert top[0] > 180 and top[2] < 70 and bottom[2] > 180 and bottom[0] < 70
    assert "11648 × 8736 px" in (newsroom.site / "r/index.html").read_text("utf-8")
    assert (newsroom.site / "r/hires/medium-format.jpg").read_bytes() == path.read_bytes()


def test_an_embargoed_release_photo_is_checked_by_build_too(newsroom):
    """check and build accept the same inputs: a release under embargo is not written, but
    its photos are opened, so the build does not fail on the morning the embargo lifts."""
    newsroom.write("releases/later/images/cut.jpg", jpeg_bytes()[:20000])
    release_with(newsroom, "later", "cut.jpg", embargo="2027-01-01T09:00:00+01:00")
    expected = "releases/later/release.yaml:6: images[0].file: images/cut.jpg is cut short"
    assert expected in newsroom.run("check", *NOW).stderr
    built = newsroom.run("build", *NOW)
    assert built.exit_code == 1 and expected in built.stderr


def test_a_photo_changed_after_a_check_is_opened_again(newsroom):
    photo = newsroom.photo("r", "images/photo.jpg")
    release_with(newsroom, "r", "photo.jpg")
    assert newsroom.run("check", *NOW).exit_code == 0
    assert newsroom.run("check", *NOW).exit_code == 0  # from .smr-cache
    photo.write_bytes(photo.read_bytes()[:5000])  # the same path, now cut short
    result = newsroom.run("check", *NOW)
    assert result.exit_code == 1 and "images/photo.jpg is cut short" in result.stderr
    newsroom.photo("r", "images/photo.jpg", size=(900, 700))  # and repaired
    assert newsroom.run("check", *NOW).exit_code == 0


def test_check_opens_many_photos_in_worker_processes(newsroom):
    import datetime as dt

    from generator.errors import SmrError
    from generator.newsroom.site import load_site
    from generator.photos.pipeline import CHECK_PARALLEL_FROM, check_photos

    names = [f"p{n}.jpg" for n in range(CHECK_PARALLEL_FROM)]
    for n, name in enumerate(names):
        newsroom.photo("r", f"images/{name}", size=(300 + n, 200))
    newsroom.write("releases/r/images/cut.jpg", jpeg_bytes()[:20000])
    release_with(newsroom, "r", *names, "cut.jpg")
    site = load_site(newsroom.root, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    with pytest.raises(SmrError) as caught:
        check_photos(site.items, site.root, workers=2)
    [problem] = caught.value.problems  # the outcome came back from a worker process
    assert str(problem) == (f"releases/r/release.yaml:{5 + 2 * len(names)}: images[{len(names)}].file: "
                            "images/cut.jpg is cut short (truncated): export or copy it again")


def test_a_drafts_broken_photo_is_a_warning_that_blocks_nothing(newsroom):
    newsroom.photo("done", "images/good.jpg")
    release_with(newsroom, "done", "good.jpg")
    newsroom.write("releases/wip/images/cut.jpg", jpeg_bytes()[:20000])
    newsroom.release("wip", HEAD + "draft: true\nimages:\n  - file: images/cut.jpg\n    alt: Foto\n")
    said = ("warning: releases/wip/release.yaml:6: images[0].file: images/cut.jpg is cut short (truncated): "
            "export or copy it again (a draft: not built until fixed)")
    checked = newsroom.run("check", *NOW)
    assert checked.exit_code == 0 and said in checked.stderr
    built = newsroom.run("build", *NOW)
    assert built.exit_code == 0 and said in built.stderr
    assert (newsroom.site / "done/index.html").is_file() and not (newsroom.site / "wip").exists()
