"""Download each blogger's feed into .smr-cache/feeds/, politely and defensively.

One deadline per feed (the whole download: name lookup, connecting, every read, redirects),
a size limit, conditional GET (ETag/Last-Modified), a few feeds at a time, http(s) only, and
only from public internet addresses unless the newsroom allows private ones. A feed that
fails, for whatever reason, is one reported line; the others go on, and the previous good
copy stays in the cache. Everything after this step reads the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from generator.files import atomic_write, cache_dir

FEEDS_DIR = "feeds"   # in .smr-cache/
USER_AGENT = "smr-outreach/1 (+https://github.com/; press release newsroom)"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/xml", "text/xml")
MAX_REDIRECTS = 5
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass
class Result:
    """What happened to one blogger's feed; `status` is ok, not-modified, moved or failed."""

    name: str
    url: str
    status: str
    detail: str = ""
    entries: int = 0

    def line(self) -> str:
        text = f"{self.status:<12} {self.name} <{self.url}>"
        text += f": {self.detail}" if self.detail else ""
        # a server's words (reason phrase, Location, an error about its bytes) reach the terminal:
        # no escape sequences, no lone surrogates that cannot even be printed
        return _UNPRINTABLE.sub("\ufffd", text)


SHOWN_FAILURES = 5   # names in the summary line; every failure has its own line above it


def summary(results: list[Result]) -> str:
    """The last line of `smr outreach fetch`: "3 of 40 feeds failed: A, B, C; the other 37 are ready."
    (blog names, never addresses)."""
    failed = [r for r in results if r.status == "failed"]
    ready = len(results) - len(failed)
    if not failed:
        return f"{ready} feed{'' if ready == 1 else 's'} ready."
    names = ", ".join(r.name for r in failed[:SHOWN_FAILURES])
    if len(failed) > SHOWN_FAILURES:
        names += f" and {len(failed) - SHOWN_FAILURES} more (see above)"
    rest = f"; the other {ready} {'is' if ready == 1 else 'are'} ready" if ready else ""
    text = f"{len(failed)} of {len(results)} feeds failed: {names}{rest}."
    return _UNPRINTABLE.sub("\ufffd", text)


class FetchError(Exception):
    pass


def cache_key(blogger) -> str:
    """Named by the configured URL, not the person: the same blog shares one cache entry."""
    source = blogger.feed_url or blogger.blog_url or ""
    return hashlib.sha256(source.strip().encode()).hexdigest()[:32]


def cache_paths(root: Path, blogger) -> tuple[Path, Path]:
    base = cache_dir(root) / FEEDS_DIR / cache_key(blogger)
    return base.with_suffix(".xml"), base.with_suffix(".json")


def fetch_all(root: Path, bloggers: list, *, timeout: float = 10.0, max_bytes: int = 5_000_000,
              workers: int = 4, allow_private: bool = False) -> list[Result]:
    """Fetch every blogger that has a feed_url or blog_url, `workers` at a time.

    Opted-out bloggers are fetched too: they get no mail, but their posts can still be
    coverage. Bloggers sharing one feed share one download. One result per feed, in list
    order, whatever happens to any of them.
    """
    from concurrent.futures import ThreadPoolExecutor

    shared: dict[str, object] = {}
    for blogger in bloggers:
        if blogger.feed_url or blogger.blog_url:
            shared.setdefault(cache_key(blogger), blogger)
    todo = list(shared.values())
    (cache_dir(root) / FEEDS_DIR).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda b: fetch_one(root, b, timeout=timeout, max_bytes=max_bytes,
                                                 allow_private=allow_private), todo))


def fetch_one(root: Path, blogger, *, timeout: float, max_bytes: int, allow_private: bool = False) -> Result:
    """One feed within one deadline of `timeout` seconds; never raises for what a server sends."""
    deadline = Deadline(timeout)
    name = blogger.blog or blogger.name
    try:
        return _fetch(root, blogger, max_bytes, deadline, allow_private)
    except Exception as exc:  # noqa: BLE001 - a feed can break a parser in ways nobody lists
        # (feedparser raises UnicodeEncodeError on &#xD800;): that feed fails, the others go on
        return Result(name, blogger.feed_url or blogger.blog_url, "failed",
                      f"cannot read this feed: {exc.__class__.__name__}: {exc}")


