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
from enum import StrEnum
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


# --- The interface the rest of the portal uses (issue 13) ------------------------------
# `assess` reads what a person wrote and returns one Signal per sentence that worried us,
# with the sentence itself (staff are shown what was written, never a bare keyword).
# URGENT: a precise sign (alert, top of the queue); CONCERN: a weaker one (a tag at the
# top of triage). The matcher behind it is replaced without changing this shape.


class Strength(StrEnum):
    URGENT = "urgent"
    CONCERN = "concern"


@dataclass(frozen=True)
class Signal:
    strength: Strength
    sentence: str  # as the person wrote it, trimmed
    why: str  # in plain words for staff, e.g. "someone hurting a child"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def assess(texts: Iterable[str], phrases: Iterable[str] = ()) -> tuple[Signal, ...]:
    """Every sentence in `texts` that suggests a child may be in danger, strongest first.
    `phrases` are a council's own extra words (DANGER_PHRASES_FILE): a match is URGENT."""
    wanted = tuple(load_phrases(DEFAULT_PHRASES)) + tuple(phrases)
    found: list[Signal] = []
    for text in texts:
        for sentence in sentences(text):
            check = check_text([sentence], wanted)
            if check.found:
                found.append(Signal(Strength.URGENT, sentence, "words about danger"))
    return tuple(sorted(found, key=lambda s: s.strength is not Strength.URGENT))


def strongest(signals: Iterable[Signal]) -> Strength | None:
    levels = {signal.strength for signal in signals}
    if Strength.URGENT in levels:
        return Strength.URGENT
    return Strength.CONCERN if levels else None
