"""Shared fixtures: small real newsrooms written into tmp_path, and the commands to run on them."""

from __future__ import annotations

import datetime as dt
import os
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.components import require
from tests.s3server import ACCESS_KEY, SECRET_KEY, start_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

NEWSROOM_YAML = """\
title: Persberichten Testbedrijf
base_url: https://pers.example.org/
language: nl
timezone: Europe/Amsterdam
organization:
  name: Testbedrijf
  url: https://www.example.org
  boilerplate: |
    Testbedrijf maakt **testen**.
  social:
    - network: x
      url: https://x.com/testbedrijf
contacts:
  - name: Sanne Jansen
    role: woordvoerder
    email: pers@example.org
    phone: "+31 10 123 45 67"
"""

RELEASE_YAML = """\
title: "Testbedrijf opent een winkel"
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
"""


def make_photo(path: Path, size=(1200, 800), color=(200, 120, 60), fmt="JPEG", **save) -> Path:
    """A real image file with a gradient, so encoders do real work."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img = Image.blend(img, Image.new("RGB", size, color), 0.5)
    img.save(path, fmt, **save)
    return path


class Newsroom:
    """A newsroom folder in tmp_path that tests fill with files and run commands on."""

    def __init__(self, root: Path):
        self.root = root
        self.write("newsroom.yaml", NEWSROOM_YAML)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), "utf-8")
        return path

    def release(self, slug: str, text: str = RELEASE_YAML) -> Path:
        return self.write(f"releases/{slug}/release.yaml", text)

    def photo(self, slug: str, name: str = "images/photo.jpg", **kwargs) -> Path:
        return make_photo(self.root / "releases" / slug / name, **kwargs)

    def run(self, *args: str):
        """Run an smr command in this newsroom with click's CliRunner."""
        from generator.cli import main

        return CliRunner().invoke(main, [args[0], "--root", str(self.root), *args[1:]],
                                  catch_exceptions=False)

    @property
    def site(self) -> Path:
        return self.root / "_site"


def eventually(check, what: str, timeout: float = 20.0, poll: float = 0.05):
    """Poll `check` until it returns something true (and return that); fail naming `what`
    after `timeout` seconds. For waiting on real processes and servers, never a fixed sleep."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(poll)


def run_on_terminal(args: list[str], terminal: bool) -> tuple[int, str]:
    """Run smr in a real subprocess whose stderr is a pseudo-terminal (or a pipe); returns
    (exit code, all it wrote on stderr)."""
    import pty
    import select
    import subprocess

    command = [sys.executable, "-m", "generator", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"}
    if not terminal:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=env,
                              timeout=120)
        return done.returncode, done.stderr.decode()
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=slave, cwd=REPO, env=env)
        os.close(slave)
        shown = b""
        while select.select([master], [], [], 120)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:   # EIO: the process closed its end of the terminal
                break
            if not chunk:
                break
            shown += chunk
        else:
            process.kill()
        return process.wait(120), shown.decode()
    finally:
        os.close(master)


@pytest.fixture
def newsroom(tmp_path) -> Newsroom:
    return Newsroom(tmp_path / "newsroom")


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture(scope="module")
def feed_server():
    """A real HTTP server on 127.0.0.1 serving the bloggers' fixture feeds (tests/outreach/support.py)."""
    from tests.outreach.support import FeedServer

    server = FeedServer()
    yield server
    server.close()


# ---------------------------------------------------------------- a real S3 server (SeaweedFS)

@pytest.fixture(scope="session")
def s3server(tmp_path_factory):
    """One SeaweedFS for the session; tests isolate themselves with fresh buckets."""
    server = start_server(tmp_path_factory.mktemp("weed"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def public_s3server(tmp_path_factory):
    """A SeaweedFS whose buckets anyone may read without credentials (an "anonymous" identity
    with Read), as a bucket with a public-read policy; writing still needs the keys."""
    server = start_server(tmp_path_factory.mktemp("weed-public"), anonymous_read=True)
    yield server
    server.stop()


@pytest.fixture
def own_s3server(tmp_path_factory):
    """A SeaweedFS of the test's own, for tests that kill and restart it."""
    server = start_server(tmp_path_factory.mktemp("weed-own"))
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch, s3server):
    """The standard AWS chain sees the test server's credentials and nothing from the machine."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")   # retries stay on, but a dead endpoint fails fast
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("SMR_"):
            monkeypatch.delenv(name)
    return monkeypatch


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright: one per test session (never a downloaded build)."""
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} (Debian's chromium; scripts/test installs it)")
    try:
        from playwright import sync_api
    except ImportError:
        require(False, "the playwright package (setup.cfg's test extra)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
