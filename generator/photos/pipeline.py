"""Photos: the original as delivered, plus fast web renditions, a social card and a media kit.

`process_images(item, out_dir)` is the one entry point the build calls per release.
`prepare_images(items, root)` does the heavy work for a whole build first, in parallel,
into the content-hash cache (`.smr-cache/images/`), so `process_images` only copies cached
files into the site, each checked against the digest recorded when it was made (a copy, not
a link: editing the site must not change the cache). Pillow is imported only in the
functions (and workers) that decode.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from generator.errors import Problem, SmrError
from generator.files import cache_dir
from generator.store import versions
from generator.photos.renditions import SETTINGS, cached_meta, copy_out, render
from generator.slug import slugify

SIZES = "(min-width: 48rem) 48rem, 100vw"  # the photo column is at most 48rem wide
KIT_NAME = "{slug}-{photos}.zip"   # {photos}: the word of the newsroom's language ("fotos"; render/i18n.py)


def kit_name(slug: str, words: dict | None = None) -> str:
    """A release's media kit: `<slug>-photos.zip`, the word in the newsroom's language
    (`words`: its labels), made file-name safe."""
    return KIT_NAME.format(slug=slug, photos=slugify((words or {}).get("photos_file", "photos"), fallback="photos"))


@dataclass
class WebImage:
    """What a template needs to show one photo and offer its original."""

    src: str                 # URL of the web rendition, relative to the release page
    width: int
    height: int
    original: str            # URL of the hi-res original, relative to the release page
    original_name: str
    original_width: int
    original_height: int
    original_bytes: int
    alt: str
    caption: str | None = None
    credit: str | None = None
    license: str | None = None
    lead: bool = False
    rights: dict = field(default_factory=dict)  # what its renditions carry (renditions.RIGHTS)
    sources: list[dict] = field(default_factory=list)  # <source> elements for <picture>
    srcset: str = ""         # srcset of the <img> fallback
    og: dict | None = None     # lead only: {"src", "width", "height"} of the 1200x630 social card
    thumb: dict | None = None  # lead only: {"src", "width", "height"} for the index page
    src_bytes: int = 0         # size of the `src` rendition (feed enclosures need it)
    large: str = ""            # URL of the largest web rendition (1600 px): what a click on the photo opens
    source: str | None = None  # its IPTC Digital Source Type (a NewsCodes URI): photos/provenance.py
    ai: str | None = None      # "generated" or "edited" (with generative AI): what the page says
    signed: bool = False       # its files carry the newsroom's content credentials (C2PA)


class ImageSet(list):
    """The WebImages of one release, plus the media kit that bundles their originals."""

    media_kit: dict | None = None  # {"href", "bytes", "count"}


def cache_root(root: Path) -> Path:
    return cache_dir(root) / "images"


def process_images(item, out_dir: Path, *, root: Path | None = None, settings: dict | None = None,
                   strip_gps: bool = False, shared: dict[int, dict] | None = None,
                   rights: dict | None = None, words: dict | None = None) -> ImageSet:
    """Put every photo of `item` into `out_dir` (the release's folder in the site).

    Renditions come from the cache (made now if `prepare_images` did not run); originals
    are copied as given into hires/ (without GPS coordinates where `strip_gps`, the
    newsroom's default, or the photo's own `strip_gps` says so), and a media kit zip
    bundles those copies with credits. A photo in `shared` (see `shared_originals`) is a
    translation's, published with it: the page links to that original, and the media kit is
    that release's when every photo is. `rights` are the newsroom's defaults for the licence
    links every rendition carries (`newsroom_rights`); `words`, the labels of the newsroom's
    language, name the media kit and write its credits.txt.
    """
    root = Path(root) if root else item.folder.parent.parent
    settings = settings or SETTINGS
    jobs = [_job(item, index, image, root, settings, rights) for index, image in enumerate(item.release.images)]
    metas, problems = [], []
    for index, job in enumerate(jobs):
        result = _copy_renditions(job, out_dir / "img")
        if "error" in result:
            problems.append(_problem(item, index, result["error"]))
        else:
            metas.append(result["ok"])
    SmrError.collect(problems)
    images = ImageSet()
    shared = {index: {**entry, "job": _job(entry["of"][0], entry["of"][1], partner_image(entry), root, settings, rights)}
              if "of" in entry else entry for index, entry in (shared or {}).items()}
    for index, (image, job, meta, hires) in enumerate(zip(item.release.images, jobs, metas, _hires(jobs))):
        strip = strip_gps if image.strip_gps is None else image.strip_gps
        images.append(_place(item, image, job, meta, out_dir, hires, strip, shared.get(index), root))
    if images:
        kits = {s["kit"] for s in shared.values()}
        if len(shared) == len(images) and len(kits) == 1:   # every photo is a translation's: so is the kit
            href = kits.pop()
            images.media_kit = {"href": href, "name": href.rsplit("/", 1)[-1], "bytes": None, "count": len(images)}
        else:
            images.media_kit = write_media_kit(item, images, out_dir, shared, words)
    return images


def partner_image(entry: dict):
    """The image entry a shared photo has in the translation that publishes it."""
    partner, index = entry["of"]
    return partner.release.images[index]


def _hires(jobs: list[dict]) -> list[str]:
    """Where each original goes in a release's folder: hires/<name>, a second file of one name
    in hires/<its tag>/<name>."""
    used, paths = set(), []
    for job in jobs:
        name = Path(job["source"]).name
        paths.append(f"hires/{name}" if name not in used else f"hires/{job['tag']}/{name}")
        used.add(name)
    return paths


def shared_originals(item, partners: dict, root: Path, strip_gps: bool = False,
                     settings: dict | None = None, words: dict | None = None) -> dict[int, dict]:
    """The photos of `item` that are a translation's (`../<folder>/...`) and published there:
    index -> {"href" of that original from item's page, "strip" (the translation's GPS setting,
    which made that file), "kit" (that release's media kit)}. `partners` maps a folder name to
    the translation whose page this build writes beside item's; a photo of any other is copied."""
    settings = settings or SETTINGS
    shared = {}
    for index, image in enumerate(item.release.images):
        partner = partners.get(image.partner) if image.partner else None
        if partner is None:
            continue
        target = (item.folder / image.file).resolve()
        own = [i for i, other in enumerate(partner.release.images)
               if other.partner is None and (partner.folder / other.file).resolve() == target]
        if not own:   # not a photo the translation publishes itself
            continue
        jobs = [_job(partner, i, other, root, settings) for i, other in enumerate(partner.release.images)]
        there = partner.release.images[own[0]]
        shared[index] = {"href": f"../{partner.slug}/{_hires(jobs)[own[0]]}",
                         "strip": strip_gps if there.strip_gps is None else there.strip_gps,
                         "kit": f"../{partner.slug}/hires/{kit_name(partner.slug, words)}",
                         "of": (partner, own[0])}   # its source and credentials: as published there
    return shared


def _copy_renditions(job: dict, img_dir: Path) -> dict:
    """Copy one photo's renditions from its cache folder into `img_dir`, each checked against
    its recorded digest; a folder whose files fail the check is made again, once."""
    img_dir.mkdir(parents=True, exist_ok=True)
    for again in (False, True):
        result = render(job, again=again)
        if "error" in result:
            return result
        meta = result["ok"]
        if all(copy_out(Path(job["target"]), meta, name, img_dir / name) for name in _rendition_names(meta)):
            return result
    raise SmrError(f"{job['target']}: the photo cache changed while this build read it; build again")


def _rendition_names(meta: dict) -> list[str]:
    names = [name for rendition in meta["renditions"] for name in rendition["files"].values()]
    return names + [meta[kind]["src"] for kind in ("og", "thumb") if meta[kind]]


def prepare_images(items, root: Path, *, every=None, warnings: list | None = None,
                   settings: dict | None = None, workers: int | None = None, progress=None,
                   rights: dict | None = None) -> int:
    """Make the renditions of every photo of `items` that the cache lacks, in parallel.

    With `every` (all releases of the site, `items` among them), the photos of the others
    are opened in the same pass as `smr check` opens them (`check_photos`); a photo being
    rendered is opened by its rendering, in the same words, so a cold build decodes each
    photo once. One process per core. `progress(done, total)`, if given, hears (0, total)
    before the work and again as each photo's outcome comes in (the CLI draws a bar with it).
    Raises one SmrError naming every photo that cannot be used; those of drafts not
    rendered now are appended to `warnings` instead. Returns the number of photos that
    needed rendering. `rights`: as for `process_images`.
    """
    settings = settings or SETTINGS
    _sweep(cache_root(root))
    _sweep(cache_root(root) / "originals")
    rendered, draft_problems = _open_photos(items, every if every is not None else items, Path(root), settings,
                                            workers, progress, rights)
    if warnings is not None:
        warnings.extend(draft_problems)
    return rendered


def check_photos(items, root: Path, *, workers: int | None = None, progress=None) -> list[Problem]:
    """Open every photo of `items` the way a build will (`inspect.inspect_photo`); one
    SmrError naming each that cannot be used (file:line, `images[N].file`, what is wrong in
    plain words). `smr check` calls this on every release, embargoed ones too, and every
    build opens the same photos (`prepare_images(..., every=site.items)`), so both accept
    the same photos. Outcomes are kept in `.smr-cache/` by each photo's path, size and
    mtime: only new or changed photos are opened again, in worker processes. A draft's
    photos are warnings (returned), as its other problems are."""
    return _open_photos([], items, Path(root), SETTINGS, workers, progress, None)[1]


CHECK_PARALLEL_FROM = 8  # photos to open (not render) before worker processes pay for themselves


def _open_photos(render_items, items, root: Path, settings: dict, workers: int | None,
                 progress=None, rights: dict | None = None) -> tuple[int, list]:
    """Render the photos of `render_items` the cache lacks, open those of `items` not known
    to be usable, all in one pool; raise for every photo of `items` that cannot be used,
    except those of drafts not rendered now: (photos rendered, those drafts' problems)."""
    from generator.photos.inspect import MAX_PIXELS, VERSION
    from generator.store import Store
    from generator.workers import in_workers

    store = Store.of(root)
    signatures = {}  # path -> content hash: what an outcome is kept under
    for item in items:
        for file in item.summary.photos:   # the summary: an unchanged release is not loaded for this
            path = str(item.folder / file)
            signatures[path] = store.file_hash(path) or "unreadable"
    known = store.table("photo-checks", f"{VERSION}:{MAX_PIXELS}")
    renders, first = {}, {}  # path -> job; cache folder -> the first path rendered into it
    same = {}  # path -> the path with the same content that is rendered instead
    for item in render_items:
        for index, image in enumerate(item.release.images):
            path, job = str(item.folder / image.file), _job(item, index, image, root, settings, rights)
            if job["target"] in first:  # the same photo twice is worked on once
                same[path] = first[job["target"]]
            elif cached_meta(Path(job["target"])) is None:
                first[job["target"]] = path
                renders[path] = job
            else:  # rendered before, so it opens and decodes
                known.put(path, signatures[path], "")
    opens = sorted(path for path, signature in signatures.items()
                   if path not in renders and path not in same and known.get(path, signature) is None)
    tasks = [("render", job) for job in renders.values()] + [("open", path) for path in opens]
    each = None
    if progress is not None and tasks:
        progress(0, len(tasks))
        done = iter(range(1, len(tasks) + 1))   # in_workers calls each() once per result, in this process
        each = lambda: progress(next(done), len(tasks))  # noqa: E731
    results = in_workers(_photo_task, tasks, parallel_from=2 if renders else CHECK_PARALLEL_FROM,
                         processes=workers, each=each)
    outcome = dict(zip(list(renders) + opens, results))  # path -> why it cannot be used, or ""
    outcome.update((path, outcome[other]) for path, other in same.items())
    for path, message in outcome.items():
        known.put(path, signatures[path], message)
    known.keep_only(set(signatures))
    known.save()
    problems, draft_problems = [], []
    rendering = {id(item) for item in render_items}
    for item in items:  # render_items are among them
        for index, file in enumerate(item.summary.photos):
            message = known.get(str(item.folder / file), signatures[str(item.folder / file)])
            if message and item.draft and id(item) not in rendering:  # never blocks the others
                draft_problems.append(_problem(item, index, f"{message} (a draft: not built until fixed)"))
            elif message:
                problems.append(_problem(item, index, message))
    SmrError.collect(problems)
    return len(renders), draft_problems


def _photo_task(_context, task: tuple) -> str:
    """In a worker: render one photo, or only open it; why it cannot be used, or ""."""
    from generator.photos.inspect import inspect_photo

    kind, arg = task
    if kind == "render":
        return render(arg).get("error", "")
    return inspect_photo(Path(arg)) or ""


def _sweep(cache: Path, age: float = 3600) -> None:
    """Remove work folders an interrupted build left in the cache (older than an hour)."""
    import time

    for leftover in cache.glob(".tmp-*"):
        try:
            if time.time() - leftover.stat().st_mtime > age:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        except OSError:
            pass


def _problem(item, index: int, message: str) -> Problem:
    image = item.release.images[index]
    return Problem(item.source, item.line_of("images", index, "file"), f"images[{index}].file",
                   f"{image.file} {message}")


def content_hash(path: Path, root: Path) -> str:
    """sha256 of a file, from the state store (read again only when its stats say it may
    have changed: generator/store.py)."""
    from generator.store import Store

    found = Store.of(root).file_hash(path)
    if found is None:
        raise FileNotFoundError(path)
    return found


def newsroom_rights(newsroom, root: Path | None = None) -> dict:
    """The newsroom's defaults for what renditions say about licensing and source (`publish:`),
    and its content credentials (`publish.content_credentials`, read from `root`; none without)."""
    from generator.photos import credentials, provenance

    return {"license_url": newsroom.publish.license_url,
            "acquire_license_page": newsroom.publish.acquire_license_page,
            "source": provenance.uri(newsroom.publish.source),
            "credentials": credentials.load(newsroom, root) if root is not None else None}


def _job(item, index: int, image, root: Path, settings: dict, defaults: dict | None = None) -> dict:
    """Everything a worker needs for one photo; the cache key covers every input of its output."""
    source = item.folder / image.file
    lead = image is item.release.lead_image
    rights = {"caption": image.caption, "credit": image.credit, "usage_terms": image.license,
              "license_url": image.license_url, "acquire_license_page": image.acquire_license_page}
    defaults = {k: v for k, v in (defaults or {}).items() if v}
    credentials = defaults.pop("credentials", None)   # in the key by its certificate's digest only
    said = photo_source(image, defaults.pop("source", None))
    key_input = {"content": content_hash(source, root), "settings": settings, "lead": lead,
                 "focus": list(image.focus) if lead and image.focus else None, "rights": rights,
                 "defaults": defaults, "stem": _stem(source.stem),   # the renditions' file names
                 "pillow": versions(root)["pillow"]}   # new encoders, new bytes: new file names
    if said:
        key_input["source"] = said
    if credentials:
        key_input["signed"] = [credentials["fingerprint"], credentials["author"], _c2pa_version()]
    key = hashlib.sha256(json.dumps(key_input, sort_keys=True).encode()).hexdigest()[:20]
    cache = cache_root(root)
    cache.mkdir(parents=True, exist_ok=True)
    return {"source": str(source), "target": str(cache / key), "stem": _stem(source.stem),
            "tag": key[:8], "lead": lead, "focus": list(image.focus) if image.focus else None,
            "rights": rights, "defaults": defaults, "settings": settings, "dst": said,
            "credentials": credentials}


def photo_source(image, default: str | None) -> str | None:
    """The NewsCodes URI of what the YAML says a photo is: its own `source:`, else the newsroom's."""
    from generator.photos.provenance import uri

    return uri(image.source) or default


def _c2pa_version() -> str:
    from importlib.metadata import version

    return version("c2pa-python")


def _stem(name: str) -> str:
    """An URL-safe file name stem for renditions ('Team foto #1' -> 'team-foto-1')."""
    return slugify(name, fallback="photo")


def _place(item, image, job: dict, meta: dict, out_dir: Path, hires: str, strip_gps: bool = False,
           shared: dict | None = None, root: Path | None = None) -> "WebImage":
    """Copy the original into the site (unless it is a translation's, `shared`), describe it
    and its renditions (copied already)."""
    from generator.photos.gps import copy_without_gps, has_gps
    from generator.photos.provenance import ai_kind

    source = item.folder / image.file
    if shared is not None:   # published with the translation: linked, its size as published there
        hires, original_bytes = shared["href"], published_size(source, shared["strip"], out_dir, shared, root)
    else:
        (out_dir / hires).parent.mkdir(parents=True, exist_ok=True)
        if not publish_original(source, out_dir / hires, strip_gps, meta, job, root or item.folder.parent.parent):
            if strip_gps and has_gps(source):
                copy_without_gps(source, out_dir / hires)
            else:
                shutil.copyfile(source, out_dir / hires)
        original_bytes = (out_dir / hires).stat().st_size

    main_fmt = "png" if meta["alpha"] else "jpeg"
    renditions = meta["renditions"]
    fallback = max((r for r in renditions if r["width"] <= 960), key=lambda r: r["width"], default=renditions[0])
    srcset = ", ".join(f"img/{r['files'][main_fmt]} {r['width']}w" for r in renditions if main_fmt in r["files"])
    sources = []
    if all("webp" in r["files"] for r in renditions):
        sources.append({"type": "image/webp", "sizes": SIZES,
                        "srcset": ", ".join(f"img/{r['files']['webp']} {r['width']}w" for r in renditions)})
    lead = image is item.release.lead_image
    card = lambda m: m and {"src": f"img/{m['src']}", "width": m["width"], "height": m["height"]}  # noqa: E731
    src = f"img/{fallback['files'].get(main_fmt) or next(iter(fallback['files'].values()))}"
    largest = max(renditions, key=lambda r: r["width"])
    large = f"img/{largest['files'].get(main_fmt) or next(iter(largest['files'].values()))}"
    return WebImage(
        src=src, src_bytes=(out_dir / src).stat().st_size,
        width=fallback["width"], height=fallback["height"],
        original=quote(hires), original_name=source.name,
        original_width=meta["original_size"][0], original_height=meta["original_size"][1],
        original_bytes=original_bytes, alt=image.alt,
        caption=image.caption or meta["caption"], credit=image.credit or meta["credit"],
        license=image.license, lead=lead, sources=sources, srcset=srcset, large=large,
        rights=meta["rights"], source=meta.get("source"), ai=ai_kind(meta.get("source")),
        signed=bool(meta.get("signed")),
        og=card(meta["og"]) if lead else None, thumb=card(meta["thumb"]) if lead else None,
    )


# ---------------------------------------------------------------- the published original

ORIGINALS_VERSION = 1   # bump when what publish_original writes changes


def publish_original(source: Path, target: Path, strip_gps: bool, meta: dict, job: dict, root: Path) -> bool:
    """Write the original as published to `target` when it is more than a copy: its XMP saying
    the Digital Source Type the YAML gives (JPEG and PNG; the picture untouched), signed with the
    newsroom's content credentials, or both; False when a copy (without GPS) is all it takes.

    Made once per content and kept in `.smr-cache/images/originals/`: a signature is new each
    time it is made, and a new original would be uploaded again."""
    from generator.photos import provenance

    value, own, credentials = meta.get("source"), meta.get("original_source"), job.get("credentials")
    change = bool(value) and provenance.term(value) != provenance.term(own)
    if not change and not credentials:
        return False
    from generator.photos.gps import copy_without_gps, has_gps

    signed = [credentials["fingerprint"], credentials["author"], _c2pa_version()] if credentials else None
    key_input = {"content": content_hash(source, root), "strip": strip_gps, "source": value if change else None,
                 "signed": signed, "rights": meta["rights"], "version": ORIGINALS_VERSION}
    key = hashlib.sha256(json.dumps(key_input, sort_keys=True).encode()).hexdigest()[:20]
    folder = cache_root(root) / "originals" / key
    if _copy_checked(folder, target):
        return True
    work = cache_root(root) / "originals" / f".tmp-{key}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        plain = work / "plain"
        if strip_gps and has_gps(source):
            copy_without_gps(source, plain)
        else:
            shutil.copyfile(source, plain)
        data = plain.read_bytes()
        fmt = _format_of(data)
        actions = ["c2pa.edited.metadata"] if strip_gps else []
        if change:
            written = provenance.with_source(data, value)
            if written is not None:
                data, actions = written, ["c2pa.edited.metadata"]
        if credentials and fmt:
            from generator.photos.credentials import manifest, sign

            what = manifest(source.name, value, meta["rights"], actions, credentials["author"])
            try:
                data = sign(data, fmt, credentials, what, source, fmt)
            except Exception as exc:   # c2pa's own words; never the key
                raise SmrError(f"{source.name} cannot be signed with the newsroom's content credentials "
                               f"({' '.join(str(exc).split())[:300]})") from None
        (work / "file").write_bytes(data)
        (work / "sha256").write_text(hashlib.sha256(data).hexdigest(), "ascii")
        plain.unlink()
        try:
            os.rename(work, folder)
        except OSError:   # another build made it first: same key, same meaning
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not _copy_checked(folder, target):
        raise SmrError(f"{folder}: the photo cache changed while this build read it; build again")
    return True


def _copy_checked(folder: Path, target: Path) -> bool:
    try:
        data = (folder / "file").read_bytes()
        digest = (folder / "sha256").read_text("ascii")
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != digest:
        return False
    target.write_bytes(data)
    return True


def _format_of(data: bytes) -> str | None:
    if data[:2] == b"\xff\xd8":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] == b"GIF8":
        return "gif"
    return None


# ---------------------------------------------------------------- media kit

def write_media_kit(item, images: list, out_dir: Path, shared: dict | None = None,
                    words: dict | None = None) -> dict:
    """One zip with every original and a credits.txt, written by streaming into the site.

    Not cached: copying a cached zip into the site (checked, as every cached file) reads and
    writes as many bytes as making it again from the originals just copied to hires/. It
    bundles those copies, so what `strip_gps` removed from them is not in the zip either; a
    translation's photo (`shared`) goes in as that translation publishes it."""
    import tempfile

    from generator.photos.media_kit import credits_text, write_zip

    name = kit_name(item.slug, words)
    kit = out_dir / "hires" / name
    kit.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as scratch:
        entries = []
        for index, image in enumerate(images):
            if shared and index in shared:
                entries.append((PurePosixPath(unquote(image.original)).name,
                                _as_published(item.folder / item.release.images[index].file,
                                              shared[index]["strip"], Path(scratch) / str(index), shared[index],
                                              item.folder.parent.parent)))
            else:
                entries.append((PurePosixPath(unquote(image.original)).relative_to("hires").as_posix(),
                                out_dir / unquote(image.original)))
        write_zip(kit, entries, credits_text(images, words))
    return {"href": f"hires/{name}", "name": name, "bytes": kit.stat().st_size, "count": len(entries)}


def _as_published(source: Path, strip_gps: bool, scratch: Path, shared: dict | None = None,
                  root: Path | None = None) -> Path:
    """The file as a release publishes it: `source`, or a copy in `scratch` without GPS, or (a
    translation's photo, `shared`) with the source and signature it is published with there."""
    from generator.photos.gps import copy_without_gps, has_gps

    job = (shared or {}).get("job")
    if job is not None and root is not None:
        made = render(job)   # made by this build already, or kept in the cache
        if "ok" in made and publish_original(source, scratch, strip_gps, made["ok"], job, root):
            return scratch

    if strip_gps and has_gps(source):
        copy_without_gps(source, scratch)
        return scratch
    return source


def published_size(source: Path, strip_gps: bool, out_dir: Path, shared: dict | None = None,
                   root: Path | None = None) -> int:
    """The size of `source` as published (without its GPS coordinates where `strip_gps`; as
    its translation publishes it, `shared`)."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=out_dir) as scratch:
        return _as_published(source, strip_gps, Path(scratch) / "photo", shared, root).stat().st_size


# ---------------------------------------------------------------- for publishing

HASHED = re.compile(r"\.[0-9a-f]{8}\.(\d+|og|thumb)\.(jpg|webp|png)$")


def publish_headers(path: str) -> dict:
    """S3 headers for one site file: renditions (hash in the name) cache for a year; hi-res
    originals and media kits download under their own file name."""
    parts = PurePosixPath(path).parts
    if len(parts) >= 2 and parts[-2] == "img" and HASHED.search(parts[-1]):
        return {"CacheControl": "public, max-age=31536000, immutable"}
    if "hires" in parts[:-1]:
        return {"ContentDisposition": content_disposition(parts[-1])}
    return {}


def content_disposition(name: str) -> str:
    """RFC 6266 attachment with an ASCII fallback and the exact UTF-8 name."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# ---------------------------------------------------------------- smr check

def gps_warnings(items, root: Path, strip_gps: bool = False) -> list[Problem]:
    """Photos whose original carries GPS coordinates (EXIF or XMP) and is published as
    given: tell the user, and how to stop it (`strip_gps: true`). Photos whose published
    copy loses them (`strip_gps`, the newsroom's default, or the photo's own) are not named.

    What a photo holds is kept in `.smr-cache/` by its path, size and mtime, as the photo
    check's outcomes are, so a `smr check` that has seen every photo opens none (and does
    not import Pillow); a new photo is opened header only (`gps.gps_in`)."""
    from generator.store import Store

    known = Store.of(root).table("photo-gps", str(GPS_VERSION))
    warnings = []
    for item in items:
        for index, image in enumerate(item.release.images):
            if (strip_gps if image.strip_gps is None else image.strip_gps):
                continue
            found = known.of_file(item.folder / image.file, _gps_in)
            if found:
                warnings.append(Problem(item.source, item.line_of("images", index, "file"), f"images[{index}].file",
                                        f"{image.file} contains GPS coordinates ({' and '.join(found)}: where it was "
                                        "taken), and the original is published as given; set strip_gps: true (for "
                                        "this photo, or under publish: in newsroom.yaml) to publish it without them"))
    known.keep_only(known.asked)
    known.save()
    return warnings


def source_warnings(items, root: Path, default: str | None = None) -> list[Problem]:
    """Photos whose YAML says less than their original does (`source: camera` of a photo whose
    own XMP or C2PA manifest says AI-generated): the original's is what gets published, and
    the YAML should say so. `default`: the newsroom's `publish.source`. What an original says is
    kept in `.smr-cache/` by its content, as the GPS check's findings are."""
    from generator.photos import provenance
    from generator.store import Store

    known = Store.of(root).table("photo-source", str(SOURCE_VERSION))
    warnings = []
    for item in items:
        for index, image in enumerate(item.release.images):
            said = provenance.uri(image.source) or provenance.uri(default)
            if not said:   # the original's own is published as it is
                continue
            own = known.of_file(item.folder / image.file, lambda path: provenance.of_original(path) or "")
            published, overridden = provenance.resolve(said, own or None)
            if not overridden:
                continue
            where = (f"source: {image.source}" if image.source else f"publish.source in newsroom.yaml ({default})")
            kind = "AI-generated" if provenance.ai_kind(own) == "generated" else "edited with AI"
            line = item.line_of("images", index, "source") if image.source else item.line_of("images", index, "file")
            warnings.append(Problem(item.source, line, f"images[{index}].source",
                                    f"{image.file}: {where}, but the photo's own metadata says it is {kind} "
                                    f"({provenance.term(own)}); it is published as {kind}: set source: "
                                    f"{'ai-generated' if kind == 'AI-generated' else 'ai-edited'}"))
    known.keep_only(known.asked)
    known.save()
    return warnings


SOURCE_VERSION = 1  # bump when what provenance.of_original finds changes


def _gps_in(path: Path) -> tuple[str, ...]:
    from generator.photos.gps import gps_in

    return tuple(gps_in(path))


GPS_VERSION = 3  # bump when what gps_in finds changes: what .smr-cache/ remembers goes
