"""`smr serve`: the real server and watcher, seen over HTTP, after each kind of change.

Every wait is a bounded poll of what the server answers (DEADLINE), never a fixed sleep.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.output.pipeline import build
from generator.output.serve import Sources, serve
from generator.clock import now as clock_now
from tests.conftest import NEWSROOM_YAML, REPO
from tests.conftest import eventually as poll_until

NOW = "2026-11-25T10:00+01:00"
DEADLINE = 20.0   # seconds for the server to be ready, or for a change to be served
POLL = 0.05


def release(n: int, title: str | None = None) -> str:
    return (f"title: {title or f'Bericht {n}'}\ndate: 2026-11-{n:02d}T09:00:00+01:00\n"
            f"summary: Samenvatting {n}.\n")


def slug(n: int) -> str:
    return f"2026-11-{n:02d}-bericht"


def eventually(check, what: str):
    """Poll `check` until it returns something true; fail after DEADLINE seconds."""
    return poll_until(check, what, DEADLINE, POLL)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


class Preview:
    """`serve()` on a newsroom in a thread, with a `stop` event, as a reader sees it: over HTTP."""

    def __init__(self, root: Path):
        self.root = root
        self.stop = threading.Event()
        self.ready: queue.Queue = queue.Queue()
        self.errors: list[Exception] = []
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        try:
            serve(self.root, self.root / "_site", self.build, port=0, on_ready=self.ready.put,
                  on_error=self.errors.append, stop=self.stop)
        except BaseException as exc:   # handed to the test, which then fails with it
            self.ready.put(exc)

    def build(self, applying) -> None:
        build(self.root, now=clock_now(NOW), applying=applying)

    def start(self) -> Preview:
        self.thread.start()
        url = self.ready.get(timeout=DEADLINE)
        if isinstance(url, BaseException):
            raise url
        self.url = url
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive(), "serve() did not stop"

    def get(self, path: str = "") -> tuple[int, str]:
        return fetch(self.url + path)

    def shows(self, path: str, text: str) -> str:
        """Wait until the page at `path` contains `text`; return the page."""
        def page_with_text():
            status, body = self.get(path)
            return body if status == 200 and text in body else None

        return eventually(page_with_text, f"{path or '/'} showing {text!r}")

    def gone(self, path: str) -> None:
        eventually(lambda: self.get(path)[0] == 404, f"{path} answering 404")


@pytest.fixture
def preview(newsroom):
    for n in (1, 2):
        newsroom.release(slug(n), release(n))
    running = Preview(newsroom.root).start()
    yield running
    running.close()
    assert not running.errors


def test_serves_the_site_it_built(preview):
    page = preview.shows("", "Bericht 2")
    assert "Bericht 1" in page
    assert preview.get(f"{slug(1)}/")[0] == 200


def test_an_edited_release_is_served(newsroom, preview):
    preview.shows(f"{slug(2)}/", "Bericht 2")
    newsroom.release(slug(2), release(2, "Bericht 2, nu met een nieuwe titel"))
    preview.shows(f"{slug(2)}/", "Bericht 2, nu met een nieuwe titel")
    preview.shows("", "Bericht 2, nu met een nieuwe titel")


def test_a_deleted_older_release_is_gone(newsroom, preview):
    preview.shows(f"{slug(1)}/", "Bericht 1")
    shutil.rmtree(newsroom.root / "releases" / slug(1))
    preview.gone(f"{slug(1)}/")
    eventually(lambda: "Bericht 1" not in preview.get()[1], "the index without Bericht 1")
    assert "Bericht 2" in preview.get()[1]


def test_a_renamed_release_folder_moves_its_page(newsroom, preview):
    preview.shows(f"{slug(1)}/", "Bericht 1")
    os.rename(newsroom.root / "releases" / slug(1), newsroom.root / "releases" / "2026-11-01-hernoemd")
    preview.shows("2026-11-01-hernoemd/", "Bericht 1")
    preview.gone(f"{slug(1)}/")


def test_a_new_release_appears(newsroom, preview):
    newsroom.release(slug(3), release(3, "Een gloednieuw bericht"))
    preview.shows(f"{slug(3)}/", "Een gloednieuw bericht")
    preview.shows("", "Een gloednieuw bericht")


def test_an_edited_label_override_is_served(newsroom):
    newsroom.release(slug(1), release(1))
    newsroom.write("templates/labels/nl.yaml", "skip_to_content: Naar het bericht\n")
    running = Preview(newsroom.root).start()
    try:
        running.shows("", "Naar het bericht")
        newsroom.write("templates/labels/nl.yaml", "skip_to_content: Meteen naar de tekst\n")
        running.shows("", "Meteen naar de tekst")
        running.shows(f"{slug(1)}/", "Meteen naar de tekst")
    finally:
        running.close()
    assert not running.errors


def test_an_edited_asset_override_is_served(newsroom):
    newsroom.release(slug(1), release(1))
    newsroom.write("assets/style.css", "body { color: #111; }\n")
    running = Preview(newsroom.root).start()
    try:
        running.shows("assets/style.css", "#111")
        newsroom.write("assets/style.css", "body { color: #222222; }\n")
        running.shows("assets/style.css", "#222222")
    finally:
        running.close()
    assert not running.errors


def test_an_edited_newsroom_yaml_is_served(newsroom, preview):
    preview.shows("", "Persberichten Testbedrijf")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML.replace("Persberichten Testbedrijf", "Nieuws van Testbedrijf"))
    preview.shows("", "Nieuws van Testbedrijf")


def test_an_edited_logo_outside_assets_is_served(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML.replace("  name: Testbedrijf\n",
                                                          "  name: Testbedrijf\n  logo: branding/logo.svg\n"))
    logo = '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="40"></svg>\n'
    newsroom.write("branding/logo.svg", logo.format(80))
    newsroom.release(slug(1), release(1))
    running = Preview(newsroom.root).start()
    try:
        running.shows("", 'width="80"')
        newsroom.write("branding/logo.svg", logo.format(120))
        running.shows("assets/logo.svg", 'width="120"')
        running.shows("", 'width="120"')
    finally:
        running.close()
    assert not running.errors


def test_a_failed_rebuild_is_reported_and_the_last_site_stays_served(newsroom, preview):
    preview.shows(f"{slug(2)}/", "Bericht 2")
    newsroom.release(slug(2), "title: [\n")
    eventually(lambda: preview.errors, "the rebuild's error reported")
    assert "release.yaml" in str(preview.errors[0])
    assert "Bericht 2" in preview.get(f"{slug(2)}/")[1]
    newsroom.release(slug(2), release(2, "Bericht 2, hersteld"))
    preview.shows(f"{slug(2)}/", "Bericht 2, hersteld")
    preview.errors.clear()


def test_only_sources_count_as_changes(newsroom):
    root = newsroom.root.resolve()
    newsroom.write("newsroom.yaml", NEWSROOM_YAML.replace("  name: Testbedrijf\n",
                                                          "  name: Testbedrijf\n  logo: branding/logo.svg\n"))
    sources = Sources(root)
    from watchfiles import Change

    def counts(relative: str) -> bool:
        return sources(Change.modified, str(root / relative))

    for source in ("newsroom.yaml", "branding/logo.svg", "releases/a/release.yaml", "releases/a",
                   "releases", "templates/labels/nl.yaml", "assets/style.css"):
        assert counts(source), source
    for other in ("_site/index.html", ".smr-cache/items.pickle", "._site.tmp-x1/index.html", "branding/other.svg",
                  "outreach/bloggers.csv", "releases/a/.release.yaml.swp", "releases/a/release.yaml~",
                  "templates/.#base.html", "newsroom.yaml.swp"):
        assert not counts(other), other


def test_smr_serve_rebuilds_reports_one_line_per_error_and_stops_on_ctrl_c(newsroom):
    newsroom.release(slug(1), release(1))
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(newsroom.root),
                             "--port", "0", "--now", NOW], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = PipeLines(proc.stdout), PipeLines(proc.stderr)
    try:
        ready = out.wait_for("Serving ")
        url = ready.split(" on ")[1].split()[0]
        assert fetch(url + f"{slug(1)}/")[0] == 200
        newsroom.release(slug(1), release(1, "Bericht 1, bewerkt"))
        eventually(lambda: "Bericht 1, bewerkt" in fetch(url + f"{slug(1)}/")[1], "the edit served")
        newsroom.release(slug(1), "title: [\n")
        line = err.wait_for("error: ")
        assert "release.yaml:1" in line
        assert "Bericht 1, bewerkt" in fetch(url + f"{slug(1)}/")[1]   # still serving
        proc.send_signal(signal.SIGINT)
        assert proc.wait(DEADLINE) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in "".join(err.seen)


class PipeLines:
    """The lines a process writes to a pipe, read in a thread, so a test can wait for one."""

    def __init__(self, pipe):
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in pipe], daemon=True).start()

    def wait_for(self, start: str) -> str:
        """The next line that starts with `start` (within DEADLINE seconds)."""
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line starting {start!r} within {DEADLINE:.0f} s; saw {self.seen}") from None
            self.seen.append(line)
            if line.startswith(start):
                return line
