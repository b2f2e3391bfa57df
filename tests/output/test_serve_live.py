"""`smr serve`'s live reload, in a real Chromium page: an edit shows without navigating, a
failed rebuild shows its problems as an overlay (text, never HTML), the fix reloads; the
published files never hold the reload code.

Every wait is Playwright's own (expect, wait_for) or a bounded poll, never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from generator.output.serve import EVENTS_PATH, LIVE_PATH, allow_reload
from tests.conftest import REPO
from tests.output.test_serve import (
    DEADLINE,
    NOW,
    PipeLines,
    Preview,
    eventually,
    fetch,
    slug,
)

WAIT_MS = DEADLINE * 1000
OVERLAY = "#smr-serve-problems"
BUILTIN_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "media-src 'self' https:; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
               "object-src 'none'; base-uri 'none'; form-action 'none'")


def summary_release(n: int, summary: str) -> str:
    return f"title: Bericht {n}\ndate: 2026-11-{n:02d}T09:00:00+01:00\nsummary: {summary}\n"


class Page:
    """A Chromium page on the preview that remembers what the browser said about it: console
    messages (a Content-Security-Policy refusal shows there) and page errors."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(str(error)))
        self.page.goto(url)
        self.listening()

    def listening(self) -> None:
        """The page has heard serve's state once (its stream is open). A test needs this only
        to stop serve with pages listening: a page that hears late misses nothing, since it
        knows which build it was served."""
        self.page.wait_for_function("() => window.smrServe && window.smrServe.state", timeout=WAIT_MS)

    def shows(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("body")).to_contain_text(text, timeout=WAIT_MS)

    def overlay(self):
        return self.page.locator(OVERLAY)

    def close(self) -> None:
        self.context.close()
        assert not [m for m in self.console if "Content Security Policy" in m or "__smr" in m], self.console


@pytest.fixture
def live(newsroom):
    for n in (1, 2):
        newsroom.release(slug(n), summary_release(n, f"Samenvatting {n}."))
    running = Preview(newsroom.root).start()
    yield running
    running.close()


def test_an_edited_summary_shows_in_the_open_page_without_navigating(newsroom, live, browser):
    page = Page(browser, live.url + f"{slug(2)}/")
    try:
        page.shows("Samenvatting 2.")
        page.page.evaluate("window.smrTestMark = 'before the edit'")
        newsroom.release(slug(2), summary_release(2, "Een nieuwe samenvatting, net bewaard."))
        page.shows("Een nieuwe samenvatting, net bewaard.")
        assert page.page.evaluate("window.smrTestMark === undefined")   # the page loaded again, by itself
        assert page.page.url == live.url + f"{slug(2)}/"
    finally:
        page.close()
    assert not live.errors


def test_every_open_tab_reloads_even_more_than_a_browsers_six_connections(newsroom, live, browser):
    """Ten tabs in one browser (one context: one connection pool, at most six to a server)
    and one in another: they share one event stream per browser, so every page still loads."""
    from playwright.sync_api import expect

    first = Page(browser, live.url)
    tabs = [first]
    try:
        for n in range(9):
            tab = first.context.new_page()
            tab.goto(live.url + (f"{slug(1)}/" if n % 2 else ""))
            tabs.append(tab)
        other = Page(browser, live.url + f"{slug(1)}/")
        newsroom.release(slug(1), summary_release(1, "Voor alle tabbladen."))
        for tab in [*tabs[1:], first.page, other.page]:
            expect(tab.locator("body")).to_contain_text("Voor alle tabbladen.", timeout=WAIT_MS)
        other.close()
    finally:
        first.close()


@pytest.fixture
def smr_serve(newsroom):
    """The real `smr serve` command in a subprocess; yields (url, its stderr lines)."""
    for n in (1, 2):
        newsroom.release(slug(n), summary_release(n, f"Samenvatting {n}."))
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(newsroom.root),
                             "--port", "0", "--now", NOW], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = PipeLines(proc.stdout), PipeLines(proc.stderr)
    try:
        url = out.wait_for("Serving ").split(" on ")[1].split()[0]
        yield url, err, proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        assert proc.wait(DEADLINE) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in "".join(err.seen)


def test_a_yaml_error_shows_the_terminals_line_as_an_overlay_and_the_fix_reloads(newsroom, smr_serve, browser):
    url, err, _ = smr_serve
    page = Page(browser, url + f"{slug(2)}/")
    try:
        page.shows("Samenvatting 2.")
        newsroom.release(slug(2), "title: [\n")
        terminal = err.wait_for("error: ").strip().removeprefix("error: ")
        assert terminal.startswith(f"releases/{slug(2)}/release.yaml:1: title: invalid YAML")
        page.overlay().wait_for(timeout=WAIT_MS)
        assert page.overlay().locator("li").all_inner_texts() == [terminal]
        page.shows("Samenvatting 2.")   # the last good site, under the overlay

        newsroom.release(slug(2), summary_release(2, "Hersteld en herladen."))
        page.shows("Hersteld en herladen.")
        page.overlay().wait_for(state="detached", timeout=WAIT_MS)
    finally:
        page.close()


def test_the_overlay_shows_problems_as_text_never_as_html(newsroom, smr_serve, browser):
    url, err, _ = smr_serve
    page = Page(browser, url)
    try:
        newsroom.release(slug(1), summary_release(1, "Samenvatting 1.") + "<img src=x onerror=alert(1)>: 1\n")
        terminal = err.wait_for("error: ").strip().removeprefix("error: ")
        assert "unknown field '<img src=x onerror=alert(1)>'" in terminal
        page.overlay().wait_for(timeout=WAIT_MS)
        assert page.overlay().locator("li").all_inner_texts() == [terminal]
        assert page.overlay().locator("img").count() == 0
    finally:
        page.close()


