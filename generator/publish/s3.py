"""S3 through boto3: targets (`s3://bucket/prefix/`), the one client a publish shares, the
few calls it makes, and failures turned into one line for people.

botocore does the talking: credentials (the whole AWS chain: environment, AWS_PROFILE,
~/.aws/config, SSO, instance roles), addressing ("auto": path style for custom endpoints
such as 127.0.0.1 or localhost, virtual hosts on AWS), retries ("standard" mode), proxies,
AWS_CA_BUNDLE and region redirects. What is ours: saying on stderr when it retries, not
retrying what cannot get better, and the error lines. Nothing here reads, prints or stores
credentials, nor a password written into an endpoint URL (`without_userinfo`); every error
names the target and the cause in one line, because PR staff run this minutes before a
press moment.
"""

from __future__ import annotations

import re
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from generator.errors import Problem, SmrError
from generator.publish.plan import MULTIPART_CHUNK

MAX_ATTEMPTS = 5                    # when neither the caller nor AWS_MAX_ATTEMPTS / ~/.aws/config says
# Seconds to wait for a connection, and for the service after sending (the read timeout
# counts per wait on the socket, not for a whole upload: a body goes out in small blocks,
# each with its own timeout, so a slow line still sends an 8 MiB part). A healthy service
# answers in well under a second; a stuck one is tried TIMEOUT_ATTEMPTS times, not
# max_attempts times, so a publish against it fails within about a minute at most.
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 20
TIMEOUT_ATTEMPTS = 2
REJECTED_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                        "AuthorizationHeaderMalformed", "InvalidClientTokenId"}
REDIRECTS = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"}
# "scheme://user:password@": a URL's userinfo, wherever it turns up in a line smr shows.
USERINFO = re.compile(r"(?<=://)[^/?#@\s]*@")


def without_userinfo(url: str | None) -> str | None:
    """The URL with no user name or password. S3 never uses them (requests are signed with the
    AWS credentials), so an endpoint_url written as https://key:secret@host/ is used, shown
    and linked without them: a secret in it must never reach a message or a public page."""
    return USERINFO.sub("", url, count=1) if url else url


def has_userinfo(url: str | None) -> bool:
    return bool(url and USERINFO.search(url))


def hide_userinfo(text: str) -> str:
    """Any URL in `text` with its userinfo as `***@` (botocore's own messages name the URL it
    was given, e.g. from AWS_ENDPOINT_URL_S3 or ~/.aws/config)."""
    return USERINFO.sub("***@", text)


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
    path_style: bool = False          # only an override: botocore already picks path style where needed
    max_attempts: int | None = None   # default: AWS_MAX_ATTEMPTS or ~/.aws/config, else MAX_ATTEMPTS
    jobs: int = 32
    read_timeout: float = READ_TIMEOUT   # seconds to wait for the service's answer (SMR_READ_TIMEOUT)


# ---------------------------------------------------------------- the client

def client(conn: Connection, say=None, credentials: tuple | None = None):
    """One botocore S3 client, shared by all upload threads (a pool of `jobs` connections).

    `say(line)` hears each retry (default: a line on stderr). `credentials` (access key,
    secret, token, as `credentials_of` gives them) sign instead of the AWS chain's: an
    upload worker signs with exactly its publish's, whatever environment it started in."""
    import boto3
    import botocore.session
    from botocore.config import Config

    core = botocore.session.get_session()   # reads the AWS chain: environment, profile, config file
    attempts = conn.max_attempts or core.get_config_variable("max_attempts") or MAX_ATTEMPTS
    config = Config(max_pool_connections=conn.jobs, connect_timeout=CONNECT_TIMEOUT, read_timeout=conn.read_timeout,
                    retries={"mode": "standard", "total_max_attempts": attempts},
                    s3={"addressing_style": "path"} if conn.path_style else None,
                    # Content-MD5 protects each PUT; extra CRC headers are more than some S3-compatible services take
                    request_checksum_calculation="when_required", response_checksum_validation="when_required")
    session = boto3.session.Session(botocore_session=core, region_name=conn.region)
    keys = dict(zip(("aws_access_key_id", "aws_secret_access_key", "aws_session_token"), credentials or ()))
    s3 = session.client("s3", endpoint_url=conn.endpoint_url, config=config, **keys)
    RetryNotices(attempts, say or say_on_stderr).register(s3.meta.events)
    # Signing reads a body to hash it: bytes count as sent only once the request is signed
    # (botocore signs in request-created; s3transfer does the same for its bodies).
    s3.meta.events.register_first("request-created.s3", _signing)
    s3.meta.events.register_last("request-created.s3", _sending)
    return s3


