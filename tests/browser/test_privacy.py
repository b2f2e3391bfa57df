"""Loading a page asks nothing of any other origin; a video loads only after a click."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.pages import HOSTILE, PAGE_TYPES, RELEASE_NL


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("path", [*PAGE_TYPES.values(), HOSTILE], ids=[*PAGE_TYPES, "hostile"])
def test_page_load_requests_only_the_local_origin(page, server, path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + path, wait_until="networkidle")
    page.mouse.wheel(0, 20000)  # lazy images below the fold load too
    page.wait_for_load_state("networkidle")
    assert len(requests) >= 3  # the page, its stylesheet and its script at least
    assert {origin(u) for u in requests} == {server}, requests


def test_video_loads_from_privacy_enhanced_host_only_after_click(page, server):
    requests = []
    page.route("https://**/*", lambda route: route.abort())  # no network beyond 127.0.0.1
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + RELEASE_NL, wait_until="networkidle")
    before = {origin(u) for u in requests}
    assert before == {server}
    page.get_by_role("link", name="Speel video af: Zo werkt ons webcareteam").click()
    frame = page.locator("figure.video iframe")
    frame.wait_for()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert frame.get_attribute("title") == "Zo werkt ons webcareteam"
    page.wait_for_timeout(300)
    assert {origin(u) for u in requests} - before == {"https://www.youtube-nocookie.com"}
