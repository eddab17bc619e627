"""What one uploaded picture costs the server in memory: the largest pictures of every kind
the portal accepts, and the ones it refuses for their size.

    .venv/bin/python bench/images.py

Builds a database of its own with the migrations (a temporary SQLite file, or a new
PostgreSQL database when DATABASE_URL names a server: it makes no difference here), makes each
picture (PNG in every colour type, animated PNG, JPEG baseline and progressive in each
chroma layout and CMYK, a turned photo, a multi-picture JPEG, a noisy JPEG just under the
size limit; then the pictures that must be refused, among them the 11 KB PNG that declares
9,500 x 9,500 pixels), and for each starts a **new Python process** that:

1. builds the app (`create_app`) and a test client, fills in a complaint as a parent up to
   the files page, and uploads a small PNG to warm up (every module loaded, one picture
   already through Pillow), as a server process that has handled a request would be;
2. notes its resident memory now (VmRSS), the **baseline**;
3. uploads the picture through the files page (a multipart POST through the test client,
   which holds the whole request body in memory too, so the figure errs on the high side),
   and notes the process's peak resident memory (VmHWM), and the time the POST took.

The cost of a picture is the peak minus the baseline (when the process had already
peaked higher while starting, the cost shown is more than the picture's). A process of
its own per picture, because the peak only ever grows. Prints a markdown table and exits
non-zero if a picture costs 200 MB or more, or if a picture was kept that should have been
refused, or the other way round.
"""

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ROOT, build_schema, create_database, load_average, machine, make_app
from PIL import Image, PngImagePlugin

GOAL_MB = 200
SIDE = 5000  # 5,000 x 5,000 = 25 megapixels, the most a picture may declare


@dataclass
class Case:
    kind: str
    width: int
    height: int
    make: Callable[[], bytes]
    kept: bool  # True: must be accepted; False: must be refused

    @property
    def name(self) -> str:
        return f"{self.kind}, {self.width:,} x {self.height:,}"

    @property
    def filename(self) -> str:
        return "picture.png" if "PNG" in self.kind else "picture.jpg"


def gradient(mode: str, width: int = SIDE, height: int = SIDE) -> Image.Image:
    """Smooth colours: a picture that compresses well, so the file stays under 10 MB."""
    down = Image.linear_gradient("L").resize((width, height))
    if mode in ("1", "L", "P"):
        return down.convert(mode)
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((width, height))
    up = down.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    back = across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.merge(mode, [down, across, up, back][: len(mode)])


