"""The statutory clock: working days in England and Wales (domain.md, "Working days").

Each row names the weekday and the holiday it is about, so a reader can check it against
a calendar; `day()` refuses a row whose weekday is wrong.
"""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portal.domain.clock import (
    add_working_days,
    is_working_day,
    london_date,
    working_days_between,
)
from portal.domain.holidays import OutsideHolidayTable


def day(text: str) -> date:
    """ "Fri 19 Dec 2025" as a date, checking the weekday written is the right one."""
    parsed = datetime.strptime(text, "%a %d %b %Y").date()
    if parsed.strftime("%a") != text[:3]:
        raise ValueError(f"{text!r} is a {parsed:%A}")
    return parsed


# (received, working days, due, why)
ADDING = [
    # domain.md's own examples.
    ("Fri 19 Dec 2025", 3, "Wed 24 Dec 2025", "Mon 22, Tue 23, Wed 24"),
    ("Fri 19 Dec 2025", 10, "Wed 7 Jan 2026", "Christmas, Boxing Day and New Year's Day skipped"),
    ("Fri 19 Dec 2025", 20, "Wed 21 Jan 2026", "domain.md"),
    ("Wed 23 Dec 2026", 3, "Wed 30 Dec 2026", "Christmas Fri, Boxing Day substitute Mon 28"),
    ("Wed 23 Dec 2026", 10, "Mon 11 Jan 2027", "and New Year's Day on Fri 1 Jan"),
    # 2025
    ("Tue 31 Dec 2024", 1, "Thu 2 Jan 2025", "New Year's Day, Wed 1 Jan"),
    ("Thu 17 Apr 2025", 1, "Tue 22 Apr 2025", "Good Friday 18 Apr, Easter Monday 21 Apr"),
    ("Fri 2 May 2025", 1, "Tue 6 May 2025", "Early May bank holiday, Mon 5 May"),
    ("Fri 23 May 2025", 1, "Tue 27 May 2025", "Spring bank holiday, Mon 26 May"),
    ("Fri 22 Aug 2025", 1, "Tue 26 Aug 2025", "Summer bank holiday, Mon 25 Aug"),
    ("Wed 24 Dec 2025", 1, "Mon 29 Dec 2025", "Christmas Thu, Boxing Day Fri"),
    ("Wed 24 Dec 2025", 3, "Wed 31 Dec 2025", "Mon 29, Tue 30, Wed 31"),
    # 2026: Boxing Day on a Saturday
    ("Thu 2 Apr 2026", 1, "Tue 7 Apr 2026", "Good Friday 3 Apr, Easter Monday 6 Apr"),
    ("Fri 1 May 2026", 1, "Tue 5 May 2026", "Early May bank holiday, Mon 4 May"),
    ("Fri 28 Aug 2026", 1, "Tue 1 Sep 2026", "Summer bank holiday, Mon 31 Aug"),
    ("Thu 24 Dec 2026", 1, "Tue 29 Dec 2026", "Christmas Fri 25, substitute for Boxing Day Mon 28"),
    ("Thu 31 Dec 2026", 1, "Mon 4 Jan 2027", "New Year's Day, Fri 1 Jan"),
    # 2027: Christmas Day and Boxing Day both on the weekend
    ("Thu 25 Mar 2027", 1, "Tue 30 Mar 2027", "Good Friday 26 Mar, Easter Monday 29 Mar"),
    ("Fri 28 May 2027", 1, "Tue 1 Jun 2027", "Spring bank holiday, Mon 31 May"),
    ("Fri 24 Dec 2027", 1, "Wed 29 Dec 2027", "Sat 25 and Sun 26: substitutes Mon 27, Tue 28"),
    ("Thu 23 Dec 2027", 3, "Thu 30 Dec 2027", "Fri 24, then Wed 29, Thu 30"),
    ("Fri 31 Dec 2027", 1, "Tue 4 Jan 2028", "New Year's Day on a Saturday: substitute Mon 3 Jan"),
    # 2028
    ("Thu 13 Apr 2028", 1, "Tue 18 Apr 2028", "Good Friday 14 Apr, Easter Monday 17 Apr"),
    ("Fri 28 Apr 2028", 1, "Tue 2 May 2028", "Early May bank holiday, Mon 1 May"),
    ("Fri 22 Dec 2028", 1, "Wed 27 Dec 2028", "Christmas Mon 25, Boxing Day Tue 26"),
    # One-off days
    ("Thu 7 May 2020", 1, "Mon 11 May 2020", "VE Day 75: the May bank holiday on Fri 8 May"),
    ("Fri 1 May 2020", 1, "Mon 4 May 2020", "so Mon 4 May 2020 was a working day"),
    ("Wed 1 Jun 2022", 1, "Mon 6 Jun 2022", "Platinum Jubilee: Thu 2 and Fri 3 Jun"),
    ("Fri 27 May 2022", 1, "Mon 30 May 2022", "so the last Monday in May 2022 was worked"),
    ("Fri 16 Sep 2022", 1, "Tue 20 Sep 2022", "State funeral of Queen Elizabeth II, Mon 19 Sep"),
    ("Fri 5 May 2023", 1, "Tue 9 May 2023", "Coronation of King Charles III, Mon 8 May"),
    # Received on a day that is not a working day: that day is still day 0.
    ("Sat 20 Dec 2025", 1, "Mon 22 Dec 2025", "received on a Saturday"),
    ("Sun 21 Dec 2025", 1, "Mon 22 Dec 2025", "received on a Sunday"),
    ("Sun 21 Dec 2025", 3, "Wed 24 Dec 2025", "received on a Sunday"),
    ("Thu 25 Dec 2025", 1, "Mon 29 Dec 2025", "received on Christmas Day"),
    ("Fri 3 Apr 2026", 3, "Thu 9 Apr 2026", "received on Good Friday; Easter Monday skipped"),
    ("Mon 28 Dec 2026", 2, "Wed 30 Dec 2026", "received on a substitute day"),
    ("Sat 20 Dec 2025", 0, "Sat 20 Dec 2025", "no working days: the day itself"),
]


