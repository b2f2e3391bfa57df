"""The newsroom's icons, made from its logo: what a browser tab, a bookmark and a phone's home
screen show, and /favicon.ico, which browsers and feed readers ask for on their own.

- A PNG, JPEG, WebP or GIF logo: `favicon.ico` (16, 32 and 48 px) at the site's root,
  `assets/favicon-32.png` and `assets/apple-touch-icon.png` (180 px, on white: iOS shows
  transparency as black), the logo centred in each square.
- An SVG logo: browsers use the sanitised `assets/logo.svg` itself (newsroom/svg.py); smr
  cannot draw an SVG, so `favicon.ico` is a plain square in the theme's accent colour.
- No logo: no icon is linked, and `favicon.ico` is that plain square, so no request for it
  ends in a 404.
"""

from __future__ import annotations

from pathlib import Path

ICO = "favicon.ico"
PNG = "assets/favicon-32.png"
TOUCH = "assets/apple-touch-icon.png"
NEUTRAL = "#5f6b7a"   # the plain square's colour without a theme accent
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]


def raster(logo: str | None) -> bool:
    return bool(logo) and Path(logo).suffix.lower() != ".svg"


def links(logo: str | None) -> list[dict]:
    """The <link> elements every page has in its head; `href` relative to the site root."""
    if raster(logo):
        return [{"rel": "icon", "type": "image/png", "sizes": "32x32", "href": PNG},
                {"rel": "apple-touch-icon", "type": None, "sizes": "180x180", "href": TOUCH}]
    if logo:
        return [{"rel": "icon", "type": "image/svg+xml", "sizes": None, "href": "assets/logo.svg"}]
    return []


def write(out: Path, logo: Path | None, accent: str | None) -> list[str]:
    """Write the icons into the site folder `out`; returns their paths relative to it."""
    from PIL import Image, ImageOps

    if logo is None or not raster(logo.name):
        square = Image.new("RGBA", (48, 48), _rgb(accent or NEUTRAL))
        square.save(out / ICO, format="ICO", sizes=ICO_SIZES)
        return [ICO]
    with Image.open(logo) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGBA")
    (out / "assets").mkdir(exist_ok=True)
    _centred(image, 256).save(out / ICO, format="ICO", sizes=ICO_SIZES)
    _centred(image, 32).save(out / PNG, format="PNG", optimize=True)
    touch = Image.new("RGBA", (180, 180), (255, 255, 255, 255))
    inner = _centred(image, 150)
    touch.alpha_composite(inner, (15, 15))
    touch.convert("RGB").save(out / TOUCH, format="PNG", optimize=True)
    return [ICO, PNG, TOUCH]


def _centred(image, size: int):
    """`image` scaled to fit a transparent `size` x `size` square, in its middle."""
    from PIL import Image, ImageOps

    fitted = ImageOps.contain(image, (size, size), Image.Resampling.LANCZOS)
    square = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    square.alpha_composite(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    return square


def _rgb(colour: str) -> tuple[int, int, int, int]:
    """'#0a66c2' or '#06c' as an opaque RGBA tuple."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 255)
