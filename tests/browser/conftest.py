"""Real-browser fixtures: built newsrooms served on 127.0.0.1 and Debian's Chromium.

Three sites are built once per session with the real `smr build` command and served by
one local HTTP server, each in its own folder:

- /example/  the repository's own example newsroom (`--now 2026-11-25T10:00+01:00`)
- /preview/  the same plus an embargoed release, built with `--preview` (the embargo page)
- /bright/   the example with a pale accent colour (#ffe14d), for contrast
- /hostile/  a newsroom whose every text field carries script tags, event handlers and
             javascript: URLs

Chromium is Debian's /usr/bin/chromium driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

from tests.components import require
from tests.conftest import make_photo

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
NOW = "2026-11-25T10:00+01:00"

EMBARGOED_RELEASE = """\
title: "Brood & Co opent een bakschool"
subtitle: "Twintig leerlingen per jaar"
date: 2026-12-01T09:00:00+01:00
embargo: 2026-12-01T09:00:00+01:00
dateline: Rotterdam
summary: >
  Brood & Co opent in januari een eigen bakschool voor twintig leerlingen per jaar.
facts:
  - Twintig leerlingen per jaar
quotes:
  - text: "Vakmanschap moet je doorgeven."
    by: Anna de Vries
    role: directeur Brood & Co
hashtags: [bakschool]
"""

# Every text field carries markup and script; URL fields carry quotes that try to break
# out of the attribute (javascript: itself is refused there by validation, tested below).
X = '<script>alert("xss")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">j</a>'
XM = X + (' [md](javascript:alert(3)) <javascript:alert(4)> <svg onload="alert(5)">'
           ' <iframe src="javascript:console.log(\'xss\')"></iframe> [d](data:text/html,<script>alert(8)</script>)'
           ' <style>body{display:none}</style> <form action="javascript:alert(9)"><button>b</button></form>')
XU = 'https://example.org/?q="><script>alert(6)</script>&x=\'onmouseover=alert(7)'
HOSTILE_NEWSROOM = {
    "title": X, "base_url": "https://pers.example.org/", "language": "nl", "timezone": "Europe/Amsterdam",
    "organization": {"name": X, "url": XU, "boilerplate": XM, "social": [{"network": "x", "url": XU}]},
    "contacts": [{"name": X, "role": X, "email": "pers@example.org", "phone": "+31 10 123"}],
}
HOSTILE_RELEASE = {
    "title": X, "subtitle": X, "date": "2026-11-24T09:00:00+01:00", "dateline": X, "summary": X,
    "facts": [XM], "body": XM,
    "quotes": [{"text": X, "by": X, "role": X}],
    "images": [{"file": "images/photo.jpg", "alt": X, "caption": X, "credit": X, "license": X, "lead": True}],
    "videos": [{"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": X}],
    "documents": [{"url": XU, "title": X}],
    "links": [{"url": XU, "title": X, "description": X}],
    "hashtags": ["safe_tag"], "tags": [X], "share_text": X,
    "coverage": [{"url": XU, "title": X, "site": X, "date": "2026-11-25"}],
    "contacts": [{"name": X, "role": X, "email": "pers@example.org"}],
}


def smr(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real command line, with this worktree's generator package."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def build(root: Path, out: Path, *extra: str) -> Path:
    result = smr("build", "--root", str(root), "--output", str(out), "--now", NOW, *extra)
    assert result.returncode == 0, result.stderr
    return out


def copy_example(target: Path) -> Path:
    """The repository's example newsroom, copied so a test may add releases to it."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "newsroom.yaml", target)
    for folder in ("brand", "releases"):
        shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture(scope="session")
def sites(tmp_path_factory) -> Path:
    """The served folder: example/, preview/ and hostile/ built sites side by side."""
    served = tmp_path_factory.mktemp("served")
    build(REPO, served / "example")

    preview = copy_example(tmp_path_factory.mktemp("preview") / "newsroom")
    (preview / "releases" / "2026-12-01-bakschool").mkdir()
    (preview / "releases" / "2026-12-01-bakschool" / "release.yaml").write_text(EMBARGOED_RELEASE, "utf-8")
    build(preview, served / "preview", "--preview")

    bright = copy_example(tmp_path_factory.mktemp("bright") / "newsroom")
    config = (bright / "newsroom.yaml").read_text("utf-8")
    (bright / "newsroom.yaml").write_text(config.replace('accent: "#0a66c2"', 'accent: "#ffe14d"'), "utf-8")
    build(bright, served / "bright")

    hostile = tmp_path_factory.mktemp("hostile") / "newsroom"
    (hostile / "releases" / "hostile").mkdir(parents=True)
    (hostile / "newsroom.yaml").write_text(yaml.safe_dump(HOSTILE_NEWSROOM), "utf-8")
    (hostile / "releases" / "hostile" / "release.yaml").write_text(yaml.safe_dump(HOSTILE_RELEASE), "utf-8")
    make_photo(hostile / "releases" / "hostile" / "images" / "photo.jpg", size=(900, 600))
    build(hostile, served / "hostile")
    return served


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="session")
def server(sites):
    """http://127.0.0.1:PORT serving `sites`, in a thread, for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(sites))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), f"{AXE} (npm's axe-core: `npm ci --prefix tests/browser`, as scripts/test does)")
    return AXE.read_text("utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where layout tests leave PNGs for a person to look at: $SMR_SCREENSHOTS, or a fixed
    folder in the system temp dir (kept after the run, replaced by the next one)."""
    folder = Path(os.environ.get("SMR_SCREENSHOTS") or Path(tempfile.gettempdir()) / "smr-browser-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    SCREENSHOT_DIRS.append(folder)
    return folder


SCREENSHOT_DIRS: list[Path] = []


def pytest_terminal_summary(terminalreporter):
    for folder in SCREENSHOT_DIRS:
        terminalreporter.write_line(f"browser screenshots: {folder}")
