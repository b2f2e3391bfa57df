"""smr publish / smr preview against a real SeaweedFS S3 server, read back with boto3."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.errors import SmrError
from tests.conftest import NEWSROOM_YAML, RELEASE_YAML
from tests.publish.proxies import FaultyProxy, SilentServer
from tests.s3server import ACCESS_KEY, READER_KEY, READER_SECRET, SECRET_KEY

SLUG = "2026-11-24-winkel"
OTHER = "2026-11-20-fabriek"
SECRET_SLUG = "2026-11-26-geheim"
OTHER_YAML = """\
title: "Testbedrijf opent een fabriek"
date: 2026-11-20T09:00:00+01:00
summary: Testbedrijf opent een fabriek.
"""
SECRET_YAML = """\
title: "Testbedrijf koopt een concurrent"
date: 2026-11-26T09:00:00+01:00
embargo: 2026-11-26T09:00:00+01:00
summary: Geheim nieuws.
images:
  - file: images/deal.jpg
    alt: Handdruk
"""
PHOTO_YAML = RELEASE_YAML + """\
images:
  - file: images/Foto één.jpg
    alt: De nieuwe winkel
documents:
  - file: docs/factsheet.pdf
    title: Factsheet
"""
AFTER_EMBARGO = "2026-11-26T10:00:00+01:00"
MANIFEST = re.compile(r"(^|/)\.smr-manifest-[0-9a-f]{32}\.json$")   # smr's bookkeeping, under a secret name


def is_manifest(key: str) -> bool:
    return MANIFEST.search(key) is not None


def manifest_key(s3, bucket: str, prefix: str) -> str:
    """The one manifest in a target (its key, found by listing as smr finds it)."""
    keys = [k for k in s3.objects(bucket, prefix) if is_manifest(k) or k.endswith(".smr-manifest.json")]
    assert len(keys) == 1 and is_manifest(keys[0]), keys
    return keys[0]


class Recorder:
    """Records every S3 call a real botocore client makes, in order, through its event hooks."""

    def __init__(self, client):
        self.lock = threading.Lock()
        self.events: list[tuple[str, str, str]] = []   # (start|end, operation, key)
        client.meta.events.register("before-parameter-build.s3", self.started)
        client.meta.events.register("after-call.s3", self.ended)
        client.meta.events.register("after-call-error.s3", self.ended)

    def started(self, params, model, context, **_):
        context["recorded_key"] = params.get("Key", "")
        with self.lock:
            self.events.append(("start", model.name, context["recorded_key"]))

    def ended(self, context, event_name, **_):
        with self.lock:
            self.events.append(("end", event_name.split(".")[-1], context.get("recorded_key", "")))

    def puts(self) -> list[str]:
        return [k for kind, op, k in self.events if kind == "start"
                and op in ("PutObject", "CreateMultipartUpload")]

    def clear(self):
        self.events.clear()


@pytest.fixture
def s3(s3server, aws_env):
    return s3server


@pytest.fixture
def room(newsroom, s3):
    """A newsroom with one photo release, publishing to two fresh buckets."""
    site, media = s3.bucket("site"), s3.bucket("media")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"""\
publish:
  site: s3://{site}/news/
  media: s3://{media}/hires/
  media_base_url: https://media.example.org/hires/
  endpoint_url: {s3.endpoint}
  region: us-east-1
  path_style: true
""")
    newsroom.release(SLUG, PHOTO_YAML)
    newsroom.photo(SLUG, "images/Foto één.jpg")
    newsroom.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 test\n%%EOF\n")
    newsroom.release(OTHER, OTHER_YAML)
    newsroom.write("outreach/bloggers.csv", "email,name\nblogger@example.net,Bea Blogger\n")
    newsroom.site_bucket, newsroom.media_bucket = site, media
    return newsroom


def publish(room, now="2026-11-25T10:00:00+01:00", client=None, max_attempts=2, **kwargs):
    from generator import clock
    from generator.publish.deploy import publish as run

    return run(room.root, now=clock.now(now), client=client, max_attempts=max_attempts, **kwargs)


def make_client(s3):
    from generator.publish.s3 import Connection, client

    return client(Connection(s3.endpoint, "us-east-1", True, max_attempts=2))


def head(s3, bucket, key):
    return s3.client().head_object(Bucket=bucket, Key=key)


def body(s3, bucket, key) -> bytes:
    return s3.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def local_files(room) -> dict[str, str]:
    site = room.root / ".smr-cache" / "publish-site"
    return {p.relative_to(site).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")}


# ---------------------------------------------------------------- what goes where, with which headers

def test_publish_puts_site_and_originals_with_headers(room, s3):
    report = publish(room)
    site = s3.objects(room.site_bucket)
    media = s3.objects(room.media_bucket)
    page = f"news/{SLUG}/index.html"
    assert {"news/index.html", page, "news/feed.xml", "news/atom.xml", "news/sitemap.xml",
            "news/robots.txt", f"news/{OTHER}/index.html", manifest_key(s3, room.site_bucket, "news/")} <= set(site)
    kit = f"hires/{SLUG}/{SLUG}-fotos.zip"
    assert set(media) == {f"hires/{SLUG}/Foto één.jpg", kit, manifest_key(s3, room.media_bucket, "hires/")}
    assert not [k for k in site if "/hires/" in k], "originals go to the media bucket only"
    assert report.uploaded == (len(site) - 1) + (len(media) - 1) and report.skipped == 0  # not the manifests
    assert "https://pers.example.org/" in report.summary()

    def headers(key, bucket=room.site_bucket):
        h = head(s3, bucket, key)
        return h["ContentType"], h.get("CacheControl")

    assert headers(page) == ("text/html; charset=utf-8", "public, max-age=300")
    assert headers("news/feed.xml") == ("application/rss+xml; charset=utf-8", "public, max-age=300")
    assert headers("news/atom.xml") == ("application/atom+xml; charset=utf-8", "public, max-age=300")
    assert headers("news/sitemap.xml")[1] == "public, max-age=300"
    assert headers(f"news/{SLUG}/docs/factsheet.pdf")[0] == "application/pdf"
    assert headers(f"news/{SLUG}/sanne-jansen.vcf")[0] == "text/vcard; charset=utf-8"
    renditions = [k for k in site if k.startswith(f"news/{SLUG}/img/")]
    assert renditions
    for key in renditions:
        assert headers(key)[1] == "public, max-age=31536000, immutable"
    original = head(s3, room.media_bucket, f"hires/{SLUG}/Foto één.jpg")
    assert original["ContentType"] == "image/jpeg"
    assert original["ContentDisposition"].startswith("attachment; filename=")
    assert original["ContentDisposition"].endswith("; filename*=UTF-8''Foto%20%C3%A9%C3%A9n.jpg")
    source = (room.root / "releases" / SLUG / "images" / "Foto één.jpg").read_bytes()
    assert body(s3, room.media_bucket, f"hires/{SLUG}/Foto één.jpg") == source

    assert head(s3, room.media_bucket, kit)["ContentType"] == "application/zip"

    html = body(s3, room.site_bucket, page).decode()
    assert f'href="https://media.example.org/hires/{SLUG}/Foto%20%C3%A9%C3%A9n.jpg"' in html
    assert f'href="https://media.example.org/{kit}"' in html, "the media kit links to the media target"
    assert 'href="hires/' not in html


def test_private_and_source_files_are_never_uploaded(room, s3):
    room.write(".smr-cache/secret.txt", "cache")
    publish(room)
    keys = [*s3.objects(room.site_bucket), *s3.objects(room.media_bucket)]
    assert not [k for k in keys if re.search(r"bloggers|outreach|\.ya?ml$|smr-cache|\.smr-site|secret", k)]
    for key in keys:
        if key.endswith((".html", ".xml", ".txt")):
            assert b"blogger@example.net" not in body(s3, room.site_bucket if key.startswith("news/") else room.media_bucket, key)


def test_a_stray_file_in_the_folder_publish_builds_is_never_uploaded(room, s3):
    """Publish uploads what the build recorded writing, nothing else: a mail merge saved into
    .smr-cache/publish-site (by hand or by a mistaken -o) stays private on the next publish."""
    publish(room)
    stray = room.root / ".smr-cache" / "publish-site" / "pitch.csv"
    stray.write_text("email\nblogger@example.net\n", "utf-8")
    (stray.parent / SLUG / "notes.html").write_text("<p>private</p>", "utf-8")
    publish(room)
    keys = [*s3.objects(room.site_bucket), *s3.objects(room.media_bucket)]
    assert not [k for k in keys if k.endswith(("pitch.csv", "notes.html"))], keys
    assert any(k.endswith(f"{SLUG}/index.html") for k in keys)


def anonymous_get(url: str) -> int:
    """The HTTP status a browser without credentials gets."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_manifest_is_not_part_of_the_public_site(newsroom, public_s3server, aws_env):
    """Under a public-read (never list) bucket, anyone gets the pages, but not publish's
    bookkeeping: the manifest, which names every key smr put there, lives under a secret name
    that only smr's own listing finds. A manifest an older smr left under the public name
    `.smr-manifest.json` is merged into it and removed."""
    server = public_s3server
    site, media = server.bucket("site"), server.bucket("media")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"""\
publish:
  site: s3://{site}/news/
  media: s3://{media}/hires/
  media_base_url: https://media.example.org/hires/
  endpoint_url: {server.endpoint}
  region: us-east-1
""")
    newsroom.release(SLUG, PHOTO_YAML)
    newsroom.photo(SLUG, "images/Foto één.jpg")
    newsroom.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 test\n%%EOF\n")
    publish(newsroom, check=False)
    base = f"{server.endpoint}/{site}/news/"
    assert anonymous_get(base + f"{SLUG}/index.html") == 200 and anonymous_get(base + "feed.xml") == 200
    assert anonymous_get(base + ".smr-manifest.json") == 404
    assert anonymous_get(f"{server.endpoint}/{media}/hires/.smr-manifest.json") == 404
    assert anonymous_get(f"{server.endpoint}/{site}?list-type=2&prefix=news/") == 403, "no one lists the keys"
    key = manifest_key(server, site, "news/")
    assert re.fullmatch(r"news/\.smr-manifest-[0-9a-f]{32}\.json", key)
    for page in (k for k in server.objects(site) if k.endswith((".html", ".xml", ".json", ".txt"))):
        assert key.removeprefix("news/").encode() not in body(server, site, page), f"{page} names the manifest"

    # a bucket an older smr published to: its manifest under the public name
    entries = body(server, site, key)
    client = server.client()
    client.put_object(Bucket=site, Key="news/.smr-manifest.json", Body=entries)
    client.delete_object(Bucket=site, Key=key)
    assert anonymous_get(base + ".smr-manifest.json") == 200
    report = publish(newsroom, check=False)
    assert report.uploaded == 0 and report.deleted == 0, "the old manifest was read: nothing is sent again"
    assert anonymous_get(base + ".smr-manifest.json") == 404
    again = manifest_key(server, site, "news/")
    assert again != key and json.loads(body(server, site, again))["objects"] == json.loads(entries)["objects"]
    assert publish(newsroom, check=False).uploaded == 0 and manifest_key(server, site, "news/") == again


