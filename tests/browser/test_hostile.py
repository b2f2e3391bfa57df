"""A release with script tags, event handlers and javascript: URLs in every field is built,
opened in Chromium, and nothing of it runs or becomes a link."""

from __future__ import annotations

import pytest

from tests.browser.conftest import NOW, smr
from tests.browser.pages import HOSTILE, HOSTILE_INDEX

LEAKS = """() => ({
    scripts: Array.from(document.scripts).map(s => s.getAttribute('src') || s.type || 'inline')
        .filter(s => !s.endsWith('assets/smr.js') && !s.endsWith('assets/search.js') && s !== 'application/ld+json'),
    handlers: Array.from(document.querySelectorAll('*')).flatMap(el =>
        Array.from(el.attributes).filter(a => a.name.toLowerCase().startsWith('on'))
            .map(a => el.tagName + ' ' + a.name)),
    badLinks: Array.from(document.querySelectorAll('[href], [src], [action], [formaction], [data]'))
        .flatMap(el => ['href', 'src', 'action', 'formaction', 'data'].map(n => el.getAttribute(n)))
        .filter(v => v && /^\\s*(javascript|data|vbscript):/i.test(v)),
    injected: Array.from(document.querySelectorAll(
        'main svg, main iframe, main object, main embed, main style, main form, main input'))
        .filter(el => !el.closest('form.search-form')).length,   // smr's own search box
})"""


@pytest.mark.parametrize("path", [HOSTILE, HOSTILE_INDEX])
def test_hostile_input_never_runs(page, server, path):
    dialogs, console, errors = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("https://**/*", lambda route: route.abort())
    page.goto(server + path, wait_until="networkidle")
    # Hover and click everything a reader might touch: handlers would fire now.
    for link in page.locator("main a, main img, main button:visible").all()[:60]:
        link.hover(force=True, timeout=2000)
    page.wait_for_timeout(200)
    assert dialogs == [] and errors == []
    assert [m for m in console if "xss" in m.lower() or "alert" in m.lower()] == []
    assert page.evaluate(LEAKS) == {"scripts": [], "handlers": [], "badLinks": [], "injected": 0}
    assert page.locator("main").is_visible()  # an injected <style> did not hide the page
    # The words arrive as text the reader can see, not as markup.
    assert '<script>alert("xss")</script>' in page.locator("h1").inner_text()


def test_javascript_url_in_a_link_field_is_refused(tmp_path):
    (tmp_path / "releases" / "x").mkdir(parents=True)
    (tmp_path / "newsroom.yaml").write_text(
        "title: T\nbase_url: https://pers.example.org/\norganization: {name: O}\n", "utf-8")
    (tmp_path / "releases" / "x" / "release.yaml").write_text(
        "title: T\ndate: 2026-11-24\nsummary: S\nlinks:\n  - url: javascript:alert(1)\n    title: L\n", "utf-8")
    result = smr("build", "--root", str(tmp_path), "--now", NOW)
    assert result.returncode == 1
    assert "releases/x/release.yaml:5: links[0].url" in result.stderr
    assert not (tmp_path / "_site").exists()


SVG_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"
     onload="document.title = 'onload ran'">
  <script>window.scriptRan = true;
    document.documentElement.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'circle'))
      .setAttribute('id', 'injected');</script>
  <rect id="drawn" width="120" height="40" fill="#0a66c2"/>
</svg>
"""


def test_svg_logo_opened_directly_runs_nothing(page, tmp_path):
    """The published logo.svg, opened as its own document (a link, "open image in new tab"),
    runs none of the scripts the original holds; the original, opened the same way, does."""
    import functools
    import http.server
    import threading

    from tests.browser.conftest import QuietHandler

    root = tmp_path / "newsroom"
    (root / "releases" / "x").mkdir(parents=True)
    (root / "brand").mkdir()
    (root / "brand" / "logo.svg").write_text(SVG_LOGO, "utf-8")
    (root / "newsroom.yaml").write_text("title: T\nbase_url: https://pers.example.org/\n"
                                        "organization: {name: O, logo: brand/logo.svg}\n", "utf-8")
    (root / "releases" / "x" / "release.yaml").write_text("title: T\ndate: 2026-11-24\nsummary: S\n", "utf-8")
    assert smr("build", "--root", str(root), "--now", NOW).returncode == 0

    # Served over HTTP as image/svg+xml, as the bucket serves it: the newsroom's own origin.
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    state = ("() => [document.title, window.scriptRan === true, !!document.getElementById('injected'), "
             "!!document.getElementById('drawn')]")
    try:
        page.goto(base + "/brand/logo.svg", wait_until="load")   # the control: this one runs
        assert page.evaluate(state) == ["onload ran", True, True, True]
        page.goto(base + "/_site/assets/logo.svg", wait_until="load")
        page.wait_for_timeout(100)
        assert page.evaluate(state) == ["", False, False, True]
    finally:
        httpd.shutdown()
        httpd.server_close()
