"""The work on one photo: decode once, fix orientation and colour, write every rendition.

This runs in a worker process, so it takes and returns plain data only (paths, dicts,
strings). Its output goes into a fresh cache folder that is renamed into place when
complete; an error leaves nothing behind and comes back as a one-line message.

A cache folder is trusted only as far as it proves itself: its meta.json carries its own
checksum, the folder's key (its name) and the sha256 of every file, and each file is checked
against that digest when it is copied into a site (`copy_out`). Anything else is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

from generator.photos.inspect import JPEG, BadImage, decode, open_image

# Bump when the way renditions are made changes: every cache key changes with it.
VERSION = 1

SETTINGS = {
    "version": VERSION,
    "widths": (480, 960, 1600),
    "formats": ("jpeg", "webp"),
    "jpeg_quality": 82,
    "webp_quality": 80,
    "og": (1200, 630),
    "thumb": (600, 400),
}

META = "meta.json"


def render(job: dict, *, again: bool = False) -> dict:
    """Make every file of one photo in the cache folder `job["target"]`; return its metadata.

    `job` holds: source (path), target (cache folder), stem (file name stem), tag (hash
    for file names), lead (bool), focus (x, y) or None, credit (YAML credit or None),
    settings. A folder already there is used when its meta.json is sound (see `cached_meta`),
    unless `again`: then it is replaced. Returns {"ok": meta} or {"error": message}.
    """
    target = Path(job["target"])
    meta = None if again else cached_meta(target)
    if meta is not None:
        return {"ok": meta}
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        meta = _sealed(_render_into(job, work), target.name, work)
        (work / META).write_text(json.dumps(meta, sort_keys=True), "utf-8")
        _move_into_place(work, target)
        return {"ok": meta}
    except BadImage as exc:
        shutil.rmtree(work, ignore_errors=True)
        return {"error": str(exc)}
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def cached_meta(folder: Path) -> dict | None:
    """The metadata of a cache folder, when its meta.json is whole and about this folder."""
    try:
        meta = json.loads((folder / META).read_text("utf-8"))
        if meta["checksum"] == _checksum(meta) and meta["key"] == folder.name:
            return meta
    except (OSError, ValueError, TypeError, KeyError):   # unreadable, not JSON, not a dict
        pass
    return None


def copy_out(folder: Path, meta: dict, name: str, target: Path) -> bool:
    """Copy a file of a cache folder to `target` if its bytes are those meta.json records:
    a site never shares a file with the cache, and never gets a damaged one."""
    try:
        data = (folder / name).read_bytes()
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != meta["files"].get(name):
        return False
    target.write_bytes(data)
    return True


def _sealed(meta: dict, key: str, work: Path) -> dict:
    """`meta` with what proves the folder later: its key, every file's sha256, a checksum."""
    files = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(work.iterdir())}
    meta = {**meta, "key": key, "files": files}
    return {**meta, "checksum": _checksum(meta)}