def _fetch(root: Path, blogger, max_bytes: int, deadline: Deadline, allow_private: bool,
           rediscover: bool = False) -> Result:
    body_path, meta_path = cache_paths(root, blogger)
    source = blogger.feed_url or blogger.blog_url
    name = blogger.blog or blogger.name
    meta = {} if rediscover else _read_meta(meta_path)
    fetch = functools.partial(get, timeout=deadline.seconds, max_bytes=max_bytes,
                              allow_private=allow_private, deadline=deadline)
    try:
        feed_url = blogger.feed_url or meta.get("discovered") or ""
        notes = []
        if not feed_url:
            feed_url, body, response = _discover(blogger.blog_url, fetch)
            notes.append(f"feed found at {feed_url}")
        else:
            body, response = None, None
        if body is None:
            headers = {}
            if body_path.is_file() and meta.get("url") == feed_url:
                if meta.get("etag"):
                    headers["If-None-Match"] = meta["etag"]
                if meta.get("last_modified"):
                    headers["If-Modified-Since"] = meta["last_modified"]
            response = fetch(feed_url, headers=headers)
            if response.status == 304:
                return Result(name, feed_url, "not-modified", "; ".join(notes),
                              entries=len(parse(body_path.read_bytes()).entries))
            body = response.body
        parsed = parse(body)
        if not parsed.entries and (parsed.bozo or not parsed.feed):
            reason = getattr(parsed, "bozo_exception", None) or "no entries"
            raise FetchError(f"not an RSS or Atom feed ({reason})")
        if response.redirects:
            notes.append(f"moved to {response.url}; update feed_url" if response.permanent
                         else f"redirected to {response.url}")
        meta = {"url": feed_url, "final_url": response.url,
                "discovered": feed_url if not blogger.feed_url else None,
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified")}
        atomic_write(body_path, body)
        atomic_write(meta_path, json.dumps(meta, indent=1, sort_keys=True).encode())
        return Result(name, feed_url, "moved" if response.permanent else "ok", "; ".join(notes),
                      entries=len(parsed.entries))
    except FetchError as exc:
        if not blogger.feed_url and meta.get("discovered") and not rediscover and not deadline.passed():
            # the blog may have moved its feed: look at the blog page again
            return _fetch(root, blogger, max_bytes, deadline, allow_private, rediscover=True)
        return Result(name, source, "failed", str(exc))


def parse(body: bytes):
    import feedparser

    return feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)


def load_cached(root: Path, blogger):
    """The parsed feed from the cache, or None when it was never fetched."""
    body_path, meta_path = cache_paths(root, blogger)
    if not body_path.is_file():
        return None
    meta = _read_meta(meta_path)
    import feedparser

    return feedparser.parse(body_path.read_bytes(), response_headers={"content-location": meta.get("final_url") or ""})


# ---------------------------------------------------------------- HTTP

@dataclass
class Response:
    status: int
    url: str
    headers: object   # http.client.HTTPMessage: .get() ignores the case of the name
    body: bytes
    redirects: int
    permanent: bool = False  # every redirect was 301/308: the feed has moved for good


