"""What an uploaded evidence file really is, read from its first bytes: a declared type is only a claim."""
from __future__ import annotations

PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC"}
VIDEO_TYPES = {"video/mp4": "MP4", "video/quicktime": "QuickTime", "video/webm": "WebM"}
DOCUMENT_TYPES = {"application/pdf": "PDF"}   # taken only where a merchant's evidence kind lists it
TYPE_NAMES = PHOTO_TYPES | VIDEO_TYPES | DOCUMENT_TYPES
ACCEPTED = {"photo": PHOTO_TYPES, "video": VIDEO_TYPES}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic",
              "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm", "application/pdf": ".pdf",
              "text/plain": ".txt"}
SNIFF_BYTES = 64  # every signature below is found within the first 64 bytes

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_GENERIC_BRANDS = {b"mif1", b"msf1"}  # also used by AVIF: HEIC only with an HEIC brand beside them
_MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
               b"M4V ", b"MSNV", b"mmp4", b"3gp4", b"3gp5", b"3gp6"}
_OTHER_SIGNATURES = ((b"%PDF-", "a PDF document"), (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive"),
                     (b"\x7fELF", "a program"), (b"MZ", "a program"), (b"BM", "a BMP image"))


def _ftyp_brands(head: bytes) -> tuple[bytes, set[bytes]]:
    """The major brand and the compatible brands of an ISO media file's leading ftyp box."""
    if head[4:8] != b"ftyp":
        return b"", set()
    box_end = min(int.from_bytes(head[:4], "big"), len(head))
    return head[8:12], {head[i:i + 4] for i in range(16, box_end - 3, 4)}


def _iso_media_type(head: bytes) -> str | None:
    major, compatible = _ftyp_brands(head)
    if major in _HEIC_BRANDS or (major in _HEIF_GENERIC_BRANDS and compatible & _HEIC_BRANDS):
        return "image/heic"
    if major == b"qt  ":
        return "video/quicktime"
    if major in _MP4_BRANDS:
        return "video/mp4"
    return None


def _ebml_doctype(head: bytes) -> bytes:
    """The DocType of an EBML (Matroska family) header: b'webm' for WebM."""
    at = head.find(b"\x42\x82", 4, SNIFF_BYTES)
    if at < 0 or at + 2 >= len(head) or not head[at + 2] & 0x80:
        return b""
    length = head[at + 2] & 0x7F
    return head[at + 3:at + 3 + length]


def sniff(head: bytes) -> str | None:
    """The media type these first bytes begin, among the ones evidence accepts; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if _ebml_doctype(head) == b"webm" else None
    return _iso_media_type(head)


def sniff_any(head: bytes) -> str | None:
    """Like sniff, and a PDF document too (which only a merchant's own evidence kind may take)."""
    return sniff(head) or ("application/pdf" if head.startswith(b"%PDF-") else None)


def describe(head: bytes) -> str:
    """A few plain words for what a rejected file looks like, for the error message."""
    for signature, words in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return words
    if head.lstrip()[:1] in (b"<", b"{", b"["):
        return "text (HTML, XML or JSON)"
    if (found := sniff(head)) is not None:
        return f"a {(PHOTO_TYPES | VIDEO_TYPES)[found]} {'photo' if found in PHOTO_TYPES else 'video'}"
    return "not a file type evidence accepts" if head else "empty"
