"""Identity that other software verifies: rel=me and h-card read back with mf2py,
fediverse:creator with lxml, the vCard with vobject, /.well-known/atproto-did as a file."""

from __future__ import annotations

import lxml.html
import mf2py
import pytest
import vobject

from generator.render.identity import split_name
from tests.conftest import NEWSROOM_YAML, RELEASE_YAML

SLUG = "2026-11-24-winkel"
URL = f"https://pers.example.org/{SLUG}/"
SOCIAL = """\
    - network: mastodon
      url: https://mastodon.social/@testbedrijf
    - network: bluesky
      url: https://bsky.app/profile/pers.example.org
      did: did:plc:ewvi7nxzyoun6zhxrhs64oiz
"""
CONTACTS = """\
contacts:
  - name: Daan van der Berg
    role: woordvoerder
    email: pers@example.org
    phone: "+31 10 123 45 67"
  - name: Prof. Anna de Vries-Bakker
    given_name: Anna
    family_name: de Vries-Bakker
"""


def newsroom_yaml(social: str = SOCIAL, contacts: str = CONTACTS) -> str:
    text = NEWSROOM_YAML.replace("      url: https://x.com/testbedrijf\n", "      url: https://x.com/testbedrijf\n" + social)
    return text[:text.index("contacts:")] + contacts


@pytest.fixture
def built(newsroom):
    newsroom.write("newsroom.yaml", newsroom_yaml())
    newsroom.release(SLUG, RELEASE_YAML)
    result = newsroom.run("build")
    assert result.exit_code == 0, result.output
    return newsroom


def page(newsroom, slug: str = SLUG) -> str:
    return (newsroom.site / slug / "index.html").read_text("utf-8")


def cards(items: list) -> list[dict]:
    """Every h-card in mf2 items, nested ones included."""
    found = []
    for item in items:
        if "h-card" in item["type"]:
            found.append(item)
        found += cards(item.get("children", []))
        for values in item.get("properties", {}).values():
            found += cards([v for v in values if isinstance(v, dict) and "type" in v])
    return found


@pytest.mark.parametrize("name, given, family", [
    ("Daan Koster", "Daan", "Koster"),
    ("Daan van der Berg", "Daan", "van der Berg"),
    ("Anna Maria de Vries", "Anna Maria", "de Vries"),
    ("Jan in 't Veld", "Jan", "in 't Veld"),
    ("Eva van den Bosch-de Wit", "Eva", "van den Bosch-de Wit"),
    ("Ingrid Van Engelshoven", "Ingrid", "Van Engelshoven"),
    ("Van Morrison", "Van", "Morrison"),
    ("Sanne", "Sanne", ""),
])
def test_names_split_into_given_and_family_name(name, given, family):
    assert split_name(name) == (given, family)


def test_profile_links_are_rel_me_on_release_page_and_index(built):
    social = ["https://x.com/testbedrijf", "https://mastodon.social/@testbedrijf",
              "https://bsky.app/profile/pers.example.org"]
    for html, url in ((page(built), URL), ((built.site / "index.html").read_text("utf-8"), "https://pers.example.org/")):
        rels = mf2py.parse(doc=html, url=url)["rels"]
        assert set(social) <= set(rels["me"])


def test_contacts_are_h_cards_with_split_names(built):
    parsed = mf2py.parse(doc=page(built), url=URL)
    contacts = [c["properties"] for c in cards(parsed["items"]) if c["properties"].get("tel") or
                c["properties"].get("family-name")]
    assert len(contacts) == 2
    daan, anna = contacts
    assert daan["name"] == ["Daan van der Berg"]
    assert daan["given-name"] == ["Daan"] and daan["family-name"] == ["van der Berg"]
    assert daan["role"] == ["woordvoerder"] and daan["job-title"] == ["woordvoerder"]
    assert daan["email"] == ["mailto:pers@example.org"] and daan["tel"] == ["+31 10 123 45 67"]
    assert daan["org"] == ["Testbedrijf"]
    assert anna["name"] == ["Prof. Anna de Vries-Bakker"]
    assert anna["given-name"] == ["Anna"] and anna["family-name"] == ["de Vries-Bakker"]
    # the vCard download link is no (mf1 'vcard') card of its own
    assert all(c["properties"] for c in cards(parsed["items"]))


