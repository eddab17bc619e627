"""Counting working days with the clock's pauses (portal/domain/ledger.py), and the due
dates that follow (domain.md, "Working days": the day of receipt is day 0)."""

from datetime import date

import pytest

from portal.domain.ledger import Pause, count, working_days_taken
from portal.domain.stages import Progress, next_due
from portal.domain.timescales import ClockPaused, Procedure, Step, deadline

RECEIVED = date(2025, 12, 19)  # a Friday


def test_without_pauses_the_count_is_the_statutory_one() -> None:
    counted = count(RECEIVED, 10)
    assert counted.due == date(2026, 1, 7)
    assert [line.counted for line in counted.lines if line.counted] == list(range(1, 11))
    skipped = {line.day: line.skipped for line in counted.lines if line.skipped}
    assert skipped[date(2025, 12, 25)] == "Bank holiday: Christmas Day"
    assert skipped[date(2025, 12, 26)] == "Bank holiday: Boxing Day"
    assert skipped[date(2025, 12, 27)] == "Saturday"
    assert skipped[date(2025, 12, 28)] == "Sunday"


def test_paused_days_do_not_count_and_the_restart_day_does() -> None:
    pauses = (Pause(date(2026, 1, 5), date(2026, 1, 12), "Waiting for an advocate"),)
    counted = count(RECEIVED, 10, pauses)
    assert counted.due == date(2026, 1, 14)
    days = {line.day: line for line in counted.lines}
    assert days[date(2026, 1, 5)].skipped == "Clock paused: Waiting for an advocate"
    assert days[date(2026, 1, 10)].skipped == "Saturday"  # a weekend says so, paused or not
    assert days[date(2026, 1, 12)].counted == 8


def test_an_open_pause_leaves_no_due_date_and_says_so() -> None:
    pause = Pause(date(2026, 1, 5), None, "Waiting for an advocate")
    counted = count(RECEIVED, 10, (pause,))
    assert counted.due is None and counted.open_pause == pause
    assert counted.lines[-1].day == date(2026, 1, 4)  # the Sunday before the pause
    with pytest.raises(ClockPaused):
        deadline(Procedure.ENGLAND_CHILDREN, Step.STAGE1_RESPONSE, RECEIVED, pauses=(pause,))


def test_a_pause_after_the_due_date_does_not_move_it() -> None:
    late = (Pause(date(2026, 1, 9), None, "Too late to pause"),)
    assert count(RECEIVED, 10, late).due == date(2026, 1, 7)


def test_the_working_days_a_step_took_leave_out_its_pauses() -> None:
    pauses = (Pause(date(2026, 1, 5), date(2026, 1, 12)),)
    assert working_days_taken(RECEIVED, date(2026, 1, 14)) == 15
    assert working_days_taken(RECEIVED, date(2026, 1, 14), pauses) == 10


def test_a_paused_stage_has_nothing_due_until_it_restarts() -> None:
    paused = Progress(
        Procedure.ENGLAND_CHILDREN,
        RECEIVED,
        acknowledged_on=date(2025, 12, 22),
        accepted_on=date(2025, 12, 22),
        pauses=(Pause(date(2026, 1, 5), None, "Waiting for an advocate"),),
    )
    due = next_due(paused)
    assert due is not None and due.deadline is None
    assert due.paused is not None and due.paused.reason == "Waiting for an advocate"
    deadline_known = next_due(
        Progress(
            Procedure.ENGLAND_CHILDREN,
            RECEIVED,
            acknowledged_on=date(2025, 12, 22),
            accepted_on=date(2025, 12, 22),
        )
    )
    assert deadline_known is not None and deadline_known.deadline is not None
    assert deadline_known.deadline.counted_from == RECEIVED
    assert deadline_known.deadline.statutory_days == 10
