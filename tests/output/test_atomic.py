"""Builds are safe to kill: a reader of `_site/` never meets a broken link, and the next
command makes the site exactly what a clean build makes.

The main test kills `smr build` (SIGKILL) at random moments of incremental builds of a
150-release newsroom, while a reader walks the live site, and checks after every kill that
no page links to a missing file (some pages may be new and some old: the journal is carried
out by the next command), and after the next build that `_site` is exactly the clean build.
Seed: SMR_KILL_SEED, else random (printed, and named in every failure).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.output import swap
from generator.output.pipeline import build
from generator.clock import now as clock_now
from tests.conftest import eventually

NOW_TEXT = "2026-11-25T10:00+01:00"
NOW = clock_now(NOW_TEXT)
REPO = Path(__file__).resolve().parents[2]
RELEASES = 150
KILLS = 20
EDITED = range(0, RELEASES, 15)   # titles change in version B (r000 and r100 have a photo)
DELETED = 50                      # in A only (it has a photo)
ADDED = RELEASES                  # in B only

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kills with SIGKILL")


def release_text(n: int, version: str = "A") -> str:
    title = f"Nieuwe titel {n}" if version == "B" and n in EDITED else f"Bericht {n}"  # sizes differ too
    text = (f"title: {title}\ndate: 2026-{n % 11 + 1:02d}-{n % 27 + 1:02d}T09:00:00+01:00\n"
            f"summary: Samenvatting {n}.\ntags: [{('bakken', 'winkels', 'nieuws')[n % 3]}]\n"
            f"body: |\n  ## Kop {n}\n\n  Tekst {n} met een [link](https://example.org/{n}).\n")
    if has_photo(n):
        text += "images:\n  - file: images/photo.jpg\n    alt: Foto\n"
    return text


def has_photo(n: int) -> bool:
    return n % 50 == 0 and n != ADDED


def slug(n: int) -> str:
    return f"r{n:03d}"


def make_newsroom(room, releases: int = RELEASES) -> None:
    for n in range(releases):
        room.release(slug(n), release_text(n))
        if has_photo(n):
            room.photo(slug(n), size=(400, 300), color=(n % 255, 120, 60))


def use_version(room, version: str, aside: Path) -> None:
    """Turn the newsroom's input into version A or B (B: titles edited, one release deleted,
    one added)."""
    releases = room.root / "releases"
    for n in EDITED:
        room.release(slug(n), release_text(n, version))
    if version == "B":
        os.rename(releases / slug(DELETED), aside / slug(DELETED))
        room.release(slug(ADDED), release_text(ADDED, "B"))
    else:
        os.rename(aside / slug(DELETED), releases / slug(DELETED))
        shutil.rmtree(releases / slug(ADDED))


def snapshot(folder: Path) -> dict[str, str] | None:
    """Relative path -> sha256 of every file; None when the folder does not exist."""
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


def smr_build(root: Path, stderr) -> subprocess.Popen:
    """`smr build` in its own process group, so that the workers it forks can be ended too."""
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(root), "--now", NOW_TEXT],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)


def end_group(proc: subprocess.Popen) -> None:
    """End what is left of a killed build's process group (its forked workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


# -------------------------------------------------------------------- links of the live site

LINK = re.compile(r'(?:href|src)="([^"]+)"|srcset="([^"]+)"')


def local_links(page: Path, text: str) -> list[str]:
    """The files of the same site that a page links to, as paths relative to the site."""
    targets = []
    for href, srcset in LINK.findall(text):
        urls = [href] if href else [part.split()[0] for part in srcset.split(",") if part.strip()]
        for url in urls:
            url = html.unescape(url).split("#")[0].split("?")[0]
            if not url or url.startswith("/") or re.match(r"[a-z][a-z0-9+.-]*:", url):
                continue
            targets.append(os.path.normpath(os.path.join(os.path.dirname(page), url))
                           + ("/index.html" if url.endswith("/") else ""))
    return targets


