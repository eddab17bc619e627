"""How well and how fast the danger matcher reads (portal/domain/safeguarding.py).

    .venv/bin/python bench/danger.py [--runs 200]

1. **How well.** For each labelled file in tests/unit/data (danger_*.tsv), the share of
   danger sentences raised at all (recall), and how many of them URGENT, and the share of
   ordinary sentences raised at all (false alarms). The held-out files were written after
   the matcher; docs/safeguarding.md gives what each measured the first time it was read.
2. **How fast.** The import (a fresh interpreter: reading the word lists, the English
   dictionary and compiling every rule), then `assess` on 2,000 characters of the
   corpus's sentences (ordinary and danger, English and Welsh: Welsh is the slow case,
   every Welsh word being unknown to the English dictionary), with the slip cache emptied before
   each run (every word is new to the matcher), and again warm. Median, p95 and fastest
   in milliseconds, with the machine's load average, which the timings depend on.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.domain import safeguarding  # noqa: E402
from portal.domain.safeguarding import Strength, assess  # noqa: E402

DATA = ROOT / "tests" / "unit" / "data"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def quality() -> list[dict[str, str]]:
    print("| file | sentences | danger raised (recall) | of which URGENT | ordinary raised |")
    print("| --- | --- | --- | --- | --- |")
    everything: list[dict[str, str]] = []
    for path in sorted(DATA.glob("danger_*.tsv")):
        found = rows(path)
        everything.extend(found)
        danger = [r for r in found if r["label"] == "danger"]
        ordinary = [r for r in found if r["label"] == "ordinary"]
        raised = [r for r in danger if assess([r["text"]])]
        urgent = [r for r in raised if assess([r["text"]])[0].strength is Strength.URGENT]
        alarms = [r for r in ordinary if assess([r["text"]])]
        print(
            f"| {path.name} | {len(found)} "
            f"| {len(raised)}/{len(danger)} ({100 * len(raised) / len(danger):.1f}%) "
            f"| {len(urgent)} ({100 * len(urgent) / len(danger):.1f}%) "
            f"| {len(alarms)}/{len(ordinary)} ({100 * len(alarms) / len(ordinary):.1f}%) |"
        )
    return everything


def timed(text: str, runs: int, *, cold: bool) -> list[float]:
    times = []
    for _ in range(runs):
        if cold:
            safeguarding._corrected.cache_clear()
        start = time.perf_counter()
        assess([text])
        times.append((time.perf_counter() - start) * 1000)
    return times


def import_time() -> float:
    code = (
        "import time, importlib; import portal; t = time.perf_counter(); "
        "importlib.import_module('portal.domain.safeguarding'); "
        "print((time.perf_counter() - t) * 1000)"
    )
    best = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )  # fmt: skip
        for _ in range(3)
    )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")  # fmt: skip
    everything = quality()

    def text(label: str, language: str) -> str:
        return " ".join(
            r["text"] for r in everything if r["label"] == label and r["language"] == language
        )[:2000]

    print(f"\nImport (fastest of 3, fresh interpreter): {import_time():.0f} ms\n")
    print("| assess on 2,000 characters | median ms | p95 ms | fastest ms |")
    print("| --- | --- | --- | --- |")
    texts = {
        "ordinary, English": text("ordinary", "en"),
        "ordinary, Welsh": text("ordinary", "cy"),
        "danger, English": text("danger", "en"),
        "danger, Welsh": text("danger", "cy"),
    }
    for name, sample in texts.items():
        for cold in (True, False):
            times = sorted(timed(sample, runs, cold=cold))
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"| {name}, {'cold' if cold else 'warm'} | {statistics.median(times):.2f} "
                f"| {p95:.2f} | {times[0]:.2f} |"
            )


if __name__ == "__main__":
    main()
