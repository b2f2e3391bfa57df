"""Ready-to-share links for social networks and e-mail, and hashtag searches.

Only plain links: no network SDK or script is ever loaded, so a page makes no request
to a social network until the reader clicks.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode


def share_text(text: str, hashtags: list[str]) -> str:
    """The text and the hashtags it does not already hold: a hashtag written in the text, in
    any case (`#boomplantdag` for `Boomplantdag`), or listed twice, is not added again."""
    present = {tag.casefold() for tag in _HASHTAG.findall(text)}
    missing = []
    for tag in hashtags:
        if tag.casefold() not in present:
            present.add(tag.casefold())
            missing.append(f"#{tag}")
    return " ".join([text, *missing]).strip()


_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


def release_links(text: str, hashtags: list[str], url: str, title: str) -> list[dict]:
    """Links that open a network's composer with text, hashtags and URL filled in."""
    full = share_text(text, hashtags)
    return [
        {"network": "x", "name": "X",
         "href": "https://x.com/intent/post?" + urlencode({"text": full, "url": url})},
        {"network": "linkedin", "name": "LinkedIn",
         "href": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})},
        {"network": "facebook", "name": "Facebook",
         "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})},
        {"network": "mastodon", "name": "Mastodon",
         "href": "https://mastodon.social/share?" + urlencode({"text": f"{full} {url}"})},
        {"network": "bluesky", "name": "Bluesky",
         "href": "https://bsky.app/intent/compose?" + urlencode({"text": f"{full} {url}"})},
        {"network": "email", "name": "E-mail",
         "href": "mailto:?" + urlencode({"subject": title, "body": f"{full}\n\n{url}"}, quote_via=quote)},
    ]


def attributed(text: str, by: str, role: str | None = None) -> str:
    """A quote as a journalist pastes it: in quotation marks, with who said it."""
    return f"“{text}” — {by}" + (f", {role}" if role else "")


def quote_link(text: str, by: str, url: str) -> str:
    """Share one quote on X, attributed, with the release URL."""
    return "https://x.com/intent/post?" + urlencode({"text": attributed(text, by), "url": url})


def hashtag_links(tag: str, mastodon: str | None = None) -> list[dict]:
    """Where to follow a hashtag: the search page on X, Mastodon and Bluesky; on Mastodon,
    the organisation's own instance (`mastodon`, its host) when its profile is on one."""
    t = quote(tag)
    return [
        {"network": "x", "name": "X", "href": f"https://x.com/hashtag/{t}"},
        {"network": "mastodon", "name": "Mastodon", "href": f"https://{mastodon or 'mastodon.social'}/tags/{t}"},
        {"network": "bluesky", "name": "Bluesky", "href": f"https://bsky.app/hashtag/{t}"},
    ]


def mastodon_instance(newsroom) -> str | None:
    """The host of the organisation's first Mastodon profile (`organization.social`), where
    its hashtag links go: readers there see the newsroom's own community."""
    from urllib.parse import urlsplit

    for social in newsroom.organization.social:
        if social.network == "mastodon":
            host = urlsplit(str(social.url)).hostname
            if host:
                return host.encode("idna").decode("ascii") if not host.isascii() else host
    return None
