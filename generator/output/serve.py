"""`smr serve`: preview the site locally, build it again whenever a source changes, and
reload the open pages.

watchfiles tells us what changed (inotify, FSEvents, ReadDirectoryChangesW): newsroom.yaml,
the logo, and anything under releases/, templates/ and assets/ — edits, deletions, renames
and new files alike. The HTTP server finds the output folder by path on every request, so it
serves the new site as soon as a rebuild has put it in place, and the old one until then.
A rebuild runs under a lock that requests wait for, so no request sees a half-applied change.

Live reload is serve's own, in memory: every HTML page it answers gets one `<script>` that
loads /__smr/reload.js (same origin, so the pages' `script-src 'self'` allows it), naming the
build the page came from. The script listens to /__smr/events, a Server-Sent Events stream
on the same server that says which build is served and the last rebuild's problems (the
terminal's one-line messages): another build reloads the page, problems show over it. One
shared worker holds the stream for all tabs (templates/serve/). The files in the output
folder, the published site, never contain any of it.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import io
import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import SmrError

NEWSROOM_FILE = "newsroom.yaml"
SOURCE_FOLDERS = ("releases", "templates", "assets")
QUIET_MS = 50        # a burst of changes (an editor's save, a git checkout) ends after this much quiet,
DEBOUNCE_MS = 1600   # or after this long at most, and becomes one rebuild
IDLE_MS = 200        # how often the watch wakes while nothing changes (its first wake: it is watching)

LIVE_PATH = "/__smr/"                 # serve's own URLs; no built site has a folder of this name
EVENTS_PATH = LIVE_PATH + "events"
CLIENT_PATH = LIVE_PATH + "reload.js"
CLIENT_FILES = {CLIENT_PATH: "reload.js", LIVE_PATH + "worker.js": "worker.js"}
KEEPALIVE_S = 15     # an idle event stream sends a comment this often, to notice a closed tab
RETRY_MS = 1000      # how soon a page reconnects (a restarted serve reloads it)


def serve(root: Path, output: Path, build: Callable[[Callable], object], *, host: str = "127.0.0.1", port: int = 8000,
          on_ready: Callable[[str], None] = print, on_error: Callable[[Exception], None] = print,
          stop: threading.Event | None = None, index: Callable[[Callable], object] | None = None) -> None:
    """Build, serve `output` on host:port, and build again after every change to the sources,
    until Ctrl+C or `stop` is set. `build(applying)` must put the new site in place inside
    `with applying():`, which holds requests off meanwhile (rendering goes on while they are
    answered from the site before).

    The first build's error is raised (nothing to serve yet); a later one goes to `on_error`
    and to the open pages, and the last good site stays served. `on_ready` gets the URL once
    the site is served and the sources are watched (the watch starts before the first build,
    so no change is missed). `index(applying)`, when given, runs after each good build in a
    thread of its own (the search index: the page shows first, its search catches up); a
    build waits for one under way, as two builds of one folder never run together."""
    root = root.resolve()
    stop = stop or threading.Event()
    live = LiveSite()
    indexer = Indexer(index, live, on_error)
    build = indexer.guarded(build)
    httpd = http_server(output, host, port, live)   # a taken port fails before the first build
    try:
        with contextlib.closing(watch_sources(root, stop)) as changes:
            next(changes, None)   # watching from here on
            build(live.applying)
            live.good()
            indexer.request()
            with serving(httpd):
                on_ready(f"http://{host}:{httpd.server_address[1]}/")
                for batch in changes:
                    if batch and rebuild(build, on_error, live):
                        indexer.request()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        indexer.close()
        live.close()   # ends every event stream
        httpd.server_close()


class Indexer:
    """Runs `index(applying)` in a background thread whenever asked (once more, however often
    it was asked meanwhile), never at the same time as a build of the same folder."""

    def __init__(self, index: Callable[[Callable], object] | None, live: "LiveSite",
                 on_error: Callable[[Exception], None]):
        self.index, self.live, self.on_error = index, live, on_error
        self.lock = threading.Lock()       # one build of the output folder at a time
        self.wanted = threading.Event()
        self.closing = False
        self.thread = None
        if index is not None:
            self.thread = threading.Thread(target=self._run, name="smr-search-index", daemon=True)
            self.thread.start()

    def guarded(self, build: Callable[[Callable], object]) -> Callable[[Callable], object]:
        def locked(applying):
            with self.lock:
                return build(applying)
        return locked

    def request(self) -> None:
        if self.thread is not None:
            self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            if self.closing:
                return
            with self.lock:
                try:
                    self.index(self.live.applying)
                except Exception as exc:  # noqa: BLE001 - the next good build tries again
                    self.on_error(exc)

    def close(self) -> None:
        self.closing = True
        if self.thread is not None:
            self.wanted.set()
            self.thread.join(timeout=60)


def rebuild(build: Callable[[Callable], object], on_error: Callable[[Exception], None], live: LiveSite) -> bool:
    """Build again, putting the new site in place while no request is being answered; a
    failure (a typo in a release, a template, a file gone mid-build) is reported and the
    preview goes on with the last good site."""
    try:
        build(live.applying)
    except Exception as exc:  # noqa: BLE001 - any error of one rebuild is for the user to fix, not the end
        on_error(exc)
        live.failed(problem_lines(exc))
        return False
    live.good()
    return True


def problem_lines(exc: Exception) -> list[str]:
    """What a failed rebuild says, one line per problem (file:line: field: message), as the
    terminal shows it and the open pages' overlay."""
    if isinstance(exc, SmrError):
        return [str(problem) for problem in exc.problems]
    return [" ".join(f"{type(exc).__name__}: {exc}".split())]


