"""Issue 24, "The commands as a daily tool": what `smr check` says about dates and colons."""

from __future__ import annotations

from tests.conftest import RELEASE_YAML

NOW = "2026-12-01T10:00+01:00"


def said(newsroom, now: str = NOW) -> list[str]:
    result = newsroom.run("check", "--now", now)
    return [line for line in result.output.splitlines() if line.startswith(("warning: ", "error: "))]


def test_a_date_on_another_day_than_the_folder_name_is_a_warning(newsroom):
    """`date: 2027-12-04` in folder `2026-12-04-…` passed silently."""
    newsroom.release("2026-11-24-winkel", RELEASE_YAML.replace("2026-11-24T09:00", "2025-11-24T09:00"))
    newsroom.release("2026-11-24-goed", RELEASE_YAML)
    newsroom.release("zonder-datum", RELEASE_YAML)
    assert said(newsroom) == [
        "warning: releases/2026-11-24-winkel/release.yaml:2: date: 2025-11-24 is not the day the folder's name "
        "gives (2026-11-24): the page and the index show this date; is it right? (rename the folder if the date is)"]


def test_a_date_still_to_come_without_an_embargo_is_a_warning(newsroom):
    newsroom.release("2026-12-04-later", RELEASE_YAML.replace("2026-11-24T09:00", "2026-12-04T09:00"))
    newsroom.release("2026-12-04-held", RELEASE_YAML.replace("2026-11-24T09:00", "2026-12-04T09:00")
                     + "embargo: 2026-12-04T09:00:00+01:00\n")
    assert said(newsroom) == [
        "warning: releases/2026-12-04-later/release.yaml:2: date: 2026-12-04T09:00:00+01:00 is still to come, but "
        "there is no embargo, so the release is public now; add `embargo: 2026-12-04T09:00:00+01:00` to keep it "
        "unpublished until then"]
    assert said(newsroom, "2026-12-05T10:00+01:00") == []


def test_a_colon_in_a_fact_says_the_plain_fix(newsroom):
    """`- Eerste uitwisseling: voorjaar 2027` gave only "input should be a valid string"."""
    newsroom.release("x", RELEASE_YAML + "facts:\n  - Eerste uitwisseling: voorjaar 2027\n  - Let op:\n")
    assert said(newsroom) == [
        'error: releases/x/release.yaml:5: facts[0]: a colon inside a list item: put the text in straight double '
        'quotes: - "Eerste uitwisseling: voorjaar 2027"',
        'error: releases/x/release.yaml:6: facts[1]: a colon inside a list item: put the text in straight double '
        'quotes: - "Let op:"']
