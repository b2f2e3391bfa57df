"""`.smr-cache/` (the state store, generator/store.py, and the photo renditions): faster, never
stale, and whatever happens to it, never a wrong site and never code run from it."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import store
from generator.cli import main
from generator.errors import Problem
from generator.newsroom import site as site_module
from generator.newsroom.site import load_site

NOW = "2026-11-25T10:00+01:00"


def test_cached_release_is_revalidated_when_its_folder_changes(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\nsummary: S.\n"
                          "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
    newsroom.photo("a")
    assert load_site(newsroom.root, now).items[0].release.title == "Eerste"
    assert (newsroom.root / ".smr-cache" / "state.sqlite").is_file()

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
    shutil.rmtree(newsroom.root / "releases/news")   # the whole translation gone: the link is wrong
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "releases/nieuws/release.yaml:4: translations: '../news': no release.yaml there" in result.output


def test_newsroom_change_invalidates_cached_dates(newsroom, now):
    newsroom.release("a", "title: A\ndate: 2026-07-01 09:00:00\nsummary: S.\n")
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 7200
    text = (newsroom.root / "newsroom.yaml").read_text().replace("Europe/Amsterdam", "UTC")
    newsroom.write("newsroom.yaml", text)
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 0


def test_a_release_from_the_store_reads_its_full_text_and_lines_when_asked(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\n\nsummary: S.\nquotes:\n  - text: Mooi.\n    by: Anna\n")
    first = load_site(newsroom.root, now).items[0]
    assert load_site(newsroom.root, now).items[0] is first   # the same process (smr serve): the item it has
    site_module._loaded.clear()   # what a new process has
    cached = load_site(newsroom.root, now).items[0]
    assert cached is not first and cached.full is None and cached.summary == first.summary
    assert pickle.loads(pickle.dumps(cached)).release == first.release   # as a worker process gets it
    assert cached.release == first.release
    assert cached.line_of("summary") == first.line_of("summary") == 4
    assert cached.line_of("quotes", 0, "by") == 7


def test_a_copied_newsroom_does_not_use_releases_cached_with_the_originals_paths(newsroom, now, tmp_path):
    newsroom.release("a")
    load_site(newsroom.root, now)
    copy = shutil.copytree(newsroom.root, tmp_path / "copy", copy_function=shutil.copy2)  # cache and mtimes too
    assert load_site(copy, now).items[0].folder == copy / "releases" / "a"


# ---------------------------------------------------------------- the store


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, None, True], "b": {"c": "é"}}, {"x", "y"}, {("a", 1), ("b", 2)}, b"<item>\xc3\xa9</item>",
    b"\xff\x00", dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), dt.date(2026, 1, 2),
    Problem("releases/a/release.yaml", 4, "title", "x"), {"$set": "text", "other": 1}, [],
    {"embargoes": {"r1": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), "r2": None}, "public": {"r1"}},
])
def test_kept_values_read_back_equal(value):
    assert store.decode(store.encode(value)) == value


def test_a_tuple_reads_back_as_a_list_and_what_has_no_json_is_refused():
    assert store.decode(store.encode(("x", 1))) == ["x", 1]
    with pytest.raises(TypeError):
        store.encode(object())


def test_a_kept_value_that_is_not_json_smr_wrote_is_refused():
    for text in ("", "{", "[1, 2", '{"$set": 1}', '{"$datetime": "nope"}', '{"$problem": [1]}'):
        with pytest.raises(ValueError):
            store.decode(text)


def test_a_damaged_row_is_a_miss(newsroom):
    table = store.Store.of(newsroom.root).table("test", "k")
    table.put("one", "sig", {"title": "Tweede"})
    table.put("two", "sig", [1])
    table.save()
    db = sqlite3.connect(newsroom.root / ".smr-cache" / "state.sqlite")
    with db:
        db.execute("UPDATE entries SET value = replace(value, 'Tweede', 'TWeede') WHERE name = 'one'")
    db.close()
    again = store.Store.of(newsroom.root).table("test", "k")
    assert again.get("one", "sig") is None and again.get("two", "sig") == [1]


def test_nothing_is_ever_unpickled_or_unmarshalled():
    """A planted cache file must never run code: no module of smr loads a pickle or marshal."""
    import ast

    found = []
    for path in sorted((Path(__file__).parents[2] / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("loads", "load", "Unpickler") and \
                    isinstance(node.value, ast.Name) and node.value.id in ("pickle", "marshal", "dill", "shelve"):
                found.append(f"{path.name}:{node.lineno}")
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    a.name in ("shelve", "dill", "marshal") for a in node.names):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_a_planted_pickle_runs_no_code_and_a_foreign_database_is_rebuilt_with_a_notice(newsroom, tmp_path, caplog):
    """What a planted file could do before: `.smr-cache/versions.pickle` was unpickled by any
    `smr check`. Now no pickle is read, and a database that is not smr's is replaced."""
    newsroom.release("a")
    proof = tmp_path / "code-ran"
    cache = newsroom.root / ".smr-cache"
    cache.mkdir()
    payload = pickle.dumps(Planted(str(proof)))
    for name in ("versions.pickle", "items.pickle", "outputs-x.pickle", "state.sqlite"):
        (cache / name).write_bytes(payload)
    result = smr(newsroom, "check")
    assert result.exit_code == 0 and not proof.exists()
    assert smr(newsroom, "build").exit_code == 0 and not proof.exists()

    clean = tmp_path / "clean"
    shutil.copytree(newsroom.root, clean, ignore=shutil.ignore_patterns(".smr-cache", "_site"))
    store.versions.cache_clear()
    assert CliRunner().invoke(main, ["build", "--root", str(clean), "--now", NOW]).exit_code == 0
    assert site_bytes(newsroom.site) == site_bytes(clean / "_site")

    foreign = sqlite3.connect(cache / "state.sqlite.new")   # another program's database, well-formed
    foreign.execute("CREATE TABLE entries (x)")
    foreign.commit()
    foreign.close()
    store.Store.of(newsroom.root).close()
    os.replace(cache / "state.sqlite.new", cache / "state.sqlite")
    for extra in ("-wal", "-shm"):
        (cache / f"state.sqlite{extra}").unlink(missing_ok=True)
    with caplog.at_level("WARNING", logger="smr"):
        assert smr(newsroom, "build").exit_code == 0
    assert any("state.sqlite was not smr's" in r.getMessage() and "rebuilt" in r.getMessage()
               for r in caplog.records), caplog.text
    assert site_bytes(newsroom.site) == site_bytes(clean / "_site")


