"""/.well-known/atproto-did goes to a real SeaweedFS bucket as text/plain (the one
dot-folder smr publishes), and a publish after the DID is removed takes it down."""

from __future__ import annotations

from generator.publish.plan import content_type, scan
from tests.publish.test_publish import body, head, publish, room, s3  # noqa: F401 - fixtures

DID = "did:web:pers.example.org"
SOCIAL = f"""\
    - network: bluesky
      url: https://bsky.app/profile/pers.example.org
      did: {DID}
"""


def with_did(room, social: str) -> None:
    text = (room.root / "newsroom.yaml").read_text("utf-8")
    marker = "      url: https://x.com/testbedrijf\n"
    text = text.replace(marker + SOCIAL, marker).replace(marker, marker + social)
    room.write("newsroom.yaml", text)


def test_atproto_did_is_published_as_plain_text_and_taken_down_when_gone(room, s3):
    with_did(room, SOCIAL)
    publish(room)
    key = "news/.well-known/atproto-did"
    assert head(s3, room.site_bucket, key)["ContentType"] == "text/plain; charset=utf-8"
    assert body(s3, room.site_bucket, key) == DID.encode()
    assert not [k for k in s3.objects(room.site_bucket) if k.startswith("news/.") and
                not k.startswith(("news/.well-known/", "news/.smr-manifest"))]

    with_did(room, "")
    report = publish(room)
    assert key not in s3.objects(room.site_bucket)
    assert "news/index.html" in s3.objects(room.site_bucket), report


def test_scan_publishes_well_known_but_no_other_dot_file(tmp_path):
    (tmp_path / ".well-known").mkdir()
    (tmp_path / ".well-known" / "atproto-did").write_text(DID)
    (tmp_path / ".smr-site").write_text("")
    (tmp_path / "x" / ".well-known").mkdir(parents=True)
    (tmp_path / "x" / ".well-known" / "atproto-did").write_text(DID)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "page.html").write_text("<p>")
    assert [f.rel for f in scan(tmp_path, None, media=False)] == [".well-known/atproto-did"]
    assert content_type(".well-known/atproto-did", tmp_path / ".well-known" / "atproto-did") == "text/plain; charset=utf-8"
