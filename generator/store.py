"""`.smr-cache/state.sqlite`: everything smr keeps between runs, in one SQLite database.

One store instead of pickles in four formats: file stats and content hashes, the tables of
cached results (validated releases, photo checks, output records, publish hashes),
smr's view of the installed libraries, and records of what smr did (alerts sent: `record`). Values are JSON with a few tagged types (`encode`,
`decode`): nothing read back is ever unpickled or executed, so a planted file cannot run
code, and a damaged, foreign or older database is discarded and rebuilt with a one-line
notice on the `smr` logger — never a wrong site, never a traceback. Deleting the folder is
always safe.

Stats are a fast path, content is the truth (as git's index treats it, racy-git.txt): a
file is known by its size, mtime, ctime and inode, and its hash is trusted only when the
file was last changed clearly before it was hashed. A file changed within RACY_NS of its
hashing ("racily clean") is hashed again, so an in-place edit that keeps size and mtime
(exiftool -P, a same-size edit within one timestamp tick) is always seen: ctime moves on
every write, and a write in the same tick as the hashing is caught by the racy rule.

WAL mode lets `smr serve`, `smr check` and a build read while another writes; each table
is written in one transaction, so a killed run leaves the last committed state.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sqlite3
import stat
import sys
import time
from pathlib import Path

from generator import __version__
from generator.files import cache_dir

log = logging.getLogger("smr")

# What shapes the output besides smr itself: a new version of any of them is a new cache.
LIBRARIES = ("jinja2", "markdown", "nh3", "feedgen", "lxml", "pillow", "pydantic", "babel", "pyyaml")

DATABASE = "state.sqlite"
APPLICATION_ID = 0x736D7231   # "smr1": a SQLite file of another program is foreign
SCHEMA = 1                    # PRAGMA user_version: an older or newer layout is rebuilt
RACY_NS = 2_000_000_000       # file time granularity to allow for: FAT has 2 s, most others finer

_TABLES = """
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
                    inode INTEGER, hash TEXT, hashed_ns INTEGER);
