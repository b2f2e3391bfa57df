"""Page metadata read back the way social networks, search engines and IndieWeb tools read it:
extruct (Open Graph, JSON-LD), mf2py (h-entry), lxml (canonical, hreflang, Twitter card)."""

from __future__ import annotations

import json

import extruct
import mf2py
import pytest
from lxml import html as lxml_html
from PIL import Image

from generator.photos.pipeline import WebImage
from generator.render.metadata import json_ld, og_locale, share_image
from tests.render.test_feeds import BASE, NOW, MERGER, SHOP, SHOP_EN, build

SHOP_URL = f"{BASE}2026-11-24-winkel/"
EN_URL = f"{BASE}2026-11-22-shop-en/"
TITLE = "Testbedrijf opent een winkel </script> & meer"


@pytest.fixture
def site(newsroom):
    newsroom.release("2026-11-24-winkel", SHOP)
    newsroom.photo("2026-11-24-winkel", size=(2000, 1200))
    newsroom.release("2026-11-22-shop-en", SHOP_EN)
    newsroom.release("2026-11-26-fusie", MERGER.replace("tags: [geheime fusie]\n",
                                                        "translations: [../2026-11-24-winkel]\nlanguage: de\n"))
    return build(newsroom)


def page(site, slug):
    return (site / slug / "index.html").read_text("utf-8")


def test_one_h_entry_per_release_page_with_its_properties(site):
    for slug, url in (("2026-11-24-winkel", SHOP_URL), ("2026-11-22-shop-en", EN_URL)):
        parsed = mf2py.parse(doc=page(site, slug), url=url)
        entries = [i for i in parsed["items"] if "h-entry" in i["type"]]
        assert len(entries) == 1, slug
    props = mf2py.parse(doc=page(site, "2026-11-24-winkel"), url=SHOP_URL)["items"][0]["properties"]
    assert props["name"] == [TITLE]
    assert props["summary"] == ["Vandaag opent Testbedrijf een winkel."]
    assert "factsheet" in props["content"][0]["html"]
    assert props["published"][0].startswith("2026-11-24T09:00:00+01")
    assert props["url"] == [SHOP_URL]
    assert props["photo"][0].startswith(SHOP_URL + "img/")
    assert props["category"] == ["Sociale Media", "klantenservice", "#Winkel"]
    author, = props["author"]
    assert author["type"] == ["h-card"]
    assert author["properties"]["name"] == ["Testbedrijf"]
    assert author["properties"]["url"] == ["https://www.example.org"]


def test_open_graph_set_and_twitter_card(site):
    data = extruct.extract(page(site, "2026-11-24-winkel"), base_url=SHOP_URL, syntaxes=["opengraph"])
    og = {}
    for key, value in data["opengraph"][0]["properties"]:
        og.setdefault(key, []).append(value)
    assert og["og:type"] == ["article"]
    assert og["og:title"] == [TITLE]
    assert og["og:description"] == ["Vandaag opent Testbedrijf een winkel."]
    assert og["og:url"] == [SHOP_URL]
    assert og["og:site_name"] == ["Persberichten Testbedrijf"]
    assert og["og:locale"] == ["nl_NL"]
    assert og["og:locale:alternate"] == ["en_US"]
    assert og["og:image:alt"] == ["De nieuwe winkel"]
    assert og["article:published_time"] == ["2026-11-24T09:00:00+01:00"]
    assert og["article:tag"] == ["Sociale Media", "klantenservice", "#Winkel"]
    doc = lxml_html.fromstring(page(site, "2026-11-24-winkel"))
    twitter = {m.get("name"): m.get("content") for m in doc.xpath("//head/meta[starts-with(@name, 'twitter:')]")}
    assert twitter["twitter:card"] == "summary_large_image"
    assert twitter["twitter:image"] == og["og:image"][0]
    assert twitter["twitter:site"] == "@testbedrijf"


