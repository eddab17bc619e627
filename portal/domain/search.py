"""What a member of staff types into the case search, made comparable with what is kept:
letters in any case, spaces and punctuation in phone numbers and postcodes, a UK number
written with +44, 0044 or 0 (docs/casework.md, "Finding a case")."""

import re

from portal.domain.characters import plain
from portal.domain.postcodes import UK_POSTCODE

# What may separate the digits of a phone number as people write it. The database strips
# the same characters from what is kept (models/submission.py `phone_key`).
PHONE_SEPARATORS = " -().+/"
SHORTEST_NAME = 2
SHORTEST_WORD = 3


def squeeze(typed: str) -> str:
    """Spaces at the ends gone, runs of spaces inside made one."""
    return " ".join(typed.split())


def phone_keys(typed: str) -> list[str]:
    """The ways a UK number may be kept, separators removed: 07700 900123 is also kept as
    +44 7700 900123, 0044 7700 900123 and +44 (0)7700 900123. Empty when what was typed
    has too few digits to be a number (fewer than 7). Read in plain characters (any dash
    a "-", a no-break space a space: domain/characters.py)."""
    typed = plain(typed)
    digits = "".join(c for c in typed if c.isdigit())
    if len(digits) < 7 or len(digits) != len(
        typed.translate(str.maketrans("", "", PHONE_SEPARATORS))
    ):
        return []
    if digits.startswith("0044"):
        national = digits[4:]
    elif digits.startswith("44") and len(digits) > 10:
        national = digits[2:]
    else:
        national = digits
    national = national.removeprefix("0")
    return ["0" + national, "44" + national, "0044" + national, "440" + national]


# An email address inside what was typed: what stands around it when it is copied from
# an email ("Pat <pat@example.com>", "mailto:pat@example.com", quotation marks, the full
# stop ending a sentence) is not part of it. An apostrophe inside is ("o'neill@...").
_EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]+(?:'[^\s<>()\[\]\"',;:]+)*@[^\s<>()\[\]\"',;:]+")


def email_in(typed: str) -> str | None:
    """The one email address in what was typed, in lower case (read in plain characters:
    domain/characters.py); None when there is none, or more than one."""
    found = {
        address.group().rstrip(".").lower() for address in _EMAIL_ADDRESS.finditer(plain(typed))
    }
    return found.pop() if len(found) == 1 else None


def postcode_key(typed: str) -> str:
    """A postcode in capitals without spaces ("nm2 3ab" is "NM23AB"), as the database
    keys what is kept (models/submission.py `postcode_key`); "" if it is not one. Read
    in plain characters (domain/characters.py)."""
    squeezed = "".join(plain(typed).split()).upper()
    return squeezed if UK_POSTCODE.match(squeezed) else ""


def words(typed: str) -> list[str]:
    """The words to find in what was written, each at least SHORTEST_WORD letters long
    (shorter ones are left out: "a", "of" would find nearly everything); lower case,
    without repeats, in plain characters (a phone's "don’t" is "don't")."""
    found = re.findall(r"[\w'-]+", plain(typed).lower())
    return list(dict.fromkeys(w for w in found if len(w) >= SHORTEST_WORD))
