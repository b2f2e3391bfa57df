"""`.smr-cache/`: faster, never stale, and whatever happens to it, never a wrong site."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator import store
from generator.newsroom.site import load_site

NOW = "2026-11-25T10:00+01:00"


def test_cached_release_is_revalidated_when_its_folder_changes(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\nsummary: S.\n"
                          "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
    newsroom.photo("a")
    assert load_site(newsroom.root, now).items[0].release.title == "Eerste"
    assert (newsroom.root / ".smr-cache" / "items.pickle").is_file()

    newsroom.release("a", "title: Tweede\ndate: 2026-11-20\nsummary: S.\n"
                          "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
    assert load_site(newsroom.root, now).items[0].release.title == "Tweede"

    os.remove(newsroom.root / "releases/a/images/photo.jpg")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "images[0].file: file not found: images/photo.jpg" in result.output


def test_translation_target_removed_after_caching(newsroom, now):
    newsroom.release("nieuws", "title: N\ndate: 2026-11-20\nsummary: S.\ntranslations: [../news]\n")
    newsroom.release("news", "title: E\nlanguage: en\ndate: 2026-11-20\nsummary: S.\ntranslations: [../nieuws]\n")
    assert newsroom.run("check").exit_code == 0
    os.remove(newsroom.root / "releases/news/release.yaml")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "releases/nieuws/release.yaml:4: translations: '../news': no release.yaml there" in result.output


def test_newsroom_change_invalidates_cached_dates(newsroom, now):
    newsroom.release("a", "title: A\ndate: 2026-07-01 09:00:00\nsummary: S.\n")
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 7200
    text = (newsroom.root / "newsroom.yaml").read_text().replace("Europe/Amsterdam", "UTC")
    newsroom.write("newsroom.yaml", text)
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 0


def test_cached_item_is_a_plain_pickle_that_knows_its_lines(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\n\nsummary: S.\nquotes:\n  - text: Mooi.\n    by: Anna\n")
    first = load_site(newsroom.root, now).items[0]
    cached = load_site(newsroom.root, now).items[0]
    assert cached is not first and vars(cached).keys() == vars(first).keys()
    assert pickle.loads(pickle.dumps(cached)).release == first.release
    assert cached.line_of("summary") == first.line_of("summary") == 4
    assert cached.line_of("quotes", 0, "by") == 7


def test_a_copied_newsroom_does_not_use_releases_cached_with_the_originals_paths(newsroom, now, tmp_path):
    newsroom.release("a")
    load_site(newsroom.root, now)
    copy = shutil.copytree(newsroom.root, tmp_path / "copy", copy_function=shutil.copy2)  # cache and mtimes too
    assert load_site(copy, now).items[0].folder == copy / "releases" / "a"


# ---------------------------------------------------------------- checked pickles


def test_checked_pickle_reads_back_only_what_was_written_with_its_key(tmp_path):
    path = tmp_path / "value.pickle"
    assert store.write_checked(path, b"key", {"a": [1, 2]})
    assert store.read_checked(path, b"key") == {"a": [1, 2]}
    assert store.read_checked(path, b"another key") is None
    data = path.read_bytes()
    for damaged in (data[:-1], data[:len(data) // 2], b"", b"garbage" * 20,
                    data[:40] + bytes([data[40] ^ 1]) + data[41:], data + b"\0"):
        path.write_bytes(damaged)
        assert store.read_checked(path, b"key") is None
    path.unlink()
    assert store.read_checked(path, b"key") is None


def test_a_store_with_a_checksum_that_fits_but_no_dict_inside_is_empty(newsroom):
    first = store.PickleStore(newsroom.root, "items", "k")
    store.write_checked(first.path, first.key, ["not", "a", "dict"])
    assert store.PickleStore(newsroom.root, "items", "k").data == {}


def test_versions_are_the_installed_ones_and_a_new_one_is_a_new_cache(newsroom):
    import importlib.metadata

    from generator.output.pipeline import build
    from generator.clock import now as clock_now

    now = clock_now(NOW)
    newsroom.release("a")
    assert build(newsroom.root, now=now).written == 2   # the release and the index
    assert build(newsroom.root, now=now).written == 0
    found = store.versions(newsroom.root)
    assert found["smr"] == importlib.metadata.version("smr")
    assert all(found[name] == importlib.metadata.version(name) for name in store.LIBRARIES)

    memo = newsroom.root / ".smr-cache" / "versions.pickle"
    installed, libraries = store.read_checked(memo, b"versions")
    store.write_checked(memo, b"versions", (installed, {**libraries, "jinja2": "0.1"}))  # as if upgraded
    store.versions.cache_clear()   # what a new process does
    try:
        assert store.PickleStore(newsroom.root, "items", "k").data == {}
        assert build(newsroom.root, now=now).written == 2, "with another Jinja, everything is rendered again"
    finally:
        store.versions.cache_clear()


# ---------------------------------------------------------------- damage of every kind


@pytest.fixture
def room(newsroom):
    """A small newsroom with photos (one used twice), Markdown of both kinds and feeds."""
    newsroom.write("templates/release.html", (Path(__file__).parents[2] / "templates/release.html")
                   .read_text("utf-8").replace("</article>", "<p>Eigen sjabloon</p></article>", 1))
    newsroom.photo("r1", "images/lead.jpg", size=(700, 450))
    newsroom.photo("r1", "images/more.png", size=(500, 300), fmt="PNG", color=(10, 90, 200))
    newsroom.release("r1", "title: Met foto's\ndate: 2026-11-20T09:00:00+01:00\nsummary: S.\ntags: [bakken]\n"
                           "body: |\n  Een *nadruk* en [een link](https://example.org).\n\n  - een\n  - twee\n"
                           "images:\n  - file: images/lead.jpg\n    alt: Lead\n  - file: images/more.png\n    alt: Meer\n")
    newsroom.photo("r2", "images/lead.jpg", size=(700, 450))   # the same photo: the same cache folder
    newsroom.release("r2", "title: Tweede\ndate: 2026-11-21T09:00:00+01:00\nsummary: S.\ntags: [winkels]\n"
                           "body: Gewone tekst.\nimages:\n  - file: images/lead.jpg\n    alt: Ook lead\n")
    newsroom.release("r3", "title: Derde\ndate: 2026-11-22T09:00:00+01:00\nsummary: S.\nbody: Tekst.\n")
    return newsroom


def site_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def smr(room, *args):
    """One smr command, as a new process would run it (versions are read once per process)."""
    store.versions.cache_clear()
    result = room.run(*args, "--now", NOW)
    assert "Traceback" not in result.output
    return result


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 3])


def flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 2, min(len(data), len(data) // 2 + 4)):
        data[at] ^= 0x55
    path.write_bytes(bytes(data))


def alter(path: Path) -> None:
    """A change that leaves the file well-formed: r2's title in a pickle, a width in a
    meta.json, else one letter of the word nearest the middle, in the other case."""
    import re

    data = path.read_bytes()
    if b"Tweede" in data:
        return path.write_bytes(data.replace(b"Tweede", b"TWeede"))
    if path.name == "meta.json":
        return path.write_bytes(re.sub(rb'"width": (\d+)', lambda m: b'"width": 1' + m[1], data, count=1))
    words = list(re.finditer(rb"[A-Za-z]{5,}", data)) or list(re.finditer(rb"[A-Za-z]", data))
    if not words:
        return flip_middle(path)
    word = min(words, key=lambda m: abs(m.start() - len(data) // 2))
    at = (word.start() + word.end()) // 2
    path.write_bytes(data[:at] + data[at:at + 1].swapcase() + data[at + 1:])


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(max(64, path.stat().st_size)))


def damages(cache: Path) -> list[tuple[str, object]]:
    """Every file damaged in four ways, cache folders swapped, each meta.json deleted."""
    found = [(f"{kind.__name__} {path.relative_to(cache)}", lambda path=path, kind=kind: kind(path))
             for path in cache_files(cache) for kind in (truncate, flip_middle, alter, garbage)]
    photos = sorted(p for p in (cache / "images").iterdir() if p.is_dir())
    assert len(photos) == 2

    def swap():
        photos[0].rename(cache / "aside")
        photos[1].rename(photos[0])
        (cache / "aside").rename(photos[1])

    found.append(("swap photo folders", swap))
    found += [(f"delete {p.name}/meta.json", lambda p=p: (p / "meta.json").unlink()) for p in photos]
    return found


def test_damaged_cache_is_a_miss_never_a_traceback_or_a_wrong_site(room, tmp_path):
    assert smr(room, "build").exit_code == 0   # a cold build: no cache yet
    expected = site_bytes(room.site)
    cache = room.root / ".smr-cache"
    pristine = tmp_path / "pristine"
    shutil.copytree(cache, pristine / "cache")
    room.site.rename(pristine / "site")   # the very files the cache's records describe
    touched = room.root / "releases/r3/release.yaml"
    mtime = touched.stat().st_mtime_ns
    kinds = damages(cache)
    names = " ".join(name for name, _ in kinds)
    assert all(kind in names for kind in ("items.pickle", "versions.pickle", "outputs-", "build-", "meta.json",
                                          ".webp", ".jpg", "jinja/")), names

    for name, damage in kinds:
        shutil.rmtree(cache)
        shutil.rmtree(room.site, ignore_errors=True)
        shutil.copytree(pristine / "cache", cache)
        shutil.copytree(pristine / "site", room.site, copy_function=os.link)
        damage()
        assert smr(room, "check").exit_code == 0, name
        assert smr(room, "build").exit_code == 0, name   # nothing changed: nothing to do, if the record holds
        assert site_bytes(room.site) == expected, name
        os.utime(touched, ns=(mtime, mtime + 10**9))   # r3 renders again, the others come from the site
        assert smr(room, "build").exit_code == 0, name
        assert site_bytes(room.site) == expected, name
        os.utime(touched, ns=(mtime, mtime))
        shutil.rmtree(room.site)   # everything from the cache (what is left of it)
        assert smr(room, "build").exit_code == 0, name
        assert site_bytes(room.site) == expected, name


def test_the_site_shares_no_file_with_the_cache(room):
    assert smr(room, "build").exit_code == 0
    expected = site_bytes(room.site)
    cached = {p.stat().st_ino for p in cache_files(room.root / ".smr-cache")}
    assert not cached & {p.stat().st_ino for p in room.site.rglob("*") if p.is_file()}

    for path in [*(room.site / "r1/img").iterdir(), *(room.site / "r1/hires").rglob("*.zip")]:
        path.write_bytes(b"edited by hand")
    shutil.rmtree(room.site)
    assert smr(room, "build").exit_code == 0
    assert site_bytes(room.site) == expected
