"""Issue 24, "The page and the pitch": what a PR team would not sign off on the page."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import NEWSROOM_YAML, RELEASE_YAML


def page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / slug / "index.html").read_text("utf-8"), "html.parser")


def test_the_photo_embed_code_separates_caption_credit_and_licence(newsroom):
    """It read "…raadzaal Foto: Jan de Fotograaf" with no separator."""
    newsroom.release("x", RELEASE_YAML + "images:\n  - file: images/photo.jpg\n    alt: De raadzaal\n"
                     "    caption: De nieuwe raadzaal\n    credit: 'Foto: Jan de Fotograaf'\n    license: CC BY 4.0\n")
    newsroom.photo("x")
    assert newsroom.run("build").exit_code == 0
    code = BeautifulSoup(page(newsroom.site, "x").select_one("textarea.embed-code").get_text(), "html.parser")
    assert code.figcaption.get_text() == "De nieuwe raadzaal · Foto: Jan de Fotograaf (CC BY 4.0) · Testbedrijf"


def test_a_contacts_name_has_no_stray_comma_and_the_box_follows_the_body(newsroom):
    newsroom.release("x", RELEASE_YAML + "facts:\n  - Een feit\nbody: Het hele verhaal.\n")
    assert newsroom.run("build").exit_code == 0
    soup = page(newsroom.site, "x")
    contact = soup.select_one(".contacts .contact")
    assert contact.select_one(".name").get_text() == "Sanne Jansen"
    assert contact.select_one(".role").get_text() == "woordvoerder"
    order = [s.get("class")[0] for s in soup.select("article > section")]
    assert order.index("contacts") > order.index("body") > order.index("facts")


def test_hashtag_links_go_to_the_organisations_own_mastodon_instance(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML.replace(
        "      url: https://x.com/testbedrijf\n",
        "      url: https://x.com/testbedrijf\n    - network: mastodon\n      url: https://mastodon.nl/@testbedrijf\n"))
    newsroom.release("x", RELEASE_YAML + "hashtags: [Zeewolde]\n")
    newsroom.release("y", RELEASE_YAML + "hashtags: [Zeewolde]\n")
    assert newsroom.run("build").exit_code == 0
    links = [a["href"] for a in page(newsroom.site, "x").select(".hashtags a")]
    assert "https://mastodon.nl/tags/Zeewolde" in links
    assert not any("mastodon.social" in href for href in links)


def test_without_a_mastodon_profile_hashtags_go_to_mastodon_social(newsroom):
    newsroom.release("x", RELEASE_YAML + "hashtags: [Zeewolde]\n")
    assert newsroom.run("build").exit_code == 0
    assert "https://mastodon.social/tags/Zeewolde" in [a["href"] for a in page(newsroom.site, "x").select(".hashtags a")]


def test_a_body_table_is_a_table_and_an_amount_does_not_wrap_after_its_currency(newsroom):
    newsroom.release("x", RELEASE_YAML + "body: |\n  | Post | Bedrag |\n  |---|---:|\n  | Subsidie | € 25.000 |\n")
    assert newsroom.run("build").exit_code == 0
    table = page(newsroom.site, "x").select_one(".body table")
    assert [td.get_text() for td in table.select("td")] == ["Subsidie", "€\u00a025.000"]
    css = (newsroom.site / "assets" / "style.css").read_text("utf-8")
    assert ".body table" in css and ".body th, .body td" in css
