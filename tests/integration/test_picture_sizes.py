"""Pictures are judged by the size they declare, before a pixel is decoded: a file of a few
kilobytes can declare ninety million pixels. What is kept is one picture, the right way
up, with nothing else in it."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import Image
from test_attachments import (
    accepted,
    files_listed,
    on_the_files_page,
    refused,
    stored_files,
)

# Pillow's own warning is switched off where the portal opens pictures, not in tests.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

GPS = 0x8825
ORIENTATION = 0x0112


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_one_bit_png(width: int, height: int) -> bytes:
    """A black-and-white PNG, every pixel black, written byte by byte (no image library,
    so the test never holds its pixels): 11 KB for 9,500 x 9,500."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = bytes(1 + (width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def progressive_jpeg_declaring(width: int, height: int) -> bytes:
    """A small progressive JPEG in full colour resolution (4:4:4) whose header declares
    `width` x `height`: its decoder would hold 10 bytes a pixel, not 4."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(
        out, "JPEG", progressive=True, subsampling=0, quality=90
    )
    content = out.getvalue()
    frame = content.index(b"\xff\xc2")
    return content[: frame + 5] + struct.pack(">HH", height, width) + content[frame + 9 :]


def photo(size: tuple[int, int], **exif_tags: object) -> bytes:
    exif = Image.Exif()
    for tag, value in exif_tags.items():
        exif[{"orientation": ORIENTATION, "gps": GPS}[tag]] = value
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_an_11_kb_png_declaring_90_million_pixels_is_refused_and_the_other_answers_are_kept(
    client: FlaskClient, uploads: Path
) -> None:
    bomb = blank_one_bit_png(9500, 9500)
    assert len(bomb) < 12 * 1024
    journey, answers = on_the_files_page(client)

    message = refused(journey, "letter.png", bomb)

    assert message == "The selected picture must be 25 megapixels or smaller"
    assert stored_files(uploads) == []
    what_happened = answers["what-happened"]["what_happened"]
    assert journey.get("what-happened").value_of("what_happened") == what_happened
    assert files_listed(journey.get("files")) == []


def test_a_picture_one_pixel_over_25_megapixels_is_refused(
    client: FlaskClient, uploads: Path
) -> None:
    journey, _ = on_the_files_page(client)

    message = refused(journey, "scan.png", blank_one_bit_png(5001, 5000))

    assert message == "The selected picture must be 25 megapixels or smaller"


def test_a_progressive_jpeg_may_declare_fewer_pixels_as_it_takes_more_memory_to_open(
    client: FlaskClient, uploads: Path
) -> None:
    """16 megapixels is fine in one scan; in several, its decoder keeps every coefficient."""
    journey, _ = on_the_files_page(client)

    message = refused(journey, "photo.jpg", progressive_jpeg_declaring(4000, 4000))

    assert message == "The selected picture must be 10 megapixels or smaller"
    assert stored_files(uploads) == []


def test_a_photo_taken_upright_keeps_which_way_up_it_goes_and_nothing_else(
    client: FlaskClient, uploads: Path
) -> None:
    original = photo((30, 20), orientation=6, gps={1: "N", 2: (51.0, 30.0, 12.0)})
    journey, _ = on_the_files_page(client)

    accepted(journey, "photo.jpg", original)

    (stored,) = stored_files(uploads)
    with Image.open(stored) as kept:
        assert kept.format == "JPEG"
        assert dict(kept.getexif()) == {ORIENTATION: 6}
        assert not kept.getexif().get_ifd(GPS)
        assert kept.size == (30, 20)


def test_only_the_first_frame_of_an_animated_png_is_kept(
    client: FlaskClient, uploads: Path
) -> None:
    frames = [Image.new("RGB", (12, 8), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=100)
    journey, _ = on_the_files_page(client)

    accepted(journey, "moving.png", out.getvalue())

    (stored,) = stored_files(uploads)
    with Image.open(stored) as kept:
        assert getattr(kept, "n_frames", 1) == 1
        assert kept.convert("RGB").getpixel((1, 1)) == (255, 0, 0)
