"""After a publish, what journalists get: anonymous GETs against a real SeaweedFS with and
without anonymous read, a website front that serves folder URLs, a name that does not
resolve; and creating the buckets."""

from __future__ import annotations

import json
import re

import pytest

from generator.publish.reachable import Answer, api_endpoint, original_problem, page_problem, public_read_policy
from tests.conftest import NEWSROOM_YAML, RELEASE_YAML
from tests.publish.proxies import WebsiteFront

SLUG = "2026-11-24-winkel"
NOW = "2026-11-25T10:00+01:00"
PHOTO_YAML = RELEASE_YAML + "images:\n  - file: images/foto.jpg\n    alt: De nieuwe winkel\n"


def configure(newsroom, server, site: str, media: str, base_url: str, media_base_url: str | None) -> None:
    yaml = NEWSROOM_YAML.replace("https://pers.example.org/", base_url)
    newsroom.write("newsroom.yaml", yaml + f"""\
publish:
  site: s3://{site}/news/
  media: s3://{media}/hires/
  endpoint_url: {server.endpoint}
  region: us-east-1
""" + (f"  media_base_url: {media_base_url}\n" if media_base_url else ""))


@pytest.fixture
def photo_room(newsroom):
    newsroom.release(SLUG, PHOTO_YAML)
    newsroom.photo(SLUG, "images/foto.jpg")
    return newsroom


def publish_cli(room, *args):
    result = room.run("publish", "--now", NOW, *args)
    assert result.exit_code == 0, result.output
    return result


def warnings(result) -> list[str]:
    return [line.removeprefix("warning: ") for line in result.stderr.splitlines() if line.startswith("warning: ")]


# ---------------------------------------------------------------- the verdicts, alone

PAGE = "https://news.example.org/r/"


def test_page_verdicts():
    html = Answer(PAGE, 200, "text/html; charset=utf-8")
    assert page_problem(html, None) is None
    assert page_problem(Answer(PAGE, 206, "text/html"), None) is None
    listing = Answer(PAGE, 200, "application/xml")
    assert page_problem(listing, Answer(PAGE + "index.html", 200, "text/html")).startswith(
        f"journalists do not get the page at {PAGE} ({PAGE}index.html works): enable static website hosting "
        "(index document index.html)")
    assert page_problem(Answer(PAGE, 403), Answer(PAGE + "index.html", 403)) == (
        f"journalists get 403 Forbidden at {PAGE}: the bucket does not allow public reads; "
        "apply the bucket policy in docs/publish.md")
    assert page_problem(Answer(PAGE, 404), Answer(PAGE + "index.html", 404)) == (
        f"{PAGE} is not there (404 Not Found): is base_url pointing at this bucket?")
    assert page_problem(Answer(PAGE, 500), Answer(PAGE + "index.html", 500)) == f"journalists get HTTP 500 at {PAGE}"
    assert page_problem(Answer(PAGE, problem="host name does not resolve"), None) == (
        f"could not reach {PAGE} (host name does not resolve): journalists cannot either; check DNS and base_url")


def test_original_verdicts():
    url = "https://media.example.org/r/foto.jpg"
    assert original_problem(Answer(url, 206, "image/jpeg")) is None
    assert "403 Forbidden" in original_problem(Answer(url, 403))
    assert original_problem(Answer(url, 404)).endswith("is publish.media_base_url pointing at this bucket?")


@pytest.mark.parametrize("url, endpoint, raw", [
    ("http://127.0.0.1:8333/media/hires/", "http://127.0.0.1:8333", True),
    ("http://127.0.0.1:8080/hires/", "http://127.0.0.1:8333", False),           # another port: a front
    ("https://s3.eu-central-1.wasabisys.com/m/", "https://s3.eu-central-1.wasabisys.com", True),
    ("https://acct.r2.cloudflarestorage.com/m/", "https://acct.r2.cloudflarestorage.com", True),
    ("https://pub-1234.r2.dev/", "https://acct.r2.cloudflarestorage.com", False),
    ("https://media.s3.amazonaws.com/hires/", None, True),
    ("https://media.s3.eu-west-1.amazonaws.com/hires/", None, True),
    ("https://s3.eu-west-1.amazonaws.com/media/hires/", None, True),
    ("https://media.s3-eu-west-1.amazonaws.com/hires/", None, True),
    ("http://media.s3-website-eu-west-1.amazonaws.com/hires/", None, False),
    ("http://media.s3-website.eu-west-1.amazonaws.com/hires/", None, False),
    ("https://d111111abcdef8.cloudfront.net/hires/", None, False),
    ("https://media.broodenco.nl/hires/", None, False),
])
def test_raw_endpoint(url, endpoint, raw):
    assert api_endpoint(url, endpoint) is raw


def test_policy_reads_but_never_lists():
    policy = json.loads(public_read_policy("pers-broodenco", "news/"))
    [statement] = policy["Statement"]
    assert statement["Principal"] == "*" and statement["Effect"] == "Allow"
    assert statement["Action"] == "s3:GetObject", "listing would show every key, preview links among them"
    assert statement["Resource"] == "arn:aws:s3:::pers-broodenco/news/*"


# ---------------------------------------------------------------- against real servers

