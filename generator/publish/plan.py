"""What a publish must do: which local files go where, with which headers, in which order,
and which of them the bucket already has.

Pure bookkeeping, no network: the remote side comes in as a listing and a manifest, so the
diffing, ordering and delete rules can be read (and tested) on their own.

Originals: the build copies every photo's original into `_site/<slug>/hires/`, only for
releases whose page it writes (never an embargoed one outside preview). Those files are
what goes to the media target, as `<slug>/<name>` (see media_key), so the media URL of a
photo is `media_base_url + <slug>/<name>`. Without a media target they stay in the site.

Deleting. What smr put in a target is in its manifest; nothing else is ever deleted. Of
smr's keys that the local site no longer has:
- Taken down by every publish (`Plan.takedowns`), without --delete and outside the
  --max-deletes cap, because they may show what must not be online (when: see "Order"):
  - a release folder whose release is not public now: `<slug>/...` in the site target and
    `<slug>/<name>` in the media target, where <slug> is a release under embargo or a
    draft, or one no longer in releases/ (in the site target: a folder where smr put a
    release page, `<slug>/index.html`; in the media target every folder is a release's);
  - a page, i.e. an .html/.htm/.xml/.rss/.atom/.json file, anywhere else in the site
    target but `assets/` (tag feeds and pages under `tags/`, language feeds under `<lang>/`,
    the top level): such a page may list a release that is no longer public.
- Removed only with --delete, capped: everything else (old renditions, documents and
  assets that cached pages may still link to).
Previews (`_preview/`) are never taken down here: `stale_previews` removes them.

Order, and links that would not resolve. Uploads go in stages (STAGES), each complete before
the next begins, so that what a page links to is online before the page: originals, then
renditions, assets and documents, then release pages, then the index and tag pages, then
the feeds, sitemaps and each release's oEmbed. Deletions go after every upload, so that no
page online links an object once it is gone: --delete's, and a page the site no longer has
(a removed tag's page and feeds), which goes once the pages that linked it are up.

But a release that must not be online (`Takedown.first`) comes down before anything else,
and with it the pages the site no longer has (they may list it): a publish killed later must
not leave it online. Until the next upload, the pages online that listed it link to what is
gone, so they go up at once, before anything else (AFTER_TAKEDOWN, `Plan.early`: every
changed page and feed that is online), and then the stages follow.

Pages link both ways, though: a release page links to the index, the feeds and its tag
pages, and those link to the release pages. No order of whole pages breaks that circle; on
a first publish (an empty bucket), or for a new tag's page, whichever goes first would link
to a page that is not there yet, for good if the publish is interrupted then. So a page goes
online only with links that resolve (`hold_back_links`): an HTML page (or a feed) that links
to an object which is neither online nor uploaded in an earlier stage goes up first as a
stand-in with those links taken out (the link's text stays, `<link rel=alternate>` to a feed
not yet there is left out, a picture not yet there too; a feed leaves out the entries that
link one), and once every stage is done, as itself (FINAL: "pages, with all their links").
The pages that go up right after a takedown are such stand-ins where they link what is new.
At every moment, then, each page online links only to what is online (but, right after a
takedown, to what was taken down), and a publish interrupted anywhere leaves no other broken
link; the next publish sees the stand-ins differ from the site and uploads the real pages.
A publish to a newsroom already online needs few stand-ins: a new release's page goes up
first without its oEmbed link (its oembed.json follows with the feeds), a release with a new
tag or translation without links to those, and after a takedown the pages that listed it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import SmrError
from generator.files import MULTIPART_CHUNK, atomic_write, digests  # noqa: F401 (MULTIPART_CHUNK: s3.py and deploy.py read it here)
from generator.photos.originals import ORIGINALS_DIR, media_key

PREVIEW_DIR = "_preview"
ASSETS_DIR = "assets"
RELEASE_PAGE = "index.html"
PAGE_SUFFIXES = (".html", ".htm", ".xml", ".rss", ".atom", ".json")
GONE = "no longer in releases/"
MANIFEST = ".smr-manifest.json"   # the name an older smr gave the manifest: public under the read policy
# The manifest lists every key smr put in a target: it is publish's bookkeeping, not part of
# the site. Its name carries 128 random bits, found again by smr's own (authenticated)
# listing, as a preview's token is: the public-read policy lets anyone read a key they know,
# never list, so no one outside finds it. An old `.smr-manifest.json` is merged and removed.
MANIFEST_NAME = re.compile(r"\.smr-manifest(-[0-9a-f]{32})?\.json")

STAGES = ("pages that listed what was taken down", "originals", "renditions and assets", "release pages",
          "index and tag pages", "feeds, sitemap and embeds", "pages, with all their links")
AFTER_TAKEDOWN, ORIGINALS, ASSETS, RELEASE_PAGES, INDEX_PAGES, FEEDS, FINAL = range(7)

SHORT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"
ORIGINAL_CACHE = "public, max-age=3600"
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,64}\.")   # name.3f2a9c1e.1600.webp, style.0a1b2c3d.css
WELL_KNOWN = ".well-known"   # the one dot-folder published: identity files others look up (atproto-did)
WELL_KNOWN_TYPES = {".well-known/atproto-did": "text/plain; charset=utf-8"}   # names without a suffix

TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
    ".txt": "text/plain; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml; charset=utf-8",
    ".vcf": "text/vcard; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
    ".webp": "image/webp", ".avif": "image/avif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".ico": "image/x-icon",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic",
    ".zip": "application/zip", ".pdf": "application/pdf", ".mp4": "video/mp4",
    ".woff2": "font/woff2", ".woff": "font/woff", ".webmanifest": "application/manifest+json",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv", ".rtf": "application/rtf", ".epub": "application/epub+zip",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation", ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
}


@dataclass
class LocalFile:
    """One file of the built site, with where it goes and how it is served."""

    rel: str                 # path inside the built site, '/'-separated
    key: str                 # key inside its target, after the target's prefix
    path: Path
    size: int
    stage: int
    target: str              # "site" or "media"
    headers: dict            # ContentType, CacheControl, ContentDisposition (S3 API names)
    mtime_ns: int = 0
    md5: str = ""            # hex digest of the whole file
    etag: str = ""           # the ETag S3 gives it when uploaded the way we upload it

    @property
    def signature(self) -> str:
        """Changes when the headers we would send change, so a header fix re-uploads."""
        return hashlib.md5(json.dumps(self.headers, sort_keys=True).encode()).hexdigest()[:12]

    @property
    def content_md5(self) -> str:
        return base64.b64encode(bytes.fromhex(self.md5)).decode()


@dataclass
class Remote:
    """What one target holds: the listing, and the manifest of what smr put there."""

    objects: dict[str, tuple[int, str]]        # relative key -> (size, etag without quotes)
    manifest: dict[str, dict] = field(default_factory=dict)  # relative key -> {md5, etag, h}
    manifest_key: str = ""                     # where the manifest is written ("": a new secret name)

    def without(self, area: str) -> "Remote":
        """The same target with the keys under `area` left out (another target lives there)."""
        return Remote({k: v for k, v in self.objects.items() if not k.startswith(area)}, self.manifest,
                      self.manifest_key)

    @property
    def manifests(self) -> list[str]:
        """The manifests the listing holds (normally one)."""
        return sorted(k for k in self.objects if is_manifest(k))


def is_manifest(key: str) -> bool:
    """smr's record of a target (relative key), under its secret name or the old public one."""
    return MANIFEST_NAME.fullmatch(key) is not None


