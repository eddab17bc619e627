"""How much of a submission's time had gone by when staff recorded it
(portal/domain/channels.py), in working days from the day it came (day 0)."""

from datetime import date

import pytest

from portal.domain.channels import (
    ReceivedBeforeTheCalendar,
    ReceivedInFuture,
    check_received_on,
    time_used,
)
from portal.domain.holidays import bank_holidays

# Friday 19 December 2025 (domain.md): acknowledged within 3 working days means by
# Wednesday 24 December.
CAME = date(2025, 12, 19)
DUE = date(2025, 12, 24)


def test_nothing_is_used_until_a_working_day_has_gone_by() -> None:
    assert time_used(CAME, DUE, CAME) is None
    assert time_used(date(2025, 12, 20), DUE, date(2025, 12, 21)) is None  # Sat, Sun


def test_the_working_days_since_it_came_skip_weekends_and_bank_holidays() -> None:
    # Mon 22, Tue 23, Wed 24, (Christmas, Boxing Day, weekend) Mon 29 December.
    used = time_used(CAME, DUE, date(2025, 12, 29))
    assert used is not None
    assert used.working_days == 4
    assert used.acknowledge_by == DUE
    assert used.late


def test_the_acknowledgement_is_late_only_after_its_day_and_while_not_made() -> None:
    on_the_day = time_used(CAME, DUE, DUE)
    assert on_the_day is not None and not on_the_day.late
    made = time_used(CAME, DUE, date(2026, 1, 5), acknowledged=True)
    assert made is not None and not made.late


def test_a_day_after_today_is_refused() -> None:
    assert check_received_on(CAME, CAME) == CAME
    with pytest.raises(ReceivedInFuture):
        check_received_on(date(2025, 12, 20), CAME)


def test_a_day_before_the_bank_holidays_known_is_refused() -> None:
    first = date(bank_holidays().first_year, 1, 1)
    assert check_received_on(first, CAME) == first
    with pytest.raises(ReceivedBeforeTheCalendar):
        check_received_on(date(first.year - 1, 12, 31), CAME)