def test_a_page_opened_while_a_rebuild_failed_shows_the_overlay_at_once(newsroom, live, browser):
    newsroom.release(slug(1), "title: [\n")
    eventually(lambda: live.errors, "the failed rebuild")
    page = Page(browser, live.url)
    try:
        page.overlay().wait_for(timeout=WAIT_MS)
        page.shows("Samenvatting 1.")
    finally:
        page.close()
    live.errors.clear()


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_published_files_hold_no_reload_code_and_are_smr_builds(newsroom, live, browser, tmp_path):
    page = Page(browser, live.url + f"{slug(1)}/")
    try:
        newsroom.release(slug(1), summary_release(1, "Na een herbouw."))
        page.shows("Na een herbouw.")
    finally:
        page.close()
    served = site_files(newsroom.site)
    assert served and not [name for name, body in served.items() if LIVE_PATH.strip("/").encode() in body]

    built = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(newsroom.root),
                            "-o", str(tmp_path / "built"), "--now", NOW, "-q"], cwd=REPO, capture_output=True, check=False)
    assert built.returncode == 0, built.stderr
    assert served == site_files(tmp_path / "built")

    status, page_html = fetch(live.url + f"{slug(1)}/")
    assert status == 200 and '<script src="/__smr/reload.js"' in page_html
    assert f'content="{BUILTIN_CSP}"' in page_html   # smr's own policy allows the client as it is


def test_a_stricter_policy_of_the_newsroom_is_widened_only_in_the_served_copy(newsroom, browser):
    base = (REPO / "templates" / "base.html").read_text("utf-8")
    assert BUILTIN_CSP in base
    newsroom.write("templates/base.html", base.replace(BUILTIN_CSP, "default-src 'none'; style-src 'self'"))
    newsroom.release(slug(1), summary_release(1, "Streng beleid."))
    running = Preview(newsroom.root).start()
    page = Page(browser, running.url)
    try:
        newsroom.release(slug(1), summary_release(1, "Streng beleid, toch herladen."))
        page.shows("Streng beleid, toch herladen.")
    finally:
        page.close()   # and no Content-Security-Policy refusal on the console
        running.close()
    assert "content=\"default-src 'none'; style-src 'self'\"" in (newsroom.site / "index.html").read_text("utf-8")


def test_allow_reload_adds_self_only_where_scripts_or_connections_lack_it():
    assert allow_reload(BUILTIN_CSP) == BUILTIN_CSP
    assert allow_reload("img-src 'self'") == "img-src 'self'"   # no default-src: all allowed
    assert allow_reload("default-src 'none'") == "default-src 'none'; script-src 'self'; connect-src 'self'"
    assert (allow_reload("default-src https://cdn.example; script-src 'none'")
            == "default-src https://cdn.example; script-src 'self'; connect-src https://cdn.example 'self'")
    assert allow_reload("script-src *; connect-src 'self'") == "script-src *; connect-src 'self'"
    assert (allow_reload("default-src 'self'; worker-src 'none'")
            == "default-src 'self'; worker-src 'self'")


def test_a_request_waits_while_a_rebuild_is_applied(newsroom):
    """The rebuild holds the site until it is done: a request made meanwhile is answered after
    it, with the new site; the event streams hold no lock, so they never block a rebuild."""
    newsroom.release(slug(1), summary_release(1, "Oud."))
    applying, done = threading.Event(), threading.Event()

    class Gated(Preview):
        def build(self, put_in_place) -> None:
            @contextlib.contextmanager
            def gated():
                with put_in_place():
                    yield
                    if "Nieuw." in (newsroom.root / "releases" / slug(1) / "release.yaml").read_text("utf-8"):
                        applying.set()
                        done.wait(DEADLINE)   # the new site is in place; the lock is still held

            super().build(gated)

    running = Gated(newsroom.root).start()
    stream = urllib.request.urlopen(running.url + EVENTS_PATH.lstrip("/"), timeout=DEADLINE)
    try:
        newsroom.release(slug(1), summary_release(1, "Nieuw."))
        assert applying.wait(DEADLINE)
        answers: list = []
        request = threading.Thread(target=lambda: answers.append(fetch(running.url + f"{slug(1)}/")))
        request.start()
        request.join(0.3)   # a bounded check that it is still waiting; it cannot make the test flaky
        assert not answers, "a request was answered while a rebuild was being applied"
        done.set()
        request.join(DEADLINE)
        assert answers and "Nieuw." in answers[0][1]
    finally:
        done.set()
        stream.close()
        running.close()
    assert not running.errors


def test_event_streams_end_when_serve_stops(newsroom):
    newsroom.release(slug(1), summary_release(1, "Stop."))
    running = Preview(newsroom.root).start()
    streams = [urllib.request.urlopen(running.url + EVENTS_PATH.lstrip("/"), timeout=DEADLINE) for _ in range(3)]
    try:
        for stream in streams:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            assert stream.readline() == b"retry: 1000\n"
        running.close()   # asserts that serve() returned
        for stream in streams:
            rest = stream.read()   # the end of the stream, not a timeout
            assert b"event: state" in rest
    finally:
        for stream in streams:
            stream.close()


def test_ctrl_c_stops_smr_serve_with_pages_listening(smr_serve, browser):
    url, _, proc = smr_serve
    pages = [Page(browser, url), Page(browser, url + f"{slug(1)}/")]   # each with its event stream open
    try:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(DEADLINE) == 0
    finally:
        for page in pages:
            page.context.close()
