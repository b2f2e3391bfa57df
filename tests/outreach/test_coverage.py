"""`smr coverage`: posts about a release from the cached feeds into coverage.yaml, then onto
the page; and the privacy promise: no address from the blogger list ever reaches _site/."""

from __future__ import annotations

import csv
import shutil

import pytest
import yaml

from tests.conftest import REPO
from tests.outreach.support import NL_SLUG, RELEASE_NL, smr

AFTER = "2026-11-27T10:00+01:00"
LINKS_TO_IT = "https://webcare.example.nl/2026/11/testbedrijf-webcare"
HASHTAG_AFTER = "https://care.example.org/2026/11/dutch-bakery"


@pytest.fixture
def room(fetched, tmp_path):
    """A private copy of the fetched newsroom, so each test starts without coverage.yaml."""
    target = tmp_path / "newsroom"
    shutil.copytree(fetched.root, target, ignore=shutil.ignore_patterns("_site", "exports"))
    return target


def coverage_file(root, slug=NL_SLUG):
    return root / "releases" / slug / "coverage.yaml"


def test_posts_that_link_or_use_the_hashtag_are_found_and_others_are_not(room):
    result = smr("coverage", "--root", str(room), NL_SLUG)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Added 2 posts to releases/{NL_SLUG}/coverage.yaml:")
    entries = yaml.safe_load(coverage_file(room).read_text("utf-8"))
    assert [e["url"] for e in entries] == [HASHTAG_AFTER, LINKS_TO_IT]  # newest first
    assert entries[1] == {"url": LINKS_TO_IT, "title": "Bakkerij Testbedrijf start eigen webcareteam",
                          "site": "Webcare Weetjes", "date": __import__("datetime").date(2026, 11, 25)}
    urls = {e["url"] for e in entries}
    assert "https://webcare.example.nl/2026/10/waarom-webcare" not in urls  # about webcare, no link
    assert "https://care.example.org/2026/11/webcare-history" not in urls  # #webcare, before the news
    assert "https://support.example.org/2026/11/social-team" not in urls


def test_second_run_adds_nothing_and_release_yaml_is_never_touched(room):
    release_yaml = room / "releases" / NL_SLUG / "release.yaml"
    before = release_yaml.read_bytes()
    smr("coverage", "--root", str(room), NL_SLUG)
    first = coverage_file(room).read_bytes()
    again = smr("coverage", "--root", str(room), NL_SLUG)
    assert again.exit_code == 0
    assert again.output.strip() == "No new coverage found (2 already listed)."
    assert coverage_file(room).read_bytes() == first
    assert release_yaml.read_bytes() == before