def saved(image: Image.Image, kind: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def png(mode: str, width: int = SIDE, height: int = SIDE) -> bytes:
    return saved(gradient(mode, width, height), "PNG")


def blank_png() -> bytes:
    return saved(Image.new("1", (9500, 9500)), "PNG")


def png_16_bit_grey() -> bytes:
    grey = Image.linear_gradient("L").resize((SIDE, SIDE)).convert("I;16")
    return saved(grey, "PNG")


def animated_png() -> bytes:
    frames = [gradient("RGBA"), gradient("RGBA").rotate(90), gradient("RGBA").rotate(180)]
    return saved(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=500)


def png_with_text(megabytes: int) -> bytes:
    """A small picture carrying `megabytes` of compressed text, each chunk 1 MB unpacked."""
    info = PngImagePlugin.PngInfo()
    for number in range(megabytes):
        info.add_text(f"Comment{number}", "x" * (1024 * 1024 - 100), zip=True)
    return saved(gradient("RGBA"), "PNG", pnginfo=info)


def jpeg(mode: str, width: int = SIDE, height: int = SIDE, **options: Any) -> bytes:
    return saved(gradient(mode, width, height), "JPEG", quality=90, **options)


def turned_photo() -> bytes:
    """A phone's 24-megapixel photo taken upright: stored on its side, with the EXIF tag
    that says to turn it."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg("RGB", 5712, 4284, exif=exif.tobytes())


def multi_picture_jpeg() -> bytes:
    first, second = gradient("RGB"), gradient("RGB").rotate(90)
    return saved(first, "MPO", save_all=True, append_images=[second], quality=90)


def noisy_jpeg() -> bytes:
    """Noise compresses worst: the largest JPEG under 10 MB, whose copy at quality 90 is
    bigger than itself."""
    noise = Image.effect_noise((SIDE, SIDE), 80).convert("RGB")
    for quality in (40, 30, 20, 10):
        content = saved(noise, "JPEG", quality=quality)
        if len(content) < 10 * 1024 * 1024:
            return content
    return content


def declaring(content: bytes, width: int, height: int) -> bytes:
    """A JPEG whose frame header declares other dimensions than it has."""
    sof = content.index(b"\xff\xc0")
    size = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return content[: sof + 5] + size + content[sof + 9 :]


# The largest progressive JPEGs allowed (domain/files.py, image_pixel_limit):
# 25 MP x 4 / (4 + 2 x samples a pixel).
P420, P444, PCMYK = 3779, 3162, 2886
S = SIDE

CASES = [
    Case("PNG, 1 bit", S, S, lambda: png("1"), True),
    Case("PNG, grey", S, S, lambda: png("L"), True),
    Case("PNG, 16-bit grey", S, S, png_16_bit_grey, True),
    Case("PNG, palette", S, S, lambda: png("P"), True),
    Case("PNG, RGB", S, S, lambda: png("RGB"), True),
    Case("PNG, RGBA", S, S, lambda: png("RGBA"), True),
    Case("PNG, RGBA, with 3 MB of text", S, S, lambda: png_with_text(3), True),
    Case("Animated PNG, 3 frames", S, S, animated_png, True),
    Case("JPEG, grey", S, S, lambda: jpeg("L"), True),
    Case("JPEG, 4:2:0", S, S, lambda: jpeg("RGB"), True),
    Case("JPEG, 4:4:4", S, S, lambda: jpeg("RGB", subsampling=0), True),
    Case("JPEG, CMYK", S, S, lambda: jpeg("CMYK"), True),
    Case("JPEG, noise, under 10 MB", S, S, noisy_jpeg, True),
    Case("JPEG, a phone's, turned (EXIF)", 5712, 4284, turned_photo, True),
    Case("JPEG, 2 pictures (MPO)", S, S, multi_picture_jpeg, True),
    Case(
        "JPEG, progressive 4:2:0",
        P420,
        P420,
        lambda: jpeg("RGB", P420, P420, progressive=True),
        True,
    ),
    Case(
        "JPEG, progressive 4:4:4",
        P444,
        P444,
        lambda: jpeg("RGB", P444, P444, progressive=True, subsampling=0),
        True,
    ),
    Case(
        "JPEG, progressive CMYK",
        PCMYK,
        PCMYK,
        lambda: jpeg("CMYK", PCMYK, PCMYK, progressive=True),
        True,
    ),
    Case("PNG, 1 bit, blank (the 11 KB one)", 9500, 9500, blank_png, False),
    Case("PNG, 1 bit", S + 1, S, lambda: png("1", S + 1, S), False),
    Case(
        "JPEG, progressive 4:4:4",
        S,
        S,
        lambda: jpeg("RGB", progressive=True, subsampling=0),
        False,
    ),
    Case(
        "JPEG, 64 x 64 declaring more",
        65000,
        65000,
        lambda: declaring(jpeg("RGB", 64, 64), 65000, 65000),
        False,
    ),
    Case("PNG, RGBA, with 60 MB of text", S, S, lambda: png_with_text(60), False),
]


# --- one picture, in a process of its own ------------------------------------------------


def memory_mb(field: str) -> float:
    """From /proc/self/status: VmRSS, the resident memory now, or VmHWM, its peak so far.
    Not `ru_maxrss`: Linux carries the parent's peak into a child it starts."""
    status = Path("/proc/self/status").read_text()
    (kilobytes,) = (line.split()[1] for line in status.splitlines() if line.startswith(field))
    return int(kilobytes) / 1024


def measure(url: str, path: Path, filename: str, uploads: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from journey_helpers import Journey, answers_for, page_of  # type: ignore[import-not-found]

    app = make_app(url, UPLOAD_FOLDER=str(uploads), CLAMAV_ADDRESS="")
    client = app.test_client()
    app.app_context().push()
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != "files":
        step = journey.answer(step, answers[step])

    def upload(name: str, content: bytes) -> tuple[bool, str]:
        response = client.post(
            journey.url("files"),
            data={
                "csrf_token": journey.token,
                "upload": "yes",
                "file": (io.BytesIO(content), name),
            },
            content_type="multipart/form-data",
        )
        if response.status_code == 302:
            return True, ""
        return False, page_of(response).error_summary[0][1]

    warm = Image.linear_gradient("L").convert("RGB")
    assert upload("warm.png", saved(warm, "PNG"))[0], "the warm-up picture was refused"
    del warm
    content = path.read_bytes()
    baseline = memory_mb("VmRSS:")
    started = time.perf_counter()
    kept, message = upload(filename, content)
    seconds = time.perf_counter() - started
    peak = memory_mb("VmHWM:")
    return {
        "kept": kept,
        "message": message,
        "seconds": seconds,
        "baseline": baseline,
        "peak": peak,
    }


def measure_in_new_process(url: str, path: Path, filename: str, uploads: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", url, str(path), filename, str(uploads)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(finished.stderr)
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


# --- all of them ------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--measure":
        url, path, filename, uploads = sys.argv[2:]
        print(json.dumps(measure(url, Path(path), filename, Path(uploads))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()

    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-images-"))
    database = create_database(workdir)
    rows, wrong = [], []
    try:
        build_schema(make_app(database.url))
        for case in CASES:
            content = case.make()
            path = workdir / "picture"
            path.write_bytes(content)
            result = measure_in_new_process(database.url, path, case.filename, workdir / "uploads")
            cost = result["peak"] - result["baseline"]
            outcome = "kept" if result["kept"] else f"refused: {result['message']}"
            megapixels = case.width * case.height / 1e6
            rows.append(
                f"| {case.name} | {len(content) / 1024:,.0f} KB | {megapixels:,.1f} | {outcome} "
                f"| {result['seconds']:.2f} | {result['baseline']:.0f} | {result['peak']:.0f} "
                f"| {cost:.0f} |"
            )
            print(rows[-1], flush=True)
            if result["kept"] != case.kept:
                wrong.append(f"{case.name}: {'kept' if result['kept'] else 'refused'}")
            if cost >= GOAL_MB:
                wrong.append(f"{case.name}: cost {cost:.0f} MB")
    finally:
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"Machine: {machine()}; {database.description}")
    print(f"Load average (1 min) before and after: {load_before:.1f}, {load_average():.1f}")
    print()
    print("| Picture | File | Megapixels | Result | Seconds | Baseline MB | Peak MB | Cost MB |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    for line in wrong:
        print(f"MISSED: {line}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
