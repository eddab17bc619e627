"""Characters people type that mean the same as plain ones. Phones and word processors
turn "-" into "–" or "—" as it is typed, and some people type the minus sign; some
keyboards type full-width letters and digits, and text copied from a web page or a
contact card carries no-break spaces. A reference or a phone number is read in the
plain ones, so that it is found however it was typed."""

import unicodedata

MINUS_SIGN = "\u2212"


def plain(typed: str) -> str:
    """`typed` in Unicode's compatibility form (NFKC: full-width letters and digits and
    the no-break space become the plain ones), with every dash a "-"."""
    text = unicodedata.normalize("NFKC", typed)
    return "".join("-" if c == MINUS_SIGN or unicodedata.category(c) == "Pd" else c for c in text)
