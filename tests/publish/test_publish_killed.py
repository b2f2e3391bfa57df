"""`smr publish` killed with SIGKILL at seeded random moments (issue 25, case 12), against a
real SeaweedFS read back by an anonymous reader over HTTP.

Each round changes the newsroom (text edited, tags added and removed, photos replaced and
removed, releases added, deleted, made drafts, put under embargo and released again), then
runs `smr publish --delete` as a subprocess through a proxy that SIGKILLs it just before its
n-th write request (n seeded). With the process dead, every page online (HTML, feeds,
sitemaps) must link only to objects that are online, and no draft or embargoed release may
be online. The one exception is what taking a release down first implies: between that
takedown and the pages that listed it, those pages may still link to it, and only as long as
nothing else of the publish went up (those pages go before anything else). A second publish
then leaves exactly the built site online.
"""

from __future__ import annotations

import html
import http.client
import http.server
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from tests.conftest import NEWSROOM_YAML, REPO, make_photo
from tests.s3server import ACCESS_KEY, SECRET_KEY

SEED = 2025
ROUNDS = 20
NOW = "2026-11-25T10:00+01:00"
LATER = "2026-12-01T09:00:00+01:00"
TAGS = ["winkels", "nieuws", "fabrieken", "brood", "export"]
MANIFEST = re.compile(r"(^|/)\.smr-manifest(-[0-9a-f]{32})?\.json$")
WRITES = ("PUT", "POST", "DELETE")


