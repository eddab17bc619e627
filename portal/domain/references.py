"""Case references: short, readable over the phone, and free of personal data.

Format `CSC-2026-0042`: the council's prefix, the year of receipt (London date), and a
number counted within that year. The number is allocated by the database (see
services/intake.py) so two people sending at the same instant never share one.
"""

import re

REFERENCE_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{2,6})-(?P<year>\d{4})-(?P<number>\d{4,})$")


def format_reference(prefix: str, year: int, number: int) -> str:
    if number < 1:
        raise ValueError("reference numbers start at 1")
    return f"{prefix}-{year}-{number:04d}"


def normalise_reference(typed: str) -> str:
    """What a person types ("csc 2026 42") as the stored form, when it can be read."""
    cleaned = re.sub(r"[\s_]+", "-", typed.strip().upper())
    match = re.match(r"^([A-Z]{2,6})-?(\d{4})-?(\d+)$", cleaned)
    if not match:
        return cleaned
    prefix, year, number = match.groups()
    return format_reference(prefix, int(year), int(number))
