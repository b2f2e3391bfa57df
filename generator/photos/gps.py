"""GPS coordinates in a photo: finding them (for `smr check`'s warning) and removing them
from the copy that is published (`strip_gps: true`).

Finding, with Pillow: opening a photo reads its header only, and Pillow hands over the EXIF
block (JPEG APP1, PNG eXIf, WebP EXIF, TIFF tags) and the XMP packet (JPEG APP1, PNG iTXt
XML:com.adobe.xmp, WebP XMP, TIFF tag 700). The EXIF GPS IFD is read with Pillow's Exif;
the XMP packet is parsed as XML and searched for GPSLatitude/GPSLongitude in any namespace
(exif:, exifEX:, a drone maker's own). No pixel is decoded.

Removing, byte for byte: the picture data is never decoded or encoded again (a re-encoded
JPEG loses quality, and photographers check). Pillow cannot rewrite metadata without
re-encoding, so this module edits the two metadata blocks where they lie, keeping their
length, so no offset elsewhere in the file moves:
- EXIF: the GPS entry is taken out of IFD0 (the entries after it move up, the freed 12
  bytes are zeros) and the GPS IFD and the values it points to are overwritten with zeros.
  Every other tag (copyright, artist, camera, maker notes, thumbnail) is left exactly as is.
- XMP: the packet is parsed with lxml, every element or attribute named GPS* is removed,
  and the packet written back padded with spaces to its old length (XMP packets are made
  for such in-place edits).
A PNG chunk gets its new CRC (and a compressed XMP chunk is written uncompressed). ICC
profiles, IPTC and everything else are not touched. The result is read again the way
`smr check` reads photos; if GPS is still found, the build stops rather than publish it.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from generator.errors import SmrError

GPS_IFD_TAG = 0x8825
XMP_TAG = 700
GPS_POSITION_TAGS = {1, 2, 3, 4}  # latitude ref, latitude, longitude ref, longitude
XMP_POSITION_NAMES = {"gpslatitude", "gpslongitude"}
EXIF_HEADER = b"Exif\x00\x00"
JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
PNG_XMP = b"XML:com.adobe.xmp"
TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
                   16: 8, 17: 8, 18: 8}


# ---------------------------------------------------------------- finding

def gps_in(path: Path) -> list[str]:
    """Where the photo at `path` holds GPS coordinates: [], ["EXIF"], ["XMP"] or both.
    A file that cannot be opened has none (the photo check says what is wrong with it)."""
    try:
        with open(path, "rb") as f:
            return _gps_in(f)
    except OSError:
        return []


def has_gps(path: Path) -> bool:
    return bool(gps_in(path))


def _gps_in(fp) -> list[str]:
    from PIL import Image

    found = set()
    try:
        with Image.open(fp) as img:
            for frame in range(getattr(img, "n_frames", 1) if img.format == "MPO" else 1):
                img.seek(frame)   # an MPO's second picture has its own header (and maybe GPS)
                exif = _exif_of(img)
                if exif is not None and _exif_has_gps(exif):
                    found.add("EXIF")
                if _xmp_has_gps(img.info.get("xmp")):
                    found.add("XMP")
    except Exception:  # noqa: BLE001 - not an image, damaged, a bomb: inspect_photo says so
        pass
    return sorted(found)


def _mpo_frames(data: bytes) -> list[int]:
    """Where the pictures of an MPO file (a JPEG holding two or more) start; [0] for a JPEG."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "MPO":
                return [0]
            offsets = []
            for frame in range(img.n_frames):
                img.seek(frame)
                offsets.append(img.offset)
            return offsets
    except Exception:  # noqa: BLE001 - what Pillow cannot open has no frames to find
        return [0]


def _exif_of(img):
    """The photo's EXIF as Pillow reads it from the header (a PNG eXIf chunk may carry the
    "Exif\\0\\0" header JPEG uses, which Pillow adds once more; a TIFF's tags are its EXIF)."""
    from PIL import Image

    if img.format == "TIFF":
        return img.getexif()
    data = img.info.get("exif")
    if not data:
        return None
    while data.startswith(EXIF_HEADER + EXIF_HEADER):
        data = data[len(EXIF_HEADER):]
    exif = Image.Exif()
    exif.load(data)
    return exif


