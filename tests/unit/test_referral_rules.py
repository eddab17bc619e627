"""The rules of a referral to the advocacy provider (portal/domain/referrals.py): when it
is due, overdue and escalated, which step is allowed, and the report's median."""

from datetime import date

import pytest

from portal.domain import referrals as rules
from portal.domain.referrals import Dates, ReferralRefused, Status
from portal.domain.reports import median_from_counts

THU = date(2026, 4, 2)  # before Good Friday (3 April) and Easter Monday (6 April)


def waiting(made_on: date = THU, **changes: object) -> Dates:
    return Dates(
        **({"status": Status.WAITING, "made_on": made_on, "due_on": rules.due_on(made_on, 1)}
           | changes)  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("made_on", "days", "due"),
    [
        (THU, 1, date(2026, 4, 7)),  # over Easter
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # a Friday: the Monday
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas, weekend, 28 Dec
        (date(2026, 12, 5), 3, date(2026, 12, 9)),  # made on a Saturday
    ],
)
def test_a_referral_is_due_the_nth_working_day_after_it_was_made(
    made_on: date, days: int, due: date
) -> None:
    assert rules.due_on(made_on, days) == due


def test_overdue_the_day_after_it_was_due_and_escalated_once_on_a_working_day() -> None:
    referral = waiting()
    assert not rules.is_overdue(referral, date(2026, 4, 7))
    assert rules.is_overdue(referral, date(2026, 4, 8))
    assert rules.needs_escalation(referral, date(2026, 4, 8))
    assert not rules.needs_escalation(referral, date(2026, 4, 11))  # a Saturday
    assert not rules.needs_escalation(waiting(escalated=True), date(2026, 4, 8))
    assert not rules.needs_escalation(waiting(case_closed=True), date(2026, 4, 8))
    accepted = waiting(status=Status.ACCEPTED)
    assert not rules.is_overdue(accepted, date(2026, 5, 1))
    assert not rules.needs_escalation(accepted, date(2026, 5, 1))


def test_within_the_contract_is_a_first_contact_by_the_day_it_was_due() -> None:
    assert rules.within_contract(waiting()) is None
    assert rules.within_contract(waiting(first_contact_on=date(2026, 4, 7))) is True
    assert rules.within_contract(waiting(first_contact_on=date(2026, 4, 8))) is False


def test_each_step_in_its_turn() -> None:
    today = date(2026, 4, 10)
    with pytest.raises(ReferralRefused, match="today or in the past"):
        rules.check_accept(waiting(), date(2026, 4, 11), today)
    with pytest.raises(ReferralRefused, match="on or after the day the referral was made"):
        rules.check_accept(waiting(), date(2026, 4, 1), today)
    rules.check_accept(waiting(), THU, today)
    with pytest.raises(ReferralRefused) as refused:
        rules.check_decline(waiting(), THU, " ", today)
    assert refused.value.field == "reason"
    with pytest.raises(ReferralRefused, match="Accept the referral before recording a contact"):
        rules.check_first_contact(waiting(), THU, today)
    accepted = waiting(status=Status.ACCEPTED)
    rules.check_first_contact(accepted, THU, today)
    rules.check_name_advocate(accepted)
    with pytest.raises(ReferralRefused, match="first contact with the child before"):
        rules.check_visit(accepted, THU, "A visit", today)
    contacted = waiting(status=Status.ACCEPTED, first_contact_on=date(2026, 4, 7))
    with pytest.raises(ReferralRefused, match="already recorded"):
        rules.check_first_contact(contacted, THU, today)
    with pytest.raises(ReferralRefused, match="on or after"):
        rules.check_visit(contacted, date(2026, 4, 6), "Before the first contact", today)
    rules.check_visit(contacted, date(2026, 4, 8), "A visit", today)
    with pytest.raises(ReferralRefused) as refused:
        rules.check_close(contacted, today, "somewhere", today)
    assert refused.value.field == "outcome"
    rules.check_close(contacted, today, "no_contact", today)
    with pytest.raises(ReferralRefused, match="Only an accepted referral"):
        rules.check_close(waiting(status=Status.CLOSED), today, "no_contact", today)


@pytest.mark.parametrize(
    ("counts", "median"),
    [({}, None), ({3: 1}, 3.0), ({1: 1, 3: 1}, 2.0), ({0: 2, 5: 1}, 0.0), ({1: 2, 4: 2}, 2.5)],
)
def test_the_median_from_counts_of_each_value(counts: dict[int, int], median: float) -> None:
    assert median_from_counts(counts) == median
