"""The publish plan without a server: in-memory listings and manifests in, uploads, skips,
deletes and their order out (generator/publish/plan.py)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator.errors import SmrError
from generator.publish import plan as pp
from generator.publish.plan import (
    ASSETS, FEEDS, INDEX_PAGES, MANIFEST, ORIGINALS, PREVIEW_DIR, RELEASE_PAGES, LocalFile, Remote,
)

RELEASES = {"2026-11-24-winkel", "2026-11-20-fabriek"}
SITE = [
    "feed.xml", "atom.xml", "sitemap.xml", "robots.txt", "index.html", "tags/brood/index.html",
    "2026-11-24-winkel/index.html", "2026-11-20-fabriek/index.html", "assets/style.0a1b2c3d.css",
    "2026-11-24-winkel/img/foto.3f2a9c1e.960.webp", "2026-11-24-winkel/docs/factsheet.pdf",
    "2026-11-24-winkel/hires/Foto één.jpg", "2026-11-24-winkel/hires/2026-11-24-winkel-photos.zip",
]


def local(rel: str, body: bytes | None = None, media: bool = False, headers: dict | None = None) -> LocalFile:
    """A file of a built site as scan() would describe it, without a file on disk."""
    body = rel.encode() if body is None else body
    stage = pp.classify(rel, RELEASES)
    to_media = media and stage == ORIGINALS
    md5 = hashlib.md5(body).hexdigest()
    return LocalFile(rel=rel, key=pp.media_key(rel) if to_media else rel, path=Path("/nowhere") / rel,
                     size=len(body), stage=stage, target="media" if to_media else "site",
                     headers=headers or {"ContentType": "x", "CacheControl": pp.SHORT}, md5=md5, etag=md5)


def listing(*files: LocalFile) -> dict[str, tuple[int, str]]:
    """What a bucket lists after these files were uploaded as they are."""
    return {f.key: (f.size, f.etag) for f in files}


def recorded(*files: LocalFile) -> dict[str, dict]:
    return {f.key: {"md5": f.md5, "etag": f.etag, "h": f.signature} for f in files}


# ---------------------------------------------------------------- order

def test_stages_of_a_site():
    stages = {rel: pp.classify(rel, RELEASES) for rel in SITE}
    assert stages == {
        "feed.xml": FEEDS, "atom.xml": FEEDS, "sitemap.xml": FEEDS, "robots.txt": FEEDS,
        "index.html": INDEX_PAGES, "tags/brood/index.html": INDEX_PAGES,
        "2026-11-24-winkel/index.html": RELEASE_PAGES, "2026-11-20-fabriek/index.html": RELEASE_PAGES,
        "assets/style.0a1b2c3d.css": ASSETS, "2026-11-24-winkel/img/foto.3f2a9c1e.960.webp": ASSETS,
        "2026-11-24-winkel/docs/factsheet.pdf": ASSETS,
        "2026-11-24-winkel/hires/Foto één.jpg": ORIGINALS,
        "2026-11-24-winkel/hires/2026-11-24-winkel-photos.zip": ORIGINALS,
    }
    assert pp.classify("2026-12-01-later/index.html", RELEASES) == INDEX_PAGES, "not a public release's page"


def test_json_feeds_go_with_the_feeds_as_application_feed_json():
    for rel in ("feed.json", "nl/feed.json", "tags/brood/feed.json"):
        assert pp.classify(rel, RELEASES) == FEEDS, rel
        assert pp.content_type(rel, Path("x")) == "application/feed+json; charset=utf-8", rel
    assert pp.content_type("assets/feed.json", Path("x")) == "application/json"
    # an oEmbed response links its release's page and thumbnail: it goes up after both
    assert pp.classify("2026-11-24-winkel/oembed.json", RELEASES) == FEEDS
    assert pp.content_type("2026-11-24-winkel/oembed.json", Path("x")) == "application/json"


def test_uploads_go_originals_assets_release_pages_index_feeds():
    files = [local(rel) for rel in reversed(SITE)]
    plan = pp.plan(files, {"site": Remote({})}, delete=False)
    order = [f.stage for f in plan.uploads]
    assert order == sorted(order) and set(order) == {ORIGINALS, ASSETS, RELEASE_PAGES, INDEX_PAGES, FEEDS}
    assert sorted(f.rel for f in plan.by_stage()[FEEDS]) == ["atom.xml", "feed.xml", "robots.txt", "sitemap.xml"]
    assert plan.skipped == [] and plan.upload_bytes == sum(f.size for f in files)


def test_within_a_stage_large_files_go_first():
    small, large = local("assets/a.css", b"a"), local("assets/b.css", b"b" * 100)
    assert pp.plan([small, large], {"site": Remote({})}, delete=False).uploads == [large, small]


def test_originals_go_to_the_media_target_under_their_release():
    files = [local(rel, media=True) for rel in SITE]
    media = [f for f in files if f.target == "media"]
    assert [f.key for f in media] == ["2026-11-24-winkel/Foto één.jpg", "2026-11-24-winkel/2026-11-24-winkel-photos.zip"]
    plan = pp.plan(files, {"site": Remote({}), "media": Remote({})}, delete=False)
    assert sorted(plan.by_stage()[ORIGINALS], key=lambda f: f.key) == sorted(media, key=lambda f: f.key)


# ---------------------------------------------------------------- skip what the bucket has

def test_unchanged_files_are_skipped_by_etag():
    files = [local(rel) for rel in SITE]
    remote = Remote(listing(*files))
    plan = pp.plan(files, {"site": remote}, delete=False)
    assert plan.uploads == [] and len(plan.skipped) == len(files)


def test_a_change_in_size_content_or_headers_uploads_again():
    page = local("index.html", b"<p>oud</p>")
    remote = Remote(listing(page), recorded(page))
    same_size = local("index.html", b"<p>new</p>")
    longer = local("index.html", b"<p>nieuw</p>")
    new_headers = local("index.html", b"<p>oud</p>", headers={"ContentType": "text/html", "CacheControl": pp.SHORT})
    for f in (same_size, longer, new_headers):
        assert pp.plan([f], {"site": remote}, delete=False).uploads == [f]
    assert pp.unchanged(local("index.html", b"<p>oud</p>"), remote)


def test_multipart_etags_compare_through_the_manifest():
    """S3's ETag of a multipart upload is not the file's MD5: smr's manifest says which MD5 it had."""
    video = local("2026-11-24-winkel/docs/film.mp4", b"x" * 100)
    video.etag = "0123456789abcdef0123456789abcdef-2"
    remote = Remote({video.key: (video.size, "fedcba9876543210fedcba9876543210-2")},   # as another tool cut it
                    {video.key: {"md5": video.md5, "etag": "fedcba9876543210fedcba9876543210-2", "h": video.signature}})
    assert pp.unchanged(video, remote)
    remote.manifest[video.key]["md5"] = "0" * 32
    assert not pp.unchanged(video, remote), "the manifest says it held other content"
    stale = Remote(remote.objects, {video.key: {"md5": video.md5, "etag": "not what is there now", "h": video.signature}})
    assert not pp.unchanged(video, stale), "replaced by someone else since smr recorded it"
    assert pp.unchanged(video, Remote({video.key: (video.size, video.etag)})), "the ETag we predicted"