def broken_links(site: Path) -> list[str]:
    """Links of the site's pages to files that are not there (a page gone while reading counts)."""
    broken = []
    for dirpath, _dirs, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                page = os.path.relpath(os.path.join(dirpath, name), site)
                try:
                    text = (site / page).read_text("utf-8")
                except FileNotFoundError:
                    broken.append(f"{page} (listed, then gone)")
                    continue
                broken.extend(f"{page} -> {target}" for target in local_links(Path(page), text)
                              if not (site / target).is_file())
    return broken


def broken_links_seen_live(site: Path) -> list[str]:
    """Like broken_links while the site changes: a page's missing target counts only if the
    page was the same file (inode) before it was read and after its targets were looked up,
    so that the page was live the whole time its target was missing (a journal replaces a
    page by renaming a new file over it, and deletes one only after no page links it)."""
    broken = []
    for dirpath, _dirs, files in os.walk(site):
        for name in files:
            if not name.endswith(".html"):
                continue
            page = os.path.relpath(os.path.join(dirpath, name), site)
            try:
                before = os.stat(site / page).st_ino
                text = (site / page).read_text("utf-8")
                missing = [t for t in local_links(Path(page), text) if not (site / t).is_file()]
                after = os.stat(site / page).st_ino
            except FileNotFoundError:   # a page deleted while reading: it was on no live page's list
                continue
            if before == after:
                broken.extend(f"{page} -> {target}" for target in missing)
    return broken


class SiteReader(threading.Thread):
    """Reads the live site again and again, like a web server, and notes every broken link it
    meets on a live page (broken_links_seen_live)."""

    def __init__(self, site: Path):
        super().__init__(daemon=True)
        self.site = site
        self.stop = threading.Event()
        self.problems: list[str] = []
        self.passes = 0

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.site.is_dir():
                self.problems.append("_site was missing")
                continue
            self.problems.extend(broken_links_seen_live(self.site)[:5])
            self.passes += 1


# -------------------------------------------------------------------- the kills


def test_killed_builds_never_leave_a_broken_link_and_the_next_build_finishes(newsroom, tmp_path):
    seed = int(os.environ.get("SMR_KILL_SEED") or random.randrange(2**32))
    print(f"SMR_KILL_SEED={seed}")
    rng = random.Random(seed)
    make_newsroom(newsroom)
    aside = tmp_path / "aside"
    aside.mkdir()
    build(newsroom.root, now=NOW)
    snapshots = {"A": snapshot(newsroom.site)}
    assert not broken_links(newsroom.site)
    use_version(newsroom, "B", aside)
    build(newsroom.root, tmp_path / "expected", now=NOW)  # the same input, built apart
    snapshots["B"] = snapshot(tmp_path / "expected")
    assert snapshots["A"] != snapshots["B"]
    errors = tmp_path / "stderr.txt"
    started = time.perf_counter()
    complete_build(newsroom.root, errors)
    duration = time.perf_counter() - started
    assert snapshot(newsroom.site) == snapshots["B"]   # the incremental build equals the one built apart

    reader = SiteReader(newsroom.site)
    reader.start()
    current, seen = "B", []
    try:
        for attempt in range(KILLS):
            current = "B" if current == "A" else "A"   # an input unlike the live site: the build has work
            use_version(newsroom, current, aside)
            # Every other kill comes in the build's last quarter, where the journal is carried out.
            delay = rng.uniform(0 if attempt % 2 else 0.75 * duration, duration)
            killed = killed_build(newsroom.root, errors, delay)
            broken = broken_links(newsroom.site)
            assert not broken, f"seed {seed}, kill {attempt} after {delay:.3f} s: {broken[:5]}"
            live = next((name for name, snap in snapshots.items() if snapshot(newsroom.site) == snap), "mixed")
            seen.append(f"{delay:.2f}{'' if killed else ' (done)'}:{live}{'+' if leftovers(newsroom.site) else ''}")
            complete_build(newsroom.root, errors)   # the next build after a kill gives the new site
            assert snapshot(newsroom.site) == snapshots[current], \
                f"seed {seed}, after kill {attempt}: {describe(snapshot(newsroom.site), snapshots)}"
            assert leftovers(newsroom.site) == []
    finally:
        reader.stop.set()
        reader.join(timeout=60)
    print(f"build {duration:.2f} s; kills (delay s:site, + = leftovers): {', '.join(seen)}; "
          f"reader passes: {reader.passes}")
    assert not reader.problems, f"seed {seed}: {reader.problems[:10]}"
    assert reader.passes > 0


