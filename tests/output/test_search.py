"""Search (Pagefind): only public releases are indexed, per language; the bundle is one recorded
output group; `smr serve` shows a change first and indexes it after."""

from __future__ import annotations

import gzip
import json
import queue
import threading
from pathlib import Path

import pytest

from generator.clock import now as clock_now
from generator.output.incremental import recorded_digests
from generator.output.pipeline import build
from generator.output.serve import serve
from tests.conftest import eventually
from tests.output.test_incremental import inodes, touch_later

NOW = clock_now("2026-11-25T10:00+01:00")
PUBLIC = "zuurdesembroodjes"     # occurs in the public release only
SECRET = "kwartelvleugeltaart"  # only in the embargoed release
DRAFT = "draakvruchtensorbet"   # only in the draft


def release(title: str, word: str, extra: str = "") -> str:
    return (f"title: {title}\ndate: 2026-11-24T09:00:00+01:00\nsummary: Over {word} vandaag.\n"
            f"body: |\n  Alles over {word} en meer.\n{extra}")


@pytest.fixture
def room(newsroom):
    newsroom.release("open", release("Open bericht", PUBLIC))
    newsroom.release("english", release("English news", "sourdoughness", "language: en\n"))
    newsroom.release("geheim", release("Geheim bericht", SECRET, "embargo: 2026-12-01T09:00:00+01:00\n"))
    newsroom.release("concept", release("Concept", DRAFT, "draft: true\n"))
    return newsroom


def search_text(site: Path) -> bytes:
    """Every byte under pagefind/, and each gzipped file's content unpacked (Pagefind gzips
    its fragments and indexes): where an indexed word would be."""
    found = b""
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += data
            try:
                found += gzip.decompress(data)
            except (OSError, EOFError):
                pass
    return found


@pytest.mark.parametrize("preview", [False, True])
def test_only_public_releases_are_indexed_preview_builds_too(room, preview):
    build(room.root, now=NOW, preview=preview)
    text = search_text(room.site)
    assert PUBLIC.encode() in text and b"sourdoughness" in text
    assert SECRET.encode() not in text and b"Geheim bericht" not in text
    assert DRAFT.encode() not in text
    if preview:   # the preview site has the embargoed and draft pages, never in its search
        assert SECRET in (room.site / "geheim" / "index.html").read_text("utf-8")
    entry = json.loads((room.site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert set(entry["languages"]) == {"nl", "en"}   # an index per language


def test_the_bundle_is_recorded_so_publish_uploads_it(room):
    build(room.root, now=NOW)
    files = {p.relative_to(room.site).as_posix() for p in (room.site / "pagefind").rglob("*") if p.is_file()}
    assert "pagefind/pagefind.js" in files and len(files) > 5
    assert files <= set(recorded_digests(room.root, room.site))


def test_an_unchanged_public_site_keeps_its_index(room):
    build(room.root, now=NOW)
    before = inodes(room.site / "pagefind")
    touch_later(room.root / "releases/concept/release.yaml", release("Concept", DRAFT + " nieuw", "draft: true\n"))
    build(room.root, now=NOW)
    assert inodes(room.site / "pagefind") == before
    touch_later(room.root / "releases/open/release.yaml", release("Open bericht", PUBLIC + " appeltaart"))
    build(room.root, now=NOW)
    assert b"appeltaart" in search_text(room.site)


def test_a_build_without_search_keeps_the_last_index_and_the_next_one_catches_up(room):
    build(room.root, now=NOW)
    touch_later(room.root / "releases/open/release.yaml", release("Open bericht", "perenjam"))
    build(room.root, now=NOW, search=False)
    assert "perenjam" in (room.site / "open" / "index.html").read_text("utf-8")
    text = search_text(room.site)
    assert PUBLIC.encode() in text and b"perenjam" not in text   # the last index, whole
    assert set(recorded_digests(room.root, room.site)) >= {"pagefind/pagefind.js"}
    build(room.root, now=NOW)
    assert b"perenjam" in search_text(room.site)


def test_serve_shows_the_page_before_it_indexes(room):
    """serve's build runs without the index; `index` runs after, in its own thread: while it
    is held up, the page is already served."""
    ready, indexing, release_index, done = queue.Queue(), threading.Event(), threading.Event(), threading.Event()
    stop = threading.Event()

    def page_build(applying):
        build(room.root, room.site, now=NOW, applying=applying, search=False)

    def index(applying):
        indexing.set()
        assert release_index.wait(30)
        build(room.root, room.site, now=NOW, applying=applying)
        done.set()

    thread = threading.Thread(target=serve, args=(room.root, room.site, page_build),
                              kwargs={"port": 0, "on_ready": ready.put, "stop": stop, "index": index}, daemon=True)
    thread.start()
    try:
        ready.get(timeout=30)
        assert eventually(indexing.is_set, "the index started after the first build")
        assert (room.site / "open" / "index.html").is_file() and not (room.site / "pagefind").exists()
        release_index.set()
        eventually(done.is_set, "the index made", timeout=60)
        assert PUBLIC.encode() in search_text(room.site)
    finally:
        release_index.set()
        stop.set()
        thread.join(30)


def test_the_index_is_written_into_the_site_alone(room, tmp_path, monkeypatch):
    """Pagefind writes where it is told, else into ./pagefind of whatever folder smr runs in."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    build(room.root, now=NOW)
    assert (room.site / "pagefind" / "pagefind.js").is_file()
    assert list(elsewhere.iterdir()) == []
