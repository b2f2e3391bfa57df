"""A real HTTP server on 127.0.0.1 serving the outreach fixture feeds, and a newsroom with
the fixture blogger list. Each odd case a real blog can throw at `smr outreach fetch` has
its own path: slow, 404, redirect, HTML with autodiscovery, 304 on a conditional GET.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

DATA = Path(__file__).resolve().parent.parent / "data" / "outreach"
FEEDS = DATA / "feeds"
ETAG = '"v1-garden"'
LOWER_ETAG, LOWER_MODIFIED = '"v1-lower"', "Sun, 22 Nov 2026 10:00:00 GMT"
SLOW_SECONDS = 3
DRIP_BYTES = 30   # one a second: far longer than any deadline a test gives
ENCODED_WORD = "=?utf-8?q?Bcc=3A_x=40evil=2Eexample?="   # decoded, it would read "Bcc: x@evil.example"
IDN_FEED = "http://bücher.invalid/feed.xml"   # .invalid never resolves (RFC 6761)

HOSTILE_FEEDS = {   # what fuzzing found to break `smr outreach fetch` (issue #15)
    "/hostile/surrogate.xml": (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lone half</title>'
        '<item><title>A lone surrogate &#xD800; in a title</title><link>https://x.example.org/1</link>'
        '<description>feedparser raises UnicodeEncodeError on it</description></item></channel></rss>'),
    "/hostile/encoded-word.xml": (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{ENCODED_WORD}</title>'
        f'<item><title>{ENCODED_WORD}</title><author>enc@example.nl ({ENCODED_WORD})</author>'
        '<link>http://bücher.example/2026/webcare</link>'
        '<description>&lt;a href="http://xn--bcher-kva.example/"&gt;IDN link&lt;/a&gt; #webcare</description>'
        '</item></channel></rss>'),
}
HEADER_ROW = "email,name,blog,blog_url,feed_url,topics,language,notes,opt_out\n"
MANY_POSTS = 520    # more than the MAX_LIST (500) entries a coverage.yaml may hold
LONG_TITLE = "Testbedrijf start een webcareteam " * 12   # 408 characters: more than MAX_TITLE
WIDE_NAME = "\U0001F642" * 6000                        # more than MAX_TEXT, four bytes each in UTF-8


def many_posts(feed_title: str) -> str:
    """One blog with MANY_POSTS posts that all link to the Dutch release, one a day back from
    26 November 2026: a feed that once made a coverage.yaml no check would accept."""
    import datetime as dt
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    newest = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
    items = "".join(
        f"<item><title>{escape(LONG_TITLE)}{i}</title><link>https://veel.example.nl/{i}</link>"
        f"<pubDate>{format_datetime(newest - dt.timedelta(days=i))}</pubDate>"
        f"<description>&lt;a href=\"https://pers.example.org/2026-11-24-webcareteam/\"&gt;het nieuws&lt;/a&gt;"
        f"</description></item>" for i in range(MANY_POSTS))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(feed_title)}'
            f'</title><link>https://veel.example.nl/</link>{items}</channel></rss>')


HOSTILE_FEEDS["/hostile/many.xml"] = many_posts("Veel over webcare")
HOSTILE_FEEDS["/hostile/many-wide.xml"] = many_posts("Veel \x85 " + WIDE_NAME)   # a C1 control, then 6,000 wide
IDN_BLOG = (f'<html><head><link rel="alternate" type="application/rss+xml" href="{IDN_FEED}">'
            '</head><body>A blog whose feed lives on an IDN host</body></html>')


class Handler(BaseHTTPRequestHandler):
    requests: list = []  # (path, headers) of every request, for assertions

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        type(self).requests.append((self.path, dict(self.headers.items())))
        path, _, query = self.path.partition("?")
        delay = parse_qs(query).get("delay")
        if delay:  # benchmarks: a server far away
            time.sleep(min(float(delay[0]), 1.0))
        if path == "/slow.xml":
            time.sleep(SLOW_SECONDS)
            return self._send(200, (FEEDS / "garden-en.xml").read_bytes(), "application/rss+xml")
        if path == "/missing.xml":
            return self._send(404, b"not found", "text/plain")
        if path in ("/redirect.xml", "/temporary.xml"):
            self.send_response(301 if path == "/redirect.xml" else 302)
            self.send_header("Location", "/feeds/support-en.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/blog/":
            return self._send(200, (FEEDS / "blog.html").read_bytes(), "text/html; charset=utf-8")
        if path == "/etag.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            return self._send(200, (FEEDS / "garden-en.xml").read_bytes(), "application/rss+xml",
                              {"ETag": ETAG, "Last-Modified": "Sun, 22 Nov 2026 10:00:00 GMT"})
        if path.startswith("/lower/"):
            return self._lower_case(path)
        if path == "/garbage.xml":  # not HTTP at all
            self.wfile.write(b"HELLO THERE\r\n\r\n")
            self.close_connection = True
            return
        if path == "/huge.xml":
            return self._send(200, b"<rss>" + b" " * 200_000 + b"</rss>", "application/rss+xml")
        if path.startswith("/hostile/"):
            return self._hostile(path)
        if path.startswith("/feeds/"):
            file = FEEDS / path[len("/feeds/"):]
            if file.is_file() and file.parent == FEEDS:
                kind = "text/html" if file.suffix == ".html" else "application/xml"
                return self._send(200, file.read_bytes(), kind)
        return self._send(404, b"not found", "text/plain")

    def _lower_case(self, path: str):
        """Header names as some servers write them (Python's own http.server: `Content-type`):
        HTTP says their case means nothing. A blog page that names its feed, and the feed with
        lower-case validators that answers a conditional GET with 304."""
        if path == "/lower/blog/":
            page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/lower/feed.xml"></head></html>'
            return self._raw(200, page, {"content-type": "text/html; charset=utf-8"})
        if path == "/lower/feed.xml":
            if self.headers.get("if-none-match") == LOWER_ETAG or \
                    self.headers.get("if-modified-since") == LOWER_MODIFIED:
                return self._raw(304, b"", {"etag": LOWER_ETAG})
            return self._raw(200, (FEEDS / "garden-en.xml").read_bytes(),
                             {"Content-type": "application/rss+xml", "etag": LOWER_ETAG,
                              "last-modified": LOWER_MODIFIED})
        return self._send(404, b"not found", "text/plain")

    def _raw(self, status: int, body: bytes, headers: dict):
        self.send_response(status)
        for key, value in headers.items():   # written as given: send_header keeps the case
            self.send_header(key, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _hostile(self, path: str):
        if path in HOSTILE_FEEDS:
            return self._send(200, HOSTILE_FEEDS[path].encode("utf-8"), "application/rss+xml")
        if path == "/hostile/idn-blog/":
            return self._send(200, IDN_BLOG.encode("utf-8"), "text/html; charset=utf-8")
        if path == "/hostile/zero-blog/":  # its feed "lives" on 0.0.0.0, which reaches this computer
            page = (f'<link rel="alternate" type="application/atom+xml" '
                    f'href="http://0.0.0.0:{self.server.server_address[1]}/feeds/support-en.xml">')
            return self._send(200, page.encode("utf-8"), "text/html")
        if path == "/hostile/drip.xml":  # quick headers, then the body one byte a second
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            return self._drip((FEEDS / "garden-en.xml").read_bytes()[:DRIP_BYTES])
        if path == "/hostile/drip-head.xml":  # even the status line comes one byte a second
            return self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n" + b"X: y\r\n" * 10)
        if path in ("/hostile/to-unspecified.xml", "/hostile/to-loopback.xml"):
            host = "0.0.0.0" if path == "/hostile/to-unspecified.xml" else "localhost"
            self.send_response(302)
            self.send_header("Location", f"http://{host}:{self.server.server_address[1]}/feeds/support-en.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        return self._send(404, b"not found", "text/plain")

    def _drip(self, data: bytes):
        for byte in data:
            try:
                self.wfile.write(bytes([byte]))
            except OSError:
                return  # the client gave up, as it should
            time.sleep(1)
        self.close_connection = True

    def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow feed): that is the point


class FeedServer:
    def __init__(self):
        Handler.requests = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list:
        return Handler.requests

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def fill(template: str, base: str) -> str:
    return template.replace("{base}", base)


def bloggers_csv(base: str) -> str:
    return fill((DATA / "bloggers.csv").read_text("utf-8"), base)


RELEASE_NL = """\
title: "Testbedrijf start een webcareteam"
language: nl
date: 2026-11-24T09:00:00+01:00
embargo: 2026-11-24T09:00:00+01:00
summary: Vanaf vandaag beantwoordt een team van vijf medewerkers alle vragen van klanten via sociale media binnen een uur.
facts:
  - Antwoord binnen een uur via X en Facebook
tags: [klantenservice, sociale media]
hashtags: [webcare]
translations: [../2026-11-24-webcare-team-en]
"""

RELEASE_EN = """\
title: "Testbedrijf launches a webcare team"
language: en
date: 2026-11-24T09:00:00+01:00
embargo: 2026-11-24T09:00:00+01:00
summary: From today a team of five answers customer questions on social media within an hour.
facts:
  - An answer within the hour on X and Facebook
tags: [customer service, social media]
hashtags: [webcare]
translations: [../2026-11-24-webcareteam]
"""

NL_SLUG = "2026-11-24-webcareteam"
EN_SLUG = "2026-11-24-webcare-team-en"
RELEASE_URL = f"https://pers.example.org/{NL_SLUG}/"
NL_PREVIEW = f"https://pers.example.org/_preview/nl-token/{NL_SLUG}/"   # as `smr preview` records them
EN_PREVIEW = f"https://pers.example.org/_preview/en-token/{EN_SLUG}/"

OUTREACH_SETTINGS = """\
outreach:
  list: outreach/bloggers.csv
  from_name: Sanne Jansen
  from_email: pers@example.org
  allow_private: true   # the test feed server is on 127.0.0.1
"""


# ---------------------------------------------------------------- helpers

def make_newsroom(root: Path, base: str):
    from tests.conftest import NEWSROOM_YAML, Newsroom

    room = Newsroom(root)
    room.write("newsroom.yaml", NEWSROOM_YAML + OUTREACH_SETTINGS)
    room.release(NL_SLUG, RELEASE_NL)
    room.release(EN_SLUG, RELEASE_EN)
    room.write("outreach/bloggers.csv", bloggers_csv(base))
    return room


def smr(*args: str):
    """Run `smr ARGS` with click's CliRunner, stdout and stderr kept apart."""
    from click.testing import CliRunner

    from generator.cli import main

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps them apart
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)