class KillingProxy(http.server.ThreadingHTTPServer):
    """Forwards to the real S3 server and SIGKILLs `pid` instead of forwarding its `kill_at`-th
    write request (PUT, POST, DELETE); after that it forwards nothing. What it had already
    forwarded completes, as requests a server received do when their client dies."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream = urlsplit(upstream).netloc
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.lock = threading.Lock()
        self.arm(None, 0)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def arm(self, pid: int | None, kill_at: int) -> None:
        with self.lock:
            self.pid, self.kill_at, self.writes, self.killed = pid, kill_at, 0, False

    def let_through(self, method: str) -> bool:
        with self.lock:
            if self.killed:
                return False
            if method in WRITES and self.pid:
                self.writes += 1
                if self.writes == self.kill_at:
                    os.kill(self.pid, signal.SIGKILL)
                    self.killed = True
                    return False
            return True


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except OSError:   # the client was killed while it waited for its answer
            self.close_connection = True

    def _any(self):
        proxy: KillingProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not proxy.let_through(self.command):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        upstream = http.client.HTTPConnection(proxy.upstream, timeout=30)
        upstream.request(self.command, self.path, body=body or None, headers=dict(self.headers))
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any


class Anonymous:
    """A reader of the buckets over plain HTTP, without credentials or a proxy of the machine's."""

    def __init__(self, endpoint: str):
        import urllib.request

        self.endpoint = endpoint
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.seen: dict[str, int] = {}

    def get(self, bucket: str, key: str) -> tuple[int, bytes]:
        import urllib.error

        try:
            with self.opener.open(f"{self.endpoint}/{bucket}/{quote(key)}", timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""

    def status(self, bucket: str, key: str) -> int:
        import urllib.error
        import urllib.request

        if (bucket, key) not in self.seen:
            request = urllib.request.Request(f"{self.endpoint}/{bucket}/{quote(key)}", method="HEAD")
            try:
                with self.opener.open(request, timeout=10) as answer:
                    self.seen[bucket, key] = answer.status
            except urllib.error.HTTPError as exc:
                self.seen[bucket, key] = exc.code
        return self.seen[bucket, key]


# ---------------------------------------------------------------- the newsroom and its changes

class Room:
    """A newsroom whose releases the rounds change, with what the test knows of each."""

    def __init__(self, root: Path, server, site: str, media: str):
        self.root, self.server, self.site_bucket, self.media_bucket = root, server, site, media
        self.base = f"{server.endpoint}/{site}/news/"
        self.media_base = f"{server.endpoint}/{media}/hires/"
        self.releases: dict[str, dict] = {}
        self.ever: set[str] = set()   # every slug the newsroom has had
        self.photos = 0
        (root / "newsroom.yaml").parent.mkdir(parents=True, exist_ok=True)
        (root / "newsroom.yaml").write_text(NEWSROOM_YAML.replace("https://pers.example.org/", self.base) + f"""\
publish:
  site: s3://{site}/news/
  media: s3://{media}/hires/
  media_base_url: {self.media_base}
  endpoint_url: {server.endpoint}
  region: us-east-1
  path_style: true
""", "utf-8")

    def add(self, slug: str, day: int, rng: random.Random, **fields) -> None:
        self.releases[slug] = {"title": f"Bericht {slug[11:]}", "day": day, "summary": "Eerste versie.",
                               "tags": sorted(rng.sample(TAGS, rng.randint(0, 2))), "photo": None,
                               "draft": False, "embargo": False, "language": None, "translation": None} | fields
        self.ever.add(slug)
        if rng.random() < 0.6:
            self.new_photo(slug, rng)
        self.write(slug)

    def new_photo(self, slug: str, rng: random.Random) -> None:
        r = self.releases[slug]
        folder = self.root / "releases" / slug / "images"
        if r["photo"]:
            (folder / r["photo"]).unlink()
        self.photos += 1
        r["photo"] = f"foto-{self.photos}.jpg"
        make_photo(folder / r["photo"], size=(240, 160),
                   color=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))

    def write(self, slug: str) -> None:
        r = self.releases[slug]
        lines = [f'title: "{r["title"]}"', f"date: 2026-11-{r['day']:02d}T09:00:00+01:00",
                 f"summary: {r['summary']}", f"tags: [{', '.join(r['tags'])}]"]
        if r["photo"]:
            lines += ["images:", f"  - file: images/{r['photo']}", "    alt: Een foto"]
        if r["language"]:
            lines.append(f"language: {r['language']}")
        if r["translation"]:
            lines.append(f"translations: [../{r['translation']}]")
        if r["draft"]:
            lines.append("draft: true")
        if r["embargo"]:
            lines.append(f"embargo: {LATER}")
        path = self.root / "releases" / slug / "release.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", "utf-8")

    def remove(self, slug: str) -> None:
        import shutil

        del self.releases[slug]
        shutil.rmtree(self.root / "releases" / slug)
        for other, r in self.releases.items():   # a translation no longer names it, as an editor would do
            if r["translation"] == slug:
                r["translation"] = None
                self.write(other)

    @property
    def held(self) -> set[str]:
        return {s for s, r in self.releases.items() if r["draft"] or r["embargo"]}

    @property
    def public(self) -> set[str]:
        return set(self.releases) - self.held

    def change(self, rng: random.Random, number: int) -> list[str]:
        """One to three seeded changes; returns what was done, for the failure message."""
        done = []
        for _ in range(rng.randint(1, 3)):
            public, held = sorted(self.public), sorted(self.held)
            kinds = ["edit", "retag", "photo", "add"] + ["unphoto", "remove", "embargo", "draft"] * (len(public) > 2) \
                + ["release"] * bool(held)
            kind = rng.choice(kinds)
            if kind == "add":
                slug = f"2026-11-{1 + number % 24:02d}-nieuw-{number}-{len(done)}"
                self.add(slug, 1 + number % 24, rng)
                done.append(f"add {slug}")
                continue
            slug = rng.choice(held if kind == "release" else public)
            r = self.releases[slug]
            if kind == "edit":
                r["summary"], r["title"] = f"Versie {number}.", r["title"].split(" (")[0] + f" ({number})"
            elif kind == "retag":
                r["tags"] = sorted(rng.sample(TAGS, rng.randint(0, 2)))
            elif kind == "photo":
                self.new_photo(slug, rng)
            elif kind == "unphoto":
                if r["photo"]:
                    (self.root / "releases" / slug / "images" / r["photo"]).unlink()
                r["photo"] = None
            elif kind == "remove":
                self.remove(slug)
                done.append(f"remove {slug}")
                continue
            elif kind in ("embargo", "draft"):
                r[kind] = True
            elif kind == "release":
                r["draft"] = r["embargo"] = False
            self.write(slug)
            done.append(f"{kind} {slug}" + (f" {r['tags']}" if kind == "retag" else ""))
        return done


# ---------------------------------------------------------------- what an anonymous reader finds

def listing(server, bucket: str, prefix: str) -> dict[str, str]:
    """Key (with the prefix) -> ETag, without smr's manifest."""
    return {k: v["ETag"].strip('"') for k, v in server.objects(bucket, prefix).items() if not MANIFEST.search(k)}


