"""Files written whole or not at all, and where smr keeps what it may recompute.

Every file smr writes for a user (caches, coverage.yaml, exports, feeds it fetched) goes
through `atomic_write` or `atomic_file`: a crash leaves the old file or the new one, never
half of one. `file_lock` keeps two smr processes out of each other's way (two builds into
one output, two publishes of one newsroom).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

CACHE_DIR = ".smr-cache"
MULTIPART_CHUNK = 8 * 1024 * 1024     # publish sends files above this in parts of this size


class LockTimeout(TimeoutError):
    """file_lock waited its timeout for another process to let go."""


def cache_dir(root: Path) -> Path:
    """`.smr-cache/` of a newsroom: always safe to delete, recomputed on the next run."""
    return Path(root) / CACHE_DIR


@contextlib.contextmanager
def atomic_file(path: Path, mode: int = 0o644):
    """Yield a temporary path beside `path`; when the block ends without error it becomes
    `path` (with permission `mode`), otherwise it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write `data` (text as UTF-8) to `path` whole or not at all."""
    with atomic_file(path, mode) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def file_lock(lock_file: Path, *, timeout: float | None = None, on_wait=None):
    """Hold an exclusive lock on `lock_file` for the block, waiting while another process
    holds it. The system releases a lock when its holder exits, even when killed.

    `on_wait()` is called once, before waiting, if the lock is taken. With a `timeout`
    (seconds), waiting longer raises LockTimeout. Yields False (and does not wait) when the
    lock file cannot be written, e.g. in a read-only newsroom.

    On POSIX a record lock (lockf), not flock: it belongs to this process alone, so the
    worker processes smr forks do not hold it, and a run killed while they still run does
    not keep the next one waiting. Being per process, it does not keep threads apart."""
    try:
        Path(lock_file).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    held = False
    try:
        if not _try_lock(fd):
            if on_wait is not None:
                on_wait()
            _wait_for_lock(fd, timeout)
        held = True
        yield True
    finally:
        if held:
            _unlock(fd)
        os.close(fd)


def _wait_for_lock(fd: int, timeout: float | None) -> None:
    if timeout is None:
        _lock(fd)
        return
    deadline = time.monotonic() + timeout
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise LockTimeout(f"still locked after {timeout:g} s")
        time.sleep(0.2)   # lockf has no timed wait: ask again, five times a second


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:   # EACCES or EAGAIN: someone else holds it
        return False


def _lock(fd: int) -> None:
    """Wait for the lock as long as it takes."""
    if sys.platform == "win32":
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # gives up after 10 s: keep waiting
                return
            except OSError:
                continue
    import fcntl

    fcntl.lockf(fd, fcntl.LOCK_EX)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.lockf(fd, fcntl.LOCK_UN)


def digests(path: Path) -> tuple[str, str]:
    """(MD5 of the file, the ETag S3 computes for it when publish sends it: that MD5, or the
    multipart form). The build records them with each file it writes, so publish reads no file twice."""
    import hashlib

    whole = hashlib.md5()
    parts = []
    with open(path, "rb") as fh:
        while chunk := fh.read(MULTIPART_CHUNK):
            whole.update(chunk)
            parts.append(hashlib.md5(chunk).digest())
    md5 = whole.hexdigest()
    if len(parts) <= 1:
        return md5, md5
    return md5, f"{hashlib.md5(b''.join(parts)).hexdigest()}-{len(parts)}"
