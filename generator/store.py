"""`.smr-cache/`: results kept between runs, keyed so that a stale entry is never used.

Deleting the folder is always safe: everything in it is recomputed on the next run.
Signatures use size and mtime (like make and Hugo), so checking 1000 releases costs a few
thousand `stat` calls instead of reading and validating 1000 YAML files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from generator import __version__
from generator.files import atomic_file, cache_dir



def folder_signature(folder: Path, entries: list | None = None) -> str:
    """Changes when any file in `folder` (recursively) is added, removed, resized or touched.

    One scandir per folder (or its `entries`, already scanned) and one stat per file: a
    no-op build of 1000 releases spends most of its time here."""
    h = hashlib.blake2b(digest_size=16)
    _sign_folder(h, os.fspath(folder), "", entries)
    return h.hexdigest()


def scan_folder(path) -> list:
    with os.scandir(path) as scan:
        return sorted(scan, key=lambda e: e.name)


def _sign_folder(h, path: str, relative: str, entries: list | None = None) -> None:
    for entry in scan_folder(path) if entries is None else entries:
        name = relative + entry.name
        if entry.is_dir():
            if not entry.is_symlink():   # like os.walk: a linked folder is not followed
                _sign_folder(h, entry.path, name + "/")
            continue
        try:
            st = entry.stat()  # follows symlinks: a changed target changes the signature
        except OSError:
            st = entry.stat(follow_symlinks=False)
        h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())


def file_digest(*paths: Path) -> str:
    """Content hash of a few small files (config, templates), missing files included as such."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    for path in paths:
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    return h.hexdigest()


class PickleStore:
    """One pickled dict per purpose, valid only for the same smr version and `key`."""

    def __init__(self, root: Path, name: str, key: str):
        self.path = cache_dir(root) / f"{name}.pickle"
        self.key = (__version__, key)
        self.data: dict = {}
        self.dirty = False
        try:
            with open(self.path, "rb") as f:
                stored_key, data = pickle.load(f)
            if stored_key == self.key:
                self.data = data
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
                ImportError, IndexError):
            self.data = {}

    def get(self, name: str, signature: str):
        entry = self.data.get(name)
        return entry[1] if entry and entry[0] == signature else None

    def put(self, name: str, signature: str, value) -> None:
        self.data[name] = (signature, value)
        self.dirty = True

    def keep_only(self, names: set[str]) -> None:
        for stale in set(self.data) - names:
            del self.data[stale]
            self.dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply not kept."""
        if not self.dirty:
            return
        try:
            with atomic_file(self.path) as tmp, open(tmp, "wb") as f:
                pickle.dump((self.key, self.data), f, protocol=pickle.HIGHEST_PROTOCOL)
            self.dirty = False
        except OSError:
            pass


class PackedStore(PickleStore):
    """A PickleStore whose values are pickled one by one: saving after one release changed
    writes the others' bytes as they are, instead of pickling 1000 validated models again."""

    def get(self, name: str, signature: str):
        packed = super().get(name, signature)
        if packed is None:
            return None
        try:
            return pickle.loads(packed)
        except Exception:  # noqa: BLE001 - a damaged entry is a cache miss
            return None

    def put(self, name: str, signature: str, value) -> None:
        self.put_packed(name, signature, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_packed(self, name: str, signature: str, packed: bytes) -> None:
        super().put(name, signature, packed)
