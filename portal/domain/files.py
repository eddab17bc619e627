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


CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.JPEG: "image/jpeg",
    FileType.PNG: "image/png",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.DOC: "application/msword",
}
EXTENSIONS = {
    FileType.PDF: ".pdf",
    FileType.JPEG: ".jpg",
    FileType.PNG: ".png",
    FileType.DOCX: ".docx",
    FileType.DOC: ".doc",
}
IMAGES = frozenset({FileType.JPEG, FileType.PNG})


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
