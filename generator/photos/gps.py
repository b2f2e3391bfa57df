"""Does a photo carry GPS coordinates? Answered from the file's header, without Pillow.

`smr check` warns about such originals (they are published as given), and it must start
fast, so it reads the EXIF block itself: JPEG APP1, TIFF, PNG eXIf and WebP EXIF.
"""

from __future__ import annotations

import struct
from pathlib import Path

GPS_IFD_TAG = 0x8825
GPS_POSITION_TAGS = {1, 2, 3, 4}  # latitude ref, latitude, longitude ref, longitude
HEADER_LIMIT = 1 << 20  # EXIF lives in the first megabyte of any sane photo


def has_gps(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_LIMIT)
    except OSError:
        return False
    tiff = _exif_block(head)
    return bool(tiff) and _tiff_has_gps(tiff)


def _exif_block(data: bytes) -> bytes | None:
    if data[:2] == b"\xff\xd8":
        return _jpeg_exif(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return data
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _chunk(data, 8, b"eXIf", big_endian=True)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        block = _chunk(data, 12, b"EXIF", big_endian=False)
        return block[6:] if block and block.startswith(b"Exif\x00\x00") else block
    return None


def _jpeg_exif(data: bytes) -> bytes | None:
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more metadata
            return None
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            return segment[6:]
        pos += 2 + length
    return None


def _chunk(data: bytes, pos: int, kind: bytes, big_endian: bool) -> bytes | None:
    """PNG chunks (length, type, data, crc) and RIFF chunks (type, length, data, pad)."""
    while pos + 8 <= len(data):
        if big_endian:
            length = struct.unpack(">I", data[pos:pos + 4])[0]
            name, body, step = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length], 12 + length
        else:
            name = data[pos:pos + 4]
            length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
            body, step = data[pos + 8:pos + 8 + length], 8 + length + (length & 1)
        if name == kind:
            return body
        pos += step
    return None


def _tiff_has_gps(tiff: bytes) -> bool:
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        ifd0 = struct.unpack(order + "I", tiff[4:8])[0]
        gps_offset = _find_tag(tiff, order, ifd0, GPS_IFD_TAG)
        if gps_offset is None:
            return False
        count = struct.unpack(order + "H", tiff[gps_offset:gps_offset + 2])[0]
        tags = {struct.unpack(order + "H", tiff[gps_offset + 2 + 12 * i:gps_offset + 4 + 12 * i])[0]
                for i in range(count)}
        return bool(tags & GPS_POSITION_TAGS)
    except (KeyError, struct.error):
        return False


def _find_tag(tiff: bytes, order: str, offset: int, wanted: int) -> int | None:
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for i in range(count):
        entry = tiff[offset + 2 + 12 * i: offset + 14 + 12 * i]
        tag, _type, _n, value = struct.unpack(order + "HHII", entry)
        if tag == wanted:
            return value
    return None
