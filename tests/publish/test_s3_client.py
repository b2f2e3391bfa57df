"""The small S3 client: signatures, awkward keys, paging, multipart, retries and faults,
against a real SeaweedFS (read back with boto3) and a real fault-injecting proxy."""

from __future__ import annotations

import http.client
import http.server
import os
import threading
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from generator.publish.s3_client import NoCredentials, S3Client, S3Error, Unreachable
from generator.publish.sigv4 import EMPTY_SHA256, Credentials, Signer

AWKWARD_KEYS = ["plain.txt", "map met spatie/foto 1.jpg", "één/ü+ß.txt", "a+b=c&d.txt", "tilde~(1)*!.txt",
                "100%/echt'quote.txt", "diep/ge/nest/x.html"]


def test_signature_matches_the_aws_documentation_example():
    """GET Object example from the S3 SigV4 documentation ("Examples of signature calculations")."""
    signed = Signer("us-east-1").headers(
        Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "GET",
        "examplebucket.s3.amazonaws.com", "/test.txt", {}, {"Range": "bytes=0-9"}, EMPTY_SHA256,
        datetime(2013, 5, 24, tzinfo=timezone.utc))
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    assert "wJalr" not in repr(Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))


@pytest.fixture
def client(s3server, aws_env):
    return S3Client(s3server.endpoint, "us-east-1", path_style=True, max_attempts=2)


def test_awkward_keys_round_trip_with_headers(client, s3server):
    bucket = s3server.bucket("keys")
    for n, key in enumerate(AWKWARD_KEYS):
        etag = client.put_object(bucket, key, f"body {n}".encode(), {
            "ContentType": "text/plain; charset=utf-8", "CacheControl": "public, max-age=300",
            "ContentDisposition": "attachment; filename*=UTF-8''%C3%A9%C3%A9n.txt"}, {"md5": "abc"})
        assert len(etag) == 32
    boto = s3server.client()
    assert set(s3server.objects(bucket)) == set(AWKWARD_KEYS)
    assert {k: v[0] for k, v in client.list_objects(bucket, "").items()} == {
        k: len(f"body {n}") for n, k in enumerate(AWKWARD_KEYS)}
    head = boto.head_object(Bucket=bucket, Key="één/ü+ß.txt")
    assert head["ContentType"] == "text/plain; charset=utf-8" and head["CacheControl"] == "public, max-age=300"
    assert head["ContentDisposition"].startswith("attachment;") and head["Metadata"] == {"md5": "abc"}
    assert client.get_object(bucket, "a+b=c&d.txt") == b"body 3"
    assert client.get_object(bucket, "nothing here") is None
    assert client.list_objects(bucket, "één/") == {"één/ü+ß.txt": client.list_objects(bucket, "")["één/ü+ß.txt"]}


def test_listing_pages_and_deletes(client, s3server):
    bucket = s3server.bucket("pages")
    keys = [f"p/{n:02d} x.txt" for n in range(7)]
    for key in keys:
        client.put_object(bucket, key, b"x", {})
    assert sorted(client.list_objects(bucket, "p/", page_size=2)) == keys
    assert client.delete_objects(bucket, keys[:5]) == []
    assert sorted(s3server.objects(bucket)) == keys[5:]


def test_multipart_upload(client, s3server):
    import hashlib

    bucket = s3server.bucket("multi")
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(1000)]
    etag = client.put_multipart(bucket, "groot bestand.zip", iter(parts), {"ContentType": "application/zip"})
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert etag == f"{digest}-2"
    assert s3server.client().get_object(Bucket=bucket, Key="groot bestand.zip")["Body"].read() == b"".join(parts)


