"""Hostile feeds (issue #15): a lone surrogate, a server that drips one byte a second, redirects
and <link rel=alternate> to addresses smr must not fetch, encoded-word names, IDN hosts.

`smr outreach fetch` runs as a real process against the local feed server: one line per feed,
exit 1 because some failed, no traceback, and the drips are cut at the deadline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.outreach.fetch import FetchError, address_problem, check_address, get
from tests.outreach.support import ENCODED_WORD, make_newsroom

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 2   # seconds, per feed; every drip lasts 30

HEADER = "email,name,blog,blog_url,feed_url,topics,language,notes,opt_out\n"
HOSTILE_LIST = HEADER + """\
d1@example.org,D1,Drip One,,{base}/hostile/drip.xml?n=1,webcare,en,,no
d2@example.org,D2,Drip Two,,{base}/hostile/drip.xml?n=2,webcare,en,,no
d3@example.org,D3,Drip Three,,{base}/hostile/drip.xml?n=3,webcare,en,,no
d4@example.org,D4,Head Drip,,{base}/hostile/drip-head.xml,webcare,en,,no
s@example.org,S,Lone Surrogate,,{base}/hostile/surrogate.xml,webcare,en,,no
r@example.org,R,Redirect To Zero,,{base}/hostile/to-unspecified.xml,webcare,en,,no
z@example.org,Z,Zero Blog,{base}/hostile/zero-blog/,,webcare,en,,no
i@example.org,I,IDN Blog,{base}/hostile/idn-blog/,,webcare,en,,no
enc@example.nl,"{encoded}",Encoded Words,,{base}/hostile/encoded-word.xml,webcare,en,,no
g@example.org,G,Good Feed,,{base}/feeds/support-en.xml,webcare,en,,no
"""


def hostile_newsroom(root: Path, base: str, allow_private: bool):
    room = make_newsroom(root, base)
    if not allow_private:
        yaml = room.root / "newsroom.yaml"
        yaml.write_text(yaml.read_text("utf-8").replace("allow_private: true", "allow_private: false"), "utf-8")
    room.write("outreach/bloggers.csv", HOSTILE_LIST.replace("{base}", base).replace("{encoded}", ENCODED_WORD))
    return room


def smr_process(*args: str) -> subprocess.CompletedProcess:
    """The real command in its own process; the timeout only guards against a hang."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)


