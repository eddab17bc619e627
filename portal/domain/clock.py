"""The statutory clock: working days in England and Wales.

domain.md, "Working days": a working day is not a Saturday, Sunday, Christmas Day,
Boxing Day, Good Friday or a bank holiday. The day of receipt is day 0; "within N
working days" means by the Nth working day after it.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from portal.domain.holidays import HolidayTable, bank_holidays

LONDON = ZoneInfo("Europe/London")
ONE_DAY = timedelta(days=1)


def london_date(moment: datetime) -> date:
    """The local date in England and Wales of an aware moment (receipt dates are local)."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed to know the local date")
    return moment.astimezone(LONDON).date()


def is_working_day(day: date, table: HolidayTable | None = None) -> bool:
    table = table or bank_holidays()
    return day.weekday() < 5 and table.name_of(day) is None


def add_working_days(start: date, days: int, table: HolidayTable | None = None) -> date:
    """The `days`-th working day strictly after `start`, whatever day `start` is."""
    return _walk(start, days, ONE_DAY, table)


def working_days_before(due_on: date, days: int, table: HolidayTable | None = None) -> date:
    """The `days`-th working day before `due_on` (`due_on` itself when `days` is 0)."""
    return _walk(due_on, days, -ONE_DAY, table)


def _walk(start: date, days: int, step: timedelta, table: HolidayTable | None) -> date:
    """The `days`-th working day from `start`, a `step` at a time."""
    if days < 0:
        raise ValueError("days must not be negative")
    table = table or bank_holidays()
    day = start
    counted = 0
    while counted < days:
        day += step
        # is_working_day written out: these loops run a call a day otherwise (issue 19).
        if day.weekday() < 5 and table.name_of(day) is None:
            counted += 1
    return day


def working_days_between(start: date, end: date, table: HolidayTable | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    table = table or bank_holidays()
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if day.weekday() < 5 and table.name_of(day) is None:  # as in _walk
            count += 1
    return count
