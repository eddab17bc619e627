"""What makes a staff password acceptable: long enough, and not easy to guess.

Length alone let `aaaaaaaaaaaa` through. zxcvbn estimates how many guesses a password
would take, knowing common passwords, names, dictionary words, keyboard patterns, dates
and repeats (the person's own name and the council's among them); anything it scores
below 4 (about 10^10 guesses: "Morgan Jones 2026" is 10^8) is refused with its own
reason, in words a person can act on.
"""

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 4  # zxcvbn's 0-4 scale
# zxcvbn's cost grows with length; nothing longer is needed to judge a password.
_JUDGED_LENGTH = 100


def password_problem(password: str, *, known_words: Iterable[str] = ()) -> str | None:
    """Why this password is refused, or None when it is fine. `known_words` are things an
    attacker would try first: the person's name and email, the council's name."""
    if len(password) < MIN_LENGTH:
        return f"A password must be at least {MIN_LENGTH} characters"
    words = [part for word in known_words for part in _parts(word)]
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"]
    reason = f"{warning.rstrip('.')}. " if warning else ""
    return (
        f"This password is too easy to guess. {reason}"
        "Use three or four words that are not connected, or let a password manager make one"
    )


def _parts(word: str) -> list[str]:
    """'Morgan Manager' and 'morgan.manager@northmoor.example' as the words inside them."""
    cleaned = "".join(c if c.isalnum() else " " for c in word.lower())
    return [part for part in cleaned.split() if len(part) > 2]
