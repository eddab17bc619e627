"""UK postcodes, written one way whatever the route and however they were typed."""

import re

from portal.domain.characters import plain

# The outward code (area and district) and the inward code (sector and unit); or a
# British Forces Post Office number, the last line of a forces family's address abroad
# ("BFPO 105", the Royal Mail's format).
UK_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|BFPO ?[0-9]{1,4})$")


def is_uk_postcode(typed: str) -> bool:
    return bool(UK_POSTCODE.match(" ".join(plain(typed).upper().split())))


def normalise_postcode(typed: str) -> str:
    """A postcode in capitals with one space before the inward code ("nm23ab" and
    " nm2  3ab" are "NM2 3AB"; "bfpo105" is "BFPO 105"), read in plain characters
    (full-width letters and digits, which some keyboards type, as the plain ones:
    domain/characters.py). Anything that is not a postcode is left as it is."""
    squeezed = "".join(plain(typed).split()).upper()
    if not UK_POSTCODE.match(squeezed):
        return typed
    if squeezed.startswith("BFPO"):
        return f"BFPO {squeezed.removeprefix('BFPO')}"
    return f"{squeezed[:-3]} {squeezed[-3:]}"
