"""The media library: one page per language (`media/`, `en/media/`) with every photo of every
public release, filterable by tag without a server, and the brand assets of newsroom.yaml
(`brand:`), published under `media/brand/`.

A photo is listed from what its release's render kept (`photo_entries`, part of that
release's record), so the page is its own output group keyed by the releases it shows and
the brand files' content: a draft or an embargoed release has no entry, and a build that
changed no public release's photos keeps the page.
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

MEDIA_DIR = "media"
BRAND_DIR = "media/brand"


def photo_entries(site, item, images: list) -> list[dict]:
    """What the media library shows of each photo of `item` (JSON, kept with its record);
    paths are relative to the site's root, the hi-res download as the page links it."""
    from generator.render.pages import media_links

    def at_root(href: str) -> str:
        return posixpath.normpath(f"{item.slug}/{href}")

    tags = list(dict.fromkeys(site.tag_slug(t) for t in item.tags))
    found = []
    for image in media_links(images, item.slug, site.media_base_url):
        srcset = [part.strip().rsplit(" ", 1) for part in image.srcset.split(",") if part.strip()]
        absolute = image.original.startswith(("https://", "http://"))
        found.append({
            "slug": item.slug, "title": item.title, "lang": item.language, "tags": tags,
            "src": at_root(image.src), "width": image.width, "height": image.height,
            "srcset": [[at_root(url), size] for url, size in srcset if len(srcset[0]) == 2],
            "alt": image.alt, "caption": image.caption, "credit": image.credit, "license": image.license,
            "license_url": (image.rights or {}).get("web_statement"), "ai": image.ai,
            "original": image.original if absolute else at_root(image.original), "absolute": absolute,
            "original_name": image.original_name, "original_width": image.original_width,
            "original_height": image.original_height, "original_bytes": image.original_bytes,
        })
    return found


def brand_files(site) -> list[dict]:
    """The brand assets newsroom.yaml names, as the site publishes them (media/brand/<name>)."""
    from generator.slug import unique_file_names
    from generator.render.pages import logo_size

    brand = site.newsroom.brand
    if brand is None:
        return []
    names = unique_file_names([f.file for f in brand.files])
    files = []
    for given, name in zip(brand.files, names):
        path = site.root / given.file
        size = logo_size(path)
        files.append({"path": path, "name": name, "href": f"{BRAND_DIR}/{name}", "title": given.title,
                      "notes": given.notes, "type": path.suffix.lstrip(".").upper(), "bytes": path.stat().st_size,
                      "width": size[0] if size else None, "height": size[1] if size else None})
    return files


def write_brand(site, out: Path, outputs, files: list[dict]) -> str:
    """Copy the brand files into media/brand/ (an SVG written anew, as the logo is); returns
    the key of their content, which the media pages' keys hold too."""
    from generator.store import Store, digest

    store = Store.of(site.root)
    key = digest("brand", [(f["name"], store.file_hash(f["path"])) for f in files])
    if not files or outputs.reuse("brand", key):
        return key
    (out / BRAND_DIR).mkdir(parents=True, exist_ok=True)
    for f in files:
        target = out / f["href"]
        if f["path"].suffix.lower() == ".svg":   # never as given: it could hold scripts
            from generator.newsroom.svg import sanitise

            target.write_bytes(sanitise(f["path"].read_bytes()))
        else:
            shutil.copyfile(f["path"], target)
    outputs.record("brand", key, [f["href"] for f in files])
    return key


def write_media(site, pages, out: Path, outputs, results: dict, index: dict, shown: list, brand: list[dict],
                brand_key: str) -> None:
    """One language's media library: the photos of the stories its index shows (each in that
    language's version where there is one), newest first, and the brand assets."""
    from generator.output.pipeline import made_with
    from generator.store import digest

    path = f"{index['path']}{MEDIA_DIR}/"
    group = f"list:{path}"
    photos = [photo for item in shown for photo in (results[item.slug].get("photos") or [])]
    inputs = digest("media", path, index, brand_key, photos)
    if outputs.reuse(group, made_with(outputs, pages, group, inputs)):
        return
    with pages.templates_used() as used:
        (out / path).mkdir(parents=True, exist_ok=True)
        (out / path / "index.html").write_text(pages.media(path, index["lang"], photos, brand), "utf-8")
    outputs.record(group, digest(inputs, pages.templates_digest(used)), [f"{path}index.html"], templates=used)
