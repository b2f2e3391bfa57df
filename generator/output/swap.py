"""Put a freshly built site in place of the live one in one step.

A reader of `_site/` must see the old site or the new one: never a mix, never nothing.
Moving files into the live folder one by one shows a mix, and two renames (site → aside,
staging → site) leave a moment with no site at all, forever if the build is killed between
them. So the staging folder and the site are exchanged by one system call:
renameat2(RENAME_EXCHANGE) on Linux (glibc 2.28+), renamex_np(RENAME_SWAP) on macOS.
Elsewhere, or where the file system refuses the call, the two renames are used, and the
next build first puts back a site that a killed build had set aside (`recover`).

Staging and set-aside folders sit beside the output (`._site.tmp-*`, `._site.old-*`); a
build removes those that killed builds left. Builds into one output take a lock first
(`output_lock`, on `files.file_lock`), so that one never removes a folder another is still using.

The marker file `.smr-site` says a folder is an smr build (the only kind smr replaces);
its identity (inode, mtime) names one build's site, so that records kept for one site are
never used for another.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

from generator.files import file_lock

SITE_MARKER = ".smr-site"


def staging_folder(output: Path) -> Path:
    """A new, empty folder beside `output` to render the next site into."""
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))


def mark(folder: Path) -> tuple[int, int]:
    """Write the marker into a staged site; returns the identity it will have when live."""
    marker = folder / SITE_MARKER
    marker.write_text("written by smr; replaced on every build\n", "utf-8")
    return identity(folder)


def identity(folder: Path) -> tuple[int, int] | None:
    """Which build's site `folder` holds: its marker's inode and mtime (None: no smr site).

    Every build writes a new marker, and renames keep it as it is, so records that name
    this identity describe exactly the files in the folder."""
    try:
        st = os.stat(folder / SITE_MARKER)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def swap_in(staging: Path, output: Path) -> Path | None:
    """Make the finished `staging` folder the site at `output`. Returns the folder that now
    holds the old site, for the caller to remove once it has recorded the new one."""
    os.chmod(staging, 0o755)
    if not os.path.lexists(output):
        os.rename(staging, output)
        return None
    if exchange(staging, output):
        return staging
    return swap_by_renames(staging, output)


def swap_by_renames(staging: Path, output: Path) -> Path:
    """The fallback: set the site aside, move staging in; `recover` undoes a kill between."""
    aside = output.with_name(f".{output.name}.old-{os.getpid()}")
    os.rename(output, aside)
    os.rename(staging, output)
    return aside


def remove(old_site: Path | None) -> None:
    """Remove a site that was swapped out (a kill halfway leaves it to the next build)."""
    if old_site is not None:
        shutil.rmtree(old_site, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    if sys.platform.startswith("linux"):
        call = _libc_function("renameat2")
        args = (-100, os.fsencode(a), -100, os.fsencode(b), 2)  # AT_FDCWD, RENAME_EXCHANGE
    elif sys.platform == "darwin":
        call = _libc_function("renamex_np")
        args = (os.fsencode(a), os.fsencode(b), 2)               # RENAME_SWAP
    else:
        return False
    if call is None:
        return False
    if call(*args) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _libc_function(name: str):
    """A function of the C library, or None when this one lacks it (glibc before 2.28)."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


def leftovers(output: Path, kind: str) -> list[Path]:
    """Staging ("tmp") or set-aside ("old") folders of `output`'s builds, newest last."""
    prefix = f".{output.name}.{kind}-"
    try:
        found = [Path(e.path) for e in os.scandir(output.parent)
                 if e.name.startswith(prefix) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_ctime_ns)


def recover(output: Path) -> bool:
    """Put back the site that a build killed between its two renames had set aside."""
    aside = leftovers(output, "old")
    if os.path.lexists(output) or not aside:
        return False
    os.rename(aside[-1], output)
    return True


def remove_leftovers(output: Path) -> None:
    """Remove what killed builds left beside `output`. Only call it holding the lock."""
    for folder in leftovers(output, "tmp") + leftovers(output, "old"):
        shutil.rmtree(folder, ignore_errors=True)


def output_lock(lock_file: Path):
    """Wait until no other build into the same output runs; yields False (and does not
    wait) when the lock file cannot be written, e.g. in a read-only newsroom."""
    return file_lock(lock_file)
