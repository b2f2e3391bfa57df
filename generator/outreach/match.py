"""Which bloggers fit a release, and why: BM25 over their topics and recent posts.

The release (title, subtitle, summary, facts, tags, hashtags) is the query; each blogger
is one document made of their topics (weighted up: they chose them) and recent post
titles and summaries. Words are stemmed with Snowball in the text's own language and stop
words dropped, so 'bakkerijen' finds 'bakkerij' and 'bakeries' finds 'bakery'.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from generator.outreach import stopwords
from generator.outreach.posts import MAX_POSTS
from generator.text import base_language

K1, B = 1.5, 0.75
TOPIC_WEIGHT, TITLE_WEIGHT = 3, 2
LANGUAGE_BONUS = 1.25
"""A blogger who writes in the release's language gets this factor on a non-zero score."""

_STEMMERS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french", "es": "spanish",
             "it": "italian", "pt": "portuguese", "sv": "swedish", "da": "danish", "no": "norwegian",
             "fi": "finnish"}
_STOP = stopwords.NL | stopwords.EN


def _stemmer(language: str):
    import snowballstemmer

    name = _STEMMERS.get(base_language(language))
    return snowballstemmer.stemmer(name) if name else None


_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"[a-z][A-Z]")
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(text: str) -> list[str]:
    """Lower-case words; 'ĳ' becomes 'ij', camelCase hashtags also give their parts."""
    out: list[str] = []
    for token in _WORD.findall(unicodedata.normalize("NFKC", text or "")):
        out.extend(_token_words(token))
    return out


@functools.lru_cache(maxsize=65536)
def _token_words(token: str) -> tuple[str, ...]:
    parts = _PARTS.findall(token) if _CAMEL.search(token) else []  # BroodEnCo, not IJsselmeer
    kept = []
    for word in [token] + parts:
        word = word.casefold()
        if len(word) > 1 and not word.isdigit() and word not in _STOP:
            kept.append(word)
    return tuple(kept)


class Analyzer:
    """Text → stems, with one Snowball stemmer per language (cached)."""

    def __init__(self):
        self._stemmers: dict[str, object] = {}
        self._memo: dict[str, dict[str, str]] = {}  # language → word → stem; vocabularies are small
        self.surface: dict[str, str] = {}  # stem → the first word seen with it

    def stems(self, text: str, language: str) -> list[str]:
        base = base_language(language)
        if base not in self._stemmers:
            self._stemmers[base] = _stemmer(base)
            self._memo[base] = {}
        stemmer, memo = self._stemmers[base], self._memo[base]
        tokens = words(text)
        if stemmer is None:
            return tokens
        for token in dict.fromkeys(tokens):
            if token not in memo:
                memo[token] = stem = stemmer.stemWord(token)
                self.surface.setdefault(stem, token)
        return [memo[t] for t in tokens]


@dataclass
class Evidence:
    title: str
    url: str
    score: float


@dataclass
class Match:
    rank: int
    blogger: object
    score: float
    posts: list[Evidence] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    def as_dict(self, show_email: bool = False) -> dict:
        b = self.blogger
        data = {"rank": self.rank, "name": b.name, "blog": b.blog, "blog_url": b.blog_url,
                "language": b.language, "score": round(self.score, 3),
                "topics": self.topics, "terms": self.terms,
                "posts": [{"title": p.title, "url": p.url} for p in self.posts]}
        if show_email:
            data["email"] = b.email
        return data


def recent(feed) -> list:
    """The posts that say what a blogger writes about now."""
    return feed.posts[:MAX_POSTS] if feed else []


def release_query(release, language: str, analyzer: Analyzer) -> dict[str, float]:
    """Stem → weight; title, tags and hashtags count double."""
    weights: dict[str, float] = {}
    heavy = [release.title, " ".join(release.tags), " ".join(release.hashtags)]
    light = [release.subtitle or "", release.summary, " ".join(release.facts)]
    for texts, weight in ((light, 1.0), (heavy, 2.0)):
        for stem in analyzer.stems(" ".join(texts), language):
            weights[stem] = max(weights.get(stem, 0.0), weight)
    return weights