class SiteLock:
    """Many requests read the site at once; a rebuild changes it alone. A waiting rebuild
    goes first, so a stream of requests cannot hold it off."""

    def __init__(self):
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextlib.contextmanager
    def reading(self):
        with self._changed:
            self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def writing(self):
        with self._changed:
            self._writers_waiting += 1
            self._changed.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()


class LiveSite:
    """What the open pages hear: which build is served (a token, new after every good build
    and every start of serve) and the last rebuild's problems; the lock requests read under."""

    def __init__(self):
        self.lock = SiteLock()
        self._changed = threading.Condition()
        self._start = secrets.token_hex(4)
        self._builds = 0
        self.state: tuple[str, tuple[str, ...]] = ("", ())   # (build token, problems)
        self._closed = False

    @property
    def token(self) -> str:
        return self.state[0]

    def built(self) -> None:
        self._builds += 1
        self._set((f"{self._start}-{self._builds}", ()))

    def failed(self, problems: list[str]) -> None:
        self._set((self.token, tuple(problems)))

    @contextlib.contextmanager
    def applying(self):
        """What a build puts its new site in place within: requests wait, and once it is in
        place (before they go on) the pages hear of the new build."""
        with self.lock.writing():
            yield
            self.built()

    def good(self) -> None:
        """A build succeeded, whether it changed a file or not: its problems are gone."""
        if not self.token:
            self.built()
        elif self.state[1]:
            self._set((self.token, ()))

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _set(self, state) -> None:
        with self._changed:
            self.state = state
            self._changed.notify_all()

    def events(self) -> Iterator[bytes]:
        """An event stream: the state at once, then every change of it, and a comment now and
        then (a write is how a closed connection is noticed). Ends when serve stops."""
        yield f"retry: {RETRY_MS}\n\n".encode()
        told = None
        while True:
            with self._changed:
                self._changed.wait_for(lambda told=told: self._closed or self.state != told, timeout=KEEPALIVE_S)
                if self._closed:
                    return
                state = self.state
            if state == told:
                yield b": keep-alive\n\n"
                continue
            token, problems = state
            yield f"event: state\ndata: {json.dumps({'build': token, 'problems': list(problems)})}\n\n".encode()
            told = state


def reload_tag(token: str) -> bytes:
    return f'<script src="{CLIENT_PATH}" data-build="{html.escape(token)}"></script>'.encode()


def with_reload(page: bytes, token: str) -> bytes:
    """A served page with the reload client at the end of its body, and its Content-Security-
    Policy (if any) allowing that script and its event stream."""
    end = page.lower().rfind(b"</body>")
    end = len(page) if end < 0 else end
    head = CSP_META.sub(lambda m: allow_reload_in_meta(m.group(0)), page[:end])
    return head + reload_tag(token) + page[end:]


