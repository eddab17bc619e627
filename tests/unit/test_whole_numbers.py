"""A whole number from an address, a query or a hidden field: the digits 0 to 9 only, and
no more than the database holds."""

import pytest

from portal.numbers import DATABASE_INT_MAX, whole_number


@pytest.mark.parametrize(
    ("text", "number"), [("0", 0), ("7", 7), ("0042", 42), ("2147483647", DATABASE_INT_MAX)]
)
def test_digits_within_what_the_database_holds_are_a_number(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["2147483648", "9" * 30, "-1", "+1", " 1", "1.0", "1e3", "²", "٣", "", None, "x"],
)
def test_anything_else_is_no_number(text: str | None) -> None:
    assert whole_number(text) is None


def test_a_smaller_maximum_can_be_asked_for() -> None:
    assert whole_number("26", maximum=25) is None
    assert whole_number("25", maximum=25) == 25