def links_of(key: str, body: bytes, room: Room) -> set[tuple[str, str]]:
    """(bucket, key) of every object of the newsroom a page or feed names: an HTML page's href,
    src and srcset (relative or absolute), and every URL under the site's or the media's base
    in a feed (its content included), a sitemap, a JSON file or a text file."""
    found = set()
    page_url = room.base + key[len("news/"):]
    if key.endswith((".html", ".htm")):
        import lxml.html

        urls = []
        for element in lxml.html.document_fromstring(body).iter():
            urls += [element.get(name) for name in ("href", "src") if element.get(name)]
            for srcset in filter(None, (element.get("srcset"),)):
                urls += [part.split()[0] for part in srcset.split(",") if part.strip()]
        urls = [urljoin(page_url, u.strip()) for u in urls if not u.strip().startswith("#")]
    else:
        # names, not links: an id (Atom), a guid (RSS), a category's scheme or domain (a tag's feeds)
        text = re.sub(r'<(id|guid)\b[^>]*>[^<]*</\1>|\b(?:scheme|domain)="[^"]*"', "", body.decode("utf-8", "replace"))
        text = html.unescape(text)
        urls = re.findall(r"https?://[^\s\"'<>)\\]+", text)
    for url in urls:
        url = url.split("#")[0].split("?")[0]
        for base, bucket, prefix in ((room.base, room.site_bucket, "news/"), (room.media_base, room.media_bucket, "hires/")):
            if url.startswith(base):
                rest = unquote(url[len(base):])
                if rest == "" or rest.endswith("/"):
                    rest += "index.html"
                found.add((bucket, prefix + rest))
    return found


TEXT = (".html", ".htm", ".xml", ".json", ".txt", ".vcf", ".rss", ".atom")


def broken_links(room: Room, reader: Anonymous, site: dict[str, str]) -> list[tuple[str, str, str]]:
    """(page, bucket, target) for every link of an object online to one that is not, as an
    anonymous reader finds them: each page read over HTTP, each target asked for with HEAD."""
    broken = []
    for key in sorted(k for k in site if k.endswith(TEXT)):
        status, body = reader.get(room.site_bucket, key)
        assert status == 200, f"{key}: listed, but an anonymous reader gets {status}"
        for bucket, target in sorted(links_of(key, body, room)):
            if reader.status(bucket, target) != 200:
                broken.append((key, bucket, target))
    return broken


def held_online(room: Room, site: dict[str, str], media: dict[str, str], slugs: set[str]) -> list[str]:
    return sorted(k for k in [*site, *media] if k.split("/")[1] in slugs)


def built_site(room: Room) -> tuple[dict[str, str], dict[str, str]]:
    """What the build for publish wrote, as the two buckets should hold it: key -> MD5."""
    import hashlib

    from generator.photos.originals import ORIGINALS_DIR, media_key

    out = room.root / ".smr-cache" / "publish-site"
    site, media = {}, {}
    for path in out.rglob("*"):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
            md5 = hashlib.md5(path.read_bytes()).hexdigest()
            if ORIGINALS_DIR in rel.split("/")[1:-1]:
                media["hires/" + media_key(rel)] = md5
            else:
                site["news/" + rel] = md5
    return site, media


# ---------------------------------------------------------------- the rounds

