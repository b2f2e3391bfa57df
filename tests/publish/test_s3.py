"""The boto3 side of publish (generator/publish/s3.py): awkward keys, paging, multipart,
retries and what is said about them, errors as one line, proxies, TLS, profiles, addressing;
against a real SeaweedFS, through real proxies."""

from __future__ import annotations

import base64
import hashlib
import os
import random
import socket

import pytest

from generator.errors import SmrError
from generator.publish import s3 as s3api
from generator.publish.s3 import Connection, Target, explain
from tests.publish.proxies import ConnectProxy, FaultyProxy, SilentServer, SlowLink, self_signed
from tests.s3server import ACCESS_KEY, READER_KEY, READER_SECRET, SECRET_KEY

AWKWARD_KEYS = ["plain.txt", "map met spatie/foto 1.jpg", "één/ü+ß.txt", "a+b=c&d.txt", "tilde~(1)*!.txt",
                "100%/echt'quote.txt", "diep/ge/nest/x.html", "procent%20al-gecodeerd.txt"]


def connect(endpoint: str, said: list | None = None, **kwargs):
    """A client as publish makes it; retry notices go to `said`."""
    conn = Connection(endpoint, kwargs.pop("region", "us-east-1"), max_attempts=kwargs.pop("max_attempts", 2), **kwargs)
    return s3api.client(conn, say=(said if said is not None else []).append)


def failure(call, endpoint: str, target: Target | None = None) -> str:
    """The one line a user would read for what `call` raises."""
    with pytest.raises(Exception) as info:
        call()
    return str(explain(info.value, target or Target("bucket", ""), Connection(endpoint)))


@pytest.fixture
def client(s3server, aws_env):
    return connect(s3server.endpoint)


@pytest.fixture
def proxy(s3server):
    started = []

    def start(**kwargs) -> FaultyProxy:
        started.append(FaultyProxy(s3server.endpoint, **kwargs).start())
        return started[-1]

    yield start
    for server in started:
        server.shutdown()


# ---------------------------------------------------------------- the calls

def test_awkward_keys_round_trip_with_headers(client, s3server):
    bucket = s3server.bucket("keys")
    for n, key in enumerate(AWKWARD_KEYS):
        etag = s3api.put_object(client, bucket, key, f"body {n}".encode(), {
            "ContentType": "text/plain; charset=utf-8", "CacheControl": "public, max-age=300",
            "ContentDisposition": "attachment; filename*=UTF-8''%C3%A9%C3%A9n.txt"}, {"md5": "abc"})
        assert etag == hashlib.md5(f"body {n}".encode()).hexdigest()
    assert set(s3server.objects(bucket)) == set(AWKWARD_KEYS)
    listing = s3api.list_objects(client, bucket, "")
    assert {k: size for k, (size, _) in listing.items()} == {k: len(f"body {n}") for n, k in enumerate(AWKWARD_KEYS)}
    head = s3server.client().head_object(Bucket=bucket, Key="één/ü+ß.txt")
    assert head["ContentType"] == "text/plain; charset=utf-8" and head["CacheControl"] == "public, max-age=300"
    assert head["ContentDisposition"].startswith("attachment;") and head["Metadata"] == {"md5": "abc"}
    assert s3api.get_object(client, bucket, "a+b=c&d.txt") == b"body 3"
    assert s3api.get_object(client, bucket, "100%/echt'quote.txt") == b"body 5"
    assert s3api.get_object(client, bucket, "nothing here") is None
    assert s3api.list_objects(client, bucket, "één/") == {"één/ü+ß.txt": listing["één/ü+ß.txt"]}


def test_a_wrong_content_md5_is_refused(client, s3server):
    bucket = s3server.bucket("md5")
    damaged = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    with pytest.raises(Exception) as info:
        s3api.put_object(client, bucket, "x.txt", b"the body", {}, content_md5=damaged)
    assert "BadDigest" in str(info.value) or "InvalidDigest" in str(info.value)
    assert s3server.objects(bucket) == {}


def test_listing_pages_and_deletes(client, s3server):
    bucket = s3server.bucket("pages")
    keys = [f"p/{n:02d} x+y.txt" for n in range(7)]
    for key in keys:
        s3api.put_object(client, bucket, key, b"x", {})
    s3api.put_object(client, bucket, "q/elders.txt", b"x", {})
    assert sorted(s3api.list_objects(client, bucket, "p/", page_size=2)) == keys
    assert s3api.delete_objects(client, bucket, keys[:5]) == []
    assert sorted(s3server.objects(bucket)) == keys[5:] + ["q/elders.txt"]