def test_multipart_etag_of_a_local_file(tmp_path):
    one = tmp_path / "een.bin"
    one.write_bytes(b"a" * 1000)
    assert pp.digests(one) == (hashlib.md5(b"a" * 1000).hexdigest(),) * 2
    big = tmp_path / "groot.bin"
    data = os.urandom(pp.MULTIPART_CHUNK + 10)
    big.write_bytes(data)
    parts = hashlib.md5(data[:pp.MULTIPART_CHUNK]).digest() + hashlib.md5(data[pp.MULTIPART_CHUNK:]).digest()
    assert pp.digests(big) == (hashlib.md5(data).hexdigest(), hashlib.md5(parts).hexdigest() + "-2")


# ---------------------------------------------------------------- deletes

def test_only_what_smr_uploaded_is_deleted_and_only_when_asked():
    kept = local("2026-11-24-winkel/index.html")
    gone = [local("2026-11-20-fabriek/index.html"), local("2026-11-20-fabriek/img/a.0a1b2c3d.480.webp")]
    foreign = {"not-ours.txt": (3, "e" * 32), f"{PREVIEW_DIR}/tok/2026-12-01-later/index.html": (3, "f" * 32)}
    remote = Remote(listing(kept, *gone) | foreign | {MANIFEST: (10, "m" * 32)}, recorded(kept, *gone))
    asked = pp.plan([kept], {"site": remote}, delete=True)
    assert asked.deletes == {"site": sorted(f.key for f in gone)} and asked.delete_count == 2
    assert asked.stale == {"site": ["not-ours.txt"]}, "neither the manifest nor previews are stale"
    not_asked = pp.plan([kept], {"site": remote}, delete=False)
    assert not_asked.deletes == {"site": []} and not_asked.delete_count == 0
    assert not_asked.stale == {"site": sorted(f.key for f in gone) + ["not-ours.txt"]}


