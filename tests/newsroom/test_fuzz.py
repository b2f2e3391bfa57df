"""A seeded fuzz test: mutated releases never crash smr, and `smr check` and `smr build` agree.

Each case mutates a release that uses every field (byte flips, control characters raw and
escaped, truncation, random Unicode and bytes that are not UTF-8, huge strings, deep nesting,
aliases, explicit YAML tags, many tags, a hostile body_file) and runs the library's `check`
and `build` in-process on it. Both must pass, or both fail with the same problems; nothing but
SmrError may escape. Deterministic (one seed), a few hundred cases in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil

from generator.output.pipeline import build, check
from generator.errors import SmrError
from generator.newsroom import limits

SEED = 15
CASES = 300
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone.utc)

FULL = """\
title: "Brood & Co start een webcareteam"
subtitle: Klanten krijgen binnen een uur antwoord
language: nl
date: 2026-11-24T09:00:00+01:00
dateline: Rotterdam
summary: >
  Vanaf vandaag beantwoordt een team van vijf medewerkers vragen.
facts:
  - Vijf medewerkers, zeven dagen per week
  - "Antwoord binnen een uur via [LinkedIn](https://www.linkedin.com)"
body: |
  ## Waarom webcare

  Klanten praten toch wel over ons. *Wij* praten nu mee.

  - een
  - twee
quotes:
  - text: "Klanten praten toch wel over ons."
    by: Anna de Vries
    role: directeur
videos:
  - url: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    title: Zo werkt ons webcareteam
documents:
  - url: https://example.org/factsheet.pdf
    title: Factsheet webcare
links:
  - url: https://nl.wikipedia.org/wiki/Webcare
    title: Wat is webcare?
    description: Achtergrond
hashtags: [webcare, BroodEnCo]
tags: [klantenservice, sociale media]
share_text: "Brood & Co beantwoordt vragen binnen een uur"
coverage:
  - url: https://example-blog.nl/2026/11/brood
    title: "Bakker gaat twitteren"
    site: Voorbeeldblog
    date: 2026-11-25
contacts:
  - name: Sanne Jansen
    role: woordvoerder
    email: pers@example.org
    phone: "+31 10 123 45 67"
