"""S3 targets: parse `s3://bucket/prefix/`, make one client, and turn failures into SmrError.

Credentials come only from the standard AWS chain (environment, ~/.aws, AWS_PROFILE);
nothing here reads, prints or stores them. Every error names the target and the cause in
one line, because PR staff run this minutes before a press moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from generator.errors import Problem, SmrError

@dataclass(frozen=True)
class Target:
    """A bucket and a key prefix ('' or ending in '/'), and where it was configured."""

    bucket: str
    prefix: str
    field: str = ""          # e.g. publish.site, for error messages

    @classmethod
    def parse(cls, url: str, field: str = "") -> "Target":
        parts = urlsplit(url)
        prefix = parts.path.lstrip("/")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return cls(parts.netloc, prefix, field)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, relative: str) -> str:
        return self.prefix + relative

    def relative(self, key: str) -> str:
        return key[len(self.prefix):]


@dataclass(frozen=True)
class Connection:
    """How to reach the service; never holds credentials."""

    endpoint_url: str | None = None
    region: str | None = None
    path_style: bool = False
    max_attempts: int | None = None   # default: $AWS_MAX_ATTEMPTS, else 5
    jobs: int = 32


def client(conn: Connection):
    """An S3 client with the standard retry policy (backoff on throttling and dropped connections)."""
    from generator.publish.s3_client import S3Client

    attempts = conn.max_attempts or _env_int("AWS_MAX_ATTEMPTS", 5)
    return S3Client(conn.endpoint_url, conn.region, conn.path_style, attempts)


def _env_int(name: str, default: int) -> int:
    import os

    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def public_url(target: Target, conn: Connection) -> str:
    """The https URL of a target's prefix when no media_base_url is configured."""
    prefix = quote(target.prefix)
    if conn.endpoint_url:
        base = conn.endpoint_url.rstrip("/")
        if conn.path_style:
            return f"{base}/{target.bucket}/{prefix}"
        parts = urlsplit(base)
        return f"{parts.scheme}://{target.bucket}.{parts.netloc}/{prefix}"
    region = conn.region or "us-east-1"
    return f"https://{target.bucket}.s3.{region}.amazonaws.com/{prefix}"


def explain(exc: BaseException, target: Target, conn: Connection) -> SmrError:
    """One line naming the target and the cause; never the credentials or a traceback."""
    from generator.publish.s3_client import NoCredentials, S3Error, Unreachable

    if isinstance(exc, SmrError):   # already one clear line
        return exc
    endpoint = conn.endpoint_url or "AWS S3"
    if isinstance(exc, NoCredentials):
        cause = ("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                 "or AWS_PROFILE, or ~/.aws/credentials")
    elif isinstance(exc, Unreachable):
        cause = f"cannot reach {endpoint} ({exc}); check endpoint_url and the network"
    elif isinstance(exc, S3Error):
        cause = _service_error(exc, target, endpoint)
    else:   # e.g. botocore's ProfileNotFound while resolving credentials
        cause = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return SmrError(problems=[Problem("newsroom.yaml" if target.field else "", 0, target.field,
                                      f"{target.url}: {cause}")])


def _service_error(exc, target: Target, endpoint: str) -> str:
    code, status = exc.code, exc.status
    if code == "NoSuchBucket":
        return f"bucket {target.bucket!r} does not exist at {endpoint}"
    if status == 404 and code in ("404", "NotFound", ""):
        return f"HTTP 404 from {endpoint}: no bucket {target.bucket!r} there, or not an S3 endpoint"
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                "AuthorizationHeaderMalformed", "InvalidClientTokenId"):
        return (f"credentials rejected by {endpoint} ({code}); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                "or AWS_PROFILE")
    if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
        return f"access denied by {endpoint}; the credentials may not write to this bucket"
    message = exc.message.splitlines()[0] if exc.message else "request failed"
    return f"{code or status}: {message} ({endpoint})"
