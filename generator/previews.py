"""The secret preview links `smr preview` made, remembered on this computer only.

`smr outreach export` pitches an embargoed release with its preview link instead of a
public address that does not exist yet. The record lives in `.smr-cache/` (never
published); losing it only means running `smr preview` again, which finds the same link.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.files import atomic_write, cache_dir

PREVIEWS_FILE = "previews.json"


def _read(root: Path) -> dict[str, str]:
    try:
        data = json.loads((cache_dir(root) / PREVIEWS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def remember(root: Path, slug: str, link: str) -> None:
    links = _read(root)
    if links.get(slug) != link:
        atomic_write(cache_dir(root) / PREVIEWS_FILE, json.dumps(links | {slug: link}, indent=1), mode=0o600)


def forget(root: Path, slug: str) -> None:
    links = _read(root)
    if links.pop(slug, None) is not None:
        atomic_write(cache_dir(root) / PREVIEWS_FILE, json.dumps(links, indent=1), mode=0o600)


def link(root: Path, slug: str) -> str | None:
    """The preview link of a release, if `smr preview` made one here."""
    return _read(root).get(slug)