def new_manifest_key() -> str:
    import secrets

    return f".smr-manifest-{secrets.token_hex(16)}.json"


@dataclass
class Takedown:
    """What a publish removes because it must not be online: one release's folder, or
    (slug "") pages the site no longer has."""

    slug: str
    reason: str
    keys: dict[str, list[str]]                 # target name -> relative keys, in delete order
    foreign: list[str] = field(default_factory=list)   # "target:key" in the folder, not smr's
    first: bool = True                         # before any upload; else once no page online links it

    @property
    def count(self) -> int:
        return sum(len(keys) for keys in self.keys.values())

    def lines(self, dry_run: bool = False) -> list[str]:
        """The loud lines a publish prints: what it takes down, and what it cannot."""
        lines = [self.line(dry_run)] if self.count else []
        if self.foreign:
            n = len(self.foreign)
            lines.append(f"still online: {self.slug} ({self.reason}) — {n} object{'s' * (n != 1)} smr did not "
                         f"put there, e.g. {self.foreign[0].split(':', 1)[1]}; remove {'them' if n > 1 else 'it'} yourself")
        return lines

    def line(self, dry_run: bool = False) -> str:
        verb = "would take down" if dry_run else "taken down"
        if not self.slug:
            keys = self.keys.get("site", [])
            shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
            return f"{verb}: {shown} ({self.reason})"
        originals = len(self.keys.get("media", [])) + sum(
            1 for k in self.keys.get("site", []) if classify(k, None) == ORIGINALS)
        site = len(self.keys.get("site", [])) + len(self.keys.get("media", [])) - originals
        return (f"{verb}: {self.slug} ({self.reason}) — {site} site file{'s' * (site != 1)}, "
                f"{originals} original{'s' * (originals != 1)}")


