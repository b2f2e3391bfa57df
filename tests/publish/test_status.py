"""smr status against a real SeaweedFS: what each release is, and what the buckets hold of it."""

from __future__ import annotations

import re

from tests.conftest import NEWSROOM_YAML
from tests.publish.test_publish import (  # noqa: F401 - fixtures
    OTHER, PHOTO_YAML, SECRET_SLUG, SECRET_YAML, SLUG, body, publish, room, s3,
)

NOW = "2026-11-25T10:00:00+01:00"


def status(room, *args) -> list[str]:
    result = room.run("status", "--now", NOW, *args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def row(lines, slug) -> tuple[str, str]:
    """(state, bucket column) of a release's line."""
    [line] = [line for line in lines if line.startswith(slug + " ")]
    state, _, online = line[len(slug):].partition("  —  ")
    return state.strip(), online.strip()


def test_status_follows_publishing(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML)
    room.photo(SECRET_SLUG, "images/deal.jpg")
    lines = status(room)
    assert [line.split()[0] for line in lines[:3]] == [SECRET_SLUG, SLUG, OTHER], "newest first"
    assert row(lines, SECRET_SLUG) == ("embargoed until 2026-11-26 09:00", "not online")
    assert row(lines, SLUG) == ("public", "not online")
    assert lines[-1] == f"Next embargo lifts 2026-11-26 09:00 ({SECRET_SLUG})"
    assert s3.objects(room.site_bucket) == {}, "status changes nothing in the buckets"

    publish(room)
    lines = status(room)
    assert row(lines, SLUG) == ("public", "online and current")
    assert row(lines, OTHER) == ("public", "online and current")
    assert row(lines, "index, feeds, assets") == ("", "online and current")
    assert row(lines, SECRET_SLUG) == ("embargoed until 2026-11-26 09:00", "not online")

    room.release(OTHER, (room.root / "releases" / OTHER / "release.yaml").read_text().replace("fabriek.", "fabriek!"))
    state, online = row(status(room), OTHER)
    assert re.fullmatch(r"online, out of date \(\d+ files? differs?\)", online), online
    assert row(status(room), SLUG) == ("public", "online and current")

    room.release(SLUG, PHOTO_YAML + "embargo: 2026-12-01T09:00:00+01:00\n")   # pushed back after publishing
    lines = status(room)
    assert row(lines, SLUG) == ("embargoed until 2026-12-01 09:00", "online but must not be (run smr publish)")
    assert f"news/{SLUG}/index.html" in s3.objects(room.site_bucket)
    publish(room)
    lines = status(room)
    assert row(lines, SLUG) == ("embargoed until 2026-12-01 09:00", "not online")
    assert row(lines, OTHER) == ("public", "online and current")
    assert lines[-1] == f"Next embargo lifts 2026-11-26 09:00 ({SECRET_SLUG})"

    import shutil
    shutil.rmtree(room.root / "releases" / OTHER)
    assert row(status(room), OTHER) == ("deleted", "online but must not be (run smr publish)")


def test_status_offline_and_without_a_target(newsroom):
    newsroom.release(SLUG)
    newsroom.release(SECRET_SLUG, SECRET_YAML.split("images:")[0])
    lines = status(newsroom)
    assert lines == [f"{SECRET_SLUG}  embargoed until 2026-11-26 09:00", f"{SLUG}  public",
                     f"Next embargo lifts 2026-11-26 09:00 ({SECRET_SLUG})",
                     "(no publish target in newsroom.yaml: whether releases are online is not shown)"]
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "publish:\n  site: s3://nowhere/\n"
                   "  endpoint_url: http://127.0.0.1:9/\n")
    assert status(newsroom, "--offline") == lines[:-1], "--offline asks no bucket"
    result = newsroom.run("status", "--now", "2026-11-27T10:00:00+01:00", "--offline")
    assert result.stdout.splitlines()[-1] == "No release is waiting for its embargo."
