"""A small S3 client: the eight calls publish needs, over keep-alive HTTP connections.

Why not botocore: creating its client costs about 0.25 s and each request about 1.3 ms of
CPU, which made a no-op publish slower than rclone. The retry policy is botocore's
"standard" mode (up to `max_attempts` tries; exponential backoff with full jitter, capped
at 20 s; retried on throttling, 5xx, request timeouts and dropped connections).
Credentials come from the standard AWS chain: the environment directly, anything else
(profiles, SSO, instance roles) through botocore's resolver, loaded only then.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import random
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit
from xml.sax.saxutils import escape as xml_escape

from generator.publish.sigv4 import EMPTY_SHA256, UNSIGNED, Credentials, Signer, uri_encode

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
MAX_BACKOFF = 20.0
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 60
THROTTLING = {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
              "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
              "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
              "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"}
TRANSIENT_CODES = {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError"}
TRANSIENT_STATUS = {500, 502, 503, 504}
HEADER_NAMES = {"ContentType": "Content-Type", "CacheControl": "Cache-Control",
                "ContentDisposition": "Content-Disposition"}


class S3Error(Exception):
    """The service answered with an error."""

    def __init__(self, status: int, code: str, message: str = ""):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Unreachable(Exception):
    """No answer from the endpoint, after retries."""


class NoCredentials(Exception):
    """Nothing in the AWS chain."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class S3Client:
    """Thread-safe: each thread keeps its own connection to the endpoint."""

    def __init__(self, endpoint_url: str | None = None, region: str | None = None,
                 path_style: bool = False, max_attempts: int = 5, env=None):
        env = os.environ if env is None else env
        self._credentials = _Credentials(env)
        self.region = region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or self._profile_region()
        self.endpoint = endpoint_url or env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
        self.path_style = path_style
        self.max_attempts = max(1, max_attempts)
        self._env = env
        self._ssl = None   # made on the first https connection: loading a CA bundle takes a while
        self._signers: dict[str, Signer] = {}
        self._bucket_region: dict[str, str] = {}
        self._local = threading.local()

    # ---------------------------------------------------------------- the calls publish makes

    def list_objects(self, bucket: str, prefix: str, page_size: int = 1000) -> dict[str, tuple[int, str]]:
        """key -> (size, ETag without quotes), every page."""
        objects: dict[str, tuple[int, str]] = {}
        query = {"list-type": "2", "prefix": prefix, "encoding-type": "url", "max-keys": str(page_size)}
        while True:
            root = ET.fromstring(self.request("ListObjectsV2", "GET", bucket, "", query).body)
            for item in root.iter(NS + "Contents"):
                key = unquote_plus(item.findtext(NS + "Key", ""))
                objects[key] = (int(item.findtext(NS + "Size", "0")), item.findtext(NS + "ETag", "").strip('"'))
            token = root.findtext(NS + "NextContinuationToken")
            if root.findtext(NS + "IsTruncated") != "true" or not token:
                return objects
            query["continuation-token"] = token

    def get_object(self, bucket: str, key: str) -> bytes | None:
        """The body, or None when there is no such key."""
        try:
            return self.request("GetObject", "GET", bucket, key).body
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "404", "NotFound") or (exc.status == 404 and exc.code != "NoSuchBucket"):
                return None
            raise

    def put_object(self, bucket: str, key: str, body: bytes, headers: dict[str, str],
                   metadata: dict[str, str] | None = None, content_md5: str | None = None) -> str:
        """One PUT with Content-MD5 (pass it when known), so S3 refuses a body damaged on the
        way; returns the ETag."""
        extra = _http_headers(headers, metadata) | {"Content-MD5": content_md5 or _md5_b64(body)}
        response = self.request("PutObject", "PUT", bucket, key, body=body, headers=extra)
        return response.headers.get("ETag", "").strip('"')

    def put_multipart(self, bucket: str, key: str, chunks, headers: dict[str, str],
                      metadata: dict[str, str] | None = None) -> str:
        """Upload an iterable of parts; an interrupted upload is aborted so no parts linger."""
        created = self.request("CreateMultipartUpload", "POST", bucket, key, {"uploads": ""},
                               headers=_http_headers(headers, metadata))
        upload_id = ET.fromstring(created.body).findtext(NS + "UploadId", "")
        try:
            etags = []
            for number, chunk in enumerate(chunks, 1):
                response = self.request("UploadPart", "PUT", bucket, key,
                                        {"partNumber": str(number), "uploadId": upload_id}, body=chunk,
                                        headers={"Content-MD5": _md5_b64(chunk)})
                etags.append(response.headers.get("ETag", ""))
            parts = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{xml_escape(e)}</ETag></Part>"
                            for n, e in enumerate(etags, 1))
            body = f"<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>".encode()
            done = self.request("CompleteMultipartUpload", "POST", bucket, key, {"uploadId": upload_id},
                                body=body, headers={"Content-MD5": _md5_b64(body)})
            root = ET.fromstring(done.body)
            if root.tag == "Error":   # S3 may answer 200 and still fail the completion
                raise S3Error(500, root.findtext("Code", "InternalError"), root.findtext("Message", ""))
            return root.findtext(NS + "ETag", "").strip('"')
        except BaseException:
            try:
                self.request("AbortMultipartUpload", "DELETE", bucket, key, {"uploadId": upload_id})
            except Exception:  # noqa: BLE001 - the original error is the one to report
                pass
            raise

    def delete_objects(self, bucket: str, keys: list[str]) -> list[str]:
        """Delete up to 1000 keys in one request; returns the keys S3 could not delete."""
        objects = "".join(f"<Object><Key>{xml_escape(k)}</Key></Object>" for k in keys)
        body = f"<Delete><Quiet>true</Quiet>{objects}</Delete>".encode()
        response = self.request("DeleteObjects", "POST", bucket, "", {"delete": ""}, body=body,
                                headers={"Content-MD5": _md5_b64(body)})
        root = ET.fromstring(response.body) if response.body.strip() else None
        return [] if root is None else [e.findtext(NS + "Key", "") for e in root.iter(NS + "Error")]

    # ---------------------------------------------------------------- one request, with retries

    def request(self, operation: str, method: str, bucket: str, key: str = "", query: dict | None = None,
                body: bytes = b"", headers: dict | None = None) -> Response:
        """Send, retrying what botocore's standard mode retries; raise S3Error or Unreachable."""
        query = query or {}
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, bucket, key, query, body, headers or {})
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                if attempt >= self.max_attempts or _is_certificate_error(exc):
                    raise Unreachable(_reason(exc)) from None
            else:
                if response.status < 300:
                    return response
                error = _error(response)
                if self._moved(bucket, response, error):
                    attempt -= 1   # sent to the wrong region: not a failed attempt
                    continue
                if not _retryable(error) or attempt >= self.max_attempts:
                    raise error
            time.sleep(min(MAX_BACKOFF, random.random() * 2 ** (attempt - 1)))

    def _moved(self, bucket: str, response: Response, error: S3Error) -> bool:
        """AWS names the bucket's region when a request went to another one: use it from now on."""
        region = response.headers.get("x-amz-bucket-region")
        if region and region != self._region_for(bucket) and error.status in (301, 400):
            self._bucket_region[bucket] = region
            return True
        return False

    def _send(self, method: str, bucket: str, key: str, query: dict, body: bytes, headers: dict) -> Response:
        host, path = self._address(bucket, key)
        region = self._region_for(bucket)
        signer = self._signers.get(region) or self._signers.setdefault(region, Signer(region))
        payload = UNSIGNED if body else EMPTY_SHA256
        signed = signer.headers(self._credentials(), method, host, path, query, headers, payload)
        target = path + ("?" + "&".join(f"{uri_encode(k)}={uri_encode(v)}" if v else uri_encode(k)
                                        for k, v in query.items()) if query else "")
        args = (method, target, body if (body or method in ("PUT", "POST")) else None, signed)
        conn = self._connection(host)
        reused = conn.sock is not None
        try:
            conn.request(*args)
            reply = conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected):
            if not reused:
                raise
            self._drop_connection()      # the server closed an idle keep-alive connection: reconnect now
            conn = self._connection(host)
            conn.request(*args)
            reply = conn.getresponse()
        data = reply.read()
        if reply.will_close:
            self._drop_connection()
        return Response(reply.status, reply.headers, data)

    # ---------------------------------------------------------------- where to send it

    def _region_for(self, bucket: str) -> str:
        return self._bucket_region.get(bucket) or self.region

    def _address(self, bucket: str, key: str) -> tuple[str, str]:
        """(Host header, encoded path): path style for custom endpoints when asked, or when the
        bucket name cannot be a host name; virtual-hosted otherwise, as botocore's "auto"."""
        if self.endpoint:
            netloc = urlsplit(self.endpoint).netloc
        else:
            netloc = f"s3.{self._region_for(bucket)}.amazonaws.com"
        key_path = "/" + uri_encode(key, safe="/-_.~")
        dns_safe = bucket.islower() and bucket.replace("-", "").isalnum() and 3 <= len(bucket) <= 63
        if self.path_style or not dns_safe:
            return netloc, f"/{uri_encode(bucket)}{key_path}"
        return f"{bucket}.{netloc}", key_path

    def _connection(self, host: str) -> http.client.HTTPConnection:
        conns = self._local.__dict__.setdefault("conns", {})
        conn = conns.get(host)
        if conn is None:
            scheme = urlsplit(self.endpoint).scheme if self.endpoint else "https"
            if scheme == "https" and self._ssl is None:
                self._ssl = _ssl_context(self._env)
            conn = conns[host] = _open(scheme, host, self._ssl, self._env)
        return conn

    def _drop_connection(self) -> None:
        for conn in self._local.__dict__.pop("conns", {}).values():
            conn.close()

    def _profile_region(self) -> str:
        if getattr(self._credentials, "session", None):
            region = self._credentials.session.get_config_variable("region")
            if region:
                return region
        return "us-east-1"