@dataclass
class Plan:
    uploads: list[LocalFile]
    skipped: list[LocalFile]
    deletes: dict[str, list[str]]              # target name -> relative keys smr may delete
    stale: dict[str, list[str]]                # target name -> relative keys not ours or kept
    takedowns: list[Takedown] = field(default_factory=list)   # by every publish (first, or after the uploads)
    stand_ins: dict[str, set[tuple[str, str]]] = field(default_factory=dict)   # site key -> (target, key) held back
    early: set[str] = field(default_factory=set)   # site keys that go up right after the first takedowns
    bases: dict[str, str] = field(default_factory=dict)   # target name -> its public URL (hold_back_links)

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)

    @property
    def delete_count(self) -> int:
        """What --delete removes (and --max-deletes caps); takedowns are not counted."""
        return sum(len(keys) for keys in self.deletes.values())

    @property
    def takedown_count(self) -> int:
        return sum(t.count for t in self.takedowns)

    def taken_down(self, name: str, first: bool | None = None) -> list[str]:
        """Every key of target `name` that the takedowns remove (with `first`: only those that
        go before the uploads, or only those that go after them)."""
        return [k for t in self.takedowns if first is None or t.first == first for k in t.keys.get(name, [])]

    def stage_of(self, f: LocalFile) -> int:
        return AFTER_TAKEDOWN if f.target == "site" and f.key in self.early else f.stage

    def by_stage(self) -> list[list[LocalFile]]:
        """The uploads stage by stage; a page with a stand-in comes in its own stage (as the
        stand-in) and again in FINAL (as itself)."""
        stages: list[list[LocalFile]] = [[] for _ in STAGES]
        for f in self.uploads:
            stages[self.stage_of(f)].append(f)
            if f.target == "site" and f.key in self.stand_ins:
                stages[FINAL].append(f)
        return stages


# ---------------------------------------------------------------- local files

def scan(site_dir: Path, releases: set[str] | None, media: bool) -> list[LocalFile]:
    """Every regular file of the built site; dotfiles and symlinks are never published, but
    for the top-level `.well-known/` folder."""
    files = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if (entry.name.startswith(".") and not (prefix == "" and entry.name == WELL_KNOWN)) \
                        or entry.is_symlink():
                    continue
                if entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    rel, st = prefix + entry.name, entry.stat()
                    stage = classify(rel, releases)
                    to_media = media and stage == ORIGINALS
                    files.append(LocalFile(rel=rel, key=media_key(rel) if to_media else rel, path=Path(entry.path),
                                           size=st.st_size, mtime_ns=st.st_mtime_ns, stage=stage,
                                           target="media" if to_media else "site",
                                           headers=headers_for(rel, Path(entry.path), stage)))

    walk(str(site_dir), "")
    return files


def never_published(rels) -> list[str]:
    """The site paths among `rels` that `scan` leaves out for their dot (a file or folder whose
    name starts with one, but `.well-known/`): a page linking one would link a 404."""
    return sorted(rel for rel in rels if any(part.startswith(".") and not (i == 0 and part == WELL_KNOWN)
                                             for i, part in enumerate(rel.split("/"))))


