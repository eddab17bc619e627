"""Reminders before a deadline, and a notice when it is missed.

Every step the council owes on a case has a due date counted in working days (domain.md,
"Timescales"; "Working days" says which days count). Staff are reminded a set number of
working days before it, and the managers are told the first working day after it if the
step was not done: that is the day it is missed. A run of the job that did not happen
on the right day is made up by the next run, so a notice is late rather than lost.
"""

from datetime import date
from enum import StrEnum

from portal.domain.clock import add_working_days, is_working_day, working_days_before
from portal.domain.holidays import HolidayTable, bank_holidays


class Notice(StrEnum):
    REMINDER = "reminder"
    BREACH = "breach"


class DigestSection(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"


def reminder_day(due_on: date, days_before: int, table: HolidayTable | None = None) -> date:
    """The day staff are first reminded of a step due on `due_on`."""
    return working_days_before(due_on, days_before, table)


def breach_day(due_on: date, table: HolidayTable | None = None) -> date:
    """The day a step due on `due_on` is missed: the first working day after it. A step
    due on the Wednesday before Christmas 2025 is missed on Monday 29 December."""
    return add_working_days(due_on, 1, table)


def notice_due(
    today: date, due_on: date, days_before: int, table: HolidayTable | None = None
) -> Notice | None:
    """Which notice a step due on `due_on`, still not done, calls for `today`.

    A reminder from its reminder day up to and including the due date (the step can
    still be done on time that day); a breach notice from the day it is missed on;
    nothing before the reminder day, nor on the non-working days between the due date
    and the day it is missed.
    """
    table = table or bank_holidays()
    if today > due_on:
        return Notice.BREACH if today >= breach_day(due_on, table) else None
    if today >= reminder_day(due_on, days_before, table):
        return Notice.REMINDER
    return None


def digest_horizon(today: date, days_ahead: int, table: HolidayTable | None = None) -> date:
    """The last due date a team's digest lists: `days_ahead` working days after today."""
    return add_working_days(today, days_ahead, table)


def digest_section(
    today: date, due_on: date, days_ahead: int, table: HolidayTable | None = None
) -> DigestSection | None:
    """Where a step due on `due_on` goes in today's digest: overdue once its date has
    passed, due when it falls within the next `days_ahead` working days (today included),
    and not listed when it is further off."""
    if due_on < today:
        return DigestSection.OVERDUE
    if due_on <= digest_horizon(today, days_ahead, table):
        return DigestSection.DUE
    return None


def digest_day(today: date, table: HolidayTable | None = None) -> bool:
    """Digests go out on working days only: nobody reads a team inbox on Christmas Day."""
    return is_working_day(today, table)