def test_deletes_run_the_upload_order_backwards():
    keys = ["2026-11-20-fabriek/hires/x.jpg", "2026-11-20-fabriek/img/x.0a1b2c3d.480.webp",
            "2026-11-20-fabriek/index.html", "tags/fabriek/index.html", "tags/fabriek/feed.xml"]
    assert pp.delete_order(keys, RELEASES) == [
        "tags/fabriek/feed.xml", "tags/fabriek/index.html", "2026-11-20-fabriek/index.html",
        "2026-11-20-fabriek/img/x.0a1b2c3d.480.webp", "2026-11-20-fabriek/hires/x.jpg"]


def test_deletes_of_both_targets_count_against_the_cap():
    files = [local(f"2026-11-2{n}-oud/index.html") for n in range(5)]
    remote = {"site": Remote(listing(*files), recorded(*files)), "media": Remote({"a/b.jpg": (1, "a")}, {"a/b.jpg": {}})}
    plan = pp.plan([], remote, delete=True)
    assert plan.delete_count == 6 and plan.deletes["media"] == ["a/b.jpg"]
    pp.refuse_too_many_deletes(plan, 6, "s3://site/")
    with pytest.raises(SmrError, match=r"^s3://site/: --delete would remove 6 objects, more than --max-deletes 5; "):
        pp.refuse_too_many_deletes(plan, 5, "s3://site/")


def test_a_media_area_inside_the_site_prefix_is_left_to_the_media_target():
    remote = Remote({"index.html": (1, "a"), "hires/x/y.jpg": (1, "b")}, {"hires/x/y.jpg": {}})
    assert pp.plan([], {"site": remote.without("hires/")}, delete=True).deletes == {"site": []}


# ---------------------------------------------------------------- takedowns

HELD = "2026-11-26-geheim"


def published(keys_site, keys_media=()):
    """Both targets as smr left them after publishing these keys."""
    site = [local(k) for k in keys_site]
    media = [local(k) for k in keys_media]
    return {"site": Remote(listing(*site) | {MANIFEST: (9, "m" * 32)}, recorded(*site)),
            "media": Remote(listing(*media), recorded(*media))}


