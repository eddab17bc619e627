"""Flags for staff to look at. A flag never refuses anything (domain.md, "Time limit to
complain": flag, never refuse automatically)."""

from datetime import date

import pytest

from portal.domain.flags import Flag, flags_for, is_outside_time_limit
from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ContactPreference,
    Kind,
    SubmitterRole,
    WhenItHappened,
)

MON_2_MAR_2026 = date(2026, 3, 2)


@pytest.mark.parametrize(
    "when, happened, received, outside, why",
    [
        (WhenItHappened.OVER_A_YEAR, None, MON_2_MAR_2026, True, "the person says so"),
        (WhenItHappened.LAST_YEAR, None, MON_2_MAR_2026, False, "within the year"),
        (WhenItHappened.NOT_SURE, None, MON_2_MAR_2026, False, "unknown: staff will ask"),
        (None, None, MON_2_MAR_2026, False, "nothing said"),
        (None, date(2025, 3, 2), MON_2_MAR_2026, False, "exactly a year before"),
        (None, date(2025, 3, 1), MON_2_MAR_2026, True, "a year and a day before"),
        (WhenItHappened.LAST_MONTH, date(2020, 1, 1), MON_2_MAR_2026, True, "the date says so"),
        # 29 February: a year before 29 Feb 2028 is 28 Feb 2027.
        (None, date(2027, 2, 28), date(2028, 2, 29), False, "received 29 Feb, a year to the day"),
        (None, date(2027, 2, 27), date(2028, 2, 29), True, "received 29 Feb, a year and a day"),
        # Something that happened on 29 Feb 2024.
        (None, date(2024, 2, 29), date(2025, 2, 28), False, "happened 29 Feb, inside the year"),
        (None, date(2024, 2, 29), date(2025, 3, 1), True, "happened 29 Feb, over a year ago"),
    ],
)
def test_whether_a_complaint_is_outside_the_time_limit(
    when: WhenItHappened | None, happened: date | None, received: date, outside: bool, why: str
) -> None:
    assert is_outside_time_limit(when, happened, received) is outside, why


def flags(**changes: object) -> set[Flag]:
    """The flags for an ordinary complaint from a parent, with `changes`."""
    facts: dict[str, object] = {
        "kind": Kind.COMPLAINT,
        "role": SubmitterRole.PARENT,
        "when": WhenItHappened.LAST_MONTH,
        "event_date": None,
        "received_on": MON_2_MAR_2026,
        "contact_preference": ContactPreference.EMAIL,
        "child_agreement": ChildAgreement.AGREES,
        "advocacy": AdvocacyAnswer.DECLINED,
    }
    return set(flags_for(**(facts | changes)))  # type: ignore[arg-type]


def test_an_ordinary_complaint_by_email_has_no_flags() -> None:
    assert flags() == set()


def test_a_late_complaint_is_flagged_not_refused() -> None:
    assert flags(when=WhenItHappened.OVER_A_YEAR) == {Flag.OUTSIDE_TIME_LIMIT}


@pytest.mark.parametrize("kind", [Kind.REPRESENTATION, Kind.COMPLIMENT, Kind.ADVOCACY])
def test_only_a_complaint_has_a_time_limit(kind: Kind) -> None:
    assert Flag.OUTSIDE_TIME_LIMIT not in flags(kind=kind, when=WhenItHappened.OVER_A_YEAR)


@pytest.mark.parametrize(
    "preference, flagged",
    [
        (ContactPreference.EMAIL, False),
        (ContactPreference.PHONE, True),
        (ContactPreference.POST, True),
        (ContactPreference.ADVOCATE, True),
    ],
)
def test_staff_are_told_to_acknowledge_a_person_without_email_another_way(
    preference: ContactPreference, flagged: bool
) -> None:
    assert (Flag.ACKNOWLEDGE_WITHOUT_EMAIL in flags(contact_preference=preference)) is flagged


@pytest.mark.parametrize(
    "role, kind, flagged",
    [
        (SubmitterRole.OTHER, Kind.COMPLAINT, True),
        (SubmitterRole.OTHER, Kind.REPRESENTATION, True),
        (SubmitterRole.OTHER, Kind.ADVOCACY, True),
        (SubmitterRole.OTHER, Kind.COMPLIMENT, False),
        (SubmitterRole.PARENT, Kind.COMPLAINT, False),
        (SubmitterRole.RELATIVE, Kind.COMPLAINT, False),
        (SubmitterRole.PROFESSIONAL, Kind.COMPLAINT, False),
    ],
)
def test_someone_not_on_the_list_needs_a_sufficient_interest_decision(
    role: SubmitterRole, kind: Kind, flagged: bool
) -> None:
    assert (Flag.SUFFICIENT_INTEREST_DECISION in flags(role=role, kind=kind)) is flagged


@pytest.mark.parametrize(
    "agreement, flagged",
    [
        (ChildAgreement.AGREES, False),
        (ChildAgreement.KNOWS_NOT_AGREED, True),
        (ChildAgreement.DOES_NOT_KNOW, True),
        (ChildAgreement.NOT_SURE, False),
        (None, False),
    ],
)
def test_staff_are_told_when_the_child_has_not_agreed(
    agreement: ChildAgreement | None, flagged: bool
) -> None:
    assert (Flag.CHILD_HAS_NOT_AGREED in flags(child_agreement=agreement)) is flagged


@pytest.mark.parametrize(
    "answer, flagged",
    [
        (AdvocacyAnswer.ACCEPTED, True),
        (AdvocacyAnswer.REQUESTED, True),
        (AdvocacyAnswer.DECLINED, False),
        (AdvocacyAnswer.ALREADY_HAS_ONE, False),
        (AdvocacyAnswer.NOT_SURE, False),
        (AdvocacyAnswer.FILED_BY_ADVOCATE, False),
        (None, False),
    ],
)
def test_a_wanted_advocate_is_flagged(answer: AdvocacyAnswer | None, flagged: bool) -> None:
    assert (Flag.ADVOCATE_WANTED in flags(advocacy=answer)) is flagged


def test_flags_add_up() -> None:
    assert flags(
        when=WhenItHappened.OVER_A_YEAR,
        contact_preference=ContactPreference.POST,
        role=SubmitterRole.OTHER,
        child_agreement=ChildAgreement.DOES_NOT_KNOW,
        advocacy=AdvocacyAnswer.ACCEPTED,
    ) == {
        Flag.OUTSIDE_TIME_LIMIT,
        Flag.ACKNOWLEDGE_WITHOUT_EMAIL,
        Flag.SUFFICIENT_INTEREST_DECISION,
        Flag.CHILD_HAS_NOT_AGREED,
        Flag.ADVOCATE_WANTED,
    }
