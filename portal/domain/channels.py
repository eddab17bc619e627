"""How a complaint, compliment, representation or request for an advocate reached the
council, and how much of its time had gone by when it was recorded.

A submission's clock runs from the day it reached the council (domain.md, "Working
days": the day of receipt is day 0), however it came: a letter opened today that arrived
last week has already used a week of its working days. Staff record the day it came; the
acknowledgement and the first response are due from that day, never from the day it was
typed in.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.domain.clock import working_days_between
from portal.domain.holidays import bank_holidays


class Channel(StrEnum):
    """The ways a submission arrives, as the annual report counts them."""

    ONLINE = "online"  # the public form
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"
    COUNCILLOR = "councillor"
    MP = "mp"
    ADVOCACY_PROVIDER = "advocacy_provider"


# The ways staff record on a person's behalf (everything but the public form).
RECORDED_BY_STAFF: tuple[Channel, ...] = tuple(c for c in Channel if c is not Channel.ONLINE)


class ReceivedInFuture(ValueError):
    """A date of receipt after today: nothing can have arrived tomorrow."""


class ReceivedBeforeTheCalendar(ValueError):
    """A date of receipt before the bank-holiday table: its deadlines cannot be counted."""


def check_received_on(received_on: date, today: date) -> date:
    if received_on > today:
        raise ReceivedInFuture(f"received on {received_on.isoformat()}, after today")
    if not bank_holidays().covers(received_on):
        raise ReceivedBeforeTheCalendar(f"received in {received_on.year}: no bank holidays known")
    return received_on


@dataclass(frozen=True)
class TimeUsed:
    """What had already gone by, on `today`, of a submission received earlier."""

    working_days: int  # working days after the day of receipt, up to today
    acknowledge_by: date
    late: bool  # the acknowledgement's day has passed without one


def time_used(
    received_on: date, acknowledge_by: date, today: date, *, acknowledged: bool = False
) -> TimeUsed | None:
    """None while no working day has gone by since it came (received today, or on a
    Saturday and recorded on the Sunday)."""
    days = working_days_between(received_on, today) if received_on < today else 0
    if days == 0:
        return None
    return TimeUsed(
        working_days=days,
        acknowledge_by=acknowledge_by,
        late=not acknowledged and today > acknowledge_by,
    )