def _exif_has_gps(exif) -> bool:
    try:
        return bool(set(exif.get_ifd(GPS_IFD_TAG)) & GPS_POSITION_TAGS)
    except Exception:  # noqa: BLE001 - a damaged GPS IFD: Pillow cannot read a position there
        return False


def _xmp_has_gps(packet) -> bool:
    root = _parse_xmp(packet)
    if root is None:
        return False
    for element in root.iter():
        names = [element.tag] if isinstance(element.tag, str) else []
        if any(_local(name) in XMP_POSITION_NAMES for name in names + list(element.attrib)):
            return True
    return False


def _parse_xmp(packet):
    """The XMP packet as an lxml tree (no DTD, no entities, no network), or None."""
    if not packet:
        return None
    from lxml import etree

    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(packet.strip(b"\x00 \t\r\n"), parser)
    except etree.XMLSyntaxError:
        return None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


# ---------------------------------------------------------------- removing

def copy_without_gps(source: Path, target: Path) -> None:
    """Copy the photo at `source` to `target` without its GPS coordinates (EXIF and XMP),
    everything else byte for byte. The source is not touched."""
    from generator.files import atomic_write

    data = Path(source).read_bytes()
    try:
        stripped = without_gps(data)
    except (ValueError, struct.error, IndexError) as exc:
        raise SmrError(f"{source}: cannot remove its GPS coordinates ({exc}); remove them with a photo "
                       "editor, or set strip_gps: false to publish them") from None
    left = _gps_in(io.BytesIO(stripped))
    if left:
        raise SmrError(f"{source}: its GPS coordinates ({' and '.join(left)}) could not be removed; remove them "
                       "with a photo editor, or set strip_gps: false to publish them")
    atomic_write(target, stripped)


def without_gps(data: bytes) -> bytes:
    """The same file with GPS taken out of its EXIF and XMP (see the module's docstring)."""
    if data[:2] == b"\xff\xd8":
        out = bytearray(data)
        for start in _mpo_frames(data):   # lengths are kept, so the later frames do not move
            out[start:] = _jpeg(bytes(out[start:]))
        return bytes(out)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return data


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data)
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more metadata
            break
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # fill byte, markers without length
            pos += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        start, end = pos + 4, pos + 2 + length
        if marker == 0xE1 and data[start:end].startswith(EXIF_HEADER):
            body = start + len(EXIF_HEADER)
            out[body:end] = _tiff(bytes(data[body:end]))
        elif marker == 0xE1 and data[start:end].startswith(JPEG_XMP):
            body = start + len(JPEG_XMP)
            out[body:end] = _xmp_in_place(bytes(data[body:end]))
        pos = end
    return bytes(out)