def test_errors_are_typed(s3server, aws_env):
    client = S3Client(s3server.endpoint, "us-east-1", path_style=True, max_attempts=2)
    with pytest.raises(S3Error) as info:
        client.list_objects("no-such-bucket-x", "")
    assert info.value.code == "NoSuchBucket"
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    with pytest.raises(S3Error) as info:
        S3Client(s3server.endpoint, "us-east-1", path_style=True).list_objects(s3server.bucket(), "")
    assert info.value.code == "SignatureDoesNotMatch"
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    with pytest.raises(NoCredentials):
        S3Client(s3server.endpoint, "us-east-1", path_style=True)


# ---------------------------------------------------------------- faults, through a real proxy

class FaultyProxy(http.server.ThreadingHTTPServer):
    """Forwards to the real S3 server, but answers some requests with a fault first:
    `plan` maps the n-th request (1-based) to "slowdown" (503 SlowDown), "drop" (connection
    closed without an answer), "throttle" (429) or "moved" (301 naming another region)."""

    daemon_threads = True

    def __init__(self, upstream: str, plan: dict[int, str] | None = None, always: str | None = None):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream, self.plan, self.always = urlsplit(upstream).netloc, plan or {}, always
        self.count, self.faults, self.lock = 0, [], threading.Lock()
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _any(self):
        server: FaultyProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with server.lock:
            server.count += 1
            fault = server.always or server.plan.get(server.count)
            if fault:
                server.faults.append((fault, self.command, self.path))
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault == "moved":   # what AWS answers when a request was signed for another region
            reply = b"<Error><Code>PermanentRedirect</Code><Message>Use the right endpoint.</Message></Error>"
            self.send_response(301)
            self.send_header("x-amz-bucket-region", "eu-west-1")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
            return
        if fault in ("slowdown", "throttle"):
            code, status = ("SlowDown", 503) if fault == "slowdown" else ("TooManyRequestsException", 429)
            reply = f"<Error><Code>{code}</Code><Message>Please reduce your request rate.</Message></Error>".encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
            return
        conn = http.client.HTTPConnection(server.upstream, timeout=30)
        conn.request(self.command, self.path, body=body or None, headers=dict(self.headers))
        answer = conn.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any


def test_throttling_and_dropped_connections_are_retried(s3server, aws_env):
    bucket = s3server.bucket("retry")
    proxy = FaultyProxy(s3server.endpoint, {2: "slowdown", 3: "drop", 5: "throttle", 6: "slowdown", 9: "drop"})
    try:
        client = S3Client(proxy.endpoint, "us-east-1", path_style=True, max_attempts=4)
        for n in range(6):
            client.put_object(bucket, f"f{n}.txt", f"inhoud {n}".encode(), {"ContentType": "text/plain"})
        assert sorted(client.list_objects(bucket, "")) == [f"f{n}.txt" for n in range(6)]
    finally:
        proxy.shutdown()
    assert [f for f, _, _ in proxy.faults] == ["slowdown", "drop", "throttle", "slowdown", "drop"]
    assert {k: v["Size"] for k, v in s3server.objects(bucket).items()} == {f"f{n}.txt": 8 for n in range(6)}


def test_gives_up_after_max_attempts(s3server, aws_env):
    proxy = FaultyProxy(s3server.endpoint, always="slowdown")
    try:
        with pytest.raises(S3Error) as info:
            S3Client(proxy.endpoint, "us-east-1", path_style=True, max_attempts=3).list_objects("any", "")
        assert info.value.code == "SlowDown" and proxy.count == 3
        proxy.always = "drop"
        with pytest.raises(Unreachable):
            S3Client(proxy.endpoint, "us-east-1", path_style=True, max_attempts=2).list_objects("any", "")
    finally:
        proxy.shutdown()