def killed_build(root: Path, errors: Path, delay: float) -> bool:
    """Start `smr build` and SIGKILL it after `delay` s; False if it was done by then."""
    with open(errors, "wb") as stderr:
        proc = smr_build(root, stderr)
        try:
            assert proc.wait(timeout=delay) == 0, errors.read_text()
            return False
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        finally:
            end_group(proc)


def complete_build(root: Path, errors: Path) -> None:
    with open(errors, "wb") as stderr:
        proc = smr_build(root, stderr)
        try:
            assert proc.wait(timeout=120) == 0, errors.read_text()
        finally:
            end_group(proc)


def describe(site: dict | None, snapshots: dict) -> str:
    if site is None:
        return "missing"
    parts = []
    for name, snap in snapshots.items():
        differ = sorted(f for f in site.keys() | snap.keys() if site.get(f) != snap.get(f))
        parts.append(f"{len(differ)} files unlike {name} ({', '.join(differ[:4])})")
    return "; ".join(parts)


# -------------------------------------------------------------------- what killed builds leave


@pytest.fixture
def small(newsroom):
    make_newsroom(newsroom, releases=6)
    build(newsroom.root, now=NOW)
    return newsroom


def test_leftovers_of_killed_builds_are_removed(small):
    parent = small.site.parent
    for name in ("._site.tmp-1234abcd", "._site.old-4321", "._elsewhere.tmp-1"):
        (parent / name / "r001").mkdir(parents=True)
        (parent / name / "r001" / "index.html").write_text("half a site", "utf-8")
    small.release(slug(1), release_text(1, "B").replace("Bericht", "Anders"))
    build(small.root, now=NOW)
    assert leftovers(small.site) == []
    assert (parent / "._elsewhere.tmp-1").is_dir()   # another output's: not ours to remove


def test_a_site_set_aside_by_a_killed_swap_is_put_back(small, tmp_path):
    """Where the system cannot exchange two folders, the swap is two renames; a build killed
    between them leaves no `_site`, and the next build puts the old one back first."""
    before = snapshot(small.site)
    staging = swap.staging_folder(small.site)
    (staging / "index.html").write_text("half a site", "utf-8")
    os.rename(small.site, small.site.with_name("._site.old-4321"))
    report = build(small.root, now=NOW)
    assert report.written == 0   # the site put back is the one on record: nothing to do
    assert snapshot(small.site) == before
    assert leftovers(small.site) == []


def test_swap_by_renames_replaces_the_site(tmp_path):
    site, staging = tmp_path / "_site", tmp_path / "._site.tmp-1"
    (site / "old").mkdir(parents=True)
    (staging / "new").mkdir(parents=True)
    old_site = swap.swap_by_renames(staging, site)
    assert [p.name for p in old_site.iterdir()] == ["old"]
    assert [p.name for p in site.iterdir()] == ["new"]
    swap.remove(old_site)
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


KILL_MID_JOURNAL = """\
import os, signal, sys
from generator.output import journal
moves, real_replace, real_apply = int(sys.argv[1]), os.replace, journal.apply
def replace(source, target):
    global moves
    if moves == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    moves -= 1
    real_replace(source, target)
def apply(output, plan):
    journal.os.replace = replace   # count the moves of the journal only
    real_apply(output, plan)
journal.apply = apply
from generator.cli import main
main(sys.argv[2:])
"""


