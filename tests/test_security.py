"""Hostile values in every field: none survives as markup, script or link."""

from __future__ import annotations

from bs4 import BeautifulSoup

EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>[x](javascript:alert(3))'


def hostile_release() -> str:
    e = EVIL.replace("'", "''")
    return f"""\
title: '{e}'
subtitle: '{e}'
date: 2026-11-20T09:00:00+01:00
dateline: '{e}'
summary: '{e}'
facts: ['{e}', '<a href="javascript:alert(4)" onclick="alert(5)">klik</a>']
body: |
  {EVIL}

  <iframe src="https://evil.example"></iframe><a href="data:text/html,x">d</a>
  <p onmouseover="alert(6)">hover</p>
quotes:
  - text: '{e}'
    by: '{e}'
    role: '{e}'
images:
  - file: images/photo.jpg
    alt: '{e}'
    caption: '{e}'
    credit: '{e}'
    license: '{e}'
videos:
  - url: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    title: '{e}'
documents:
  - url: https://example.org/doc.pdf
    title: '{e}'
links:
  - url: https://example.org/?q="><script>alert(7)</script>
    title: '{e}'
    description: '{e}'
tags: ['{e}']
share_text: '{e}'
coverage:
  - url: https://blog.example.org/post
    title: '{e}'
    site: '{e}'
contacts:
  - name: '{e}'
    role: '{e}'
    phone: '{e}'
"""


def test_hostile_values_never_become_markup_or_links(newsroom):
    text = (newsroom.root / "newsroom.yaml").read_text().replace(
        "Testbedrijf maakt **testen**.", EVIL)
    newsroom.write("newsroom.yaml", text)
    newsroom.release("evil", hostile_release())
    newsroom.photo("evil")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output

    for page in [newsroom.site / "evil" / "index.html", newsroom.site / "index.html"]:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        scripts = soup.find_all("script")
        assert all((s.get("src", "").endswith(("assets/smr.js", "assets/search.js")) and not s.string)
                   or (s.get("type") == "application/ld+json" and "<" not in s.string) for s in scripts), scripts
        assert soup.find("iframe") is None
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{tag.name} has {handlers}"
            for attr in ("href", "src", "action", "formaction", "data-embed"):
                value = tag.get(attr, "")
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), value
        assert soup.find("img", src="x") is None
    # The text is still there for the reader, as text.
    page = BeautifulSoup((newsroom.site / "evil" / "index.html").read_text(), "html.parser")
    assert page.h1.get_text() == EVIL


def test_markdown_sanitiser_keeps_harmless_markup():
    from generator.render.markup import block

    html = block("**vet** [link](https://example.org) <b onclick='x()'>b</b>")
    assert '<strong>vet</strong>' in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    assert "onclick" not in html
