"""Small but real evidence files, built byte by byte: a PNG that decodes, and the headers of the other types."""
from __future__ import annotations

import struct
import zlib


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid RGB PNG of one colour."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xc0\x40\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows))
            + _png_chunk(b"IEND", b""))


def jpeg(padding: int = 0) -> bytes:
    """A JFIF header (SOI, APP0), optional comment bytes to reach a size, and the end marker."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"".join(b"\xff\xfe" + struct.pack(">H", min(65533, padding - n) + 2) + b"x" * min(65533, padding - n)
                       for n in range(0, padding, 65533))
    return b"\xff\xd8" + app0 + comment + b"\xff\xd9"


def _iso_media(major: bytes, compatible: list[bytes], payload: bytes = b"\x00" * 16) -> bytes:
    ftyp = b"ftyp" + major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(payload) + 8) + b"mdat" + payload


def mp4() -> bytes:
    """An MP4's ftyp box and a small mdat box."""
    return _iso_media(b"isom", [b"isom", b"iso2", b"avc1", b"mp41"])


def quicktime() -> bytes:
    """An iPhone-style QuickTime movie's ftyp box."""
    return _iso_media(b"qt  ", [b"qt  "])


def heic() -> bytes:
    """An HEIC photo's ftyp box."""
    return _iso_media(b"heic", [b"mif1", b"heic"])


def avif() -> bytes:
    """An AVIF image: HEIF's generic brand, but not HEIC."""
    return _iso_media(b"avif", [b"mif1", b"avif"])


def webp() -> bytes:
    """A RIFF/WEBP header with a VP8L chunk."""
    body = b"WEBP" + b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _ebml(doctype: bytes) -> bytes:
    elements = (b"\x42\x86\x81\x01" + b"\x42\xf7\x81\x01" + b"\x42\xf2\x81\x04" + b"\x42\xf3\x81\x08"
                + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype + b"\x42\x87\x81\x04" + b"\x42\x85\x81\x02")
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(elements)]) + elements + b"\x18\x53\x80\x67\x01"


def webm() -> bytes:
    """A WebM file's EBML header."""
    return _ebml(b"webm")


def matroska() -> bytes:
    """A Matroska (.mkv) header: the same container family, not WebM."""
    return _ebml(b"matroska")


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