def test_a_listing_of_more_than_a_thousand_keys(client, s3server):
    bucket = s3server.bucket("many")
    boto = s3server.client()
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"r/{n:04d}.html" for n in range(1005)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: boto.put_object(Bucket=bucket, Key=k, Body=b"."), keys))
    assert sorted(s3api.list_objects(client, bucket, "r/")) == keys


def test_large_files_go_through_the_managed_multipart_transfer(client, s3server, tmp_path):
    bucket = s3server.bucket("multi")
    big = tmp_path / "groot bestand.zip"
    data = random.Random(7).randbytes(s3api.MULTIPART_CHUNK + 1000)
    big.write_bytes(data)
    etag = s3api.upload_file(client, big, bucket, "dl/groot bestand.zip", {"ContentType": "application/zip",
                             "CacheControl": "public, max-age=3600"}, {"md5": hashlib.md5(data).hexdigest()})
    parts = [data[:s3api.MULTIPART_CHUNK], data[s3api.MULTIPART_CHUNK:]]
    assert etag == hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + "-2"
    from generator.publish.plan import digests
    assert digests(big) == (hashlib.md5(data).hexdigest(), etag), "the plan predicts the ETag S3 gives"
    stored = s3server.client().head_object(Bucket=bucket, Key="dl/groot bestand.zip")
    assert (stored["ContentType"], stored["CacheControl"]) == ("application/zip", "public, max-age=3600")
    assert stored["Metadata"] == {"md5": hashlib.md5(data).hexdigest()}
    assert s3server.client().get_object(Bucket=bucket, Key="dl/groot bestand.zip")["Body"].read() == data


def test_an_interrupted_multipart_upload_leaves_no_parts_behind(s3server, aws_env, proxy, tmp_path):
    bucket = s3server.bucket("abort")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(s3api.MULTIPART_CHUNK * 2 + 10))
    faulty = proxy(always="internal", when=lambda method, path: method == "PUT" and "partNumber=2" in path)
    with pytest.raises(Exception):
        s3api.upload_file(connect(faulty.endpoint), big, bucket, "big.bin", {})
    assert ("internal", "PUT") in {(f, m) for f, m, _ in faulty.faults}
    assert s3server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert s3server.objects(bucket) == {}


# ---------------------------------------------------------------- errors, one line each

def test_service_errors_become_one_line(s3server, aws_env, client):
    endpoint = s3server.endpoint
    line = failure(lambda: s3api.list_objects(client, "no-such-bucket-x", ""), endpoint, Target("no-such-bucket-x", ""))
    assert line == (f"s3://no-such-bucket-x/: bucket 'no-such-bucket-x' does not exist at {endpoint}; add "
                    "--create-buckets to smr publish, or create it with: aws s3 mb s3://no-such-bucket-x "
                    f"--endpoint-url {endpoint}")
    bucket = s3server.bucket("errors")
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
    line = failure(lambda: s3api.list_objects(connect(endpoint), bucket, ""), endpoint)
    assert "credentials rejected by" in line and "SignatureDoesNotMatch" in line and "wrong-secret" not in line
    aws_env.setenv("AWS_ACCESS_KEY_ID", READER_KEY)
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", READER_SECRET)
    line = failure(lambda: s3api.put_object(connect(endpoint), bucket, "x", b"x", {}), endpoint)
    assert line == f"s3://bucket/: access denied by {endpoint}; the credentials may not write to this bucket"
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    line = failure(lambda: s3api.list_objects(connect(endpoint), bucket, ""), endpoint)
    assert "no AWS credentials found" in line
    aws_env.setenv("AWS_PROFILE", "bestaat-niet")
    line = failure(lambda: s3api.list_objects(connect(endpoint), bucket, ""), endpoint)
    assert "bestaat-niet" in line and "\n" not in line


# ---------------------------------------------------------------- retries: botocore's, and said

def test_throttling_errors_and_dropped_connections_are_retried_and_said(s3server, aws_env, proxy):
    bucket = s3server.bucket("retry")
    faulty = proxy(plan={2: "slowdown", 3: "drop", 5: "throttle", 7: "internal", 9: "drop"})
    said = []
    client = connect(faulty.endpoint, said, max_attempts=4)
    for n in range(6):
        s3api.put_object(client, bucket, f"f{n}.txt", f"inhoud {n}".encode(), {"ContentType": "text/plain"})
    assert sorted(s3api.list_objects(client, bucket, "")) == [f"f{n}.txt" for n in range(6)]
    assert [f for f, _, _ in faulty.faults] == ["slowdown", "drop", "throttle", "internal", "drop"]
    assert {k: v["Size"] for k, v in s3server.objects(bucket).items()} == {f"f{n}.txt": 8 for n in range(6)}
    assert said == ["retrying (2/4): SlowDown", "retrying (3/4): connection closed before an answer",
                    "retrying (2/4): TooManyRequestsException", "retrying (2/4): InternalError",
                    "retrying (2/4): connection closed before an answer"]