def killed_mid_journal(root: Path, moves: int) -> None:
    """`smr build`, SIGKILLed after the journal's first `moves` moves."""
    proc = subprocess.run([sys.executable, "-c", KILL_MID_JOURNAL, str(moves), "build", "--root", str(root),
                           "--now", NOW_TEXT], cwd=REPO, capture_output=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


@pytest.mark.parametrize("moves", [0, 1, 3, 6, 12])
def test_a_build_killed_while_carrying_out_its_journal_is_finished_by_the_next_command(small, tmp_path, moves):
    small.release(slug(1), release_text(1, "B").replace("Bericht", "Anders"))
    small.release(slug(6), release_text(6, "B"))   # a new release: a new folder, a longer index
    shutil.rmtree(small.root / "releases" / slug(3))   # a release gone: its files are deleted
    build(small.root, tmp_path / "expected", now=NOW)
    killed_mid_journal(small.root, moves)
    assert not broken_links(small.site)
    assert any(name.startswith("._site.tmp-") for name in leftovers(small.site)), "the journal's staging folder"
    report = build(small.root, now=NOW)   # finishes the journal first: then there is nothing left to do
    assert report.written == 0, report.summary()
    assert snapshot(small.site) == snapshot(tmp_path / "expected")
    assert leftovers(small.site) == []


def test_a_journal_whose_staging_folder_is_gone_makes_the_next_build_start_over(small, tmp_path):
    small.release(slug(1), release_text(1, "B").replace("Bericht", "Anders"))
    build(small.root, tmp_path / "expected", now=NOW)
    killed_mid_journal(small.root, 1)
    for folder in leftovers(small.site):
        shutil.rmtree(small.site.parent / folder)   # removed by hand: the journal cannot be finished
    build(small.root, now=NOW)
    assert snapshot(small.site) == snapshot(tmp_path / "expected")
    assert leftovers(small.site) == []


def test_two_builds_at_once_into_one_output(newsroom):
    """Builds into one output wait for each other: neither removes the other's staging folder."""
    make_newsroom(newsroom, releases=80)
    with open(os.devnull, "wb") as quiet:
        procs = [smr_build(newsroom.root, quiet) for _ in range(2)]
        codes = [proc.wait(timeout=120) for proc in procs]
    assert codes == [0, 0]
    assert leftovers(newsroom.site) == []
    assert not broken_links(newsroom.site)


# -------------------------------------------------------------------- a build killed mid-photo

PHOTOS = 8   # SMR_KILL_LOOPS (default 2) sets how many builds each kill test kills


def tagged(tag: str) -> dict[int, str]:
    """pid -> state letter (R, S, Z, ...) of every process whose environment holds `tag`: a
    build and all it started (workers, a fork server, a resource tracker), even once they
    have been handed to another parent. Read from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if tag.encode() in environ.split(b"\0"):
            found[int(entry)] = state
    return found


@pytest.fixture
def photo_room(newsroom):
    """Releases with large photos: the photo work keeps two workers busy for a while."""
    for n in range(PHOTOS):
        newsroom.release(slug(n), release_text(0).replace("Bericht 0", f"Foto {n}"))
        newsroom.photo(slug(n), size=(3600, 2400), color=(n * 30, 90, 140))
    return newsroom


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes in /proc")
@pytest.mark.skipif(swap.os.cpu_count() < 2, reason="photo workers need two cores")
@pytest.mark.parametrize("start, watch", [("fork", ""), ("spawn", ""), ("forkserver", ""), ("fork", "thread")])
def test_a_build_killed_mid_photo_leaves_no_process_and_no_folder(photo_room, tmp_path, monkeypatch, start, watch):
    """SIGKILL the build while its photo workers work: every process it started ends by
    itself (the kernel's parent-death signal, or the workers' watch thread), and the next
    build removes the staging folder."""
    monkeypatch.setenv("SMR_START_METHOD", start)
    monkeypatch.setenv("SMR_PARENT_WATCH", watch)
    errors, photo_cache = tmp_path / "stderr.txt", photo_room.root / ".smr-cache" / "images"
    for attempt in range(int(os.environ.get("SMR_KILL_LOOPS", "2"))):
        tag = f"SMR_TEST_BUILD={os.getpid()}-{start}-{attempt}"
        monkeypatch.setenv("SMR_TEST_BUILD", tag.split("=", 1)[1])
        shutil.rmtree(photo_room.root / ".smr-cache", ignore_errors=True)   # the photos are work every time
        with open(errors, "wb") as stderr:
            proc = smr_build(photo_room.root, stderr)
            try:
                eventually(lambda: photo_cache.is_dir() and any(photo_cache.iterdir()),
                           f"a worker at work on a photo ({errors.read_text()})", timeout=60)
                assert proc.poll() is None, "the build ended before it could be killed"
                started = tagged(tag)
                assert len(started) >= 3, started   # the build and its two workers at least
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                eventually(lambda tag=tag: all(state == "Z" for state in tagged(tag).values()),
                           f"attempt {attempt}: the processes of the killed build to end; left: {tagged(tag)}")
            finally:
                end_group(proc)
        assert any(name.startswith("._site.tmp-") for name in leftovers(photo_room.site)), "killed while staging"
        complete_build(photo_room.root, errors)
        assert leftovers(photo_room.site) == []
        assert (photo_room.site / slug(0) / "index.html").is_file()


KILL_AT = """\
import os, signal, sys
from generator.output import swap
if sys.argv[1] == "renames":
    swap.exchange = lambda a, b: False   # a system without an atomic exchange
swap.remove = lambda old: os.kill(os.getpid(), signal.SIGKILL)   # killed after the swap, before removing
from generator.cli import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("how", ["exchange", "renames"])
def test_a_build_killed_between_swap_and_removing_the_old_site(small, tmp_path, how):
    """A build with no records to trust (here: the cache deleted) renders the whole site and
    swaps it in. The old site, swapped out (`._site.tmp-*` after an exchange, `._site.old-*`
    after two renames), is what a kill right after the swap leaves: the next build removes it."""
    shutil.rmtree(small.root / ".smr-cache")
    small.release(slug(1), release_text(1, "B").replace("Bericht", "Anders"))
    proc = subprocess.run([sys.executable, "-c", KILL_AT, how, "build", "--root", str(small.root), "--now", NOW_TEXT],
                          cwd=REPO, capture_output=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    kind = "tmp" if how == "exchange" else "old"
    assert [name.split("-")[0] for name in leftovers(small.site)] == [f"._site.{kind}"]
    assert "Anders" in (small.site / slug(1) / "index.html").read_text("utf-8")
    small.release(slug(2), release_text(2, "B").replace("Bericht", "Anders"))
    build(small.root, now=NOW)
    assert leftovers(small.site) == []


def test_every_page_that_is_not_a_release_moves_in_after_the_release_pages():
    """An archive, tag or media-library page lists releases: a new one moved in first linked
    a release page not yet in the site (the journal knew the index by name only)."""
    from generator.output.journal import FIRST, INDEXES, PAGES, phase

    assert phase("release:r1", "r1/index.html") == PAGES and phase("release:r1", "r1/photo.jpg") == FIRST
    for group, path in [("index", "index.html"), ("archive:2026", "archive/2026/index.html"),
                        ("tag:brood", "tags/brood/index.html"), ("media:nl", "media/index.html")]:
        assert phase(group, path) == INDEXES, group
    assert phase("search", "pagefind/pagefind.js") == FIRST and phase("assets", "assets/style.css") == FIRST
