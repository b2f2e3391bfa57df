"""GPS coordinates in a photo: finding them (for `smr check`'s warning) and removing them
from the copy that is published (`strip_gps: true`).

Finding and removing walk the same places, so whatever can hide a position is both found
and cleaned: Pillow reads the header (EXIF: JPEG APP1, PNG eXIf, WebP EXIF, TIFF tags; XMP:
JPEG APP1, PNG iTXt XML:com.adobe.xmp, WebP XMP, TIFF tag 700), and this module walks the
file's metadata blocks itself for what Pillow does not read but exiftool and other readers
do: every JPEG APP1 (a second EXIF or XMP segment, extended XMP split over
"http://ns.adobe.com/xmp/extension/" segments), every PNG chunk up to IEND (eXIf and text
chunks after the picture data too), XMP in PNG tEXt, zTXt and iTXt, and ImageMagick's
"Raw profile type exif / APP1 / xmp" text chunks (a hex dump of the block). The EXIF GPS
IFD is read with Pillow's Exif; an XMP packet is parsed as XML and searched for
GPSLatitude/GPSLongitude in any namespace (exif:, exifEX:, a drone maker's own); an XMP
packet that cannot be parsed but names them counts as GPS. No pixel is decoded.

Removing, byte for byte: the picture data is never decoded or encoded again (a re-encoded
JPEG loses quality, and photographers check). Pillow cannot rewrite metadata without
re-encoding, so this module edits the metadata blocks where they lie, keeping their
length, so no offset elsewhere in the file moves:
- EXIF: the GPS entry is taken out of IFD0 (the entries after it move up, the freed 12
  bytes are zeros) and the GPS IFD and the values it points to are overwritten with zeros.
  Every other tag (copyright, artist, camera, maker notes, thumbnail) is left exactly as is.
- XMP: the packet is parsed with lxml, every element or attribute named GPS* is removed,
  and the packet written back padded with spaces to its old length (XMP packets are made
  for such in-place edits). Extended XMP is put together, cleaned the same way, cut back
  into its segments, and named by its new MD5 (in its segments and in the main packet's
  xmpNote:HasExtendedXMP), as the XMP specification asks.
A PNG chunk gets its new CRC (a compressed XMP iTXt chunk is written uncompressed; a zTXt
chunk is compressed again; a raw profile keeps its hex layout). ICC profiles, IPTC and
everything else are not touched. The result is read again the way `smr check` reads
photos; if GPS is still found, the build stops rather than publish it.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import re
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
JPEG_EXTENDED_XMP = b"http://ns.adobe.com/xmp/extension/\x00"
PNG_XMP = b"XML:com.adobe.xmp"
PNG_TEXT = (b"tEXt", b"zTXt", b"iTXt")
RAW_PROFILES = (b"Raw profile type exif", b"Raw profile type APP1", b"Raw profile type xmp")
MAX_TEXT_CHUNK = 64 * 1024 * 1024  # a compressed text chunk larger than this is not metadata but a bomb
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
    data = _mapped(fp)
    try:
        return sorted(found | _Finder().search(data))
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def _mapped(fp):
    """The file's bytes without reading its picture data: a private (copy-on-write) map of
    a file on disk, the bytes themselves for an in-memory one."""
    try:
        return mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_COPY)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):   # in memory, or empty
        fp.seek(0)
        return fp.read()


class _Finder:
    """The walk `without_gps` makes, only looking: which kinds of block hold a position."""

    def __init__(self):
        self.found: set[str] = set()

    def search(self, data: bytes) -> set[str]:
        try:
            _walk(data, self.exif, self.xmp)
        except (ValueError, struct.error, IndexError, zlib.error):
            pass   # what is damaged further on: what was found so far still counts
        return self.found

    def exif(self, tiff: bytes) -> bytes:
        from PIL import Image

        exif = Image.Exif()
        try:
            exif.load(tiff)
        except Exception:  # noqa: BLE001 - an unreadable block: no position Pillow can read
            return tiff
        if _exif_has_gps(exif):
            self.found.add("EXIF")
        try:
            _tiff(tiff, self.xmp, gps=False)   # the XMP a TIFF block may carry (tag 700)
        except (ValueError, struct.error, IndexError):
            pass
        return tiff

    def xmp(self, packet: bytes) -> bytes:
        if _xmp_has_gps(packet) or (_parse_xmp(packet) is None and _names_a_position(packet)):
            self.found.add("XMP")
        return packet


def _mpo_frames(data) -> list[int]:
    """Where the pictures of an MPO file (a JPEG holding two or more) start; [0] for a JPEG."""
    from PIL import Image

    try:
        with Image.open(data if hasattr(data, "seek") else io.BytesIO(data)) as img:
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


def _names_a_position(packet) -> bool:
    """An XMP packet lxml cannot parse may still be read by lenient readers (exiftool is)."""
    raw = packet.encode("utf-8", "replace") if isinstance(packet, str) else bytes(packet)
    return any(name.encode() in raw.lower() for name in XMP_POSITION_NAMES)


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
    except (ValueError, struct.error, IndexError, zlib.error) as exc:
        raise SmrError(f"{source}: cannot remove its GPS coordinates ({exc}); remove them with a photo "
                       "editor, or set strip_gps: false to publish them") from None
    left = _gps_in(io.BytesIO(stripped))
    if left:
        raise SmrError(f"{source}: its GPS coordinates ({' and '.join(left)}) could not be removed; remove them "
                       "with a photo editor, or set strip_gps: false to publish them")
    atomic_write(target, stripped)


def without_gps(data: bytes) -> bytes:
    """The same file with GPS taken out of its EXIF and XMP (see the module's docstring)."""
    return _walk(data, _tiff, _xmp_in_place)


def _walk(data, exif, xmp) -> bytes:
    """`data` (bytes, or the finder's private map of the file) with `exif` applied to every EXIF (TIFF) block and `xmp` to every XMP packet in
    it, each giving back a block of the same length: the one walk finding and removing share."""
    if data[:2] == b"\xff\xd8":
        out = data if isinstance(data, mmap.mmap) else bytearray(data)   # a private map takes writes
        for start in _mpo_frames(data):   # lengths are kept, so the later frames do not move
            _jpeg(out, start, exif, xmp)
        return data if out is data else bytes(out)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return exif(bytes(data))
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _png(data, exif, xmp)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data, exif, xmp)
    return data


