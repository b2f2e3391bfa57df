"""Where things are in a newsroom folder. Light on purpose: no validation, no pydantic,
so a no-op build can tell that nothing changed without loading the model."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

NEWSROOM_FILE = "newsroom.yaml"
RELEASES_DIR = "releases"
RELEASE_FILE = "release.yaml"
COVERAGE_FILE = "coverage.yaml"


def release_signatures(root: Path, store=None) -> dict[str, str]:
    """Folder name -> signature of every folder under releases/ (names and content hashes of
    its files, generator.store.folder_signature): what changed since the last run.

    Every folder is one, with or without a usable release.yaml: loading it says what is
    wrong (newsroom/site.py `check_release_folder`), so that no release is ever skipped in
    silence (and then taken down by the next publish). Hidden folders (`.name`) without a
    release.yaml are not releases; files beside the folders are not either. A folder that is
    a link to a place outside the newsroom is not read (its signature names where it leads)."""
    from generator.store import Store, digest, folder_signature, scan_folder

    store = store or Store.of(root)   # it hashes only regular files this process may read
    releases = os.path.join(root, RELEASES_DIR)
    if not os.path.isdir(releases):
        return {}
    inside, releases_real = os.path.realpath(root), os.path.realpath(releases)
    signatures = {}
    for folder in scan_folder(releases):
        if not _is_linked_folder(folder):   # a release folder may be a link to one; a loop is none
            continue
        # where it really is (a link is followed; a plain folder is where releases/ is: a
        # thousand realpath calls were a third of a no-op build)
        target = os.path.realpath(folder.path) if folder.is_symlink() else os.path.join(releases_real, folder.name)
        if not _within(target, inside):
            signatures[folder.name] = digest("outside", target)
            continue
        try:
            entries = scan_folder(folder.path)
            if folder.name.startswith(".") and not any(e.name == RELEASE_FILE for e in entries):
                continue
            signature = folder_signature(folder.path, entries, store)
        except OSError as exc:   # a folder smr may not read: loading it says so in words
            signature = f"unreadable:{exc.errno}"
        signatures[folder.name] = digest(signature, target) if folder.is_symlink() else signature
    return signatures


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# ---------------------------------------------------------------- the one rule for a path

NAME_MAX = 255   # bytes in one file or folder name, on every common file system


def name_too_long(value: str, what: str = "file") -> str | None:
    """Words for a path with a name longer than file systems allow (checked before the
    system is asked, which would only say "File name too long"), else None."""
    parts = value.replace("\\", "/").split("/")
    for index, part in enumerate(parts):
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            what = "folder" if index < len(parts) - 1 else what
            shown = part if len(part) <= 40 else part[:30] + "…" + part[-8:]
            return (f"the name {shown!r} is {size:,} bytes long, and a {what} name has at most {NAME_MAX} "
                    f"(a letter such as é takes 2): rename the {what} and give the new name here")
    return None


def usable_file(path: Path, base: Path, where: str, shown: str | None = None, instead: str | None = None) -> Path:
    """Where the file at `path` really is (every link followed), when it is a regular file
    inside `base` that smr can read; else ValueError in words naming `shown` (the path as
    the user wrote it). The one rule for every file smr reads from a newsroom: release.yaml,
    coverage.yaml, a body file, a photo, a document, the logo. It never opens what is not a
    regular file (a named pipe would block, a device never end). `instead` says what to do
    with something that is not a file, when "give a file" is not the advice."""
    shown = shown if shown is not None else path.name
    if (words := name_too_long(shown)) is not None:
        raise ValueError(words)
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ENOENT or exc.errno == errno.ENOTDIR:
            if os.path.islink(path):
                raise ValueError(f"{shown} is a symlink to a file that does not exist; replace it with "
                                 "the file itself") from None
            raise ValueError(f"file not found: {shown}") from None
        raise ValueError(os_error_words(exc, shown)) from None
    if not _within(str(target), os.path.realpath(base)):
        raise ValueError(f"is a symlink that points outside {where}")
    try:
        st = os.stat(target)
    except OSError as exc:
        raise ValueError(os_error_words(exc, shown)) from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"{shown} is {_kind(st.st_mode)}, not a file; {instead or _instead(st.st_mode)}")
    try:
        os.close(os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        raise ValueError(os_error_words(exc, shown)) from None
    return target


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _instead(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "give the path of a file in it"
    return "replace it with the file itself"


def os_error_words(exc: OSError, shown: str) -> str:
    """What the system said about a file, in smr's words (never its own)."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return (f"{shown} cannot be read: permission denied; give read access to it "
                "(e.g. chmod a+r) or replace it with a copy you can read")
    if code == errno.ELOOP:
        return (f"{Path(shown).name} is a symlink that leads back to itself (a loop); replace it with the file "
                "or folder it should be")
    if code == errno.ENAMETOOLONG:
        return f"the path {shown} is too long for this computer's file system: give a shorter one"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return f"file not found: {shown}"
    if code == errno.EISDIR:
        return f"{shown} is a folder, not a file; give the path of a file in it"
    return f"{shown} cannot be read (the system says: {exc.strerror or 'error ' + str(code)}); copy it again"


OWN_FOLDERS = ("assets", "templates")
PRIVATE_FOLDERS = ("outreach", ".smr-cache")   # what the newsroom keeps for itself
"""A newsroom's own folders whose files the site is made of as they are: assets are copied
into it, templates rendered."""


def own_folder_problems(root: Path) -> list:
    """Each file in the newsroom's assets/ and templates/ that smr would not copy or render:
    a link out of the newsroom (its target would be published), a named pipe (the build
    would wait for it forever), a device, a file smr may not read. `check` and `build` say
    the same (load_site asks here), before anything is written."""
    from generator.errors import Problem

    problems = []
    for name in OWN_FOLDERS:
        folder = root / name
        if not os.path.isdir(folder):
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            for entry in [*dirnames, *filenames]:
                path = Path(dirpath) / entry
                shown = path.relative_to(root).as_posix()
                if entry in dirnames and not os.path.islink(path):
                    continue
                if entry in dirnames:   # a linked folder: its files would be copied as they are
                    if not _within(os.path.realpath(path), os.path.realpath(root)):
                        problems.append(Problem(shown, 0, "", "is a symlink that points outside the newsroom "
                                                "folder; put the files themselves here"))
                    continue
                try:
                    target = usable_file(path, root, "the newsroom folder", entry,
                                         instead=f"smr copies or renders every file in {name}/: remove it from there")
                except ValueError as exc:
                    problems.append(Problem(shown, 0, "", str(exc)))
                    continue
                private = next((p for p in PRIVATE_FOLDERS if _within(str(target), os.path.realpath(root / p))), None)
                if private is not None:
                    problems.append(Problem(shown, 0, "", f"is a symlink to {target.relative_to(os.path.realpath(root))}, "
                                            f"private to the newsroom ({private}/ is never published); remove the link"))
    return problems


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
