"""Active content: release documents are a known list of types, checked by name and content,
and refused with words when a browser would run them; an SVG logo is published sanitised.
Both `smr check` and `smr build` say the same."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from PIL import Image

from generator.publish.plan import ASSETS, headers_for
from tests.conftest import RELEASE_YAML

REL = "releases/x/release.yaml"
LOGO_LINE = "  url: https://www.example.org\n"


def with_document(newsroom, name: str, content: bytes):
    newsroom.write(f"releases/x/docs/{name}", content)
    newsroom.release("x", RELEASE_YAML + f"documents:\n  - file: docs/{name}\n    title: Brochure\n")


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PDF")
    return buffer.getvalue()


def picture(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, fmt)
    return buffer.getvalue()


GOOD = {
    "brochure.pdf": pdf(),
    "tekst.docx": zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "cijfers.xlsx": zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    "dia.pptx": zip_of({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
    "tekst.odt": zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
    "oud.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "brief.rtf": b"{\\rtf1\\ansi Hallo}",
    "boek.epub": zip_of({"mimetype": b"application/epub+zip", "content.opf": b"<package/>"}),
    "fotos.zip": zip_of({"a.jpg": picture("JPEG"), "index.html": b"<script>x</script>"}),
    "lees.txt": "Persbericht, één regel.\n".encode(),
    "lijst.csv": b"naam;plaats\nAnna;Rotterdam\n",
    "plaat.png": picture("PNG"), "plaat.jpg": picture("JPEG"), "plaat.webp": picture("WEBP"),
    "plaat.gif": picture("GIF"), "plaat.tif": picture("TIFF"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_known_document_types_are_published(newsroom, name):
    with_document(newsroom, name, GOOD[name])
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    assert (newsroom.site / "x" / "docs" / name).read_bytes() == GOOD[name]


PAGE = b"<!DOCTYPE html><html><body><script>document.title='pwned'</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
BAD = [
    ("brochure.html", PAGE, "documents[0].file: brochure.html is a web page, which would run in the newsroom's "
                            "site when opened; publish a PDF instead"),
    ("brochure.htm", PAGE, "brochure.htm is a web page"),
    ("page.xhtml", PAGE, "page.xhtml is a web page"),
    ("logo.svg", SVG, "logo.svg is an SVG drawing (it can hold scripts), which would run in the newsroom's site when "
                      "opened; publish it as PNG or PDF instead"),
    ("data.xml", b"<?xml version='1.0'?><x/>", "data.xml is an XML file (browsers can run it as a page)"),
    ("app.js", b"alert(1)", "app.js is a program"),
    ("setup.exe", b"MZ\x90\x00", "setup.exe is a .exe file, which smr does not publish as a document; documents may "
                                 "be PDF, Word, Excel"),
    ("brochure.pdf", PAGE, "brochure.pdf is not a PDF file: it is a web page or other markup inside, which would run "
                           "in the newsroom's site when opened; export it again as a real PDF file"),
    ("lees.txt", b"\n  <html><script>alert(1)</script>", "lees.txt is not a plain text file: it is a web page"),
    ("tekst.docx", zip_of({"word.html": PAGE}), "tekst.docx is not a Word file (its content does not match its name)"),
    ("foto.jpg", SVG, "foto.jpg is not a JPEG file: it is a web page or other markup inside"),
    ("leeg.pdf", b"", "leeg.pdf is empty (0 bytes): copy it again"),
]


@pytest.mark.parametrize("name,content,expected", BAD, ids=[b[0] for b in BAD])
def test_documents_a_browser_would_run_are_refused_by_check_and_build(newsroom, name, content, expected):
    with_document(newsroom, name, content)
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 1, result.output
        line = next(line for line in result.output.splitlines() if expected in line)
        assert line.startswith(f"error: {REL}:5: documents[0].file: "), line
        assert "Traceback" not in result.output
    assert not (newsroom.site / "x" / "docs").exists()


def test_documents_download_unless_a_browser_shows_them_harmlessly(tmp_path):
    def disposition(name: str):
        path = tmp_path / name
        path.write_bytes(b"x")
        return headers_for(f"2026-11-24-winkel/docs/{name}", path, ASSETS).get("ContentDisposition")

    assert disposition("factsheet.pdf") is None and disposition("plaat.png") is None
    for name in ("lijst.csv", "lees.txt", "tekst.docx", "fotos.zip", "oud.doc", "brief.rtf"):
        assert disposition(name).startswith(f'attachment; filename="{name}"'), name
    assert headers_for("2026-11-24-winkel/docs/lijst.csv", tmp_path / "lijst.csv", ASSETS)["ContentType"] == "text/csv"


# ---------------------------------------------------------------- photos

def test_an_svg_listed_as_a_photo_is_refused(newsroom):
    newsroom.write("releases/x/images/logo.svg", SVG)
    newsroom.release("x", RELEASE_YAML + "images:\n  - file: images/logo.svg\n    alt: Logo\n")
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 1
        assert (f"{REL}:5: images[0].file: images/logo.svg is an SVG drawing, not a photo: export it as PNG"
                in result.output)


# ---------------------------------------------------------------- the logo

HOSTILE_LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [<!ENTITY brand "Testbedrijf">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="120" height="40" viewBox="0 0 120 40" onload="document.title='onload'">
  <script>document.title = 'pwned'</script>
  <script xlink:href="https://evil.example/x.js"/>
  <style>.a { fill: #c00 } .b { fill: url(#g) }</style>
  <style>@import url(https://evil.example/track.css);</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#00c"/></linearGradient></defs>
  <a xlink:href="javascript:document.title='link'"><rect class="a" width="60" height="40"
     onclick="document.title='click'" onmouseover="x()"/></a>
  <rect x="60" width="60" height="40" fill="url(https://evil.example/p.svg#x)" style="fill:url(#g)"/>
  <foreignObject width="120" height="40"><div xmlns="http://www.w3.org/1999/xhtml">
    <script>document.title='fo'</script></div></foreignObject>
  <set attributeName="href" to="javascript:alert(1)"/>
  <animate attributeName="href" values="javascript:alert(1)"/>
  <image xlink:href="https://tracker.example/pixel.png" width="1" height="1"/>
  <image href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <use xlink:href="https://evil.example/sprite.svg#a"/>
  <use xlink:href="#g"/>
  <iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/>
  <text x="2" y="30" font-family="Arial">&brand; <tspan font-weight="bold">&amp; co</tspan></text>
  <inkscape:perspective/>
</svg>
"""