def _png(data: bytes) -> bytes:
    chunks, pos = [data[:8]], 8
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        end = pos + 12 + length
        if kind == b"eXIf":
            chunks.append(_png_chunk(kind, _after_exif_headers(body, _tiff)))
        elif kind == b"iTXt" and body.startswith(PNG_XMP + b"\x00"):
            chunks.append(_png_chunk(kind, _png_xmp(body)))
        else:
            chunks.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(chunks) + data[pos:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_xmp(body: bytes) -> bytes:
    """An iTXt chunk: keyword, 0, compressed?, method, language, 0, translated keyword, 0, text."""
    keyword, rest = body.split(b"\x00", 1)
    compressed = rest[0] == 1
    language, translated, text = rest[2:].split(b"\x00", 2)
    packet = zlib.decompress(text) if compressed else text
    cleaned = _xmp_in_place(packet)
    if cleaned == packet:
        return body
    return b"\x00".join([keyword, b"\x00\x00" + language, translated, cleaned])


def _webp(data: bytes) -> bytes:
    out = bytearray(data)
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        start, end = pos + 8, pos + 8 + length
        if kind == b"EXIF":
            out[start:end] = _after_exif_headers(bytes(data[start:end]), _tiff)
        elif kind == b"XMP ":
            out[start:end] = _xmp_in_place(bytes(data[start:end]))
        pos = end + (length & 1)
    return bytes(out)


def _after_exif_headers(block: bytes, transform) -> bytes:
    """PNG and WebP EXIF may or may not start with "Exif\\0\\0" (writers differ)."""
    skip = 0
    while block[skip:skip + len(EXIF_HEADER)] == EXIF_HEADER:
        skip += len(EXIF_HEADER)
    return block[:skip] + transform(block[skip:])


def _tiff(tiff: bytes) -> bytes:
    """A TIFF structure (an EXIF block, or a whole TIFF file) without its GPS IFD and with
    GPS taken out of its XMP (tag 700), the same length."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        raise ValueError("its EXIF block is not readable")
    out = bytearray(tiff)
    ifd0 = _u32(tiff, order, 4)
    count = _u16(tiff, order, ifd0)
    entries = [_entry(tiff, order, ifd0 + 2 + 12 * i) for i in range(count)]
    for tag, kind, n, value in entries:
        if tag == XMP_TAG and kind in (1, 7) and n > 4:
            _need(tiff, value, n)
            out[value:value + n] = _xmp_in_place(bytes(tiff[value:value + n]))
    gps = [e for e in entries if e[0] == GPS_IFD_TAG]
    if not gps:
        return bytes(out)
    _blank_ifd(out, order, gps[0][3])
    kept = [tiff[ifd0 + 2 + 12 * i:ifd0 + 14 + 12 * i] for i, e in enumerate(entries) if e[0] != GPS_IFD_TAG]
    next_ifd = tiff[ifd0 + 2 + 12 * count:ifd0 + 6 + 12 * count]
    _need(tiff, ifd0, 6 + 12 * count)
    out[ifd0:ifd0 + 6 + 12 * count] = (struct.pack(order + "H", len(kept)) + b"".join(kept) + next_ifd
                                       + b"\x00" * 12 * (count - len(kept)))
    return bytes(out)


def _blank_ifd(out: bytearray, order: str, offset: int) -> None:
    """Zeros over the GPS IFD and every value it points to: no coordinate stays in the file."""
    count = _u16(out, order, offset)
    _need(out, offset, 6 + 12 * count)
    for i in range(count):
        _tag, kind, n, value = _entry(out, order, offset + 2 + 12 * i)
        size = TIFF_TYPE_SIZES.get(kind, 1) * n
        if size > 4 and 0 < value and value + size <= len(out):
            out[value:value + size] = bytes(size)
    out[offset:offset + 6 + 12 * count] = bytes(6 + 12 * count)


def _entry(data, order: str, pos: int) -> tuple[int, int, int, int]:
    _need(data, pos, 12)
    return struct.unpack(order + "HHII", data[pos:pos + 12])


def _u16(data, order: str, pos: int) -> int:
    _need(data, pos, 2)
    return struct.unpack(order + "H", data[pos:pos + 2])[0]


def _u32(data, order: str, pos: int) -> int:
    _need(data, pos, 4)
    return struct.unpack(order + "I", data[pos:pos + 4])[0]


def _need(data, pos: int, size: int) -> None:
    if pos < 0 or pos + size > len(data):
        raise ValueError("its EXIF block is damaged")


def _xmp_in_place(packet: bytes) -> bytes:
    """The XMP packet without GPS elements and attributes, padded to its old length."""
    root = _parse_xmp(packet)
    if root is None:
        if b"gps" in packet.lower():
            raise ValueError("its XMP metadata cannot be read")
        return packet
    from lxml import etree

    gone = 0
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag).startswith("gps") and element.getparent() is not None:
            element.getparent().remove(element)
            gone += 1
            continue
        for name in [n for n in element.attrib if _local(n).startswith("gps")]:
            del element.attrib[name]
            gone += 1
    if not gone:
        return packet
    cleaned = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=False)
    if len(cleaned) > len(packet):
        raise ValueError("its XMP metadata would grow")
    padding = b" " * (len(packet) - len(cleaned))
    end = cleaned.rfind(b"<?xpacket end")
    return cleaned[:end] + padding + cleaned[end:] if end >= 0 else cleaned + padding
