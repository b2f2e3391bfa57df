"""`smr outreach fetch` against a real HTTP server on 127.0.0.1 with every kind of feed."""

from __future__ import annotations

import json
import time

from generator.newsroom.model import Blogger
from generator.outreach.fetch import cache_paths, discover_links, fetch_one, load_cached
from tests.outreach.support import ETAG, SLOW_SECONDS, make_newsroom, smr


def blogger(url: str, **kw) -> Blogger:
    return Blogger(email="x@example.org", name="X", feed_url=url, **kw)


def test_rss_and_atom_feeds_are_cached_and_parse(fetched):
    results = fetched.fetch_results
    assert results["Webcare Weetjes"].status == "ok" and results["Webcare Weetjes"].entries == 3  # RSS 2.0
    assert results["Customer Care Notes"].status == "ok" and results["Customer Care Notes"].entries == 3  # Atom
    from generator.outreach.common import bloggers

    frank = next(b for b in bloggers(fetched.root).bloggers if b.name == "Frank Care")
    parsed = load_cached(fetched.root, frank)
    assert parsed.version == "atom10"
    assert parsed.entries[0].title == "A Dutch bakery answers customers within the hour #webcare"


def test_broken_slow_and_missing_feeds_are_reported_and_skipped(fetched):
    results = fetched.fetch_results
    assert results["Broken Blog"].status == "failed"
    assert results["Broken Blog"].detail.startswith("not an RSS or Atom feed")
    assert results["Slow Blog"].status == "failed"
    assert results["Slow Blog"].detail == "timed out after 1 s"
    assert results["Gone Blog"].status == "failed"
    assert results["Gone Blog"].detail == "HTTP 404 Not Found"
    # the rest went on: every other feed is ready
    ready = [name for name, r in results.items() if r.status != "failed"]
    assert len(ready) == 14


def test_redirect_is_followed_and_reported(fetched):
    moved = fetched.fetch_results["+Webcare Hacks"]
    assert moved.status == "moved"
    assert moved.detail.startswith("moved to http://127.0.0.1:")
    assert moved.detail.endswith("/feeds/support-en.xml; update feed_url")
    assert moved.entries == 2


def test_temporary_redirect_is_followed_without_asking_to_update(tmp_path, feed_server):
    result = fetch_one(tmp_path, blogger(f"{feed_server.base}/temporary.xml"), timeout=5, max_bytes=1_000_000, allow_private=True)
    assert result.status == "ok" and result.entries == 2
    assert result.detail == f"redirected to {feed_server.base}/feeds/support-en.xml"


def test_a_discovered_feed_that_disappears_is_discovered_again(tmp_path, feed_server):
    who = Blogger(email="x@example.org", name="X", blog_url=f"{feed_server.base}/blog/")
    assert fetch_one(tmp_path, who, timeout=5, max_bytes=1_000_000, allow_private=True).status == "ok"
    _, meta_path = cache_paths(tmp_path, who)
    meta = json.loads(meta_path.read_text())
    assert meta["discovered"] == f"{feed_server.base}/feeds/support-en.xml"
    meta["discovered"] = meta["url"] = f"{feed_server.base}/feeds/gone.xml"  # the blog moved its feed
    meta_path.write_text(json.dumps(meta))
    again = fetch_one(tmp_path, who, timeout=5, max_bytes=1_000_000, allow_private=True)
    assert (again.status, again.url) == ("ok", f"{feed_server.base}/feeds/support-en.xml")
    assert json.loads(meta_path.read_text())["discovered"] == again.url


def test_feed_is_discovered_from_the_blog_page(fetched):
    found = fetched.fetch_results["Café Webcare"]
    assert found.status == "ok" and found.entries == 2
    assert found.url.endswith("/feeds/support-en.xml")