# ---------------------------------------------------------------- helpers

def _open(scheme: str, host: str, context, env) -> http.client.HTTPConnection:
    """A connection that connects within CONNECT_TIMEOUT and then waits READ_TIMEOUT per read;
    through $HTTPS_PROXY / $HTTP_PROXY (CONNECT tunnel) unless $NO_PROXY covers the host."""
    from urllib.request import proxy_bypass_environment

    proxy = env.get(f"{scheme}_proxy") or env.get(f"{scheme.upper()}_PROXY")
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    no_proxy = {"no": env.get("no_proxy") or env.get("NO_PROXY") or ""}
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    kwargs = {"context": context} if scheme == "https" else {}
    if proxy and not proxy_bypass_environment(name, no_proxy):
        parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        conn = cls(parts.hostname, parts.port or 80, timeout=CONNECT_TIMEOUT, **kwargs)
        conn.set_tunnel(host)
    else:
        conn = cls(host, timeout=CONNECT_TIMEOUT, **kwargs)
    connect = conn.connect

    def connect_then_wait_longer():
        connect()
        conn.sock.settimeout(READ_TIMEOUT)

    conn.connect = connect_then_wait_longer
    return conn


def _ssl_context(env):
    import ssl

    bundle = env.get("AWS_CA_BUNDLE")
    return ssl.create_default_context(cafile=bundle) if bundle else ssl.create_default_context()