CSP_META = re.compile(rb"<meta\b[^>]*\bhttp-equiv\s*=\s*[\"']?content-security-policy\b[^>]*>", re.IGNORECASE)
CSP_CONTENT = re.compile(rb"(\bcontent\s*=\s*)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)


def allow_reload_in_meta(tag: bytes) -> bytes:
    """A CSP <meta> tag with its policy through `allow_reload`; byte for byte as built when
    that leaves the policy as it is."""
    def content(m: re.Match) -> bytes:
        policy = html.unescape(m.group(3).decode("utf-8", "replace"))
        served = allow_reload(policy)
        if served == policy:
            return m.group(0)
        return m.group(1) + b'"' + html.escape(served, quote=True).encode() + b'"'

    return CSP_CONTENT.sub(content, tag, count=1)


def allow_reload(policy: str) -> str:
    """`policy` with 'self' allowed for scripts, workers and connections, where it was not:
    what the reload client needs. smr's own pages allow it already (script-src 'self', default-src
    'self'), so their policy is served as built; only a stricter override is changed."""
    directives = [d.split() for d in policy.split(";") if d.strip()]
    named = {d[0].lower(): d for d in directives}
    fallback = named.get("default-src")
    needed = ["script-src", "connect-src", *(name for name in ("script-src-elem", "worker-src", "child-src")
                                              if name in named)]
    changed = False
    for name in needed:
        directive = named.get(name)
        sources = directive[1:] if directive else (fallback[1:] if fallback else None)
        if sources is None or any(s.lower() in ("'self'", "*") for s in sources):
            continue
        allowed = [s for s in sources if s.lower() != "'none'"] + ["'self'"]
        if directive:
            directive[1:] = allowed
        else:
            directives.append([name, *allowed])
        changed = True
    return "; ".join(" ".join(d) for d in directives) if changed else policy


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
    """The logo newsroom.yaml names (read as builds read it: newsroom/paths.py), if any."""
    from generator.newsroom.paths import logo_named

    try:
        logo = logo_named((root / NEWSROOM_FILE).read_bytes())
    except OSError:
        return None
    return Path(os.path.normpath(root / logo)) if logo else None


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


def client_file(name: str) -> bytes:
    from generator.resources import builtin

    return (builtin("templates") / "serve" / name).read_bytes()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Files of the output folder, which is found by path on every request (a rebuild may have
    swapped in a new one), opened under the site lock; never kept by the browser, which would
    show an old page. HTML pages get the reload client; /__smr/ is serve's own."""

    def __init__(self, *args, live: LiveSite, **kwargs):
        self.live = live
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self.send_events()
        elif path.startswith(LIVE_PATH):
            self.send_own(path)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path.startswith(LIVE_PATH):
            self.send_error(405)
        else:
            super().do_HEAD()

    def send_head(self):
        """Headers, and the file to send, as one state of the site: the file is open (or, for a
        page, read) before a rebuild may change it; its bytes go out after the lock is let go."""
        with self.live.lock.reading():
            page = self.page_file()
            if page is None:
                return super().send_head()
            try:
                body = with_reload(Path(page).read_bytes(), self.live.token)
            except OSError:
                self.send_error(404)
                return None
            return self.send_bytes(body, self.guess_type(page))

    def page_file(self) -> str | None:
        """The HTML file a request names, itself or as its folder's index.html."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return None   # the base class redirects to the folder's URL
            path = os.path.join(path, "index.html")
        return path if path.endswith((".html", ".htm")) and os.path.isfile(path) else None

    def send_bytes(self, body: bytes, content_type: str) -> io.BytesIO:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_own(self, path: str) -> None:
        """The reload client and its shared worker (templates/serve/)."""
        name = CLIENT_FILES.get(path)
        if name is None:
            self.send_error(404)
            return
        body = self.send_bytes(client_file(name), "text/javascript; charset=utf-8")
        self.copyfile(body, self.wfile)

    def send_events(self) -> None:
        """The event stream, without the site lock: a page may listen for as long as it is open."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        self.close_connection = True
        try:
            for event in self.live.events():
                self.wfile.write(event)
        except OSError:   # the page was closed or reloaded
            pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def http_server(output: Path, host: str, port: int, live: LiveSite | None = None) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(output), live=live or LiveSite())
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise SmrError(f"cannot serve on {host}:{port}: {exc.strerror}; choose another --port") from None


@contextlib.contextmanager
def serving(httpd: http.server.ThreadingHTTPServer):
    """Answer requests in threads (daemon threads: an open event stream never keeps the
    process alive) for the duration of the block."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        thread.join()
