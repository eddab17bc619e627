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


def _parts(typed: str) -> tuple[str, str, str] | None:
    """Prefix, year and number of a whole reference typed in any case, with spaces,
    underscores, any kind of dash or none; None when what was typed is not one."""
    match = re.match(r"^([A-Z]{2,6})-?(\d{4})-?(\d+)$", _cleaned(typed))
    return (match[1], match[2], match[3]) if match else None


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
