"""Photos: the original as delivered, plus what a web page shows.

`process_images` is the one entry point the build calls; the image pipeline can change
behind it without touching the build or the templates.
"""

from __future__ import annotations

import hashlib
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, SmrError

WEB_SIZE = 1600


@dataclass
class WebImage:
    """What a template needs to show one photo and offer its original."""

    src: str                 # URL of the web rendition, relative to the release page
    width: int
    height: int
    original: str            # URL of the hi-res original, relative to the release page
    original_name: str
    original_width: int
    original_height: int
    original_bytes: int
    alt: str
    caption: str | None = None
    credit: str | None = None
    license: str | None = None
    lead: bool = False
    sources: list[dict] = field(default_factory=list)  # <source> elements for <picture>
    srcset: str = ""         # srcset of the <img> fallback
    og: dict | None = None     # lead only: {"src", "width", "height"} of the 1200x630 social card
    thumb: dict | None = None  # lead only: {"src", "width", "height"} for the index page


def process_images(item, out_dir: Path) -> list[WebImage]:
    """Render every photo of `item` into `out_dir` (the release's folder in the site)."""
    results, problems = [], []
    for index, image in enumerate(item.release.images):
        try:
            results.append(_process_one(item, image, out_dir))
        except SmrError as exc:
            problems.append(Problem(item.source, item.line_of("images", index, "file"),
                                    f"images[{index}].file", f"{image.file}: {exc.problems[0].message}"))
    SmrError.collect(problems)
    return results


def _process_one(item, image, out_dir: Path) -> WebImage:
    from PIL import Image, ImageOps

    source = item.folder / image.file
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:8]
    with _opened(source) as img:
        original_size = img.size
        img = ImageOps.exif_transpose(img)
        has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
        img = img.convert("RGBA" if has_alpha else "RGB")
        img.thumbnail((WEB_SIZE, WEB_SIZE), Image.LANCZOS)
        ext = "png" if has_alpha else "jpg"
        name = f"{source.stem}.{digest}.{WEB_SIZE}.{ext}"
        (out_dir / "img").mkdir(parents=True, exist_ok=True)
        if has_alpha:
            img.save(out_dir / "img" / name, "PNG", optimize=True)
        else:
            img.save(out_dir / "img" / name, "JPEG", quality=85, optimize=True, progressive=True)
        width, height = img.size
    (out_dir / "hires").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, out_dir / "hires" / source.name)
    return WebImage(
        src=f"img/{name}", width=width, height=height,
        original=f"hires/{source.name}", original_name=source.name,
        original_width=original_size[0], original_height=original_size[1],
        original_bytes=len(data), alt=image.alt, caption=image.caption, credit=image.credit,
        license=image.license, lead=image is item.release.lead_image,
    )


class _opened:
    """Open and fully decode an image, turning every way it can be broken into SmrError."""

    def __init__(self, path: Path):
        self.path = path
        self.img = None

    def __enter__(self):
        from PIL import Image, UnidentifiedImageError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.img = Image.open(self.path)
                self.img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise SmrError("too many pixels (a decompression bomb?); Pillow refuses to open it") from None
        except UnidentifiedImageError:
            raise SmrError("not an image file Pillow can read (JPEG, PNG, WebP, TIFF...)") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise SmrError(f"broken or truncated image ({exc})") from None
        return self.img

    def __exit__(self, *exc):
        if self.img is not None:
            self.img.close()
