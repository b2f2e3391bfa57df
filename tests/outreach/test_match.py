"""Ranking: bloggers who write about the release's subject come first, in Dutch and English."""

from __future__ import annotations

import json

from generator.outreach.common import match
from generator.outreach.match import Analyzer, words
from tests.outreach.support import EN_SLUG, NL_SLUG, smr

ABOUT_IT = {"Anna de Wit", "Frank Care", "Zoë Ĳzerman", "=Mallory Formula"}
NOT_ABOUT_IT = {"Carla Fiets", "Daan Groen", "Eline Bal", "Grace Green", "Henry Goal", "Iris Lens",
                "Jack Rails", "Karen Cook", "Bram Bakker", "Eddie Etag"}


def ranked(room, slug, **kw):
    return match(room.root, slug, **kw)[2]


def test_stemming_and_stop_words_per_language():
    a = Analyzer()
    assert a.stems("de bakkerijen en een bakkerij", "nl") == a.stems("bakkerij bakkerij", "nl")
    assert a.stems("the bakeries", "en") == a.stems("bakery", "en")
    assert words("IJsselmeer ĳzer #BroodEnCo") == ["ijsselmeer", "ijzer", "broodenco", "brood", "co"]


def test_dutch_release_ranks_webcare_bloggers_above_the_rest(fetched):
    matches = ranked(fetched, NL_SLUG)
    names = [m.blogger.name for m in matches]
    assert names[0] == "Anna de Wit"  # Dutch, writes about webcare, and the language bonus
    assert set(names[:len(ABOUT_IT)]) == ABOUT_IT
    assert not set(names) & NOT_ABOUT_IT  # no shared words: no score at all
    assert "Lotte Stop" not in names  # opted out
    anna = matches[0]
    assert [p.title for p in anna.posts] == ["Bakkerij Testbedrijf start eigen webcareteam",
                                             "Klantenservice via sociale media: vijf lessen"]
    assert anna.posts[0].url == "https://webcare.example.nl/2026/11/testbedrijf-webcare"
    assert anna.topics == ["webcare", "klantenservice"]
    assert "klantenservice" in anna.terms and "webcare" in frank_terms(fetched)  # words, not stems


def test_english_release_matches_each_blogger_against_their_version(fetched):
    """Issue 24: a translation is one story. Anna (nl), whose posts are this very news, is
    matched against the Dutch version and stays first; Frank against the English one."""
    matches = ranked(fetched, EN_SLUG)
    names = [m.blogger.name for m in matches]
    assert names[:2] == ["Anna de Wit", "Frank Care"]
    assert set(names[:len(ABOUT_IT)]) == ABOUT_IT
    assert not set(names) & NOT_ABOUT_IT
    frank = matches[1]
    assert frank.topics == ["customer service", "social media"]
    assert {p.url for p in frank.posts} == {"https://care.example.org/2026/11/dutch-bakery",
                                            "https://care.example.org/2026/10/social-customer-service"}


def test_each_blogger_scores_higher_for_the_release_in_their_language(fetched):
    """The bonus of the language being pitched: Anna (nl) scores higher for the Dutch release,
    Frank (en) for the English one; Zoë (nl) and Mallory (en) read the same English feed, which
    matches the English version Mallory is matched against, for either release."""
    nl = {m.blogger.name: m.score for m in ranked(fetched, NL_SLUG)}
    en = {m.blogger.name: m.score for m in ranked(fetched, EN_SLUG)}
    assert nl["Anna de Wit"] > en["Anna de Wit"] and en["Frank Care"] > nl["Frank Care"]
    assert nl["=Mallory Formula"] > nl["Zoë Ĳzerman"] and en["=Mallory Formula"] > en["Zoë Ĳzerman"]


def test_a_blogger_in_a_language_without_a_version_is_matched_against_every_version(fetched):
    from generator.outreach.common import bloggers, feeds, release_context
    from generator.outreach.match import rank
    from generator.text import base_language

    ctx = release_context(fetched.root, NL_SLUG)
    people = [b for b in bloggers(ctx.root, ctx.newsroom).bloggers if b.name == "Frank Care"]
    polish = [people[0].model_copy(update={"language": "pl"})]
    versions = {base_language(i.language): (i.release, i.language) for i in [ctx.item, *ctx.translations.values()]}
    only_dutch = rank(ctx.item.release, ctx.item.language, polish, feeds(ctx.root, people))
    every = rank(ctx.item.release, ctx.item.language, polish, feeds(ctx.root, people), versions=versions)
    assert every[0].score > only_dutch[0].score   # his English posts meet the English version too


def test_top_and_min_score(fetched):
    assert [m.rank for m in ranked(fetched, NL_SLUG, top=2)] == [1, 2]
    everyone = ranked(fetched, NL_SLUG)
    cut = everyone[1].score
    assert [m.blogger.name for m in ranked(fetched, NL_SLUG, min_score=cut)] == \
        [m.blogger.name for m in everyone[:2]]


def test_match_command_table_shows_evidence_but_no_addresses(fetched):
    result = smr("outreach", "match", "--root", str(fetched.root), NL_SLUG, "--top", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  1" in out and "Anna de Wit" in out and "Webcare Weetjes" in out
    assert "post:   Bakkerij Testbedrijf start eigen webcareteam — https://webcare.example.nl/2026/11/testbedrijf-webcare" in out
    assert "@example." not in out
    assert "2 problems, 2 rows skipped" in result.stderr


def test_match_command_json_and_show_email(fetched):
    result = smr("outreach", "match", "--root", str(fetched.root), f"releases/{EN_SLUG}", "--json", "--top", "2")
    data = json.loads(result.stdout)
    assert [d["rank"] for d in data] == [1, 2] and data[1]["name"] == "Frank Care"
    assert "email" not in data[1]
    assert data[1]["posts"][0]["url"].startswith("https://care.example.org/")
    shown = json.loads(smr("outreach", "match", "--root", str(fetched.root), EN_SLUG, "--json",
                           "--top", "2", "--show-email").stdout)
    assert shown[1]["email"] == "frank@example.org"


def test_unknown_release_is_a_one_line_error(fetched):
    result = smr("outreach", "match", "--root", str(fetched.root), "2099-01-01-nothing")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: release '2099-01-01-nothing' not found: "
                                     "give a folder name under releases/ or its path")


def frank_terms(room):
    return next(m for m in ranked(room, NL_SLUG) if m.blogger.name == "Frank Care").terms


def test_example_newsroom_list_is_valid_and_matches_offline():
    from tests.conftest import REPO

    checked = smr("outreach", "check", "--root", str(REPO))
    assert checked.exit_code == 0, checked.output
    assert checked.output.strip() == "OK: 4 bloggers in outreach/bloggers.csv."
    result = smr("outreach", "match", "--root", str(REPO), "2026-11-24-webcare-team", "--json")
    names = [d["name"] for d in __import__("json").loads(result.stdout)]
    assert "Kees Demo" in names and "Piet Fictief" not in names  # topics alone; opted out left out
    # Jane (en) is matched against the English version of the story (issue 24), Kees (nl) the Dutch
    assert set(names[:2]) == {"Kees Demo", "Jane Sample"}
