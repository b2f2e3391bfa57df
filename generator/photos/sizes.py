"""The pixel size of a photo as it is shown (EXIF orientation applied) and whether it has
transparency, read from its header alone, and kept in the state store by content:
what `smr check` needs to tell how a social card of the photo comes out, without decoding it.
"""

from __future__ import annotations

from pathlib import Path

VERSION = 1   # bump when what is kept changes

TURNED = {5, 6, 7, 8}   # EXIF orientations that swap width and height


def photo_sizes(paths: list[Path], root: Path) -> dict[Path, tuple[int, int, bool]]:
    """(width, height, transparent) of each photo in `paths` that smr can open; a photo it
    cannot open is left out (`smr check` names it already)."""
    from generator.store import Store

    known = Store.of(root).table("photo-sizes", str(VERSION))
    sizes = {}
    for path in paths:
        found = known.of_file(path, _read)
        if found:
            sizes[path] = found
    known.keep_only(known.asked)
    known.save()
    return sizes


def _read(path: Path) -> tuple[int, int, bool] | tuple[()]:
    from generator.photos.inspect import BadImage, open_image

    try:
        with open_image(path) as img:
            w, h = img.size
            try:
                orientation = int(img.getexif().get(0x0112, 1))
            except Exception:  # noqa: BLE001 - a damaged EXIF block: shown as stored
                orientation = 1
            transparent = img.mode in ("RGBA", "LA", "La", "PA", "RGBa") or "transparency" in img.info
    except BadImage:
        return ()
    return (h, w, transparent) if orientation in TURNED else (w, h, transparent)
