"""The rules for answers that no longer apply, answers to check, and postcodes
(portal/domain/answers.py, portal/domain/postcodes.py)."""

from datetime import date

import pytest

from portal.domain.answers import (
    age_to_check,
    applies,
    date_fits_when,
    months_before,
    still_applying,
)
from portal.domain.postcodes import is_uk_postcode, normalise_postcode
from portal.domain.search import postcode_key
from portal.domain.types import WhenItHappened

TODAY = date(2026, 6, 15)


def test_a_box_revealed_by_a_choice_applies_only_while_that_choice_is_made() -> None:
    contact = {"contact_preference": "phone", "phone": "07700 900 982", "email": "a@b.c"}

    assert still_applying(contact) == {"contact_preference": "phone", "phone": "07700 900 982"}


def test_a_box_revealed_by_a_ticked_box_applies_while_it_is_ticked() -> None:
    assert applies("interpreter_language", {"support": ["bsl", "interpreter"]})
    assert not applies("interpreter_language", {"support": ["none"]})
    assert not applies("other_support", {"support": None})


def test_a_question_no_choice_reveals_always_applies() -> None:
    assert applies("name", {})


def test_25_is_the_age_to_check() -> None:
    assert not age_to_check(24)
    assert age_to_check(25)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 6, 15), 1, date(2026, 5, 15)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
    ],
)
def test_months_before_counts_calendar_months(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("when", "event", "fits"),
    [
        (WhenItHappened.LAST_MONTH, date(2026, 5, 15), True),
        (WhenItHappened.LAST_MONTH, date(2026, 5, 14), False),
        (WhenItHappened.LAST_YEAR, date(2026, 5, 15), True),
        (WhenItHappened.LAST_YEAR, date(2026, 6, 1), True),
        (WhenItHappened.LAST_YEAR, date(2025, 6, 15), True),
        (WhenItHappened.LAST_YEAR, date(2025, 6, 14), False),
        (WhenItHappened.OVER_A_YEAR, date(2025, 6, 15), True),
        (WhenItHappened.OVER_A_YEAR, date(2025, 6, 16), False),
        (WhenItHappened.STILL_HAPPENING, date(2019, 1, 1), True),
        (WhenItHappened.NOT_SURE, date(2026, 6, 1), True),
        (None, date(2019, 1, 1), True),
    ],
)
def test_a_date_fits_the_rough_time_chosen_or_not(
    when: WhenItHappened | None, event: date, fits: bool
) -> None:
    assert date_fits_when(when, event, TODAY) is fits


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("nm2 3ab", "NM2 3AB"),
        ("NM23AB", "NM2 3AB"),
        (" nm2  3ab ", "NM2 3AB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("\uff4e\uff4d\uff12 \uff13\uff41\uff42", "NM2 3AB"),  # full width
        ("bfpo105", "BFPO 105"),  # the forces' post (British Forces Post Office)
        (" BFPO  1234 ", "BFPO 1234"),
        ("not a postcode", "not a postcode"),
    ],
)
def test_a_postcode_is_written_in_capitals_with_one_space(typed: str, written: str) -> None:
    assert normalise_postcode(typed) == written


def test_a_postcode_typed_with_extra_spaces_is_still_a_postcode() -> None:
    assert is_uk_postcode(" nm2   3ab ")
    assert not is_uk_postcode("NM2 3A")


def test_a_bfpo_number_is_a_postcode_and_is_found_as_one() -> None:
    assert is_uk_postcode("BFPO 105")
    assert not is_uk_postcode("BFPO 12345")
    assert not is_uk_postcode("BFPO")
    assert postcode_key("bfpo 105") == "BFPO105"