class ConnectProxy(http.server.ThreadingHTTPServer):
    """A real CONNECT tunnel proxy, as companies run; records the tunnels it opened."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _TunnelHandler)
        self.tunnels: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _TunnelHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_CONNECT(self):
        import select
        import socket

        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        self.server.tunnels.append(self.path)
        self.send_response(200, "Connection established")
        self.end_headers()
        ends = [self.connection, upstream]
        while True:
            ready, _, _ = select.select(ends, [], [], 10)
            if not ready:
                break
            for end in ready:
                data = end.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if end is self.connection else self.connection).sendall(data)


def test_requests_go_through_the_configured_proxy(s3server, aws_env):
    bucket = s3server.bucket("proxy")
    proxy = ConnectProxy()
    try:
        env = dict(os.environ, HTTP_PROXY=proxy.url)
        S3Client(s3server.endpoint, "us-east-1", path_style=True, env=env).put_object(bucket, "via.txt", b"ok", {})
        assert proxy.tunnels == [urlsplit(s3server.endpoint).netloc]
        env["NO_PROXY"] = "127.0.0.1"
        S3Client(s3server.endpoint, "us-east-1", path_style=True, env=env).put_object(bucket, "direct.txt", b"ok", {})
        assert len(proxy.tunnels) == 1
    finally:
        proxy.shutdown()
    assert set(s3server.objects(bucket)) == {"via.txt", "direct.txt"}


def test_https_endpoint_with_a_private_ca_bundle(s3server, aws_env, tmp_path):
    """AWS S3 is reached over TLS: a TLS front to the real server, trusted only through AWS_CA_BUNDLE."""
    import ssl
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    proxy = FaultyProxy(s3server.endpoint)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    proxy.socket = context.wrap_socket(proxy.socket, server_side=True)
    endpoint = proxy.endpoint.replace("http://", "https://")
    bucket = s3server.bucket("tls")
    connections, accept = [], proxy.get_request
    proxy.get_request = lambda: connections.append(1) or accept()
    try:
        env = dict(os.environ, AWS_CA_BUNDLE=str(cert))
        client = S3Client(endpoint, "us-east-1", path_style=True, env=env)
        client.put_object(bucket, "veilig.txt", b"over tls", {})
        assert client.list_objects(bucket, "") == {"veilig.txt": (8, client.list_objects(bucket, "")["veilig.txt"][1])}
        env.pop("AWS_CA_BUNDLE")
        untrusted = S3Client(endpoint, "us-east-1", path_style=True, env=env, max_attempts=5)
        with pytest.raises(Unreachable, match="certificate"):
            untrusted.list_objects(bucket, "")
    finally:
        proxy.shutdown()
    assert proxy.count == 3 and len(connections) == 2, "one kept-alive connection; a certificate failure is not retried"


def test_credentials_and_region_from_an_aws_profile(s3server, aws_env, tmp_path):
    """Without keys in the environment, the AWS chain (botocore's resolver) reads the profile."""
    from tests.s3server import ACCESS_KEY, SECRET_KEY

    bucket = s3server.bucket("profile")   # boto3's own session has read the environment before

    (tmp_path / "credentials").write_text(
        f"[pers]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (tmp_path / "config").write_text("[profile pers]\nregion = eu-west-1\n")
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        aws_env.delenv(name, raising=False)
    aws_env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    aws_env.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    aws_env.setenv("AWS_PROFILE", "pers")
    client = S3Client(s3server.endpoint, path_style=True)
    assert client.region == "eu-west-1"
    client.put_object(bucket, "uit-profiel.txt", b"ok", {})
    assert set(client.list_objects(bucket, "")) == {"uit-profiel.txt"}


def test_a_bucket_in_another_region_is_followed_without_costing_an_attempt(s3server, aws_env):
    bucket = s3server.bucket("region")
    proxy = FaultyProxy(s3server.endpoint, {1: "moved"})
    try:
        client = S3Client(proxy.endpoint, "us-east-1", path_style=True, max_attempts=1)
        client.put_object(bucket, "elders.txt", b"ok", {})
        assert client._region_for(bucket) == "eu-west-1" and client.region == "us-east-1"
    finally:
        proxy.shutdown()
    assert [f for f, _, _ in proxy.faults] == ["moved"] and proxy.count == 2
    assert set(s3server.objects(bucket)) == {"elders.txt"}
