"""When a submission must be acknowledged (domain.md, "Timescales, England" and
"Timescales, Wales"): the law's limit and the council's own target are kept apart."""

from datetime import date

import pytest

from portal.config import Config
from portal.domain.timescales import (
    Procedure,
    acknowledgement_deadline,
    acknowledgement_working_days,
    statutory_procedure,
)

FRI_19_DEC_2025 = date(2025, 12, 19)
MON_22_DEC_2025 = date(2025, 12, 22)
TUE_23_DEC_2025 = date(2025, 12, 23)
WED_24_DEC_2025 = date(2025, 12, 24)
TUE_30_DEC_2025 = date(2025, 12, 30)
ENGLAND, WALES = statutory_procedure("england"), statutory_procedure("wales")


def test_england_sets_no_period_so_the_council_target_of_three_days_applies() -> None:
    deadline = acknowledgement_deadline(FRI_19_DEC_2025, ENGLAND, 3)
    assert deadline.due == WED_24_DEC_2025
    assert deadline.statutory is None
    assert deadline.local_target == WED_24_DEC_2025


def test_the_councils_target_is_three_working_days_unless_configured() -> None:
    assert Config.ACKNOWLEDGEMENT_TARGET_WORKING_DAYS == 3


@pytest.mark.parametrize(
    "target, due",
    [(2, TUE_23_DEC_2025), (3, WED_24_DEC_2025), (5, TUE_30_DEC_2025)],
    ids=["2 days", "3 days", "5 days"],
)
def test_england_uses_whatever_target_the_council_sets(target: int, due: date) -> None:
    deadline = acknowledgement_deadline(FRI_19_DEC_2025, ENGLAND, target)
    assert (deadline.due, deadline.local_target, deadline.statutory) == (due, due, None)


def test_wales_acknowledges_within_two_working_days_by_law() -> None:
    deadline = acknowledgement_deadline(FRI_19_DEC_2025, WALES, 2)
    assert deadline.due == TUE_23_DEC_2025
    assert deadline.statutory == TUE_23_DEC_2025


def test_a_welsh_council_target_of_three_days_still_gives_two_and_keeps_both() -> None:
    deadline = acknowledgement_deadline(FRI_19_DEC_2025, WALES, 3)
    assert deadline.due == TUE_23_DEC_2025
    assert deadline.statutory == TUE_23_DEC_2025
    assert deadline.local_target == WED_24_DEC_2025


def test_a_welsh_council_may_promise_sooner_than_the_law() -> None:
    deadline = acknowledgement_deadline(FRI_19_DEC_2025, WALES, 1)
    assert deadline.due == MON_22_DEC_2025
    assert deadline.statutory == TUE_23_DEC_2025


def test_the_wales_deadline_counts_over_christmas_2026() -> None:
    # Wed 23 Dec 2026: Thu 24, then Christmas, the weekend and Boxing Day's substitute.
    deadline = acknowledgement_deadline(date(2026, 12, 23), WALES, 3)
    assert deadline.due == date(2026, 12, 29)


def test_an_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(ValueError, match="scotland"):
        statutory_procedure("scotland")


@pytest.mark.parametrize(
    ("procedure", "target", "told"),
    [
        (Procedure.ENGLAND_CHILDREN, 3, 3),  # no statutory period: the council's target
        (Procedure.ENGLAND_CHILDREN, 5, 5),
        (Procedure.WALES_CHILDREN, 3, 2),  # 2 working days by law; a longer target is not allowed
        (Procedure.WALES_CHILDREN, 1, 1),
        (Procedure.CORPORATE, 10, 5),  # the Complaint Handling Code's 5
    ],
)
def test_the_acknowledgement_wait_people_are_told(
    procedure: Procedure, target: int, told: int
) -> None:
    assert acknowledgement_working_days(procedure, target) == told
