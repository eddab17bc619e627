"""Characters people type that mean the same as plain ones. Phones and word processors
turn "-" into "–" or "—" and "'" into "’" as it is typed, and some people type the minus
sign; some keyboards type full-width letters and digits, and text copied from a web page
or a contact card carries no-break spaces. A reference, a phone number, the answer to a
save-and-return question and its emailed code are read in the plain ones, so that they
are found, and match, however and on whatever device they were typed."""

import unicodedata

MINUS_SIGN = "\u2212"
# Curly and other apostrophes and quotation marks, as the straight ones.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’ (a phone's apostrophe)
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u02bc": "'",  # ʼ
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
    }
)


def plain(typed: str) -> str:
    """`typed` in Unicode's compatibility form (NFKC: full-width letters and digits and
    the no-break space become the plain ones), with every dash a "-" and every apostrophe
    or quotation mark a straight one."""
    text = unicodedata.normalize("NFKC", typed).translate(_QUOTES)
    return "".join("-" if c == MINUS_SIGN or unicodedata.category(c) == "Pd" else c for c in text)


def compared(typed: str) -> str:
    """`typed` as two answers or phrases are compared: in plain characters, lower case,
    each run of spaces or line breaks one space. Typed on a phone and on a computer, or
    wrapped onto a new line, the same words are the same."""
    return " ".join(plain(typed).lower().split())


# Letters that Unicode does not take apart into a letter and its accent, folded as
# PostgreSQL's `unaccent` folds them (its unaccent.rules), so that a name is compared the
# same way on either database.
_LETTERS = str.maketrans(
    {"ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def folded(text: str) -> str:
    """`text` in lower case without its accents ("Zoë Ó Súilleabháin" is "zoe o
    suilleabhain"), as the case search compares names: SQLite's `portal_fold`
    (database.py); PostgreSQL's is `unaccent` (migration 4b8d2f6a9c13)."""
    if text.isascii():
        return text.lower()
    parts = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    return "".join(c for c in parts if not unicodedata.combining(c))
