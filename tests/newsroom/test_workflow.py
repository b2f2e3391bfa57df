"""From an empty folder to a release: `smr init`, `smr new` and its options, drafts, and
commands run from inside a release folder. Real files, the real CLI."""

from __future__ import annotations

import shutil
import subprocess

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree, html

from generator.cli import main
from tests.conftest import RELEASE_YAML, make_photo

NOW = "2026-11-25T10:00+01:00"


def smr(*args, cwd=None, monkeypatch=None, input=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- smr init

def test_init_makes_a_newsroom_that_builds_and_keeps_output_out_of_git(tmp_path):
    room = tmp_path / "pers"
    result = smr("init", str(room), "--title", "Pers Brood & Co", "--base-url", "https://pers.example.nl",
                 "--organization", "Brood & Co", "--language", "nl", "--timezone", "Europe/Amsterdam")
    assert result.exit_code == 0, result.output
    for name in ("newsroom.yaml", "releases/", "outreach/bloggers.csv", ".gitignore"):
        assert f"created  {name}" in result.output
    text = (room / "newsroom.yaml").read_text()
    assert 'title: "Pers Brood & Co"' in text and "timezone: Europe/Amsterdam" in text
    assert text.count("\n#") > 10, "commented fields show what else can be set"
    assert (room / "outreach/bloggers.csv").read_text().startswith("email,name,")
    assert smr("outreach", "check", "--root", str(room)).exit_code == 0

    assert smr("new", "Eerste bericht", "--root", str(room), "--now", NOW).exit_code == 0
    assert smr("build", "--root", str(room), "--now", NOW).exit_code == 0
    (room / "outreach/exports").mkdir()
    (room / "outreach/exports/pitch.csv").write_text("email\nx@example.org\n")
    (room / "outreach/subscribers.csv").write_text("email,consent\nj@example.org,Persdag 2026\n")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(room)], check=True)
    staged = subprocess.run(["git", "-C", str(room), "add", "-A", "--dry-run"], check=True,
                            capture_output=True, text=True).stdout
    assert "newsroom.yaml" in staged and "release.yaml" in staged
    assert not any(part in staged for part in ("_site", ".smr-cache", "outreach/exports", "subscribers.csv")), staged


def test_init_in_an_existing_newsroom_overwrites_nothing(tmp_path, newsroom):
    newsroom.release("2026-11-24-winkel")
    newsroom.write(".gitignore", "*.bak\n_site\n")
    newsroom.write("outreach/bloggers.csv", "email,name\nanna@example.org,Anna\n")
    before = snapshot(newsroom.root)
    result = smr("init", str(newsroom.root), "--title", "Other", "--base-url", "https://other.example/")
    assert result.exit_code == 0, result.output
    assert "kept     newsroom.yaml (already there)" in result.output
    after = snapshot(newsroom.root)
    for name, content in before.items():
        if name != ".gitignore":
            assert after[name] == content, f"{name} changed"
    gitignore = after[".gitignore"].decode()
    assert gitignore.startswith("*.bak\n_site\n"), "what the user wrote stays first and unchanged"
    assert "/.smr-cache/" in gitignore and "/outreach/exports/" in gitignore
    assert gitignore.count("_site") == 1, "a line the user already has is not added again"
    again = snapshot(newsroom.root)
    assert smr("init", str(newsroom.root)).exit_code == 0
    assert snapshot(newsroom.root) == again, "a second init changes nothing"


def test_init_refuses_bad_settings_before_writing_anything(tmp_path):
    room = tmp_path / "pers"
    result = smr("init", str(room), "--base-url", "pers.example.nl", "--timezone", "Mars/Olympus")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert any("--base-url" in line and "http" in line for line in lines), result.output
    assert any("--timezone" in line and "Mars/Olympus" in line for line in lines), result.output
    assert "Traceback" not in result.output
    assert not room.exists() or not any(room.iterdir())


