"""Characters people type that mean the same as plain ones (domain/characters.py): the
dashes and curly quotes phones and word processors put in, the minus sign, no-break
spaces and full-width letters and digits. References, phone numbers, save-and-return
answers and codes are read in the plain ones."""

import pytest

from portal.domain.characters import folded, plain
from portal.domain.search import email_in, phone_keys


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("CSC\u20132026\u20140042", "CSC-2026-0042"),  # en dash, em dash
        ("07700\u2212900", "07700-900"),  # the minus sign
        ("07700\u2011900", "07700-900"),  # the no-break hyphen
        ("07700\u00a0900", "07700 900"),  # a no-break space
        ("\uff23\uff33\uff23\uff0d\uff12\uff10", "CSC-20"),  # full width
        ("Pat O\u2019Neil, 3\u20134 High St", "Pat O'Neil, 3-4 High St"),
        ("\u201cBiscuit\u201d the dog\u2019s", '"Biscuit" the dog\'s'),
    ],
)
def test_what_was_typed_is_read_in_plain_characters(typed: str, read: str) -> None:
    assert plain(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900982",
        "07700\u2013900\u2013982",
        "07700 \u2014 900982",
        "07700\u00a0900\u00a0982",
        "+44\u20117700\u2011900982",
        "\uff10\uff17\uff17\uff10\uff10\u3000\uff19\uff10\uff10\uff19\uff18\uff12",
    ],
)
def test_a_phone_number_is_keyed_by_its_digits_whatever_separates_them(typed: str) -> None:
    assert phone_keys(typed)[0] == "07700900982"


@pytest.mark.parametrize(
    ("name", "as_compared"),
    [
        ("Zoë Prys", "zoe prys"),
        ("Siobhán Ó Súilleabháin", "siobhan o suilleabhain"),
        ("Gwenllïan Ŵyn", "gwenllian wyn"),  # Welsh: the diaeresis and the to bach
        ("Søren Łukasz Straße", "soren lukasz strasse"),  # letters Unicode does not take apart
        ("Æsa Œuvre", "aesa oeuvre"),
        ("SAM O'NEIL", "sam o'neil"),
    ],
)
def test_a_name_is_compared_in_lower_case_without_its_accents(name: str, as_compared: str) -> None:
    """As PostgreSQL's `unaccent` folds them (migration 4b8d2f6a9c13), on SQLite."""
    assert folded(name) == as_compared


@pytest.mark.parametrize(
    "copied",
    [
        "pat.parent@example.com",
        " Pat.Parent@Example.COM ",
        "Pat Parent <pat.parent@example.com>",
        "<pat.parent@example.com>",
        "mailto:pat.parent@example.com",
        "pat.parent@example.com.",
        '"pat.parent@example.com"',
        "\u201cpat.parent@example.com\u201d",
        "(pat.parent@example.com)",
        "\uff50\uff41\uff54.parent@example.com",  # full-width letters
    ],
)
def test_an_email_address_copied_with_what_stands_around_it_is_read_alone(copied: str) -> None:
    assert email_in(copied) == "pat.parent@example.com"


def test_an_apostrophe_inside_an_email_address_is_part_of_it() -> None:
    assert email_in("Sean O'Neill <o'neill@example.com>.") == "o'neill@example.com"


@pytest.mark.parametrize("typed", ["pat", "pat@", "pat@example.com, jo@example.com", ""])
def test_no_single_email_address_is_none(typed: str) -> None:
    assert email_in(typed) is None
