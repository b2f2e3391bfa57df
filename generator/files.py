"""Files written whole or not at all, and where smr keeps what it may recompute.

Every file smr writes for a user (caches, coverage.yaml, exports, feeds it fetched) goes
through `atomic_write` or `atomic_file`: a crash leaves the old file or the new one, never
half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

CACHE_DIR = ".smr-cache"


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