def test_a_release_no_longer_public_is_taken_down_without_delete_and_beyond_the_cap():
    site_keys = [f"{HELD}/index.html", f"{HELD}/img/a.0a1b2c3d.480.webp", f"{HELD}/sanne.vcf",
                 "tags/geheim/feed.xml", "tags/geheim/atom.xml", "nl/feed.xml", "index.html",
                 "assets/old.0a1b2c3d.css", "assets/manifest.json"]
    remotes = published(site_keys, [f"{HELD}/deal.jpg", f"{HELD}/{HELD}-photos.zip", "2026-11-24-winkel/old.jpg"])
    remotes["site"].objects["foreign.html"] = (1, "f" * 32)             # not ours: kept
    remotes["site"].objects[f"{HELD}/foreign.jpg"] = (1, "f" * 32)      # not ours: kept
    files = [local("index.html"), local("nl/feed.xml")]
    plan = pp.plan(files, remotes, delete=False, public=RELEASES, held={HELD: "under embargo until 2026-11-26 09:00"})
    [release, pages] = plan.takedowns
    assert release.slug == HELD and release.keys == {
        "site": [f"{HELD}/index.html", f"{HELD}/img/a.0a1b2c3d.480.webp", f"{HELD}/sanne.vcf"],   # page first
        "media": [f"{HELD}/{HELD}-photos.zip", f"{HELD}/deal.jpg"]}
    assert release.line() == f"taken down: {HELD} (under embargo until 2026-11-26 09:00) — 3 site files, 2 originals"
    assert pages.slug == "" and pages.keys == {"site": ["tags/geheim/atom.xml", "tags/geheim/feed.xml"]}
    assert pages.line(dry_run=True).startswith("would take down: tags/geheim/atom.xml, tags/geheim/feed.xml (")
    assert plan.deletes == {"site": [], "media": []} and plan.delete_count == 0, "--max-deletes counts none of it"
    assert plan.takedown_count == 7
    assert release.lines()[1] == (f"still online: {HELD} (under embargo until 2026-11-26 09:00) — 1 object smr "
                                  f"did not put there, e.g. {HELD}/foreign.jpg; remove it yourself")
    assert plan.stale == {"site": [f"{HELD}/foreign.jpg", "assets/manifest.json", "assets/old.0a1b2c3d.css",
                                   "foreign.html"],
                          "media": ["2026-11-24-winkel/old.jpg"]}, "a public release's old original waits for --delete"
    with_delete = pp.plan(files, remotes, delete=True, public=RELEASES, held={HELD: "draft"})
    assert with_delete.deletes == {"site": ["assets/manifest.json", "assets/old.0a1b2c3d.css"],
                                   "media": ["2026-11-24-winkel/old.jpg"]}
    assert with_delete.takedowns[0].reason == "draft"


def test_a_release_deleted_from_releases_is_taken_down():
    gone = "2026-10-01-weg"
    remotes = published([f"{gone}/index.html", f"{gone}/img/a.0a1b2c3d.480.webp", "de/feed.xml", "de/atom.xml"],
                        [f"{gone}/a.jpg"])
    plan = pp.plan([], remotes, delete=False, public=RELEASES, held={})
    assert [(t.slug, t.reason) for t in plan.takedowns] == [(gone, pp.GONE), ("", plan.takedowns[1].reason)]
    assert plan.takedowns[0].line() == f"taken down: {gone} (no longer in releases/) — 2 site files, 1 original"
    assert plan.takedowns[1].keys == {"site": ["de/atom.xml", "de/feed.xml"]}, "a language folder is no release"


def test_public_releases_previews_and_foreign_keys_are_never_taken_down():
    keys = ["2026-11-24-winkel/index.html", "2026-11-24-winkel/img/old.0a1b2c3d.480.webp",
            f"{PREVIEW_DIR}/tok/{HELD}/index.html"]
    remotes = published(keys)
    plan = pp.plan([local("2026-11-24-winkel/index.html")], remotes, delete=False, public=RELEASES, held={HELD: "draft"})
    assert plan.takedowns == [] and plan.stale["site"] == ["2026-11-24-winkel/img/old.0a1b2c3d.480.webp"]
    unowned = Remote({f"{HELD}/index.html": (1, "a" * 32)}, {})
    [foreign] = pp.plan([], {"site": unowned}, delete=True, public=RELEASES, held={HELD: "draft"}).takedowns
    assert foreign.count == 0 and foreign.keys == {} and foreign.foreign == [f"site:{HELD}/index.html"]
    assert [line.split(" — ")[0] for line in foreign.lines()] == [f"still online: {HELD} (draft)"]
    assert pp.plan([], published([f"{HELD}/index.html"]), delete=False).takedowns == [], "without public: no takedown"


def test_nothing_to_take_down_on_an_unchanged_site():
    files = [local(rel) for rel in SITE]
    remote = Remote(listing(*files), recorded(*files))
    plan = pp.plan(files, {"site": remote}, delete=False, public=RELEASES, held={HELD: "draft"})
    assert plan.takedowns == [] and plan.uploads == [] and plan.stale == {"site": []}


# ---------------------------------------------------------------- the manifest

