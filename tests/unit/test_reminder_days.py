"""When a reminder and a breach notice are due (portal/domain/reminders.py).

Every expected date was counted by hand on a calendar, skipping weekends and the bank
holidays in domain.md ("Working days"). Each row names the weekday, and `day()` refuses
a row whose weekday is wrong.
"""

from datetime import date, datetime, timedelta

import pytest

from portal.domain.clock import working_days_before
from portal.domain.reminders import (
    DigestSection,
    Notice,
    breach_day,
    digest_day,
    digest_section,
    notice_due,
    reminder_day,
)


def day(text: str) -> date:
    """ "Fri 19 Dec 2025" as a date, checking the weekday written is the right one."""
    parsed = datetime.strptime(text, "%a %d %b %Y").date()
    if parsed.strftime("%a") != text[:3]:
        raise ValueError(f"{text!r} is a {parsed:%A}")
    return parsed


# (due, working days before, first reminder, why)
REMINDER_DAYS = [
    ("Wed 7 Jan 2026", 3, "Fri 2 Jan 2026", "Tue 6, Mon 5, Fri 2; New Year's Day skipped"),
    ("Wed 24 Dec 2025", 3, "Fri 19 Dec 2025", "Tue 23, Mon 22, Fri 19"),
    ("Tue 29 Dec 2026", 3, "Tue 22 Dec 2026", "Christmas Fri 25 and its substitute Mon 28"),
    ("Mon 4 Jan 2027", 3, "Tue 29 Dec 2026", "New Year's Day Fri 1 Jan"),
    ("Tue 7 Apr 2026", 1, "Thu 2 Apr 2026", "Easter Monday and Good Friday skipped"),
    ("Tue 7 Apr 2026", 3, "Tue 31 Mar 2026", "Thu 2, Wed 1, Tue 31"),
    ("Tue 26 May 2026", 1, "Fri 22 May 2026", "Spring bank holiday, Mon 25 May"),
    ("Wed 7 Jan 2026", 0, "Wed 7 Jan 2026", "no warning: the due date itself"),
    ("Sun 11 Jan 2026", 3, "Wed 7 Jan 2026", "a date staff set on a Sunday: Fri 9, Thu 8, Wed 7"),
]


@pytest.mark.parametrize(("due", "days", "first", "why"), REMINDER_DAYS)
def test_the_reminder_comes_the_set_number_of_working_days_before_the_due_date(
    due: str, days: int, first: str, why: str
) -> None:
    assert reminder_day(day(due), days) == day(first), why
    assert working_days_before(day(due), days) == day(first), why


# (due, the day it is missed, why)
BREACH_DAYS = [
    ("Wed 7 Jan 2026", "Thu 8 Jan 2026", "the next day"),
    ("Wed 24 Dec 2025", "Mon 29 Dec 2025", "Christmas Day, Boxing Day and the weekend"),
    ("Thu 24 Dec 2026", "Tue 29 Dec 2026", "Christmas Fri 25, Boxing Day's substitute Mon 28"),
    ("Thu 31 Dec 2026", "Mon 4 Jan 2027", "New Year's Day Fri 1 Jan 2027"),
    ("Fri 22 May 2026", "Tue 26 May 2026", "the weekend and the spring bank holiday"),
    ("Thu 2 Apr 2026", "Tue 7 Apr 2026", "Good Friday and Easter Monday"),
    ("Sun 11 Jan 2026", "Mon 12 Jan 2026", "a date staff set on a Sunday"),
]


@pytest.mark.parametrize(("due", "missed", "why"), BREACH_DAYS)
def test_a_step_is_missed_on_the_first_working_day_after_its_due_date(
    due: str, missed: str, why: str
) -> None:
    assert breach_day(day(due)) == day(missed), why


def notices_from(first: str, last: str, due: str, days_before: int = 3) -> dict[str, str]:
    """What the job would send each day from `first` to `last`, as "Fri 2 Jan 2026"."""
    found = {}
    today = day(first)
    while today <= day(last):
        notice = notice_due(today, day(due), days_before)
        if notice is not None:
            found[f"{today:%a} {today.day} {today:%b %Y}"] = notice.value
        today += timedelta(days=1)
    return found


