"""Search in a real Chromium: Pagefind's index from this site alone, by keyboard; nothing of an
embargoed release; without JavaScript the page says search needs it."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import EMBARGOED_RELEASE, QuietHandler, build, copy_example

OLDER = """\
title: "Brood & Co bakt voortaan op zonne-energie"
date: 2026-11-10T09:00:00+01:00
summary: De bakkerijen van Brood & Co draaien op zonnepanelen.
body: |
  Op de daken van alle twaalf bakkerijen liggen nu zonnepanelen. De ovens draaien overdag
  op eigen stroom; 's nachts op groene stroom uit Zeeland.
"""


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """The example newsroom, an older release and an embargoed one, built and served."""
    root = copy_example(tmp_path_factory.mktemp("search") / "newsroom")
    for slug, text in (("2026-11-10-zonne-energie", OLDER), ("2026-12-01-bakschool", EMBARGOED_RELEASE)):
        (root / "releases" / slug).mkdir()
        (root / "releases" / slug / "release.yaml").write_text(text, "utf-8")
    served = tmp_path_factory.mktemp("search-served")
    build(root, served / "site")
    handler = functools.partial(QuietHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/site/"
    httpd.shutdown()
    httpd.server_close()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def search_by_keyboard(page, words: str) -> None:
    for _ in range(30):   # Tab from the top of the page to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    else:
        raise AssertionError("the search box is not reachable with Tab")
    page.keyboard.type(words)
    page.keyboard.press("Enter")


def test_a_word_of_one_release_finds_it_first_and_the_keyboard_opens_it(page, search_site):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(search_site, wait_until="networkidle")
    search_by_keyboard(page, "zonnepanelen")
    first = page.locator(".search-results li a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/site/2026-11-10-zonne-energie/")
    assert "zonne-energie" in first.inner_text().lower()
    assert page.locator(".search-status").inner_text() != ""
    assert page.locator(".search-results mark").count() >= 1
    page.keyboard.press("Tab")   # the button
    page.keyboard.press("Tab")   # the first result
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith("/2026-11-10-zonne-energie/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/2026-11-10-zonne-energie/")
    assert {origin(u) for u in requests} == {origin(search_site)}, requests


def test_a_word_only_an_embargoed_release_has_finds_nothing(page, search_site):
    page.goto(search_site, wait_until="networkidle")
    search_by_keyboard(page, "Vakmanschap")
    page.locator(".search-status").filter(has_text="Geen persberichten gevonden").wait_for()
    assert page.locator(".search-results li").count() == 0
    page.fill("#search-q", "")
    page.keyboard.press("Enter")
    page.locator(".search-status:empty").wait_for(state="attached")
    page.fill("#search-q", "leerlingen")
    page.keyboard.press("Enter")
    page.locator(".search-status").filter(has_text="Geen persberichten gevonden").wait_for()
    assert page.locator(".search-results li").count() == 0


def test_each_language_searches_its_own_releases(page, search_site):
    page.goto(search_site + "en/", wait_until="networkidle")
    search_by_keyboard(page, "experiences")
    first = page.locator(".search-results li a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/2026-11-24-webcare-team-en/")


def test_without_javascript_the_page_says_search_needs_it(browser, search_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(search_site)
        assert page.locator(".search-needs-js").is_visible()
        assert "JavaScript" in page.locator(".search-needs-js").inner_text()
        assert not page.locator("#search-q").is_visible()
        assert page.locator(".release-list li").count() == 2   # the list itself works
    finally:
        context.close()


def test_the_search_box_is_on_every_list_page(page, search_site):
    for path in ("", "en/", "archive/2026/", "tags/klantenservice/"):
        page.goto(search_site + path)
        assert page.locator("#search-q").is_visible(), path
