"""A link in Markdown written without its scheme (`[KNMI](www.knmi.nl)`) would be a link to a
page of the newsroom that does not exist: `smr check` and `smr build` refuse it alike, naming
the fix. Relative links that can be meant (an anchor, a document, another release) stay."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import RELEASE_YAML

REL = "releases/x/release.yaml"


def message(target: str, at: str, fix: str, scheme: str = "https://") -> str:
    return (f"has a link without {scheme} in front at {at}: {target!r} would lead to a page of the newsroom "
            f"that does not exist; write {fix}")


def body(text: str) -> str:
    return RELEASE_YAML + "body: |\n" + "".join(f"  {line}\n" for line in text.splitlines())


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("text,expected", [
    ("Meer bij het [KNMI](www.knmi.nl).",
     f"{REL}:4: body: " + message("www.knmi.nl", "position 21", "https://www.knmi.nl")),
    ("Zie [het weer](knmi.nl/weer \"KNMI\").",
     f"{REL}:4: body: " + message("knmi.nl/weer", "position 16", "https://knmi.nl/weer")),
    ("Zie [KNMI][k].\n\n[k]: www.knmi.nl",
     f"{REL}:4: body: " + message("www.knmi.nl", "position 22", "https://www.knmi.nl")),
    ('Zie <a href="www.knmi.nl">KNMI</a>.',
     f"{REL}:4: body: " + message("www.knmi.nl", "position 14", "https://www.knmi.nl")),
    ("Mail [ons](pers@knmi.nl).",
     f"{REL}:4: body: " + message("pers@knmi.nl", "position 12", "mailto:pers@knmi.nl", "mailto:")),
])
def test_a_link_without_its_scheme_is_an_error_with_the_fix(newsroom, command, text, expected):
    newsroom.release("x", body(text))
    result = newsroom.run(command)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_in_a_body_file_facts_and_the_boilerplate_too(newsroom, command):
    newsroom.release("x", RELEASE_YAML + "facts:\n  - Bron [KNMI](www.knmi.nl)\n")
    newsroom.release("y", RELEASE_YAML + "body_file: body.md\n")
    newsroom.write("releases/y/body.md", "# Het weer\n\nAlles bij [KNMI](knmi.nl).\n")
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text().replace(
        "Testbedrijf maakt **testen**.", "Testbedrijf maakt [testen](www.example.org)."))
    result = newsroom.run(command)
    assert result.exit_code == 1   # newsroom.yaml is read first: its problem is said alone
    assert ("newsroom.yaml:8: organization.boilerplate: "
            + message("www.example.org", "position 28", "https://www.example.org")) in result.output
    newsroom.write("newsroom.yaml", (newsroom.root / "newsroom.yaml").read_text().replace("(www.", "(https://www."))
    result = newsroom.run(command)
    assert result.exit_code == 1
    assert "releases/y/body.md:3: " + message("knmi.nl", "column 18", "https://knmi.nl") in result.output
    assert f"{REL}:5: facts[0]: " + message("www.knmi.nl", "position 13", "https://www.knmi.nl") in result.output

def test_relative_links_that_can_be_meant_still_build(newsroom):
    newsroom.release("andere")
    newsroom.release("x", body("Zie de [factsheet](docs/factsheet.pdf), [de contacten](#contacts),\n"
                               "[het andere bericht](../andere/), [de index](/index.html), "
                               "[mail](mailto:pers@example.org) en [KNMI](https://www.knmi.nl)."))
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    hrefs = [a["href"] for a in BeautifulSoup((newsroom.site / "x" / "index.html").read_text("utf-8"),
                                              "html.parser").select(".body a")]
    assert hrefs == ["docs/factsheet.pdf", "#contacts", "../andere/", "/index.html",
                     "mailto:pers@example.org", "https://www.knmi.nl"]