def test_a_response_due_on_7_january_is_reminded_on_the_2nd_and_breached_on_the_8th() -> None:
    # Received Fri 19 Dec 2025, so due 10 working days later: Wed 7 Jan 2026.
    assert notices_from("Fri 19 Dec 2025", "Mon 12 Jan 2026", "Wed 7 Jan 2026") == {
        "Fri 2 Jan 2026": "reminder",
        "Sat 3 Jan 2026": "reminder",
        "Sun 4 Jan 2026": "reminder",
        "Mon 5 Jan 2026": "reminder",
        "Tue 6 Jan 2026": "reminder",
        "Wed 7 Jan 2026": "reminder",
        "Thu 8 Jan 2026": "breach",
        "Fri 9 Jan 2026": "breach",
        "Sat 10 Jan 2026": "breach",
        "Sun 11 Jan 2026": "breach",
        "Mon 12 Jan 2026": "breach",
    }


def test_a_step_due_on_christmas_eve_is_not_breached_until_the_monday_after() -> None:
    due = day("Wed 24 Dec 2025")
    for quiet in ("Thu 25 Dec 2025", "Fri 26 Dec 2025", "Sat 27 Dec 2025", "Sun 28 Dec 2025"):
        assert notice_due(day(quiet), due, 3) is None, quiet
    assert notice_due(day("Wed 24 Dec 2025"), due, 3) is Notice.REMINDER
    assert notice_due(day("Mon 29 Dec 2025"), due, 3) is Notice.BREACH


def test_nothing_is_due_the_day_before_the_reminder_day() -> None:
    assert notice_due(day("Wed 31 Dec 2025"), day("Wed 7 Jan 2026"), 3) is None
    assert notice_due(day("Thu 1 Jan 2026"), day("Wed 7 Jan 2026"), 3) is None
    assert notice_due(day("Mon 21 Dec 2026"), day("Tue 29 Dec 2026"), 3) is None
    assert notice_due(day("Tue 22 Dec 2026"), day("Tue 29 Dec 2026"), 3) is Notice.REMINDER


def test_a_run_that_missed_the_breach_day_sends_the_notice_at_the_next_run() -> None:
    # Nothing ran between Thu 8 Jan and Mon 2 Feb: the case is still breached.
    assert notice_due(day("Mon 2 Feb 2026"), day("Wed 7 Jan 2026"), 3) is Notice.BREACH


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError):
        working_days_before(day("Wed 7 Jan 2026"), -1)


# (today, due, section) with 3 working days ahead
SECTIONS = [
    ("Fri 2 Jan 2026", "Wed 31 Dec 2025", DigestSection.OVERDUE),
    ("Fri 2 Jan 2026", "Fri 2 Jan 2026", DigestSection.DUE),
    ("Fri 2 Jan 2026", "Wed 7 Jan 2026", DigestSection.DUE),  # Mon 5, Tue 6, Wed 7
    ("Fri 2 Jan 2026", "Thu 8 Jan 2026", None),
    ("Wed 23 Dec 2026", "Wed 30 Dec 2026", DigestSection.DUE),  # Thu 24, Tue 29, Wed 30
    ("Wed 23 Dec 2026", "Thu 31 Dec 2026", None),
]


@pytest.mark.parametrize(("today", "due", "section"), SECTIONS)
def test_the_digest_lists_what_is_overdue_and_what_falls_due_in_the_next_working_days(
    today: str, due: str, section: DigestSection | None
) -> None:
    assert digest_section(day(today), day(due), 3) is section


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        ("Fri 2 Jan 2026", True),
        ("Thu 1 Jan 2026", False),
        ("Sat 3 Jan 2026", False),
        ("Fri 25 Dec 2026", False),
        ("Mon 28 Dec 2026", False),
        ("Tue 29 Dec 2026", True),
    ],
)
def test_digests_go_out_on_working_days_only(today: str, sent: bool) -> None:
    assert digest_day(day(today)) is sent
