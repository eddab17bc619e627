"""Case references: `CSC-2026-0042`, readable over the phone and free of personal data."""

import pytest

from portal.domain.references import (
    REFERENCE_PATTERN,
    format_reference,
    normalise_reference,
    whole_references,
)


@pytest.mark.parametrize(
    "number, reference",
    [(1, "CSC-2026-0001"), (42, "CSC-2026-0042"), (9999, "CSC-2026-9999")],
)
def test_a_reference_is_the_prefix_the_year_and_a_four_figure_number(
    number: int, reference: str
) -> None:
    assert format_reference("CSC", 2026, number) == reference
    assert REFERENCE_PATTERN.match(reference)


def test_a_busy_year_simply_gets_longer_numbers() -> None:
    reference = format_reference("CSC", 2026, 10_000)
    assert reference == "CSC-2026-10000"
    assert REFERENCE_PATTERN.match(reference)


@pytest.mark.parametrize("number", [0, -1])
def test_numbers_start_at_one(number: int) -> None:
    with pytest.raises(ValueError):
        format_reference("CSC", 2026, number)


@pytest.mark.parametrize(
    "typed",
    [
        "CSC-2026-0042",
        "csc-2026-0042",
        " csc 2026 42 ",
        "CSC_2026_42",
        "csc2026-0042",
        "CSC20260042",
        # Dashes a phone or a word processor puts in for "-", and the minus sign.
        "CSC\u20132026\u20130042",
        "CSC \u2014 2026 \u2014 0042",
        "CSC\u20112026\u20110042",
        "CSC\u22122026\u22120042",
        "CSC - 2026 - 0042",
        # Full-width letters, digits and hyphen, which some keyboards type.
        "\uff23\uff33\uff23\uff0d\uff12\uff10\uff12\uff16\uff0d\uff10\uff10\uff14\uff12",
    ],
)
def test_a_reference_typed_loosely_is_read_as_the_stored_one(typed: str) -> None:
    assert normalise_reference(typed) == "CSC-2026-0042"


@pytest.mark.parametrize("typed", ["hello", "CSC-26-42", "12345"])
def test_something_that_is_not_a_reference_does_not_become_one(typed: str) -> None:
    assert not REFERENCE_PATTERN.match(normalise_reference(typed))


@pytest.mark.parametrize(
    "text", ["CSC-2026-042", "csc-2026-0042", "CSC-26-0042", "CSC-2026-0042 ", "C-2026-0042"]
)
def test_the_pattern_accepts_only_the_stored_form(text: str) -> None:
    assert REFERENCE_PATTERN.match(text) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("CSC-2026-0042", ("CSC-2026-0042",)),
        ("csc 2026 42", ("CSC-2026-0042", "CSC-2026-42")),
        ("csc2026-00042", ("CSC-2026-0042", "CSC-2026-00042")),
        ("csc\u20132026\u201342", ("CSC-2026-0042", "CSC-2026-42")),
        ("2026\u20130042", ()),
        ("2026-0042", ()),
        ("0042", ()),
        ("CSC-2026-0000", ()),
    ],
)
def test_a_whole_reference_is_recognised_however_it_is_typed(
    typed: str, stored: tuple[str, ...]
) -> None:
    assert whole_references(typed) == stored


@pytest.mark.parametrize(
    "copied",
    [
        "Ref: CSC-2026-0042",
        "Reference: CSC-2026-0042.",
        "CSC-2026-0042.",
        "CSC-2026-0042,",
        '"CSC-2026-0042"',
        "\u201cCSC-2026-0042\u201d",
        "'csc-2026-0042'",
        "<CSC-2026-0042>",
        "(CSC-2026-0042)",
        "Your reference number is CSC-2026-0042. Keep it safe.",
        "Cyfeirnod: CSC-2026-0042",
        "ref csc 2026 0042",
        "CSC-2026-0042 CSC 2026 42",  # the same one twice
    ],
)
def test_a_reference_copied_with_the_words_and_marks_around_it_is_read_as_the_stored_one(
    copied: str,
) -> None:
    """As it is copied from our email ("Your reference number is CSC-2026-0042. Keep it
    safe.") or from a letter's "Ref:" line, or pasted with the quotation marks or angle
    brackets a mail program puts round it."""
    assert normalise_reference(copied) == "CSC-2026-0042"
    assert whole_references(copied)[0] == "CSC-2026-0042"


@pytest.mark.parametrize(
    "typed",
    [
        "CSC-2026-0042 and CSC-2026-0043",  # which one?
        "CSC-2026-0042A",
        "CSC-2026-0042.5",
        "ABCDEFG-2026-0042",
        "Ref: 2026-0042",
    ],
)
def test_text_with_no_single_whole_reference_in_it_is_not_read_as_one(typed: str) -> None:
    assert whole_references(typed) == ()
    assert not REFERENCE_PATTERN.match(normalise_reference(typed))


def test_a_phone_number_in_the_same_sentence_is_not_taken_for_a_reference() -> None:
    sentence = "Call 0300 123 4567 or email us with the reference CSC-2026-0042."
    assert whole_references(sentence)[0] == "CSC-2026-0042"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("CSC-2026-OO42", "CSC-2026-0042"),  # the letter O, read off a letter by eye
        ("csc-2o26-0042", "CSC-2026-0042"),
        ("CSC 2026 OOI2", "CSC-2026-0012"),  # I for a one
        ("csc-2026-l042", "CSC-2026-1042"),  # l for a one
    ],
)
def test_letters_that_look_like_figures_are_read_as_them_in_the_figures(
    typed: str, stored: str
) -> None:
    assert normalise_reference(typed) == stored
    assert whole_references(typed)[0] == stored


@pytest.mark.parametrize("typed", ["CSC-2026-ABCD", "CSC-LOIO-0042", "CSC-2O26", "COOL-OIL-IOL"])
def test_other_letters_in_the_figures_are_not_a_reference(typed: str) -> None:
    assert whole_references(typed) == ()