def _checksum(meta: dict) -> str:
    body = {k: v for k, v in meta.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _move_into_place(work: Path, target: Path) -> None:
    """Rename the finished folder to its key, replacing a damaged one whole."""
    if target.exists():
        damaged = target.with_name(f".tmp-damaged-{target.name}-{os.getpid()}")
        with contextlib.suppress(OSError):
            os.rename(target, damaged)
        shutil.rmtree(damaged, ignore_errors=True)
    try:
        work.rename(target)
    except OSError:  # another build got there first: same key, same content
        shutil.rmtree(work, ignore_errors=True)


def _render_into(job: dict, work: Path) -> dict:
    with open_image(Path(job["source"])) as original:
        try:
            return _render_open(job, work, original)
        except (OSError, ValueError, SyntaxError, EOFError) as exc:  # what Pillow raises for odd files
            raise BadImage(f"cannot be converted for the web ({exc}): export it again as an "
                           "ordinary RGB JPEG or PNG") from None


def _render_open(job: dict, work: Path, img) -> dict:
    from PIL import Image

    settings = job["settings"]
    if img.format not in JPEG:
        decode(img)  # reading their EXIF decodes them anyway; only JPEG can be drafted
    info = read_metadata(img)
    oriented = _oriented_size(img)
    credit = job["credit"] or info["credit"]
    copyright_line = info["copyright"] or credit
    _draft(img, _needed_scale(oriented, settings, job["lead"]))
    decode(img)
    orientation = _orientation(img)
    img = _upright(to_srgb(img), orientation)
    img.info = {}
    alpha = img.mode == "RGBA"
    stem, tag = job["stem"], job["tag"]
    exif = _copyright_exif(copyright_line)

    full_w, full_h = oriented
    largest = max(settings["widths"])
    if full_w > largest:
        widths = list(settings["widths"])
    else:  # never upscale: the original's own width is the largest rendition
        widths = [w for w in settings["widths"] if w < full_w] + [full_w]

    formats = ["png" if alpha and f == "jpeg" else f for f in settings["formats"]]
    renditions = []
    current = img
    for width in sorted(widths, reverse=True):  # each one from the previous, larger one
        height = max(1, round(full_h * width / full_w))
        if current.size != (width, height):
            current = current.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        files = {}
        for fmt in formats:
            name = f"{stem}.{tag}.{width}.{ 'jpg' if fmt == 'jpeg' else fmt}"
            _save(current, work / name, fmt, settings, exif)
            files[fmt] = name
        renditions.append({"width": width, "height": height, "files": files})
    renditions.reverse()

    meta = {"renditions": renditions, "alpha": alpha, "original_size": list(oriented),
            "caption": info["caption"], "credit": info["credit"],
            "og": None, "thumb": None}
    if job["lead"]:
        card_fmt = "png" if alpha else "jpeg"
        for kind in ("og", "thumb"):
            card = crop_cover(img, settings[kind], job["focus"], oriented)
            name = f"{stem}.{tag}.{kind}.{'png' if alpha else 'jpg'}"
            _save(card, work / name, card_fmt, settings, exif)
            meta[kind] = {"src": name, "width": card.width, "height": card.height}
    return meta


def _orientation(img) -> int:
    try:
        return int(img.getexif().get(0x0112, 1))
    except Exception:
        return 1


def _oriented_size(img) -> tuple[int, int]:
    """Pixel size as the photo is meant to be seen (EXIF orientation 5..8 swaps the sides)."""
    w, h = img.size
    return (h, w) if _orientation(img) in (5, 6, 7, 8) else (w, h)


def _upright(img, orientation: int):
    """Turn the pixels the way the camera's EXIF orientation tag says (as exif_transpose)."""
    from PIL import Image

    method = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}.get(orientation)
    return img.transpose(method) if method is not None else img


def _needed_scale(oriented: tuple[int, int], settings: dict, lead: bool) -> float:
    """The smallest fraction of the original's size that still covers every output."""
    w, h = oriented
    need = min(1.0, max(settings["widths"]) / w)
    if lead:
        for cw, ch in (settings["og"], settings["thumb"]):
            need = max(need, min(1.0, max(cw / w, ch / h)))
    return need


def _draft(img, scale: float) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding (DCT scaling)."""
    if img.format not in JPEG or scale >= 0.5:
        return
    w, h = img.size  # stored orientation; the scale is the same on both sides
    img.draft(None, (math.ceil(w * scale), math.ceil(h * scale)))


def to_srgb(img):
    """Any mode and colour space in, 8-bit sRGB (RGB, or RGBA when transparent) out."""
    from PIL import ImageCms

    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    elif img.mode == "LAB":
        return ImageCms.profileToProfile(img, ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"),
                                         outputMode="RGB")
    alpha = img.mode in ("RGBA", "LA", "La", "PA", "RGBa") or (
        img.mode == "P" and "transparency" in img.info) or (
        img.mode in ("L", "RGB") and "transparency" in img.info)
    icc = img.info.get("icc_profile")
    if alpha and img.mode != "RGBA":
        img = img.convert("RGBA")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if img.mode == "P":
                img = img.convert("RGB")
            out_mode = "RGBA" if img.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(img, source, ImageCms.createProfile("sRGB"),
                                             outputMode=out_mode, renderingIntent=0)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to the plain conversion below
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA" if alpha else "RGB")
    return img


def crop_cover(img, size: tuple[int, int], focus, oriented: tuple[int, int]):
    """Fill `size` (never upscaling) by cropping around the focus point (default: centre)."""
    from PIL import Image

    W, H = img.size
    tw, th = size
    left, top, bw, bh = cover_box((W, H), size, focus)
    in_original = bw * oriented[0] / W  # the box's width in the original's pixels
    if in_original >= tw:
        out = (tw, th)
    else:  # a small photo: keep its own pixels rather than upscale
        out = (max(1, round(in_original)), max(1, round(bh * oriented[0] / W)))
    return img.resize(out, Image.LANCZOS, box=(left, top, left + bw, top + bh), reducing_gap=3.0)


def cover_box(image: tuple[int, int], size: tuple[int, int], focus) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the largest box with `size`'s aspect ratio that fits in
    an `image`-sized picture, centred on the focus point (default: the centre) as far as the
    picture allows. What crop_cover cuts, and what `smr check` tells about a card's crop."""
    W, H = image
    tw, th = size
    fx, fy = focus or (0.5, 0.5)
    if W * th >= H * tw:
        bh, bw = H, H * tw / th
    else:
        bw, bh = W, W * th / tw
    return min(max(fx * W - bw / 2, 0), W - bw), min(max(fy * H - bh / 2, 0), H - bh), bw, bh