MIN_EVIDENCE_TERMS = 2
"""A post is shown as evidence when it shares at least this many of the story's terms (one
shared word, 'gemeente', made a post about blue algae evidence for a twin-town story)."""


def rank(release, language: str, bloggers: list, feeds: dict, *, top: int | None = None,
         min_score: float = 0.0, versions: dict | None = None) -> list[Match]:
    """Rank `bloggers` for `release`; `feeds` maps a blogger's index to its Feed (or None).

    `versions` (base language → (release, language tag)): the story in every language it is
    in; each blogger is matched against the version in their language, or all versions at
    once when none is in theirs (a Polish blogger's posts about Łódź against the Dutch and
    the English text of the story)."""
    analyzer = Analyzer()
    versions = versions or {base_language(language): (release, language)}
    queries = {base: release_query(r, lang, analyzer) for base, (r, lang) in versions.items()}
    every: dict[str, float] = {}
    for one in queries.values():
        for stem, weight in one.items():
            every[stem] = max(every.get(stem, 0.0), weight)
    surface = analyzer.surface  # stem → the release's own word, for people to read
    docs, post_stems = [], []
    for index, blogger in enumerate(bloggers):
        feed = feeds.get(index)
        lang = blogger.language or (feed.language if feed else "") or language
        terms: Counter = Counter()
        for topic in blogger.topics:
            for stem in analyzer.stems(topic, lang):
                terms[stem] += TOPIC_WEIGHT
        per_post = []
        for post in recent(feed):
            title = analyzer.stems(post.title, lang)
            summary = analyzer.stems(post.summary, lang)
            for stem in title:
                terms[stem] += TITLE_WEIGHT
            terms.update(summary)
            per_post.append(set(title) | set(summary))
        docs.append(terms)
        post_stems.append(per_post)
    n = len(docs) or 1
    avgdl = sum(sum(d.values()) for d in docs) / n or 1.0
    df = Counter(stem for d in docs for stem in d)
    idf = {q: math.log((n - df[q] + 0.5) / (df[q] + 0.5) + 1) for q in every}
    matches = []
    for index, (blogger, terms) in enumerate(zip(bloggers, docs)):
        feed = feeds.get(index)
        own = base_language(blogger.language or (feed.language if feed else ""))
        query = queries.get(own, every)   # their language's version, else the whole story
        version_language = versions[own][1] if own in queries else language
        length = sum(terms.values())
        contributions = {}
        for q, weight in query.items():
            tf = terms.get(q, 0)
            if tf:
                contributions[q] = weight * idf[q] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgdl))
        score = sum(contributions.values())
        if score and own == base_language(language):   # the language of the release being pitched
            score *= LANGUAGE_BONUS
        if score <= 0 or score < min_score:
            continue
        evidence = []
        for post, stems in zip(recent(feed), post_stems[index]):
            shared = [q for q in stems if q in query]
            if len(shared) >= MIN_EVIDENCE_TERMS:
                evidence.append(Evidence(post.title, post.url, sum(query[q] * idf[q] for q in shared)))
        evidence.sort(key=lambda e: -e.score)
        topic_lang = blogger.language or (feed.language if feed else "") or version_language
        topics = [t for t in blogger.topics if set(analyzer.stems(t, topic_lang)) & query.keys()]
        terms_shown = [surface.get(q, q) for q, _ in
                       sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0]))][:5]
        matches.append(Match(0, blogger, score, evidence[:2], topics, terms_shown))
    matches.sort(key=lambda m: (-m.score, m.blogger.name.casefold()))
    if top:
        matches = matches[:top]
    for position, match in enumerate(matches, 1):
        match.rank = position
    return matches
