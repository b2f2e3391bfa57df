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


CREDIT_WORDS = {"credits_caption": "Caption", "credits_credit": "Credit", "credits_license": "Licence",
                "credits_terms": "Licence terms", "credits_to_license": "To license", "credits_size": "Size",
                "credits_size_value": "{width} x {height} pixels, {bytes} bytes"}
"""The English words of credits.txt; a build passes those of the newsroom's language (render/i18n.py)."""


def credits_text(images, words: dict | None = None) -> str:
    """Caption, credit and licence per file, as plain text a picture desk can paste from, in
    the newsroom's language (`words`: its labels)."""
    w = CREDIT_WORDS | {k: v for k, v in (words or {}).items() if k in CREDIT_WORDS}
    lines = []
    for image in images:
        name = image.original_name
        lines.append(name)
        lines.append(f"  {w['credits_caption']}: {image.caption or image.alt}")
        lines.append(f"  {w['credits_credit']}: {image.credit or '-'}")
        lines.append(f"  {w['credits_license']}: {image.license or '-'}")
        rights = getattr(image, "rights", None) or {}   # the licence links every rendition carries too
        if rights.get("web_statement"):
            lines.append(f"  {w['credits_terms']}: {rights['web_statement']}")
        if rights.get("licensor_url"):
            lines.append(f"  {w['credits_to_license']}: {rights['licensor_url']}")
        size = w["credits_size_value"].format(width=image.original_width, height=image.original_height,
                                              bytes=image.original_bytes)
        lines.append(f"  {w['credits_size']}: {size}")
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