def credentials_of() -> tuple | None:
    """(access key, secret, token) the AWS chain gives this process (environment, profile,
    config file), for its upload workers; never shown or kept. None: there are none."""
    import botocore.session

    found = botocore.session.get_session().get_credentials()
    if found is None:
        return None
    frozen = found.get_frozen_credentials()
    return frozen.access_key, frozen.secret_key, frozen.token


def _signing(request, **_):
    if hasattr(request.body, "signal_not_transferring"):
        request.body.signal_not_transferring()


def _sending(request, **_):
    if hasattr(request.body, "signal_transferring"):
        request.body.signal_transferring()


class SentBody:
    """A PUT body that tells `progress(n)` about the bytes the connection reads from it while
    sending (not while botocore hashes it for the signature). A retry rewinds it: that comes
    as a negative n, as s3transfer's callbacks do for the parts of large files."""

    def __init__(self, data: bytes, progress):
        self.data, self.progress = data, progress
        self.position, self.sending = 0, False

    def __len__(self) -> int:
        return len(self.data)

    def read(self, size: int | None = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else min(len(self.data), self.position + size)
        chunk = self.data[self.position:end]
        self.position = end
        if self.sending and chunk:
            self.progress(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        new = max(0, (0, self.position, len(self.data))[whence] + offset)
        if self.sending and new != self.position:
            self.progress(new - self.position)
        self.position = new
        return new

    def tell(self) -> int:
        return self.position

    def signal_transferring(self) -> None:
        self.sending = True

    def signal_not_transferring(self) -> None:
        self.sending = False


def say_on_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class RetryNotices:
    """Hooks on botocore's events: a line each time it sends a request again, saying why; no
    retries for what cannot get better (a host name that does not resolve, an untrusted
    certificate), so those fail at once; and a timeout tried TIMEOUT_ATTEMPTS times at most
    (a service that does not answer in READ_TIMEOUT s seldom does on the fifth try).
    botocore's own policy decides everything else."""

    QUIET_FOR = 2.0   # seconds: parallel requests failing alike make one line, not one each

    def __init__(self, max_attempts: int, say):
        self.max_attempts, self.say = max_attempts, say
        self.last = ("", 0.0)
        self.lock = threading.Lock()

    def register(self, events) -> None:
        events.register_first("needs-retry.s3", self.judge)   # first: its False is the answer
        events.register("request-created.s3", self.announce)

    def judge(self, request_dict, response=None, caught_exception=None, attempts=1, **_):
        """After each attempt: remember why it failed, for the announcement of the next one."""
        if caught_exception is not None and hopeless(caught_exception):
            return False
        limit = self.max_attempts
        if caught_exception is not None and timed_out(caught_exception):
            limit = min(limit, TIMEOUT_ATTEMPTS)
            if attempts >= limit:
                return False
        request_dict["context"]["smr_retry_reason"] = failure_reason(caught_exception, response)
        request_dict["context"]["smr_retry_limit"] = limit
        return None

    def announce(self, request, **_):
        attempt = request.context.get("retries", {}).get("attempt", 1)
        reason = request.context.get("smr_retry_reason")
        if attempt > 1 and reason:
            limit = request.context.get("smr_retry_limit", self.max_attempts)
            self.say_once(hide_userinfo(f"retrying ({attempt}/{limit}): {reason}"))

    def say_once(self, line: str) -> None:
        with self.lock:
            now = time.monotonic()
            repeated = self.last[0] == line and now - self.last[1] < self.QUIET_FOR
            self.last = (line, now)
        if not repeated:
            self.say(line)


def failure_reason(exc: BaseException | None, response) -> str | None:
    """Why an attempt failed, in a few words; None when it did not (or was only redirected)."""
    if exc is not None:
        return connection_problem(exc)
    http, parsed = response
    code = parsed.get("Error", {}).get("Code")
    if http.status_code < 300 or http.status_code in (301, 302, 307) or code in REDIRECTS:
        return None   # success, or following the bucket to its region: not a retry
    return code or f"HTTP {http.status_code}"


def causes(exc: BaseException | None):
    """The exception and those it was raised from (botocore's wraps urllib3's, which wraps the socket's)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


class UploadStopped(Exception):
    """Raised by an upload's progress hook to stop it (the publish failed elsewhere, or was
    interrupted); never retried, and boto3's managed transfer aborts its multipart upload."""


def hopeless(exc: BaseException) -> bool:
    """Retrying will not change the answer: the name does not resolve, the certificate is not
    trusted, or smr itself stopped the upload."""
    return any(isinstance(e, (socket.gaierror, ssl.SSLCertVerificationError, UploadStopped)) for e in causes(exc))


def timed_out(exc: BaseException) -> bool:
    """No connection, or no answer, within the timeouts."""
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    return isinstance(exc, (ConnectTimeoutError, ReadTimeoutError))


def connection_problem(exc: BaseException) -> str:
    """'connection refused', 'host name does not resolve', 'certificate not trusted (...)', ..."""
    chain = list(causes(exc))
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "host name does not resolve"
        if isinstance(e, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({e.verify_message})"
    from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError

    if isinstance(exc, ConnectTimeoutError):
        return "connection timed out"
    if isinstance(exc, ReadTimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionClosedError):
        return "connection closed before an answer"
    root = chain[-1]
    if isinstance(root, OSError) and root.strerror:
        return root.strerror[0].lower() + root.strerror[1:]
    return str(root).splitlines()[0] if str(root) else type(root).__name__


def public_url(target: Target, s3) -> str:
    """The URL of a target's prefix, as this client addresses it (path style or virtual host)."""
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": target.bucket})
    return without_userinfo(url.split("?", 1)[0].rstrip("/")) + "/" + quote(target.prefix)


# ---------------------------------------------------------------- the calls publish makes

def list_objects(s3, bucket: str, prefix: str, page_size: int = 1000) -> dict[str, tuple[int, str]]:
    """key -> (size, ETag without quotes), every page."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix,
                                                         PaginationConfig={"PageSize": page_size})
    return {o["Key"]: (o["Size"], o["ETag"].strip('"')) for page in pages for o in page.get("Contents", ())}


def get_object(s3, bucket: str, key: str) -> bytes | None:
    """The body, or None when there is no such key."""
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def put_object(s3, bucket: str, key: str, body: bytes, headers: dict, metadata: dict | None = None,
               content_md5: str | None = None, progress=None) -> str:
    """One PUT; with Content-MD5 S3 refuses a body damaged on the way. Returns the ETag.

    `progress(n)` hears the bytes as they are sent (n < 0: a retry starts again)."""
    extra = {"ContentMD5": content_md5} if content_md5 else {}
    answer = s3.put_object(Bucket=bucket, Key=key, Body=SentBody(body, progress) if progress else body,
                           Metadata=metadata or {}, **headers, **extra)
    return answer["ETag"].strip('"')


def upload_file(s3, path, bucket: str, key: str, headers: dict, metadata: dict | None = None,
                progress=None) -> str:
    """boto3's managed transfer (multipart in MULTIPART_CHUNK parts, aborted on failure); returns the ETag.

    `progress(n)` hears the bytes as they are sent (n < 0: a part is sent again); an
    exception it raises stops the transfer, which then aborts the multipart upload."""
    from boto3.s3.transfer import TransferConfig

    # The parts of one file go one after another: the files themselves already fill the connection pool.
    config = TransferConfig(multipart_threshold=MULTIPART_CHUNK, multipart_chunksize=MULTIPART_CHUNK, use_threads=False)
    s3.upload_file(str(path), bucket, key, ExtraArgs={**headers, "Metadata": metadata or {}}, Config=config,
                   Callback=progress)
    return s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')


def incomplete_uploads(s3, bucket: str, prefix: str) -> list[tuple[str, str]]:
    """(key, upload id) of every multipart upload begun under `prefix` and neither completed
    nor aborted: the parts of an upload whose process was killed, which S3 keeps (and bills)."""
    pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix)
    return [(u["Key"], u["UploadId"]) for page in pages for u in page.get("Uploads", ())
            if u["Key"].startswith(prefix)]


def abort_upload(s3, bucket: str, key: str, upload_id: str) -> None:
    """Throw away an incomplete multipart upload and its parts (one gone already is fine)."""
    try:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except s3.exceptions.NoSuchUpload:
        pass


def create_bucket(s3, bucket: str, dry_run: bool = False) -> bool:
    """Create `bucket` in the client's region unless it exists; True when it was (or, in a dry
    run, would be) created. A bucket of someone else's fails with the service's answer."""
    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except s3.exceptions.ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
            raise
    if dry_run:
        return True
    region = s3.meta.region_name
    where = {"CreateBucketConfiguration": {"LocationConstraint": region}} if region and region != "us-east-1" else {}
    try:
        s3.create_bucket(Bucket=bucket, **where)
    except s3.exceptions.BucketAlreadyOwnedByYou:   # made meanwhile, by us
        return False
    return True


def delete_objects(s3, bucket: str, keys: list[str]) -> list[str]:
    """Delete up to 1000 keys in one request; returns the keys S3 could not delete."""
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
    return [e["Key"] for e in answer.get("Errors", ())]


# ---------------------------------------------------------------- errors

def explain(exc: BaseException, target: Target, conn: Connection) -> SmrError:
    """One line naming the target and the cause; never the credentials or a traceback."""
    if isinstance(exc, SmrError):   # already one clear line
        return exc
    endpoint = hide_userinfo(conn.endpoint_url or _service_of(exc) or "AWS S3")
    return SmrError(problems=[Problem("newsroom.yaml" if target.field else "", 0, target.field,
                                      hide_userinfo(f"{target.url}: {cause(exc, target, endpoint, conn)}"))])


def _service_of(exc: BaseException) -> str | None:
    """scheme://host of the URL a connection error names (an endpoint from AWS_ENDPOINT_URL_S3
    or ~/.aws/config, which smr's settings never see), without its userinfo."""
    parts = urlsplit(getattr(exc, "kwargs", {}).get("endpoint_url") or "")
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.scheme and parts.netloc else None


def cause(exc: BaseException, target: Target, endpoint: str, conn: Connection | None = None) -> str:
    from botocore.exceptions import (
        ClientError, ConnectionError, ConnectTimeoutError, HTTPClientError, NoCredentialsError,
        ParamValidationError, ReadTimeoutError,
    )

    conn = conn or Connection()
    host = urlsplit(getattr(exc, "kwargs", {}).get("endpoint_url") or "").netloc.rpartition("@")[2] or endpoint
    if isinstance(exc, ReadTimeoutError):
        return (f"{host} accepted the connection but did not answer within {conn.read_timeout:g} s; "
                "the service is down or overloaded, or something in between (a proxy, a firewall) holds "
                "the requests; check endpoint_url and the network")
    if isinstance(exc, ConnectTimeoutError):
        return (f"cannot reach {host} (no connection within {CONNECT_TIMEOUT} s); "
                "check endpoint_url and the network")
    if isinstance(exc, NoCredentialsError):
        return ("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_PROFILE, or ~/.aws/credentials")
    if isinstance(exc, (ConnectionError, HTTPClientError)):
        return f"cannot reach {endpoint} ({connection_problem(exc)}); check endpoint_url and the network"
    if isinstance(exc, ClientError):
        return service_error(exc, target, endpoint)
    if isinstance(exc, ParamValidationError):
        return " ".join(str(exc).split())
    return f"{type(exc).__name__}: {exc}".splitlines()[0]   # e.g. ProfileNotFound


def service_error(exc, target: Target, endpoint: str) -> str:
    """The service answered with an error: say what it means for a publish."""
    error = exc.response.get("Error", {})
    code, message = error.get("Code", ""), error.get("Message", "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    make = (f"; add --create-buckets to smr publish, or create it with: aws s3 mb s3://{target.bucket}"
            + (f" --endpoint-url {endpoint}" if "://" in endpoint else ""))
    if code == "NoSuchBucket":
        return f"bucket {target.bucket!r} does not exist at {endpoint}{make}"
    if status == 404 and code in ("404", "NotFound", ""):
        return f"HTTP 404 from {endpoint}: no bucket {target.bucket!r} there, or not an S3 endpoint{make}"
    if code == "BucketAlreadyExists":
        return f"the bucket name {target.bucket!r} is taken by another account; choose another name"
    if code in REJECTED_CREDENTIALS:
        return (f"credentials rejected by {endpoint} ({code}); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                "or AWS_PROFILE")
    if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
        return f"access denied by {endpoint}; the credentials may not write to this bucket"
    first_line = message.splitlines()[0] if message else "request failed"
    return f"{code or status}: {first_line} ({endpoint})"