def test_gives_up_after_max_attempts(s3server, aws_env, proxy):
    faulty = proxy(always="slowdown")
    said = []
    line = failure(lambda: s3api.list_objects(connect(faulty.endpoint, said, max_attempts=3), "any", ""),
                   faulty.endpoint)
    assert line == f"s3://bucket/: SlowDown: Please reduce your request rate. ({faulty.endpoint})"
    assert faulty.count == 3 and said == ["retrying (2/3): SlowDown", "retrying (3/3): SlowDown"]
    faulty.always = "drop"
    line = failure(lambda: s3api.list_objects(connect(faulty.endpoint, max_attempts=2), "any", ""), faulty.endpoint)
    assert line.startswith(f"s3://bucket/: cannot reach {faulty.endpoint} (connection closed before an answer)")


def test_a_bucket_in_another_region_is_followed_without_a_retry_notice(s3server, aws_env, proxy):
    bucket = s3server.bucket("region")
    faulty = proxy(plan={1: "moved"})
    said = []
    s3api.put_object(connect(faulty.endpoint, said, max_attempts=1), bucket, "elders.txt", b"ok", {})
    assert [f for f, _, _ in faulty.faults] == ["moved"] and faulty.count == 2
    assert set(s3server.objects(bucket)) == {"elders.txt"} and said == []


def test_a_host_name_that_does_not_resolve_fails_at_once(aws_env):
    said = []
    endpoint = "http://s3.nergens.invalid:8333"
    line = failure(lambda: s3api.list_objects(connect(endpoint, said, max_attempts=5), "bucket", ""), endpoint)
    assert line == f"s3://bucket/: cannot reach {endpoint} (host name does not resolve); check endpoint_url and the network"
    assert said == [], "no retries: the name will not resolve a second later"


# ---------------------------------------------------------------- addressing

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_local_endpoints_use_path_style_and_public_url_matches(s3server, aws_env, host):
    endpoint = s3server.endpoint.replace("127.0.0.1", host)
    bucket = s3server.bucket("adres")
    client = connect(endpoint)   # no path_style: botocore picks it for such endpoints
    sent = []
    client.meta.events.register("before-send.s3.PutObject", lambda request, **_: sent.append(request.url))
    s3api.put_object(client, bucket, "pre fix/één.txt", b"ok", {})
    assert set(s3server.objects(bucket)) == {"pre fix/één.txt"}
    target = Target(bucket, "pre fix/")
    assert sent == [s3api.public_url(target, client) + "%C3%A9%C3%A9n.txt"]
    assert s3api.public_url(target, client) == f"{endpoint}/{bucket}/pre%20fix/"


def test_public_url_on_aws_is_the_buckets_virtual_host(aws_env):
    """As `aws s3 presign` gives it: the bucket's own host name, which reaches it in any region."""
    client = connect(None, region="eu-west-1")
    assert s3api.public_url(Target("pers-media", "hires/"), client) == "https://pers-media.s3.amazonaws.com/hires/"
    forced = connect(None, region="eu-west-1", path_style=True)
    assert s3api.public_url(Target("pers-media", ""), forced) == "https://s3.eu-west-1.amazonaws.com/pers-media/"


# ---------------------------------------------------------------- TLS, proxies, profiles

@pytest.fixture
def tls_front(s3server, tmp_path):
    """The real server behind TLS with a certificate only AWS_CA_BUNDLE can vouch for."""
    cert, key = self_signed(tmp_path)
    front = FaultyProxy(s3server.endpoint).with_tls(cert, key).start()
    front.cert = cert
    yield front
    front.shutdown()


def test_https_endpoint_with_a_private_ca_bundle(s3server, aws_env, tls_front):
    bucket = s3server.bucket("tls")
    aws_env.setenv("AWS_CA_BUNDLE", str(tls_front.cert))
    client = connect(tls_front.endpoint)
    s3api.put_object(client, bucket, "veilig.txt", b"over tls", {})
    assert s3api.list_objects(client, bucket, "") == {"veilig.txt": (8, hashlib.md5(b"over tls").hexdigest())}
    aws_env.delenv("AWS_CA_BUNDLE")
    said, connections = [], tls_front.connections
    line = failure(lambda: s3api.list_objects(connect(tls_front.endpoint, said, max_attempts=5), bucket, ""),
                   tls_front.endpoint)
    assert f"cannot reach {tls_front.endpoint} (TLS certificate not trusted (" in line and "\n" not in line
    assert said == [] and tls_front.connections == connections + 1, "a certificate failure is not retried"