@pytest.mark.parametrize(
    "received, days, due, why", ADDING, ids=[f"{r[0]} +{r[1]}" for r in ADDING]
)
def test_the_nth_working_day_after_receipt(received: str, days: int, due: str, why: str) -> None:
    assert add_working_days(day(received), days) == day(due), why


@pytest.mark.parametrize(
    "received, days, due, why",
    [row for row in ADDING if row[1] > 0],
    ids=[f"{r[0]} to {r[2]}" for r in ADDING if r[1] > 0],
)
def test_working_days_between_counts_back_what_adding_counted(
    received: str, days: int, due: str, why: str
) -> None:
    assert working_days_between(day(received), day(due)) == days


@pytest.mark.parametrize(
    "start, end, count",
    [
        ("Fri 19 Dec 2025", "Fri 19 Dec 2025", 0),
        ("Wed 24 Dec 2025", "Fri 19 Dec 2025", 0),
        ("Fri 19 Dec 2025", "Sun 21 Dec 2025", 0),
        ("Fri 19 Dec 2025", "Mon 22 Dec 2025", 1),
        ("Wed 24 Dec 2025", "Sun 28 Dec 2025", 0),
        ("Mon 5 Jan 2026", "Mon 12 Jan 2026", 5),
        # 261 weekdays in 2026, less 8 bank holidays.
        ("Thu 1 Jan 2026", "Thu 31 Dec 2026", 253),
    ],
)
def test_working_days_between_two_dates(start: str, end: str, count: int) -> None:
    assert working_days_between(day(start), day(end)) == count


@pytest.mark.parametrize(
    "when, working, why",
    [
        ("Wed 24 Dec 2025", True, "Christmas Eve is a working day"),
        ("Thu 25 Dec 2025", False, "Christmas Day"),
        ("Fri 26 Dec 2025", False, "Boxing Day"),
        ("Sat 26 Dec 2026", False, "Boxing Day on a Saturday (a weekend anyway)"),
        ("Mon 28 Dec 2026", False, "Boxing Day's substitute"),
        ("Mon 27 Dec 2027", False, "Christmas Day's substitute"),
        ("Tue 28 Dec 2027", False, "Boxing Day's substitute"),
        ("Mon 3 Jan 2028", False, "New Year's Day's substitute"),
        ("Fri 14 Apr 2028", False, "Good Friday"),
        ("Mon 17 Apr 2028", False, "Easter Monday"),
        ("Tue 18 Apr 2028", True, "the day after Easter Monday"),
        ("Sat 3 Jan 2026", False, "a Saturday"),
        ("Sun 4 Jan 2026", False, "a Sunday"),
        ("Mon 19 Sep 2022", False, "the Queen's state funeral"),
        ("Mon 8 May 2023", False, "the coronation"),
    ],
)
def test_which_days_are_working_days(when: str, working: bool, why: str) -> None:
    assert is_working_day(day(when)) is working, why


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(date(2028, 12, 29), 1),
        lambda: add_working_days(date(2028, 12, 20), 10),
        lambda: is_working_day(date(2029, 1, 2)),
        lambda: is_working_day(date(1999, 12, 31)),
        lambda: working_days_between(date(2028, 12, 1), date(2029, 2, 1)),
    ],
    ids=["a day past the end", "counting past the end", "next year", "before", "between"],
)
def test_a_date_outside_the_holiday_table_is_refused_not_guessed(call: object) -> None:
    with pytest.raises(OutsideHolidayTable, match="bank_holidays.json"):
        call()  # type: ignore[operator]


def test_the_last_day_of_the_table_can_still_be_counted_to() -> None:
    assert add_working_days(day("Wed 27 Dec 2028"), 2) == day("Fri 29 Dec 2028")


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(day("Fri 19 Dec 2025"), -1)


# --- the local date of a moment ------------------------------------------------------------

BST = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    "moment, local, why",
    [
        (datetime(2026, 1, 15, 23, 59, tzinfo=UTC), date(2026, 1, 15), "GMT: UTC is London"),
        (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 6, 30), "23:59 BST"),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), date(2026, 7, 1), "midnight BST"),
        (datetime(2026, 3, 28, 23, 59, tzinfo=UTC), date(2026, 3, 28), "the night before BST"),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30), "the first BST night"),
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25), "the last BST night"),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25), "back to GMT"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2026, 12, 31), "New Year's Eve, GMT"),
        (datetime(2026, 7, 1, 0, 30, tzinfo=BST), date(2026, 7, 1), "a time given in BST"),
        (
            datetime(2026, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))),
            date(2026, 7, 1),
            "a time given in Paris",
        ),
        (
            datetime(2026, 6, 30, 19, 30, tzinfo=timezone(timedelta(hours=-4))),
            date(2026, 7, 1),
            "a time given in New York",
        ),
    ],
)
def test_the_date_of_receipt_is_the_date_in_london(moment: datetime, local: date, why: str) -> None:
    assert london_date(moment) == local, why


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        london_date(datetime(2026, 6, 30, 23, 30))