def test_manifest_after_an_upload_and_deletes():
    old, unchanged, new = local("a.html"), local("b.html"), local("c.html")
    remote = Remote(listing(old, unchanged), recorded(old))
    entries = pp.manifest_after(remote, [unchanged, new], {"c.html": "etag-of-c"}, deleted=["a.html"])
    assert entries == {"b.html": {"md5": unchanged.md5, "etag": unchanged.etag, "h": unchanged.signature},
                       "c.html": {"md5": new.md5, "etag": "etag-of-c", "h": new.signature}}
    assert pp.manifest_entries(pp.manifest_body(entries)) == entries


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", json.dumps({"generator": "other", "objects": {"a": {}}}).encode(),
                                  json.dumps({"generator": "smr", "objects": {"a": "not a dict"}}).encode()])
def test_an_unreadable_or_foreign_manifest_claims_nothing(body):
    assert pp.manifest_entries(body) == {}


# ---------------------------------------------------------------- previews

def test_previews_of_releases_that_are_now_public_are_removed():
    keys = ["index.html", f"{PREVIEW_DIR}/tok1/2026-11-24-winkel/index.html", f"{PREVIEW_DIR}/tok1/assets/s.css",
            f"{PREVIEW_DIR}/tok2/2026-12-01-later/index.html", f"{PREVIEW_DIR}/tok2/assets/s.css"]
    assert pp.preview_tokens(k[len(PREVIEW_DIR) + 1:] for k in keys if k.startswith(PREVIEW_DIR)) == {
        "tok1": {"2026-11-24-winkel"}, "tok2": {"2026-12-01-later"}}
    assert pp.stale_previews(keys, RELEASES) == [f"{PREVIEW_DIR}/tok1/2026-11-24-winkel/index.html",
                                                 f"{PREVIEW_DIR}/tok1/assets/s.css"]


# ---------------------------------------------------------------- local files and their hashes

def test_scan_skips_dotfiles_and_symlinks(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "index.html").write_text("<p>")
    (tmp_path / ".smr-site").write_text("marker")
    (tmp_path / "link.html").symlink_to(tmp_path / "r" / "index.html")
    assert [f.rel for f in pp.scan(tmp_path, {"r"}, media=False)] == ["r/index.html"]


def test_hashes_come_from_the_build_record_and_a_file_it_does_not_name_is_read(tmp_path):
    for name, text in (("index.html", "<p>een</p>"), ("extra.html", "<p>twee</p>")):
        (tmp_path / "site").mkdir(exist_ok=True)
        (tmp_path / "site" / name).write_text(text)
    files = pp.scan(tmp_path / "site", set(), media=False)
    pp.HashCache({"index.html": ("a" * 32, "b" * 32)}).fill(files)   # as the build recorded it
    found = {f.rel: (f.md5, f.etag) for f in files}
    assert found["index.html"] == ("a" * 32, "b" * 32)   # not read again
    assert found["extra.html"] == (hashlib.md5(b"<p>twee</p>").hexdigest(),) * 2


# ---------------------------------------------------------------- links that would not resolve

PAGES = {
    "index.html": '<!DOCTYPE html><html><head><link rel="alternate" href="feed.xml"></head><body>'
                  '<a href="2026-11-24-winkel/">Winkel</a> <a href="tags/brood/">brood</a> '
                  '<a href="https://elders.example/">elders</a></body></html>',
    "tags/brood/index.html": '<html><body><a href="../../">Home</a> <a href="../../2026-11-24-winkel/">Winkel</a></body></html>',
    "2026-11-24-winkel/index.html": '<html><head><link rel="alternate" href="../feed.xml">'
                                    '<link rel="stylesheet" href="../assets/style.0a1b2c3d.css"></head><body>'
                                    '<a href="../index.html">Alle berichten</a> <a href="../tags/brood/">brood</a> '
                                    '<img src="img/foto.3f2a9c1e.960.webp"> <a href="#top">boven</a></body></html>',
    "feed.xml": "<rss/>", "assets/style.0a1b2c3d.css": "body{}", "2026-11-24-winkel/img/foto.3f2a9c1e.960.webp": "x",
}


def site_files(tmp_path) -> list[LocalFile]:
    files = []
    for rel, text in PAGES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        f = local(rel, text.encode())
        f.path = path
        files.append(f)
    return files


