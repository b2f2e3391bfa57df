"""Where hi-res originals live: `<slug>/hires/<name>` in the site, `<slug>/<name>` in the
media target. The page links to one of them and publish uploads to it, so both ask here."""

from __future__ import annotations

ORIGINALS_DIR = "hires"


def media_key(rel: str) -> str:
    """An original's key in the media target: `<slug>/hires/<name>` -> `<slug>/<name>`."""
    parts = rel.split("/")
    return "/".join(p for i, p in enumerate(parts) if not (p == ORIGINALS_DIR and 0 < i < len(parts) - 1))
