"""WebSub: smr publish pings the newsroom's hub once per feed it changed, against a real local
hub (an http.server thread that records pings) and a real SeaweedFS of this module's own (the
session's one, after the hundreds of buckets of test_publish.py, began to answer InternalError)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from tests.publish.test_publish import publish, room, s3  # noqa: F401  (fixtures)

BASE = "https://pers.example.org/"
FEEDS = ["feed.xml", "atom.xml", "feed.json", "nl/feed.xml", "nl/atom.xml", "nl/feed.json"]


class Hub:
    """A WebSub hub on 127.0.0.1 that records each publish ping and answers `status`."""

    def __init__(self, status: int = 204):
        self.status = status
        self.pings: list[dict] = []
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                with hub.lock:
                    hub.pings.append({"type": self.headers.get("Content-Type"), "path": self.path,
                                      **{k: v for k, v in form.items()}})
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()   # the socket listens from the constructor on: ready now

    def urls(self) -> list[str]:
        with self.lock:
            return sorted(url for ping in self.pings for url in ping["hub.url"])

    def clear(self):
        with self.lock:
            self.pings.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub():
    server = Hub()
    yield server
    server.close()


@pytest.fixture
def hubbed(room, hub, monkeypatch):
    """test_publish's newsroom (two releases, fresh buckets on the shared SeaweedFS), naming the local hub."""
    config = room.root / "newsroom.yaml"
    config.write_text(config.read_text("utf-8") + f"websub_hub: {hub.url}\n", "utf-8")
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)   # the hub is on 127.0.0.1
    return room


def test_one_ping_per_changed_feed_and_none_on_a_no_op_publish(hubbed, hub, s3):
    report = publish(hubbed, check=False)
    assert sorted(BASE + f for f in FEEDS) == hub.urls()   # every feed is new: one ping each
    assert all(p["hub.mode"] == ["publish"] and p["type"] == "application/x-www-form-urlencoded"
               and p["path"] == "/hub" for p in hub.pings)
    assert f"about {len(FEEDS)} changed feeds" in " ".join(report.notes) and not report.warnings
    # served as what it is, and naming the hub
    client = s3.client()
    head = client.head_object(Bucket=hubbed.site_bucket, Key="news/feed.json")
    assert head["ContentType"] == "application/feed+json; charset=utf-8"
    atom = client.get_object(Bucket=hubbed.site_bucket, Key="news/atom.xml")["Body"].read().decode()
    assert f'<link href="{hub.url}" rel="hub"/>' in atom

    hub.clear()
    report = publish(hubbed, check=False)
    assert report.uploaded == 0 and hub.pings == [] and not any("WebSub" in n for n in report.notes)

    # a new English release with a tag: its feeds change, the Dutch ones do not
    hubbed.release("2026-11-25-en", "title: News in English\nlanguage: en\ndate: 2026-11-25T08:00:00+01:00\n"
                                    "summary: Something new.\ntags: [bakery]\n")
    publish(hubbed, check=False)
    assert hub.urls() == sorted(BASE + f for f in ["feed.xml", "atom.xml", "feed.json", "en/feed.xml",
                                                   "en/atom.xml", "en/feed.json", "tags/bakery/feed.xml",
                                                   "tags/bakery/atom.xml", "tags/bakery/feed.json"])


def test_a_dry_run_pings_nothing(hubbed, hub, s3):
    report = publish(hubbed, dry_run=True, check=False)
    assert hub.pings == []
    assert f"would tell the WebSub hub http://127.0.0.1:{hub.server.server_address[1]}/ about 6 changed feeds" \
        in report.notes


def test_a_failing_hub_is_a_warning_and_the_publish_succeeds(hubbed, hub, s3):
    hub.status = 503
    result = hubbed.run("publish", "--now", "2026-11-25T10:00+01:00")
    assert result.exit_code == 0, result.output
    assert len(hub.pings) == len(FEEDS)
    warned = [line for line in result.output.splitlines() if "WebSub hub" in line]
    assert len(warned) == len(FEEDS) and all("HTTP 503" in line and line.startswith("warning: ") for line in warned)
    assert f"{BASE}feed.json changed" in result.output
    assert "Uploaded" in result.output


def test_an_unreachable_hub_is_a_warning(hubbed, hub, s3):
    url = hub.url
    hub.close()   # nothing listens there any more
    report = publish(hubbed, check=False)
    assert report.uploaded > 0
    assert len(report.warnings) == len(FEEDS)
    assert all("could not reach it" in w for w in report.warnings), report.warnings
    assert url.rsplit("/", 1)[0] + "/" in report.warnings[0]