def lines_by_blog(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("ok", "moved", "not-modified", "failed"):
            found[rest.strip().split(" <")[0]] = line
    return found


def test_hostile_feeds_each_get_one_line_and_the_command_goes_on(tmp_path, feed_server):
    room = hostile_newsroom(tmp_path / "newsroom", feed_server.base, allow_private=True)
    before = len(feed_server.requests)
    done = smr_process("outreach", "fetch", "--root", str(room.root), "--timeout", str(DEADLINE))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr   # some feeds failed
    lines = lines_by_blog(done.stdout)
    assert len(lines) == 10 and len(done.stdout.splitlines()) == 11, done.stdout
    for drip in ("Drip One", "Drip Two", "Drip Three", "Head Drip"):   # cut at the deadline, truly
        assert lines[drip].startswith("failed ") and lines[drip].endswith(f": timed out after {DEADLINE} s")
    assert ": cannot read this feed: UnicodeEncodeError: " in lines["Lone Surrogate"]
    port = feed_server.base.rsplit(":", 1)[1]
    assert lines["Redirect To Zero"].endswith(
        f": redirected to http://0.0.0.0:{port}/feeds/support-en.xml: refused: 0.0.0.0 is the "
        "unspecified address, never a web server's")
    assert lines["Zero Blog"].endswith(": refused: 0.0.0.0 is the unspecified address, never a web server's")
    assert lines["IDN Blog"].endswith(": cannot find the server bücher.invalid")
    assert lines["Encoded Words"].startswith("ok ")
    assert lines["Good Feed"].startswith("ok ")
    last = done.stdout.splitlines()[-1]
    assert last.startswith("8 of 10 feeds failed: ") and last.endswith(" and 3 more (see above); the other 2 are ready.")
    # 0.0.0.0 would have reached this very server: only Good Feed asked it for support-en.xml
    asked = [path for path, _ in feed_server.requests[before:] if path == "/feeds/support-en.xml"]
    assert len(asked) == 1


def test_encoded_words_in_a_feed_stay_literal_text(tmp_path, feed_server):
    from generator.outreach.fetch import fetch_one, load_cached
    from generator.newsroom.model import Blogger

    who = Blogger(email="enc@example.nl", name="E", feed_url=f"{feed_server.base}/hostile/encoded-word.xml")
    assert fetch_one(tmp_path, who, timeout=5, max_bytes=100_000, allow_private=True).status == "ok"
    parsed = load_cached(tmp_path, who)
    assert parsed.feed.title == ENCODED_WORD and parsed.entries[0].title == ENCODED_WORD
    assert parsed.entries[0].link == "http://bücher.example/2026/webcare"


def test_without_allow_private_nothing_local_is_fetched(tmp_path, feed_server):
    room = hostile_newsroom(tmp_path / "newsroom", feed_server.base, allow_private=False)
    port = feed_server.base.rsplit(":", 1)[1]
    with (room.root / "outreach" / "bloggers.csv").open("a", encoding="utf-8") as csv:
        csv.write(f"l@example.org,L,Localhost Name,,http://localhost:{port}/feeds/support-en.xml,webcare,en,,no\n"
                  f"m@example.org,M,Redirect To Loopback,,{feed_server.base}/hostile/to-loopback.xml,webcare,en,,no\n"
                  f"v@example.org,V,Mapped Loopback,,http://[::ffff:127.0.0.1]:{port}/feeds/support-en.xml,"
                  "webcare,en,,no\n")
    before = len(feed_server.requests)
    done = smr_process("outreach", "fetch", "--root", str(room.root), "--timeout", str(DEADLINE))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1
    lines = lines_by_blog(done.stdout)
    assert len(lines) == 13
    advice = ("an address of this computer (loopback), not a public web server (feeds on an intranet: "
              "set outreach: {allow_private: true} in newsroom.yaml)")
    for blog, line in lines.items():
        assert line.startswith("failed "), line
        if blog == "Localhost Name":
            assert ": refused: localhost is " in line and line.endswith(advice)
        elif blog == "Mapped Loopback":
            assert line.endswith(f": refused: ::ffff:127.0.0.1 is {advice}")
        else:
            assert line.endswith(f": refused: 127.0.0.1 is {advice}"), line
    last = done.stdout.splitlines()[-1]
    assert last.startswith("13 of 13 feeds failed: ") and last.endswith(" and 8 more (see above).")
    assert len(feed_server.requests) == before, "a refused address got a request"


@pytest.mark.parametrize("address,problem", [
    ("127.0.0.1", "an address of this computer (loopback)"),
    ("127.8.9.10", "an address of this computer (loopback)"),
    ("::1", "an address of this computer (loopback)"),
    ("::ffff:127.0.0.1", "an address of this computer (loopback)"),     # IPv4-mapped IPv6
    ("2002:7f00:1::", "an address of this computer (loopback)"),        # 6to4 around 127.0.0.1
    ("64:ff9b::7f00:1", "an address of this computer (loopback)"),      # NAT64 around 127.0.0.1
    ("10.1.2.3", "a private network address"),
    ("172.16.0.1", "a private network address"),
    ("192.168.1.1", "a private network address"),
    ("::ffff:192.168.1.1", "a private network address"),
    ("fc00::1", "a private network address"),
    ("fd12:3456::1", "a private network address"),
    ("169.254.169.254", "a link-local address"),   # the cloud metadata service
    ("fe80::1", "a link-local address"),
    ("fe80::1%eth0", "a link-local address"),
    ("0.0.0.0", "the unspecified address"),
    ("::", "the unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("255.255.255.255", "the broadcast address"),
    ("100.64.0.1", "not a public internet address"),   # carrier-grade NAT
    ("192.0.2.1", "a private network address"),        # documentation range
    ("8.8.8.8", None),
    ("93.184.215.14", None),
    ("2001:4860:4860::8888", None),
    ("::ffff:8.8.8.8", None),
    ("64:ff9b::808:808", None),
])
def test_address_classification(address, problem):
    assert address_problem(address) == problem


def test_allow_private_never_allows_what_is_no_web_server():
    check_address("intranet.example", "10.0.0.7", allow_private=True)
    check_address("localhost", "127.0.0.1", allow_private=True)
    for address in ("0.0.0.0", "::", "224.0.0.1", "255.255.255.255"):
        with pytest.raises(FetchError, match="never a web server's"):
            check_address("x.example", address, allow_private=True)
    check_address("www.example", "8.8.8.8", allow_private=False)


def test_get_refuses_loopback_before_connecting(feed_server):
    before = len(feed_server.requests)
    for url in (f"{feed_server.base}/feeds/support-en.xml", f"{feed_server.base}/hostile/to-loopback.xml"):
        with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is an address of this computer"):
            get(url, 5, 100_000)
    assert len(feed_server.requests) == before