def test_plain_build_keeps_local_download_links(room, s3):
    assert room.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    html = (room.site / SLUG / "index.html").read_text("utf-8")
    assert 'href="hires/Foto%20%C3%A9%C3%A9n.jpg"' in html
    assert "media.example.org" not in html


# ---------------------------------------------------------------- incremental

def test_unchanged_newsroom_republishes_nothing(room, s3):
    publish(room)
    client = make_client(s3)
    recorder = Recorder(client)
    report = publish(room, client=client)
    assert recorder.puts() == []
    assert [op for kind, op, _ in recorder.events if kind == "start"].count("ListObjectsV2") == 2
    assert not [op for kind, op, _ in recorder.events if op.startswith("Delete")]
    assert report.uploaded == 0 and report.skipped > 10


def test_changed_photo_uploads_only_what_changed(room, s3):
    publish(room)
    before = local_files(room)
    room.photo(SLUG, "images/Foto één.jpg", color=(20, 200, 90))
    client = make_client(s3)
    recorder = Recorder(client)
    publish(room, client=client)
    after = local_files(room)
    changed = {k for k in after if before.get(k) != after[k]}
    assert f"{SLUG}/hires/Foto één.jpg" in changed
    assert not [k for k in changed if k.startswith(OTHER)]
    expected = {("hires/" + k.replace("/hires/", "/") if "/hires/" in k else "news/" + k) for k in changed} | {
        manifest_key(s3, room.site_bucket, "news/"), manifest_key(s3, room.media_bucket, "hires/")}
    assert set(recorder.puts()) == expected
    assert not [k for k in recorder.puts() if k.startswith(f"news/{OTHER}/") or "/assets/" in k]


def test_upload_order_originals_assets_pages_index_feeds(room, s3):
    room.release("2026-11-21-derde", OTHER_YAML.replace("fabriek", "derde"))
    client = make_client(s3)
    recorder = Recorder(client)
    publish(room, client=client)

    def stage(key):
        name = key.rsplit("/", 1)[-1]
        if key.startswith("hires/"):
            return 0
        if name in ("feed.xml", "atom.xml", "feed.json", "sitemap.xml", "news_sitemap.xml", "robots.txt",
                    "oembed.json"):   # a release's oEmbed links its page
            return 4
        if name == "index.html":   # a release's page, or a list of them (the index, archives, tags)
            parts = key.split("/")
            return 2 if len(parts) == 3 and parts[1] in (SLUG, OTHER, "2026-11-21-derde") else 3
        return 1

    events, started, again = [], set(), set()
    for kind, op, k in recorder.events:   # on a first publish, pages go up twice: the second time is stage 5
        if op == "PutObject" and not is_manifest(k):
            if kind == "start" and k in started:
                again.add(k)
            started.add(k)
            events.append((kind, 5 if k in again else stage(k)))
    assert {s for _, s in events} == {0, 1, 2, 3, 4, 5}
    assert {"news/index.html", f"news/{SLUG}/index.html", f"news/{OTHER}/index.html"} <= again
    for s in range(1, 6):
        first_start = min(i for i, (kind, st) in enumerate(events) if kind == "start" and st == s)
        last_end_before = max(i for i, (kind, st) in enumerate(events) if kind == "end" and st < s)
        assert last_end_before < first_start, f"stage {s} began before stage {s - 1} was complete"


def broken_links(s3, bucket: str, prefix: str, base_url: str = "https://pers.example.org/") -> list[str]:
    """Links of the pages online (HTML, feeds) to files of the newsroom that are not online."""
    from urllib.parse import unquote, urljoin, urlsplit

    from bs4 import BeautifulSoup

    keys = set(s3.objects(bucket, prefix))
    broken = []
    for key in sorted(k for k in keys if k.endswith((".html", ".xml"))):
        text = body(s3, bucket, key).decode()
        if key.endswith(".html"):
            soup = BeautifulSoup(text, "html.parser")
            links = {el.get("href") or el.get("src") for el in soup.find_all(["a", "link", "img", "script", "source"])}
        else:
            tags = re.findall(r"<(?:atom:)?link\b[^>]*>", text)   # a feed's rel=self names the feed, it links nowhere
            links = {m for tag in tags if 'rel="self"' not in tag for m in re.findall(r'href="([^"]+)"', tag)}
            links |= set(re.findall(r"<(?:link|loc)>(https?://[^<]+)<", text))
        page_url = base_url + key[len(prefix):]
        for link in links - {None}:
            url = urljoin(page_url, link.split("#")[0])
            if not url.startswith(base_url) or link.startswith("#"):
                continue
            target = prefix + unquote(urlsplit(url).path[len(urlsplit(base_url).path):])
            target = target + "index.html" if target.endswith("/") else target
            if target not in keys:
                broken.append(f"{key} -> {target}")
    return broken


def test_an_interrupted_first_publish_leaves_no_broken_link(room, s3):
    """Cut a first publish after every n-th upload: each time, every page online links only to
    what is online (the index, the feeds, tag pages, the other release); a publish after
    the last cut completes the newsroom with the real pages."""
    room.release(SLUG, PHOTO_YAML + "tags: [winkels, nieuws]\n")
    room.release(OTHER, OTHER_YAML + "tags: [nieuws, fabrieken]\n")
    puts = []

    def counted(method, path):   # every upload of a page or file, not smr's manifest
        if method == "PUT" and ".smr-manifest" not in path:
            puts.append(path)
            return len(puts) > cut
        return False

    def empty_buckets():   # a first publish each time (the same two buckets: SeaweedFS has room for few)
        for bucket in (room.site_bucket, room.media_bucket):
            keys = list(s3.objects(bucket))
            if keys:
                s3.client().delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})

    cut, site = 10 ** 6, room.site_bucket
    proxy = FaultyProxy(s3.endpoint, always="internal", when=counted).start()
    try:
        publish(room, endpoint_url=proxy.endpoint, check=False)
        total = len(puts)
        for cut in range(0, total, 2):
            empty_buckets()
            puts.clear()
            with pytest.raises(SmrError):
                publish(room, endpoint_url=proxy.endpoint, max_attempts=1, check=False)
                pytest.fail(f"cut after {cut} of {total}: {len(puts)} uploads, {puts}")
            online = s3.objects(site, "news/")
            assert broken_links(s3, site, "news/") == [], f"cut after {cut} of {total} uploads: {sorted(online)}"
    finally:
        proxy.shutdown()
    assert total > 20
    publish(room, check=False)
    assert broken_links(s3, site, "news/") == []
    pages = {k[len("news/"):]: v for k, v in s3.objects(site, "news/").items()}
    for rel, md5 in local_files(room).items():
        if "/hires/" not in rel:
            assert pages[rel]["ETag"].strip('"') == md5, f"{rel}: not the real page"


