"""Incremental builds: reuse what the previous build wrote when its inputs are unchanged.

Every output group (a release's folder, the index, one feed, the sitemap) is recorded with
a key: a hash of everything that went into it. On the next build a group whose key is the
same is kept in the live site instead of being rendered again. Keys include a global part
(smr's version, newsroom.yaml, labels, assets, build options), so a newsroom.yaml change
re-renders everything, and the content of the templates the group's last render used (its
record names them): a template change re-renders exactly the groups made with it. The
result is byte-identical to a cold build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import digests
from generator.store import Store, digest, folder_signature
from generator.resources import asset_dirs, is_template, template_dirs
from generator.output.swap import SITE_MARKER

RECORDS_VERSION = 11   # what a record keeps besides its files; a new layout makes the old records unusable


def global_key(root: Path, preview: bool) -> str:
    """Inputs every page depends on: a change here re-renders the whole site. (smr's and the
    libraries' versions key every store in .smr-cache, these records included.) Templates
    are not among them: each group's key holds those it was made with (`templates_of`)."""
    newsroom = (root / "newsroom.yaml").read_bytes()
    store = Store.of(root)
    shared = [folder_signature(d, store=store, leave_out=is_template) for d in template_dirs(root)]
    folders = [s for s in shared if s != _NOTHING]   # a newsroom's templates/ of templates only: no part of it
    folders += [folder_signature(d, store=store) for d in asset_dirs(root)]
    return digest(RECORDS_VERSION, newsroom, folders, preview, _logo_signature(root, newsroom))


_NOTHING = hashlib.blake2b(digest_size=16).hexdigest()   # the signature of a folder with no such files


def build_inputs(root: Path, key: str, signatures: dict) -> str:
    """Everything a whole build is made from: the global key, every release folder and every
    template. The same as last time: the site is as it was (a no-op build)."""
    store = Store.of(root)
    return digest(key, signatures, [folder_signature(d, store=store) for d in template_dirs(root)])


def _logo_signature(root: Path, newsroom_yaml: bytes) -> tuple:
    """The logo may live anywhere in the newsroom: its path and content. Which file it is
    comes from newsroom.yaml as the model reads it (a no-op build keeps the answer, by the
    file's hash, so that it does not import the YAML reader)."""
    store = Store.of(root)
    stamp = hashlib.blake2b(newsroom_yaml, digest_size=16).hexdigest()
    kept = store.meta("logo")
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == stamp:
        logo = kept[1]
    else:
        from generator.newsroom.paths import logo_named

        logo = logo_named(newsroom_yaml)
        store.set_meta("logo", [stamp, logo])
    if logo is None:
        return ()
    path = root / logo
    return (str(path), store.file_hash(path))


@dataclass
class Record:
    key: str                         # of every input the group's files were made from
    files: list[str]                 # paths relative to the site root
    extra: dict = field(default_factory=dict)   # parts that lists reuse: a card, feed entries
    digests: list = field(default_factory=list)  # each file's [MD5, S3 ETag]: what publish compares
    templates: list = field(default_factory=list)  # the names of the templates its files were made with


class KeptParts:
    """A kept group's `extra`, read from the store one part at a time, when asked: a build
    after one change reads the cards of the index and the entries of the newest releases
    only, not the parts of every release (14 MB of feed entries at 1000 releases)."""

    def __init__(self, parts, group: str, key: str | None):
        self.parts, self.group, self.key = parts, group, key
        self.read: dict = {}

    def __getitem__(self, name: str):
        if name not in self.read:
            row = f"{self.group}\0{name}"
            kept = self.parts.get_any(row) if self.key is None else self.parts.get(row, self.key)
            self.read[name] = None if kept is None else kept[0]
        return self.read[name]

    def get(self, name: str, default=None):
        found = self[name]
        return default if found is None else found


class Outputs:
    """The live site's output groups, reusable by key, and this build's new records.

    Records are trusted only for the site they describe: the live site's marker must have
    the identity they name (swap.identity). A build that has records to trust renders only
    the groups whose key changed, into the staging folder, and the journal moves them in
    (journal.py); one that has none renders every group and swaps the staging folder in whole."""

    LIVE_SITE = ".live-site"  # the records' entry naming the site they describe (no group's name)
    JOURNAL = ".journal"      # the moves and deletes still to carry out on the live site

    def __init__(self, root: Path, output: Path, staging: Path, key: str):
        self.staging = staging
        self.output = output
        store = Store.of(root)
        self.table = store.table(records_name(output), key)
        self.parts = store.table(records_name(output) + "-parts", key)
        if not self.trusted():
            self.table.clear()  # records of another site (or of a journal not carried out): none to trust
            self.parts.clear()
        self.previous = output if self.table.names() - {self.LIVE_SITE} else None
        self.new: dict[str, Record] = {}
        self.kept: set[str] = set()  # groups left in place, as they were recorded
        self.reused = 0   # pages (release pages and the index) kept from the previous build
        self.written = 0  # pages rendered by this build

    def trusted(self) -> bool:
        from generator.output import swap

        live, kept_live = swap.identity(self.output), self.table.get_any(self.LIVE_SITE)
        return live is not None and isinstance(kept_live, list) and tuple(kept_live) == live

    def reuse(self, group: str, key: str) -> Record | None:
        """Keep the group's files in the live site as they are, if they were built from the
        same inputs and are all there."""
        kept = self.table.get(group, key) if self.previous is not None else None
        if not isinstance(kept, dict):
            return None
        record = Record(kept["key"], kept["files"], KeptParts(self.parts, group, key), kept.get("digests", []),
                        kept.get("templates", []))
        previous = str(self.previous)
        if not all(os.path.isfile(os.path.join(previous, f)) for f in record.files):
            return None
        self.new[group] = record
        self.kept.add(group)
        self.reused += _is_page(group)
        return record

    def keep(self, group: str) -> Record | None:
        """Keep the group's files in the live site as the previous build recorded them, whatever
        its inputs are now (the search index while `smr serve` has not made it again yet)."""
        kept = self.table.get_any(group) if self.previous is not None else None
        return self.reuse(group, kept["key"]) if isinstance(kept, dict) and "key" in kept else None

    def templates_of(self, group: str) -> list[str]:
        """The templates the group was last made with (none for a group not built before):
        their content now is part of its key, so an edited template re-renders it."""
        kept = self.table.get_any(group) if self.previous is not None else None
        return kept.get("templates", []) if isinstance(kept, dict) else []

    def previous_extra(self, group: str) -> dict:
        """What the previous build kept with a group, whatever its inputs were (parts to reuse)."""
        return KeptParts(self.parts, group, None)

    def record(self, group: str, key: str, files: list[str], extra: dict | None = None,
               hashes: dict | None = None, templates: list[str] = ()) -> Record:
        """Record what `group` is made of (`key`, with the content of `templates`, those it
        was rendered with) and the files it wrote into the staging folder, each with its
        content hashes (`hashes`: path -> [MD5, ETag], when the worker that wrote the files
        hashed them already)."""
        files = sorted(files)
        hashes = hashes or {}
        record = Record(key, files, extra or {}, [list(hashes.get(f) or digests(self.staging / f)) for f in files],
                        sorted(templates))
        self.new[group] = record
        self.written += _is_page(group)
        return record

    def files_under(self, folder: str) -> list[str]:
        return files_under(self.staging, folder)

    def site_files(self) -> set[str]:
        """Every file of the new site: the groups' files and the marker."""
        return {f for record in self.new.values() for f in record.files} | {SITE_MARKER}

    def journal(self) -> dict:
        """What to move from the staging folder into the live site, and what to delete there."""
        from generator.output import journal

        moves = {f: group for group, record in self.new.items() if group not in self.kept for f in record.files}
        wanted = self.site_files()
        deletes = {}
        for group in self.table.names() - self.kept - {self.LIVE_SITE, self.JOURNAL}:
            old = self.table.get_any(group)
            for f in old.get("files", []) if isinstance(old, dict) else []:
                if f not in wanted:
                    deletes[f] = group
        return journal.plan(self.staging, moves, deletes, SITE_MARKER)

    def save(self, live: tuple, journal: dict | None = None, also: list | None = None) -> None:
        """Keep exactly this build's records (groups that no longer exist are forgotten), for
        the site with identity `live` (see swap.identity), with the `journal` that makes the
        live site that one, and the tables in `also`: all in one transaction."""
        for group in self.table.names() - set(self.new) - {self.LIVE_SITE}:
            self.table.remove(group)
        written = {group: record for group, record in self.new.items() if group not in self.kept}
        for name in self.parts.names():
            if name.split("\0")[0] not in self.new or name.split("\0")[0] in written:
                self.parts.remove(name)
        for group, record in written.items():
            self.table.put(group, record.key, {"key": record.key, "files": record.files, "digests": record.digests,
                                               "templates": record.templates})
            for part, value in record.extra.items():
                self.parts.put(f"{group}\0{part}", record.key, [value])   # in a list: a part may be None
        self.table.put(self.LIVE_SITE, "", list(live))
        if journal is not None:
            self.table.put(self.JOURNAL, "", journal)
        self.table.store.save_together([self.table, self.parts, *(also or [])])

    def done(self) -> None:
        """The journal was carried out: forget it."""
        self.table.remove(self.JOURNAL)
        self.table.save()


def files_under(staging: Path, folder: str) -> list[str]:
    """The staged files in `folder`, relative to the site root (os.walk: a thousand release
    folders took 70 ms with Path.rglob, 11 ms like this)."""
    files = []
    for dirpath, _dirnames, filenames in os.walk(os.path.join(staging, folder)):
        relative = os.path.relpath(dirpath, staging).replace(os.sep, "/")
        files.extend(f"{relative}/{name}" for name in filenames)
    return files


def hashed_files(staging: Path, folder: str) -> dict[str, list[str]]:
    """The staged files in `folder` with their [MD5, ETag]: what a worker that wrote them
    hands to Outputs.record (the hashing is done where the files are, in parallel)."""
    return {f: list(digests(staging / f)) for f in files_under(staging, folder)}


def records_name(output: Path) -> str:
    """The table of the records of one output folder."""
    return "outputs-" + hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()


def recorded_digests(root: Path, output: Path) -> dict[str, tuple[str, str]]:
    """The [MD5, ETag] of every file of the site at `output`, as its build recorded them;
    empty when the records do not describe the site there (publish then reads the files)."""
    from generator.output import swap

    table = Store.of(root).table(records_name(output), None)
    live, kept_live = swap.identity(output), table.get_any(Outputs.LIVE_SITE)
    if live is None or not isinstance(kept_live, list) or tuple(kept_live) != live \
            or table.get_any(Outputs.JOURNAL) is not None:
        return {}
    found = {}
    for group in table.names() - {Outputs.LIVE_SITE, Outputs.JOURNAL}:
        record = table.get_any(group)
        if isinstance(record, dict):
            found.update(zip(record.get("files", []), map(tuple, record.get("digests", []))))
    return found


def finish_journal(root: Path, output: Path) -> None:
    """Carry out a journal that a killed build left for `output` (call it holding the build
    lock, before anything reads the output). One that cannot be finished (its staging folder
    was removed) is dropped with the records, so that the next build makes the whole site."""
    from generator.output import journal

    store = Store.of(root)
    name = records_name(output)
    entry = store.guarded(lambda: store.db.execute(
        "SELECT 1 FROM entries WHERE tbl = ? AND name = ?", (name, Outputs.JOURNAL)).fetchone(), lambda: None)
    if entry is None:
        return
    table = store.table(name, None)
    pending = table.get_any(Outputs.JOURNAL)
    if isinstance(pending, dict) and journal.can_finish(pending):
        journal.apply(output, pending)
        table.remove(Outputs.JOURNAL)
        table.save()
    else:   # the records name the marker of a site that never came: they are not trusted again
        table.clear()
        parts = store.table(name + "-parts", None)
        parts.clear()
        store.save_together([table, parts])


def _is_page(group: str) -> bool:
    return group == "index" or group.startswith(("index:", "release:"))