class Planted:
    """Unpickled, it writes a file: the proof that code ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), "ran"))


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

    kept = store.Store.of(newsroom.root).meta("versions")
    store.Store.of(newsroom.root).set_meta("versions", {**kept, "libraries": {**kept["libraries"], "jinja2": "0.1"}})
    store.versions.cache_clear()   # what a new process does
    try:
        assert store.Store.of(newsroom.root).table("releases", "k").names() == set()
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
    """A change that leaves the file well-formed: r2's title in the database, a width in a
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
    assert all(kind in names for kind in ("state.sqlite", "meta.json", ".webp", ".jpg")), names

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


# ---------------------------------------------------------------- edits that keep size and times


def clean_build(room, tmp_path) -> dict[str, bytes]:
    """The site a clean build makes of the newsroom as it is now: a copy with no cache."""
    clean = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    shutil.copytree(room.root, clean, ignore=shutil.ignore_patterns(".smr-cache", "_site"))
    store.versions.cache_clear()
    assert CliRunner().invoke(main, ["build", "--root", str(clean), "--now", NOW]).exit_code == 0
    return site_bytes(clean / "_site")


def same_size_png(path: Path, color: tuple) -> None:
    """An uncompressed PNG: the same size in bytes whatever its colour."""
    from PIL import Image

    Image.new("RGB", (320, 200), color).save(path, "PNG", compress_level=0)


def test_an_in_place_edit_that_keeps_size_and_modification_time_is_seen(room, tmp_path):
    """As exiftool -P does to a photo from a camera card, or a same-size edit within one
    timestamp tick: reuse keyed on size and mtime kept the old page (a wrong site, exit 0)."""
    photo = room.root / "releases/r3/images/plain.png"
    photo.parent.mkdir(parents=True, exist_ok=True)
    same_size_png(photo, (200, 30, 30))
    release = room.root / "releases/r3/release.yaml"
    release.write_text(release.read_text("utf-8") + "images:\n  - file: images/plain.png\n    alt: Vlak\n", "utf-8")
    assert smr(room, "build").exit_code == 0

    for path, edit in ((release, lambda: release.write_text(
                            release.read_text("utf-8").replace("Derde", "DERDE"), "utf-8")),
                       (photo, lambda: same_size_png(photo, (30, 30, 200)))):
        before = path.stat()
        edit()
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))   # as exiftool -P leaves it
        after = path.stat()
        assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
        assert smr(room, "build").exit_code == 0
        assert site_bytes(room.site) == clean_build(room, tmp_path), path.name
    assert "DERDE" in (room.site / "r3/index.html").read_text("utf-8")


def test_a_same_size_edit_right_after_a_build_is_seen(room, tmp_path):
    """Within the file system's timestamp granularity of the build that hashed it, a file
    is hashed again (racily clean, as git calls it), whatever its stats say."""
    release = room.root / "releases/r2/release.yaml"
    assert smr(room, "build").exit_code == 0
    release.write_text(release.read_text("utf-8").replace("Tweede", "TWEEDE"), "utf-8")
    assert smr(room, "build").exit_code == 0
    assert "TWEEDE" in (room.site / "r2/index.html").read_text("utf-8")
    assert site_bytes(room.site) == clean_build(room, tmp_path)
