"""Issue 24, "Names in any script": folders, addresses, vCards, tags and documents of a newsroom
with Greek, Polish, Chinese and Russian names, read back with the real readers."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser
import vobject
from bs4 import BeautifulSoup

from generator.slug import suffix
from tests.conftest import RELEASE_YAML


def page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / slug / "index.html").read_text("utf-8"), "html.parser")


@functools.lru_cache(maxsize=None)
def pdf(text: str) -> bytes:
    """A small PDF showing `text`, the same bytes every time it is asked for (Pillow writes the
    second it was made into each PDF)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (40, 20), "white")
    ImageDraw.Draw(picture).text((1, 1), text, fill="black")
    buffer = io.BytesIO()
    picture.save(buffer, "PDF")
    return buffer.getvalue()


def test_smr_new_transliterates_a_greek_title_and_two_in_one_day_both_work(newsroom):
    for title in ("Συνεργασία με Θεσσαλονίκη", "Νέα γέφυρα στη Θεσσαλονίκη"):
        result = newsroom.run("new", title, "--date", "2026-12-03")
        assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in (newsroom.root / "releases").iterdir())
    assert folders == ["2026-12-03-nea-gefyra-sti-thessaloniki", "2026-12-03-synergasia-me-thessaloniki"]


def test_a_release_address_comes_from_its_whole_folder_name(newsroom):
    names = ["2026-12-05-συνεργασία-με-θεσσαλονίκη", "2026-12-05-łódź", "2026-12-05-москва"]
    for name in names:
        newsroom.release(name, RELEASE_YAML.replace("2026-11-24", "2026-12-05"))
    result = newsroom.run("build", "--now", "2026-12-06T00:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    for slug in ("2026-12-05-synergasia-me-thessaloniki", "2026-12-05-lodz", "2026-12-05-moskva"):
        soup = page(newsroom.site, slug)
        assert soup.find("p", class_="translations") is None   # three stories, not translations of each other
        assert soup.find("link", rel="canonical")["href"] == f"https://pers.example.org/{slug}/"


def test_folders_that_still_collide_get_a_stable_suffix_never_an_overwrite(newsroom):
    newsroom.release("2026-12-05-lodz", RELEASE_YAML)
    newsroom.release("2026-12-05-łódź", RELEASE_YAML.replace("opent een winkel", "opent in Łódź"))
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    moved = f"2026-12-05-lodz-{suffix('2026-12-05-łódź')}"
    assert f"this release is at /{moved}/ instead" in result.output
    assert "opent een winkel" in page(newsroom.site, "2026-12-05-lodz").h1.text
    assert "opent in Łódź" in page(newsroom.site, moved).h1.text


CONTACTS = """\
contacts:
  - name: Łukasz Wiśniewski
    role: rzecznik
  - name: 张伟
    role: 发言人
  - name: 李娜
  - name: Ольга Петрова
  - name: Anna Nowak
    email: anna@example.org
  - name: Anna Nowak
    email: a.nowak@example.org
"""


def test_every_contact_has_a_vcard_of_their_own(newsroom):
    newsroom.release("x", RELEASE_YAML + CONTACTS)
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    links = [a["href"] for a in page(newsroom.site, "x").select("a.vcard-file")]
    assert links[:4] == ["lukasz-wisniewski.vcf", "zhang-wei.vcf", "li-na.vcf", "olga-petrova.vcf"]
    assert links[4] == "anna-nowak.vcf" and links[5].startswith("anna-nowak-") and len(set(links)) == 6
    names = ["Łukasz Wiśniewski", "张伟", "李娜", "Ольга Петрова", "Anna Nowak", "Anna Nowak"]
    emails = [None, None, None, None, "anna@example.org", "a.nowak@example.org"]
    for link, name, email in zip(links, names, emails):
        card = vobject.readOne((newsroom.site / "x" / unquote(link)).read_text("utf-8"))
        assert card.fn.value == name
        if email:
            assert card.email.value == email


def test_tags_in_any_script_get_a_feed_each(newsroom):
    newsroom.release("a", RELEASE_YAML + "tags: [日本, Москва, ΣΊΣΥΦΟΣ, Lodz]\n")
    newsroom.release("b", RELEASE_YAML.replace("2026-11-24", "2026-11-25") + "tags: [Łódź, Social media]\n")
    newsroom.release("c", RELEASE_YAML.replace("2026-11-24", "2026-11-26") + "tags: [social-media]\n")
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    feeds = {p.parent.name: feedparser.parse(p.read_bytes()) for p in (newsroom.site / "tags").glob("*/feed.xml")}
    lodz = f"lodz-{suffix('łodz')}"
    assert sorted(feeds) == sorted(["ri-ben", "moskva", "sisyfos", "lodz", lodz, "social-media"])
    for key, tag in [("ri-ben", "日本"), ("moskva", "Москва"), ("sisyfos", "ΣΊΣΥΦΟΣ"), ("lodz", "Lodz"), (lodz, "Łódź")]:
        [entry] = feeds[key].entries
        assert [t.term for t in entry.tags] == [tag]
        assert entry.tags[0].scheme == f"https://pers.example.org/tags/{key}/"
    assert sorted(e.link for e in feeds["social-media"].entries) == ["https://pers.example.org/b/",
                                                                   "https://pers.example.org/c/"]
    discovered = [link["href"] for link in page(newsroom.site, "b").find_all("link", rel="alternate")]
    assert any(href.endswith(f"/tags/{lodz}/feed.xml") for href in discovered), discovered


def test_documents_of_one_name_are_two_files_and_every_link_resolves(newsroom):
    names = {"docs/a/f.pdf": "A", "docs/b/f.pdf": "B", "docs/plan #2?.pdf": "C", "docs/jaar%20verslag.pdf": "D",
             "docs/Łódź plan.pdf": "E"}
    text = RELEASE_YAML + "documents:\n" + "".join(f"  - file: \"{name}\"\n    title: Doc {mark}\n"
                                                   for name, mark in names.items())
    newsroom.release("x", text)
    for name, mark in names.items():
        newsroom.write(f"releases/x/{name}", pdf(mark))
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    url = "https://pers.example.org/x/"
    links = {a.text: a["href"] for a in page(newsroom.site, "x").select("section a[download]") if a.text.startswith("Doc ")}
    assert len(links) == 5
    for name, mark in names.items():
        target = urljoin(url, links[f"Doc {mark}"])
        assert target.startswith(url + "docs/") and "#" not in target and "?" not in target
        published = newsroom.site / "x" / unquote(target[len(url):])
        assert published.read_bytes() == pdf(mark), name