def test_a_first_publish_puts_pages_up_first_without_links_to_pages_not_yet_online(tmp_path):
    files = site_files(tmp_path)
    plan = pp.plan(files, {"site": Remote({})}, delete=False)
    pp.hold_back_links(plan, {"site": Remote({})})
    assert plan.stand_ins == {
        "2026-11-24-winkel/index.html": {("site", "index.html"), ("site", "tags/brood/index.html"), ("site", "feed.xml")},
        "index.html": {("site", "tags/brood/index.html"), ("site", "feed.xml")},   # same stage: not online before
        "tags/brood/index.html": {("site", "index.html")},
    }
    stages = plan.by_stage()
    assert sorted(f.key for f in stages[pp.FINAL]) == sorted(plan.stand_ins)
    page = pp.stand_in(PAGES["2026-11-24-winkel/index.html"].encode(), "2026-11-24-winkel/index.html",
                       plan.stand_ins["2026-11-24-winkel/index.html"]).decode()
    assert "Alle berichten" in page and "brood" in page and "../index.html" not in page
    assert "../tags/brood/" not in page and "feed.xml" not in page
    assert 'href="../assets/style.0a1b2c3d.css"' in page and 'src="img/foto.3f2a9c1e.960.webp"' in page
    assert 'href="#top"' in page and page.startswith("<!DOCTYPE html>")


def test_a_publish_to_a_newsroom_online_needs_no_stand_ins(tmp_path):
    files = site_files(tmp_path)
    online = Remote(listing(*files))
    changed = [f for f in files if f.key in ("2026-11-24-winkel/index.html", "index.html")]
    for f in changed:
        f.etag = f.md5 = "changed"
    plan = pp.plan(files, {"site": online}, delete=False)
    pp.hold_back_links(plan, {"site": online})
    assert sorted(f.key for f in plan.uploads) == ["2026-11-24-winkel/index.html", "index.html"]
    assert plan.stand_ins == {} and plan.by_stage()[pp.FINAL] == []


# ---------------------------------------------------------------- when takedowns go (issue 25, case 12)

def test_a_page_the_site_no_longer_has_goes_after_the_uploads_when_no_release_comes_down():
    """A tag removed from a release: its page and feeds are deleted once the release page that
    linked them is up, never before it."""
    page = local("2026-11-24-winkel/index.html", b"without the tag")
    remotes = published(["2026-11-24-winkel/index.html", "tags/brood/index.html", "tags/brood/feed.xml"])
    plan = pp.plan([page], remotes, delete=False, public=RELEASES, held={})
    [pages] = plan.takedowns
    assert pages.slug == "" and not pages.first and plan.early == set()
    assert plan.taken_down("site", first=True) == []
    assert plan.taken_down("site", first=False) == ["tags/brood/feed.xml", "tags/brood/index.html"]
    assert [f.key for f in plan.by_stage()[RELEASE_PAGES]] == ["2026-11-24-winkel/index.html"]


def test_a_release_comes_down_first_and_the_pages_online_that_listed_it_go_up_before_anything_else():
    online = ["index.html", "feed.xml", "sitemap.xml", "robots.txt", "2026-11-24-winkel/index.html",
              "2026-11-24-winkel/oembed.json", "tags/geheim/index.html", "tags/geheim/feed.xml",
              f"{HELD}/index.html", f"{HELD}/img/a.0a1b2c3d.480.webp"]
    remotes = published(online, [f"{HELD}/deal.jpg"])
    changed = [local(rel, b"changed " + rel.encode()) for rel in
               ("index.html", "feed.xml", "sitemap.xml", "robots.txt", "2026-11-24-winkel/index.html",
                "2026-11-24-winkel/oembed.json")]
    new = [local("2026-11-20-fabriek/index.html"), local("2026-11-20-fabriek/img/b.0a1b2c3d.480.webp"),
           local("2026-11-20-fabriek/hires/b.jpg", media=True)]
    plan = pp.plan(changed + new, remotes, delete=False, public=RELEASES, held={HELD: "draft"})
    assert [(t.slug, t.first) for t in plan.takedowns] == [(HELD, True), ("", True)], "the tag's pages may list it"
    assert plan.taken_down("site", first=True) == [f"{HELD}/index.html", f"{HELD}/img/a.0a1b2c3d.480.webp",
                                                   "tags/geheim/feed.xml", "tags/geheim/index.html"]
    # every changed page and feed online goes first; robots.txt lists no release, an oEmbed no other release
    assert plan.early == {"index.html", "feed.xml", "sitemap.xml", "2026-11-24-winkel/index.html"}
    stages = plan.by_stage()
    assert sorted(f.key for f in stages[pp.AFTER_TAKEDOWN]) == sorted(plan.early)
    assert [f.key for f in stages[FEEDS]] == ["2026-11-24-winkel/oembed.json", "robots.txt"]
    assert [f.key for f in stages[RELEASE_PAGES]] == ["2026-11-20-fabriek/index.html"]


