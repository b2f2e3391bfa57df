"""The archive: paginated indexes and tag pages with stable addresses, year archives, rel=prev/next (lxml)."""

from __future__ import annotations

import lxml.html
import pytest

from generator.clock import now as clock_now
from generator.output.pipeline import build
from generator.render.archive import paginate

NOW = clock_now("2026-11-25T10:00+01:00")


def release(n: int, year: int = 2026, tags=("bakken",)) -> str:
    month, day = 1 + n // 28 % 12, 1 + n % 28
    return (f"title: Bericht {n}\ndate: {year}-{month:02d}-{day:02d}T09:00:00+01:00\n"
            f"summary: Samenvatting {n}.\ntags: [{', '.join(tags)}]\n")


def html(site, path: str):
    return lxml.html.fromstring((site / path).read_bytes())


def cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def titles(doc) -> list[str]:
    return [a.text_content() for a in doc.xpath(f"//ol[{cls('release-list')}]//h2/a | //ol[{cls('archive-list')}]//a")]


def link(doc, rel: str) -> list[str]:
    return doc.xpath(f"//head/link[@rel='{rel}']/@href")


@pytest.fixture
def archive(newsroom):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "archive:\n  page_size: 3\n")
    for n in range(1, 8):   # 2025: 1..3, 2026: 4..7
        newsroom.release(f"r{n}", release(n, 2025 if n <= 3 else 2026, tags=("bakken",) if n % 2 else ("winkels",)))
    return newsroom


def test_pages_count_from_the_oldest_and_only_full_pages_exist():
    items = list(range(10, 0, -1))   # newest first: 10 .. 1
    pages = paginate("", items, 3)
    assert [(p.path, p.items, p.newer, p.older) for p in pages] == [
        ("", [10, 9, 8], None, "page/3/"),
        ("page/3/", [9, 8, 7], "", "page/2/"),
        ("page/2/", [6, 5, 4], "page/3/", "page/1/"),
        ("page/1/", [3, 2, 1], "page/2/", None)]
    assert [p.path for p in paginate("", items[:3], 3)] == [""]     # all on the front page
    assert [p.path for p in paginate("", items[:4], 3)] == ["", "page/1/"]
    assert paginate("", [], 3)[0].items == []


def test_a_new_release_leaves_every_numbered_page_as_it_was():
    before = {p.path: p.items for p in paginate("en/", list(range(10, 0, -1)), 3)}
    after = {p.path: p.items for p in paginate("en/", list(range(11, 0, -1)), 3)}
    assert all(after[path] == items for path, items in before.items() if path != "en/")


def test_index_pages_link_each_other_with_rel_prev_and_next(archive):
    build(archive.root, now=NOW)
    site = archive.site
    front = html(site, "index.html")
    assert titles(front) == ["Bericht 7", "Bericht 6", "Bericht 5"]
    assert link(front, "next")[0] == "page/2/index.html"
    assert not link(front, "prev")
    assert front.xpath(f"//nav[{cls('pager')}]/a[@rel='next']/@href")[0] == "page/2/index.html"
    page2 = html(site, "page/2/index.html")
    assert titles(page2) == ["Bericht 6", "Bericht 5", "Bericht 4"]
    assert link(page2, "prev")[0] == "../../index.html"
    assert link(page2, "next")[0] == "../../page/1/index.html"
    page1 = html(site, "page/1/index.html")
    assert titles(page1) == ["Bericht 3", "Bericht 2", "Bericht 1"]
    assert not link(page1, "next")
    assert link(page1, "canonical")[0] == "https://pers.example.org/page/1/"
    # every card's links lead to a file that is there, from its own depth
    for path in ("index.html", "page/2/index.html", "page/1/index.html"):
        doc = html(site, path)
        for href in doc.xpath(f"//ol[{cls('release-list')}]//a/@href | //nav//a/@href"):
            target = (site / path).parent.joinpath(href).resolve()
            assert (target / "index.html" if target.is_dir() else target).is_file(), (path, href)
    assert not (site / "page" / "3").exists()


def test_year_archives_list_a_years_stories(archive):
    build(archive.root, now=NOW)
    front = html(archive.site, "index.html")
    years = {a.text_content(): a.get("href") for a in front.xpath(f"//nav[{cls('years')}]//a")}
    assert years == {"2026": "archive/2026/index.html", "2025": "archive/2025/index.html"}
    year = html(archive.site, "archive/2025/index.html")
    assert titles(year) == ["Bericht 3", "Bericht 2", "Bericht 1"]
    assert year.xpath("//h1")[0].text_content() == "Archief 2025"
    assert year.xpath(f"//nav[{cls('years')}]//*[@aria-current='page']")[0].text_content() == "2025"
    assert year.xpath(f"//ol[{cls('archive-list')}]//a/@href") == ["../../r3/", "../../r2/", "../../r1/"]


def test_tag_pages_are_paginated_and_name_their_feeds(archive):
    build(archive.root, now=NOW)
    tag = html(archive.site, "tags/bakken/index.html")   # r1, r3, r5, r7
    assert titles(tag) == ["Bericht 7", "Bericht 5", "Bericht 3"]
    assert "bakken" in tag.xpath("//h1")[0].text_content()
    assert link(tag, "next")[0] == "../../tags/bakken/page/1/index.html"
    assert titles(html(archive.site, "tags/bakken/page/1/index.html")) == ["Bericht 5", "Bericht 3", "Bericht 1"]
    feeds = tag.xpath("//head/link[@type='application/rss+xml']/@href")
    assert "../../tags/bakken/feed.xml" in feeds
    img_or_link = tag.xpath(f"//li[{cls('release-card')}]//h2/a/@href")[0]
    assert img_or_link == "../../r7/"


def test_a_draft_or_embargoed_release_is_on_no_list_page(archive):
    archive.release("secret", release(30, tags=("bakken",)).replace("date:", "embargo: 2026-12-30T09:00:00+01:00\ndate:"))
    archive.release("wip", release(31, tags=("geheim",)) + "draft: true\n")
    build(archive.root, now=NOW)
    for page in archive.site.rglob("index.html"):
        text = page.read_text("utf-8")
        assert "Bericht 30" not in text and "Bericht 31" not in text, page
    assert not (archive.site / "tags" / "geheim").exists()


def test_page_size_must_be_a_positive_number(newsroom):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text() + "archive:\n  page_size: 0\n")
    newsroom.release("r1", release(1))
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "newsroom.yaml:" in result.output and "archive.page_size" in result.output
