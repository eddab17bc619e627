"""How many pixels a picture may declare: 25 million, or fewer for a JPEG whose decoder
must keep all of it in memory before giving the first row."""

import io
import struct

import pytest
from PIL import Image

from portal.domain.files import IMAGE_MAX_PIXELS, image_pixel_limit, jpeg_buffered_samples


def jpeg(mode: str = "RGB", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (32, 16)).save(out, "JPEG", **options)
    return out.getvalue()


def one_component_per_scan(content: bytes) -> bytes:
    """The same baseline JPEG with its first scan naming one component of three: the
    layout where each colour comes in a scan of its own."""
    scan = content.index(b"\xff\xda")
    (length,) = struct.unpack(">H", content[scan + 2 : scan + 4])
    header = content[scan + 4 : scan + 2 + length]  # Ns, Ns x (Cs, Td/Ta), Ss, Se, Ah/Al
    first_only = b"\x01" + header[1:3] + header[-3:]
    rest = content[scan + 2 + length :]
    return content[: scan + 2] + struct.pack(">H", 2 + len(first_only)) + first_only + rest


@pytest.mark.parametrize(
    ("content", "samples"),
    [
        (jpeg(), 0.0),
        (jpeg("CMYK"), 0.0),
        (jpeg(progressive=True), 1.5),
        (jpeg(progressive=True, subsampling=1), 2.0),
        (jpeg(progressive=True, subsampling=0), 3.0),
        (jpeg("L", progressive=True), 1.0),
        (jpeg("CMYK", progressive=True), 4.0),
    ],
    ids=["baseline", "baseline CMYK", "4:2:0", "4:2:2", "4:4:4", "grey", "CMYK"],
)
def test_a_progressive_jpeg_keeps_every_sample_of_every_component(
    content: bytes, samples: float
) -> None:
    assert jpeg_buffered_samples(content) == samples


def test_a_baseline_jpeg_with_a_scan_for_each_component_keeps_them_all_too() -> None:
    assert jpeg_buffered_samples(one_component_per_scan(jpeg())) == 1.5


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xd8", b"\xff\xd8\xff\xc0\x00", b"\xff\xd8" + b"\xff" * 50, b"not"]
)
def test_headers_that_cannot_be_read_are_left_to_the_decoder_to_refuse(content: bytes) -> None:
    assert jpeg_buffered_samples(content) == 0.0


def test_a_picture_decoded_strip_by_strip_may_have_25_megapixels() -> None:
    assert image_pixel_limit() == IMAGE_MAX_PIXELS == 25_000_000


def test_the_more_a_decoder_keeps_the_fewer_pixels_a_picture_may_have() -> None:
    assert image_pixel_limit(1.5) == 14_285_714
    assert image_pixel_limit(3.0) == 10_000_000
    assert image_pixel_limit(4.0) == 8_333_333
