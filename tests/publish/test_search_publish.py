"""smr publish uploads the search index the build recorded, and never one with an embargoed word."""

from __future__ import annotations

import gzip

from tests.publish.test_publish import SECRET_SLUG, SECRET_YAML, body, publish, room, s3  # noqa: F401 (fixtures)


def test_publish_uploads_the_search_index_without_embargoed_words(room, s3):
    room.release(SECRET_SLUG, SECRET_YAML.replace("Geheim nieuws.", "Geheim nieuws over kwartelvleugeltaart."))
    room.photo(SECRET_SLUG, "images/deal.jpg")
    publish(room)
    keys = set(s3.objects(room.site_bucket))
    built = room.root / ".smr-cache" / "publish-site" / "pagefind"
    local = {f"news/pagefind/{p.relative_to(built).as_posix()}" for p in built.rglob("*") if p.is_file()}
    assert "news/pagefind/pagefind.js" in local and local <= keys
    found = b""
    for key in sorted(k for k in keys if k.startswith("news/pagefind/")):
        data = body(s3, room.site_bucket, key)
        found += data
        try:
            found += gzip.decompress(data)
        except (OSError, EOFError):
            pass
    assert b"fabriek" in found   # a public release's word
    assert b"kwartelvleugeltaart" not in found and b"concurrent" not in found
