"""Incremental builds: reuse what the previous build wrote when its inputs are unchanged.

Every output group (a release's folder, the index, one feed, the sitemap) is recorded with
a key: a hash of everything that went into it. On the next build a group whose key is the
same is hard-linked from the previous site into the new staging folder instead of being
rendered again. Keys include a global part (smr's version, newsroom.yaml, templates,
assets, build options), so a template change re-renders what uses templates, and a
newsroom.yaml change re-renders everything. The result is byte-identical to a cold build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from generator.store import PickleStore, folder_signature
from generator.resources import asset_dirs, template_dirs
from generator.output.swap import SITE_MARKER

RECORDS_VERSION = 8   # what a record keeps besides its files; a new layout makes the old records unusable


def digest(*parts) -> str:
    """A stable hash of plain values (str, numbers, tuples, lists, dicts of those)."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=4), digest_size=16).hexdigest()


def global_key(root: Path, preview: bool) -> str:
    """Inputs every page depends on: a change here re-renders the whole site. (smr's and the
    libraries' versions key every store in .smr-cache, these records included.)"""
    newsroom = (root / "newsroom.yaml").read_bytes()
    folders = [folder_signature(d) for d in (*template_dirs(root), *asset_dirs(root))]
    return digest(RECORDS_VERSION, newsroom, folders, preview, _logo_signature(root, newsroom))


def _logo_signature(root: Path, newsroom_yaml: bytes) -> tuple:
    """The logo may live anywhere in the newsroom: sign every small file that the YAML names."""
    import re

    names = re.findall(rb"logo:\s*['\"]?([^'\"\n#]+)", newsroom_yaml)
    sigs = []
    for name in names:
        path = root / name.decode("utf-8", "replace").strip()
        try:
            st = path.stat()
            sigs.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            sigs.append((str(path), None))
    return tuple(sigs)


@dataclass
class Record:
    key: str
    files: list[str]                 # paths relative to the site root
    extra: dict = field(default_factory=dict)


class Outputs:
    """The previous build's output groups, reusable by key, and this build's new records."""

    LIVE_SITE = ".live-site"  # the records' entry naming the site they describe (no group's name)

    def __init__(self, root: Path, output: Path, staging: Path, key: str):
        from generator.output import swap

        self.staging = staging
        self.output = output
        self.after_save: list = []  # called once the new site is in place and recorded
        name = "outputs-" + hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()
        self.store = PickleStore(root, name, key)
        live = swap.identity(output)
        if live is None or self.store.data.pop(self.LIVE_SITE, (None,))[0] != live:
            self.store.data = {}  # records of another site (a build killed after its swap): none to trust
        self.previous = output if self.store.data else None
        self.new: dict[str, Record] = {}
        self.folders: set[str] = set()  # made in the staging folder by `reuse`
        self.reused = 0   # pages (release pages and the index) kept from the previous build
        self.written = 0  # pages rendered by this build

    def reuse(self, group: str, key: str) -> Record | None:
        """Hard-link the group's files from the live site into the staging folder, if they
        were built from the same inputs (successive sites share those files' inodes)."""
        record: Record | None = self.store.get(group, key)
        if record is None or self.previous is None:
            return None
        previous, staging = str(self.previous), str(self.staging)
        if not all(os.path.isfile(os.path.join(previous, f)) for f in record.files):
            return None
        for rel in record.files:
            target = os.path.join(staging, rel)
            folder = os.path.dirname(target)
            if folder not in self.folders:   # one makedirs per folder, not per file
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            try:
                os.link(os.path.join(previous, rel), target)
            except OSError:  # another file system, or links not allowed: copy instead
                import shutil
                shutil.copy2(os.path.join(previous, rel), target)
        self.new[group] = record
        self.reused += _is_page(group)
        return record

    def previous_extra(self, group: str) -> dict:
        """What the previous build kept with a group, whatever its inputs were (parts to reuse)."""
        entry = self.store.data.get(group)
        return entry[1].extra if entry else {}

    def record(self, group: str, key: str, files: list[str], extra: dict | None = None) -> Record:
        record = Record(key, sorted(files), extra or {})
        self.new[group] = record
        self.written += _is_page(group)
        return record

    def files_under(self, folder: str) -> list[str]:
        """The staged files in `folder`, relative to the site root (os.walk: a thousand
        release folders took 70 ms with Path.rglob, 11 ms like this)."""
        files = []
        for dirpath, _dirnames, filenames in os.walk(os.path.join(self.staging, folder)):
            relative = os.path.relpath(dirpath, self.staging).replace(os.sep, "/")
            files.extend(f"{relative}/{name}" for name in filenames)
        return files

    def site_files(self) -> set[str]:
        """Every file of the new site: the groups' files, plus the assets and the marker."""
        files = {f for record in self.new.values() for f in record.files}
        return files | set(self.files_under("assets")) | {SITE_MARKER}

    def save(self, live: tuple) -> None:
        """Keep exactly this build's records (groups that no longer exist are forgotten), for
        the site now in place: `live` is its identity (see swap.identity)."""
        self.store.data = {group: (r.key, r) for group, r in self.new.items()}
        self.store.data[self.LIVE_SITE] = (live, None)
        self.store.dirty = True
        self.store.save()
        for callback in self.after_save:
            callback()


def _is_page(group: str) -> bool:
    return group == "index" or group.startswith(("index:", "release:"))
