"""Case references: short, readable over the phone, and free of personal data.

Format `CSC-2026-0042`: the council's prefix, the year of receipt (London date), and a
number counted within that year. The number is allocated by the database (see
services/intake.py) so two people sending at the same instant never share one.
"""

import re

from portal.domain.characters import plain

REFERENCE_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{2,6})-(?P<year>\d{4})-(?P<number>\d{4,})$")


def format_reference(prefix: str, year: int, number: int) -> str:
    if number < 1:
        raise ValueError("reference numbers start at 1")
    return f"{prefix}-{year}-{number:04d}"


def _cleaned(typed: str) -> str:
    """What was typed in plain characters (any dash a "-": domain/characters.py) and
    capitals, each run of spaces, underscores and dashes one "-"."""
    return re.sub(r"[\s_-]+", "-", plain(typed).strip().upper())


# A whole reference inside other text: not part of a longer word or number on either
# side ("REF:-CSC-2026-0001." has one; "XCSC-2026-0001" and "CSC-2026-0001.5" none),
# and its year a year, so that a phone number in the same sentence ("CALL-0300-123-4567")
# is not taken for one.
_WITHIN = re.compile(r"(?<![A-Z0-9])([A-Z]{2,6})-?((?:19|20)\d\d)-?(\d+)(?![A-Z0-9]|[.,/]\d)")


# The letters read for the figures they look like, in a reference's year and number
# (which hold only figures): "CSC-2026-OO42" as copied by eye is CSC-2026-0042. Only in
# a reference with its three parts apart, where the prefix's letters cannot run on.
_LETTERS_FOR_FIGURES = re.compile(r"^([A-Z]{2,6})-([0-9OIL]{4})-([0-9OIL]+)$")
_AS_FIGURES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _parts(typed: str) -> tuple[str, str, str] | None:
    """Prefix, year and number of a whole reference typed in any case, with spaces,
    underscores, any kind of dash or none, alone or with other characters around it as
    it is copied from our email or letter ("Ref: CSC-2026-0001", "CSC-2026-0001." at the
    end of a sentence, in quotation marks or angle brackets), with the letter O for a
    nought or I or l for a one in its figures; None when what was typed holds no whole
    reference, or more than one."""
    cleaned = _cleaned(typed)
    match = re.match(r"^([A-Z]{2,6})-?(\d{4})-?(\d+)$", cleaned)
    if match:
        return (match[1], match[2], match[3])
    match = _LETTERS_FOR_FIGURES.match(cleaned)
    if match:
        year, number = (part.translate(_AS_FIGURES) for part in (match[2], match[3]))
        if re.fullmatch(r"(?:19|20)\d\d", year):
            return (match[1], year, number)
    found = {(m[1], m[2], int(m[3])): (m[1], m[2], m[3]) for m in _WITHIN.finditer(cleaned)}
    return next(iter(found.values())) if len(found) == 1 else None


def whole_references(typed: str) -> tuple[str, ...]:
    """The stored forms of a whole reference, however it was typed ("csc 2026 42" is
    CSC-2026-0042; digits typed beyond four are kept as typed too, as an older system's
    references may have them); none when what was typed is only a part of one."""
    parts = _parts(typed)
    if parts is None or int(parts[2]) < 1:
        return ()
    prefix, year, number = parts
    return tuple(dict.fromkeys([format_reference(prefix, int(year), int(number)), "-".join(parts)]))


def normalise_reference(typed: str) -> str:
    """What a person types ("csc 2026 42") as the stored form, when it can be read."""
    parts = _parts(typed)
    if parts is None:
        return _cleaned(typed)
    prefix, year, number = parts
    return format_reference(prefix, int(year), int(number))


# An email domain as a manager types it for an advocates' organisation: "speakup.org.uk".
EMAIL_DOMAIN = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"
