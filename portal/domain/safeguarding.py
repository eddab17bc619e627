"""Signs that a child may be in danger now. Whatever the form was for, such a submission
is never left in a queue: the person is shown what to do at once, and staff are alerted.

Matching is deliberately generous: a false alarm costs a member of staff a minute; a miss
could cost a child. Case and punctuation are ignored, and a word of five letters or more
may have one slip of spelling ("suicde", "hurtting"), and a doubled letter may be typed
once ("kil").
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PHRASES = Path(__file__).parent / "data" / "danger_phrases.txt"


def load_phrases(*paths: Path | None) -> tuple[str, ...]:
    phrases: list[str] = []
    for path in paths:
        if path is None or not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                phrases.append(line)
    return tuple(dict.fromkeys(phrases))


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("-", " ").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def _close(typed: str, wanted: str) -> bool:
    """Equal, or one edit apart (insert, delete, change or swap) for longer words."""
    if typed == wanted:
        return True
    if re.sub(r"(.)\1", r"\1", wanted) == typed and len(typed) >= 3:
        return True  # a doubled letter typed once: "kil" for "kill"
    if len(wanted) < 5 or abs(len(typed) - len(wanted)) > 1:
        return False
    return _one_edit(typed, wanted)


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0] if diffs else 0
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class DangerCheck:
    found: bool
    matched: tuple[str, ...] = ()


def check_text(texts: Iterable[str], phrases: Iterable[str]) -> DangerCheck:
    words = [w for text in texts for w in _words(text)]
    matched = []
    for phrase in phrases:
        wanted = _words(phrase)
        if not wanted:
            continue
        n = len(wanted)
        for start in range(len(words) - n + 1):
            if all(_close(words[start + i], wanted[i]) for i in range(n)):
                matched.append(phrase)
                break
    return DangerCheck(bool(matched), tuple(matched))
