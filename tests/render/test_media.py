"""The media library (lxml): every public photo with its caption, credit, licence, sizes, hi-res
download and release; none of an embargoed or draft release; a filter by tag without script;
the brand assets of newsroom.yaml."""

from __future__ import annotations

import lxml.html
import pytest

from generator.clock import now as clock_now
from generator.output.pipeline import build
from tests.conftest import NEWSROOM_YAML

NOW = clock_now("2026-11-25T10:00+01:00")
BRAND = """\
brand:
  notes: Gebruik het logo **zoals het is**.
  files:
    - file: brand/logo.png
      title: Logo (PNG)
      notes: Voor schermen.
    - file: brand/logo.svg
      title: Logo (SVG)
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><script>alert(1)</script>'
       '<rect width="120" height="40" fill="#c00" onclick="alert(2)"/></svg>')


def photo_release(title: str, alt: str, tags: str, extra: str = "") -> str:
    return (f"title: {title}\ndate: 2026-11-2{len(title) % 5}T09:00:00+01:00\nsummary: Over {title}.\n"
            f"tags: [{tags}]\n{extra}images:\n  - file: images/photo.jpg\n    alt: {alt}\n"
            f"    caption: Bijschrift {alt}\n    credit: \"Foto: Piet Bakker\"\n    license: CC BY 4.0\n"
            f"    license_url: https://creativecommons.org/licenses/by/4.0/\n")


def cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@pytest.fixture
def library(newsroom):
    from tests.conftest import make_photo

    newsroom.write("newsroom.yaml", NEWSROOM_YAML + BRAND)
    make_photo(newsroom.root / "brand" / "logo.png", size=(300, 100), fmt="PNG")
    newsroom.write("brand/logo.svg", SVG)
    newsroom.release("winkel", photo_release("Winkel", "De winkel", "winkels"))
    newsroom.photo("winkel", size=(1200, 800))
    newsroom.release("bakker", photo_release("Bakkerij", "De bakker", "bakken, winkels"))
    newsroom.photo("bakker", size=(900, 600), color=(20, 80, 160))
    newsroom.release("geheim", photo_release("Geheim", "Geheime fabriek", "fabrieken",
                                             "embargo: 2026-12-01T09:00:00+01:00\n"))
    newsroom.photo("geheim")
    newsroom.release("concept", photo_release("Concept", "Conceptfoto", "concepten", "draft: true\n"))
    newsroom.photo("concept")
    return newsroom


def page(site, path="media/index.html"):
    return lxml.html.fromstring((site / path).read_bytes())


@pytest.mark.parametrize("preview", [False, True])
def test_every_public_photo_and_none_held_back(library, preview):
    build(library.root, now=NOW, preview=preview)
    doc = page(library.site)
    photos = doc.xpath(f"//li[{cls('media-photo')}]")
    assert sorted(p.xpath(".//img/@alt")[0] for p in photos) == ["De bakker", "De winkel"]
    text = (library.site / "media" / "index.html").read_text("utf-8")
    assert "Geheim" not in text and "Concept" not in text and "geheim/" not in text and "concept/" not in text
    assert "fabrieken" not in text and "concepten" not in text


def test_each_photo_has_its_rights_sizes_download_and_release(library):
    build(library.root, now=NOW)
    site = library.site
    doc = page(site)
    shop = doc.xpath(f"//li[{cls('media-photo')}][.//img[@alt='De winkel']]")[0]
    text = shop.text_content()
    assert "Bijschrift De winkel" in text and "Foto: Piet Bakker" in text and "CC BY 4.0" in text
    assert "1200 × 800 px" in text
    assert shop.xpath(".//a[@rel='license noopener']/@href") == ["https://creativecommons.org/licenses/by/4.0/"]
    download = shop.xpath(f".//p[{cls('download')}]/a/@href")[0]
    original = (site / "media" / download).resolve()
    assert original.is_file() and original.stat().st_size > 0
    size = shop.xpath(f".//p[{cls('size')}]")[0].text_content()
    assert size.split("·")[1].strip()[0].isdigit()   # the file size, in the page's language
    assert shop.xpath(f".//p[{cls('from')}]/a/@href") == ["../winkel/"]
    for src in shop.xpath(".//img/@src") + [u.split()[0] for s in shop.xpath(".//img/@srcset") for u in s.split(",")]:
        assert (site / "media" / src.strip()).resolve().is_file(), src


def test_photos_filter_by_tag_without_script(library):
    build(library.root, now=NOW)
    doc = page(library.site)
    radios = doc.xpath(f"//div[{cls('media-library')}]/input[@type='radio']/@id")   # the grid's siblings
    assert radios == ["mt-all", "mt-bakken", "mt-winkels"]
    assert doc.xpath(f"//div[{cls('media-library')}]/input[@type='radio']/following-sibling::ul[{cls('media-grid')}]")
    style = "".join(doc.xpath("//head/style/text()"))
    assert "#mt-bakken:checked ~ .media-grid > li:not(.mt-bakken) { display: none; }" in style
    bakker = doc.xpath(f"//li[{cls('media-photo')}][.//img[@alt='De bakker']]")[0]
    assert {"mt-bakken", "mt-winkels"} <= set(bakker.get("class").split())
    assert not doc.xpath("//script[not(@src)][not(@type='application/ld+json')]")


def test_brand_assets_are_published_with_their_notes(library):
    build(library.root, now=NOW)
    site = library.site
    doc = page(site)
    brand = doc.xpath(f"//section[{cls('brand-assets')}]")[0]
    assert "zoals het is" in brand.xpath(".//strong/text()")
    titles = brand.xpath(".//a[@download]/text()")
    assert titles == ["Logo (PNG)", "Logo (SVG)"]
    assert "300 × 100 px" in brand.text_content() and "Voor schermen." in brand.text_content()
    svg = (site / "media" / "brand" / "logo.svg").read_text("utf-8")
    assert "<script" not in svg and "onclick" not in svg and "rect" in svg
    assert (site / "media" / "brand" / "logo.png").read_bytes() == (library.root / "brand" / "logo.png").read_bytes()


def test_every_index_links_its_media_library(library):
    library.release("english", photo_release("Shop", "The shop", "winkels", "language: en\n"))
    library.photo("english")
    build(library.root, now=NOW)
    assert page(library.site, "index.html").xpath(f"//p[{cls('media-link')}]/a/@href") == ["media/index.html"]
    assert page(library.site, "en/index.html").xpath(f"//p[{cls('media-link')}]/a/@href") == ["../en/media/index.html"]
    english = page(library.site, "en/media/index.html")
    assert english.get("lang") == "en" and english.xpath("//h1/text()") == ["Media library"]
    assert page(library.site).xpath("//h1/text()") == ["Beeldbank"]


def test_a_brand_file_must_be_a_logo_file(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "brand:\n  files:\n    - file: brand/guide.docx\n      title: Gids\n")
    newsroom.write("brand/guide.docx", b"PK\x03\x04")
    newsroom.release("r", "title: R\ndate: 2026-11-24\nsummary: S.\n")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "newsroom.yaml:" in result.output and "brand.files[0].file" in result.output
    assert "must be a logo file" in result.output


def test_the_library_is_rendered_again_only_when_a_photo_it_shows_changes(library, tmp_path):
    from tests.output.test_incremental import snapshot, touch_later

    build(library.root, now=NOW)
    before = (library.site / "media" / "index.html").stat().st_ino
    text = photo_release("Winkel", "De winkel", "winkels")
    touch_later(library.root / "releases/winkel/release.yaml", text + "body: Een nieuwe tekst.\n")
    build(library.root, now=NOW)
    assert (library.site / "media" / "index.html").stat().st_ino == before   # the same photos: kept
    touch_later(library.root / "releases/winkel/release.yaml", text.replace("Bijschrift De winkel", "Nieuw bijschrift"))
    build(library.root, now=NOW)
    assert "Nieuw bijschrift" in (library.site / "media" / "index.html").read_text("utf-8")
    kept = snapshot(library.site)
    import shutil

    shutil.rmtree(library.root / ".smr-cache")
    build(library.root, tmp_path / "cold", now=NOW)
    assert snapshot(tmp_path / "cold") == kept