def test_output_is_deterministic(room, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(room, twin)
    smr("coverage", "--root", str(room), NL_SLUG)
    smr("coverage", "--root", str(twin), f"releases/{NL_SLUG}")
    assert coverage_file(room).read_bytes() == coverage_file(twin).read_bytes()


def test_hand_written_entries_are_kept_and_not_duplicated(room):
    release_yaml = room / "releases" / NL_SLUG / "release.yaml"
    release_yaml.write_text(RELEASE_NL + "coverage:\n"
                            f"  - url: {LINKS_TO_IT}/\n"
                            "    title: Mijn eigen titel\n", "utf-8")
    coverage_file(room).write_text("- url: https://elders.example.nl/post\n  title: Met de hand\n", "utf-8")
    result = smr("coverage", "--root", str(room), NL_SLUG)
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(coverage_file(room).read_text("utf-8"))
    assert [e["url"] for e in entries] == [HASHTAG_AFTER, "https://elders.example.nl/post"]
    assert f"Added 1 post to releases/{NL_SLUG}/coverage.yaml:" in result.output


def test_a_bad_coverage_yaml_is_reported_with_its_line(room):
    coverage_file(room).write_text("- url: javascript:alert(1)\n  title: x\n", "utf-8")
    result = smr("coverage", "--root", str(room), NL_SLUG)
    assert result.exit_code == 1
    assert f"releases/{NL_SLUG}/coverage.yaml:1: coverage[0].url: must be an http:// or https:// URL" in result.output


def test_after_a_build_coverage_is_on_the_page_once(room):
    smr("coverage", "--root", str(room), NL_SLUG)
    built = smr("build", "--root", str(room), "--now", AFTER)
    assert built.exit_code == 0, built.output
    html = (room / "_site" / NL_SLUG / "index.html").read_text("utf-8")
    from bs4 import BeautifulSoup

    section = BeautifulSoup(html, "html.parser").select_one("section.coverage")
    hrefs = [a["href"] for a in section.select("a")]
    assert hrefs == [HASHTAG_AFTER, LINKS_TO_IT]
    assert "Webcare Weetjes" in section.get_text()


def addresses(csv_path) -> list[str]:
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        return [row["email"].strip() for row in csv.DictReader(fh) if "@" in row.get("email", "")]


def scan(site) -> list[str]:
    return [p for p in site.rglob("*") if p.is_file()]


def assert_no_address(site, emails):
    assert emails
    for path in scan(site):
        data = path.read_bytes().lower()
        for address in emails:
            assert address.lower().encode() not in data, f"{address} found in {path}"
            local = address.split("@")[0].lower().encode()
            assert local + b"@" not in data, f"{address} found in {path}"


def test_no_address_from_the_list_ends_up_in_the_site(room):
    smr("outreach", "export", "--root", str(room), NL_SLUG, "--now", "2026-11-20T10:00+01:00")
    smr("outreach", "export", "--root", str(room), NL_SLUG, "--format", "eml")
    smr("coverage", "--root", str(room), NL_SLUG)
    built = smr("build", "--root", str(room), "--now", AFTER)
    assert built.exit_code == 0, built.output
    site = room / "_site"
    assert_no_address(site, addresses(room / "outreach" / "bloggers.csv"))
    names = {p.name for p in scan(site)}
    published_json = {"feed.json", "oembed.json"}   # JSON Feed and oEmbed: public by design
    assert "bloggers.csv" not in names
    assert not any(p.name.endswith(".eml") or (p.name.endswith(".json") and p.name not in published_json
                                               and p.relative_to(site).parts[0] != "pagefind")   # the search index
                   for p in scan(site))
    assert not any(".smr-cache" in str(p) or "outreach" in p.parts for p in scan(site))


def test_example_newsroom_list_stays_private(tmp_path):
    out = tmp_path / "site"
    built = smr("build", "--root", str(REPO), "-o", str(out), "--now", AFTER)
    assert built.exit_code == 0, built.output
    emails = addresses(REPO / "outreach" / "bloggers.csv")
    assert all(e.endswith(("@example.org", "@example.nl")) for e in emails)
    assert_no_address(out, emails)


@pytest.mark.parametrize("feed,kept,limit", [
    ("many.xml", 500, "500 entries"),       # more posts than entries
    ("many-wide.xml", None, "10 MB"),       # 500 entries whose blog name is 20 kB each: more than the bytes
])
def test_one_feed_with_too_many_posts_cannot_stop_the_build(tmp_path, feed_server, feed, kept, limit):
    """What `smr coverage` writes always passes `smr check`: the newest posts that fit, titles
    and blog names within their limits, and a line saying how many were left out."""
    from generator.newsroom import limits
    from tests.outreach.support import HEADER_ROW, MANY_POSTS, WIDE_NAME, make_newsroom

    room = make_newsroom(tmp_path / "newsroom", feed_server.base)
    room.write("outreach/bloggers.csv", HEADER_ROW + f"veel@example.nl,Veel Schrijver,,,{feed_server.base}/hostile/{feed}\n")
    assert smr("outreach", "fetch", "--root", str(room.root), "--timeout", "5").exit_code == 0
    result = smr("coverage", "--root", str(room.root), NL_SLUG)
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(coverage_file(room.root).read_text("utf-8"))
    kept = kept or len(entries)
    assert len(entries) == kept <= limits.MAX_LIST and kept > 400
    assert coverage_file(room.root).stat().st_size <= limits.MAX_FILE_BYTES
    assert [e["url"] for e in entries] == [f"https://veel.example.nl/{i}" for i in range(kept)]   # the newest
    assert all(len(e["title"]) <= limits.MAX_TITLE and e["title"].endswith("…") for e in entries)
    assert all(len(e["site"]) <= limits.MAX_TEXT for e in entries)
    (site,) = {e["site"] for e in entries}
    assert site == "Veel over webcare" if feed == "many.xml" else (site.endswith(WIDE_NAME[:100] + "…")
                                                                   and len(site) == limits.MAX_TEXT)
    assert result.output.splitlines()[0] == f"Added {kept} posts to releases/{NL_SLUG}/coverage.yaml:"
    assert result.output.splitlines()[-1] == (
        f"Left out {MANY_POSTS - kept} older posts found: releases/{NL_SLUG}/coverage.yaml holds at most "
        f"{limit} (docs/press-item.md, Limits); remove entries from it to make room for them.")

    check = smr("check", "--root", str(room.root))
    assert check.exit_code == 0, check.output
    before = coverage_file(room.root).read_bytes()
    again = smr("coverage", "--root", str(room.root), NL_SLUG)   # the file is full: nothing added, said so
    assert again.exit_code == 0 and coverage_file(room.root).read_bytes() == before
    assert again.output.splitlines()[0] == f"No new coverage added ({kept} already listed)."
    assert smr("build", "--root", str(room.root), "--now", AFTER).exit_code == 0
