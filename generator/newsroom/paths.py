"""Where things are in a newsroom folder. Light on purpose: no validation, no pydantic,
so a no-op build can tell that nothing changed without loading the model."""

from __future__ import annotations

import os
from pathlib import Path

NEWSROOM_FILE = "newsroom.yaml"
RELEASES_DIR = "releases"
RELEASE_FILE = "release.yaml"
COVERAGE_FILE = "coverage.yaml"


def release_signatures(root: Path, store=None) -> dict[str, str]:
    """Folder name -> signature of every release folder (names and content hashes of its
    files, generator.store.folder_signature): what changed since the last run."""
    from generator.store import Store, folder_signature, is_file, scan_folder

    store = store or Store.of(root)

    releases = os.path.join(root, RELEASES_DIR)
    if not os.path.isdir(releases):
        return {}
    signatures = {}
    for folder in scan_folder(releases):
        if _is_linked_folder(folder):   # a release folder may be a link to one; a loop is none
            entries = scan_folder(folder.path)
            if any(e.name == RELEASE_FILE and is_file(e) for e in entries):
                signatures[folder.name] = folder_signature(folder.path, entries, store)
    return signatures


def logo_named(newsroom_yaml: bytes) -> str | None:
    """The logo newsroom.yaml names (a path in the newsroom), read leniently: while the user
    edits, the file may be invalid and the logo may not exist yet. Builds and `smr serve`
    find the logo here; the model validates it (newsroom/model.py)."""
    from generator.errors import SmrError
    from generator.newsroom.loader import parse_yaml

    try:
        organization = parse_yaml(newsroom_yaml.decode("utf-8-sig"), "newsroom.yaml").data.get("organization")
    except (SmrError, UnicodeDecodeError):
        return None
    logo = organization.get("logo") if isinstance(organization, dict) else None
    return logo.strip() if isinstance(logo, str) and logo.strip() else None


def _is_linked_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:   # a link that leads to itself
        return False


def find_root(start: Path) -> Path:
    """The newsroom a command run in `start` means: the nearest folder at or above it that
    holds newsroom.yaml, as git finds its repository; `start` itself when there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / NEWSROOM_FILE).is_file():
            return folder
    return start
