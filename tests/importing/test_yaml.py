"""The release.yaml `smr import` writes reads back as exactly what it meant, whatever the
document's text holds (quotes, colons, #, YAML's own line breaks, leading spaces)."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importing.markdown import clean
from generator.importing.release import Noted, _yaml

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).map(clean)


@settings(max_examples=300, deadline=None)
@given(title=TEXT, summary=TEXT, facts=st.lists(TEXT, max_size=3), by=TEXT, note=TEXT,
       body=st.lists(TEXT, min_size=1, max_size=4))
def test_what_is_written_reads_back(title, summary, facts, by, note, body):
    # a line of spaces only is written empty (the same to Markdown): YAML could not tell its spaces
    lines = "\n".join(line if line.strip() else "" for line in "\n".join(body).split("\n")).rstrip("\n")
    body_text = (lines + "\n") if lines.strip() else "x\n"
    entries = {"title": (title, note), "summary": (summary, note), "facts": (facts, note),
               "body": (body_text, note), "quotes": ([{"text": summary, "by": Noted(by, note)}], note, [note]),
               "date": (dt.date(2026, 11, 24), note)}
    written = _yaml(entries, "pers#bericht: \"x\".docx", NOW)
    assert yaml.safe_load(written) == {"title": title, "draft": True, "date": dt.date(2026, 11, 24),
                                       "summary": summary, "facts": facts, "body": body_text,
                                       "quotes": [{"text": summary, "by": by}]}