def test_a_private_bucket_gives_403_and_no_online_line(photo_room, s3server, aws_env):
    site, media = s3server.bucket("site"), s3server.bucket("media")
    configure(photo_room, s3server, site, media, f"{s3server.endpoint}/{site}/news/",
              f"{s3server.endpoint}/{media}/hires/")
    result = publish_cli(photo_room)
    said = warnings(result)
    page = f"{s3server.endpoint}/{site}/news/{SLUG}/"
    assert (f"journalists get 403 Forbidden at {page}: the bucket does not allow public reads; "
            "apply the bucket policy in docs/publish.md") in said
    original = f"{s3server.endpoint}/{media}/hires/{SLUG}/"
    assert any(w.startswith(f"journalists get 403 Forbidden at {original}") for w in said), said
    assert (f"photo downloads link to the S3 endpoint {s3server.endpoint}/{media}/hires/; set "
            "publish.media_base_url to the public address of the media bucket") in said
    assert "Online at" not in result.output
    assert f"Not confirmed online: {s3server.endpoint}/{site}/news/" in result.stdout


def test_a_public_bucket_on_the_api_endpoint_needs_website_hosting(photo_room, public_s3server, aws_env):
    server = public_s3server
    site, media = server.bucket("site"), server.bucket("media")
    configure(photo_room, server, site, media, f"{server.endpoint}/{site}/news/", None)
    result = publish_cli(photo_room)
    said = warnings(result)
    page = f"{server.endpoint}/{site}/news/{SLUG}/"
    assert said[0].startswith("photo downloads link to the S3 endpoint"), "computed links are the endpoint's"
    assert said[1:] == [f"journalists do not get the page at {page} ({page}index.html works): enable static "
                        "website hosting (index document index.html) or a CDN in front of the bucket, and point "
                        "base_url at it"], "the original itself downloads"
    assert "Online at" not in result.output


def test_a_public_bucket_behind_a_website_front_is_online(photo_room, public_s3server, aws_env):
    server = public_s3server
    front = WebsiteFront(server.endpoint)
    try:
        site, media = server.bucket("site"), server.bucket("media")
        configure(photo_room, server, site, media, f"{front.url}/{site}/news/", f"{front.url}/{media}/hires/")
        result = publish_cli(photo_room)
        assert warnings(result) == [] and "warning" not in result.output
        assert result.stdout.splitlines()[-1] == f"Online at {front.url}/{site}/news/"

        elsewhere = server.bucket("empty")   # base_url pointing at a bucket that does not hold the site
        configure(photo_room, server, site, media, f"{front.url}/{elsewhere}/news/", f"{front.url}/{media}/hires/")
        result = publish_cli(photo_room)
        assert warnings(result) == [f"{front.url}/{elsewhere}/news/{SLUG}/ is not there (404 Not Found): "
                                    "is base_url pointing at this bucket?"]
        assert "Online at" not in result.output
    finally:
        front.shutdown()


def test_a_host_that_does_not_resolve_is_said_at_once(photo_room, s3server, aws_env):
    site, media = s3server.bucket("site"), s3server.bucket("media")
    configure(photo_room, s3server, site, media, "https://pers.nergens.invalid/", "https://media.nergens.invalid/hires/")
    result = publish_cli(photo_room)
    assert warnings(result) == [
        f"could not reach https://pers.nergens.invalid/{SLUG}/ (host name does not resolve): journalists cannot "
        "either; check DNS and base_url",
        f"could not reach https://media.nergens.invalid/hires/{SLUG}/{SLUG}-fotos.zip (host name does not "
        "resolve): journalists cannot either; check DNS and publish.media_base_url"]
    assert "Online at" not in result.output
    result = publish_cli(photo_room, "--dry-run")
    assert warnings(result) == [], "a dry run uploads nothing, so checks nothing"


# ---------------------------------------------------------------- creating the buckets

def test_create_buckets(photo_room, s3server, aws_env):
    import uuid

    site, media = f"site-{uuid.uuid4().hex[:12]}", f"media-{uuid.uuid4().hex[:12]}"
    configure(photo_room, s3server, site, media, "https://pers.nergens.invalid/", "https://media.nergens.invalid/")
    result = photo_room.run("publish", "--now", NOW)
    assert result.exit_code == 1
    assert re.search(rf"bucket '({site}|{media})' does not exist at {s3server.endpoint}; add --create-buckets to "
                     rf"smr publish, or create it with: aws s3 mb s3://({site}|{media}) --endpoint-url", result.stderr)

    result = publish_cli(photo_room, "--create-buckets", "--dry-run")
    assert f"Would create bucket {site} (region us-east-1)" in result.stdout
    assert not {site, media} & {b["Name"] for b in s3server.client().list_buckets()["Buckets"]}

    result = publish_cli(photo_room, "--create-buckets")
    assert f"Created bucket {site} (region us-east-1); it is private" in result.stdout
    assert f"Created bucket {media} (region us-east-1)" in result.stdout
    assert '"Resource": "arn:aws:s3:::%s/news/*"' % site in result.stdout
    assert f"news/{SLUG}/index.html" in s3server.objects(site)
    assert any(k.startswith(f"hires/{SLUG}/") for k in s3server.objects(media))

    result = publish_cli(photo_room, "--create-buckets")
    assert f"Bucket {site} exists already" in result.stdout and "Created" not in result.stdout