"""

ESCAPES = ["\\0", "\\a", "\\b", "\\e", "\\x7f", "\\x85", "\\uFFFE", "\\uFFFF", "\\uD800", "\\t", "\\n", "\\x1b[31m"]
EXPLICIT = ["!!timestamp nope", "!!int x", "!!float y", "!!bool maybe", "!!null", "!!seq a", "!!map b",
            "!!binary aGk=", "!!python/object/apply:os.system [id]", "!!str 12", "!!timestamp 2026-02-30"]


def _random_unicode(rng: random.Random, n: int) -> str:
    picks = []
    for _ in range(n):
        band = rng.choice([(0x20, 0x7e), (0x80, 0x2ff), (0x300, 0x36f), (0x600, 0x6ff), (0x2000, 0x206f),
                           (0xd800, 0xdfff), (0xfdd0, 0xfdef), (0xfff0, 0xffff), (0x1f300, 0x1f6ff), (0x0, 0x1f)])
        picks.append(chr(rng.randint(*band)))
    return "".join(picks)


def _field_line(text: str, rng: random.Random) -> tuple[int, list[str]]:
    lines = text.split("\n")
    return rng.randrange(len(lines)), lines


def mutate(rng: random.Random) -> tuple[bytes, bytes | None]:
    """A mutated release.yaml, and the body_file's bytes (or None when there is none)."""
    text = FULL
    body: bytes | None = None
    for _ in range(rng.choice([1, 1, 2, 3])):
        kind = rng.randrange(14)
        if kind == 0:     # escaped control or non-character in a double-quoted value
            text = text.replace('"Brood & Co start', f'"Brood {rng.choice(ESCAPES)} & Co start', 1) if rng.random() < .3 \
                else text.replace("Anna de Vries", f'"Anna {rng.choice(ESCAPES)}"', 1) if rng.random() < .5 \
                else text.replace("[klantenservice,", f'["klant{rng.choice(ESCAPES)}",', 1)
        elif kind == 1:   # a raw control character anywhere
            at = rng.randrange(len(text))
            text = text[:at] + chr(rng.choice([0, 1, 7, 8, 11, 12, 27, 127, 0x85, 0x9f])) + text[at:]
        elif kind == 2:   # truncated
            text = text[:rng.randrange(len(text))]
        elif kind == 3:   # random Unicode in a line
            at, lines = _field_line(text, rng)
            lines[at] = lines[at] + _random_unicode(rng, rng.randint(1, 12))
            text = "\n".join(lines)
        elif kind == 4:   # huge strings, just under or over a limit
            limit = rng.choice([limits.MAX_TITLE, limits.MAX_TEXT])
            size = limit + rng.choice([-1, 0, 1, 50])
            field = "title" if limit == limits.MAX_TITLE else rng.choice(["summary", "dateline", "share_text"])
            text = _set(text, field, "w" * size)
        elif kind == 5:   # deep nesting in YAML
            depth = rng.choice([10, limits.MAX_DEPTH - 2, limits.MAX_DEPTH + 1, 5_000, 100_000])
            text += "facts: " + "[" * depth + "x" + "]" * rng.choice([0, depth]) + "\n"
        elif kind == 6:   # deep nesting or open brackets in Markdown
            shape = rng.choice(["- ", "> ", "1. ", "[", "![", "[x][", "<a ", "<![CDATA[ "])
            count = rng.choice([5, limits.MAX_MARKDOWN_DEPTH, limits.MAX_MARKDOWN_DEPTH + 1, 900, 20_000])
            text = _set(text, "body", "|\n  " + shape * count + "x", raw=True)
        elif kind == 7:   # aliases: plain, recursive, bombs
            text += rng.choice(["facts: &a [*a]\n", "quotes: &q\n  - text: x\n    by: *q\n",
                                "tags: &t [a, b]\nhashtags: *t\n", "share_text: *nope\n",
                                "x1: &x [a,a,a,a,a,a,a,a,a,a]\nx2: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\n"
                                "x3: &z [*y,*y,*y,*y,*y,*y,*y,*y,*y,*y]\nfacts: [*z,*z,*z,*z,*z,*z,*z,*z,*z,*z,*z]\n"])
        elif kind == 8:   # explicit YAML tags
            field = rng.choice(["date", "draft", "title", "facts", "embargo"])
            text = _set(text, field, rng.choice(EXPLICIT))
        elif kind == 9:   # many tags
            count = rng.choice([limits.MAX_TAGS, limits.MAX_TAGS + 1, 2_000])
            text = _set(text, rng.choice(["tags", "hashtags"]), "[" + ", ".join(f"t{i}" for i in range(count)) + "]")
        elif kind == 10:  # byte flips
            raw = bytearray(text.encode("utf-8"))
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
            return bytes(raw), body
        elif kind == 11:  # a body_file with hostile content
            text = _set(text, "body", None)
            text += "body_file: body.md\n"
            body = rng.choice([b"ok\x00no", b"\xff\xfe bad utf-8", ("- " * 30_000).encode(), b"[" * 30_000,
                               _random_unicode(rng, 200).encode("utf-8", "surrogatepass"), b"# Kop\n\nTekst.\n"])
        elif kind == 12:  # long lists
            count = rng.choice([limits.MAX_LIST, limits.MAX_LIST + 1])
            text = _set(text, "facts", "[" + ", ".join(f"f{i}" for i in range(count)) + "]")
        else:             # lines swapped: structure broken
            lines = text.split("\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    return text.encode("utf-8", "surrogatepass"), body


def _set(text: str, field: str, value: str | None, raw: bool = False) -> str:
    """Replace a top-level field (and its indented continuation lines) with `value`, or drop it."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line.startswith(f"{field}:"):
            skipping = True
            if value is not None:
                out.append(f"{field}: {value}")
            continue
        if skipping and (line.startswith(" ") or line.startswith("-")) and line.strip():
            continue
        skipping = False
        out.append(line)
    if value is not None and not any(line.startswith(f"{field}:") for line in out):
        out.insert(len(out) - 1, f"{field}: {value}")
    return "\n".join(out)


def _outcome(run) -> tuple[str, ...]:
    """() when the command passed, else its problems as the user reads them."""
    try:
        run()
    except SmrError as exc:
        return tuple(str(p) for p in exc.problems) or ("(an error without problems)",)
    return ()


def test_mutated_releases_never_crash_and_check_agrees_with_build(newsroom):
    rng = random.Random(SEED)
    failed = passed = 0
    for case in range(CASES):
        folder = newsroom.root / "releases" / f"c{case:03}"
        release, body = mutate(rng)
        newsroom.write(f"releases/c{case:03}/release.yaml", release)
        if body is not None:
            newsroom.write(f"releases/c{case:03}/body.md", body)
        checked = _outcome(lambda: check(newsroom.root, NOW))
        built = _outcome(lambda: build(newsroom.root, now=NOW))
        assert checked == built, (case, release[:300], checked, built)
        failed, passed = failed + bool(checked), passed + (not checked)
        shutil.rmtree(folder)
    assert failed > CASES // 3 and passed > CASES // 10, (failed, passed)   # the mutations do both