@pytest.fixture
def credentials(monkeypatch):
    """The server's keys for smr, here and in the subprocess; nothing from the machine's AWS set-up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SMR_"))}
    env |= {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_MAX_ATTEMPTS": "1", "PYTHONPATH": str(REPO)}
    for name in os.environ:
        if name.startswith(("AWS_", "SMR_")) and name not in env:
            monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    return env


def publish_here(room: Room, **options):
    from generator import clock
    from generator.publish.deploy import publish

    return publish(room.root, now=clock.now(NOW), delete=True, yes=True, check=False, max_attempts=2, **options)


def publish_killed(room: Room, proxy: KillingProxy, kill_at: int, env: dict) -> tuple[int, str]:
    """`smr publish --delete` in a process of its own, SIGKILLed by `proxy` instead of its
    `kill_at`-th write request; returns its exit code and what it said on stderr."""
    command = [sys.executable, "-m", "generator", "publish", "--root", str(room.root), "--now", NOW,
               "--endpoint-url", proxy.endpoint, "--delete", "--yes", "-q"]
    proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    proxy.arm(proc.pid, kill_at)
    try:
        _, said = proc.communicate(timeout=60)
    finally:
        proxy.arm(None, 0)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, said.decode()


def test_a_removed_tag_keeps_its_feeds_until_the_pages_that_linked_them_are_up(tmp_path, public_s3server,
                                                                               credentials):
    """Issue 25 case 12 as it was found: the feeds of a tag no release has any more were deleted
    before anything else, so a publish killed then left release pages linking them."""
    server, rng = public_s3server, random.Random(SEED)
    room = Room(tmp_path / "newsroom", server, server.bucket("site"), server.bucket("media"))
    room.add("2026-11-10-alpha", 10, rng, tags=["brood"])
    room.add("2026-11-12-beta", 12, rng, tags=["nieuws"])
    publish_here(room)
    assert "news/tags/brood/feed.xml" in listing(server, room.site_bucket, "news/")
    room.releases["2026-11-10-alpha"]["tags"] = []
    room.write("2026-11-10-alpha")
    assert "delete  s3://{}/news/tags/brood/feed.xml  (take down: page, no longer in the site, where it may list a " \
        "release, after the uploads)".format(room.site_bucket) in publish_here(room, dry_run=True).lines
    reader, proxy = Anonymous(server.endpoint), KillingProxy(server.endpoint)
    try:
        for kill_at in (1, 2, 3):
            code, said = publish_killed(room, proxy, kill_at, credentials)
            assert code == -signal.SIGKILL, said
            reader.seen.clear()
            site = listing(server, room.site_bucket, "news/")
            assert broken_links(room, reader, site) == [], f"killed at write {kill_at}"
    finally:
        proxy.shutdown()
    publish_here(room)
    assert not [k for k in listing(server, room.site_bucket, "news/") if "/brood/" in k]


def test_a_publish_killed_at_any_moment_leaves_no_broken_link_and_no_held_release_online(
        tmp_path, public_s3server, credentials):
    server, rng = public_s3server, random.Random(SEED)
    room = Room(tmp_path / "newsroom", server, server.bucket("site"), server.bucket("media"))
    room.add("2026-11-10-alpha", 10, rng, tags=["nieuws", "winkels"])
    room.add("2026-11-12-beta", 12, rng, tags=["nieuws"])
    room.add("2026-11-14-gamma", 14, rng, tags=["fabrieken"])
    room.add("2026-11-16-delta", 16, rng, tags=["brood"], translation="2026-11-16-delta-en")
    room.add("2026-11-16-delta-en", 16, rng, tags=["brood"], language="en")
    room.add("2026-11-18-epsilon", 18, rng)
    publish_here(room)
    reader, proxy = Anonymous(server.endpoint), KillingProxy(server.endpoint)
    kills, windows = 0, 0
    try:
        for number in range(1, ROUNDS + 1):
            done = room.change(rng, number)
            held, public = room.held, room.public
            site, media = listing(server, room.site_bucket, "news/"), listing(server, room.media_bucket, "hires/")
            before = {**site, **media}
            taken = {s for s in room.ever - public   # releases this publish must take down
                     if f"news/{s}/index.html" in site or any(k.split("/")[1] == s for k in media)}
            dry = publish_here(room, dry_run=True)   # builds what the subprocess then publishes
            kill_at = rng.randint(1, len(dry.lines) + 4)
            what = f"round {number} ({'; '.join(done)}), killed at write {kill_at} of about {len(dry.lines) + 4}"

            code, said = publish_killed(room, proxy, kill_at, credentials)
            assert code in (0, -signal.SIGKILL) and "Traceback" not in said, f"{what}: {said}"
            kills += code == -signal.SIGKILL

            reader.seen.clear()
            site, media = listing(server, room.site_bucket, "news/"), listing(server, room.media_bucket, "hires/")
            after = {**site, **media}
            uploaded = {k for k in after if before.get(k) != after[k]}
            gone = set(before) - set(after)
            if uploaded or {k for k in gone if k.startswith("news/")}:   # the publish began: it began with them
                assert held_online(room, site, {}, held) == [], f"{what}: held pages online after the publish began"
                for slug in held:
                    assert reader.status(room.site_bucket, f"news/{slug}/index.html") != 200, f"{what}: {slug} readable"
            if uploaded:
                assert held_online(room, site, media, held) == [], f"{what}: held objects online after an upload"
            broken = broken_links(room, reader, site)
            if broken:
                # only right after taking a release down: its links, and nothing else of this publish online yet
                early = {k for k in uploaded if k in before and k.startswith("news/") and k.endswith(TEXT)}
                assert taken and uploaded <= early and all(target in before for _, _, target in broken), \
                    f"{what}: broken links {broken[:5]}; uploaded {sorted(uploaded - early)[:5]}"
                windows += 1

            publish_here(room)   # the next publish converges: to the built site, whose links all resolve
            site, media = listing(server, room.site_bucket, "news/"), listing(server, room.media_bucket, "hires/")
            want_site, want_media = built_site(room)
            assert site == want_site, f"{what}: then the site online is not the built site " \
                f"(missing {sorted(set(want_site) - set(site))[:5]}, extra {sorted(set(site) - set(want_site))[:5]})"
            assert media == want_media, f"{what}: then the media online are not the built originals"
            assert held_online(room, site, media, held) == [], what
    finally:
        proxy.shutdown()
    print(f"{ROUNDS} rounds: {kills} killed, {windows} in the window between a takedown and the pages that listed it")
    assert kills >= ROUNDS // 2, f"only {kills} of {ROUNDS} publishes were killed: the kill moments miss the publish"