def classify(rel: str, releases: set[str] | None) -> int:
    """The upload stage of a file: what others link to goes before what links to it. A
    release's oembed.json links its page and thumbnail, so it goes with the feeds (the page's
    link to it is held back while it is not online: hold_back_links)."""
    parts = rel.split("/")
    suffix = Path(rel).suffix.lower()
    if len(parts) >= 3 and ORIGINALS_DIR in parts[1:-1]:
        return ORIGINALS
    if suffix in (".html", ".htm"):
        if len(parts) == 2 and (releases is None or parts[0] in releases):
            return RELEASE_PAGES
        return INDEX_PAGES
    if suffix in (".xml", ".rss", ".atom") or rel == "robots.txt" or _is_json_feed(rel) or _is_oembed(rel):
        return FEEDS
    return ASSETS


def headers_for(rel: str, path: Path, stage: int) -> dict:
    """Content-Type and Cache-Control for every file; images.py adds its own rules on top
    (renditions immutable, originals and media kits as attachments under their own name)."""
    from generator.photos.pipeline import publish_headers

    headers = {"ContentType": content_type(rel, path), "CacheControl": SHORT}
    if stage == ORIGINALS:
        headers["CacheControl"] = ORIGINAL_CACHE
    elif stage == ASSETS and HASHED_NAME.search(rel.rsplit("/", 1)[-1]):
        headers["CacheControl"] = IMMUTABLE
    headers.update(publish_headers(rel))
    headers.update(document_headers(rel))
    return headers


def document_headers(rel: str) -> dict:
    """A release's documents (`<slug>/docs/<name>`): PDFs and pictures open in the browser,
    everything else downloads under its own name, so no browser guesses it is a page."""
    from generator.newsroom.documents import DOCUMENTS_DIR, served_inline
    from generator.photos.pipeline import content_disposition

    parts = rel.split("/")
    if len(parts) >= 3 and parts[-2] == DOCUMENTS_DIR and parts[0] != ASSETS_DIR and not served_inline(parts[-1]):
        return {"ContentDisposition": content_disposition(parts[-1])}
    return {}


def _is_json_feed(rel: str) -> bool:
    from generator.render.feeds import JSON_FILE

    return rel.rsplit("/", 1)[-1] == JSON_FILE and not rel.startswith(ASSETS_DIR + "/")


def _is_oembed(rel: str) -> bool:
    from generator.render.oembed import OEMBED_FILE

    parts = rel.split("/")
    return len(parts) == 2 and parts[1] == OEMBED_FILE and parts[0] != ASSETS_DIR


def content_type(rel: str, path: Path) -> str:
    suffix = Path(rel).suffix.lower()
    if rel in WELL_KNOWN_TYPES:
        return WELL_KNOWN_TYPES[rel]
    if suffix == ".xml":
        return _sniff_xml(path)
    if _is_json_feed(rel):
        return "application/feed+json; charset=utf-8"
    if suffix in TYPES:
        return TYPES[suffix]
    return mimetypes.guess_type(rel)[0] or "application/octet-stream"


