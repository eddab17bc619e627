"""The clock ledger: counting working days with the clock's pauses, and showing the count.

A stage's clock starts, may pause (waiting for an advocate to be appointed, say) and
restart, may be extended with the complainant's agreement, and stops when the response is
sent. Pure: the pauses and the bank-holiday table are passed in.

A paused day is any day from the pause up to, not including, the restart: the day the
clock restarts counts again. While a pause is open there is no due date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.holidays import HolidayTable, bank_holidays

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Pause:
    paused_on: date
    restarted_on: date | None  # None: still paused
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.paused_on <= day and (self.restarted_on is None or day < self.restarted_on)


@dataclass(frozen=True)
class DayLine:
    """One calendar day of a count: counted as working day N, or skipped and why."""

    day: date
    counted: int | None
    skipped: str | None


@dataclass(frozen=True)
class Count:
    start: date
    working_days: int
    due: date | None  # None while a pause is open
    lines: tuple[DayLine, ...]
    open_pause: Pause | None


def _pause_on(day: date, pauses: tuple[Pause, ...]) -> Pause | None:
    return next((p for p in pauses if p.covers(day)), None)


def _why_not_counted(day: date, pauses: tuple[Pause, ...], table: HolidayTable) -> str | None:
    if day.weekday() == 5:
        return "Saturday"
    if day.weekday() == 6:
        return "Sunday"
    holiday = table.name_of(day)
    if holiday is not None:
        return f"Bank holiday: {holiday}"
    pause = _pause_on(day, pauses)
    if pause is not None:
        return f"Clock paused: {pause.reason}" if pause.reason else "Clock paused"
    return None


def count(
    start: date,
    working_days: int,
    pauses: tuple[Pause, ...] = (),
    table: HolidayTable | None = None,
) -> Count:
    """The `working_days`-th working day after `start`, not counting paused days, with
    every day on the way and why it did or did not count."""
    if working_days < 0:
        raise ValueError("working days must not be negative")
    table = table or bank_holidays()
    open_pause = next((p for p in pauses if p.restarted_on is None), None)
    lines: list[DayLine] = []
    counted = 0
    day = start
    while counted < working_days:
        day += ONE_DAY
        if open_pause is not None and day >= open_pause.paused_on:
            return Count(start, working_days, None, tuple(lines), open_pause)
        why = _why_not_counted(day, pauses, table)
        if why is None:
            counted += 1
        lines.append(DayLine(day, counted if why is None else None, why))
    return Count(start, working_days, day, tuple(lines), None)


def working_days_taken(
    start: date, end: date, pauses: tuple[Pause, ...] = (), table: HolidayTable | None = None
) -> int:
    """Working days after `start` up to and including `end`, less paused days: how long a
    step took, as fixed when it stops."""
    table = table or bank_holidays()
    taken = 0
    day = start
    while day < end:
        day += ONE_DAY
        if _why_not_counted(day, pauses, table) is None:
            taken += 1
    return taken