def test_large_files_go_multipart_and_compare_by_stored_md5(room, s3):
    import random
    big = b"%PDF-1.4\n" + random.Random(1).randbytes(9 * 1024 * 1024 - 9)   # a PDF by its content
    room.write(f"releases/{SLUG}/docs/factsheet.pdf", big)
    publish(room)
    key = f"news/{SLUG}/docs/factsheet.pdf"
    etag = s3.objects(room.site_bucket)[key]["ETag"].strip('"')
    assert etag.endswith("-2"), "9 MiB is sent in two parts"
    stored = head(s3, room.site_bucket, key)
    assert stored["Metadata"]["md5"] == hashlib.md5(big).hexdigest()
    assert (stored["ContentType"], stored["CacheControl"]) == ("application/pdf", "public, max-age=300")
    assert body(s3, room.site_bucket, key) == big
    client = make_client(s3)
    recorder = Recorder(client)
    publish(room, client=client)
    assert recorder.puts() == []
    same_size = bytearray(big)
    same_size[-1] ^= 0xFF
    room.write(f"releases/{SLUG}/docs/factsheet.pdf", bytes(same_size))
    recorder.clear()
    publish(room, client=client)
    assert key in recorder.puts()
    assert body(s3, room.site_bucket, key) == bytes(same_size)


class ByteRecorder:
    """A publish Reporter that records what a progress bar would be told."""

    def __init__(self):
        from generator.publish.deploy import Reporter

        self.events, self.retries, self.base = [], [], Reporter()

    def __getattr__(self, name):   # the hooks it does not record
        return getattr(self.base, name)

    def sent(self, f, nbytes):
        self.events.append(("sent", f.key, nbytes))

    def uploaded(self, f):
        self.events.append(("done", f.key, f.size))

    def retrying(self, line):
        self.retries.append(line)

    def progress_of(self, key: str) -> list[int]:
        """The byte counts told for `key` before it was done (and checks it was done once)."""
        done = self.events.index(("done", key, next(e[2] for e in self.events if e[:2] == ("done", key))))
        assert [e for e in self.events[done + 1:] if e[1] == key] == [], "nothing after done"
        return [n for kind, k, n in self.events[:done] if k == key]


def test_upload_progress_is_told_in_bytes_as_they_go_and_retries_count_once(room, s3):
    import random
    rnd = random.Random(3)
    big, medium = (b"%PDF-1.4\n" + rnd.randbytes(n - 9) for n in (10 * 1024 * 1024, 5 * 1024 * 1024))
    room.release(SLUG, PHOTO_YAML + "  - file: docs/brochure.pdf\n    title: Brochure\n")
    room.write(f"releases/{SLUG}/docs/factsheet.pdf", big)     # multipart (s3transfer)
    room.write(f"releases/{SLUG}/docs/brochure.pdf", medium)   # one PUT
    failed = []

    def once(method, path):   # the first PUT of the brochure fails after its body went out
        if method == "PUT" and path.endswith("brochure.pdf") and not failed:
            failed.append(path)
            return True
        return False

    proxy = FaultyProxy(s3.endpoint, always="internal", when=once).start()
    recorder = ByteRecorder()
    try:
        publish(room, endpoint_url=proxy.endpoint, reporter=recorder)
    finally:
        proxy.shutdown()
    assert failed and recorder.retries == ["retrying (2/2): InternalError"]
    for name, data in (("factsheet.pdf", big), ("brochure.pdf", medium)):
        told = recorder.progress_of(f"{SLUG}/docs/{name}")
        assert all(n > 0 for n in told) and sum(told) == len(data), "never past the size, retried bytes or not"
        assert len(told) >= 4 and sum(told[:-1]) >= len(data) // 2, "told as the bytes go, not at the end"
    assert body(s3, room.site_bucket, f"news/{SLUG}/docs/brochure.pdf") == medium
    assert all(sum(recorder.progress_of(key)) == size for kind, key, size in recorder.events if kind == "done")


def test_upload_bar_on_a_terminal_only(room, s3):
    from tests.conftest import run_on_terminal

    room.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 " + bytes(3 * 1024 * 1024))
    publish_ = ["publish", "--root", str(room.root), "--now", "2026-11-25T10:00+01:00"]
    code, shown = run_on_terminal(publish_, terminal=True)
    assert code == 0, shown
    assert "Photos" in shown and "Uploading" in shown and "100%" in shown and "files" in shown
    room.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 " + bytes(3 * 1024 * 1024 + 1))
    code, shown = run_on_terminal(publish_, terminal=False)
    assert code == 0 and "Uploading" not in shown and "[" not in shown, shown
    room.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 " + bytes(3 * 1024 * 1024 + 2))
    code, shown = run_on_terminal(publish_ + ["-q"], terminal=True)
    assert code == 0 and "Uploading" not in shown and "Photos" not in shown, shown


# ---------------------------------------------------------------- deleting

def test_delete_only_what_smr_uploaded_and_only_when_asked(room, s3):
    publish(room)
    foreign = s3.client()
    foreign.put_object(Bucket=room.site_bucket, Key="news/not-ours.txt", Body=b"keep me")
    foreign.put_object(Bucket=room.site_bucket, Key="elsewhere/page.html", Body=b"keep me")
    before = set(s3.objects(room.site_bucket))
    room.photo(SLUG, "images/Foto één.jpg", color=(20, 200, 90))   # new renditions, new names

    report = publish(room)
    old = sorted(k for k in before if k.removeprefix("news/") not in local_files(room) and k.startswith("news/")
                 and not is_manifest(k) and k != "news/not-ours.txt")
    assert old and all(k.startswith((f"news/{SLUG}/img/", "news/pagefind/")) for k in old), old   # search: its index
    assert report.deleted == 0 and report.takedowns == [] and report.kept >= len(old) + 1
    assert set(old) <= set(s3.objects(room.site_bucket)), "a public release's old renditions wait for --delete"

    report = publish(room, delete=True)
    keys = set(s3.objects(room.site_bucket))
    assert report.deleted == len(old)
    assert not set(old) & keys
    assert {"news/not-ours.txt", "elsewhere/page.html", f"news/{SLUG}/index.html"} <= keys
    manifest = body(s3, room.site_bucket, manifest_key(s3, room.site_bucket, "news/")).decode()
    assert not [k for k in old if k.removeprefix("news/") in manifest] and "not-ours" not in manifest


def test_delete_limit_stops_before_anything_changes(room, s3):
    publish(room)
    import shutil
    shutil.rmtree(room.root / "releases" / OTHER)
    room.photo(SLUG, "images/Foto één.jpg", color=(1, 2, 3))
    before = {k: v["ETag"] for k, v in s3.objects(room.site_bucket).items()}
    with pytest.raises(SmrError, match=r"would remove \d+ objects, more than --max-deletes 1"):
        publish(room, delete=True, max_deletes=1)
    assert {k: v["ETag"] for k, v in s3.objects(room.site_bucket).items()} == before
    report = publish(room, delete=True, max_deletes=1, yes=True)
    assert report.deleted >= 2
    assert not [k for k in s3.objects(room.site_bucket) if OTHER in k]


def test_dry_run_lists_exactly_and_changes_nothing(room, s3):
    report = publish(room, dry_run=True)
    assert set(s3.objects(room.site_bucket)) == set() and set(s3.objects(room.media_bucket)) == set()
    uploads = sorted(re.match(r"upload  (\S+(?: \S+)*?)  \(", line).group(1) for line in report.lines)
    assert report.uploaded == len(uploads)
    publish(room)
    published = {f"s3://{room.site_bucket}/{k}" for k in s3.objects(room.site_bucket)} | {
        f"s3://{room.media_bucket}/{k}" for k in s3.objects(room.media_bucket)}
    assert set(uploads) == {u for u in published if not is_manifest(u)}

    import shutil
    shutil.rmtree(room.root / "releases" / OTHER)
    report = publish(room, dry_run=True, delete=True)
    deletes = [line.split()[1] for line in report.lines if line.startswith("delete")]
    assert deletes and all(f"/news/{OTHER}/" in d or "/news/pagefind/" in d for d in deletes)   # and the old search index
    assert any(OTHER in k for k in s3.objects(room.site_bucket))


def test_cli_publish_prints_summary_and_url(room, s3):
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"upload  s3://{room.site_bucket}/news/{SLUG}/index.html" in result.output
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    assert re.search(r"Uploaded \d+ files .*skipped 0 unchanged, deleted 0 in [\d.]+ s", result.output)
    assert "https://pers.example.org/" in result.output
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert "Uploaded 0 files" in result.output


# ---------------------------------------------------------------- embargo and preview