class Deadline:
    """One feed's whole time: name lookups, connecting, TLS, sending and every read, redirects
    and autodiscovery included. Each step gets only what is left."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def error(self) -> FetchError:
        return FetchError(f"timed out after {self.seconds:g} s")


def get(url: str, timeout: float, max_bytes: int, headers: dict | None = None, *,
        allow_private: bool = False, deadline: Deadline | None = None) -> Response:
    """GET `url`, following up to MAX_REDIRECTS redirects, all within one deadline.

    Every hop's host name is resolved and each of its addresses checked (no loopback, private,
    link-local, ... address unless `allow_private`); the connection then goes to a checked
    address, so a name that resolves differently a moment later changes nothing.
    """
    import http.client
    import ssl

    deadline = deadline or Deadline(timeout)
    redirects, permanent = 0, True
    while True:
        try:
            status, reason, answer, body = _request(url, max_bytes, headers or {}, deadline, allow_private)
        except FetchError as exc:   # after a redirect, say where to: that is what was refused
            raise FetchError(f"redirected to {url}: {exc}" if redirects and not deadline.passed()
                             else str(exc)) from None
        except TimeoutError:
            raise deadline.error() from None
        except ssl.SSLError as exc:   # a bad certificate too
            raise FetchError(f"secure connection failed: {exc.reason or exc}") from None
        except (http.client.HTTPException, ValueError, UnicodeError) as exc:  # bad status line, bad URL...
            raise FetchError(f"invalid HTTP answer: {exc.__class__.__name__} {exc}".strip()) from None
        except OSError as exc:  # refused, reset, unreachable; or cut off by the deadline
            if deadline.passed():
                raise deadline.error() from None
            raise FetchError(f"connection failed: {exc.strerror or exc}") from None
        if status == 304:
            return Response(304, url, answer, b"", redirects, redirects > 0 and permanent)
        if status in (301, 302, 303, 307, 308) and answer.get("Location"):
            redirects += 1
            permanent = permanent and status in (301, 308)
            if redirects > MAX_REDIRECTS:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")
            try:
                url = urljoin(url, answer["Location"].strip())
            except ValueError:
                raise FetchError(f"redirected to an invalid address: {answer['Location']}") from None
            continue
        if not 200 <= status < 300:
            raise FetchError(f"HTTP {status} {reason}".strip())
        return Response(status, url, answer, body, redirects, redirects > 0 and permanent)


def _request(url: str, max_bytes: int, headers: dict, deadline: Deadline, allow_private: bool):
    """One GET without following redirects: (status, reason, headers, body)."""
    from urllib.parse import quote

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refusing a non-http(s) URL: {url}")
    try:
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        ascii_host = host.encode("idna").decode("ascii")   # bücher.example → xn--bcher-kva.example
    except (ValueError, UnicodeError):
        ascii_host = ""
    if not ascii_host:
        raise FetchError(f"not a valid web address: {url}")
    addresses = resolve(ascii_host, port, deadline, shown=host)
    for address in addresses:
        check_address(host, address, allow_private)
    target = quote(parts.path or "/", safe=_URL_SAFE) + ("?" + quote(parts.query, safe=_URL_SAFE + "?")
                                                          if parts.query else "")
    conn = _connection_class()(ascii_host, port, addresses, deadline, tls=scheme == "https",
                       allow_private=allow_private)
    try:
        conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                             **headers})
        resp = conn.getresponse()
        body = _read_limited(resp, max_bytes, deadline) if 200 <= resp.status < 300 else b""
        return resp.status, resp.reason, resp.headers, body
    finally:
        conn.close()


_URL_SAFE = "/%:@!$&'()*+,;=-._~"


def resolve(host: str, port: int, deadline: Deadline, shown: str = "") -> list[str]:
    """The host's addresses, looked up within the deadline (the system's resolver has no timeout
    of its own, so it runs in a thread the fetch stops waiting for)."""
    import socket
    import threading

    found: dict = {}

    def lookup():
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True, name=f"smr-dns-{host}")
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.error()
    if "error" in found:
        raise FetchError(f"cannot find the server {shown or host}")
    addresses = list(dict.fromkeys(info[4][0] for info in found["infos"]))
    if not addresses:
        raise FetchError(f"cannot find the server {shown or host}")
    return addresses


def address_problem(address: str) -> str | None:
    """Why smr does not fetch from this IP address, in words; None for a public address.

    An IPv6 address that carries an IPv4 one (::ffff:127.0.0.1, 6to4, NAT64) is judged by it."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an internet address"
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and address_problem(str(embedded)):
            return address_problem(str(embedded))
    if ip.is_unspecified:
        return NEVER[0]
    if ip.is_multicast:
        return NEVER[1]
    if ip == ipaddress.IPv4Address("255.255.255.255"):
        return NEVER[2]
    if ip.is_loopback:
        return "an address of this computer (loopback)"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private network address"
    if not ip.is_global:
        return "not a public internet address"
    return None


NEVER = ("the unspecified address", "a multicast address", "the broadcast address")
"""Never a web server, whatever the newsroom allows (0.0.0.0 even reaches this computer)."""


def check_address(host: str, address: str, allow_private: bool) -> None:
    """Refuse `address` (what `host` resolved to) unless it is public, or private and allowed."""
    problem = address_problem(address)
    if problem is None or (allow_private and problem not in NEVER):
        return
    what = f"{host} is {address}," if host != address else f"{address} is"
    if problem in NEVER:
        raise FetchError(f"refused: {what} {problem}, never a web server's")
    raise FetchError(f"refused: {what} {problem}, not a public web server (feeds on an "
                     "intranet: set outreach: {allow_private: true} in newsroom.yaml)")