def _jpeg(out, first: int, exif, xmp) -> None:
    """The metadata segments of the JPEG picture that starts at `first` in `out`, in place."""
    data = out   # read as it is edited: each segment is read before it is changed
    pos = first + 2
    main_xmp, extended = [], {}   # extended XMP: GUID -> [(offset in the whole, where its piece lies)]
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
            out[body:end] = exif(bytes(data[body:end]))
        elif marker == 0xE1 and data[start:end].startswith(JPEG_XMP):
            body = start + len(JPEG_XMP)
            out[body:end] = xmp(bytes(data[body:end]))
            main_xmp.append((body, end))
        elif marker == 0xE1 and data[start:end].startswith(JPEG_EXTENDED_XMP) and end - start > 75:
            # signature, 32-character GUID, full length, this piece's offset, the piece
            head = start + len(JPEG_EXTENDED_XMP)
            guid = bytes(data[head:head + 32])
            offset = struct.unpack(">I", data[head + 36:head + 40])[0]
            extended.setdefault(guid, []).append((offset, head, head + 40, end))
        pos = end
    for guid, pieces in extended.items():
        _extended_xmp(out, guid, sorted(pieces), main_xmp, xmp)


def _extended_xmp(out: bytearray, guid: bytes, pieces: list, main_xmp: list, xmp) -> None:
    """Put an extended XMP packet together, let `xmp` clean it, and cut it back into its
    segments; a changed packet gets its new GUID (its MD5) there and in the main packet."""
    whole = b"".join(bytes(out[start:end]) for _offset, _head, start, end in pieces)
    cleaned = xmp(whole)
    if cleaned == whole:
        return
    new_guid = hashlib.md5(cleaned).hexdigest().upper().encode()
    at = 0
    for _offset, head, start, end in pieces:
        out[head:head + 32] = new_guid
        out[start:end] = cleaned[at:at + end - start]
        at += end - start
    for body, end in main_xmp:
        out[body:end] = bytes(out[body:end]).replace(guid, new_guid)