def test_og_image_file_exists_with_the_declared_size(site):
    data = extruct.extract(page(site, "2026-11-24-winkel"), base_url=SHOP_URL, syntaxes=["opengraph"])
    og = dict(data["opengraph"][0]["properties"])
    assert og["og:image"].startswith(BASE)
    file = site / og["og:image"][len(BASE):]
    assert file.is_file()
    with Image.open(file) as img:
        assert img.size == (int(og["og:image:width"]), int(og["og:image:height"]))
        assert img.format == {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[og["og:image:type"]]


def test_json_ld_news_article_has_its_required_properties(site):
    data = extruct.extract(page(site, "2026-11-24-winkel"), base_url=SHOP_URL, syntaxes=["json-ld"])
    article, = data["json-ld"]
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == TITLE
    assert article["description"] == "Vandaag opent Testbedrijf een winkel."
    assert article["datePublished"] == article["dateModified"] == "2026-11-24T09:00:00+01:00"
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": SHOP_URL}
    assert article["inLanguage"] == "nl"
    assert article["keywords"] == ["Sociale Media", "klantenservice", "#Winkel"]
    image, photo = article["image"]   # the social card, then each photo as the page shows it
    assert image["url"].startswith(SHOP_URL + "img/")
    assert photo["@type"] == "ImageObject" and (site / photo["contentUrl"][len(BASE):]).is_file()
    with Image.open(site / image["url"][len(BASE):]) as img:
        assert img.size == (image["width"], image["height"])
    assert article["author"][0] == {"@type": "Organization", "name": "Testbedrijf",
                                    "url": "https://www.example.org", "sameAs": ["https://x.com/testbedrijf"]}
    assert article["publisher"]["@type"] == "Organization"


def test_publisher_logo_is_an_absolute_url_that_exists(newsroom):
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text("utf-8")
                   .replace("  name: Testbedrijf\n", "  name: Testbedrijf\n  logo: brand/logo.png\n"))
    from tests.conftest import make_photo
    make_photo(newsroom.root / "brand" / "logo.png", size=(200, 60), fmt="PNG")
    newsroom.release("2026-11-24-winkel", SHOP.replace("translations: [../2026-11-22-shop-en]\n", ""))
    newsroom.photo("2026-11-24-winkel")
    site = build(newsroom)
    article, = extruct.extract(page(site, "2026-11-24-winkel"), base_url=SHOP_URL, syntaxes=["json-ld"])["json-ld"]
    logo = article["publisher"]["logo"]
    assert logo["@type"] == "ImageObject"
    assert logo["url"] == f"{BASE}assets/logo.png"
    assert (site / "assets" / "logo.png").is_file()


def test_a_title_cannot_break_out_of_the_json_ld_script(site):
    text = page(site, "2026-11-24-winkel")
    doc = lxml_html.fromstring(text)
    scripts = doc.xpath("//script")
    assert [s.get("type") or s.get("src") for s in scripts] == ["application/ld+json", "../assets/smr.js"]
    assert json.loads(scripts[0].text)["headline"] == TITLE
    assert "</script> &" not in text.split('<script type="application/ld+json">')[1].split("</script>")[0]


def test_json_ld_escapes_everything_html_could_act_on():
    value = {"headline": "a</script><!-- & \u2028"}
    text = str(json_ld(value))
    assert not any(c in text for c in "<>&\u2028")
    assert json.loads(text) == value


def test_canonical_and_hreflang_between_public_translations(site):
    nl = lxml_html.fromstring(page(site, "2026-11-24-winkel"))
    en = lxml_html.fromstring(page(site, "2026-11-22-shop-en"))
    assert nl.xpath("//head/link[@rel='canonical']/@href") == [SHOP_URL]
    assert en.xpath("//head/link[@rel='canonical']/@href") == [EN_URL]
    expected = {("en", EN_URL), ("nl", SHOP_URL), ("x-default", SHOP_URL)}
    for doc in (nl, en):
        assert {(a.get("hreflang"), a.get("href")) for a in doc.xpath("//head/link[@hreflang]")} == expected
    assert not (site / "2026-11-26-fusie").exists()  # embargoed translation: not written, not linked
    assert "fusie" not in page(site, "2026-11-24-winkel")