BASE, MEDIA = "https://pers.example.org/", "https://media.example.org/hires/"
NEW = "2026-11-20-fabriek"
EARLY_INDEX = (f'<!DOCTYPE html><html><head><link rel="canonical" href="{BASE}">'
               f'<link rel="alternate" hreflang="en" href="{BASE}en/"></head><body>'
               f'<article><picture><source srcset="{NEW}/img/b.0a1b2c3d.480.webp 480w">'
               f'<img src="{NEW}/img/b.0a1b2c3d.480.webp" alt="Fabriek"></picture>'
               f'<h2><a href="{NEW}/">Fabriek</a></h2></article>'
               f'<article><img src="2026-11-24-winkel/img/a.0a1b2c3d.480.webp" '
               f'srcset="2026-11-24-winkel/img/a.0a1b2c3d.480.webp 480w, {NEW}/img/b.0a1b2c3d.480.webp 960w" alt="Winkel">'
               f'<h2><a href="2026-11-24-winkel/">Winkel</a></h2>'
               f'<a class="download" href="{MEDIA}{NEW}/b.jpg">hires</a></article></body></html>')
EARLY_FEED = (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><link>{BASE}</link>'
              f'<item><title>Fabriek</title><link>{BASE}{NEW}/</link><guid>{BASE}{NEW}/</guid></item>'
              f'<item><title>Winkel</title><link>{BASE}2026-11-24-winkel/</link>'
              f'<category domain="{BASE}tags/nieuw/">nieuw</category>'
              f'<description>&lt;img src="{BASE}{NEW}/img/b.0a1b2c3d.480.webp"&gt;</description></item>'
              f'<item><title>Oud</title><link>{BASE}2026-11-24-winkel/</link>'
              f'<category domain="{BASE}tags/nieuw/">nieuw</category></item></channel></rss>\n')
EARLY_JSON = json.dumps({"version": "https://jsonfeed.org/version/1.1", "home_page_url": BASE,
                         "feed_url": BASE + "feed.json", "items": [
                             {"id": BASE + NEW + "/", "url": BASE + NEW + "/", "title": "Fabriek"},
                             {"id": BASE + "x/", "url": BASE + "2026-11-24-winkel/", "title": "Winkel",
                              "content_html": f'<p><a href="{BASE}{NEW}/">zie ook</a></p>'},
                             {"id": BASE + "y/", "url": BASE + "2026-11-24-winkel/", "title": "Oud",
                              "content_html": '<p><a href="relative/">relatief</a></p>'}]})


