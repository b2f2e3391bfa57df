"""Where things are in a newsroom folder. Light on purpose: no validation, no pydantic,
so a no-op build can tell that nothing changed without loading the model."""

from __future__ import annotations

from pathlib import Path

NEWSROOM_FILE = "newsroom.yaml"
RELEASES_DIR = "releases"
RELEASE_FILE = "release.yaml"
COVERAGE_FILE = "coverage.yaml"


def release_folders(root: Path) -> list[Path]:
    releases = root / RELEASES_DIR
    if not releases.is_dir():
        return []
    return sorted(p for p in releases.iterdir() if (p / RELEASE_FILE).is_file())


def release_signatures(root: Path) -> dict[str, str]:
    """Folder name -> signature of every release folder: what changed since the last run."""
    from generator.cache import folder_signature

    return {folder.name: folder_signature(folder) for folder in release_folders(root)}