def test_vcard_reads_back_with_given_and_family_name(built):
    daan = vobject.readOne((built.site / SLUG / "daan-van-der-berg.vcf").read_text("utf-8"))
    assert daan.fn.value == "Daan van der Berg"
    assert (daan.n.value.given, daan.n.value.family) == ("Daan", "van der Berg")
    assert daan.org.value == ["Testbedrijf"] and daan.title.value == "woordvoerder"
    anna = vobject.readOne((built.site / SLUG / "prof-anna-de-vries-bakker.vcf").read_text("utf-8"))
    assert (anna.n.value.given, anna.n.value.family) == ("Anna", "de Vries-Bakker")


def creator(html: str) -> list[str]:
    return lxml.html.fromstring(html).xpath('//head/meta[@name="fediverse:creator"]/@content')


def test_fediverse_creator_from_the_mastodon_profile_url(built):
    assert creator(page(built)) == ["@testbedrijf@mastodon.social"]


@pytest.mark.parametrize("social, expected", [
    ("    - network: mastodon\n      url: https://social.example.org/@pers\n      handle: pers@example.org\n",
     ["@pers@example.org"]),
    ("    - network: mastodon\n      url: https://mastodon.social/users/Pers\n", ["@Pers@mastodon.social"]),
    ("    - network: mastodon\n      url: https://example.org/our-mastodon\n", []),
    ("", []),
])
def test_fediverse_creator_from_an_explicit_handle_or_none(newsroom, social, expected):
    newsroom.write("newsroom.yaml", newsroom_yaml(social))
    newsroom.release(SLUG, RELEASE_YAML)
    assert newsroom.run("build").exit_code == 0
    assert creator(page(newsroom)) == expected


def test_atproto_did_is_the_did_alone(built):
    assert (built.site / ".well-known" / "atproto-did").read_bytes() == b"did:plc:ewvi7nxzyoun6zhxrhs64oiz"


def test_no_atproto_did_without_a_did(newsroom):
    newsroom.release(SLUG, RELEASE_YAML)
    assert newsroom.run("build").exit_code == 0
    assert not (newsroom.site / ".well-known").exists()


@pytest.mark.parametrize("social, message", [
    ("    - network: bluesky\n      url: https://bsky.app/profile/x.example\n      did: did:plc:TOOSHORT\n",
     "organization.social[1].did: must be a Bluesky DID"),
    ("    - network: bluesky\n      url: https://bsky.app/profile/x.example\n      did: did:web:-bad-\n",
     "organization.social[1].did: must be a Bluesky DID"),
    ("    - network: x\n      url: https://x.com/y\n      did: did:web:pers.example.org\n",
     "'did' is for a Bluesky account"),
    ("    - network: mastodon\n      url: https://mastodon.social/@x\n      handle: not a handle\n",
     "organization.social[1].handle: must be a Mastodon handle such as '@broodenco@mastodon.social'"),
])
def test_identity_fields_are_validated(newsroom, social, message):
    newsroom.write("newsroom.yaml", newsroom_yaml(social))
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_did_needs_a_newsroom_at_the_root_of_its_domain(newsroom, command):
    social = "    - network: bluesky\n      url: https://bsky.app/profile/x.example\n      did: did:plc:ewvi7nxzyoun6zhxrhs64oiz\n"
    newsroom.write("newsroom.yaml", newsroom_yaml(social).replace("https://pers.example.org/", "https://example.org/pers/"))
    newsroom.release(SLUG, RELEASE_YAML)
    result = newsroom.run(command)
    assert result.exit_code == 1
    assert "organization.social[1].did: is looked for by Bluesky only at the root of a domain" in result.output
    assert "base_url has a path (/pers/)" in result.output and "Traceback" not in result.output