def _save(img, path: Path, fmt: str, settings: dict, exif: bytes) -> None:
    extra = {"exif": exif} if exif else {}
    if fmt == "jpeg":
        img.save(path, "JPEG", quality=settings["jpeg_quality"], optimize=True, progressive=True, **extra)
    elif fmt == "webp":
        img.save(path, "WEBP", quality=settings["webp_quality"], method=4, **extra)
    else:
        img.save(path, "PNG", compress_level=9, **extra)


def _copyright_exif(line: str | None) -> bytes:
    """EXIF with only a Copyright tag: the one piece of metadata a rendition keeps."""
    if not line:
        return b""
    from PIL import Image

    exif = Image.Exif()
    exif[0x8298] = line
    return exif.tobytes()


# ---------------------------------------------------------------- metadata of the original

def read_metadata(img) -> dict:
    """Caption, credit and copyright from IPTC, XMP or EXIF."""
    iptc = _iptc(img)
    xmp = _xmp(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp"))
    exif = _exif(img)
    return {
        "caption": iptc.get("caption") or xmp.get("caption") or exif.get("caption"),
        "credit": iptc.get("credit") or xmp.get("credit") or exif.get("credit"),
        "copyright": iptc.get("copyright") or xmp.get("copyright") or exif.get("copyright"),
    }


def _clean(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    value = " ".join(value.replace("\x00", " ").split())
    return value or None


def _iptc(img) -> dict:
    from PIL import IptcImagePlugin

    try:
        data = IptcImagePlugin.getiptcinfo(img) or {}
    except Exception:
        return {}
    return {"caption": _clean(data.get((2, 120))),
            "credit": _clean(data.get((2, 110))) or _clean(data.get((2, 80))),
            "copyright": _clean(data.get((2, 116)))}


def _exif(img) -> dict:
    try:
        exif = img.getexif()
    except Exception:
        return {}
    return {"caption": _clean(exif.get(0x010E)), "credit": _clean(exif.get(0x013B)),
            "copyright": _clean(exif.get(0x8298))}


XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}


def _xmp(data) -> dict:
    """A few Dublin Core / Photoshop fields from an XMP packet (no external entities)."""
    if not data:
        return {}
    import xml.etree.ElementTree as ET

    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    if "<!DOCTYPE" in data or "<!ENTITY" in data:
        return {}
    try:
        root = ET.fromstring(data.strip().strip("\x00"))
    except ET.ParseError:
        return {}

    def first(path):
        node = root.find(path, XMP_NS)
        if node is None:
            return None
        li = node.find(".//rdf:li", XMP_NS)
        return _clean((li if li is not None else node).text)

    def attr(name):
        for desc in root.iter(f"{{{XMP_NS['rdf']}}}Description"):
            value = desc.get(name)
            if value:
                return _clean(value)
        return None

    credit_attr = f"{{{XMP_NS['photoshop']}}}Credit"
    return {"caption": first(".//dc:description"),
            "credit": first(".//photoshop:Credit") or attr(credit_attr) or first(".//dc:creator"),
            "copyright": first(".//dc:rights")}