def _sniff_xml(path: Path) -> str:
    """feed.xml may be RSS or Atom: the root element says which."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S).lstrip()
    if head.startswith(b"<rss"):
        return "application/rss+xml; charset=utf-8"
    if head.startswith(b"<feed"):
        return "application/atom+xml; charset=utf-8"
    return "application/xml; charset=utf-8"


# ---------------------------------------------------------------- hashes

class HashCache:
    """The MD5 and ETag of each local file: from the output record of the build that wrote the
    site (`recorded`: site path -> (MD5, ETag), output.incremental.recorded_digests), so an
    unchanged site is not read again; a file the record does not name is read."""

    def __init__(self, recorded: dict[str, tuple[str, str]] | None = None):
        self.recorded = recorded or {}

    def fill(self, files: list[LocalFile], jobs: int = 4) -> None:
        missing = []
        for f in files:
            known = self.recorded.get(f.rel)
            if known:
                f.md5, f.etag = known
            else:
                missing.append(f)
        if not missing:
            return
        with ThreadPoolExecutor(jobs) as pool:
            for f, (md5, etag) in zip(missing, pool.map(lambda m: digests(m.path), missing)):
                f.md5, f.etag = md5, etag

    def save(self) -> None:
        """Nothing to keep: the build keeps the digests, with the files it writes."""


# ---------------------------------------------------------------- the diff

def unchanged(f: LocalFile, remote: Remote) -> bool:
    """Same size and content (by ETag, or by the MD5 smr recorded), sent with the same headers."""
    have = remote.objects.get(f.key)
    if have is None or have[0] != f.size:
        return False
    mine = remote.manifest.get(f.key)
    if mine and mine.get("etag") == have[1]:
        return mine.get("md5") == f.md5 and mine.get("h") == f.signature
    return have[1] == f.etag


def plan(files: list[LocalFile], remotes: dict[str, Remote], *, delete: bool,
         public: set[str] | None = None, held: dict[str, str] | None = None) -> Plan:
    """Uploads, skips and deletes. With `public` (the releases anyone may see now) and `held`
    (slug -> why it is not public, for the local releases that are not), also what must be
    taken down (see the module's docstring); without them, nothing is taken down."""
    uploads, skipped = [], []
    for f in files:
        (skipped if unchanged(f, remotes[f.target]) else uploads).append(f)
    uploads.sort(key=lambda f: (f.stage, -f.size, f.key))
    deletes, stale = {}, {}
    takedowns: dict[str, Takedown] = {}
    for name, remote in remotes.items():
        local = {f.key for f in files if f.target == name}
        extra = sorted(k for k in remote.objects if k not in local and not is_manifest(k)
                       and not k.startswith(PREVIEW_DIR + "/"))
        # Takedowns need no --delete and no --yes: --max-deletes guards against a wrong
        # listing or prefix wiping a bucket, and a takedown cannot do that, as it only ever
        # takes smr's own keys (in the manifest) of a release folder that is not public, or
        # of a page the site no longer has. Keeping embargoed news online is the worse harm.
        ours, down = [], set()
        for key in (k for k in extra if k in remote.manifest):
            slug = None if public is None else release_folder(key, name, public, held or {}, remote.manifest)
            if slug is None and public is not None and name == "site" and is_page(key):
                slug = ""
            if slug is None:
                ours.append(key)
                continue
            reason = (held or {}).get(slug, GONE) if slug else "no longer in the site, where it may list a release"
            takedowns.setdefault(slug, Takedown(slug, reason, {})).keys.setdefault(name, []).append(key)
            down.add(key)
        for key in (k for k in extra if k not in remote.manifest and public is not None):
            slug = key.partition("/")[0]
            if slug in (held or {}):   # someone else's object in a held release's folder: say so
                takedowns.setdefault(slug, Takedown(slug, held[slug], {})).foreign.append(f"{name}:{key}")
        deletes[name] = ours if delete else []
        removed = down | set(deletes[name])
        stale[name] = [k for k in extra if k not in removed]
    for t in takedowns.values():
        t.keys = {name: delete_order(keys, public) for name, keys in t.keys.items()}
    ordered = sorted(takedowns.values(), key=lambda t: (t.slug == "", t.slug))
    # A release comes down first, and a page the site no longer has with it (it may list the
    # release); then the pages online that may still list it go up before anything else (`early`).
    # Without a release to take down, such a page goes after the pages that stop linking it.
    releases_down = any(t.slug and t.count for t in ordered)
    for t in ordered:
        t.first = bool(t.slug) or releases_down
    result = Plan(uploads, skipped, deletes, stale, ordered)
    if releases_down and "site" in remotes:
        result.early = {f.key for f in uploads if f.target == "site" and f.key in remotes["site"].objects
                        and f.stage in (RELEASE_PAGES, INDEX_PAGES, FEEDS) and is_page(f.key) and not _is_oembed(f.key)}
    return result


def hold_back_links(plan: Plan, remotes: dict[str, Remote], bases: dict[str, str] | None = None) -> None:
    """Which pages of the site target must first go up as stand-ins (see the module's
    docstring): an HTML page, feed, sitemap or oEmbed that links to an object neither online
    (the targets' listings, less what the first takedowns remove) nor uploaded in an earlier
    stage. With `bases` (target name -> its public URL, ending in '/'), absolute links count
    too: canonical and hreflang links, oEmbed discovery, photo downloads from the media
    target, the links in a feed. Fills `plan.stand_ins` and `plan.bases`."""
    plan.bases = {name: base for name, base in (bases or {}).items() if base}
    coming = {(f.target, f.key) for f in plan.uploads}
    ready = {(name, key) for name, remote in remotes.items() for key in remote.objects}
    ready -= {(name, key) for name in remotes for key in plan.taken_down(name, first=True)}
    stages = plan.by_stage()
    for stage in range(FINAL):
        for f in stages[stage]:
            if f.target == "site" and _kind(f.key):
                missing = {t for t in links_of(f.path.read_bytes(), f.key, plan.bases)
                           if t in coming and t not in ready and t != ("site", f.key)}
                if missing:
                    plan.stand_ins[f.key] = missing
        ready |= {(f.target, f.key) for f in stages[stage]}


def _kind(key: str) -> str | None:
    """How the links of a site file are read: "html", "xml" (feeds, sitemaps), "json" (JSON
    Feed, oEmbed), or None (a file that links nothing of the site)."""
    suffix = Path(key).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".xml", ".rss", ".atom"):
        return "xml"
    if _is_json_feed(key) or _is_oembed(key):
        return "json"
    return None


