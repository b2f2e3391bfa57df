"""URL-safe names from titles, folder names, tags, contacts' names and file names, in any script.

The one slug function of smr: folders (`smr new`), release addresses, tag feeds, vCards and
photo file names all come from here, so "Łódź" is `lodz` everywhere. Letters of other
scripts are transliterated by anyascii (a maintained table for every Unicode block); ASCII
text gives the same slug it always gave. Names that still collide are told apart by
`unique_slugs`, with a suffix made from the name itself, so it does not move when another
name comes or goes.
"""

import hashlib
import re
import unicodedata
from typing import Sequence

SUFFIX_LENGTH = 6   # hex digits of the suffix that tells colliding names apart


def transliterate(text: str) -> str:
    """Latin letters for every letter: 'Συνεργασία' -> 'Synergasia', '张伟' -> ' Zhang  Wei '.

    ASCII stays as it is. Chinese characters are one syllable each, written apart (pinyin
    separates them, so 张伟 is 'zhang-wei', not 'zhangwei'); the apostrophe anyascii writes for
    Cyrillic soft and hard signs is left out ('Ольга' -> 'Olga')."""
    if text.isascii():
        return text
    from anyascii import anyascii

    out = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii():
            out.append(char)
            continue
        latin = anyascii(char).replace("'", "")
        out.append(f" {latin} " if _ideograph(char) else latin)
    return "".join(out)


def _ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def slugify(text: str, max_length: int = 60, fallback: str = "release") -> str:
    """'Brood & Co start een webcareteam' -> 'brood-co-start-een-webcareteam', 'Łódź' -> 'lodz',
    'Straße' -> 'strasse'; `fallback` when nothing is left (a name of only punctuation)."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text).lower()).strip("-")
    return slug[:max_length].rstrip("-") or fallback


def suffix(name: str) -> str:
    """The stable part that tells a name apart from others with its slug: from the name alone."""
    return hashlib.sha256(unicodedata.normalize("NFC", name).encode("utf-8")).hexdigest()[:SUFFIX_LENGTH]


def unique_slugs(names: Sequence[str], max_length: int = 60, fallback: str = "release",
                 taken: frozenset = frozenset()) -> list[str]:
    """One slug per name (in order), never two alike and none in `taken`.

    Names with one slug: the one that is that slug already, else one that needs no
    transliteration, else the first in sorted order, keeps it; each other gets `-` and `suffix(name)`, which depends on nothing but the
    name (a name given twice gets `-2`, `-3` after that, in order)."""
    bases = [slugify(name, max_length, fallback) for name in names]
    groups: dict[str, list[int]] = {}
    for at, base in enumerate(bases):
        groups.setdefault(base, []).append(at)
    result: list[str] = list(bases)
    used = set(taken) | {base for base, at in groups.items() if len(at) == 1}
    for base in sorted(groups):
        members = groups[base]
        if len(members) == 1 and base not in taken:
            continue
        members = sorted(members, key=lambda at: (names[at] != base, not names[at].isascii(), names[at], at))
        if base not in taken:
            used.add(base)
            members = members[1:]
        for at in members:
            stem = base[:max_length - SUFFIX_LENGTH - 1].rstrip("-")
            candidate = f"{stem}-{suffix(names[at])}"
            count = 1
            while candidate in used or candidate in groups:
                count += 1
                candidate = f"{stem}-{suffix(names[at])}-{count}"
            used.add(candidate)
            result[at] = candidate
    return result


def unique_file_names(names: Sequence[str]) -> list[str]:
    """File names as given, with `-suffix` before the extension for names that would land on
    one file ('a/f.pdf', 'b/f.pdf' -> 'f.pdf', 'f-<suffix>.pdf'), compared without case, as a
    Mac or Windows disk would. `names` are paths: the suffix is made from the whole path."""
    from pathlib import PurePosixPath

    files = [PurePosixPath(name).name for name in names]
    seen: set[str] = set()
    result = []
    for path, file in sorted(zip(names, files), key=lambda pair: (pair[1].casefold(), pair[0])):
        name = file
        if name.casefold() in seen:
            stem, dot, ext = file.rpartition(".") if "." in file.lstrip(".") else (file, "", "")
            name = f"{stem}-{suffix(path)}{dot}{ext}"
            count = 1
            while name.casefold() in seen:
                count += 1
                name = f"{stem}-{suffix(path)}-{count}{dot}{ext}"
        seen.add(name.casefold())
        result.append((path, name))
    by_path: dict[str, list[str]] = {}
    for path, name in result:
        by_path.setdefault(path, []).append(name)
    return [by_path[path].pop(0) for path in names]


def tag_identity(tag: str) -> str:
    """What makes two tags one: case, accents, spaces and punctuation aside ('Social media',
    'social-media' and 'Social Media' are one tag; 'Café' and 'Cafe' too); other letters as
    they are, so 'Łódź' and 'Lodz', or 日本 and 'Riben', stay two tags."""
    decomposed = unicodedata.normalize("NFKD", tag)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "-", plain).strip("-") or slugify(tag, fallback="tag")


def tag_slugs(tags: Sequence[str], max_length: int = 80) -> dict[str, str]:
    """Tag -> the slug of its feeds (tags/<slug>/): one per tag (see `tag_identity`), never two
    tags on one, the plain slug kept by the tag that needs no transliteration."""
    identities = sorted({tag_identity(t) for t in tags})
    slug_of = dict(zip(identities, unique_slugs(identities, max_length, fallback="tag")))
    return {t: slug_of[tag_identity(t)] for t in tags}
