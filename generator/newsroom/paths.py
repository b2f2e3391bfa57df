"""Where things are in a newsroom folder. Light on purpose: no validation, no pydantic,
so a no-op build can tell that nothing changed without loading the model."""

from __future__ import annotations

import os
from pathlib import Path

NEWSROOM_FILE = "newsroom.yaml"
RELEASES_DIR = "releases"
RELEASE_FILE = "release.yaml"
COVERAGE_FILE = "coverage.yaml"


def release_signatures(root: Path) -> dict[str, str]:
    """Folder name -> signature of every release folder: what changed since the last run."""
    from generator.store import folder_signature, is_file, scan_folder

    releases = os.path.join(root, RELEASES_DIR)
    if not os.path.isdir(releases):
        return {}
    signatures = {}
    for folder in scan_folder(releases):
        if _is_linked_folder(folder):   # a release folder may be a link to one; a loop is none
            entries = scan_folder(folder.path)
            if any(e.name == RELEASE_FILE and is_file(e) for e in entries):
                signatures[folder.name] = folder_signature(folder.path, entries)
    return signatures


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