def test_release_without_photo_gets_a_summary_card_and_no_image(site):
    doc = lxml_html.fromstring(page(site, "2026-11-22-shop-en"))
    assert doc.xpath("//meta[@name='twitter:card']/@content") == ["summary"]
    assert doc.xpath("//meta[@property='og:image']") == []
    article, = extruct.extract(page(site, "2026-11-22-shop-en"), base_url=EN_URL, syntaxes=["json-ld"])["json-ld"]
    assert "image" not in article and article["inLanguage"] == "en"
    assert doc.xpath("//meta[@property='og:locale']/@content") == ["en_US"]


def test_index_page_has_website_card_and_organization(site):
    text = (site / "index.html").read_text("utf-8")
    data = extruct.extract(text, base_url=BASE, syntaxes=["opengraph", "json-ld"])
    og = dict(data["opengraph"][0]["properties"])
    assert og["og:type"] == "website" and og["og:url"] == BASE
    org, = data["json-ld"]
    assert org["@type"] == "Organization" and org["name"] == "Testbedrijf"
    assert lxml_html.fromstring(text).xpath("//head/link[@rel='canonical']/@href") == [BASE]


def test_share_image_prefers_the_social_card_and_falls_back_to_the_lead():
    lead = WebImage(src="img/a.1600.jpg", width=1600, height=1067, original="hires/a.jpg",
                    original_name="a.jpg", original_width=4000, original_height=2667,
                    original_bytes=1, alt="Alt", lead=True)
    other = WebImage(src="img/b.1600.png", width=800, height=800, original="hires/b.png",
                     original_name="b.png", original_width=800, original_height=800, original_bytes=1, alt="B")
    assert share_image([other, lead], SHOP_URL) == {
        "url": SHOP_URL + "img/a.1600.jpg", "src": "img/a.1600.jpg", "width": 1600, "height": 1067,
        "alt": "Alt", "type": "image/jpeg"}
    lead.og = {"src": "img/a.og.jpg", "width": 1200, "height": 630}
    image = share_image([other, lead], SHOP_URL)
    assert (image["url"], image["width"], image["height"]) == (SHOP_URL + "img/a.og.jpg", 1200, 630)
    assert share_image([other], SHOP_URL) is None


@pytest.mark.parametrize("tag, expected", [("nl", "nl_NL"), ("en", "en_US"), ("en-GB", "en_GB"),
                                           ("de", "de_DE"), ("fy", "fy_NL"), ("xx", "en_US")])
def test_og_locale(tag, expected):
    assert og_locale(tag) == expected


@pytest.mark.parametrize("line, message", [
    ("", "newsroom.yaml:1: base_url: field required: the newsroom's public address"),
    ("base_url: pers.example.org\n", "newsroom.yaml:2: base_url: must be an http:// or https:// URL (got 'pers.example.org'); give"),
    ("base_url: javascript:alert(1)\n", "newsroom.yaml:2: base_url: must be an http:// or https:// URL (got 'javascript:alert(1)')"),
    ("base_url:\n", "newsroom.yaml:2: base_url: is empty; give the newsroom's public address"),
    ("base_url: https://pers.example.org/?x=1\n", "newsroom.yaml:2: base_url: must not have a query or fragment"),
])
def test_missing_or_wrong_base_url_is_a_clear_error(newsroom, line, message):
    text = (newsroom.root / "newsroom.yaml").read_text("utf-8")
    newsroom.write("newsroom.yaml", text.replace("base_url: https://pers.example.org/\n", line))
    newsroom.release("2026-11-24-winkel", SHOP_EN)
    result = newsroom.run("build", "--now", NOW)
    assert result.exit_code == 1
    assert f"error: {message}" in result.output
    assert "Traceback" not in result.output
    assert not newsroom.site.exists()
