"""Which numbers a text can reach (domain/mobiles.py): a UK mobile, however it is typed,
written the one way Notify and the email-to-SMS gateway take it."""

import pytest

from portal.domain.mobiles import uk_mobile


@pytest.mark.parametrize(
    ("typed", "sent_to"),
    [
        ("07700 900 982", "+447700900982"),  # GOV.UK's example: Ofcom's drama range
        ("07700900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("+44 (0)7700 900982", "+447700900982"),
        ("0044 7700 900 982", "+447700900982"),
        ("07911 123 456", "+447911123456"),
        ("(07911) 123456", "+447911123456"),
        ("447911123456", "+447911123456"),
        ("07624 123456", "+447624123456"),  # the Isle of Man shares +44
    ],
)
def test_a_uk_mobile_typed_any_usual_way_is_texted_in_e164(typed: str, sent_to: str) -> None:
    assert uk_mobile(typed) == sent_to


@pytest.mark.parametrize(
    "typed",
    [
        "01632 960 001",  # a landline
        "020 7946 0000",  # a London landline
        "0800 123 4567",  # freephone
        "070 1234 5678",  # a personal number, not a mobile
        "07700 901 000",  # just past the drama range: nobody's mobile
        "+33 6 12 34 56 78",  # a French mobile
        "+1 202 555 0143",
        "0791 123",  # too short
        "07700 900 982 1",  # too long
        "not a number",
        "",
    ],
)
def test_a_landline_a_number_abroad_or_no_number_is_not_a_uk_mobile(typed: str) -> None:
    assert uk_mobile(typed) is None
