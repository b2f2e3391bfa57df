"""The one slug function (issue 24): names in any script, and names that still collide."""

import pytest

from generator.slug import slugify, suffix, tag_slugs, unique_file_names, unique_slugs


@pytest.mark.parametrize("text, slug", [
    ("Łódź", "lodz"),
    ("Żółć w Łodzi", "zolc-w-lodzi"),
    ("Straße", "strasse"),
    ("Συνεργασία με Θεσσαλονίκη", "synergasia-me-thessaloniki"),
    ("ΣΊΣΥΦΟΣ", "sisyfos"),
    ("Łukasz Wiśniewski", "lukasz-wisniewski"),
    ("张伟", "zhang-wei"),
    ("李娜", "li-na"),
    ("Ольга Петрова", "olga-petrova"),
    ("Москва", "moskva"),
    ("日本", "ri-ben"),
    ("Café au lait", "cafe-au-lait"),
    # ASCII gives what it always gave: addresses of existing releases do not move
    ("Brood & Co start een webcareteam", "brood-co-start-een-webcareteam"),
    ("foto's", "foto-s"),
    ("2026-11-24-opening", "2026-11-24-opening"),
])
def test_every_script_gives_latin_letters(text, slug):
    assert slugify(text) == slug


def test_nothing_left_gives_the_fallback():
    assert slugify("!!!") == "release"
    assert slugify("—", fallback="contact") == "contact"


def test_colliding_names_get_a_suffix_from_their_own_name():
    names = ["Lodz", "Łódź", "lodz", "ŁÓDŹ"]
    slugs = unique_slugs(names)
    assert slugs == [f"lodz-{suffix('Lodz')}", f"lodz-{suffix('Łódź')}", "lodz", f"lodz-{suffix('ŁÓDŹ')}"]
    # stable: another colliding name does not move these
    assert unique_slugs(names + ["lódz"])[:4] == slugs
    assert len(set(unique_slugs(["Anna Nowak", "Anna Nowak", "Anna Nowak"]))) == 3


def test_a_name_that_needs_no_transliteration_keeps_the_plain_slug():
    assert unique_slugs(["Łódź", "Lodz"]) == [f"lodz-{suffix('Łódź')}", "lodz"]


def test_a_taken_slug_is_never_given():
    assert unique_slugs(["Tags"], taken=frozenset({"tags"})) == [f"tags-{suffix('Tags')}"]


def test_file_names_that_land_on_one_file_are_told_apart():
    assert unique_file_names(["docs/a/f.pdf", "docs/b/f.pdf", "g.pdf"]) == [
        "f.pdf", f"f-{suffix('docs/b/f.pdf')}.pdf", "g.pdf"]
    assert unique_file_names(["a/Plan.PDF", "b/plan.pdf"])[1] == f"plan-{suffix('b/plan.pdf')}.pdf"


def test_tags_one_per_tag_never_two_on_one_feed():
    slugs = tag_slugs(["日本", "Москва", "ΣΊΣΥΦΟΣ", "Social media", "social-media", "Social Media",
                       "Łódź", "Lodz", "Riben"])
    assert slugs["日本"] == "ri-ben" and slugs["Москва"] == "moskva" and slugs["ΣΊΣΥΦΟΣ"] == "sisyfos"
    assert slugs["Social media"] == slugs["social-media"] == slugs["Social Media"] == "social-media"
    assert slugs["Lodz"] == "lodz" and slugs["Łódź"].startswith("lodz-")
    assert slugs["Riben"] == "riben"