def _png(data: bytes, exif, xmp) -> bytes:
    changed, pos = [], 8   # (start, end, new chunk): the picture data is never copied for nothing
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if kind == b"eXIf" or kind in PNG_TEXT:
            body = data[pos + 8:pos + 8 + length]
            new = _after_exif_headers(body, exif) if kind == b"eXIf" else _png_text(kind, body, exif, xmp)
            if new != body:
                changed.append((pos, end, _png_chunk(kind, new)))
        pos = end
        if kind == b"IEND":
            break
    if not changed:
        return data
    parts, at = [], 0
    for start, end, chunk in changed:
        parts += [data[at:start], chunk]
        at = end
    return b"".join(parts) + data[at:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_text(kind: bytes, body: bytes, exif, xmp) -> bytes:
    """A tEXt, zTXt or iTXt chunk holding XMP or a raw profile, cleaned; any other as is.
    tEXt: keyword, 0, text. zTXt: keyword, 0, method, compressed text. iTXt: keyword, 0,
    compressed?, method, language, 0, translated keyword, 0, text."""
    keyword, _, rest = body.partition(b"\x00")
    if keyword != PNG_XMP and keyword not in RAW_PROFILES:
        return body
    if kind == b"tEXt":
        head, text, compressed = b"", rest, False
    elif kind == b"zTXt":
        head, text, compressed = rest[:1], rest[1:], True
    else:
        language, translated, text = rest[2:].split(b"\x00", 2)
        head, compressed = rest[:2] + language + b"\x00" + translated + b"\x00", rest[0] == 1
    plain = _inflate(text) if compressed else text
    cleaned = xmp(plain) if keyword == PNG_XMP else _raw_profile(keyword, plain, exif, xmp)
    if cleaned == plain:
        return body
    if kind == b"iTXt":   # written uncompressed: keyword, 0, not compressed, method 0, the rest
        return keyword + b"\x00\x00\x00" + head[2:] + cleaned
    return keyword + b"\x00" + head + (zlib.compress(cleaned, 9) if compressed else cleaned)


def _inflate(text: bytes) -> bytes:
    inflater = zlib.decompressobj()
    plain = inflater.decompress(text, MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("one of its text chunks unpacks to more than "
                         f"{MAX_TEXT_CHUNK // 1024 // 1024} MB")
    return plain


RAW_PROFILE = re.compile(rb"\n[^\n]*\n\s*\d+\n")


def _raw_profile(keyword: bytes, text: bytes, exif, xmp) -> bytes:
    """ImageMagick's raw profile: newline, type, newline, length, newline, the block in hex
    (72 digits a line). The block is cleaned and written back digit for digit."""
    head = RAW_PROFILE.match(text)
    if head is None:
        return text
    block = _from_hex(re.sub(rb"\s", b"", text[head.end():]))
    if keyword == b"Raw profile type xmp":
        cleaned = xmp(block)
    elif block.startswith(JPEG_XMP):   # an APP1 profile holds EXIF or XMP, with its JPEG header
        cleaned = JPEG_XMP + xmp(block[len(JPEG_XMP):])
    else:
        cleaned = _after_exif_headers(block, exif)
    if cleaned == block:
        return text
    new = iter(cleaned.hex())
    body = re.sub(rb"\S", lambda _digit: next(new, "0").encode(), text[head.end():])
    return text[:head.end()] + body


def _from_hex(digits: bytes) -> bytes:
    """Hex to bytes the way exiftool reads a raw profile (Perl's pack "H*"): a letter counts
    (its code + 9) mod 16, any other character its code mod 16, so a damaged digit cannot hide
    a block from smr that exiftool still reads."""
    nibbles = [(c + 9) & 15 if chr(c).isalpha() else c & 15 for c in digits]
    if len(nibbles) % 2:
        nibbles.append(0)
    return bytes(high << 4 | low for high, low in zip(nibbles[::2], nibbles[1::2]))


def _webp(data: bytes, exif, xmp) -> bytes:
    out = bytearray(data)
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        start, end = pos + 8, pos + 8 + length
        if kind == b"EXIF":
            out[start:end] = _after_exif_headers(bytes(data[start:end]), exif)
        elif kind == b"XMP ":
            out[start:end] = xmp(bytes(data[start:end]))
        pos = end + (length & 1)
    return bytes(out)


def _after_exif_headers(block: bytes, transform) -> bytes:
    """PNG and WebP EXIF may or may not start with "Exif\\0\\0" (writers differ)."""
    skip = 0
    while block[skip:skip + len(EXIF_HEADER)] == EXIF_HEADER:
        skip += len(EXIF_HEADER)
    return block[:skip] + transform(block[skip:])


def _tiff(tiff: bytes, xmp=None, gps: bool = True) -> bytes:
    """A TIFF structure (an EXIF block, or a whole TIFF file) without its GPS IFD and with
    GPS taken out of its XMP (tag 700) by `xmp`, the same length. With gps=False only its
    XMP is handed to `xmp` (the finder's walk)."""
    xmp = xmp or _xmp_in_place
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
            out[value:value + n] = xmp(bytes(tiff[value:value + n]))
    pointer = [e for e in entries if e[0] == GPS_IFD_TAG]
    if not pointer or not gps:
        return bytes(out)
    _blank_ifd(out, order, pointer[0][3])
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
