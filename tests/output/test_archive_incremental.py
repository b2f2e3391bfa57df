"""A one-change build renders only the list pages whose slice changed (each its own output group)."""

from __future__ import annotations

import shutil

from generator.clock import now as clock_now
from generator.output.pipeline import build
from tests.output.test_incremental import inodes, snapshot, touch_later

NOW = clock_now("2026-11-25T10:00+01:00")


def release(n: int, tags=("bakken",), text: str = "") -> str:
    return (f"title: Bericht {n}\ndate: 2026-{1 + n // 28:02d}-{1 + n % 28:02d}T09:00:00+01:00\n"
            f"summary: Samenvatting {n}.{text}\ntags: [{', '.join(tags)}]\n")


def changed_lists(before: dict, after: dict) -> set[str]:
    return {f for f in after if f.endswith("index.html") and before.get(f) != after[f]
            and not f.startswith("r")}


def make(newsroom, count: int):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "archive:\n  page_size: 4\n")
    for n in range(1, count + 1):
        newsroom.release(f"r{n:02d}", release(n, tags=("bakken",) if n % 2 else ("winkels",)))


def cold(newsroom, tmp_path) -> dict:
    shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
    out = tmp_path / "cold"
    build(newsroom.root, out, now=NOW)
    shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
    return snapshot(out)


def test_editing_an_old_release_renders_its_own_pages_only(newsroom, tmp_path):
    make(newsroom, 17)   # pages 1..4 of 4, the front the newest 4; r05 is on page 2, tag bakken
    build(newsroom.root, now=NOW)
    before = inodes(newsroom.site)
    touch_later(newsroom.root / "releases/r05/release.yaml", release(5, text=" Nieuw."))
    build(newsroom.root, now=NOW)
    # page 2 (r05..r08), bakken's page holding r05 (r01, r03, r05, r07 is its page 1), the year
    assert changed_lists(before, inodes(newsroom.site)) == {
        "page/2/index.html", "tags/bakken/page/1/index.html", "archive/2026/index.html"}
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)


def test_a_new_release_renders_the_front_pages_and_no_numbered_page(newsroom, tmp_path):
    make(newsroom, 17)
    build(newsroom.root, now=NOW)
    before = inodes(newsroom.site)
    newsroom.release("r18", release(18, tags=("bakken",)))   # bakken's 10th: its pages 1 and 2 stay full
    build(newsroom.root, now=NOW)
    assert changed_lists(before, inodes(newsroom.site)) == {
        "index.html", "tags/bakken/index.html", "archive/2026/index.html"}
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)


def test_a_new_full_page_renders_its_newer_neighbour_too(newsroom, tmp_path):
    make(newsroom, 16)   # pages 1..3 full; the front holds 13..16
    build(newsroom.root, now=NOW)
    assert not (newsroom.site / "page" / "4").exists()
    before = inodes(newsroom.site)
    newsroom.release("r17", release(17, tags=("bakken",)))
    build(newsroom.root, now=NOW)
    changed = changed_lists(before, inodes(newsroom.site))
    assert {"index.html", "page/4/index.html", "page/3/index.html"} <= changed   # page 3 gains a newer page
    assert not changed & {"page/1/index.html", "page/2/index.html"}
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)


def test_a_release_taken_away_removes_the_page_it_emptied(newsroom, tmp_path):
    make(newsroom, 5)
    build(newsroom.root, now=NOW)
    assert (newsroom.site / "page" / "1" / "index.html").is_file()
    shutil.rmtree(newsroom.root / "releases" / "r05")
    build(newsroom.root, now=NOW)
    assert not (newsroom.site / "page" / "1").exists()
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)
