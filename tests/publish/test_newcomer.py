"""The whole workflow as a newcomer lives it, with the real CLI and a real SeaweedFS whose
buckets anyone may read (behind a website front, as a CDN would be): an empty folder, then
`smr init`, `smr new`, filling in the release, `smr publish --create-buckets`, and a
journalist downloading the page and the hi-res original without credentials; then the
embargo is pushed back and nothing of the release stays reachable."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

from click.testing import CliRunner
from lxml import html

from generator.cli import main
from tests.conftest import make_photo
from tests.publish.proxies import WebsiteFront

SLUG = "2026-11-24-brood-co-opent-een-winkel"


def smr(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def get(url: str) -> tuple[int, bytes]:
    """What a journalist's browser gets: no credentials, no cookies."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_from_an_empty_folder_to_a_release_journalists_can_download(tmp_path, monkeypatch, public_s3server,
                                                                      aws_env):
    server, front = public_s3server, WebsiteFront(public_s3server.endpoint)
    site, media = f"pers-{uuid.uuid4().hex[:10]}", f"media-{uuid.uuid4().hex[:10]}"
    base_url, media_url = f"{front.url}/{site}/", f"{front.url}/{media}/hires/"
    try:
        monkeypatch.chdir(tmp_path)
        smr("init", "pers", "--title", "Pers Brood & Co", "--base-url", base_url, "--organization", "Brood & Co",
            "--language", "nl", "--timezone", "Europe/Amsterdam")
        room = tmp_path / "pers"
        monkeypatch.chdir(room)
        newsroom = room / "newsroom.yaml"
        newsroom.write_text(newsroom.read_text() + f"""
publish:
  site: s3://{site}/
  media: s3://{media}/hires/
  media_base_url: {media_url}
  endpoint_url: {server.endpoint}
  region: us-east-1
""")
        smr("new", "Brood & Co opent een winkel", "--date", "2026-11-24T09:00+01:00", "--now", "2026-11-25T10:00+01:00")
        folder = room / "releases" / SLUG
        monkeypatch.chdir(folder)   # the user works in the release folder from here on
        text = (folder / "release.yaml").read_text()
        assert "draft: true" in text
        unpublished = smr("publish", "--now", "2026-11-25T10:00+01:00", "--create-buckets")
        assert not [k for k in server.objects(site) if SLUG in k], "a draft is never uploaded"
        assert "Created bucket" in unpublished.output

        photo = make_photo(folder / "images" / "winkel.jpg", size=(1600, 1067))
        text = (text.replace("draft: true", "")
                .replace("Write the lede here: who, what, when, where, why, in two or three sentences.",
                         "Brood & Co opent vandaag een winkel in Delft.")
                .replace("First key fact", "De twaalfde winkel van Brood & Co")
                + "images:\n  - file: images/winkel.jpg\n    alt: De nieuwe winkel aan de Markt\n")
        (folder / "release.yaml").write_text(text)
        check = smr("check", "--now", "2026-11-25T10:00+01:00")
        assert "warning" not in check.output and "OK: 1 releases checked." in check.output

        published = smr("publish", "--now", "2026-11-25T10:00+01:00")
        assert published.output.splitlines()[-1] == f"Online at {base_url}"
        status, page = get(f"{base_url}{SLUG}/")
        assert status == 200 and "Brood &amp; Co opent een winkel" in page.decode()
        [download] = [href for href in html.fromstring(page).xpath("//a[@download]/@href")
                      if href.endswith("winkel.jpg")]
        assert download.startswith(media_url)
        status, original = get(download)
        assert status == 200 and original == photo.read_bytes()
        assert f"{SLUG}/".encode() in get(base_url)[1], "the index lists it"

        (folder / "release.yaml").write_text(text + "embargo: 2026-12-01T09:00:00+01:00\n")   # pushed back
        again = smr("publish", "-q", "--now", "2026-11-25T10:05+01:00")
        assert f"taken down: {SLUG} (under embargo until 2026-12-01 09:00)" in again.output
        assert get(f"{base_url}{SLUG}/")[0] == 404 and get(download)[0] == 404
        assert f"{SLUG}/".encode() not in get(base_url)[1]
        status_lines = smr("status", "--now", "2026-11-25T10:06+01:00").output
        assert "embargoed until 2026-12-01 09:00" in status_lines and "not online" in status_lines
    finally:
        front.shutdown()