def _link_target(page_key: str, url: str, bases: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(target, key) a link of the page at `page_key` points to: a relative link is a key of
    the site ('x/' is 'x/index.html'), an absolute one under a target's public URL (`bases`) a
    key of that target; None for links elsewhere (another host, mailto:, #fragment, /rooted)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        for name, base in sorted((bases or {}).items(), key=lambda item: -len(item[1])):   # media inside the site
            if url.startswith(base):
                rest = unquote(urlsplit(url[len(base):]).path)
                if ".." in rest.split("/"):
                    return None
                return name, rest + "index.html" if rest == "" or rest.endswith("/") else rest
        return None
    if not parts.path or parts.path.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page_key), unquote(parts.path)))
    if path.startswith("../") or path == "..":
        return None
    key = path + "/index.html" if parts.path.endswith("/") or path == "." else path
    return "site", key.removeprefix("./")


def _parse_page(body: bytes):
    import lxml.html

    return lxml.html.document_fromstring(body, parser=lxml.html.HTMLParser(encoding="utf-8"))


def _srcset(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def _targets(urls, key: str, bases: dict[str, str], absolute: bool = False) -> set[tuple[str, str]]:
    """(target, key) of each of `urls` that points into a target (with `absolute`: only the
    URLs under a target's public URL)."""
    if absolute:
        urls = [url.strip() for url in urls if url.strip().startswith(tuple(bases.values()) or ("\0",))]
    return {t for t in (_link_target(key, url, bases) for url in urls) if t}


def _html_links(element, key: str, bases: dict[str, str], absolute: bool = False) -> set[tuple[str, str]]:
    """The links of one HTML element: href, src and every candidate of srcset."""
    urls = [element.get(name) or "" for name in ("href", "src")] + _srcset(element.get("srcset") or "")
    return _targets(urls, key, bases, absolute)


def page_links(body: bytes, key: str, bases: dict[str, str] | None = None,
               absolute: bool = False) -> set[tuple[str, str]]:
    """(target, key) of every object an HTML page links to (`href`, `src`, `srcset`); with
    `absolute`, only its absolute links (HTML a feed carries: readers resolve the rest against
    the entry, not the feed)."""
    found = set()
    for element in _parse_page(body).iter():
        found |= _html_links(element, key, bases or {}, absolute)
    return found


# In a feed, these name things without linking them: an entry's id (Atom) or guid (RSS), and
# the scheme (Atom) or domain (RSS) of a category, which names a tag's feeds as a folder.
NAMES, NAME_ATTRIBUTES = ("id", "guid"), ("scheme", "domain")
LINK_ELEMENTS = ("link", "loc", "icon", "logo", "url")   # whose text is a link (RSS, Atom, sitemaps)
ENTRIES = ("item", "entry", "url")                         # what a stand-in of a feed or sitemap leaves out


def _xml_root(body: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(body, parser=parser)


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _xml_own_links(element, key: str, bases: dict[str, str]) -> set[tuple[str, str]]:
    """The links of one feed element, its children aside: link attributes, a link element's
    text, and the links of HTML content (an entry's description or content)."""
    name = _local(element)
    if name in NAMES:
        return set()
    urls = [value for attribute, value in element.attrib.items()
            if attribute.rsplit("}", 1)[-1] in ("href", "src", "url")]
    text = (element.text or "").strip()
    if name in LINK_ELEMENTS and text and "<" not in text:
        urls.append(text)
    found = _targets(urls, key, bases, absolute=True)
    if "<" in text:   # HTML content, as feeds carry it
        found |= page_links(text.encode(), key, bases, absolute=True)
    return found


def _xml_links(element, key: str, bases: dict[str, str]) -> set[tuple[str, str]]:
    found = set()
    for child in element.iter():
        found |= _xml_own_links(child, key, bases)
    return found


def _json_links(value, key: str, bases: dict[str, str], name: str = "") -> set[tuple[str, str]]:
    """The links in a JSON Feed or oEmbed response: URLs, and the links of its HTML ("*html")."""
    if isinstance(value, dict):
        return {t for k, v in value.items() if k != "id" for t in _json_links(v, key, bases, k)}
    if isinstance(value, list):
        return {t for v in value for t in _json_links(v, key, bases, name)}
    if not isinstance(value, str):
        return set()
    if "html" in name:
        return page_links(value.encode(), key, bases, absolute=True) if value.strip() else set()
    return _targets([value], key, bases, absolute=True)


def links_of(body: bytes, key: str, bases: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """(target, key) of every object the site file at `key` links to (see _kind); an
    unreadable feed links nothing (it is published as it is)."""
    import json

    from lxml import etree

    bases = bases or {}
    kind = _kind(key)
    try:
        if kind == "html":
            return page_links(body, key, bases)
        if kind == "xml":
            return _xml_links(_xml_root(body), key, bases)
        if kind == "json":
            return _json_links(json.loads(body), key, bases)
    except (ValueError, etree.LxmlError):   # json's JSONDecodeError is a ValueError
        return set()
    return set()


def stand_in(body: bytes, key: str, missing: set[tuple[str, str]], bases: dict[str, str] | None = None) -> bytes:
    """The file with its links to `missing` (target, key) taken out. In a page an `<a>` keeps
    its text and loses its href, a `<link>` (a feed's alternate) goes, and so do an image or
    source whose picture is not online; a feed or sitemap leaves out the entries that link
    one, a JSON Feed its items."""
    bases = bases or {}
    kind = _kind(key)
    if kind == "xml":
        return _xml_stand_in(body, key, missing, bases)
    if kind == "json":
        return _json_stand_in(body, key, missing, bases)
    import lxml.html

    doc = _parse_page(body)
    for element in list(doc.iter()):
        href = _link_target(key, element.get("href") or "", bases)
        if href in missing:
            if element.tag == "link":
                element.drop_tree()
                continue
            del element.attrib["href"]
        if element.get("srcset"):
            kept = [c for c in element.get("srcset").split(",") if c.strip()
                    and _link_target(key, c.split()[0], bases) not in missing]
            if kept:
                element.set("srcset", ",".join(kept))
            else:
                del element.attrib["srcset"]
                element.attrib.pop("sizes", None)
                if element.tag == "source":
                    element.drop_tree()
                    continue
        if _link_target(key, element.get("src") or "", bases) in missing:
            element.drop_tree()   # an image, script or frame not online yet: its alt text goes with it
    return lxml.html.tostring(doc, doctype="<!DOCTYPE html>", encoding="utf-8")


def _xml_stand_in(body: bytes, key: str, missing: set[tuple[str, str]], bases: dict[str, str]) -> bytes:
    from lxml import etree

    root = _xml_root(body)
    for element in list(root.iter()):
        if element is root or element.getparent() is None:
            continue
        links = _xml_links(element, key, bases) if _local(element) in ENTRIES else _xml_own_links(element, key, bases)
        if links & missing:
            element.getparent().remove(element)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def _json_stand_in(body: bytes, key: str, missing: set[tuple[str, str]], bases: dict[str, str]) -> bytes:
    import json

    data = json.loads(body)
    if isinstance(data, dict):
        if isinstance(data.get("items"), list):
            data["items"] = [item for item in data["items"] if not _json_links(item, key, bases) & missing]
        for name in [k for k, v in data.items() if k != "items" and _json_links(v, key, bases, k) & missing]:
            del data[name]
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def release_folder(key: str, target: str, public: set[str], held: dict[str, str],
                   manifest: dict[str, dict]) -> str | None:
    """The release whose folder holds `key` if that release is not public now, else None."""
    slug, sep, _ = key.partition("/")
    if not sep or slug in public:
        return None
    if slug in held or target == "media":
        return slug
    if slug in (ASSETS_DIR, PREVIEW_DIR) or f"{slug}/{RELEASE_PAGE}" not in manifest:
        return None   # tags/, a language's feeds: not a release's folder
    return slug


def is_page(key: str) -> bool:
    """A page or feed that may list releases (assets/ holds none), or an identity claim in
    `.well-known/` the newsroom no longer makes: taken down by every publish."""
    return key.startswith(WELL_KNOWN + "/") or (
        not key.startswith(ASSETS_DIR + "/") and key.lower().endswith(PAGE_SUFFIXES))


def refuse_taking_down_everything(plan: Plan, public: set[str] | None, where: str) -> None:
    """Takedowns have no cap, but a publish from a newsroom with no public release left that
    would take down releases deleted from releases/ is more likely a wrong folder or branch
    than a decision: stop before anything changes, unless --yes."""
    gone = [t.slug for t in plan.takedowns if t.slug and t.reason == GONE]
    if gone and public is not None and not public:
        raise SmrError(f"{where}: this newsroom has no public release, and publishing would take down all "
                       f"{len(gone)} releases online (e.g. {gone[0]}); if that is what you want, add --yes; "
                       "nothing was changed")


def refuse_too_many_deletes(plan: Plan, max_deletes: int, where: str) -> None:
    """Without --yes, --delete removes at most max_deletes objects: stop before anything changes.
    Takedowns are not counted (see plan())."""
    if plan.delete_count > max_deletes:
        raise SmrError(f"{where}: --delete would remove {plan.delete_count} objects, more than "
                       f"--max-deletes {max_deletes}; check with --dry-run, then add --yes; nothing was uploaded")


def delete_order(keys: list[str], releases: set[str] | None) -> list[str]:
    """Deleting runs the upload order backwards: pages go before what they link to."""
    return sorted(keys, key=lambda k: (-classify(k, releases), k))


def manifest_after(remote: Remote, files: list[LocalFile], etags: dict[str, str],
                   deleted: list[str]) -> dict[str, dict]:
    """Everything smr has put in this target and not deleted, with what it put there."""
    gone = set(deleted)
    entries = {k: v for k, v in remote.manifest.items() if k not in gone}
    for f in files:
        if f.key in etags:
            entries[f.key] = {"md5": f.md5, "etag": etags[f.key], "h": f.signature}
        elif f.key not in entries and f.key in remote.objects:
            entries[f.key] = {"md5": f.md5, "etag": remote.objects[f.key][1], "h": f.signature}
    return dict(sorted(entries.items()))


def manifest_body(entries: dict[str, dict]) -> bytes:
    return json.dumps({"generator": "smr", "version": 1, "objects": entries},
                      indent=0, sort_keys=True).encode()


def manifest_entries(body: bytes) -> dict[str, dict]:
    try:
        data = json.loads(body)
        objects = data.get("objects", {}) if data.get("generator") == "smr" else {}
        return {k: v for k, v in objects.items() if isinstance(v, dict)}
    except (ValueError, AttributeError):
        return {}


# ---------------------------------------------------------------- previews

def preview_tokens(keys) -> dict[str, set[str]]:
    """token -> release slugs, from the keys of the preview area (token/slug/...)."""
    tokens: dict[str, set[str]] = {}
    for key in keys:
        parts = key.split("/")
        if len(parts) >= 3 and parts[1] != "assets":
            tokens.setdefault(parts[0], set()).add(parts[1])
    return tokens


def stale_previews(site_keys, public: set[str]) -> list[str]:
    """Keys of previews whose release is now public: publishing it removes the preview."""
    area = [k[len(PREVIEW_DIR) + 1:] for k in site_keys if k.startswith(PREVIEW_DIR + "/")]
    stale = {t for t, slugs in preview_tokens(area).items() if slugs & public}
    return sorted(PREVIEW_DIR + "/" + k for k in area if k.split("/")[0] in stale)
