"""After a publish: can journalists read it? One page and one original, fetched the way a
browser without credentials would, at their public URLs; and the bucket policy that makes
a prefix readable.

A bucket that is not public, a folder URL on an S3 API endpoint (which does not serve
index.html), a base_url that points elsewhere: each shows as one plain sentence saying what
to set. Plain urllib with one deadline for the whole check (a few seconds), no retries: a
publish must not hang on it. The verdicts are pure functions of the answers, tested alone.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.publish.s3 import connection_problem

TIMEOUT = 5.0          # seconds for the whole check
HTML = ("text/html", "application/xhtml+xml")
POLICY_DOC = "docs/publish.md"


@dataclass(frozen=True)
class Answer:
    """What a GET without credentials got."""

    url: str
    status: int | None = None     # None: no answer at all
    content_type: str = ""
    problem: str = ""             # why there was no answer: "host name does not resolve", ...

    @property
    def ok(self) -> bool:
        return self.status in (200, 206)

    @property
    def html(self) -> bool:
        return self.content_type.split(";")[0].strip().lower() in HTML


# ---------------------------------------------------------------- verdicts (pure)

def page_problem(folder: Answer, index: Answer | None, field: str = "base_url") -> str | None:
    """None when the page is readable at its folder URL (`folder`); else what is wrong.

    `index` is the same folder's index.html, asked when the folder URL did not give the page."""
    if folder.ok and folder.html:
        return None
    if folder.status is None:
        return unreachable(folder, field)
    if index is not None and index.ok:
        return (f"journalists do not get the page at {folder.url} ({index.url} works): enable static "
                f"website hosting (index document index.html) or a CDN in front of the bucket, and point "
                f"{field} at it")
    return not_readable(folder.url, index if index is not None and index.status else folder, field)


def original_problem(answer: Answer, field: str = "publish.media_base_url") -> str | None:
    """None when the original downloads; else what is wrong."""
    if answer.ok:
        return None
    if answer.status is None:
        return unreachable(answer, field)
    return not_readable(answer.url, answer, field)


def not_readable(url: str, answer: Answer, field: str) -> str:
    if answer.status == 403:
        return (f"journalists get 403 Forbidden at {url}: the bucket does not allow public reads; "
                f"apply the bucket policy in {POLICY_DOC}")
    if answer.status == 404:
        return f"{url} is not there (404 Not Found): is {field} pointing at this bucket?"
    return f"journalists get HTTP {answer.status} at {url}"


def unreachable(answer: Answer, field: str) -> str:
    return (f"could not reach {answer.url} ({answer.problem}): journalists cannot either; "
            f"check DNS and {field}")


# ---------------------------------------------------------------- the check

def check(page_url: str, original_url: str | None = None, timeout: float = TIMEOUT) -> list[str]:
    """What keeps journalists from the page and the original; [] when both are readable."""
    deadline = time.monotonic() + timeout
    problems = []
    folder = fetch(page_url, deadline)
    index = None
    if folder.status is not None and not (folder.ok and folder.html):
        index = fetch(page_url + "index.html", deadline)
    problems.append(page_problem(folder, index))
    if original_url:
        problems.append(original_problem(fetch(original_url, deadline)))
    return [p for p in problems if p]


def fetch(url: str, deadline: float) -> Answer:
    """GET the first byte of `url` without credentials, within the deadline, once."""
    left = deadline - time.monotonic()
    parts = urlsplit(url)
    host = parts.hostname or ""
    if left <= 0:
        return Answer(url, problem="no answer in time")
    proxied = urllib.request.getproxies().get(parts.scheme) and not urllib.request.proxy_bypass(host)
    problem = None if proxied else resolve(host, _port(parts), left)   # through a proxy, the proxy resolves
    if problem:
        return Answer(url, problem=problem)
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0", "User-Agent": "smr-publish-check"})
    try:
        with urllib.request.urlopen(request, timeout=max(0.1, deadline - time.monotonic())) as response:
            return Answer(url, response.status, response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        exc.close()
        return Answer(url, exc.code, exc.headers.get("Content-Type", ""))
    except (urllib.error.URLError, OSError) as exc:
        return Answer(url, problem=why(exc))


def resolve(host: str, port: int, timeout: float) -> str | None:
    """None when the host name resolves within `timeout`; else why not. The look-up runs in a
    thread of its own, because the system resolver takes no timeout."""
    found: list = []

    def look_up():
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append(None)
        except OSError as exc:
            found.append(exc)

    thread = threading.Thread(target=look_up, daemon=True)
    thread.start()
    thread.join(timeout)
    if not found:
        return f"host name {host} did not resolve in {timeout:.0f} s"
    return None if found[0] is None else why(found[0])


def why(exc: BaseException) -> str:
    """'host name does not resolve', 'connection refused', 'timed out', ... (urllib wraps the cause)"""
    reason = getattr(exc, "reason", exc)
    return connection_problem(reason) if isinstance(reason, BaseException) else str(reason)


# ---------------------------------------------------------------- download links

def api_endpoint(url: str, endpoint_url: str | None) -> bool:
    """Does `url` point at an S3 API endpoint (the configured endpoint_url's host, or an AWS S3
    API host such as bucket.s3.eu-west-1.amazonaws.com) rather than a website or CDN host?"""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if endpoint_url:
        endpoint = urlsplit(endpoint_url)
        if host == (endpoint.hostname or "").lower() and _port(parts) == _port(endpoint):
            return True
    if not host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return False
    labels = host.split(".")
    if any(label.startswith("s3-website") for label in labels):
        return False   # the static website endpoint: folder URLs work there
    return any(label == "s3" or label.startswith("s3-") for label in labels)


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


# ---------------------------------------------------------------- the policy to apply

def public_read_policy(bucket: str, prefix: str = "") -> str:
    """The bucket policy that lets anyone read (never list) the objects under `prefix`.

    Reading only: listing would show every key, the preview links among them."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicReadForSmr", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"}]}, indent=2)