def test_embargoed_release_is_never_published_and_preview_is_secret(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    publish(room)
    everything = [*s3.objects(room.site_bucket), *s3.objects(room.media_bucket)]
    assert not [k for k in everything if SECRET_SLUG in k]
    for key in ("news/feed.xml", "news/sitemap.xml", "news/index.html"):
        assert SECRET_SLUG.encode() not in body(s3, room.site_bucket, key)

    result = room.run("preview", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    link = re.search(r"https://pers\.example\.org/_preview/([A-Za-z0-9_-]+)/" + SECRET_SLUG + "/", result.output)
    assert link, result.output
    token = link.group(1)
    assert len(token) >= 22   # 16 random bytes, base64url
    keys = [k for k in s3.objects(room.site_bucket) if SECRET_SLUG in k]
    assert f"news/_preview/{token}/{SECRET_SLUG}/index.html" in keys
    assert all(k.startswith(f"news/_preview/{token}/") for k in keys)
    assert f"news/_preview/{token}/assets/style.css" in s3.objects(room.site_bucket)
    assert not [k for k in s3.objects(room.media_bucket) if SECRET_SLUG in k]
    html = body(s3, room.site_bucket, f"news/_preview/{token}/{SECRET_SLUG}/index.html").decode()
    assert re.search(r'<meta name="robots" content="[^"]*noindex', html)
    assert_preview_links_resolve(html, s3, room.site_bucket, f"news/_preview/{token}/{SECRET_SLUG}/")
    for key in ("news/feed.xml", "news/sitemap.xml", "news/index.html"):
        assert SECRET_SLUG.encode() not in body(s3, room.site_bucket, key)

    again = room.run("preview", f"releases/{SECRET_SLUG}", "--now", "2026-11-25T10:00+01:00")
    assert token in again.output, "a second preview keeps the link already sent"

    publish(room, now=AFTER_EMBARGO)
    keys = set(s3.objects(room.site_bucket))
    assert f"news/{SECRET_SLUG}/index.html" in keys
    assert not [k for k in keys if "_preview" in k], "publishing after the embargo removes the preview"
    assert f"hires/{SECRET_SLUG}/deal.jpg" in s3.objects(room.media_bucket)


def test_an_embargo_pushed_back_is_taken_down_by_a_plain_publish(room, s3):
    """Published early by mistake, then put back under embargo: the next plain publish takes
    page, renditions, originals and the tag's feeds down, and says so even with -q."""
    room.release(SLUG, PHOTO_YAML + "tags: [winkelnieuws]\n")
    publish(room)
    assert f"news/{SLUG}/index.html" in s3.objects(room.site_bucket)
    assert f"hires/{SLUG}/Foto één.jpg" in s3.objects(room.media_bucket)
    assert "news/tags/winkelnieuws/feed.xml" in s3.objects(room.site_bucket)

    room.release(SLUG, PHOTO_YAML + "tags: [winkelnieuws]\nembargo: 2026-12-01T09:00:00+01:00\n")
    dry = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would take down: {SLUG} (under embargo until 2026-12-01 09:00)" in dry.stderr
    assert f"delete  s3://{room.media_bucket}/hires/{SLUG}/Foto één.jpg  (take down: {SLUG}," in dry.stdout
    assert f"news/{SLUG}/index.html" in s3.objects(room.site_bucket), "a dry run changes nothing"

    result = room.run("publish", "-q", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    site, media = s3.objects(room.site_bucket), s3.objects(room.media_bucket)
    lines = result.stderr.splitlines()
    assert re.fullmatch(rf"taken down: {SLUG} \(under embargo until 2026-12-01 09:00\) — \d+ site files, "
                        r"2 originals", lines[0]), lines
    assert lines[1].startswith("taken down: tags/winkelnieuws/atom.xml, tags/winkelnieuws/feed.json, "
                               "tags/winkelnieuws/feed.xml and 1 more ("), lines   # and the tag's page
    assert result.stdout == "", "-q prints nothing else"
    assert not [k for k in [*site, *media] if SLUG in k or "winkelnieuws" in k]
    for key in ("news/feed.xml", "news/atom.xml", "news/sitemap.xml", "news/index.html", "news/nl/feed.xml"):
        assert SLUG.encode() not in body(s3, room.site_bucket, key), key
    for bucket in (room.site_bucket, room.media_bucket):
        prefix = "news/" if bucket == room.site_bucket else "hires/"
        manifest = json.loads(body(s3, bucket, manifest_key(s3, bucket, prefix)))["objects"]
        assert set(manifest) == {k.removeprefix(prefix) for k in s3.objects(bucket) if not is_manifest(k)}
    again = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert "taken down" not in again.output and "Uploaded 0 files" in again.output


def test_a_page_linking_a_dot_file_is_not_published_and_takedowns_still_happen(s3, tmp_path):
    """publish never uploads a file whose name starts with a dot, so a built site whose page
    links one (check and build refuse such names in release.yaml; this is publish's own
    guard) is refused in words, naming the file and its release, before any upload; what
    must not be online still goes first, and the error says so."""
    from generator.files import digests
    from generator.publish import deploy

    site, a, b = tmp_path / "site", "2026-01-001-winkel", "2026-01-002-fabriek"
    pages = {"index.html": f'<!doctype html><a href="{a}/">a</a> <a href="{b}/">b</a>',
             f"{a}/index.html": '<!doctype html><a href="../">index</a>',
             f"{b}/index.html": '<!doctype html><a href="../">index</a>'}
    for rel, text in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, "utf-8")
    cfg = large_site_settings(s3)

    def record():   # the build's output record: every file it wrote
        return {p.relative_to(site).as_posix(): digests(p) for p in site.rglob("*") if p.is_file()}

    deploy.publish_dir(site, cfg, releases={a, b}, held={}, digests=record())
    before = s3.objects(cfg.site.bucket)
    assert f"news/{b}/index.html" in before

    (site / b / "index.html").unlink()   # b is a draft again
    (site / a / "docs").mkdir()
    (site / a / "docs" / ".factsheet.pdf").write_bytes(b"%PDF-1.4 test\n%%EOF\n")
    (site / a / "index.html").write_text('<!doctype html><a href="../">index</a> <a href="docs/.factsheet.pdf">f</a>')
    dry = deploy.publish_dir(site, cfg, releases={a}, held={b: "draft"}, digests=record(), dry_run=True)
    rule = (f"{a}/docs/.factsheet.pdf (release {a}): smr never publishes a file whose name (or folder's name) "
            "starts with a dot, so a page's link to it would give journalists 404 Not Found; rename it without "
            "the dot; nothing was uploaded")
    assert dry.lines[-1] == f"(a real run would stop after the takedowns: {rule})"
    with pytest.raises(SmrError) as info:
        deploy.publish_dir(site, cfg, releases={a}, held={b: "draft"}, digests=record())
    assert str(info.value).splitlines() == [
        rule, f"taken down: {b} (draft) — 1 site file, 0 originals, before the publish stopped"]
    online = s3.objects(cfg.site.bucket)
    assert f"news/{b}/index.html" not in online, "the takedown went first"
    assert {k: v["ETag"] for k, v in online.items() if not is_manifest(k)} == {
        k: v["ETag"] for k, v in before.items() if not is_manifest(k) and b not in k}, "nothing was uploaded"
    manifest = json.loads(body(s3, cfg.site.bucket, manifest_key(s3, cfg.site.bucket, "news/")))["objects"]
    assert f"{b}/index.html" not in manifest, "the manifest says what was taken down"

    (site / a / "docs" / ".factsheet.pdf").rename(site / a / "docs" / "factsheet.pdf")
    (site / a / "index.html").write_text('<!doctype html><a href="../">index</a> <a href="docs/factsheet.pdf">f</a>')
    deploy.publish_dir(site, cfg, releases={a}, held={b: "draft"}, digests=record())
    assert f"news/{a}/docs/factsheet.pdf" in s3.objects(cfg.site.bucket)


def test_a_deleted_release_is_taken_down_by_a_plain_publish(room, s3):
    publish(room)
    assert [k for k in s3.objects(room.site_bucket) if k.startswith(f"news/{OTHER}/")]
    import shutil
    shutil.rmtree(room.root / "releases" / OTHER)
    report = publish(room)
    assert report.takedowns == [f"taken down: {OTHER} (no longer in releases/) — 3 site files, 0 originals"]
    assert not [k for k in s3.objects(room.site_bucket) if OTHER in k]


def test_a_newsroom_with_no_release_left_takes_nothing_down_without_yes(room, s3):
    """Run from a checkout whose releases/ is gone (a wrong folder or branch): not a reason to
    empty the buckets unasked."""
    import shutil

    publish(room)
    online = s3.objects(room.site_bucket)
    shutil.rmtree(room.root / "releases")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1
    assert "this newsroom has no public release, and publishing would take down all 2 releases online" \
        in result.output and "add --yes" in result.output
    assert s3.objects(room.site_bucket) == online, "nothing was changed"
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--yes")
    assert result.exit_code == 0, result.output
    assert not [k for k in s3.objects(room.site_bucket) if SLUG in k or OTHER in k]


def test_a_draft_never_reaches_a_bucket_and_a_release_made_draft_again_is_taken_down(room, s3):
    room.release(OTHER, OTHER_YAML + "draft: true\n")
    publish(room)
    site, media = s3.objects(room.site_bucket), s3.objects(room.media_bucket)
    assert f"news/{SLUG}/index.html" in site
    assert not [k for k in [*site, *media] if OTHER in k]
    for key in ("news/index.html", "news/feed.xml", "news/atom.xml", "news/sitemap.xml"):
        assert OTHER.encode() not in body(s3, room.site_bucket, key), key

    room.release(SLUG, PHOTO_YAML + "draft: true\n")   # published, then back to a draft
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    assert re.search(rf"taken down: {SLUG} \(draft\) — \d+ site files, 2 originals", result.stderr), result.stderr
    assert not [k for k in [*s3.objects(room.site_bucket), *s3.objects(room.media_bucket)] if SLUG in k]
    status = room.run("status", "--now", "2026-11-25T10:00+01:00")
    assert status.exit_code == 0, status.output
    assert re.search(rf"{SLUG}\s+draft\s+—\s+not online", status.output), status.output


def test_a_pitch_under_embargo_links_the_preview_smr_preview_made(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    room.write("outreach/bloggers.csv", "email,name,topics\nbea@example.net,Bea Blogger,concurrent;testbedrijf\n")
    def export():
        from click.testing import CliRunner

        from generator.cli import main

        return CliRunner().invoke(main, ["outreach", "export", "--root", str(room.root), SECRET_SLUG,
                                         "--now", "2026-11-25T10:00+01:00"])

    before = export()
    assert before.exit_code == 1 and f"run `smr preview {SECRET_SLUG}` first" in before.output
    made = room.run("preview", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00")
    link = re.search(r"https://\S+/_preview/\S+/", made.output).group(0)
    result = export()
    assert result.exit_code == 0, result.output
    assert f"the pitches link the confidential preview {link}" in result.output
    rows = (room.root / "outreach" / "exports" / f"{SECRET_SLUG}.csv").read_text("utf-8-sig")
    assert link in rows and f"https://pers.example.org/{SECRET_SLUG}/" not in rows


def assert_preview_links_resolve(html: str, s3, bucket: str, folder: str) -> None:
    """A journalist's every click works: files of the preview are in its upload, and links to
    the rest of the newsroom go to the public site (the index, feeds), not into the token."""
    from urllib.parse import unquote, urljoin

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    links = {el.get("href") or el.get("src") for el in soup.find_all(["a", "link", "img", "script", "source"])}
    links.discard(None)
    keys = set(s3.objects(bucket))
    public = {link for link in links if link.startswith("https://pers.example.org/")}
    assert {"https://pers.example.org/index.html", "https://pers.example.org/feed.xml"} <= public
    for link in links - public:
        if link.startswith(("http:", "https:", "mailto:", "tel:", "#", "data:")):
            continue
        key = unquote(urljoin("/" + folder, link.split("#")[0]).lstrip("/"))
        assert (key + "index.html" if key.endswith("/") else key) in keys, f"{link} -> {key} is not uploaded"


def test_preview_leaves_nothing_behind_in_the_cache(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    cache = room.root / ".smr-cache"

    def preview():
        assert room.run("preview", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00").exit_code == 0
        return sorted(p.name for p in cache.iterdir())

    first = preview()
    assert "preview-site" in first
    assert preview() == first and preview() == first, "each preview reuses one build folder and its records"


def test_preview_remove_and_refusals(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    assert room.run("preview", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00").exit_code == 0
    assert [k for k in s3.objects(room.site_bucket) if "_preview" in k]
    result = room.run("preview", "--remove", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0 and "Removed the preview" in result.output
    assert not [k for k in s3.objects(room.site_bucket) if "_preview" in k]
    result = room.run("preview", "--remove", SECRET_SLUG, "--now", "2026-11-25T10:00+01:00")
    assert "There was no preview to remove." in result.output

    result = room.run("preview", SLUG, "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1
    assert f"releases/{SLUG}/release.yaml" in result.output and "not under embargo" in result.output
    result = room.run("preview", "no-such-release", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1 and "no release 'no-such-release'" in result.output


# ---------------------------------------------------------------- two publishes at once

def test_two_publishes_at_once_take_turns(room, s3):
    """Two real `smr publish` processes: the second waits for the first, and the buckets end
    up holding exactly the site, with manifests that agree with them."""
    from generator.files import file_lock
    from tests.conftest import REPO

    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "generator", "publish", "--root", str(room.root), "--now", AFTER_EMBARGO]
    lock = room.root / ".smr-cache" / "publish.lock"
    with file_lock(lock):   # hold the lock until both are running and waiting for it
        runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        for run in runs:
            assert run.stderr.readline() == "waiting for another smr publish in this newsroom…\n"
    outputs = [(run.communicate(timeout=120), run.returncode) for run in runs]
    for (out, err), code in outputs:
        assert code == 0, err
    uploaded = sorted(int(re.search(r"Uploaded (\d+) files", out).group(1)) for (out, _), _ in outputs)
    assert uploaded[0] == 0 and uploaded[1] > 10, "one did the work, the other found nothing left to do"
    local = local_files(room)
    site = {k.removeprefix("news/"): v for k, v in s3.objects(room.site_bucket).items()}
    media = {k.removeprefix("hires/"): v for k, v in s3.objects(room.media_bucket).items()}
    assert {k for k in site if not is_manifest(k)} == {k for k in local if "/hires/" not in k}
    assert {k for k in media if not is_manifest(k)} == {k.replace("/hires/", "/") for k in local if "/hires/" in k}
    for listing, bucket, prefix in ((site, room.site_bucket, "news/"), (media, room.media_bucket, "hires/")):
        manifest = json.loads(body(s3, bucket, manifest_key(s3, bucket, prefix)))["objects"]
        assert set(manifest) == {k for k in listing if not is_manifest(k)}
        assert all(manifest[k]["etag"] == listing[k]["ETag"].strip('"') for k in manifest)


def test_a_publish_waiting_too_long_gives_up_with_one_line(room, s3, monkeypatch):
    from generator.publish import deploy
    from tests.conftest import REPO
    from tests.test_files import HOLDER

    monkeypatch.setattr(deploy, "LOCK_TIMEOUT", 0.5)
    lock = room.root / ".smr-cache" / "publish.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(REPO)],   # another process
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert result.exit_code == 1
    waiting, error = result.stderr.splitlines()
    assert waiting == "waiting for another smr publish in this newsroom…"
    assert error.startswith("error: another smr publish in this newsroom has been running for more than ")
    assert error.endswith("; nothing was changed")
    assert s3.objects(room.site_bucket) == {}


# ---------------------------------------------------------------- faults

def test_bad_credentials_give_one_clear_line(room, s3, aws_env):
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-value")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"publish.site: s3://{room.site_bucket}/news/: credentials rejected" in lines[0]
    assert "wrong-secret-value" not in result.output and ACCESS_KEY not in result.output
    assert "Traceback" not in result.output


def test_access_denied(room, s3, aws_env):
    aws_env.setenv("AWS_ACCESS_KEY_ID", READER_KEY)
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", READER_SECRET)
    with pytest.raises(SmrError) as info:
        publish(room)
    assert str(info.value).startswith(f"newsroom.yaml: publish.media: s3://{room.media_bucket}/hires/: access denied"
                                      f" by {s3.endpoint}") or str(info.value).startswith(
        f"newsroom.yaml: publish.site: s3://{room.site_bucket}/news/: access denied by {s3.endpoint}")
    assert READER_SECRET not in str(info.value)
    assert s3.objects(room.site_bucket) == {} and s3.objects(room.media_bucket) == {}


def test_no_credentials_and_access_key_unknown(room, s3, aws_env):
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SmrError, match="no AWS credentials found"):
        publish(room)
    aws_env.setenv("AWS_ACCESS_KEY_ID", "nobody")
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    with pytest.raises(SmrError, match="credentials rejected") as info:
        publish(room)
    assert SECRET_KEY not in str(info.value)


def test_missing_bucket_and_wrong_endpoint(room, s3, aws_env):
    aws_env.setenv("SMR_PUBLISH_MEDIA", "s3://no-such-bucket-here/")
    with pytest.raises(SmrError) as info:
        publish(room)
    assert str(info.value) == ("newsroom.yaml: publish.media: s3://no-such-bucket-here/: bucket "
                               f"'no-such-bucket-here' does not exist at {s3.endpoint}; add --create-buckets "
                               "to smr publish, or create it with: aws s3 mb s3://no-such-bucket-here "
                               f"--endpoint-url {s3.endpoint}")
    aws_env.delenv("SMR_PUBLISH_MEDIA")
    from tests.s3server import free_port_pair
    closed = f"http://127.0.0.1:{free_port_pair()}"
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", closed)
    assert result.exit_code == 1
    *retries, error = result.stderr.strip().splitlines()
    assert error.startswith("error: ") and f"cannot reach {closed} (connection refused)" in error
    assert retries and all(line.startswith("retrying (2/2): connection refused") for line in retries)
    aws_env.setenv("SMR_ENDPOINT_URL", "ftp://example.org")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1 and "SMR_ENDPOINT_URL" in result.output


PASSWORD = "hunter2-do-not-show"


def with_password(endpoint: str) -> str:
    return endpoint.replace("://", f"://smrkey:{PASSWORD}@", 1)


def test_a_password_in_the_endpoint_url_is_never_shown(room, s3, aws_env):
    """A user:password@ in the endpoint URL (from --endpoint-url, SMR_ENDPOINT_URL,
    newsroom.yaml or botocore's own AWS_ENDPOINT_URL_S3) appears in no line smr prints: a
    real publish, status, dry run and preview failing against a closed port, and one whose
    service never answers; the endpoint is shown without it."""
    from tests.conftest import REPO
    from tests.s3server import free_port_pair

    closed = f"http://127.0.0.1:{free_port_pair()}"
    now = ["--now", "2026-11-25T10:00+01:00"]
    run = subprocess.run([sys.executable, "-m", "generator", "publish", "--root", str(room.root), *now,
                          "--endpoint-url", with_password(closed)], env=dict(os.environ, PYTHONPATH=str(REPO)),
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert PASSWORD not in run.stdout + run.stderr and "smrkey" not in run.stdout + run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("error: newsroom.yaml: publish.")
    assert f"cannot reach {closed} (connection refused)" in run.stderr, run.stderr

    text = (room.root / "newsroom.yaml").read_text("utf-8")
    room.write("newsroom.yaml", text.replace(s3.endpoint, with_password(closed)))
    for command in (["publish"], ["publish", "--dry-run"], ["status"], ["preview", SLUG]):
        result = room.run(command[0], *now, *command[1:])
        assert result.exit_code == 1, result.output
        assert PASSWORD not in result.output and f"cannot reach {closed}" in result.output, result.output
    room.write("newsroom.yaml", text.replace(f"  endpoint_url: {s3.endpoint}\n", ""))
    for name in ("SMR_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        aws_env.setenv(name, with_password(closed))
        result = room.run("publish", *now)
        aws_env.delenv(name)
        assert result.exit_code == 1 and f"cannot reach {closed} (connection refused)" in result.output, result.output
        assert PASSWORD not in result.output

    silent = SilentServer()
    aws_env.setenv("SMR_READ_TIMEOUT", "1")
    try:
        result = room.run("publish", *now, "--endpoint-url", with_password(silent.endpoint))
    finally:
        silent.close()
    assert result.exit_code == 1 and PASSWORD not in result.output, result.output
    assert f"{silent.endpoint.removeprefix('http://')} accepted the connection but did not answer" in result.output


def test_a_password_in_the_endpoint_url_reaches_no_page_and_the_publish_works(room, s3):
    """botocore never uses a URL's userinfo, so the publish goes through; but without
    media_base_url the download links are made from the endpoint: they, the warnings and
    every object online carry no password. smr says to remove it."""
    text = re.sub(r"  media_base_url: \S+\n", "", (room.root / "newsroom.yaml").read_text("utf-8"))
    room.write("newsroom.yaml", text.replace(s3.endpoint, with_password(s3.endpoint)))
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert ("warning: newsroom.yaml: publish.endpoint_url holds a user name and password (user:password@); S3 "
            "does not use them, as requests are signed with your AWS credentials, so smr leaves them out: "
            "remove them from it") in result.stderr.splitlines()
    html = body(s3, room.site_bucket, f"news/{SLUG}/index.html").decode()
    assert f'href="{s3.endpoint}/{room.media_bucket}/hires/{SLUG}/Foto%20%C3%A9%C3%A9n.jpg"' in html
    for bucket in (room.site_bucket, room.media_bucket):
        for key in s3.objects(bucket):
            assert PASSWORD.encode() not in body(s3, bucket, key), key
    for path in (room.root / ".smr-cache" / "publish-site").rglob("*"):
        assert not path.is_file() or PASSWORD.encode() not in path.read_bytes(), path
    aws_fail = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", "http://x@127.0.0.1:1")
    assert aws_fail.exit_code == 1 and "x@" not in aws_fail.output


def test_an_s3_target_with_a_password_is_refused_without_showing_it(room, s3, aws_env):
    aws_env.setenv("SMR_PUBLISH_SITE", f"s3://smrkey:{PASSWORD}@{room.site_bucket}/news/")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [(
        "error: SMR_PUBLISH_SITE: an s3:// URL names a bucket and a prefix, never a user name or password "
        "(user:password@); remove them, and give the keys through AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
        "or AWS_PROFILE")]
    assert s3.objects(room.site_bucket) == {}


def test_retries_are_said_on_stderr(room, s3):
    proxy = FaultyProxy(s3.endpoint, plan={3: "slowdown", 6: "drop", 9: "internal"}).start()
    try:
        result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", proxy.endpoint)
    finally:
        proxy.shutdown()
    assert result.exit_code == 0, result.output
    assert {"retrying (2/2): SlowDown", "retrying (2/2): connection closed before an answer",
            "retrying (2/2): InternalError"} <= set(result.stderr.splitlines())
    assert [f for f, _, _ in proxy.faults] == ["slowdown", "drop", "internal"]
    assert f"news/{SLUG}/index.html" in s3.objects(room.site_bucket)
    assert "Uploading" not in result.output, "no progress bar when stderr is not a terminal"

    room.write(f"releases/{SLUG}/docs/factsheet.pdf", b"%PDF-1.4 changed\n%%EOF\n")
    proxy = FaultyProxy(s3.endpoint, always="slowdown", when=lambda method, path: method == "PUT"
                        and "factsheet" in path and not proxy.faults).start()
    try:
        result = room.run("publish", "-q", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", proxy.endpoint)
    finally:
        proxy.shutdown()
    assert result.exit_code == 0 and len(proxy.faults) == 1
    assert "retrying" not in result.output, "-q silences the retry lines"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_local_endpoint_without_path_style(room, s3, host):
    """botocore addresses such endpoints by path (BUCKET.127.0.0.1 does not exist), and the
    download links, with no media_base_url, point where the originals were put."""
    endpoint = s3.endpoint.replace("127.0.0.1", host)
    text = (room.root / "newsroom.yaml").read_text("utf-8").replace("  path_style: true\n", "")
    text = re.sub(r"  media_base_url: \S+\n", "", text).replace(s3.endpoint, endpoint)
    (room.root / "newsroom.yaml").write_text(text, "utf-8")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0 and "retrying" not in result.output, result.output
    assert f"news/{SLUG}/index.html" in s3.objects(room.site_bucket)
    assert f"hires/{SLUG}/Foto één.jpg" in s3.objects(room.media_bucket)
    html = body(s3, room.site_bucket, f"news/{SLUG}/index.html").decode()
    assert f'href="{endpoint}/{room.media_bucket}/hires/{SLUG}/Foto%20%C3%A9%C3%A9n.jpg"' in html


def test_a_host_name_that_does_not_resolve_fails_at_once(room, s3):
    endpoint = "http://s3.nergens.invalid:8333"
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", endpoint)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: newsroom.yaml: publish.site: s3://{room.site_bucket}/news/: cannot reach {endpoint} "
        "(host name does not resolve); check endpoint_url and the network"], "one line, and no retries"


def test_an_endpoint_that_never_answers_ends_the_publish_with_one_clear_line(room, s3, aws_env):
    """A service that accepts connections and never answers: two tries (whatever
    AWS_MAX_ATTEMPTS says), a line for the retry, then one line in plain words; exit 1."""
    silent = SilentServer()
    aws_env.setenv("AWS_MAX_ATTEMPTS", "5")
    aws_env.setenv("SMR_READ_TIMEOUT", "1")
    try:
        result = room.run("publish", "--now", "2026-11-25T10:00+01:00", "--endpoint-url", silent.endpoint)
    finally:
        silent.close()
    assert result.exit_code == 1
    *retries, error = result.stderr.strip().splitlines()
    assert set(retries) == {"retrying (2/2): no answer in time"}, result.stderr
    host = silent.endpoint.removeprefix("http://")
    assert re.fullmatch(rf"error: newsroom\.yaml: publish\.(site|media): s3://\S+/: {re.escape(host)} accepted the "
                        r"connection but did not answer within 1 s; .+; check endpoint_url and the network", error), error
    assert len(silent.connections) <= 8   # two targets, a listing and a manifest each, two tries each
    aws_env.setenv("SMR_READ_TIMEOUT", "soon")
    result = room.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1 and "SMR_READ_TIMEOUT: must be a number of seconds" in result.stderr


def test_server_killed_mid_publish_then_rerun_completes(newsroom, own_s3server, aws_env):
    s3 = own_s3server
    site, media = s3.bucket("site"), s3.bucket("media")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"""\
publish:
  site: s3://{site}/
  media: s3://{media}/
  endpoint_url: {s3.endpoint}
  path_style: true
""")
    for n in range(4):
        slug = f"2026-11-1{n}-nieuws-{n}"
        newsroom.release(slug, RELEASE_YAML + "images:\n  - file: images/p.jpg\n    alt: Foto\n")
        newsroom.photo(slug, "images/p.jpg", color=(n * 40, 80, 120))

    from generator.publish.deploy import Reporter

    class KillAfter(Reporter):
        count = 0

        def uploaded(self, f):
            self.count += 1
            if self.count == 3:
                s3.kill()

    with pytest.raises(SmrError) as info:
        publish(newsroom, reporter=KillAfter())
    message = str(info.value)
    assert re.fullmatch(rf"newsroom\.yaml: publish\.(site|media): s3://({site}|{media})/: .+", message), message
    assert "\n" not in message   # usually "cannot reach ..."; a 5xx from a dying server is also one clean line
    s3.start()   # returns once what was written before reads back and new writes work
    report = publish(newsroom, max_attempts=5)
    files = local_files(newsroom)
    assert 0 < report.uploaded <= len(files) - 3, "the files uploaded before the failure are not sent again"
    online = s3.objects(site) | {k.replace("/", "/hires/", 1): v for k, v in s3.objects(media).items()}
    for rel, md5 in files.items():
        assert online[rel]["ETag"].strip('"') == md5, rel
    again = publish(newsroom)
    assert again.uploaded == 0


BIG = 20 * 1024 * 1024   # a document of three multipart parts


def slow_publish(room, endpoint: str, stderr) -> subprocess.Popen:
    """`smr publish` in a real process of its own, talking to `endpoint`."""
    return subprocess.Popen([sys.executable, "-m", "generator", "publish", "--root", str(room.root),
                             "--now", "2026-11-25T10:00+01:00", "--endpoint-url", endpoint],
                            cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=stderr,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def incomplete(s3, bucket: str) -> list[str]:
    return sorted(u["Key"] for u in s3.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []))


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL", "server killed"])
def test_a_publish_interrupted_mid_multipart_leaves_no_incomplete_upload(newsroom, own_s3server, aws_env,
                                                                         tmp_path, how):
    """Stopped (SIGTERM, Ctrl-C) while a large document goes up in parts, smr aborts the
    multipart upload itself; killed (SIGKILL), or with the server gone so that the abort
    cannot arrive, the parts stay until the next publish aborts them. Incomplete uploads
    that are not smr's (another prefix, a key smr never put) are left alone."""
    import signal

    from tests.conftest import eventually
    from tests.publish.proxies import SlowLink

    s3 = own_s3server
    site = s3.bucket("site")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"""\
publish:
  site: s3://{site}/news/
  endpoint_url: {s3.endpoint}
  region: us-east-1
  path_style: true
""")
    newsroom.release(SLUG, PHOTO_YAML.replace("docs/factsheet.pdf", "docs/brochure.pdf"))
    newsroom.photo(SLUG, "images/Foto één.jpg")
    newsroom.write(f"releases/{SLUG}/docs/brochure.pdf", b"%PDF-1.4\n" + os.urandom(BIG))
    foreign = [s3.client().create_multipart_upload(Bucket=site, Key=key)["UploadId"]
               for key in ("elders/groot.bin", "news/niet-van-smr.bin")]
    link = SlowLink(s3.endpoint, rate=4 * 1024 * 1024)   # about 5 s for the brochure
    errors = tmp_path / "stderr.txt"
    try:
        with open(errors, "wb") as stderr:
            proc = slow_publish(newsroom, link.endpoint, stderr)
            try:
                eventually(lambda: proc.poll() is not None or (   # a part or more is up, more to come
                    set(incomplete(s3, site)) - {"elders/groot.bin", "news/niet-van-smr.bin"}
                    and link.carried > 10 * 1024 * 1024), "the upload of the brochure in parts", timeout=120)
                assert proc.poll() is None, errors.read_text()
                if how == "server killed":
                    s3.kill()
                else:
                    proc.send_signal(getattr(signal, how))
                code = proc.wait(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        link.close()
    said = errors.read_text()
    assert code != 0 and "Traceback" not in said, said
    if how == "server killed":
        assert said.strip().splitlines()[-1].startswith("error: "), said
        s3.start()
    mine = f"news/{SLUG}/docs/brochure.pdf"
    left = incomplete(s3, site)
    if how in ("SIGTERM", "SIGINT"):
        assert left == ["elders/groot.bin", "news/niet-van-smr.bin"], "smr aborted its own upload on the way out"
    else:
        assert left == sorted(["elders/groot.bin", "news/niet-van-smr.bin", mine])
    result = newsroom.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    note = "aborted 1 incomplete upload left by an interrupted publish"
    assert (note in result.output) == (how not in ("SIGTERM", "SIGINT")), result.output
    assert incomplete(s3, site) == ["elders/groot.bin", "news/niet-van-smr.bin"]
    published = newsroom.root / ".smr-cache" / "publish-site"
    for path in (p for p in published.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(published).as_posix()
        assert body(s3, site, "news/" + rel) == path.read_bytes(), rel
    for key, upload in zip(("elders/groot.bin", "news/niet-van-smr.bin"), foreign):
        s3.client().abort_multipart_upload(Bucket=site, Key=key, UploadId=upload)


# ---------------------------------------------------------------- small rules

def test_attachment_header_and_content_types(tmp_path):
    from generator.publish.plan import ASSETS, ORIGINALS, content_type, headers_for

    kit = headers_for("r/hires/r-photos.zip", Path("x"), ORIGINALS)
    assert kit["ContentType"] == "application/zip" and kit["ContentDisposition"].startswith("attachment;")
    assert headers_for("r/img/a.0123abcd.960.webp", Path("x"), ASSETS) == {
        "ContentType": "image/webp", "CacheControl": "public, max-age=31536000, immutable"}
    assert headers_for("assets/style.css", Path("x"), ASSETS) == {
        "ContentType": "text/css; charset=utf-8", "CacheControl": "public, max-age=300"}
    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"></rss>')
    atom = tmp_path / "tag.xml"
    atom.write_text("<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'/>")
    assert content_type("feed.xml", rss) == "application/rss+xml; charset=utf-8"
    assert content_type("tags/x/tag.xml", atom) == "application/atom+xml; charset=utf-8"
    assert content_type("a/b.webp", Path("x")) == "image/webp"
    assert content_type("a/media-kit.zip", Path("x")) == "application/zip"


def test_no_target_configured(newsroom, aws_env):
    result = newsroom.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 1
    assert result.output.strip() == ("error: newsroom.yaml: publish.site: no publish target: set publish.site "
                                     "(s3://bucket/prefix/) in newsroom.yaml or SMR_PUBLISH_SITE")


def test_media_inside_the_site_bucket(room, s3):
    text = (room.root / "newsroom.yaml").read_text("utf-8")
    text = re.sub(r"media: s3://\S+", f"media: s3://{room.site_bucket}/news/hires/", text)
    (room.root / "newsroom.yaml").write_text(text, "utf-8")
    publish(room)
    keys = set(s3.objects(room.site_bucket))
    assert f"news/hires/{SLUG}/Foto één.jpg" in keys and f"news/{SLUG}/index.html" in keys
    report = publish(room, delete=True)
    assert (report.uploaded, report.deleted, report.kept) == (0, 0, 0)
    assert set(s3.objects(room.site_bucket)) == keys


def test_settings_environment_overrides(room, s3, aws_env):
    from generator.publish.deploy import settings

    aws_env.setenv("SMR_PUBLISH_SITE", "s3://other-bucket/pre")
    aws_env.setenv("SMR_MEDIA_BASE_URL", "https://cdn.example.org/x")
    cfg = settings(room.root, endpoint_url="http://127.0.0.1:9")
    assert (cfg.site.bucket, cfg.site.prefix) == ("other-bucket", "pre/")
    assert cfg.media_base_url == "https://cdn.example.org/x/"
    assert cfg.conn.endpoint_url == "http://127.0.0.1:9" and cfg.conn.path_style


# ---------------------------------------------------------------- a large site: small files from worker processes

def write_large_site(folder: Path, releases: int = 70, size: int = 2000) -> dict[str, bytes]:
    """A built site shaped like smr's: per release a page, its oembed.json and a vCard (enough
    small files per stage for the upload workers), a large asset, an index and a feed."""
    files = {"assets/brochure.pdf": b"%PDF-1.4\n" + bytes(2 * 1024 * 1024),
             "index.html": b"<!doctype html><title>index</title>\n", "feed.xml": b'<?xml version="1.0"?><rss/>\n'}
    for n in range(releases):
        slug = f"2026-01-{n:03d}-nieuws"
        files[f"{slug}/index.html"] = f"<!doctype html><title>{n}</title><p>{'x' * size}</p>\n".encode()
        files[f"{slug}/oembed.json"] = f'{{"version": "1.0", "title": "{n}", "html": "{"y" * size}"}}\n'.encode()
        files[f"{slug}/contact.vcf"] = f"BEGIN:VCARD\nVERSION:4.0\nFN:{n}{'z' * size}\nEND:VCARD\n".encode()
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return files


def large_site_settings(s3, endpoint: str | None = None, bucket: str | None = None, max_attempts: int = 2):
    from generator.publish.deploy import Settings
    from generator.publish.s3 import Connection, Target

    return Settings(Target.parse(f"s3://{bucket or s3.bucket('large')}/news/", "publish.site"), None, None,
                    Connection(endpoint or s3.endpoint, "us-east-1", True, max_attempts=max_attempts),
                    "https://pers.example.org/")


def releases_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith("2026-")}


class StageRecorder:
    """A publish Reporter that records the order of uploads and the retry lines."""

    def __init__(self):
        from generator.publish.deploy import Reporter

        self.uploaded_files, self.retries, self.base = [], [], Reporter()

    def __getattr__(self, name):
        return getattr(self.base, name)

    def uploaded(self, f):
        self.uploaded_files.append(f)

    def retrying(self, line):
        self.retries.append(line)


FORKSERVER_FIRST = """\
import multiprocessing, os, sys
from pathlib import Path
from tests.publish.test_publish import large_site_settings, releases_in, write_large_site
from tests.s3server import ACCESS_KEY, SECRET_KEY

class Server:   # what large_site_settings asks of the s3 fixture
    endpoint, bucket = sys.argv[1], lambda self, _: sys.argv[2]

for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
    os.environ.pop(name, None)
context = multiprocessing.get_context("forkserver")
worker = context.Process(target=int)   # the fork server starts now, with no credentials around
worker.start()
worker.join()
os.environ.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, SMR_START_METHOD="forkserver")
from generator.publish import deploy

site = Path(sys.argv[3])
write_large_site(site)
report = deploy.publish_dir(site, large_site_settings(Server()), releases=releases_in(site), held={})
print("uploaded", report.uploaded)
"""


def test_upload_workers_sign_with_their_publishs_credentials_whatever_started_them(s3, tmp_path):
    """A worker a fork server starts has the server's environment, not the publish's: one started
    before the credentials were set (by an earlier pool in the same process) must still sign."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", FORKSERVER_FIRST, s3.endpoint, s3.bucket("creds"),
                           str(tmp_path / "site")], cwd=Path(__file__).parents[2], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "uploaded" in proc.stdout, proc.stdout + proc.stderr
    assert "credentials" not in proc.stderr


def test_a_large_site_goes_up_from_worker_processes_in_order_with_every_header(s3, tmp_path):
    from generator.publish import deploy
    from generator.publish import plan as pp

    site = tmp_path / "site"
    files = write_large_site(site)
    cfg = large_site_settings(s3)
    client = make_client(s3)
    recorder, stages = Recorder(client), StageRecorder()
    report = deploy.publish_dir(site, cfg, releases=releases_in(site), held={}, client=client, reporter=stages)
    assert report.uploaded == len(files)
    assert set(recorder.puts()) == {"news/assets/brochure.pdf", "news/index.html",
                                    manifest_key(s3, cfg.site.bucket, "news/")}, \
        "a stage's many small files went up from the workers (the feed with the releases' oEmbeds)"
    order = [f.stage for f in stages.uploaded_files]
    assert order == sorted(order) and len(order) == len(files), "each stage whole before the next"
    online = s3.objects(cfg.site.bucket, "news/")
    for rel, data in files.items():
        md5 = hashlib.md5(data).hexdigest()
        assert online[f"news/{rel}"]["ETag"].strip('"') == md5, rel
    for rel in ("2026-01-007-nieuws/index.html", "2026-01-007-nieuws/oembed.json", "2026-01-007-nieuws/contact.vcf"):
        stored = head(s3, cfg.site.bucket, f"news/{rel}")
        assert stored["Metadata"] == {"md5": hashlib.md5(files[rel]).hexdigest()}
        assert (stored["ContentType"], stored["CacheControl"]) == (
            pp.content_type(rel, site / rel), pp.SHORT), rel
    manifest = json.loads(body(s3, cfg.site.bucket, manifest_key(s3, cfg.site.bucket, "news/")))["objects"]
    assert set(manifest) == set(files), "every upload, the workers' too, is in the manifest"
    recorder.clear()
    again = deploy.publish_dir(site, cfg, releases=releases_in(site), held={}, client=client)
    assert (again.uploaded, again.skipped, recorder.puts()) == (0, len(files), [])


def test_a_failure_in_an_upload_worker_is_one_line_and_stops_before_the_next_stage(s3, tmp_path, capfd):
    from generator.publish import deploy
    from generator.publish import plan as pp

    site = tmp_path / "site"
    write_large_site(site)
    proxy = FaultyProxy(s3.endpoint, always="internal", when=lambda method, path: method == "PUT"
                        and path.endswith(".vcf")).start()
    stages = StageRecorder()
    try:
        cfg = large_site_settings(s3, proxy.endpoint)
        with pytest.raises(SmrError) as info:
            deploy.publish_dir(site, cfg, releases=releases_in(site), held={}, reporter=stages)
    finally:
        proxy.shutdown()
    message = str(info.value)
    assert message == (f"newsroom.yaml: publish.site: s3://{cfg.site.bucket}/news/: InternalError: We encountered "
                       f"an internal error. Please try again. ({proxy.endpoint})"), message
    assert stages.uploaded_files and {f.stage for f in stages.uploaded_files} == {pp.ASSETS}
    online = s3.objects(cfg.site.bucket, "news/")
    assert not [k for k in online if k.endswith(("/index.html", ".xml"))], "no page went up after the failure"
    assert "Traceback" not in capfd.readouterr().err


def test_retries_in_upload_workers_are_said(s3, tmp_path):
    from generator.publish import deploy

    site = tmp_path / "site"
    files = write_large_site(site)
    faulted = []

    def some(method, path):   # the first PUT of three release pages fails once
        if method == "PUT" and path.endswith("/oembed.json") and len(faulted) < 3 and path not in faulted:
            faulted.append(path)
            return True
        return False

    proxy = FaultyProxy(s3.endpoint, always="internal", when=some).start()
    stages = StageRecorder()
    try:
        cfg = large_site_settings(s3, proxy.endpoint)
        report = deploy.publish_dir(site, cfg, releases=releases_in(site), held={}, reporter=stages)
    finally:
        proxy.shutdown()
    assert report.uploaded == len(files) and len(faulted) == 3
    assert stages.retries and set(stages.retries) == {"retrying (2/2): InternalError"}
    online = s3.objects(cfg.site.bucket, "news/")
    for path in faulted:
        rel = path.split("/news/", 1)[1]
        assert online[f"news/{rel}"]["ETag"].strip('"') == hashlib.md5(files[rel]).hexdigest()


LARGE_PUBLISH = """
import pathlib, sys
sys.path.insert(0, {repo!r})
from generator.publish.deploy import Settings, publish_dir, terminated_as_interrupted
from generator.publish.s3 import Connection, Target
site = pathlib.Path({site!r})
cfg = Settings(Target.parse({target!r}, "publish.site"), None, None,
               Connection({endpoint!r}, "us-east-1", True, max_attempts=2), "https://pers.example.org/")
try:
    with terminated_as_interrupted():   # as smr publish does
        publish_dir(site, cfg, releases={{p.name for p in site.iterdir() if p.name.startswith("2026-")}}, held={{}})
except KeyboardInterrupt:
    sys.exit(130)
"""


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM", "SIGKILL"])
def test_an_interrupted_publish_leaves_no_worker_process_and_no_page_before_its_files(s3, tmp_path, how):
    """Ctrl-C reaches smr and its workers (the terminal's process group), SIGTERM and SIGKILL
    smr alone; the workers end with it, nothing prints a traceback, and what went up is whole
    stages: no release page is online before the assets of the stage before it."""
    import signal

    from tests.conftest import eventually
    from tests.publish.proxies import SlowLink

    site = tmp_path / "site"
    files = write_large_site(site, size=20_000)
    bucket = s3.bucket("stopped")
    link = SlowLink(s3.endpoint, rate=40_000)   # about half a second a file
    code = LARGE_PUBLISH.format(repo=str(Path(__file__).resolve().parents[2]), site=str(site),
                                target=f"s3://{bucket}/news/", endpoint=link.endpoint)
    errors = tmp_path / "stderr.txt"
    try:
        with open(errors, "wb") as stderr:
            proc = subprocess.Popen([sys.executable, "-c", code], stderr=stderr, stdout=subprocess.DEVNULL,
                                    start_new_session=True)
            try:
                workers = set()

                def uploading():
                    workers.update(alive(children(proc.pid)))
                    return proc.poll() is not None or (len(workers) >= 2 and len(s3.objects(bucket, "news/")) > 5)
                eventually(uploading, "the workers uploading", timeout=60)
                assert proc.poll() is None, errors.read_text()
                if how == "Ctrl-C":
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    proc.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
                code = proc.wait(timeout=30)
                eventually(lambda: not alive(workers), "the workers ending with smr", timeout=20)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        link.close()
    said = errors.read_text()
    assert code == (130 if how != "SIGKILL" else -signal.SIGKILL) and "Traceback" not in said, said
    online = {k[len("news/"):] for k in s3.objects(bucket, "news/") if not is_manifest(k)}
    assert online and online < set(files)
    if any(k.endswith("/index.html") for k in online):
        assert {k for k in files if k.endswith(".vcf") or k.startswith("assets/")} <= online
    if any(k.endswith("/oembed.json") for k in online):   # an oEmbed links its page: it goes after the pages
        assert {k for k in files if k.endswith("/index.html")} <= online
