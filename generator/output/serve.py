"""`smr serve`: preview the site locally and build it again whenever a source changes.

watchfiles tells us what changed (inotify, FSEvents, ReadDirectoryChangesW): newsroom.yaml,
the logo, and anything under releases/, templates/ and assets/ — edits, deletions, renames
and new files alike. The HTTP server finds the output folder by path on every request, so it
serves the new site as soon as a rebuild has put it in place, and the old one until then.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.errors import SmrError

NEWSROOM_FILE = "newsroom.yaml"
SOURCE_FOLDERS = ("releases", "templates", "assets")
QUIET_MS = 50        # a burst of changes (an editor's save, a git checkout) ends after this much quiet,
DEBOUNCE_MS = 1600   # or after this long at most, and becomes one rebuild
IDLE_MS = 200        # how often the watch wakes while nothing changes (its first wake: it is watching)


def serve(root: Path, output: Path, build: Callable[[], object], *, host: str = "127.0.0.1", port: int = 8000,
          on_ready: Callable[[str], None] = print, on_error: Callable[[Exception], None] = print,
          stop: threading.Event | None = None) -> None:
    """Build, serve `output` on host:port, and build again after every change to the sources,
    until Ctrl+C or `stop` is set.

    The first build's error is raised (nothing to serve yet); a later one goes to `on_error`
    and the last good site stays served. `on_ready` gets the URL once the site is served and
    the sources are watched (the watch starts before the first build, so no change is missed)."""
    root = root.resolve()
    stop = stop or threading.Event()
    httpd = http_server(output, host, port)   # a taken port fails before the first build
    try:
        with contextlib.closing(watch_sources(root, stop)) as changes:
            next(changes, None)   # watching from here on
            build()
            with serving(httpd):
                on_ready(f"http://{host}:{httpd.server_address[1]}/")
                for batch in changes:
                    if batch:
                        rebuild(build, on_error)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()


def rebuild(build: Callable[[], object], on_error: Callable[[Exception], None]) -> None:
    """Build again; a failure (a typo in a release, a template, a file gone mid-build) is
    reported and the preview goes on with the last good site."""
    try:
        build()
    except Exception as exc:  # noqa: BLE001 - any error of one rebuild is for the user to fix, not the end
        on_error(exc)


class Sources:
    """The filter for watchfiles: is a changed path one of the newsroom's sources?

    Only newsroom.yaml, the logo and what is under releases/, templates/ and assets/ are:
    _site/, .smr-cache/ and a build's staging folder are not. Editor and system clutter
    (*.swp, *~, .#*, .DS_Store, __pycache__) is left out by watchfiles' DefaultFilter."""

    def __init__(self, root: Path):
        from watchfiles import DefaultFilter

        self.root = root
        self.not_clutter = DefaultFilter()
        self.folders = tuple(os.path.join(root, name) + os.sep for name in SOURCE_FOLDERS)
        self.files: set[str] = set()
        self.find_files()

    def find_files(self) -> None:
        """newsroom.yaml, the logo it names (anywhere in the newsroom), and the source folders
        themselves (deleted or renamed whole)."""
        logo = logo_file(self.root)
        self.files = {str(self.root / NEWSROOM_FILE), *(f[:-1] for f in self.folders), *([str(logo)] if logo else [])}

    def __call__(self, change, path: str) -> bool:
        return (path.startswith(self.folders) or path in self.files) and self.not_clutter(change, path)


def logo_file(root: Path) -> Path | None:
    """The logo newsroom.yaml names, read leniently: while the user edits, the file may be
    invalid and the logo may not exist yet."""
    from generator.newsroom.loader import load_yaml

    try:
        organization = load_yaml(root / NEWSROOM_FILE, NEWSROOM_FILE).data.get("organization")
    except (SmrError, OSError):
        return None
    logo = organization.get("logo") if isinstance(organization, dict) else None
    return Path(os.path.normpath(root / logo)) if isinstance(logo, str) and logo.strip() else None


def watch_sources(root: Path, stop: threading.Event) -> Iterator[set]:
    """Batches of changed sources, and an empty batch every IDLE_MS while nothing changes;
    the first batch comes once the watch is set up. Ends when `stop` is set."""
    import watchfiles

    sources = Sources(root)
    try:
        for batch in watchfiles.watch(root, watch_filter=sources, debounce=DEBOUNCE_MS, step=QUIET_MS,
                                      stop_event=stop, rust_timeout=IDLE_MS, yield_on_timeout=True):
            if batch:
                sources.find_files()   # newsroom.yaml may name another logo now
            yield batch
    except RuntimeError as exc:   # watchfiles' internal error: e.g. the system's limit of watches
        raise SmrError(f"cannot watch {root} for changes: {exc}") from None


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Files of the output folder, which is found by path on every request (a rebuild may have
    swapped in a new one); never kept by the browser, which would show an old page."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def http_server(output: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(output))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise SmrError(f"cannot serve on {host}:{port}: {exc.strerror}; choose another --port") from None


@contextlib.contextmanager
def serving(httpd: http.server.ThreadingHTTPServer):
    """Answer requests in a thread for the duration of the block."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        thread.join()
