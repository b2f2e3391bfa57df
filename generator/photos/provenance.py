"""What a photo is: `source:` as IPTC Digital Source Type, read from an original and written
into a published copy's XMP.

Google shows "AI-generated" from this field and the EU AI Act asks AI-made images to be
marked, so a published photo never says less than its original: an original whose own XMP or
C2PA manifest says it was made (or edited) with generative AI keeps that against the YAML.
"""

from __future__ import annotations

import re
import struct
import zlib

NEWSCODES = "http://cv.iptc.org/newscodes/digitalsourcetype/"

SOURCES = {
    "camera": "digitalCapture",
    "edited": "humanEdits",
    "composite": "composite",
    "ai-generated": "trainedAlgorithmicMedia",
    "ai-edited": "compositeWithTrainedAlgorithmicMedia",
    "screenshot": "screenCapture",
}
"""`source:` in the YAML -> the IPTC NewsCodes term (http://cv.iptc.org/newscodes/digitalsourcetype/)."""

AI_GENERATED = {"trainedAlgorithmicMedia", "algorithmicMedia"}
AI_EDITED = {"compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}

IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"


def uri(source: str | None) -> str | None:
    """The NewsCodes URI of a `source:` value ('ai-generated' -> …/trainedAlgorithmicMedia)."""
    return NEWSCODES + SOURCES[source] if source else None


def term(value: str | None) -> str | None:
    """The term of a Digital Source Type however it is written (the URI, old https or
    c2pa.ai forms, or the bare term)."""
    if not value:
        return None
    return value.strip().rstrip("/").rsplit("/", 1)[-1] or None


def ai_kind(value: str | None) -> str | None:
    """'generated', 'edited' or None: what the page says of a photo with this source."""
    found = term(value)
    return "generated" if found in AI_GENERATED else "edited" if found in AI_EDITED else None


def _rank(value: str | None) -> int:
    return {"generated": 2, "edited": 1}.get(ai_kind(value), 0)


def resolve(yaml_uri: str | None, original_uri: str | None) -> tuple[str | None, bool]:
    """The source a published photo carries and whether the original's own overrides the
    YAML's: the YAML's, unless the original says more AI than it does (AI-generated beats
    AI-edited beats anything else); else what the original says."""
    if _rank(original_uri) > _rank(yaml_uri):
        return NEWSCODES + term(original_uri), yaml_uri is not None
    return (yaml_uri or (NEWSCODES + term(original_uri) if original_uri else None)), False


def in_xmp(packet) -> str | None:
    """The Iptc4xmpExt:DigitalSourceType of an XMP packet (as an element or an attribute)."""
    if not packet:
        return None
    if isinstance(packet, bytes):
        packet = packet.decode("utf-8", "replace")
    found = re.search(r"DigitalSourceType\s*=\s*[\"']([^\"']+)[\"']|DigitalSourceType>\s*([^<\s]+)\s*<", packet)
    return (found.group(1) or found.group(2)) if found else None


def in_manifest(path) -> str | None:
    """The digital source type the active C2PA manifest of a file states on its actions (a
    camera's or an AI tool's own credentials), else None; an unreadable manifest is none."""
    import json

    try:
        import c2pa

        with open(path, "rb") as stream:
            reader = c2pa.Reader(_mime(str(path)), stream)
            store = json.loads(reader.json())
    except Exception:   # no manifest, a damaged one, or a format c2pa does not read
        return None
    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    for assertion in manifest.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                if action.get("digitalSourceType"):
                    return action["digitalSourceType"]
    return None


def of_original(path) -> str | None:
    """What an original says it is: its XMP's Digital Source Type, else its C2PA manifest's."""
    from generator.photos.inspect import open_image

    try:
        with open_image(path) as img:
            found = in_xmp(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp"))
    except Exception:
        found = None
    return found or in_manifest(path)


def _mime(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
            "tif": "image/tiff", "tiff": "image/tiff", "gif": "image/gif"}.get(suffix, "image/jpeg")


# ---------------------------------------------------------------- into a published original

def _packet(value: str) -> str:
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + _description(value)
            + '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def _description(value: str) -> str:
    return (f'<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="{IPTC_EXT}" '
            f'Iptc4xmpExt:DigitalSourceType="{value}"/>')


def _into_packet(packet: str, value: str) -> str | None:
    """`packet` saying `value` as its Digital Source Type: an existing one replaced, else a
    description of its own added to its rdf:RDF; None when the packet has no rdf:RDF."""
    replaced, n = re.subn(r"(DigitalSourceType\s*=\s*[\"'])[^\"']*([\"'])", lambda m: m.group(1) + value + m.group(2),
                          packet)
    if not n:
        replaced, n = re.subn(r"(DigitalSourceType>\s*)[^<]*(<)", lambda m: m.group(1) + value + m.group(2), packet)
    if n:
        return replaced
    opening = re.search(r"<rdf:RDF\b[^>]*>", packet)
    if not opening:
        return None
    return packet[:opening.end()] + _description(value) + packet[opening.end():]


JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"


def with_source(data: bytes, value: str) -> bytes | None:
    """The bytes of a JPEG or PNG original whose XMP says `value` (a NewsCodes URI), the picture
    and every other byte as they were; None for another format or a file it cannot change."""
    if data[:2] == b"\xff\xd8":
        return _jpeg(data, value)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _png(data, value)
    return None


def _jpeg(data: bytes, value: str) -> bytes | None:
    pos, insert_at = 2, 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):   # end, or start of scan: the picture data follows
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and body.startswith(JPEG_XMP):
            packet = _into_packet(body[len(JPEG_XMP):].decode("utf-8", "replace"), value)
            if packet is None:
                return None
            return _jpeg_segment(data[:pos], packet, data[pos + 2 + length:])
        if marker in (0xE0, 0xE1):   # JFIF and EXIF come first: XMP goes after them
            insert_at = pos + 2 + length
        pos += 2 + length
    return _jpeg_segment(data[:insert_at], _packet(value), data[insert_at:])


def _jpeg_segment(before: bytes, packet: str, after: bytes) -> bytes | None:
    body = JPEG_XMP + packet.encode("utf-8")
    if len(body) + 2 > 0xFFFF:
        return None
    return before + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + after


def _png(data: bytes, value: str) -> bytes | None:
    pos, chunks = 8, []
    found = False
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00") and not found:
            _keyword, _, rest = body.partition(b"\x00")
            compressed = rest[:1] == b"\x01"
            _lang, _, rest = rest[2:].partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            try:
                text = zlib.decompress(text) if compressed else text
            except zlib.error:
                return None
            packet = _into_packet(text.decode("utf-8", "replace"), value)
            if packet is None:
                return None
            chunks.append(_png_chunk(b"iTXt", _itxt(packet)))
            found = True
        elif kind == b"IDAT" and not found:
            chunks.append(_png_chunk(b"iTXt", _itxt(_packet(value))))
            found = True
            chunks.append(data[pos:pos + 12 + length])
        else:
            chunks.append(data[pos:pos + 12 + length])
        pos += 12 + length
    return data[:8] + b"".join(chunks) + data[pos:] if found else None


def _itxt(packet: str) -> bytes:
    return b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + packet.encode("utf-8")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