@functools.cache
def _connection_class():
    """Made on first use: http.client, ssl and socket are imported only when something is fetched."""
    import http.client
    import io
    import socket
    import ssl

    tls_context = ssl.create_default_context()   # certificates checked against the host name

    class DeadlineReader(io.RawIOBase):
        """What http.client reads the answer through: every read gets the time that is left."""

        def __init__(self, sock, deadline: Deadline):
            self.sock, self.deadline = sock, deadline
            self.raw = sock.makefile("rb", buffering=0)   # keeps the socket open while it is read

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            self.sock.settimeout(self.deadline.remaining())
            return self.raw.readinto(buffer)

        def close(self) -> None:
            self.raw.close()
            super().close()

    class DeadlineSocket:
        def __init__(self, sock, deadline: Deadline):
            self.sock, self.deadline = sock, deadline

        def sendall(self, data) -> None:
            self.sock.settimeout(self.deadline.remaining())   # sendall's timeout is its total
            self.sock.sendall(data)

        def makefile(self, mode: str = "rb", *args, **kwargs):
            return io.BufferedReader(DeadlineReader(self.sock, self.deadline))

        def close(self) -> None:
            self.sock.close()

    class Connection(http.client.HTTPConnection):
        """HTTP(S) to one of the checked addresses, with the Host header and TLS name of the host."""

        def __init__(self, host: str, port: int, addresses: list[str], deadline: Deadline, *,
                     tls: bool, allow_private: bool):
            super().__init__(host, port)
            self.addresses, self.deadline, self.tls = addresses, deadline, tls
            self.allow_private = allow_private
            self.default_port = 443 if tls else 80   # the Host header leaves out the usual port

        def connect(self) -> None:
            error: OSError | None = None
            for address in self.addresses:
                try:
                    sock = socket.create_connection((address, self.port), timeout=self.deadline.remaining())
                except OSError as exc:
                    error = exc
                    continue
                try:
                    # the peer is an address that was checked, before a byte is sent
                    check_address(self.host, sock.getpeername()[0], self.allow_private)
                    if self.tls:
                        sock.settimeout(self.deadline.remaining())   # the handshake's total
                        sock = tls_context.wrap_socket(sock, server_hostname=self.host)
                except BaseException:
                    sock.close()
                    raise
                self.sock = DeadlineSocket(sock, self.deadline)
                return
            raise error or OSError("no address to connect to")

    return Connection


def _read_limited(resp, max_bytes: int, deadline: Deadline) -> bytes:
    length = resp.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"larger than the limit of {max_bytes} bytes")
    chunks, size = [], 0
    while True:
        deadline.remaining()
        chunk = resp.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than the limit of {max_bytes} bytes")
        chunks.append(chunk)


# ---------------------------------------------------------------- autodiscovery

class _AlternateLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "link":
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        if "alternate" in rels and a.get("type", "").lower().split(";")[0].strip() in FEED_TYPES and a.get("href"):
            self.links.append(a["href"])


def discover_links(html: str, base: str) -> list[str]:
    parser = _AlternateLinks()
    parser.feed(html)
    links = []
    for href in parser.links:
        try:
            links.append(urljoin(base, href.strip()))
        except ValueError:  # e.g. "http://[::1": not an address at all
            continue
    return links


def _discover(blog_url: str, fetch):
    """A blog page → its feed (from <link rel="alternate">), or the page itself if it is a feed.
    The feed's address is fetched like any other: same deadline, same address checks."""
    page = fetch(blog_url)
    kind = page.headers.get("Content-Type", "").lower()
    if "html" not in kind:
        return page.url, page.body, page
    links = [u for u in discover_links(page.body.decode("utf-8", "replace"), page.url)
             if urlsplit(u).scheme in ("http", "https")]
    if not links:
        raise FetchError("no feed_url and the blog page has no <link rel=\"alternate\"> feed")
    response = fetch(links[0])
    return links[0], response.body, response


# ---------------------------------------------------------------- cache files

def _read_meta(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}

