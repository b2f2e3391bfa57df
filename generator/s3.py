"""S3 targets: parse `s3://bucket/prefix/`, make one boto3 client, and turn failures into SmrError.

Credentials come only from the standard AWS chain (environment, ~/.aws, AWS_PROFILE);
nothing here reads, prints or stores them. Every error names the target and the cause in
one line, because PR staff run this minutes before a press moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from generator.errors import Problem, SmrError

MAX_POOL = 32


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
    """A thread-safe S3 client with standard retries (backoff on throttling and dropped connections)."""
    import botocore.session
    from botocore.config import Config

    attempts = conn.max_attempts or _env_int("AWS_MAX_ATTEMPTS", 5)
    config = Config(
        retries={"mode": "standard", "max_attempts": attempts},
        s3={"addressing_style": "path" if conn.path_style else "auto"},
        max_pool_connections=max(MAX_POOL, conn.jobs + 4),
        connect_timeout=5,
        read_timeout=60,
        # Integrity is checked against our own MD5 (Content-MD5 / ETag); extra CRC32s cost CPU.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # botocore directly: the same client and credential chain as boto3, without its import cost.
    session = botocore.session.get_session()
    s3 = session.create_client("s3", endpoint_url=conn.endpoint_url, region_name=conn.region, config=config)
    _cache_endpoints(s3, session)
    s3.meta.events.register_last("before-call.s3", _no_expect_continue)
    return s3


def _no_expect_continue(model, params, **_):
    """botocore waits for `100 Continue` before sending any PUT body: one more round trip per
    file. A single PUT here is at most one part (8 MiB), so send it straight away;
    multipart parts keep the handshake."""
    if model.name == "PutObject":
        params.get("headers", {}).pop("Expect", None)


def _cache_endpoints(s3, session) -> None:
    """Resolve the endpoint once per bucket, not once per object key.

    botocore evaluates S3's endpoint rules for every request and caches the result keyed on
    the object key as well, so every upload pays for a full evaluation (about a fifth of the
    client's CPU per small PUT, measured). The rules never read `Key`; only when the
    installed rule set confirms that, and botocore still has the hook we wrap, is the
    cache put in place; otherwise botocore is left as it is.
    """
    import json

    provider = getattr(getattr(s3, "_ruleset_resolver", None), "_provider", None)
    if provider is None or not callable(getattr(provider, "resolve_endpoint", None)):
        return
    try:
        rules = session.get_component("data_loader").load_service_model("s3", "endpoint-rule-set-1")
        if '"ref": "Key"' in json.dumps(rules["rules"]):
            return
    except Exception:  # noqa: BLE001 - cannot check the rules: leave botocore as it is
        return
    resolve, cache = provider.resolve_endpoint, {}

    def cached(**params):
        key = tuple(sorted((k, repr(v)) for k, v in params.items() if k != "Key"))
        if key not in cache:
            cache[key] = resolve(**params)
        return cache[key]

    provider.resolve_endpoint = cached


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
    from botocore import exceptions as bex

    where = target.url
    endpoint = conn.endpoint_url or "AWS S3"
    if isinstance(exc, bex.NoCredentialsError):
        cause = ("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                 "or AWS_PROFILE, or ~/.aws/credentials")
    elif isinstance(exc, (bex.EndpointConnectionError, bex.HTTPClientError,
                          bex.ConnectTimeoutError, bex.ReadTimeoutError)):
        cause = f"cannot reach {endpoint} (connection failed after retries); check endpoint_url and the network"
    elif isinstance(exc, bex.ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "NoSuchBucket":
            cause = f"bucket {target.bucket!r} does not exist at {endpoint}"
        elif status == 404 and code in ("404", "NotFound", ""):
            cause = f"HTTP 404 from {endpoint}: no bucket {target.bucket!r} there, or not an S3 endpoint"
        elif code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                      "AuthorizationHeaderMalformed", "InvalidClientTokenId"):
            cause = f"credentials rejected by {endpoint} ({code}); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE"
        elif code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
            cause = f"access denied by {endpoint}; the credentials may not write to this bucket"
        else:
            message = str(exc.response.get("Error", {}).get("Message", "")).splitlines()[0:1]
            cause = f"{code or status}: {message[0] if message else 'request failed'} ({endpoint})"
    elif isinstance(exc, bex.BotoCoreError):
        cause = f"{type(exc).__name__}: {exc}".splitlines()[0]
    else:
        cause = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return SmrError(problems=[Problem("newsroom.yaml" if target.field else "", 0, target.field,
                                      f"{where}: {cause}")])
