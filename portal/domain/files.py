"""What a file really is, from its first bytes rather than its name (a "photo.jpg" can be
anything). Only the types the council accepts are recognised."""

import io
import zipfile
from enum import StrEnum


class FileType(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOCX = "docx"
    DOC = "doc"


EXTENSIONS = {
    FileType.PDF: ".pdf",
    FileType.JPEG: ".jpg",
    FileType.PNG: ".png",
    FileType.DOCX: ".docx",
    FileType.DOC: ".doc",
}
IMAGES = frozenset({FileType.JPEG, FileType.PNG})

IMAGE_MAX_PIXELS = 25_000_000
"""The most pixels a picture may declare. A phone photo (12 to 24 megapixels) or an A4 page
scanned at 300 dpi (9 megapixels) fits; a bigger one would cost the server more memory than
any one upload may (docs/performance.md). A file's size says nothing of its pixels: 11 KB
of PNG can declare 90 million."""

# A decoded pixel takes at most 4 bytes (the image library keeps RGB, RGBA and CMYK in 4).
DECODED_BYTES_PER_PIXEL = 4
IMAGE_MAX_DECODING_BYTES = IMAGE_MAX_PIXELS * DECODED_BYTES_PER_PIXEL

SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
PROGRESSIVE_SOF_MARKERS = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
START_OF_SCAN = 0xDA


def image_pixel_limit(buffered_samples: float = 0.0) -> int:
    """The most pixels a picture may declare: IMAGE_MAX_PIXELS, or fewer for a JPEG whose
    decoder must hold all its coefficients (2 bytes a sample) until the last scan, so that
    it costs no more memory than the largest picture that is decoded strip by strip."""
    per_pixel = DECODED_BYTES_PER_PIXEL + 2 * buffered_samples
    return min(IMAGE_MAX_PIXELS, int(IMAGE_MAX_DECODING_BYTES / per_pixel))


def jpeg_buffered_samples(content: bytes) -> float:
    """Samples per pixel (every component at its own resolution: 1.5 for colour stored
    at 4:2:0, 3 for 4:4:4, 4 for CMYK) that a decoder keeps for the whole picture before
    it can give the first row: all of them for a progressive JPEG or one whose components
    come in separate scans, none for a JPEG in one scan. Read from the headers, before
    the first scan; 0 when they cannot be read (the decoder will then refuse the file)."""
    position, progressive, sampling = 2, False, list[tuple[int, int]]()
    while position + 4 <= len(content) and content[position] == 0xFF:
        marker = content[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
            continue
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        segment = content[position + 4 : position + 2 + length]
        if marker in SOF_MARKERS and len(segment) >= 6:
            progressive = marker in PROGRESSIVE_SOF_MARKERS
            sampling = [
                (factors >> 4, factors & 0x0F) for factors in segment[7 : 6 + 3 * segment[5] : 3]
            ]
        elif marker == START_OF_SCAN and sampling and segment:
            if not progressive and segment[0] == len(sampling):
                return 0.0
            largest = max(h for h, _ in sampling) * max(v for _, v in sampling)
            return sum(h * v for h, v in sampling) / max(largest, 1)
        position += 2 + length
    return 0.0


def sniff(content: bytes) -> FileType | None:
    if content.startswith(b"%PDF-"):
        return FileType.PDF
    if content.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return FileType.DOC
    if content.startswith(b"PK\x03\x04") and _is_word_document(content):
        return FileType.DOCX
    return None


def _is_word_document(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def safe_filename(name: str, file_type: FileType) -> str:
    """A name to show and to download as: letters, numbers and a few marks, the right
    extension, never a path."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    cleaned = "".join(ch if ch.isalnum() or ch in " -_()" else "_" for ch in stem).strip()
    return f"{(cleaned or 'file')[:80]}{EXTENSIONS[file_type]}"
