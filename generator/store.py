"""`.smr-cache/`: results kept between runs, keyed so that a stale entry is never used.

Deleting the folder is always safe: everything in it is recomputed on the next run, and
so is anything in it that cannot be read back exactly as it was written (a checksum guards
every pickle). Signatures use size and mtime (like make and Hugo), so checking 1000
releases costs a few thousand `stat` calls instead of reading and validating 1000 YAML files.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path

from generator import __version__
from generator.files import atomic_file, cache_dir

# What shapes the output besides smr itself: a new version of any of them is a new cache.
LIBRARIES = ("jinja2", "markdown", "nh3", "feedgen", "lxml", "pillow", "pydantic", "babel", "pyyaml")


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


def is_folder(entry: os.DirEntry) -> bool:
    """A real folder, not a link to one: walks of a release folder never follow a link to a
    folder (like os.walk), so a link to `..` or a link that leads to itself (a loop, which
    cannot even be asked what it is) is just an entry."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def is_file(entry: os.DirEntry) -> bool:
    """A file, or a link to one; False for a link that leads nowhere or to itself."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _sign_folder(h, path: str, relative: str, entries: list | None = None) -> None:
    for entry in scan_folder(path) if entries is None else entries:
        name = relative + entry.name
        if is_folder(entry):
            _sign_folder(h, entry.path, name + "/")
            continue
        try:
            st = entry.stat()  # follows symlinks: a changed target changes the signature
        except OSError:
            st = entry.stat(follow_symlinks=False)
        h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())


def file_digest(*paths: Path) -> str:
    """Content hash of a few small files (config, templates), missing files included as such,
    and of their paths: a newsroom copied elsewhere does not reuse what names the original's."""
    h = hashlib.blake2b(digest_size=16)
    for path in paths:
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    return h.hexdigest()


# ---------------------------------------------------------------- versions


@functools.lru_cache(maxsize=8)
def versions(root: Path) -> dict[str, str]:
    """smr's version and the installed version of each of LIBRARIES ("" when missing),
    read once per process (a running process keeps the libraries it imported).

    importlib.metadata costs 45 ms in a fresh process, a fifth of a no-op build; so its
    answer is kept in `.smr-cache/versions.pickle` with the mtimes of the folders on
    sys.path, which change whenever a package is installed, upgraded or removed there."""
    installed = _installation()
    path = cache_dir(root) / "versions.pickle"
    kept = read_checked(path, b"versions")
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == installed:
        libraries = kept[1]
    else:
        libraries = _library_versions()
        write_checked(path, b"versions", (installed, libraries))
    return {"smr": __version__, "smr-code": _code_stamp(), **libraries}


def _code_stamp() -> str:
    """Size and mtime of smr's own source files: a checkout or an edit between two runs of
    the same version (a development install) changes the classes that cached pickles hold,
    so it makes every cached entry a miss instead of an object of an older shape."""
    package = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.blake2b(digest_size=12)
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder[len(package):]}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _installation() -> tuple:
    """(folder, mtime) of the entries of sys.path. The working folder is left out: `python
    -m` puts it on sys.path, and files come and go there all the time."""
    def mtime(entry: str):
        try:
            return os.stat(entry).st_mtime_ns
        except OSError:
            return None

    here = os.getcwd()
    return tuple((entry, mtime(entry)) for entry in sys.path if entry not in ("", here))


def _library_versions() -> dict[str, str]:
    import importlib.metadata

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return ""

    return {name: version(name) for name in LIBRARIES}


# ---------------------------------------------------------------- checked pickles

_CHECKSUM_SIZE = 32  # sha256


def write_checked(path: Path, key: bytes, value) -> bool:
    """Pickle `value` to `path`, atomically, behind a checksum of the payload keyed by `key`.
    Returns False when the file cannot be written (a cache that is simply not kept)."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with atomic_file(path) as tmp, open(tmp, "wb") as f:
            f.write(_checksum(key, payload))
            f.write(payload)
        return True
    except OSError:
        return False


def read_checked(path: Path, key: bytes):
    """What `write_checked(path, key, ...)` wrote, or None: a missing, truncated or altered
    file, one written with another key, or one that does not unpickle is no answer."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    checksum, payload = data[:_CHECKSUM_SIZE], memoryview(data)[_CHECKSUM_SIZE:]
    if checksum != _checksum(key, payload):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - written by another smr whose classes changed: a miss
        return None


def _checksum(key: bytes, payload: bytes) -> bytes:
    """sha256 of the key and the payload (twice as fast as blake2b where the CPU has SHA
    instructions: a build after one change reads and writes 15 MB for 1000 releases)."""
    h = hashlib.sha256(hashlib.sha256(key).digest())
    h.update(payload)
    return h.digest()


class PickleStore:
    """One pickled dict per purpose, valid only for the same smr, libraries and `key`.

    Each entry is `name -> (signature, value)`; `get` answers only for the same signature."""

    def __init__(self, root: Path, name: str, key: str):
        self.path = cache_dir(root) / f"{name}.pickle"
        self.key = pickle.dumps((sorted(versions(root).items()), name, key), protocol=4)
        data = read_checked(self.path, self.key)
        self.data: dict = data if isinstance(data, dict) else {}
        self.dirty = False
        self.asked: set[str] = set()

    def get(self, name: str, signature: str):
        entry = self.data.get(name)
        return entry[1] if entry and entry[0] == signature else None

    def put(self, name: str, signature: str, value) -> None:
        self.data[name] = (signature, value)
        self.dirty = True

    def of_file(self, path: Path, compute):
        """`compute(path)`, remembered while the file keeps its size and modification time;
        None when the file cannot be read. The files asked for are in `asked`."""
        try:
            stat = path.stat()
        except OSError:
            return None
        name, signature = str(path), f"{stat.st_size}:{stat.st_mtime_ns}"
        self.asked.add(name)
        found = self.get(name, signature)
        if found is None:
            found = compute(path)
            self.put(name, signature, found)
        return found

    def keep_only(self, names: set[str]) -> None:
        for stale in set(self.data) - names:
            del self.data[stale]
            self.dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply not kept."""
        if self.dirty and write_checked(self.path, self.key, self.data):
            self.dirty = False
