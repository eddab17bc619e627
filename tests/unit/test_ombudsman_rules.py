"""The ombudsman's enquiry: what the council owes next and when it is late
(domain/ombudsman.py), and what cannot be recorded."""

from datetime import date

import pytest

from portal.domain.ombudsman import (
    COMMENTS,
    REMEDY,
    REPLY,
    Enquiry,
    OmbudsmanRefused,
    Owed,
    Remedy,
    check_comments,
    check_compliance,
    check_decision,
    check_draft,
    check_received,
    check_remedy,
    check_reply,
    check_reply_due,
    complied_on_time,
    due_next,
    is_open,
    owed,
)

ARRIVED = date(2026, 3, 2)
TODAY = date(2026, 6, 1)


def test_the_reply_is_owed_by_the_date_the_ombudsman_set_and_late_the_day_after() -> None:
    enquiry = Enquiry(ARRIVED, reply_due_on=date(2026, 3, 30))
    assert owed(enquiry) == [Owed(REPLY, date(2026, 3, 30))]
    assert not owed(enquiry)[0].overdue(date(2026, 3, 30))
    assert owed(enquiry)[0].overdue(date(2026, 3, 31))


def test_nothing_dated_is_owed_before_the_ombudsman_sets_a_date() -> None:
    assert owed(Enquiry(ARRIVED)) == []
    assert is_open(Enquiry(ARRIVED))


def test_once_replied_the_comments_on_a_draft_decision_are_owed_until_sent() -> None:
    replied = Enquiry(ARRIVED, reply_due_on=date(2026, 3, 30), replied_on=date(2026, 3, 27))
    assert owed(replied) == []
    draft = Enquiry(
        ARRIVED,
        reply_due_on=date(2026, 3, 30),
        replied_on=date(2026, 3, 27),
        draft_decision_on=date(2026, 5, 4),
        comments_due_on=date(2026, 5, 18),
    )
    assert owed(draft) == [Owed(COMMENTS, date(2026, 5, 18))]
    sent = Enquiry(**{**draft.__dict__, "comments_sent_on": date(2026, 5, 15)})
    assert owed(sent) == []


def test_each_remedy_is_owed_until_complied_with_soonest_first() -> None:
    decided = Enquiry(
        ARRIVED,
        replied_on=date(2026, 3, 27),
        decided_on=date(2026, 6, 1),
        remedies=(
            Remedy(date(2026, 8, 31)),
            Remedy(date(2026, 7, 1)),
            Remedy(date(2026, 6, 30), complied_on=date(2026, 6, 10)),
        ),
    )
    assert owed(decided) == [Owed(REMEDY, date(2026, 7, 1)), Owed(REMEDY, date(2026, 8, 31))]
    assert is_open(decided)
    done = Enquiry(
        ARRIVED,
        decided_on=date(2026, 6, 1),
        remedies=(Remedy(date(2026, 6, 30), date(2026, 7, 2)),),
    )
    assert not is_open(done)
    assert not complied_on_time(done.remedies[0])
    assert complied_on_time(Remedy(date(2026, 6, 30), date(2026, 6, 30)))


def test_a_case_s_enquiries_owe_together_soonest_first() -> None:
    first = Enquiry(ARRIVED, reply_due_on=date(2026, 4, 30))
    second = Enquiry(date(2026, 4, 1), reply_due_on=date(2026, 4, 15))
    assert [o.due_on for o in due_next([first, second])] == [date(2026, 4, 15), date(2026, 4, 30)]


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (lambda: check_received(date(2026, 6, 2), ARRIVED, TODAY), "must be today or in the past"),
        (lambda: check_received(date(2026, 3, 1), ARRIVED, TODAY), "on or after the case"),
        (lambda: check_reply_due(Enquiry(ARRIVED), date(2026, 3, 1)), "on or after the enquiry"),
        (
            lambda: check_reply(Enquiry(ARRIVED), date(2026, 2, 27), TODAY),
            "on or after the enquiry",
        ),
        (
            lambda: check_draft(Enquiry(ARRIVED), date(2026, 5, 4), date(2026, 5, 1), TODAY),
            "on or after the draft",
        ),
        (
            lambda: check_comments(Enquiry(ARRIVED), date(2026, 5, 4), TODAY),
            "Record the draft decision",
        ),
        (lambda: check_decision(Enquiry(ARRIVED), None, "upheld", TODAY), "Enter the date"),
        (
            lambda: check_decision(Enquiry(ARRIVED), date(2026, 3, 1), "upheld", TODAY),
            "on or after the enquiry",
        ),
        (
            lambda: check_decision(
                Enquiry(ARRIVED, draft_decision_on=date(2026, 5, 4)),
                date(2026, 5, 1),
                "upheld",
                TODAY,
            ),
            "on or after the draft",
        ),
        (lambda: check_remedy(Enquiry(ARRIVED), date(2026, 7, 1)), "Record the final decision"),
        (
            lambda: check_remedy(Enquiry(ARRIVED, decided_on=date(2026, 5, 4)), date(2026, 5, 1)),
            "on or after the final",
        ),
        (
            lambda: check_compliance(
                Enquiry(ARRIVED, decided_on=date(2026, 5, 4)), date(2026, 6, 2), TODAY
            ),
            "today or in the past",
        ),
    ],
    ids=[
        "arrives tomorrow",
        "arrives before the case",
        "reply due before it arrived",
        "reply before it arrived",
        "comments due before the draft",
        "comments without a draft",
        "a decision without a date",
        "a decision before it arrived",
        "a decision before the draft",
        "a remedy before the decision",
        "a remedy due before the decision",
        "complied tomorrow",
    ],
)
def test_what_cannot_have_happened_is_refused_saying_why(check: object, message: str) -> None:
    with pytest.raises(OmbudsmanRefused, match=message):
        check()  # type: ignore[operator]
