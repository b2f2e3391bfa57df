"""Who the newsroom and its contacts are, in the forms other software verifies: a contact's
given and family name (vCard `N`, h-card), the Mastodon account behind `fediverse:creator`,
and the Bluesky DID served as `/.well-known/atproto-did`.

The profile links themselves carry `rel="me"` (templates/partials/organization.html).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Name particles (Dutch tussenvoegsels, and their French, German, Spanish and Portuguese
# cousins) that belong to the family name: 'Daan van der Berg' is Daan + 'van der Berg'.
PARTICLES = {
    "van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "in", "op", "aan", "bij", "uit",
    "voor", "onder", "over", "'s", "la", "le", "les", "du", "des", "d'", "l'", "von", "vom", "zu",
    "zum", "zur", "da", "das", "do", "dos", "di", "del", "della", "y",
}

ATPROTO_DID = ".well-known/atproto-did"   # where Bluesky looks for a domain handle's DID


def name_parts(contact) -> tuple[str, str]:
    """(given, family) of a contact: its own `given_name`/`family_name` when set, else split
    from `name` with the particles kept in the family name. One word is a given name."""
    name = " ".join(contact.name.split())
    given, family = contact.given_name, contact.family_name
    if given is not None and family is not None:
        return given, family
    if family is not None:
        return (name[: -len(family)].strip() if name.endswith(family) else ""), family
    if given is not None:
        return given, (name[len(given):].strip() if name.startswith(given) else "")
    return split_name(name)


def split_name(name: str) -> tuple[str, str]:
    """'Daan Koster' -> ('Daan', 'Koster'); 'Daan van der Berg' -> ('Daan', 'van der Berg');
    'Anna Maria de Vries' -> ('Anna Maria', 'de Vries'); 'Sanne' -> ('Sanne', '')."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    last = len(words) - 1
    start = last   # the family name starts at its last word, or at the particles before it
    while start > 1 and _is_particle(words[start - 1]):
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def _is_particle(word: str) -> bool:
    """A particle, or a double name's first half joined by one ('Bosch-de' in 'van den Bosch-de Wit')."""
    word = word.lower().replace("’", "'")
    return word in PARTICLES or ("-" in word and word.rsplit("-", 1)[1] in PARTICLES)


def mastodon_handle(social) -> str | None:
    """'@name@instance' of a mastodon profile: its `handle`, else read from its URL
    (https://instance/@name, https://instance/users/name, https://instance/@name@home)."""
    if social.network != "mastodon":
        return None
    if social.handle:
        return social.handle
    parts = urlsplit(social.url)
    host = (parts.hostname or "").lower()
    found = re.fullmatch(r"/(?:@|users/)([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:@([A-Za-z0-9.-]+\.[A-Za-z]{2,}))?/?",
                         parts.path)
    if not found or not host:
        return None
    return f"@{found[1]}@{(found[2] or host).lower()}"


def fediverse_creator(newsroom) -> str | None:
    """The handle for `<meta name="fediverse:creator">`: the first Mastodon account's."""
    for social in newsroom.organization.social:
        handle = mastodon_handle(social)
        if handle:
            return handle
    return None


def atproto_did(newsroom) -> str | None:
    """The DID of the Bluesky account whose handle is the newsroom's domain, if configured."""
    return next((s.did for s in newsroom.organization.social if s.did), None)
