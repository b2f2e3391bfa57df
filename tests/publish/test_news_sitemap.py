"""The Google News sitemap moves with the clock: a publish at a later time, with nothing else
changed, uploads it anew (real SeaweedFS)."""

from __future__ import annotations

from lxml import etree

from tests.publish.test_publish import publish, room, s3  # noqa: F401 (fixtures)

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def listed(s3, room) -> list[str]:  # noqa: F811
    body = s3.client().get_object(Bucket=room.site_bucket, Key="news/news_sitemap.xml")["Body"].read()
    return etree.fromstring(body).xpath("//s:url[n:news]/s:loc/text()", namespaces=NS)


def test_a_later_publish_uploads_the_news_sitemap_that_changed(room, s3):  # noqa: F811
    publish(room, now="2026-11-25T10:00:00+01:00", check=False)
    assert listed(s3, room) == ["https://pers.example.org/2026-11-24-winkel/"]
    robots = s3.client().get_object(Bucket=room.site_bucket, Key="news/robots.txt")["Body"].read().decode()
    assert "Sitemap: https://pers.example.org/news_sitemap.xml" in robots.splitlines()
    report = publish(room, now="2026-11-27T10:00:00+01:00", check=False)
    assert report.uploaded == 1 and report.changed == {"news_sitemap.xml"}
    assert listed(s3, room) == []