def test_requests_go_through_the_configured_proxy(s3server, aws_env, tls_front):
    bucket = s3server.bucket("proxy")
    tunnel = ConnectProxy()
    try:
        aws_env.setenv("AWS_CA_BUNDLE", str(tls_front.cert))
        aws_env.setenv("HTTPS_PROXY", tunnel.url)
        s3api.put_object(connect(tls_front.endpoint), bucket, "via.txt", b"ok", {})
        assert tunnel.tunnels == [tls_front.endpoint.removeprefix("https://")]
        aws_env.setenv("NO_PROXY", "127.0.0.1")
        s3api.put_object(connect(tls_front.endpoint), bucket, "direct.txt", b"ok", {})
        assert len(tunnel.tunnels) == 1
    finally:
        tunnel.shutdown()
    assert set(s3server.objects(bucket)) == {"via.txt", "direct.txt"}


def test_credentials_and_region_from_an_aws_profile(s3server, aws_env, tmp_path):
    """Without keys in the environment, the AWS chain reads the profile: keys, region, attempts."""
    bucket = s3server.bucket("profile")
    (tmp_path / "credentials").write_text(
        f"[pers]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (tmp_path / "config").write_text("[profile pers]\nregion = eu-west-1\nmax_attempts = 3\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS"):
        aws_env.delenv(name, raising=False)
    aws_env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    aws_env.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    aws_env.setenv("AWS_PROFILE", "pers")
    client = s3api.client(Connection(s3server.endpoint))
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.retries["total_max_attempts"] == 3
    s3api.put_object(client, bucket, "uit-profiel.txt", b"ok", {})
    assert set(s3api.list_objects(client, bucket, "")) == {"uit-profiel.txt"}


def test_explain_keeps_an_smr_error_as_it_is():
    error = SmrError("al duidelijk")
    assert explain(error, Target("b", ""), Connection()) is error


# ---------------------------------------------------------------- timeouts

def test_an_endpoint_that_never_answers_fails_after_two_tries_in_one_line(aws_env):
    """A service that accepts the connection and then says nothing: tried twice (not
    max_attempts times), a line for the retry, then one line saying what happened."""
    silent = SilentServer()
    said = []
    try:
        client = s3api.client(Connection(silent.endpoint, "us-east-1", max_attempts=5, read_timeout=0.5),
                              say=said.append)
        line = failure(lambda: s3api.list_objects(client, "bucket", ""), silent.endpoint)
    finally:
        silent.close()
    host = silent.endpoint.removeprefix("http://")
    assert said == ["retrying (2/2): no answer in time"]
    assert len(silent.connections) == 2
    assert line.startswith(f"s3://bucket/: {host} accepted the connection but did not answer within "), line
    assert "check endpoint_url and the network" in line and "\n" not in line


@pytest.mark.parametrize("size", [s3api.MULTIPART_CHUNK, s3api.MULTIPART_CHUNK + 1000])
def test_a_slow_line_still_sends_a_large_file_within_a_short_read_timeout(s3server, aws_env, tmp_path, size):
    """The read timeout counts per wait on the socket, not for the whole body: an 8 MiB PUT,
    and a multipart upload's 8 MiB part, go through a line far slower than the timeout allows
    for the whole file."""
    bucket = s3server.bucket("slow")
    data = random.Random(size).randbytes(size)
    link = SlowLink(s3server.endpoint, rate=2 * 1024 * 1024)   # about 4 s for 8 MiB
    said = []
    try:
        client = s3api.client(Connection(link.endpoint, "us-east-1", max_attempts=1, read_timeout=1),
                              say=said.append)
        # Loopback lets the kernel buffer 4 MB of what the client sends, which then drains at
        # the line's speed while the client already waits for the answer; a real slow line
        # buffers little. A small send buffer, as there, keeps the test about the timeout.
        client._endpoint.http_session._socket_options.append((socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024))
        if size > s3api.MULTIPART_CHUNK:
            (tmp_path / "big.bin").write_bytes(data)
            s3api.upload_file(client, tmp_path / "big.bin", bucket, "big.bin", {})
        else:
            s3api.put_object(client, bucket, "big.bin", data, {},
                             content_md5=base64.b64encode(hashlib.md5(data).digest()).decode())
    finally:
        link.close()
    assert said == [] and link.carried >= size
    assert s3server.client().get_object(Bucket=bucket, Key="big.bin")["Body"].read() == data