def test_pages_that_go_up_right_after_a_takedown_leave_out_what_is_not_online_yet(tmp_path):
    """Right after a takedown the index and feeds go up before the new release's page, photos
    and originals: as stand-ins without their links to those (absolute ones too, src and
    srcset, a feed's entries), and as themselves once every stage is done."""
    bodies = {"index.html": EARLY_INDEX, "feed.xml": EARLY_FEED, "feed.json": EARLY_JSON,
              f"{NEW}/index.html": "<!DOCTYPE html><p>Fabriek</p>", f"{NEW}/img/b.0a1b2c3d.480.webp": "x"}
    files = []
    for rel, text in bodies.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, "utf-8")
        f = local(rel, text.encode())
        f.path = tmp_path / rel
        files.append(f)
    files.append(local(f"{NEW}/hires/b.jpg", media=True))
    remotes = published(["index.html", "feed.xml", "feed.json", "en/index.html", "2026-11-24-winkel/index.html",
                         "2026-11-24-winkel/img/a.0a1b2c3d.480.webp", f"{HELD}/index.html"])
    plan = pp.plan(files, remotes, delete=False, public=RELEASES, held={HELD: "draft"})
    bases = {"site": BASE, "media": MEDIA}
    pp.hold_back_links(plan, remotes, bases)
    assert plan.early == {"index.html", "feed.xml", "feed.json"}
    new = {("site", f"{NEW}/index.html"), ("site", f"{NEW}/img/b.0a1b2c3d.480.webp"), ("media", f"{NEW}/b.jpg")}
    assert plan.stand_ins == {"index.html": new, "feed.xml": new - {("media", f"{NEW}/b.jpg")},
                              "feed.json": {("site", f"{NEW}/index.html")}}
    assert sorted(f.key for f in plan.by_stage()[pp.FINAL]) == ["feed.json", "feed.xml", "index.html"]

    page = pp.stand_in(EARLY_INDEX.encode(), "index.html", plan.stand_ins["index.html"], bases).decode()
    assert "Fabriek" in page and f'href="{NEW}/"' not in page and f"{NEW}/img" not in page, page
    assert f"{MEDIA}{NEW}/b.jpg" not in page and ">hires</a>" in page
    assert 'srcset="2026-11-24-winkel/img/a.0a1b2c3d.480.webp 480w"' in page
    assert f'href="{BASE}"' in page and f'href="{BASE}en/"' in page, "what is online stays linked"
    assert pp.page_links(page.encode(), "index.html", bases) & new == set()

    feed = pp.stand_in(EARLY_FEED.encode(), "feed.xml", plan.stand_ins["feed.xml"], bases)
    assert feed.startswith(b"<?xml") and b"<title>Fabriek</title>" not in feed and b"<title>Winkel</title>" not in feed
    assert b"<title>Oud</title>" in feed and f"<link>{BASE}</link>".encode() in feed, "a category names, not links"
    assert pp.links_of(feed, "feed.xml", bases) == {("site", "index.html"), ("site", "2026-11-24-winkel/index.html")}

    data = json.loads(pp.stand_in(EARLY_JSON.encode(), "feed.json", plan.stand_ins["feed.json"], bases))
    assert [item["title"] for item in data["items"]] == ["Oud"], "its relative link is the entry's, not the feed's"
    assert data["home_page_url"] == BASE and data["feed_url"] == BASE + "feed.json"


def test_a_new_release_page_goes_up_first_without_its_oembed_link_and_never_without_its_own(tmp_path):
    """Its oembed.json links the page, so it follows with the feeds; the page's link to itself
    (canonical) is no reason for a stand-in, nor are links to what is online."""
    rel = f"{NEW}/index.html"
    body = (f'<!DOCTYPE html><html><head><link rel="canonical" href="{BASE}{NEW}/">'
            f'<link rel="alternate" type="application/json+oembed" href="{BASE}{NEW}/oembed.json">'
            f'</head><body><a href="../">Alle berichten</a></body></html>')
    (tmp_path / NEW).mkdir()
    (tmp_path / rel).write_text(body, "utf-8")
    page = local(rel, body.encode())
    page.path = tmp_path / rel
    card = json.dumps({"type": "rich", "url": f"{BASE}{NEW}/", "html": f'<a href="{BASE}{NEW}/">Fabriek</a>'})
    (tmp_path / NEW / "oembed.json").write_text(card, "utf-8")
    oembed = local(f"{NEW}/oembed.json", card.encode())
    oembed.path = tmp_path / NEW / "oembed.json"
    online = published(["index.html"])
    plan = pp.plan([page, oembed], online, delete=False, public=RELEASES, held={})
    pp.hold_back_links(plan, online, {"site": BASE, "media": BASE + "hires/"})
    assert oembed.stage == FEEDS and plan.stand_ins == {rel: {("site", f"{NEW}/oembed.json")}}
    assert pp._link_target("index.html", BASE + "hires/a/b.jpg", plan.bases) == ("media", "a/b.jpg"), \
        "a media area inside the site's address is the media target's"
    shown = pp.stand_in(body.encode(), rel, plan.stand_ins[rel], plan.bases).decode()
    assert "oembed" not in shown and f'href="{BASE}{NEW}/"' in shown
