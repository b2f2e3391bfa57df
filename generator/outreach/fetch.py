"""Download each blogger's feed into .smr-cache/feeds/, politely and defensively.

Timeouts (per read and in total), a size limit, conditional GET (ETag/Last-Modified),
a few downloads at a time, http(s) only. A feed that fails is reported and skipped;
the previous good copy stays in the cache. Everything after this step reads the cache.
"""

from __future__ import annotations

import hashlib
import json
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
        return text + (f": {self.detail}" if self.detail else "")


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
              workers: int = 4) -> list[Result]:
    """Fetch every blogger that has a feed_url or blog_url, `workers` at a time.

    Opted-out bloggers are fetched too: they get no mail, but their posts can still be
    coverage. Bloggers sharing one feed share one download.
    """
    from concurrent.futures import ThreadPoolExecutor

    shared: dict[str, object] = {}
    for blogger in bloggers:
        if blogger.feed_url or blogger.blog_url:
            shared.setdefault(cache_key(blogger), blogger)
    todo = list(shared.values())
    (cache_dir(root) / FEEDS_DIR).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda b: fetch_one(root, b, timeout=timeout, max_bytes=max_bytes), todo))


def fetch_one(root: Path, blogger, *, timeout: float, max_bytes: int, rediscover: bool = False) -> Result:
    body_path, meta_path = cache_paths(root, blogger)
    source = blogger.feed_url or blogger.blog_url
    name = blogger.blog or blogger.name
    meta = {} if rediscover else _read_meta(meta_path)
    try:
        feed_url = blogger.feed_url or meta.get("discovered") or ""
        notes = []
        if not feed_url:
            feed_url, body, response = _discover(blogger.blog_url, timeout, max_bytes)
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
            response = get(feed_url, timeout, max_bytes, headers)
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
        if not blogger.feed_url and meta.get("discovered") and not rediscover:
            # the blog may have moved its feed: look at the blog page again
            return fetch_one(root, blogger, timeout=timeout, max_bytes=max_bytes, rediscover=True)
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
    headers: dict
    body: bytes
    redirects: int
    permanent: bool = False  # every redirect was 301/308: the feed has moved for good


def get(url: str, timeout: float, max_bytes: int, headers: dict | None = None) -> Response:
    import http.client
    import urllib.error

    opener = _opener()
    deadline = time.monotonic() + timeout
    redirects, permanent = 0, True
    while True:
        _check_scheme(url)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                       "Accept-Encoding": "identity", **(headers or {})})
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"timed out after {timeout:g} s")
        try:
            with opener.open(request, timeout=remaining) as resp:
                body = _read_limited(resp, max_bytes, deadline, timeout)
                return Response(resp.status, url, dict(resp.headers.items()), body, redirects,
                                redirects > 0 and permanent)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(304, url, dict(exc.headers.items()), b"", redirects, redirects > 0 and permanent)
            if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                redirects += 1
                permanent = permanent and exc.code in (301, 308)
                if redirects > MAX_REDIRECTS:
                    raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
                url = urljoin(url, exc.headers["Location"])
                continue
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise FetchError(f"timed out after {timeout:g} s") from None
            raise FetchError(f"cannot connect: {reason}") from None
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except OSError as exc:
            raise FetchError(f"connection failed: {exc}") from None
        except (http.client.HTTPException, ValueError) as exc:  # bad status line, bad URL, ...
            raise FetchError(f"invalid HTTP answer: {exc.__class__.__name__} {exc}".strip()) from None


def _opener():
    """urllib would follow redirects itself; we follow them in get(), http(s) only, counted."""
    import urllib.request

    class StopRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # the 3xx is raised as HTTPError and get() decides

    return urllib.request.build_opener(StopRedirects())


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(f"refusing a non-http(s) URL: {url}")


def _read_limited(resp, max_bytes: int, deadline: float, timeout: float) -> bytes:
    length = resp.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"larger than the limit of {max_bytes} bytes")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s")
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
    return [urljoin(base, href) for href in parser.links]


def _discover(blog_url: str, timeout: float, max_bytes: int):
    """A blog page → its feed (from <link rel="alternate">), or the page itself if it is a feed."""
    page = get(blog_url, timeout, max_bytes)
    kind = page.headers.get("Content-Type", "").lower()
    if "html" not in kind:
        return page.url, page.body, page
    links = [u for u in discover_links(page.body.decode("utf-8", "replace"), page.url)
             if urlsplit(u).scheme in ("http", "https")]
    if not links:
        raise FetchError("no feed_url and the blog page has no <link rel=\"alternate\"> feed")
    response = get(links[0], timeout, max_bytes)
    return links[0], response.body, response


# ---------------------------------------------------------------- cache files

def _read_meta(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}