CREATE TABLE tables (name TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE entries (tbl TEXT NOT NULL, name TEXT NOT NULL, signature TEXT NOT NULL, value TEXT NOT NULL,
                      checksum TEXT NOT NULL, PRIMARY KEY (tbl, name));
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """The newsroom's database, open once per process (`Store.of`)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = cache_dir(self.root) / DATABASE
        self.db = self._open()
        self.inode = self._inode()
        self._files: dict[str, tuple] | None = None
        self._changed_files: dict[str, tuple] = {}
        self._tables: dict[tuple, Table] = {}   # read in this process, as the database holds them
        self._version = None

    @classmethod
    def of(cls, root: Path) -> "Store":
        """The store of `root` for this process (a forked worker opens its own); opened
        anew when its file was deleted or replaced since (`rm -r .smr-cache` while `smr
        serve` runs: the next rebuild starts from nothing, as a new process would)."""
        store = _stores(Path(root).resolve(), os.getpid())
        if store._inode() != store.inode:
            store.db.close()
            store.__init__(store.root)
        return store

    def _inode(self) -> int | None:
        try:
            return os.stat(self.path).st_ino
        except OSError:
            return None

    # ------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except (sqlite3.DatabaseError, _Foreign) as exc:
            reason = exc.args[0] if isinstance(exc, _Foreign) else "damaged"
            log.warning("note: %s was %s; it is rebuilt, so this run redoes what it had kept",
                        os.path.relpath(self.path, self.root), reason)
            self.discard()
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            application, version = (db.execute("PRAGMA application_id").fetchone()[0],
                                    db.execute("PRAGMA user_version").fetchone()[0])
            if application == 0 and version == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(f"BEGIN; {_TABLES} PRAGMA application_id={APPLICATION_ID}; "
                                 f"PRAGMA user_version={SCHEMA}; COMMIT;")
            elif application != APPLICATION_ID:
                raise _Foreign("not smr's (another program's database, or a planted file)")
            elif version != SCHEMA:
                raise _Foreign(f"written by {'an older' if version < SCHEMA else 'a newer'} smr")
            db.execute("PRAGMA synchronous=NORMAL")   # WAL: durable at checkpoints, never corrupt
            db.execute("SELECT count(*) FROM tables").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def discard(self) -> None:
        """Remove the database and its WAL files (always safe: it holds nothing of the user's)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    def close(self) -> None:
        self.db.close()
        _stores.cache_clear()

    def guarded(self, work, fallback):
        """`work()`, or `fallback()` when the database turns out damaged while in use: it is
        rebuilt with a notice and the run goes on without what it held."""
        try:
            return work()
        except sqlite3.DatabaseError:
            log.warning("note: %s was damaged; it is rebuilt, so this run redoes what it had kept",
                        os.path.relpath(self.path, self.root))
            self.db.close()
            self.discard()
            self.db = self._connect()
            self.inode = self._inode()
            self._files, self._changed_files, self._tables = None, {}, {}
            return fallback()

    # ------------------------------------------------------------ content hashes

    def file_hash(self, path: str | Path, st: os.stat_result | None = None) -> str | None:
        """sha256 of the file at `path` (links followed), None when it is not a regular file
        this process may read (it is never opened then).

        Known files are not read again while their stats say they are unchanged and they
        were not changed within RACY_NS of being hashed."""
        path = os.fspath(path)
        try:
            st = st or os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or not os.access(path, os.R_OK):   # a FIFO would block; /dev/zero never ends
            return None
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        row = self._file_rows().get(path)
        if row is not None and row[:4] == stamp and max(st.st_mtime_ns, st.st_ctime_ns) < row[5] - RACY_NS:
            return row[4]
        hashed_ns = time.time_ns()
        try:
            with open(path, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            return None
        row = (*stamp, digest, hashed_ns)
        self._files[path] = self._changed_files[path] = row
        return digest

    def _file_rows(self) -> dict[str, tuple]:
        if self._files is None:
            self._files = self.guarded(
                lambda: {path: tuple(rest) for path, *rest in self.db.execute(
                    "SELECT path, size, mtime_ns, ctime_ns, inode, hash, hashed_ns FROM files")}, dict)
        return self._files

    def save_files(self) -> None:
        """Keep the hashes computed in this run."""
        self.save_together([])

    def _write(self, statements) -> None:
        """Run `statements(db)` in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            statements(self.db)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------ small values

    def meta(self, name: str):
        row = self.guarded(lambda: self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone(),
                           lambda: None)
        try:
            return decode(row[0]) if row else None
        except ValueError:   # damaged: as if never kept
            return None

    def set_meta(self, name: str, value) -> None:
        """Keep `value` under `name` (None removes it)."""
        self.save_together([], {name: value})

    def save_together(self, tables: list["Table"], meta: dict | None = None) -> bool:
        """Write what changed in `tables`, the `meta` values (None deletes one) and the file
        hashes found meanwhile, in one transaction: all of it is kept, or none. False when
        the database could not be written (it was damaged: rebuilt empty, with a notice)."""
        work = [statements for statements in (t.statements() for t in tables) if statements]
        files = [(path, *row) for path, row in self._changed_files.items()]
        self._changed_files = {}
        if files:
            work.append(lambda db: db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", files))
        for name, value in (meta or {}).items():
            text = None if value is None else encode(value)
            work.append(lambda db, name=name, text=text: db.execute("DELETE FROM meta WHERE name = ?", (name,))
                        if text is None else db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, text)))
        if not work:
            return True

        def statements(db):
            for each in work:
                each(db)

        saved = {id(t) for t in tables}
        names = {t.name for t in tables}
        self._tables = {k: t for k, t in self._tables.items() if id(t) in saved or k[0] not in names}
        return self.guarded(lambda: self._write(statements) or True, lambda: False)

    def table(self, name: str, key: str | None) -> "Table":
        """The cached results `name` for inputs `key`; key None: as kept, whatever its key.

        A process that asks again (`smr serve`'s rebuilds) gets the table it has, without
        reading it again, while no other process wrote to the database (PRAGMA data_version)."""
        version = self.guarded(lambda: self.db.execute("PRAGMA data_version").fetchone()[0], lambda: None)
        if version != self._version:
            self._tables, self._version = {}, version
        versioned = None if key is None else (tuple(sorted(versions(self.root).items())), key)
        found = self._tables.get((name, versioned))
        if found is None or found.put_rows or found.removed:   # none, or one with unsaved changes
            found = self._tables[(name, versioned)] = Table(self, name, key)
        found.asked = set()
        return found


    # ------------------------------------------------------------ records of what smr did

    def records(self, kind: str, prefix: str = "") -> dict:
        """name -> value of every record of `kind` (`record`) whose name starts with `prefix`;
        a damaged row is left out."""
        def read():
            self._records_table()
            return self.db.execute("SELECT name, value, checksum FROM records WHERE kind = ? AND "
                                   "substr(name, 1, ?) = ?", (kind, len(prefix), prefix)).fetchall()

        found = {}
        for name, value, checksum in self.guarded(read, list):
            if checksum == _checksum("records", kind, name, value):
                try:
                    found[name] = decode(value)
                except ValueError:
                    pass
        return found

    def record(self, kind: str, name: str, value) -> bool:
        """Keep that smr did something (an alert sent), committed when this returns. Unlike
        `table`, records are facts about the world, not results to recompute: no version of
        smr or of a library makes them stale. `value` None removes one. False when the
        database could not be written (it was damaged: rebuilt, with a notice)."""
        text = None if value is None else encode(value)

        def statements(db):
            if text is None:
                db.execute("DELETE FROM records WHERE kind = ? AND name = ?", (kind, name))
            else:
                db.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                           (kind, name, text, _checksum("records", kind, name, text)))

        def write():
            self._records_table()
            self._write(statements)
            return True

        return self.guarded(write, lambda: False)

    def _records_table(self) -> None:
        """Made on first use, so a database of an smr before records needs no rebuild."""
        self.db.execute("CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, name TEXT NOT NULL, "
                        "value TEXT NOT NULL, checksum TEXT NOT NULL, PRIMARY KEY (kind, name))")


class _Foreign(Exception):
    """The database file is not one this smr wrote."""


@functools.lru_cache(maxsize=8)
def _stores(root: Path, pid: int) -> Store:
    return Store(root)


class Table:
    """One purpose's cached results: `name -> (signature, value)`, valid only for the same
    smr, libraries and `key`; `get` answers only for the same signature.

    The whole table is read when opened (one query) and written back by `save` in one
    transaction: only the entries put or removed in this run."""

    def __init__(self, store: Store, name: str, key: str | None):
        self.store, self.name = store, name
        if key is None:   # as it was written, whatever its key (to carry out what it holds)
            kept = store.guarded(lambda: store.db.execute("SELECT key FROM tables WHERE name = ?", (name,))
                                 .fetchone(), lambda: None)
            self.key = kept[0] if kept else ""
        else:
            self.key = hashlib.blake2b(encode([sorted(versions(store.root).items()), name, key]).encode(),
                                       digest_size=16).hexdigest()
        self.rows: dict[str, tuple[str, str, str]] = store.guarded(self._read, dict)   # signature, value, checksum
        self.values: dict[str, tuple] = {}   # name -> (its row, the value read from it)
        self.put_rows: set[str] = set()
        self.removed: set[str] = set()
        self.asked: set[str] = set()

    def _read(self) -> dict[str, tuple[str, str, str]]:
        db = self.store.db
        kept = db.execute("SELECT key FROM tables WHERE name = ?", (self.name,)).fetchone()
        if kept is None or kept[0] != self.key:   # another smr, other libraries, other inputs
            return {}
        return {name: (signature, value, checksum) for name, signature, value, checksum in
                db.execute("SELECT name, signature, value, checksum FROM entries WHERE tbl = ?", (self.name,))}

    def names(self) -> set[str]:
        return set(self.rows)

    def get(self, name: str, signature: str):
        """The value kept under `name` for `signature`. Read once per row: `smr serve` asks
        again for every row in every rebuild, so the value is shared: never change one."""
        row = self.rows.get(name)
        if row is None or row[0] != signature:
            return None   # none, or another signature: a miss
        known = self.values.get(name)
        if known is not None and known[0] is row:
            return known[1]
        if row[2] != _checksum(self.name, name, *row[:2]):
            return None   # damaged on disk: a miss
        try:
            value = decode(row[1])
        except ValueError:   # not JSON smr wrote: a miss
            return None
        self.values[name] = (row, value)
        return value

    def entry(self, name: str):
        """(signature, value) kept under `name`, or None."""
        row = self.rows.get(name)
        value = self.get(name, row[0]) if row else None
        return None if value is None else (row[0], value)

    def get_any(self, name: str):
        """The value kept under `name`, whatever its signature (parts to reuse)."""
        row = self.rows.get(name)
        return self.get(name, row[0]) if row else None

    def put(self, name: str, signature: str, value) -> None:
        text = encode(value)
        self.rows[name] = (signature, text, _checksum(self.name, name, signature, text))
        self.put_rows.add(name)
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        if self.rows.pop(name, None) is not None:
            self.removed.add(name)
        self.put_rows.discard(name)

    def of_file(self, path: Path, compute):
        """`compute(path)`, remembered while the file keeps its content; None when the file
        cannot be read. The files asked for are in `asked`."""
        signature = self.store.file_hash(path)
        if signature is None:
            return None
        name = str(path)
        self.asked.add(name)
        found = self.get(name, signature)
        if found is None:
            found = compute(path)
            self.put(name, signature, found)
        return found

    def keep_only(self, names: set[str]) -> None:
        for stale in set(self.rows) - set(names):
            self.remove(stale)

    def clear(self) -> None:
        self.keep_only(set())

    def save(self) -> None:
        """Write what changed, in one transaction (with the file hashes found meanwhile)."""
        self.store.save_together([self])

    def statements(self):
        """What `save` writes, as a function of the database; None when nothing changed."""
        if not (self.put_rows or self.removed):
            return None
        puts = [(self.name, name, *self.rows[name]) for name in self.put_rows]
        removed = [(self.name, name) for name in self.removed]
        everything = [(self.name, name, *row) for name, row in self.rows.items()]
        self.put_rows, self.removed = set(), set()

        def statements(db):
            kept = db.execute("SELECT key FROM tables WHERE name = ?", (self.name,)).fetchone()
            if kept is None or kept[0] != self.key:   # the table of another key: all of it anew
                db.execute("DELETE FROM entries WHERE tbl = ?", (self.name,))
                db.execute("INSERT OR REPLACE INTO tables VALUES (?, ?)", (self.name, self.key))
                db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", everything)
                return
            db.executemany("DELETE FROM entries WHERE tbl = ? AND name = ?", removed)
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", puts)

        return statements


def _checksum(*parts: str) -> str:
    """Of one row: SQLite checks its own structure, not the bytes of a value, so a value
    damaged on disk would otherwise read back as a well-formed wrong one."""
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


# ---------------------------------------------------------------- values as JSON

def encode(value) -> str:
    """JSON for plain values, with sets, bytes, datetimes, dates and Problems tagged so that
    `decode` gives them back as they were (a set stays a set: records are compared with ==).
    Tuples come back as lists; dict keys must be text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_tagged)


def _tagged(value):
    """For json.dumps: the values JSON has no type for (it calls this for no other)."""
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted(value, key=encode)}
    if isinstance(value, bytes):
        try:
            return {"$utf8": value.decode("utf-8")}
        except UnicodeDecodeError:
            import base64

            return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    from generator.errors import Problem

    if isinstance(value, Problem):
        return {"$problem": [value.file, value.line, value.field, value.message]}
    raise TypeError(f"cannot keep a {type(value).__name__} in the state store")


def decode(text: str):
    """What `encode` wrote; ValueError for anything else."""
    try:
        return json.loads(text, object_hook=_untagged)
    except (TypeError, KeyError, IndexError, AttributeError, RecursionError, UnicodeError, ValueError) as exc:
        raise ValueError(f"not a kept value: {exc}") from None


def _untagged(value: dict):
    """For json.loads: each object, its own values already read."""
    if len(value) != 1:
        return value
    (tag, inner), = value.items()
    if tag == "$set":
        return {tuple(v) if isinstance(v, list) else v for v in inner}
    if tag == "$utf8":
        return inner.encode("utf-8")
    if tag == "$base64":
        import base64

        return base64.b64decode(inner, validate=True)
    if tag == "$datetime":
        return dt.datetime.fromisoformat(inner)
    if tag == "$date":
        return dt.date.fromisoformat(inner)
    if tag == "$problem":
        from generator.errors import Problem

        file, line, field, message = inner
        if not (isinstance(line, int) and all(isinstance(x, str) for x in (file, field, message))):
            raise TypeError("a problem is file, line, field and message")
        return Problem(file, line, field, message)
    return value


def digest(*parts) -> str:
    """A stable hash of plain values (what `encode` takes; a tuple and a list hash alike)."""
    return hashlib.blake2b(encode(parts).encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------- folders and their signatures

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


def folder_signature(folder: Path, entries: list | None = None, store: Store | None = None,
                     leave_out=None) -> str:
    """Changes when any file in `folder` (recursively) is added, removed, renamed or changed
    in content: the names and content hashes of its files (one scandir per folder and one
    stat per file; a file is read only when its stats are new or racy). Files whose name
    `leave_out(name)` accepts are not part of it."""
    h = hashlib.blake2b(digest_size=16)
    _sign_folder(h, os.fspath(folder), "", entries, store, leave_out)
    return h.hexdigest()


def _sign_folder(h, path: str, relative: str, entries: list | None, store: Store | None, leave_out=None) -> None:
    for entry in scan_folder(path) if entries is None else entries:
        name = relative + entry.name
        if is_folder(entry):
            _sign_folder(h, entry.path, name + "/", None, store, leave_out)
            continue
        if leave_out is not None and leave_out(name):
            continue
        content = store.file_hash(entry.path) if store is not None else None
        if content is None:   # unreadable (a loop, a dangling link): its stats, or nothing
            try:
                st = entry.stat(follow_symlinks=False)
                content = f"unreadable:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"
            except OSError:
                content = "missing"
        h.update(f"{name}\0{content}\0".encode())


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
    answer is kept in the store with the mtimes of the folders on sys.path, which change
    whenever a package is installed, upgraded or removed there."""
    installed = _installation()
    store = Store.of(root)
    kept = store.meta("versions")
    if isinstance(kept, dict) and kept.get("installed") == installed and isinstance(kept.get("libraries"), dict):
        libraries = kept["libraries"]
    else:
        libraries = _library_versions()
        store.set_meta("versions", {"installed": installed, "libraries": libraries})
    return {"smr": __version__, "smr-code": _code_stamp(), **libraries}


def _code_stamp() -> str:
    """Size and mtime of smr's own source files: a checkout or an edit between two runs of
    the same version (a development install) changes what cached entries mean."""
    package = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.blake2b(digest_size=12)
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder[len(package):]}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _installation() -> list:
    """[folder, mtime] of the entries of sys.path. The working folder is left out: `python
    -m` puts it on sys.path, and files come and go there all the time."""
    def mtime(entry: str):
        try:
            return os.stat(entry).st_mtime_ns
        except OSError:
            return None

    here = os.getcwd()
    return [[entry, mtime(entry)] for entry in sys.path if entry not in ("", here)]


def _library_versions() -> dict[str, str]:
    import importlib.metadata

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return ""

    return {name: version(name) for name in LIBRARIES}
