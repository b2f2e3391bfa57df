"""The media library in Chromium: every public photo and none embargoed, the filter by tag with
the keyboard and without JavaScript, axe, and no request to another origin."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import build
from tests.browser.test_accessibility import axe_violations
from tests.conftest import NEWSROOM_YAML, make_photo


def photo_release(title: str, alt: str, tags: str, day: int, extra: str = "") -> str:
    return (f"title: {title}\ndate: 2026-11-{day:02d}T09:00:00+01:00\nsummary: Over {title}.\ntags: [{tags}]\n"
            f"{extra}images:\n  - file: images/photo.jpg\n    alt: {alt}\n    caption: {alt} in de zon\n"
            f"    credit: \"Foto: Piet Bakker\"\n    license: CC BY 4.0\n")


@pytest.fixture(scope="module")
def media_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("media") / "newsroom"
    (root / "releases").mkdir(parents=True)
    (root / "newsroom.yaml").write_text(NEWSROOM_YAML + "brand:\n  files:\n    - file: brand/logo.png\n"
                                        "      title: Logo (PNG)\n      notes: Op een lichte achtergrond.\n", "utf-8")
    make_photo(root / "brand" / "logo.png", size=(300, 100), fmt="PNG")
    releases = {"winkel": photo_release("Winkel", "De winkel", "winkels", 20),
                "bakker": photo_release("Bakkerij", "De bakker", "bakken", 21),
                "oven": photo_release("Oven", "De oven", "bakken, winkels", 22),
                "geheim": photo_release("Geheim", "Geheime fabriek", "fabrieken", 23,
                                        "embargo: 2026-12-01T09:00:00+01:00\n")}
    for n, (slug, text) in enumerate(releases.items()):
        (root / "releases" / slug).mkdir()
        (root / "releases" / slug / "release.yaml").write_text(text, "utf-8")
        make_photo(root / "releases" / slug / "images" / "photo.jpg", size=(900, 600), color=(40 * n, 90, 160))
    served = tmp_path_factory.mktemp("media-served")
    build(root, served / "site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/site/"
    httpd.shutdown()
    httpd.server_close()


def shown(page) -> list[str]:
    return sorted(img.get_attribute("alt") for img in page.locator(".media-grid li img").all() if img.is_visible())


def test_every_public_photo_and_none_embargoed(page, media_site):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(media_site + "media/", wait_until="networkidle")
    page.mouse.wheel(0, 20000)
    page.wait_for_load_state("networkidle")
    assert shown(page) == ["De bakker", "De oven", "De winkel"]
    assert "Geheime fabriek" not in page.content()
    assert all(img.evaluate("i => i.complete && i.naturalWidth > 0") for img in page.locator(".media-grid img").all())
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(media_site))
    assert {"{0.scheme}://{0.netloc}".format(urlsplit(u)) for u in requests} == {origin}
    page.goto(media_site, wait_until="networkidle")
    page.get_by_role("link", name="Beeldbank").click()
    page.wait_for_url("**/media/index.html")


def test_filter_by_tag_with_the_keyboard_and_without_javascript(browser, media_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(media_site + "media/")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "mt-all":
                break
        else:
            raise AssertionError("the filter is not reachable with Tab")
        page.keyboard.press("ArrowRight")   # the next topic in the radio group: bakken
        assert page.evaluate("document.activeElement.id") == "mt-bakken"
        assert shown(page) == ["De bakker", "De oven"]
        page.keyboard.press("ArrowRight")
        assert shown(page) == ["De oven", "De winkel"]
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        assert shown(page) == ["De bakker", "De oven", "De winkel"]
    finally:
        context.close()


def test_no_serious_axe_violations(page, media_site, axe_source):
    page.goto(media_site + "media/", wait_until="networkidle")
    violations = axe_violations(page, axe_source)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