def test_discover_links_resolves_relative_feed_links():
    html = ('<html><head><link rel="stylesheet" href="/s.css">'
            '<LINK REL="alternate" TYPE="application/atom+xml" HREF="atom.xml">'
            '<link rel="alternate" type="text/html" href="/other"></head></html>')
    assert discover_links(html, "https://blog.example.org/posts/") == ["https://blog.example.org/posts/atom.xml"]


def test_conditional_get_sends_etag_and_keeps_the_cache_on_304(tmp_path, feed_server):
    root = tmp_path
    who = blogger(f"{feed_server.base}/etag.xml")
    first = fetch_one(root, who, timeout=5, max_bytes=1_000_000, allow_private=True)
    assert first.status == "ok"
    body_path, meta_path = cache_paths(root, who)
    cached = body_path.read_bytes()
    assert json.loads(meta_path.read_text())["etag"] == ETAG
    second = fetch_one(root, who, timeout=5, max_bytes=1_000_000, allow_private=True)
    assert second.status == "not-modified" and second.entries == 2
    sent = [h for path, h in feed_server.requests if path == "/etag.xml"][-1]
    assert sent.get("If-None-Match") == ETAG
    assert sent.get("If-Modified-Since") == "Sun, 22 Nov 2026 10:00:00 GMT"
    assert body_path.read_bytes() == cached


def test_a_failed_fetch_keeps_the_previous_good_copy(tmp_path, feed_server):
    good = blogger(f"{feed_server.base}/feeds/garden-en.xml")
    assert fetch_one(tmp_path, good, timeout=5, max_bytes=1_000_000, allow_private=True).status == "ok"
    body_path, _ = cache_paths(tmp_path, good)
    body_path.with_suffix(".json").unlink()  # as if the server now serves garbage at the same URL
    broken = blogger(f"{feed_server.base}/feeds/broken.xml")
    assert fetch_one(tmp_path, broken, timeout=5, max_bytes=1_000_000, allow_private=True).status == "failed"
    assert not cache_paths(tmp_path, broken)[0].exists()
    assert load_cached(tmp_path, good).entries


def test_size_limit(tmp_path, feed_server):
    result = fetch_one(tmp_path, blogger(f"{feed_server.base}/huge.xml"), timeout=5, max_bytes=100_000, allow_private=True)
    assert (result.status, result.detail) == ("failed", "larger than the limit of 100000 bytes")


def test_slow_feed_does_not_hold_up_the_others(tmp_path, feed_server):
    from generator.outreach.fetch import fetch_all

    people = [blogger(f"{feed_server.base}/slow.xml"), blogger(f"{feed_server.base}/feeds/tuin-nl.xml"),
              blogger(f"{feed_server.base}/feeds/fiets-nl.xml")]
    started = time.monotonic()
    results = fetch_all(tmp_path, people, timeout=1.0, workers=3, allow_private=True)
    assert time.monotonic() - started < SLOW_SECONDS
    assert [r.status for r in results] == ["failed", "ok", "ok"]


def test_only_http_urls_are_fetched(tmp_path):
    from generator.outreach.fetch import FetchError, get

    try:
        get("file:///etc/passwd", 1, 1000)
    except FetchError as exc:
        assert str(exc) == "refusing a non-http(s) URL: file:///etc/passwd"
    else:
        raise AssertionError("file:// was fetched")


def test_fetch_command_prints_names_not_addresses(tmp_path, feed_server):
    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    result = smr("outreach", "fetch", "--root", str(room.root), "--timeout", "1")
    assert result.exit_code == 1, result.output   # some feeds failed: every line, then exit 1
    assert "ok           Webcare Weetjes <" in result.output
    assert result.output.splitlines()[-1] == (
        "3 of 17 feeds failed: Slow Blog, Gone Blog, Broken Blog; the other 14 are ready.")
    assert "@example." not in result.output
    assert (room.root / ".smr-cache" / "feeds").is_dir()