def test_commands_inside_a_release_folder_find_the_newsroom_above(newsroom, monkeypatch):
    newsroom.release("2026-11-24-winkel")
    inside = newsroom.root / "releases" / "2026-11-24-winkel"
    (inside / "images").mkdir()
    result = smr("check", "--now", NOW, cwd=inside / "images", monkeypatch=monkeypatch)
    assert result.exit_code == 0 and "OK: 1 releases checked" in result.output, result.output
    result = smr("new", "Tweede bericht", "--now", NOW, cwd=inside, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert (newsroom.root / "releases" / "2026-11-25-tweede-bericht" / "release.yaml").is_file()
    assert not (inside / "releases").exists()
    assert smr("build", "--now", NOW, cwd=inside, monkeypatch=monkeypatch).exit_code == 0
    assert (newsroom.site / "2026-11-24-winkel" / "index.html").is_file()
    assert not (inside / "_site").exists()


def test_new_outside_a_newsroom_points_to_init(tmp_path, monkeypatch):
    result = smr("new", "Iets", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 1 and "smr init" in result.output


# ---------------------------------------------------------------- smr new

def test_new_takes_date_language_and_embargo(newsroom):
    result = newsroom.run("new", "Launch", "--date", "2026-12-03T09:00+01:00", "--language", "en",
                          "--embargo", "2026-12-03T09:00+01:00", "--now", NOW)
    assert result.exit_code == 0, result.output
    text = (newsroom.root / "releases/2026-12-03-launch/release.yaml").read_text()
    assert "\ndate: 2026-12-03T09:00+01:00" in text
    assert "\nlanguage: en" in text
    assert "\nembargo: 2026-12-03T09:00+01:00" in text
    check = newsroom.run("check", "--now", NOW)
    assert check.exit_code == 0, check.output

    result = newsroom.run("new", "Deal", "--embargo", "2026-12-05T07:00+01:00", "--now", NOW)
    assert result.exit_code == 0, result.output
    text = (newsroom.root / "releases/2026-12-05-deal/release.yaml").read_text()
    assert "\ndate: 2026-12-05T07:00+01:00" in text, "embargoed news is dated when the embargo lifts"

    bad = newsroom.run("new", "Other", "--date", "3 december", "--now", NOW)
    assert bad.exit_code == 1 and "--date '3 december'" in bad.output
    bad = newsroom.run("new", "Other", "--language", "English", "--now", NOW)
    assert bad.exit_code == 1 and "--language 'English'" in bad.output
    assert sorted(p.name for p in (newsroom.root / "releases").iterdir()) == ["2026-12-03-launch", "2026-12-05-deal"]


def test_new_translation_is_prefilled_uses_the_originals_photos_and_is_linked_both_ways(newsroom, now):
    newsroom.release("2026-11-24-winkel", RELEASE_YAML + """\
tags: [bakkerij]
body: |
  Eerste alinea.

  Tweede alinea.
images:
  - file: images/winkel.jpg
    alt: De nieuwe winkel
""")
    photo = newsroom.photo("2026-11-24-winkel", "images/winkel.jpg")
    result = newsroom.run("new", "Testbedrijf opens a shop", "--translation-of", "2026-11-24-winkel",
                          "--language", "en", "--now", NOW)
    assert result.exit_code == 0, result.output
    folder = newsroom.root / "releases/2026-11-24-testbedrijf-opens-a-shop"   # the original's date
    text = (folder / "release.yaml").read_text()
    assert "title: Testbedrijf opens a shop" in text and "language: en" in text and "draft: true" in text
    assert "../2026-11-24-winkel" in text and "Tweede alinea." in text and "bakkerij" in text
    assert "file: ../2026-11-24-winkel/images/winkel.jpg" in text, "the original's photo, used from there"
    assert not (folder / "images/winkel.jpg").exists() and photo.is_file()

    assert newsroom.run("build", "--now", NOW).exit_code == 0
    dutch = html.fromstring((newsroom.site / "2026-11-24-winkel/index.html").read_bytes())
    assert not dutch.xpath("//a[@hreflang='en']"), "a public page never links a draft"
    (folder / "release.yaml").write_text(text.replace("draft: true\n", ""))
    result = newsroom.run("build", "--now", NOW)
    assert result.exit_code == 0, result.output
    for page, other, lang in (("2026-11-24-winkel", "2026-11-24-testbedrijf-opens-a-shop", "en"),
                              ("2026-11-24-testbedrijf-opens-a-shop", "2026-11-24-winkel", "nl")):
        tree = html.fromstring((newsroom.site / page / "index.html").read_bytes())
        hrefs = tree.xpath(f"//link[@rel='alternate'][@hreflang='{lang}']/@href")
        assert any(other in href for href in hrefs), (page, hrefs)
    english = html.fromstring((newsroom.site / "2026-11-24-testbedrijf-opens-a-shop/index.html").read_bytes())
    assert english.xpath("//a[@class='download']/@href") == ["../2026-11-24-winkel/hires/winkel.jpg"]
    assert not (newsroom.site / "2026-11-24-testbedrijf-opens-a-shop/hires").exists(), "published once"


# ---------------------------------------------------------------- drafts

DRAFT_YAML = RELEASE_YAML.replace('title: "Testbedrijf opent een winkel"', 'title: "Geheim concept"') \
    + "draft: true\ntags: [geheim]\n"


def test_a_draft_is_in_no_list_and_is_built_only_in_preview(newsroom):
    newsroom.release("2026-11-24-winkel")
    newsroom.release("2026-11-24-concept", DRAFT_YAML)
    result = newsroom.run("build", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "1 draft (not written)" in result.output
    assert not (newsroom.site / "2026-11-24-concept").exists()
    everything = b"".join(p.read_bytes() for p in newsroom.site.rglob("*") if p.is_file())
    assert b"Geheim concept" not in everything and b"2026-11-24-concept" not in everything
    feed = feedparser.parse((newsroom.site / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Testbedrijf opent een winkel"]
    sitemap = etree.fromstring((newsroom.site / "sitemap.xml").read_bytes())
    assert not [u for u in sitemap.itertext() if "concept" in u]

    preview = newsroom.root / "preview"
    result = newsroom.run("build", "--preview", "-o", str(preview), "--now", NOW)
    assert result.exit_code == 0, result.output
    page = html.fromstring((preview / "2026-11-24-concept/index.html").read_bytes())
    assert page.xpath("//meta[@name='robots'][contains(@content, 'noindex')]")
    assert "CONCEPT" in page.xpath("string(//p[@role='alert'])")
    assert not page.xpath("//section[contains(@class, 'share')]") and not page.xpath("//a[@class='share-quote']")
    index = (preview / "index.html").read_text()
    assert "Geheim concept" not in index, "not even a preview lists a draft"


def test_a_broken_draft_warns_and_blocks_no_other_release(newsroom):
    newsroom.release("2026-11-24-winkel")
    newsroom.release("2026-11-24-half", "title: Half af\ndraft: true\ndate: 2026-11-24\n")   # no summary
    newsroom.release("2026-11-24-kapot", "draft: true\ntitle: [niet af\n")                   # not even YAML
    for command in ("check", "build"):
        result = newsroom.run(command, "--now", NOW)
        assert result.exit_code == 0, result.output
        assert "warning: releases/2026-11-24-half/release.yaml:1: summary: field required" in result.output
        assert "(a draft: not built until fixed)" in result.output
        assert "releases/2026-11-24-kapot/release.yaml" in result.output
    assert (newsroom.site / "2026-11-24-winkel/index.html").is_file()

    newsroom.release("2026-11-24-half", "title: Half af\ndate: 2026-11-24\n")   # no longer a draft
    before = snapshot(newsroom.site)
    for command in ("check", "build"):
        result = newsroom.run(command, "--now", NOW)
        assert result.exit_code == 1
        assert "error: releases/2026-11-24-half/release.yaml:1: summary: field required" in result.output
    assert snapshot(newsroom.site) == before


def test_preview_of_an_embargoed_release_has_no_share_links(newsroom):
    newsroom.release("2026-11-24-winkel", RELEASE_YAML.replace("summary:", "embargo: 2026-12-01T09:00:00+01:00\n"
                     "hashtags: [winkel]\nquotes:\n  - text: Mooi.\n    by: Anna\nsummary:"))
    assert newsroom.run("build", "--preview", "--now", NOW).exit_code == 0
    text = (newsroom.site / "2026-11-24-winkel/index.html").read_text()
    page = html.fromstring(text)
    assert "EMBARGO" in page.xpath("string(//p[@role='alert'])")
    sharing = ("x.com/intent", "linkedin.com/sharing", "facebook.com/sharer", "bsky.app/intent",
               "mastodon.social/share")
    assert not [network for network in sharing if network in text]
    assert not page.xpath("//*[@data-copy-target='share-text']")
    public = newsroom.run("build", "--now", "2026-12-02T10:00+01:00")
    assert public.exit_code == 0
    text = (newsroom.site / "2026-11-24-winkel/index.html").read_text()
    assert "share-text" in text and all(network in text for network in sharing), "the public page invites sharing"


def test_init_on_a_terminal_asks_for_what_the_options_do_not_give(tmp_path):
    """A real process on a pseudo-terminal, answering the questions as a person types them."""
    import os
    import pty
    import select
    import sys

    from tests.conftest import REPO

    room = tmp_path / "pers"
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", "init", str(room), "--language", "nl"],
                               stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    os.close(slave)
    os.write(master, "Brood & Co\nPers Brood & Co\nhttps://pers.example.nl/\nEurope/Amsterdam\n".encode())
    shown = b""
    try:
        while select.select([master], [], [], 60)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:   # the process closed its end of the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert process.wait(60) == 0, shown.decode()
    text = shown.decode()
    for question in ("Organisation", "Newsroom title", "Public address (base URL)", "Time zone"):
        assert question in text
    assert "Language" not in text.split("created")[0], "an option given is not asked for"
    yaml = (room / "newsroom.yaml").read_text()
    assert 'title: "Pers Brood & Co"' in yaml and 'base_url: "https://pers.example.nl/"' in yaml
    assert 'name: "Brood & Co"' in yaml and "timezone: Europe/Amsterdam" in yaml and "language: nl" in yaml
