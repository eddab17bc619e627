"""A referral to the council's commissioned advocacy provider (s26A; domain.md,
"Advocacy"): where it came from, when it must be accepted by, and the steps the provider
records (accept or decline, name the advocate, the first contact with the child, later
visits, the close with its outcome). What is allowed at each step, what is due, what is
overdue and when it is escalated are decided here, from the referral's dates alone.

The provider's contract sets its response time in working days (default 1): a referral
made on day 0 must be accepted by the Nth working day after it (domain/clock.py, England
and Wales bank holidays), and the first contact with the child made by then counts as
"within the contract" in the annual report. A referral neither accepted nor declined by
the end of that day is overdue, and is escalated once to the provider's manager and the
complaints manager.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from statistics import median

from portal.domain.clock import add_working_days, is_working_day
from portal.domain.holidays import HolidayTable

DEFAULT_RESPONSE_WORKING_DAYS = 1
MOST_RESPONSE_WORKING_DAYS = 20  # the most a team's page accepts


class Source(StrEnum):
    """Where a referral came from."""

    REQUEST = "request"  # a child's or parent's request for an advocate (the public form)
    OFFER = "offer"  # the s26A offer on a complaint, accepted
    STAFF = "staff"  # a member of council staff, from the case page


class Status(StrEnum):
    WAITING = "waiting"  # made, not yet accepted or declined
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a referral ended (labels.REFERRAL_OUTCOMES has the words)."""

    SUPPORTED_COMPLAINT = "supported_complaint"
    SUPPORTED_OTHER = "supported_other"
    RESOLVED_WITHOUT_COMPLAINT = "resolved_without_complaint"
    NO_LONGER_WANTED = "no_longer_wanted"
    NO_CONTACT = "no_contact"
    OTHER_ADVOCATE = "other_advocate"
    OTHER = "other"


OPEN = frozenset({Status.WAITING, Status.ACCEPTED})


class ReferralRefused(ValueError):
    """A step the referral does not allow now; `field` is the form field to show it by."""

    def __init__(self, message: str, field: str = "on") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Dates:
    """What the rules read of a referral."""

    status: Status
    made_on: date
    due_on: date
    first_contact_on: date | None = None
    escalated: bool = False
    case_closed: bool = False


def due_on(made_on: date, response_working_days: int, table: HolidayTable | None = None) -> date:
    """The day a referral made on `made_on` must be accepted by (day 0 is the day it was
    made; the Nth working day after it)."""
    return add_working_days(made_on, response_working_days, table)


def is_overdue(referral: Dates, today: date) -> bool:
    """Not yet accepted or declined after the day it was due by."""
    return referral.status is Status.WAITING and today > referral.due_on


def needs_escalation(referral: Dates, today: date, table: HolidayTable | None = None) -> bool:
    """Overdue, on a case the council still has open, and not escalated before: escalated
    once only, on a working day (as a missed deadline's notice: docs/reminders.md), so a
    referral due on Christmas Eve is escalated on the next working day after it."""
    return (
        is_overdue(referral, today)
        and not referral.escalated
        and not referral.case_closed
        and is_working_day(today, table)
    )


def within_contract(referral: Dates) -> bool | None:
    """Whether the first contact with the child was made by the day the referral was due
    by; None before any contact."""
    if referral.first_contact_on is None:
        return None
    return referral.first_contact_on <= referral.due_on


def _check_day(on: date, *, made_on: date, today: date, field: str = "on") -> None:
    if on > today:
        raise ReferralRefused("The date must be today or in the past", field)
    if on < made_on:
        raise ReferralRefused("The date must be on or after the day the referral was made", field)


def check_accept(referral: Dates, on: date, today: date) -> None:
    if referral.status is not Status.WAITING:
        raise ReferralRefused("This referral has already been accepted or declined")
    _check_day(on, made_on=referral.made_on, today=today)


def check_decline(referral: Dates, on: date, reason: str, today: date) -> None:
    if referral.status is not Status.WAITING:
        raise ReferralRefused("This referral has already been accepted or declined")
    if not reason.strip():
        raise ReferralRefused("Enter why the referral is declined", "reason")
    _check_day(on, made_on=referral.made_on, today=today)


def check_name_advocate(referral: Dates) -> None:
    if referral.status is not Status.ACCEPTED:
        raise ReferralRefused("Accept the referral before naming the advocate", "advocate")


def check_first_contact(referral: Dates, on: date, today: date) -> None:
    if referral.status is not Status.ACCEPTED:
        raise ReferralRefused("Accept the referral before recording a contact")
    if referral.first_contact_on is not None:
        raise ReferralRefused("The first contact is already recorded: add a visit instead")
    _check_day(on, made_on=referral.made_on, today=today)


def check_visit(referral: Dates, on: date, note: str, today: date) -> None:
    if referral.status is not Status.ACCEPTED:
        raise ReferralRefused("Visits can be added to an accepted referral that is still open")
    if referral.first_contact_on is None:
        raise ReferralRefused("Record the first contact with the child before later visits")
    if not note.strip():
        raise ReferralRefused("Enter what the visit was for", "note")
    _check_day(on, made_on=referral.first_contact_on, today=today)


def check_close(referral: Dates, on: date, outcome: str, today: date) -> None:
    if referral.status is not Status.ACCEPTED:
        raise ReferralRefused("Only an accepted referral that is still open can be closed")
    if outcome not in {o.value for o in Outcome}:
        raise ReferralRefused("Select how the referral ended", "outcome")
    _check_day(on, made_on=referral.made_on, today=today)


def next_step(referral: Dates) -> str:
    """What the provider does next, in words."""
    match referral.status:
        case Status.WAITING:
            return "Accept or decline"
        case Status.ACCEPTED if referral.first_contact_on is None:
            return "Make the first contact with the child"
        case Status.ACCEPTED:
            return "Visits, then close with the outcome"
        case _:
            return "Nothing: the referral has ended"


def median_days(days: list[int]) -> float | None:
    """The median of a list of working days (None for none)."""
    return float(median(days)) if days else None
