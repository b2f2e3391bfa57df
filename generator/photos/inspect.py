"""Open a photo the way a build will, and say in plain words why one cannot be used.

`inspect_photo(path)` is what `smr check` (and every build, before any rendering) runs on
each photo: the header, the format, the pixel count and a cheap decode (a JPEG at 1/8 of
its size, which still reads every byte of its picture data). Rendering opens photos with
the same `open_image` and `decode`, so check and build refuse the same files in the same
words. Pillow is imported only when a photo is opened.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from generator.text import human_bytes

# The largest photo smr takes. Medium-format cameras make 100-150 MP files (11648 x 8736 is
# 102 MP); JPEGs are decoded at a reduced scale, so they stay cheap. Pillow's own default
# (89 MP) refused them. A header claiming more is a scan to scale down, or a bomb.
MAX_PIXELS = 250_000_000

FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "GIF", "MPO"}  # what a photographer may deliver
JPEG = {"JPEG", "MPO"}  # the formats whose decoder can scale down while decoding
ACCEPTED = "JPEG, PNG, WebP, TIFF or GIF"

# Bump when what is checked, or how it is said, changes: outcomes kept in .smr-cache go.
VERSION = 2

HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
SNIFF = 4096  # bytes read to tell what an unreadable file is


class BadImage(Exception):
    """A photo we cannot use; the message is for people and follows the file's name
    ("images/x.jpg" + " is cut short ...")."""


def inspect_photo(path: Path) -> str | None:
    """Why the build would refuse the photo at `path`, or None when it can use it."""
    try:
        with open_image(path) as img:
            if img.format in JPEG:
                w, h = img.size
                img.draft(None, (max(1, w // 8), max(1, h // 8)))
            decode(img)
    except BadImage as exc:
        return str(exc)
    return None


class open_image:
    """Open an image (header only): a format smr publishes, at most MAX_PIXELS; every way
    it can be broken becomes BadImage."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.img = None

    def __enter__(self):
        from PIL import Image, UnidentifiedImageError

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's bomb check, at smr's limit
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.img = Image.open(self.path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise BadImage(too_large(_claimed_pixels(str(exc)), _size(self.path))) from None
        except UnidentifiedImageError:
            raise BadImage(unreadable(self.path)) from None
        except Exception as exc:  # noqa: BLE001 - OSError, SyntaxError, struct.error...: damaged
            raise BadImage(damaged(exc)) from None
        w, h = self.img.size
        if w * h > MAX_PIXELS:  # Pillow checks this too; said here whatever its version does
            self.__exit__()
            raise BadImage(too_large(w * h, _size(self.path)))
        if self.img.format not in FORMATS:
            fmt, description = self.img.format, self.img.format_description
            self.__exit__()
            raise BadImage(f"is a {description or fmt} file ({fmt}), not a photo format smr publishes: "
                           f"export it as {ACCEPTED}")
        return self.img

    def __exit__(self, *exc):
        if self.img is not None:
            self.img.close()
            self.img = None


def decode(img) -> None:
    """Decode the pixels (at the scale a draft asked for); damaged data becomes BadImage."""
    try:
        img.load()
    except Exception as exc:  # noqa: BLE001 - OSError, SyntaxError, zlib.error...: damaged
        raise BadImage(damaged(exc)) from None


# ---------------------------------------------------------------- the words

def damaged(exc: Exception) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError) or "truncated" in detail.lower():
        return "is cut short (truncated): export or copy it again"
    return f"is damaged: its picture cannot be read ({detail}); export or copy it again"


def too_large(pixels: int | None, file_bytes: int | None) -> str:
    limit = f"smr accepts photos up to {MAX_PIXELS // 1_000_000} megapixels"
    if not pixels:
        return f"has more pixels than smr accepts ({MAX_PIXELS // 1_000_000} megapixels): scale it down and export it again"
    count = _pixel_words(pixels)
    if file_bytes is not None and file_bytes * 1000 < pixels:  # no real photo packs that tight
        return (f"claims to be {count} pixels but is only {human_bytes(file_bytes)}: it is damaged or made to "
                f"crash programs (a 'decompression bomb'); {limit}, so it is refused")
    return f"is {count} pixels; {limit}: scale it down and export it again"


def unreadable(path: Path) -> str:
    """Words for a file Pillow does not recognise at all: say what it seems to be."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF)
    except OSError:
        head = b""
    if not head:
        return "is empty (0 bytes): copy the photo again"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return f"is a HEIC photo (as iPhones save them), which smr cannot read: export it as {ACCEPTED}"
    if b"<svg" in head.lower():
        return ("is an SVG drawing, not a photo: export it as PNG (an SVG can hold scripts, so smr does not "
                "publish one as a photo)")
    if head.startswith(b"%PDF"):
        return f"is a PDF, not a photo: export the picture in it as {ACCEPTED}"
    if _looks_like_text(head):
        return f"is not a photo that smr can read (it looks like text): add the photo itself, as {ACCEPTED}"
    return f"is not a photo that smr can read (not {ACCEPTED}): export it again as one of those"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace")
    odd = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\r\n\f"))
    return odd <= len(text) // 100


def _pixel_words(pixels: int) -> str:
    """1234567890 -> '1.23 billion'; 310000000 -> '310 million'."""
    if pixels >= 1_000_000_000:
        return f"{pixels / 1e9:.3g} billion"
    return f"{pixels / 1e6:.3g} million"


def _claimed_pixels(message: str) -> int | None:
    """The pixel count in Pillow's DecompressionBomb message: 'Image size (N pixels) exceeds...'."""
    found = re.search(r"\((\d+) pixels\)", message)
    return int(found[1]) if found else None


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
