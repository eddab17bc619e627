"""Flags put on a submission for staff to look at. A flag never refuses anything:
the form accepts every submission and staff decide (domain.md, "Time limit to complain").
"""

from datetime import date
from enum import StrEnum

from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ContactPreference,
    Kind,
    SubmitterRole,
    WhenItHappened,
)


class Flag(StrEnum):
    OUTSIDE_TIME_LIMIT = "outside_time_limit"
    ACKNOWLEDGE_WITHOUT_EMAIL = "acknowledge_without_email"
    SUFFICIENT_INTEREST_DECISION = "sufficient_interest_decision"
    CHILD_HAS_NOT_AGREED = "child_has_not_agreed"
    ADVOCATE_WANTED = "advocate_wanted"


# What each flag asks of staff, in plain words: the case page and the team's email show
# these, never the codes.
DESCRIPTIONS: dict[str, str] = {
    Flag.OUTSIDE_TIME_LIMIT: "About events more than a year ago: decide whether to consider "
    "it (the time limit has exceptions).",
    Flag.ACKNOWLEDGE_WITHOUT_EMAIL: "No email address: acknowledge by phone or letter.",
    Flag.SUFFICIENT_INTEREST_DECISION: "From someone not on the statutory list: decide "
    "whether they have sufficient interest in the child's welfare.",
    Flag.CHILD_HAS_NOT_AGREED: "The child does not know, or has not agreed: check what the "
    "child wants.",
    Flag.ADVOCATE_WANTED: "An advocate was asked for.",
}


def is_outside_time_limit(
    when: WhenItHappened | None, event_date: date | None, received_on: date
) -> bool:
    """More than a year before receipt (England reg 9; Wales 12 months)."""
    if when is WhenItHappened.OVER_A_YEAR:
        return True
    if event_date is None:
        return False
    try:
        a_year_before = received_on.replace(year=received_on.year - 1)
    except ValueError:  # 29 February
        a_year_before = received_on.replace(year=received_on.year - 1, day=28)
    return event_date < a_year_before


def flags_for(
    *,
    kind: Kind,
    role: SubmitterRole,
    when: WhenItHappened | None,
    event_date: date | None,
    received_on: date,
    contact_preference: ContactPreference,
    child_agreement: ChildAgreement | None,
    advocacy: AdvocacyAnswer | None,
) -> list[Flag]:
    flags: list[Flag] = []
    if kind is Kind.COMPLAINT and is_outside_time_limit(when, event_date, received_on):
        flags.append(Flag.OUTSIDE_TIME_LIMIT)
    # A text acknowledges as an email does (services/acknowledgements.py).
    if contact_preference not in (ContactPreference.EMAIL, ContactPreference.TEXT):
        flags.append(Flag.ACKNOWLEDGE_WITHOUT_EMAIL)
    if role is SubmitterRole.OTHER and kind is not Kind.COMPLIMENT:
        flags.append(Flag.SUFFICIENT_INTEREST_DECISION)
    if child_agreement in (ChildAgreement.KNOWS_NOT_AGREED, ChildAgreement.DOES_NOT_KNOW):
        flags.append(Flag.CHILD_HAS_NOT_AGREED)
    if advocacy in (AdvocacyAnswer.ACCEPTED, AdvocacyAnswer.REQUESTED):
        flags.append(Flag.ADVOCATE_WANTED)
    return flags
