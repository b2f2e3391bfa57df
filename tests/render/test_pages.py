"""The rendered pages, parsed: every section in its place with the right content."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO

NOW = "2026-11-25T10:00+01:00"
SLUG = "2026-11-24-webcare-team"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    result = CliRunner().invoke(main, ["build", "--root", str(REPO), "-o", str(out), "--now", NOW])
    assert result.exit_code == 0, result.output
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_release_sections_in_order(example_site):
    page = soup(example_site / SLUG / "index.html")
    article = page.select_one("article.release")
    order = [el.get("class")[0] for el in article.find_all(["header", "p", "section"], recursive=False)]
    assert order == ["release-header", "lede", "facts", "body", "contacts", "quotes", "photos", "videos",
                     "documents", "links", "hashtags", "share", "coverage", "social", "about", "subscribe"]
    # issue 24: the lead photo right after the header, above the fold; the others in the gallery
    assert article.find(recursive=False, class_="lead-photo") is article.select_one("header ~ figure")
    assert len(article.select(".photos .gallery figure.photo")) == 1


def test_release_header_dateline_and_lede(example_site):
    page = soup(example_site / SLUG / "index.html")
    assert page.html["lang"] == "nl"
    assert page.h1.get_text() == "Brood & Co start een webcareteam"
    assert page.select_one(".subtitle").get_text() == "Klanten krijgen binnen een uur antwoord"
    dateline = page.select_one(".dateline")
    assert dateline.select_one(".city").get_text() == "Rotterdam"
    assert dateline.time.get_text() == "24 november 2026"  # Babel, Dutch
    assert dateline.time["datetime"] == "2026-11-24T09:00:00+01:00"
    assert page.select_one(".lede").get_text().startswith("Vanaf vandaag beantwoordt een team")
    assert len(page.find_all("h1")) == 1


def test_facts_body_and_quotes(example_site):
    page = soup(example_site / SLUG / "index.html")
    facts = page.select(".facts li")
    assert len(facts) == 3
    assert facts[0].strong.get_text() == "zeven dagen per week"  # inline Markdown
    assert [h.get_text() for h in page.select(".body h3")] == ["Waarom webcare", "Hoe het werkt"]
    quotes = page.select(".quotes figure.quote")
    assert len(quotes) == 2
    assert quotes[0].blockquote.get_text(strip=True) == "Klanten praten toch wel over ons. Wij praten nu mee."
    assert "Anna de Vries" in quotes[0].figcaption.get_text()
    share = urlsplit(quotes[0].find_next_sibling("p", class_="actions").select_one("a.share-quote")["href"])
    params = parse_qs(share.query)
    assert share.netloc == "x.com"
    assert params["url"] == [f"https://pers.broodenco.nl/{SLUG}/"]
    assert "Wij praten nu mee" in params["text"][0] and "Anna de Vries" in params["text"][0]


def test_photos_with_download_of_original(example_site):
    page = soup(example_site / SLUG / "index.html")
    photos = page.select("figure.photo")   # the lead above the fold, the other in the gallery (issue 24)
    assert len(photos) == 2
    img = photos[0].img
    assert img["alt"] == "Vijf medewerkers achter laptops in de bakkerij"
    assert (example_site / SLUG / img["src"]).is_file()
    assert int(img["width"]) <= 1600 and int(img["height"]) > 0
    assert "loading" not in img.attrs  # the lead image loads at once
    assert photos[1].img["loading"] == "lazy"
    assert photos[0].select_one(".caption").get_text() == "Het webcareteam van Brood & Co"
    assert photos[0].select_one(".credit").get_text() == "Foto: Piet Bakker"
    assert photos[0].select_one(".license").get_text() == "Licentie: CC BY 4.0"
    download = photos[0].select_one("a.download")
    original = REPO / "releases" / SLUG / "images" / "team.jpg"
    assert (example_site / SLUG / download["href"]).read_bytes() == original.read_bytes()
    assert download["download"] == "team.jpg"
    size_kb = original.stat().st_size / 1000
    assert f"(1800 × 1200 px, {size_kb:.1f} KB)".replace(".", ",") in download.get_text()


def test_video_is_a_plain_link_until_clicked(example_site):
    page = soup(example_site / SLUG / "index.html")
    video = page.select_one(".videos figure.video")
    assert video.select_one("a.video-link")["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video["data-embed"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert page.find("iframe") is None
    for tag in page.find_all(["script", "link", "img"]):
        src = tag.get("src") or tag.get("href") or ""
        if tag.name == "link" and tag.get("rel") in (["canonical"], ["alternate"]):
            continue
        assert not src.startswith(("http:", "https:", "//")), f"third-party resource {src}"


def test_documents_links_and_hashtags(example_site):
    page = soup(example_site / SLUG / "index.html")
    doc = page.select_one(".documents a")
    assert doc.get_text() == "Factsheet webcare"
    assert (example_site / SLUG / doc["href"]).is_file()
    link = page.select_one(".links a")
    assert link["href"] == "https://nl.wikipedia.org/wiki/Webcare"
    assert "noopener" in link["rel"]
    tags = page.select(".hashtags li")
    assert [t.select_one(".tag").get_text() for t in tags] == ["#webcare", "#BroodEnCo"]
    hrefs = [a["href"] for a in tags[0].find_all("a")]
    assert hrefs == ["https://x.com/hashtag/webcare", "https://mastodon.social/tags/webcare",
                     "https://bsky.app/hashtag/webcare"]


def test_share_links_prefilled(example_site):
    page = soup(example_site / SLUG / "index.html")
    links = {a["class"][0]: a["href"] for a in page.select(".share-links a")}
    assert set(links) == {"share-x", "share-linkedin", "share-facebook", "share-mastodon", "share-bluesky", "share-email"}
    url = f"https://pers.broodenco.nl/{SLUG}/"
    x = parse_qs(urlsplit(links["share-x"]).query)
    assert x["text"] == ["Brood & Co beantwoordt vragen op sociale media binnen een uur #webcare #BroodEnCo"]
    assert x["url"] == [url]
    assert parse_qs(urlsplit(links["share-linkedin"]).query)["url"] == [url]
    assert parse_qs(urlsplit(links["share-facebook"]).query)["u"] == [url]
    assert parse_qs(urlsplit(links["share-bluesky"]).query)["text"][0].endswith(url)
    mail = urlsplit(links["share-email"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query)["subject"] == ["Brood & Co start een webcareteam"]


def test_coverage_social_about_contacts_rss(example_site):
    page = soup(example_site / SLUG / "index.html")
    cov = page.select_one(".coverage li")
    assert cov.a["href"] == "https://example-blog.nl/2026/11/brood-en-co-webcare"
    assert "Voorbeeldblog" in cov.get_text()
    assert [a["href"] for a in page.select(".social a")][0] == "https://x.com/broodenco"
    assert page.select_one(".about h2").get_text() == "Over Brood & Co"
    contact = page.select_one(".contacts .contact")
    assert contact.select_one(".name").get_text().startswith("Sanne Jansen")
    assert contact.select_one('a[href^="mailto:"]')["href"] == "mailto:pers@broodenco.nl"
    vcard = example_site / SLUG / contact.select_one("a.vcard-file")["href"]
    text = vcard.read_bytes().decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert "FN:Sanne Jansen\r\n" in text and "EMAIL;TYPE=INTERNET,WORK:pers@broodenco.nl\r\n" in text
    assert page.select_one(".subscribe a.rss")["href"] == "../feed.xml"


def test_english_translation_uses_english_labels(example_site):
    en = soup(example_site / f"{SLUG}-en" / "index.html")
    nl = soup(example_site / SLUG / "index.html")
    assert en.html["lang"] == "en"
    assert en.select_one("#facts-h").get_text() == "Key facts"
    assert nl.select_one("#facts-h").get_text() == "Kernfeiten"
    assert en.select_one(".dateline time").get_text() == "November 24, 2026"
    assert en.select_one(".translations a")["href"] == f"../{SLUG}/"
    assert en.select_one(".contacts .role").get_text() == "spokesperson"
    hreflang = {l["hreflang"]: l["href"] for l in nl.select('link[rel="alternate"][hreflang]')}
    assert hreflang == {"en": f"https://pers.broodenco.nl/{SLUG}-en/", "nl": f"https://pers.broodenco.nl/{SLUG}/",
                        "x-default": f"https://pers.broodenco.nl/{SLUG}/"}


def test_index_lists_releases_newest_first(newsroom):
    for slug, date in [("old", "2026-01-10"), ("new", "2026-11-20"), ("mid", "2026-06-01")]:
        newsroom.release(slug, f"title: Bericht {slug}\ndate: {date}\nsummary: Samenvatting {slug}.\n"
                               "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
        newsroom.photo(slug)
    assert newsroom.run("build").exit_code == 0
    page = soup(newsroom.site / "index.html")
    cards = page.select(".release-card")
    assert [c.h2.get_text() for c in cards] == ["Bericht new", "Bericht mid", "Bericht old"]
    assert cards[0].select_one(".summary").get_text() == "Samenvatting new."
    assert cards[0].time["datetime"].startswith("2026-11-20")
    assert (newsroom.site / cards[0].img["src"]).is_file()


def test_embargo_hides_release_until_time(newsroom):
    newsroom.release("public")
    newsroom.release("secret", "title: Geheim nieuws\ndate: 2026-12-01T09:00:00+01:00\n"
                               "embargo: 2026-12-01T09:00:00+01:00\nsummary: Nog niet.\n")
    result = newsroom.run("build", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0
    assert "1 under embargo" in result.output
    assert not (newsroom.site / "secret").exists()
    for name in ["index.html", "feed.xml", "atom.xml", "sitemap.xml"]:
        assert "secret" not in (newsroom.site / name).read_text() and "Geheim" not in (newsroom.site / name).read_text()

    assert newsroom.run("build", "--now", "2026-12-01T09:00+01:00").exit_code == 0
    assert (newsroom.site / "secret" / "index.html").is_file()
    assert "Geheim nieuws" in (newsroom.site / "index.html").read_text()


def test_preview_writes_embargoed_page_with_banner_and_noindex(newsroom):
    newsroom.release("secret", "title: Geheim nieuws\ndate: 2026-12-01T09:00:00+01:00\n"
                               "embargo: 2026-12-01T09:00:00+01:00\nsummary: Nog niet.\n")
    assert newsroom.run("build", "--preview", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    page = soup(newsroom.site / "secret" / "index.html")
    banner = page.select_one(".embargo")
    assert "EMBARGO tot 1 december 2026, 09:00 (UTC+01:00)" in banner.get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert "secret" not in (newsroom.site / "index.html").read_text()
    assert "secret" not in (newsroom.site / "sitemap.xml").read_text()


def test_builds_are_byte_identical(newsroom, tmp_path):
    newsroom.release("a", "title: A\ndate: 2026-11-20\nsummary: S.\nimages:\n  - file: images/photo.jpg\n    alt: Foto\n")
    newsroom.photo("a")

    def digest(folder: Path) -> dict:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert newsroom.run("build", "-o", str(tmp_path / "one")).exit_code == 0
    assert newsroom.run("build", "-o", str(tmp_path / "two")).exit_code == 0
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_exif_orientation_applied_to_web_rendition(newsroom):
    from PIL import Image

    newsroom.release("a", "title: A\ndate: 2026-11-20\nsummary: S.\nimages:\n  - file: images/photo.jpg\n    alt: Foto\n")
    path = newsroom.photo("a", size=(1200, 800))
    img = Image.open(path)
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    img.save(path, exif=exif)
    assert newsroom.run("build").exit_code == 0
    page = soup(newsroom.site / "a" / "index.html")
    rendition = Image.open(newsroom.site / "a" / page.select_one(".photo img")["src"])
    assert rendition.width < rendition.height  # shown upright: portrait


def test_public_page_never_links_to_an_embargoed_translation(newsroom):
    newsroom.release("nieuws", "title: Nieuws\ndate: 2026-11-20\nsummary: S.\ntranslations: [../news]\n")
    newsroom.release("news", "title: News\nlanguage: en\ndate: 2026-12-01\nembargo: 2026-12-01T09:00+01:00\n"
                           "summary: S.\ntranslations: [../nieuws]\n")
    assert newsroom.run("build", "--preview", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    nl = soup(newsroom.site / "nieuws" / "index.html")
    en = soup(newsroom.site / "news" / "index.html")
    assert nl.select_one(".translations") is None and not nl.select('link[hreflang]')
    assert en.select_one(".translations a")["href"] == "../nieuws/"


def test_svg_logo_gets_its_size(newsroom):
    newsroom.write("brand/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>')
    text = (newsroom.root / "newsroom.yaml").read_text().replace(
        "  url: https://www.example.org\n", "  url: https://www.example.org\n  logo: brand/logo.svg\n")
    newsroom.write("newsroom.yaml", text)
    newsroom.release("a")
    assert newsroom.run("build").exit_code == 0
    logo = soup(newsroom.site / "a" / "index.html").select_one(".brand img")
    assert logo["src"] == "../assets/logo.svg"
    assert (logo["width"], logo["height"]) == ("120", "40") or int(logo["width"]) * 40 == int(logo["height"]) * 120
