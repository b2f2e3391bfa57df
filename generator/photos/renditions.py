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
import re
import shutil
import tempfile
from pathlib import Path

from generator.photos.inspect import JPEG, BadImage, decode, open_image

# Bump when the way renditions are made changes: every cache key changes with it.
VERSION = 5  # 2: rights metadata (XMP) in every rendition; 3: the creator without the credit's label;
# 4, 5: the Digital Source Type (provenance.py), and content credentials when the newsroom signs

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
    for file names), lead (bool), focus (x, y) or None, rights (what the YAML says: caption,
    credit, usage_terms, license_url, acquire_license_page, each None when silent),
    defaults (the newsroom's license_url and acquire_license_page), dst (the NewsCodes URI
    the YAML gives, or None), credentials (photos/credentials.py, or None: nothing is signed),
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
    rights = resolve_rights(job["rights"], info, job.get("defaults") or {})
    from generator.photos import provenance

    own = provenance.in_xmp(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")) \
        or provenance.in_manifest(job["source"])
    source, _ = provenance.resolve(job.get("dst"), own)
    converted = img.format not in JPEG
    job = {**job, "format": (img.format or "JPEG").lower()}   # the original's, for its ingredient
    _draft(img, _needed_scale(oriented, settings, job["lead"]))
    decode(img)
    orientation = _orientation(img)
    img = _upright(to_srgb(img), orientation)
    img.info = {}
    alpha = img.mode == "RGBA"
    stem, tag = job["stem"], job["tag"]
    exif = _copyright_exif(rights["copyright"])
    xmp = rights_xmp(rights, source)

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
            _save(current, work / name, fmt, settings, exif, xmp)
            _sign(job, work / name, fmt, source, rights, ["c2pa.resized"] if width != full_w else [],
                  converted or fmt != "jpeg")
            files[fmt] = name
        renditions.append({"width": width, "height": height, "files": files})
    renditions.reverse()

    meta = {"renditions": renditions, "alpha": alpha, "original_size": list(oriented),
            "caption": info["caption"], "credit": info["credit"], "rights": rights,
            "source": source, "original_source": own, "signed": bool(job.get("credentials")),
            "og": None, "thumb": None}
    if job["lead"]:
        card_fmt = "png" if alpha else "jpeg"
        for kind in ("og", "thumb"):
            card = crop_cover(img, settings[kind], job["focus"], oriented)
            name = f"{stem}.{tag}.{kind}.{'png' if alpha else 'jpg'}"
            _save(card, work / name, card_fmt, settings, exif, xmp)
            _sign(job, work / name, card_fmt, source, rights, ["c2pa.cropped", "c2pa.resized"],
                  converted or card_fmt != "jpeg")
            meta[kind] = {"src": name, "width": card.width, "height": card.height}
    return meta


def _sign(job: dict, path: Path, fmt: str, source: str | None, rights: dict, actions: list[str],
          converted: bool) -> None:
    """Sign a rendition with the newsroom's content credentials (none: left as it is), the
    original as its parent ingredient."""
    credentials = job.get("credentials")
    if not credentials:
        return
    from generator.photos.credentials import manifest, sign

    done = actions + (["c2pa.converted"] if converted else [])
    what = manifest(path.name, source, rights, done, credentials["author"])
    try:
        path.write_bytes(sign(path.read_bytes(), fmt, credentials, what, Path(job["source"]), job.get("format")))
    except Exception as exc:   # c2pa's own words; never the key
        raise BadImage(f"cannot be signed with the newsroom's content credentials ({' '.join(str(exc).split())[:300]})") \
            from None


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


def _save(img, path: Path, fmt: str, settings: dict, exif: bytes, xmp: str = "") -> None:
    extra = {"exif": exif} if exif else {}
    if fmt == "jpeg":
        extra.update({"xmp": xmp.encode()} if xmp else {})
        img.save(path, "JPEG", quality=settings["jpeg_quality"], optimize=True, progressive=True, **extra)
    elif fmt == "webp":
        extra.update({"xmp": xmp.encode()} if xmp else {})
        img.save(path, "WEBP", quality=settings["webp_quality"], method=4, **extra)
    else:
        if xmp:  # PNG: the iTXt chunk XMP readers look for
            from PIL import PngImagePlugin

            extra["pnginfo"] = PngImagePlugin.PngInfo()
            extra["pnginfo"].add_itxt("XML:com.adobe.xmp", xmp)
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

RIGHTS = ("creator", "credit", "copyright", "caption", "usage_terms", "web_statement", "licensor_url")
"""What a rendition says about its photo (see `rights_xmp`); GPS, camera and serials never."""


def read_metadata(img) -> dict:
    """Caption, credit, creator, copyright and licence terms from IPTC, XMP or EXIF."""
    iptc = _iptc(img)
    xmp = _xmp(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp"))
    exif = _exif(img)
    found = {name: iptc.get(name) or xmp.get(name) or exif.get(name) for name in RIGHTS}
    found["credit"] = found["credit"] or found["creator"]   # a byline is the credit agencies give
    for name in ("web_statement", "licensor_url"):
        found[name] = _http(found[name])
    return found


CREDIT_LABEL = re.compile(r"^\s*(?:(?:photograph|photo|foto|beeld|image|picture|credit)\s*(?::|©|\(c\))|©|\(c\))\s*",
                          re.IGNORECASE)


def byline(credit: str | None) -> str | None:
    """Who made the photo, from a credit line: "Foto: Piet Bakker" → "Piet Bakker" (a creator is a
    name, the label belongs to the credit line only)."""
    if not credit:
        return credit
    return CREDIT_LABEL.sub("", credit, count=1).strip() or credit


def resolve_rights(yaml: dict, original: dict, defaults: dict) -> dict:
    """The rights a rendition carries: the photo's YAML first, then the original's own
    IPTC/XMP, then the newsroom's defaults (licence links only). The creator is the
    original's byline, else the credit; the copyright notice the original's, else the credit."""
    credit = yaml.get("credit") or original["credit"]
    return {
        "creator": original["creator"] or byline(credit),
        "credit": credit,
        "copyright": original["copyright"] or credit,
        "caption": yaml.get("caption") or original["caption"],
        "usage_terms": yaml.get("usage_terms") or original["usage_terms"],
        "web_statement": (yaml.get("license_url") or original["web_statement"]
                          or defaults.get("license_url")),
        "licensor_url": (yaml.get("acquire_license_page") or original["licensor_url"]
                         or defaults.get("acquire_license_page")),
    }


MAX_XMP_VALUE = 2000  # characters: seven values fit in one JPEG APP1 segment (64 KB) whatever they hold


def rights_xmp(rights: dict, source: str | None = None) -> str:
    """An XMP packet with the IPTC Photo Metadata rights fields: creator (dc:creator), credit
    line (photoshop:Credit), copyright notice (dc:rights), caption (dc:description), usage
    terms (xmpRights:UsageTerms), Web Statement of Rights (xmpRights:WebStatement) and
    Licensor URL (plus:Licensor/plus:LicensorURL), and the Digital Source Type
    (Iptc4xmpExt:DigitalSourceType, `source`). Empty when there is nothing to say."""
    from html import escape   # & < > in element text (xml.sax.saxutils would pull in urllib, ssl, email)

    def text(value: str) -> str:
        value = "".join(c for c in value if c in "\t\n\r" or 0x20 <= ord(c) < 0xD800 or 0xE000 <= ord(c) < 0xFFFE
                        or ord(c) >= 0x10000)   # only what XML 1.0 allows
        return escape(value[:MAX_XMP_VALUE], quote=False)

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{text(value)}</rdf:li></rdf:Alt>'

    parts = []
    if rights.get("creator"):
        parts.append(f"<dc:creator><rdf:Seq><rdf:li>{text(rights['creator'])}</rdf:li></rdf:Seq></dc:creator>")
    if rights.get("caption"):
        parts.append(f"<dc:description>{alt(rights['caption'])}</dc:description>")
    if rights.get("copyright"):
        parts.append(f"<dc:rights>{alt(rights['copyright'])}</dc:rights>")
    if rights.get("credit"):
        parts.append(f"<photoshop:Credit>{text(rights['credit'])}</photoshop:Credit>")
    if rights.get("usage_terms"):
        parts.append(f"<xmpRights:UsageTerms>{alt(rights['usage_terms'])}</xmpRights:UsageTerms>")
    if rights.get("web_statement") and len(rights["web_statement"]) <= MAX_XMP_VALUE:
        parts.append(f"<xmpRights:WebStatement>{text(rights['web_statement'])}</xmpRights:WebStatement>")
    if rights.get("licensor_url") and len(rights["licensor_url"]) <= MAX_XMP_VALUE:
        parts.append('<plus:Licensor><rdf:Seq><rdf:li rdf:parseType="Resource">'
                     f"<plus:LicensorURL>{text(rights['licensor_url'])}</plus:LicensorURL>"
                     "</rdf:li></rdf:Seq></plus:Licensor>")
    if source:
        parts.append(f"<Iptc4xmpExt:DigitalSourceType>{text(source)}</Iptc4xmpExt:DigitalSourceType>")
    if not parts:
        return ""
    namespaces = " ".join(f'xmlns:{prefix}="{XMP_NS[prefix]}"'
                          for prefix in ("dc", "photoshop", "xmpRights", "plus", "Iptc4xmpExt"))
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            f'<rdf:RDF xmlns:rdf="{XMP_NS["rdf"]}"><rdf:Description rdf:about="" {namespaces}>'
            + "".join(parts) + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>')


def _http(value: str | None) -> str | None:
    """An http(s) URL as a link on the page may carry it, else None."""
    if not value:
        return None
    from generator.newsroom.model import check_http_url

    try:
        return check_http_url(value)
    except ValueError:
        return None


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
    return {"caption": _clean(data.get((2, 120))), "credit": _clean(data.get((2, 110))),
            "creator": _clean(data.get((2, 80))), "copyright": _clean(data.get((2, 116)))}


def _exif(img) -> dict:
    try:
        exif = img.getexif()
    except Exception:
        return {}
    return {"caption": _clean(exif.get(0x010E)), "creator": _clean(exif.get(0x013B)),
            "copyright": _clean(exif.get(0x8298))}


XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}


def _xmp(data) -> dict:
    """The rights fields of an XMP packet (no external entities): each as an element (the
    first rdf:li of a list) or as an attribute, as XMP writers choose."""
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

    def field(prefix: str, name: str) -> str | None:
        tag = f"{{{XMP_NS[prefix]}}}{name}"
        node = root.find(f".//{prefix}:{name}", XMP_NS)
        if node is not None:
            li = node.find(".//rdf:li", XMP_NS)
            value = _clean((li if li is not None else node).text)
            if value:
                return value
        for element in root.iter():
            value = _clean(element.get(tag))
            if value:
                return value
        return None

    return {"caption": field("dc", "description"), "credit": field("photoshop", "Credit"),
            "creator": field("dc", "creator"), "copyright": field("dc", "rights"),
            "usage_terms": field("xmpRights", "UsageTerms"), "web_statement": field("xmpRights", "WebStatement"),
            "licensor_url": field("plus", "LicensorURL")}