class _Credentials:
    """Frozen credentials for each request: straight from the environment, else botocore's chain
    (which refreshes temporary credentials before they expire)."""

    def __init__(self, env):
        self.session = None
        self._fixed = None
        self._botocore = None
        key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            self._fixed = Credentials(key, secret, env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN"))
            return
        import botocore.session

        self.session = botocore.session.get_session()
        self._botocore = self.session.get_credentials()
        if self._botocore is None:
            raise NoCredentials()

    def __call__(self) -> Credentials:
        if self._fixed:
            return self._fixed
        frozen = self._botocore.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def _http_headers(headers: dict[str, str], metadata: dict[str, str] | None) -> dict[str, str]:
    out = {HEADER_NAMES.get(k, k): v for k, v in headers.items()}
    for name, value in (metadata or {}).items():
        out[f"x-amz-meta-{name}"] = value
    return out


def _md5_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def _error(response: Response) -> S3Error:
    code, message = "", ""
    if response.body.strip().startswith(b"<"):
        try:
            root = ET.fromstring(response.body)
            code, message = root.findtext("Code", ""), root.findtext("Message", "")
        except ET.ParseError:
            pass
    return S3Error(response.status, code or str(response.status), message)


def _is_certificate_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "SSLCertVerificationError"   # retrying will not change the certificate


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in a few words (socket errors carry an errno prefix)."""
    reason = getattr(exc, "verify_message", None) or getattr(exc, "strerror", None) or str(exc)
    return f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__


def _retryable(error: S3Error) -> bool:
    return (error.code in THROTTLING or error.code in TRANSIENT_CODES or error.status in TRANSIENT_STATUS
            or error.status == 429)
