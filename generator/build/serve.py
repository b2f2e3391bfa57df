"""`smr serve`: preview the site locally and rebuild when a source file changes.

Polling (no extra dependency): every second the newest mtime under the newsroom's
sources is compared with the last build's.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Callable

from generator.errors import SmrError

WATCHED = ("newsroom.yaml", "releases", "templates", "assets")


def newest_change(root: Path) -> float:
    latest = 0.0
    for name in WATCHED:
        path = root / name
        if path.is_file():
            latest = max(latest, path.stat().st_mtime)
        elif path.is_dir():
            for p in path.rglob("*"):
                try:
                    latest = max(latest, p.stat().st_mtime)
                except OSError:
                    pass
    return latest


def watch(root: Path, rebuild: Callable[[], None], stop: threading.Event, interval: float = 1.0) -> None:
    seen = newest_change(root)
    while not stop.wait(interval):
        current = newest_change(root)
        if current != seen:
            seen = current
            rebuild()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def serve(root: Path, output: Path, rebuild: Callable[[], None], host: str = "127.0.0.1",
          port: int = 8000, on_ready: Callable[[str], None] = print,
          stop: threading.Event | None = None) -> None:
    """Serve `output` until interrupted (or `stop` is set); `rebuild` runs on every change."""
    # The folder is found by path on every request, so a rebuild's swap is picked up.
    handler = functools.partial(_QuietHandler, directory=str(output))
    try:
        httpd = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise SmrError(f"cannot serve on {host}:{port}: {exc.strerror}; choose another --port") from None
    stop = stop or threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    server = threading.Thread(target=httpd.serve_forever, daemon=True)
    server.start()
    on_ready(f"Serving {output} on http://{host}:{httpd.server_address[1]}/ (Ctrl+C stops)")
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