def test_a_server_that_does_not_speak_http_is_a_failure_not_a_crash(tmp_path, feed_server):
    result = fetch_one(tmp_path, blogger(f"{feed_server.base}/garbage.xml"), timeout=5, max_bytes=1000, allow_private=True)
    assert result.status == "failed"
    assert result.detail.startswith("invalid HTTP answer: BadStatusLine")


def test_feed_text_loses_markup_and_control_characters():
    from generator.outreach.posts import html_text

    text, links = html_text('<p>Hallo\x1b[31m <a href="https://x.example.org/">wereld</a></p>\x07')
    assert text == "Hallo [31m wereld"
    assert links == ["https://x.example.org/"]


def test_header_names_in_any_case(tmp_path, feed_server):
    """A server that writes `content-type`, `Content-type`, `etag`, `last-modified` (Python's own
    http.server writes `Content-type`): the blog page is still read as HTML and its feed found,
    the validators are kept and sent back, and the second fetch is a 304."""
    from tests.outreach.support import LOWER_ETAG, LOWER_MODIFIED

    person = Blogger(email="x@example.org", name="X", blog="Lower", blog_url=f"{feed_server.base}/lower/blog/")
    first = fetch_one(tmp_path, person, timeout=5, max_bytes=1_000_000, allow_private=True)
    assert (first.status, first.url) == ("ok", f"{feed_server.base}/lower/feed.xml"), first.line()
    assert first.detail == f"feed found at {feed_server.base}/lower/feed.xml" and first.entries
    meta = json.loads(cache_paths(tmp_path, person)[1].read_text())
    assert (meta["etag"], meta["last_modified"]) == (LOWER_ETAG, LOWER_MODIFIED)
    feed_server.requests.clear()
    again = fetch_one(tmp_path, person, timeout=5, max_bytes=1_000_000, allow_private=True)
    assert again.status == "not-modified", again.line()
    sent = dict((k.lower(), v) for k, v in feed_server.requests[-1][1].items())
    assert (sent["if-none-match"], sent["if-modified-since"]) == (LOWER_ETAG, LOWER_MODIFIED)


def test_fetch_says_which_feeds_failed_even_when_quiet_and_exits_1(tmp_path, feed_server):
    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    csv_path = room.root / "outreach" / "bloggers.csv"
    rows = csv_path.read_text("utf-8").splitlines()
    csv_path.write_text("\n".join(r for r in rows if "slow.xml" not in r) + "\n", "utf-8")
    result = smr("-q", "outreach", "fetch", "--root", str(room.root), "--timeout", "2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"failed       Gone Blog <{feed_server.base}/missing.xml>: HTTP 404 Not Found",
        f"failed       Broken Blog <{feed_server.base}/feeds/broken.xml>: not an RSS or Atom feed "
        + result.stdout.split("not an RSS or Atom feed ", 1)[1].split("\n", 1)[0],
        "2 of 16 feeds failed: Gone Blog, Broken Blog; the other 14 are ready."]


def test_fetch_exits_0_when_every_feed_is_ready(tmp_path, feed_server):
    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    csv_path = room.root / "outreach" / "bloggers.csv"
    rows = csv_path.read_text("utf-8").splitlines()
    bad = ("slow.xml", "missing.xml", "broken.xml")
    csv_path.write_text("\n".join(r for r in rows if not any(b in r for b in bad)) + "\n", "utf-8")
    result = smr("outreach", "fetch", "--root", str(room.root), "--timeout", "2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "14 feeds ready."
    assert smr("-q", "outreach", "fetch", "--root", str(room.root)).stdout == ""


def test_the_summary_names_at_most_five_failures():
    from generator.outreach.fetch import Result, summary

    results = [Result(f"Blog {n}", "https://x.example/", "failed", "HTTP 404") for n in range(7)]
    results.append(Result("Fine", "https://y.example/", "ok"))
    assert summary(results) == ("7 of 8 feeds failed: Blog 0, Blog 1, Blog 2, Blog 3, Blog 4 and 2 more "
                                "(see above); the other 1 is ready.")
    assert summary(results[-1:]) == "1 feed ready."
