"""The media kit: one zip per release with every original and who to credit.

Written by streaming each file into the archive (never a whole photo in memory), with
fixed entry dates and order so the same photos give a byte-identical zip.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from generator.files import atomic_file

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def credits_text(images) -> str:
    """Caption, credit and licence per file, as plain text a picture desk can paste from."""
    lines = []
    for image in images:
        name = image.original_name
        lines.append(name)
        lines.append(f"  Caption: {image.caption or image.alt}")
        lines.append(f"  Credit: {image.credit or '-'}")
        lines.append(f"  Licence: {image.license or '-'}")
        rights = getattr(image, "rights", None) or {}   # the licence links every rendition carries too
        if rights.get("web_statement"):
            lines.append(f"  Licence terms: {rights['web_statement']}")
        if rights.get("licensor_url"):
            lines.append(f"  To license: {rights['licensor_url']}")
        lines.append(f"  Size: {image.original_width} x {image.original_height} pixels, "
                     f"{image.original_bytes} bytes")
        lines.append("")
    return "\n".join(lines)


def write_zip(target: Path, entries: list[tuple[str, Path]], credits: str) -> None:
    """Write `entries` (name in zip, file) and credits.txt to `target`, atomically."""
    with atomic_file(target) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for name, path in entries:
            info = _info(name, zipfile.ZIP_STORED)  # photos are compressed already
            size = path.stat().st_size
            with open(path, "rb") as src, zf.open(info, "w", force_zip64=size > 2**31 - 1) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        zf.writestr(_info("credits.txt", zipfile.ZIP_DEFLATED), credits.encode("utf-8"))


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info
