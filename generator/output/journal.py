"""Apply what a build changed to the live site, without staging the whole site.

A build renders only the files whose inputs changed, into a staging folder beside the
output (`._site.tmp-*`). The journal names, in order, the files to move in and the files
to delete; it is kept in the state store in the same transaction as the new output record
(the commit point). Then the files are moved in — new files and photos first, release
pages next, indexes, then feeds and sitemaps — and the files no record holds any more are
deleted, pages before what they linked; the site's marker comes last of all, so the
records (which name the marker) are trusted only once the journal was carried out whole. So a
page is never in the site before a file it links to, nor after one it linked to is gone,
whenever the build is killed: a reader may see some pages new and some old for a moment,
never a broken link.

Every command that reads the output finishes a pending journal first (`finish`): each
staged file stays in the staging folder until it is moved, so the journal can always be
carried forward. One whose staging folder is gone (deleted by hand) cannot, and is
discarded with the records, so that the next build makes the whole site again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# The order of the moves, by the kind of output group a file belongs to (see incremental.py).
FIRST, PAGES, INDEXES, FEEDS = range(4)


def phase(group: str, path: str) -> int:
    """When a file of `group` moves in: after everything it may link to."""
    if group.startswith("release:"):
        return PAGES if path.endswith(".html") else FIRST
    if group == "index" or group.startswith("index:"):
        return INDEXES
    if group.startswith("feed:") or group in ("sitemap", "news-sitemap"):
        return FEEDS
    if path.endswith(".html"):   # any other page lists releases (archives, tags, the media library)
        return INDEXES
    return FIRST   # assets, icons, the identity file, search files: linked, never linking


def plan(staging: Path, moves: dict[str, str], deletes: dict[str, str], marker: str) -> dict:
    """The journal: `moves` and `deletes` map a site path to its group; `marker` (the file
    that names the site the records describe, swap.SITE_MARKER) moves in after all else, so
    records are trusted only for a site whose journal was carried out to the end."""
    return {"staging": str(staging),
            "moves": sorted(moves, key=lambda path: (phase(moves[path], path), path)),
            "deletes": sorted(deletes, key=lambda path: (-phase(deletes[path], path), path)),
            "marker": marker}


def apply(output: Path, journal: dict) -> None:
    """Carry out `journal` on `output`; safe to run again after a kill at any point."""
    staging = Path(journal["staging"])
    made: set[str] = set()
    for path in journal["moves"]:
        source, target = os.path.join(staging, path), os.path.join(output, path)
        if not os.path.lexists(source):   # moved in before a kill
            continue
        folder = os.path.dirname(target)
        if folder not in made:
            _make_folder(Path(output), folder)
            made.add(folder)
        if os.path.isdir(target) and not os.path.islink(target):   # a folder where a file goes now
            shutil.rmtree(target)
        os.replace(source, target)
    for path in journal["deletes"]:
        target = os.path.join(output, path)
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            shutil.rmtree(target, ignore_errors=True)
        _remove_empty_folders(Path(output), os.path.dirname(target))
    marker = os.path.join(staging, journal["marker"])
    if os.path.lexists(marker):
        os.replace(marker, os.path.join(output, journal["marker"]))
    shutil.rmtree(staging, ignore_errors=True)


def can_finish(journal: dict) -> bool:
    """Whether every file still to move is there (its staging folder was not removed)."""
    return os.path.isdir(journal.get("staging", ""))


def _make_folder(output: Path, folder: str) -> None:
    """`folder` inside the site, replacing a file that stands where a folder goes now."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        parent = Path(folder)
        while parent != output and not parent.is_file():
            parent = parent.parent
        if parent != output:
            parent.unlink()
        os.makedirs(folder, exist_ok=True)


def _remove_empty_folders(output: Path, folder: str) -> None:
    """A release's folder goes with its last file."""
    here = Path(folder)
    while here != output and output in here.parents:
        try:
            here.rmdir()
        except OSError:   # not empty (or already gone)
            return
        here = here.parent