def with_logo(newsroom, name: str, content: bytes):
    newsroom.write(f"brand/{name}", content)
    text = (newsroom.root / "newsroom.yaml").read_text().replace(LOGO_LINE, LOGO_LINE + f"  logo: brand/{name}\n")
    newsroom.write("newsroom.yaml", text)
    newsroom.release("x")


def test_svg_logo_is_published_without_anything_active(newsroom):
    with_logo(newsroom, "logo.svg", HOSTILE_LOGO)
    assert newsroom.run("check").exit_code == 0
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    published = (newsroom.site / "assets" / "logo.svg").read_bytes()
    root = etree.fromstring(published, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 120 40"
    names = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
    assert not names & {"script", "foreignObject", "set", "animate", "iframe", "a", "div", "perspective"}
    for element in root.iter():
        for key, value in element.attrib.items():
            assert not etree.QName(key).localname.lower().startswith("on"), (element.tag, key)
            if etree.QName(key).localname == "href":
                assert value.startswith(("#", "data:image/png;base64,")), value
            assert "javascript:" not in value and "evil.example" not in value and "tracker" not in value
    assert b"@import" not in published and b"pwned" not in published
    # What it draws is still there: shapes, the gradient, the CSS that fills them, the text.
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 2
    assert b".a { fill: #c00 }" in published and b'<use xlink:href="#g">' in published
    assert "".join(root.find("{http://www.w3.org/2000/svg}text").itertext()) == "Testbedrijf & co"
    assert newsroom.run("build").exit_code == 0   # the same bytes again: builds stay deterministic
    assert (newsroom.site / "assets" / "logo.svg").read_bytes() == published


@pytest.mark.parametrize("content,expected", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "logo.svg is not a readable SVG file"),
    (b"<html><body>logo</body></html>", "logo.svg is not an SVG drawing (its outermost element is not <svg>)"),
    (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">'
     b"<text>&x;</text></svg>", "logo.svg is not a readable SVG file"),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
     b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
     b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&h;</text></svg>', "logo.svg is not a readable SVG file"),
])
def test_unusable_svg_logo_is_refused_by_check_and_build(newsroom, content, expected):
    with_logo(newsroom, "logo.svg", content)
    for command in ("check", "build"):
        result = newsroom.run(command)
        assert result.exit_code == 1, result.output
        assert f"error: newsroom.yaml:8: organization.logo: {expected}" in result.output


def test_raster_logo_must_be_what_its_name_says(newsroom):
    with_logo(newsroom, "logo.png", b"<html><script>document.title='pwned'</script></html>")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert ("newsroom.yaml:8: organization.logo: logo.png is not a PNG file: it is a web page or other markup "
            "inside") in result.output
    newsroom.write("brand/logo.png", picture("PNG"))
    assert newsroom.run("build").exit_code == 0
    assert (newsroom.site / "assets" / "logo.png").read_bytes() == picture("PNG")
