"""Photos: the original as delivered, plus fast web renditions, a social card and a media kit.

`process_images(item, out_dir)` is the one entry point the build calls per release.
`prepare_images(items, root)` does the heavy work for a whole build first, in parallel,
into the content-hash cache (`.smr-cache/images/`), so `process_images` only links cached
files into the site. Pillow is imported only in the functions (and workers) that decode.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from generator.errors import Problem, SmrError
from generator.files import cache_dir
from generator.photos.renditions import SETTINGS, link_or_copy, render
from generator.slug import slugify

SIZES = "(min-width: 48rem) 48rem, 100vw"  # the photo column is at most 48rem wide
KIT_NAME = "{slug}-photos.zip"


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
    sources: list[dict] = field(default_factory=list)  # <source> elements for <picture>
    srcset: str = ""         # srcset of the <img> fallback
    og: dict | None = None     # lead only: {"src", "width", "height"} of the 1200x630 social card
    thumb: dict | None = None  # lead only: {"src", "width", "height"} for the index page
    src_bytes: int = 0         # size of the `src` rendition (feed enclosures need it)


class ImageSet(list):
    """The WebImages of one release, plus the media kit that bundles their originals."""

    media_kit: dict | None = None  # {"href", "bytes", "count"}


def cache_root(root: Path) -> Path:
    return cache_dir(root) / "images"


def process_images(item, out_dir: Path, *, root: Path | None = None, settings: dict | None = None) -> ImageSet:
    """Put every photo of `item` into `out_dir` (the release's folder in the site).

    Renditions come from the cache (made now if `prepare_images` did not run); originals
    are copied as given into hires/, and a media kit zip bundles them with credits.
    """
    root = Path(root) if root else item.folder.parent.parent
    settings = settings or SETTINGS
    jobs = [_job(item, index, image, root, settings) for index, image in enumerate(item.release.images)]
    metas, problems = {}, []
    for index, job in enumerate(jobs):
        result = render(job)
        if "error" in result:
            problems.append(_problem(item, index, result["error"]))
        else:
            metas[index] = result["ok"]
    SmrError.collect(problems)
    images, used = ImageSet(), set()
    for index, image in enumerate(item.release.images):
        images.append(_place(item, image, jobs[index], metas[index], out_dir, used))
    if images:
        images.media_kit = write_media_kit(item, images, out_dir, root)
    return images


def prepare_images(items, root: Path, *, settings: dict | None = None, workers: int | None = None) -> int:
    """Make the renditions of every photo of `items` that the cache lacks, in parallel.

    One process per core; a progress bar on stderr when it is a terminal. Raises one
    SmrError naming every bad photo. Returns the number of photos that needed work.
    """
    settings = settings or SETTINGS
    _sweep(cache_root(root))
    pending, targets = [], set()
    for item in items:
        for index, image in enumerate(item.release.images):
            job = _job(item, index, image, Path(root), settings)
            if job["target"] not in targets and not (Path(job["target"]) / "meta.json").is_file():
                targets.add(job["target"])  # the same photo twice is worked on once
                pending.append((item, index, job))
    if not pending:
        return 0
    from generator.workers import cpu_count

    workers = workers or cpu_count()
    problems = []
    progress = _Progress(len(pending))
    try:
        if workers == 1 or len(pending) == 1:
            for p in pending:
                _collect(p, render(p[2]), problems)
                progress.step()
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            import PIL.Image  # noqa: F401  imported once here, inherited by forked workers

            with ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=_start_method()) as pool:
                futures = {pool.submit(render, p[2]): p for p in pending}
                for future in as_completed(futures):
                    _collect(futures[future], future.result(), problems)
                    progress.step()
    finally:
        progress.close()
    SmrError.collect(problems)
    return len(pending)


def _sweep(cache: Path, age: float = 3600) -> None:
    """Remove work folders an interrupted build left in the cache (older than an hour)."""
    import time

    for leftover in [*cache.glob(".tmp-*"), *cache.glob("kits/.tmp-*")]:
        try:
            if time.time() - leftover.stat().st_mtime > age:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        except OSError:
            pass


def _start_method():
    """fork starts workers fastest, but is unsafe when other threads run (`smr serve`)."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _collect(pending, result: dict, problems: list) -> None:
    item, index, _ = pending
    if "error" in result:
        problems.append(_problem(item, index, result["error"]))


def _problem(item, index: int, message: str) -> Problem:
    image = item.release.images[index]
    return Problem(item.source, item.line_of("images", index, "file"), f"images[{index}].file",
                   f"{image.file}: {message}")


_digests: dict = {}


def content_hash(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) so a build reads each photo once."""
    stat = path.stat()
    memo = (str(path), stat.st_size, stat.st_mtime_ns)
    if memo not in _digests:
        with open(path, "rb") as f:
            _digests[memo] = hashlib.file_digest(f, "sha256").hexdigest()
    return _digests[memo]


def _job(item, index: int, image, root: Path, settings: dict) -> dict:
    """Everything a worker needs for one photo; the cache key covers every input of its output."""
    source = item.folder / image.file
    lead = image is item.release.lead_image
    key_input = {"content": content_hash(source), "settings": settings, "lead": lead,
                 "focus": list(image.focus) if lead and image.focus else None, "credit": image.credit}
    key = hashlib.sha256(json.dumps(key_input, sort_keys=True).encode()).hexdigest()[:20]
    cache = cache_root(root)
    cache.mkdir(parents=True, exist_ok=True)
    return {"source": str(source), "target": str(cache / key), "stem": _stem(source.stem),
            "tag": key[:8], "lead": lead, "focus": list(image.focus) if image.focus else None,
            "credit": image.credit, "settings": settings}


def _stem(name: str) -> str:
    """An URL-safe file name stem for renditions ('Team foto #1' -> 'team-foto-1')."""
    stem = slugify(name)
    return "photo" if stem == "release" and name.lower() != "release" else stem


def _place(item, image, job: dict, meta: dict, out_dir: Path, used: set) -> "WebImage":
    """Link the cached renditions into the site, copy the original, describe both."""
    cached = Path(job["target"])
    (out_dir / "img").mkdir(parents=True, exist_ok=True)
    for rendition in meta["renditions"]:
        for name in rendition["files"].values():
            _put(cached / name, out_dir / "img" / name)
    for kind in ("og", "thumb"):
        if meta[kind]:
            _put(cached / meta[kind]["src"], out_dir / "img" / meta[kind]["src"])

    source = item.folder / image.file
    hires = f"hires/{source.name}" if source.name not in used else f"hires/{job['tag']}/{source.name}"
    used.add(source.name)
    (out_dir / hires).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, out_dir / hires)

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
    return WebImage(
        src=src, src_bytes=(out_dir / src).stat().st_size,
        width=fallback["width"], height=fallback["height"],
        original=quote(hires), original_name=source.name,
        original_width=meta["original_size"][0], original_height=meta["original_size"][1],
        original_bytes=source.stat().st_size, alt=image.alt,
        caption=image.caption or meta["caption"], credit=image.credit or meta["credit"],
        license=image.license, lead=lead, sources=sources, srcset=srcset,
        og=card(meta["og"]) if lead else None, thumb=card(meta["thumb"]) if lead else None,
    )


def _put(cached: Path, target: Path) -> None:
    if not target.exists():
        link_or_copy(cached, target)


# ---------------------------------------------------------------- media kit

def write_media_kit(item, images: list, out_dir: Path, root: Path) -> dict:
    """One zip with every original and a credits.txt; cached by content, written by streaming."""
    from generator.photos.media_kit import credits_text, write_zip

    entries = [(PurePosixPath(unquote(i.original)).relative_to("hires").as_posix(), item.folder / img.file)
               for i, img in zip(images, item.release.images)]
    credits = credits_text(images)
    key_input = [[name, content_hash(path)] for name, path in entries] + [credits]
    key = hashlib.sha256(json.dumps(key_input).encode()).hexdigest()[:20]
    kits = cache_root(root) / "kits"
    kits.mkdir(parents=True, exist_ok=True)
    cached = kits / f"{key}.zip"
    if not cached.is_file():
        write_zip(cached, entries, credits)
    name = KIT_NAME.format(slug=item.slug)
    (out_dir / "hires").mkdir(parents=True, exist_ok=True)
    _put(cached, out_dir / "hires" / name)
    return {"href": f"hires/{name}", "name": name, "bytes": cached.stat().st_size, "count": len(entries)}


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

def gps_warnings(items, root: Path) -> list[Problem]:
    """Photos whose original carries GPS coordinates: published as given, so tell the user.

    Reads the EXIF header without Pillow, so `smr check` stays fast."""
    from generator.photos.gps import has_gps

    warnings = []
    for item in items:
        for index, image in enumerate(item.release.images):
            if has_gps(item.folder / image.file):
                warnings.append(Problem(item.source, item.line_of("images", index, "file"), f"images[{index}].file",
                                        f"{image.file} contains GPS coordinates (where it was taken); the original "
                                        "is published as given, so remove them if that place is private"))
    return warnings


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.shown = sys.stderr.isatty() and total > 1

    def step(self) -> None:
        self.done += 1
        if self.shown:
            filled = round(30 * self.done / self.total)
            sys.stderr.write(f"\rPhotos [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
