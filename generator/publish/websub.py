"""WebSub: after a publish, tell the newsroom's hub (newsroom.yaml `websub_hub`) which feeds
changed, so that Google News and feed readers subscribed through it fetch them at once.

One POST per changed feed, `hub.mode=publish&hub.url=<the feed's address>` (the
PubSubHubbub 0.4 publisher ping that WebSub hubs take), with the standard library and a
timeout. A hub that is down, slow or refusing never fails a publish: the site is online
either way, and readers still poll. Each failure comes back as a line for people.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

TIMEOUT = 10.0        # seconds per request
PARALLEL = 4          # requests at once: a release with many tags changes many feeds


@dataclass
class Pings:
    """What the hub was told: the feed addresses it took, and a line per one it did not."""

    hub: str
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def note(self) -> str | None:
        if not self.sent:
            return None
        n = len(self.sent)
        return f"WebSub: told {hub_name(self.hub)} about {n} changed feed{'s' * (n != 1)}"


def hub_name(hub: str) -> str:
    """The hub as a line names it: its host only (a URL may carry a user and password)."""
    parts = urlsplit(hub)
    return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}/"


def announce(site, report) -> None:
    """After a publish (a deploy.PublishReport) that uploaded feeds, ping the newsroom's hub,
    one request per feed; what it took is a note, each failure a warning (exit code 0)."""
    hub = site.newsroom.websub_hub
    feeds = changed_feeds(site, report.changed) if hub else []
    if not feeds:
        return
    if report.dry_run:
        report.notes.append(f"would tell the WebSub hub {hub_name(hub)} about {len(feeds)} changed "
                            f"feed{'s' * (len(feeds) != 1)}")
        return
    pings = ping(hub, feeds)
    report.notes += [pings.note()] if pings.sent else []
    report.warnings += pings.failed


def changed_feeds(site, uploaded: set[str]) -> list[str]:
    """The public addresses of the site's feed files (RSS, Atom, JSON Feed) among the
    uploaded keys, in the feeds' order."""
    from generator.render.feeds import plan

    base = site.newsroom.base_url
    return [base + path for feed in plan(site) for path in feed.files if path in uploaded]


def ping(hub: str, urls: list[str], timeout: float = TIMEOUT) -> Pings:
    """POST one publish notification per feed URL to the hub; never raises for the hub's sake."""
    result = Pings(hub)
    if not urls:
        return result
    with ThreadPoolExecutor(min(PARALLEL, len(urls))) as pool:
        for url, problem in zip(urls, pool.map(lambda u: _ping_one(hub, u, timeout), urls)):
            if problem is None:
                result.sent.append(url)
            else:
                result.failed.append(f"the WebSub hub {hub_name(hub)} was not told that {url} changed: {problem}; "
                                     "readers will see it at their next poll")
    return result


def _ping_one(hub: str, url: str, timeout: float) -> str | None:
    """None when the hub took the notification (any 2xx), else why not, in words."""
    import socket
    import urllib.error
    import urllib.request

    from generator import __version__

    body = urlencode({"hub.mode": "publish", "hub.url": url}).encode()
    request = urllib.request.Request(hub, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "User-Agent": f"smr/{__version__} (WebSub publisher)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(65536)
            return None if 200 <= response.status < 300 else f"it answered HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"it answered HTTP {exc.code} {exc.reason}".rstrip()
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return f"no answer within {timeout:g} s"
        return f"could not reach it ({getattr(reason, 'strerror', None) or reason})"
    except (TimeoutError, socket.timeout):
        return f"no answer within {timeout:g} s"
    except (OSError, ValueError) as exc:
        return f"could not reach it ({exc})"
