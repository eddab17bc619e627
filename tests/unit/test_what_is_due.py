"""What the council owes, from the moment a submission is received (portal/domain/stages.py
`running`, `first_response`; domain.md, "Timescales"): the statutory step runs from
receipt whether or not anyone has accepted the complaint, and a step counted from an event
counts from the day the event happened, from the day it was due only until then.

Every expected date was counted by hand on a calendar (the day of the event is day 0),
skipping weekends and the bank holidays in domain.md.
"""

from dataclasses import replace
from datetime import date

import pytest

from portal.domain.stages import (
    Due,
    Move,
    Progress,
    apply_move,
    counted_from,
    first_response,
    longest_first_response,
    move_label,
    next_due,
    running,
)
from portal.domain.timescales import (
    AcknowledgementRefused,
    Procedure,
    Step,
    acknowledged_late,
    check_acknowledgement_date,
    limit_days,
)
from portal.domain.types import Kind

ENGLAND = Procedure.ENGLAND_CHILDREN
WALES = Procedure.WALES_CHILDREN
CORPORATE = Procedure.CORPORATE

FRI_19_DEC_2025 = date(2025, 12, 19)
WED_23_DEC_2026 = date(2026, 12, 23)


def case(
    procedure: Procedure,
    received_on: date = FRI_19_DEC_2025,
    *,
    acknowledge_by: date | None = None,
    **happened: object,
) -> Progress:
    """A submission received on `received_on`, due to be acknowledged by the council's
    3-day target (England, corporate) or the law's 2 days (Wales), with what has happened."""
    if acknowledge_by is None:
        acknowledge_by = {
            (ENGLAND, FRI_19_DEC_2025): date(2025, 12, 24),
            (CORPORATE, FRI_19_DEC_2025): date(2025, 12, 24),
            (WALES, FRI_19_DEC_2025): date(2025, 12, 23),
            (ENGLAND, WED_23_DEC_2026): date(2026, 12, 30),
            (WALES, WED_23_DEC_2026): date(2026, 12, 29),
            (CORPORATE, WED_23_DEC_2026): date(2026, 12, 30),
        }[(procedure, received_on)]
    return Progress(procedure, received_on, acknowledge_by=acknowledge_by, **happened)  # type: ignore[arg-type]


def shown(owed: list[Due]) -> list[tuple[str, date | None]]:
    return [(d.what, d.deadline.due if d.deadline else None) for d in owed]


# --- the statutory step runs from receipt ------------------------------------------------


def test_in_england_a_new_complaint_owes_its_acknowledgement_and_stage_1_response_at_once() -> None:
    # domain.md: received Fri 19 Dec 2025, +3 -> Wed 24 Dec, +10 -> Wed 7 Jan 2026.
    assert shown(running(case(ENGLAND))) == [
        ("Acknowledge", date(2025, 12, 24)),
        ("Stage 1 response", date(2026, 1, 7)),
    ]


def test_in_england_an_acknowledged_complaint_nobody_accepted_still_owes_its_stage_1() -> None:
    # The issue: acknowledged by email, "Next due: Nothing due" while the person was told
    # "We will reply by ...". SI 2006/1738: 10 working days from receipt.
    acknowledged = case(ENGLAND, acknowledged_on=FRI_19_DEC_2025)
    found = next_due(acknowledged)
    assert found is not None and found.deadline is not None
    assert (found.what, found.deadline.due) == ("Stage 1 response", date(2026, 1, 7))
    assert found.deadline.statutory == date(2026, 1, 7)
    assert found.deadline.counted_from == FRI_19_DEC_2025


def test_accepting_a_complaint_at_stage_1_does_not_move_its_date() -> None:
    acknowledged = case(ENGLAND, acknowledged_on=date(2025, 12, 22))
    accepted = apply_move(acknowledged, Move.ACCEPT, date(2026, 1, 5))
    assert shown(running(acknowledged)) == shown(running(accepted))


def test_in_england_over_christmas_2026_the_stage_1_response_is_due_on_monday_11_january() -> None:
    # domain.md: received Wed 23 Dec 2026, +3 -> Wed 30 Dec 2026, +10 -> Mon 11 Jan 2027.
    assert shown(running(case(ENGLAND, WED_23_DEC_2026))) == [
        ("Acknowledge", date(2026, 12, 30)),
        ("Stage 1 response", date(2027, 1, 11)),
    ]
    extended = case(ENGLAND, WED_23_DEC_2026, accepted_on=date(2026, 12, 24))
    assert longest_first_response(extended) == date(2027, 1, 25)  # 20 from receipt


def test_a_closed_case_owes_nothing_whatever_its_kind() -> None:
    for kind in Kind:
        closed = case(ENGLAND, kind=kind, withdrawn_on=date(2025, 12, 22))
        assert running(closed) == []


# --- Wales: counted from the acknowledgement as it was made -------------------------------


def test_in_wales_the_discussion_counts_from_the_day_the_acknowledgement_was_made() -> None:
    # The example: acknowledged by email on Fri 19 Dec 2025. The law gives
    # Wed 7 Jan 2026 (WSI 2014/1795); counting from the acknowledgement's due date
    # (Tue 23 Dec) gave Fri 9 Jan.
    acknowledged = case(WALES, acknowledged_on=FRI_19_DEC_2025)
    found = next_due(acknowledged)
    assert found is not None and found.deadline is not None
    assert (found.what, found.deadline.due) == ("Discussion held", date(2026, 1, 7))
    assert found.deadline.counted_from == FRI_19_DEC_2025
    assert counted_from(acknowledged, Step.DISCUSSION) == FRI_19_DEC_2025


def test_in_wales_until_it_is_acknowledged_the_discussion_counts_from_its_due_date() -> None:
    waiting = case(WALES)
    assert counted_from(waiting, Step.DISCUSSION) == date(2025, 12, 23)
    assert shown(running(waiting)) == [
        ("Acknowledge", date(2025, 12, 23)),
        ("Discussion held", date(2026, 1, 9)),
    ]


def test_in_wales_a_late_acknowledgement_moves_the_discussion_later() -> None:
    # Acknowledged by phone on Mon 29 Dec 2025, after its due date (Tue 23 Dec): the
    # ten working days run from that day, to Tue 13 Jan 2026 (30, 31 Dec, 2, 5-9, 12, 13).
    late = case(WALES, acknowledged_on=date(2025, 12, 29))
    assert shown(running(late)) == [("Discussion held", date(2026, 1, 13))]


def test_in_wales_an_acknowledgement_made_early_brings_the_discussion_forward() -> None:
    # Received without an email address: until acknowledged, Fri 9 Jan (from the due
    # date, Tue 23 Dec). Phoned on Mon 22 Dec: ten working days end Thu 8 Jan 2026.
    phoned = case(WALES, acknowledged_on=date(2025, 12, 22))
    assert shown(running(phoned)) == [("Discussion held", date(2026, 1, 8))]


def test_in_wales_an_acknowledgement_email_held_up_keeps_the_date_it_gave_the_person() -> None:
    # Queued on Fri 19 Dec (the confirmation page and the email say Wed 7 Jan 2026); the
    # mail server was down until Mon 22 Dec. Counted from the day it went, the date would
    # move to Thu 8 Jan, a day later than the person was told.
    held_up = case(
        WALES, acknowledgement_queued_on=FRI_19_DEC_2025, acknowledged_on=date(2025, 12, 22)
    )
    assert counted_from(held_up, Step.DISCUSSION) == FRI_19_DEC_2025
    assert shown(running(held_up)) == [("Discussion held", date(2026, 1, 7))]


@pytest.mark.parametrize("procedure", [WALES, CORPORATE])
def test_an_acknowledgement_email_sent_after_midnight_keeps_the_date_it_gave(
    procedure: Procedure,
) -> None:
    # Queued at 23:59 on Wed 10 Jun 2026, sent at 00:00 on Thu 11 Jun (both are Wednesday
    # in UTC): 10 working days from Wed 10 Jun are Wed 24 Jun, from Thu 11 Jun Thu 25 Jun.
    wed, thu = date(2026, 6, 10), date(2026, 6, 11)
    sent = case(
        procedure, wed, acknowledge_by=date(2026, 6, 12),
        acknowledgement_queued_on=wed, acknowledged_on=thu,
    )  # fmt: skip
    first = first_response(sent)
    assert first is not None and first.deadline is not None
    assert first.deadline.due == date(2026, 6, 24)


def test_in_wales_over_christmas_2026_the_discussion_is_due_on_monday_11_january() -> None:
    # Acknowledged Wed 23 Dec 2026: Thu 24; 25 and 28 Dec (the substitute) and 1 Jan off.
    acknowledged = case(WALES, WED_23_DEC_2026, acknowledged_on=WED_23_DEC_2026)
    assert shown(running(acknowledged)) == [("Discussion held", date(2027, 1, 11))]


@pytest.mark.parametrize(
    ("discussion_on", "resolution_by"),
    [
        (date(2026, 1, 5), date(2026, 1, 12)),  # a plain week
        (date(2026, 12, 23), date(2027, 1, 4)),  # 24, 29, 30, 31 Dec and 4 Jan
        (date(2026, 4, 2), date(2026, 4, 13)),  # over Good Friday and Easter Monday
    ],
)
def test_in_wales_the_written_resolution_is_due_5_working_days_after_the_discussion(
    discussion_on: date, resolution_by: date
) -> None:
    progress = case(
        WALES,
        acknowledged_on=FRI_19_DEC_2025,
        accepted_on=FRI_19_DEC_2025,
        discussion_on=discussion_on,
    )
    assert shown(running(progress)) == [("Written resolution", resolution_by)]
    assert limit_days(WALES, Step.RESOLUTION_LETTER) == 5


def test_in_wales_the_discussion_and_the_written_resolution_are_recorded_in_turn() -> None:
    accepted = case(WALES, acknowledged_on=FRI_19_DEC_2025, accepted_on=date(2025, 12, 22))
    held = apply_move(accepted, Move.HOLD_DISCUSSION, date(2026, 1, 5))
    assert held.discussion_on == date(2026, 1, 5)
    answered = apply_move(held, Move.RESPOND_STAGE1, date(2026, 1, 9))
    assert running(answered) == []
    assert move_label(Move.RESPOND_STAGE1, WALES) == (
        "Record the written resolution (the stage 1 response)"
    )
    assert move_label(Move.RESPOND_STAGE1, ENGLAND) == "Record the stage 1 response"


@pytest.mark.parametrize(
    ("progress", "reason"),
    [
        (
            case(ENGLAND, accepted_on=date(2025, 12, 22)),
            "Only the Welsh procedure offers a discussion at stage 1.",
        ),
        (
            case(WALES),
            "The discussion is recorded once, at stage 1, before the written resolution.",
        ),
        (
            case(WALES, accepted_on=date(2025, 12, 22), discussion_on=date(2026, 1, 5)),
            "The discussion is recorded once, at stage 1, before the written resolution.",
        ),
    ],
    ids=["in England", "before stage 1", "twice"],
)
def test_a_discussion_is_recorded_only_in_wales_once_at_stage_1(
    progress: Progress, reason: str
) -> None:
    from portal.domain.stages import MoveRefused

    with pytest.raises(MoveRefused) as refused:
        apply_move(progress, Move.HOLD_DISCUSSION, date(2026, 1, 6))
    assert str(refused.value) == reason


def test_in_wales_stage_1_is_not_extended_the_discussion_is_agreed_instead() -> None:
    from portal.domain.stages import MoveRefused

    accepted = case(WALES, acknowledged_on=FRI_19_DEC_2025, accepted_on=date(2025, 12, 22))
    with pytest.raises(MoveRefused, match="The Welsh procedure has no stage 1 extension"):
        apply_move(accepted, Move.EXTEND_STAGE1, date(2026, 1, 5))


# --- the corporate procedure: the same principle --------------------------------------------


def test_corporate_stage_1_counts_from_the_acknowledgement_as_it_was_made() -> None:
    # Acknowledged Fri 19 Dec 2025: +10 -> Wed 7 Jan 2026, +20 -> Wed 21 Jan 2026.
    acknowledged = case(CORPORATE, acknowledged_on=FRI_19_DEC_2025)
    assert shown(running(acknowledged)) == [("Stage 1 response", date(2026, 1, 7))]
    assert longest_first_response(acknowledged) == date(2026, 1, 21)
    # Not yet acknowledged: from its due date, Wed 24 Dec -> Mon 12 Jan 2026.
    assert shown(running(case(CORPORATE))) == [
        ("Acknowledge", date(2025, 12, 24)),
        ("Stage 1 response", date(2026, 1, 12)),
    ]


def test_corporate_stage_2_counts_from_its_own_acknowledgement_as_it_was_made() -> None:
    asked = case(
        CORPORATE,
        WED_23_DEC_2026,
        acknowledged_on=WED_23_DEC_2026,
        accepted_on=WED_23_DEC_2026,
        stage1_responded_on=WED_23_DEC_2026,
        stage2_requested_on=WED_23_DEC_2026,
    )
    # The request acknowledged within 5 working days: 24, 29, 30, 31 Dec, Mon 4 Jan 2027;
    # until then stage 2 counts 20 from that date: Mon 1 Feb 2027.
    assert shown(running(asked)) == [
        ("Acknowledge the stage 2 request", date(2027, 1, 4)),
        ("Stage 2 response", date(2027, 2, 1)),
    ]
    acknowledged = apply_move(asked, Move.ACKNOWLEDGE_STAGE2, date(2026, 12, 24))
    # From Thu 24 Dec 2026: 29, 30, 31 Dec, then 4 Jan onwards: Tue 26 Jan 2027.
    assert shown(running(acknowledged)) == [("Stage 2 response", date(2027, 1, 26))]


def test_only_the_corporate_procedure_acknowledges_a_stage_2_request() -> None:
    from portal.domain.stages import MoveRefused

    asked = case(
        ENGLAND,
        accepted_on=date(2025, 12, 22),
        stage1_responded_on=date(2026, 1, 5),
        stage2_requested_on=date(2026, 1, 6),
    )
    with pytest.raises(MoveRefused, match="Only the corporate procedure"):
        apply_move(asked, Move.ACKNOWLEDGE_STAGE2, date(2026, 1, 7))


# --- representations, compliments and advocacy requests ---------------------------------------


def test_a_representation_owes_a_reply_by_the_councils_own_target_and_no_statutory_date() -> None:
    representation = case(ENGLAND, kind=Kind.REPRESENTATION, acknowledged_on=FRI_19_DEC_2025)
    found = first_response(representation, {Step.REPLY: 10})
    assert found is not None and found.deadline is not None
    assert (found.what, found.deadline.due, found.deadline.statutory) == (
        "Reply",
        date(2026, 1, 7),
        None,
    )
    assert first_response(representation) is None  # no target set: nothing dated


def test_an_advocacy_request_owes_its_acknowledgement_then_the_advocate() -> None:
    request = case(ENGLAND, kind=Kind.ADVOCACY, advocacy_due_on=date(2025, 12, 31))
    assert shown(running(request)) == [
        ("Acknowledge", date(2025, 12, 24)),
        ("Advocate arranged", date(2025, 12, 31)),
    ]
    assert first_response(request) is None


def test_a_compliment_owes_thanks_to_the_team_without_a_date_and_no_acknowledgement() -> None:
    compliment = case(ENGLAND, kind=Kind.COMPLIMENT)
    assert shown(running(compliment)) == [("Thank the team", None)]
    assert running(replace(compliment, thanked_on=date(2025, 12, 22))) == []


# --- the acknowledgement date -------------------------------------------------------------------


def test_an_acknowledgement_dated_in_the_future_is_refused() -> None:
    with pytest.raises(AcknowledgementRefused, match="The date must be today or in the past"):
        check_acknowledgement_date(FRI_19_DEC_2025, date(2025, 12, 23), today=date(2025, 12, 22))


def test_an_acknowledgement_before_receipt_is_refused() -> None:
    with pytest.raises(AcknowledgementRefused, match="before the submission was received"):
        check_acknowledgement_date(FRI_19_DEC_2025, date(2025, 12, 18), today=date(2025, 12, 22))


def test_an_acknowledgement_today_or_on_the_day_of_receipt_is_accepted() -> None:
    check_acknowledgement_date(FRI_19_DEC_2025, FRI_19_DEC_2025, today=FRI_19_DEC_2025)
    check_acknowledgement_date(FRI_19_DEC_2025, date(2026, 1, 5), today=date(2026, 1, 5))


@pytest.mark.parametrize(
    ("acknowledged_on", "acknowledge_by", "late"),
    [
        (date(2025, 12, 23), date(2025, 12, 23), False),  # Wales: on the second working day
        (date(2025, 12, 24), date(2025, 12, 23), True),  # Wales: the third is late
        (date(2025, 12, 24), date(2025, 12, 24), False),  # England: the council's 3 days
        (None, date(2025, 12, 24), False),  # not made yet: overdue, not late
    ],
)
def test_an_acknowledgement_is_late_after_the_cases_own_date(
    acknowledged_on: date | None, acknowledge_by: date, late: bool
) -> None:
    assert acknowledged_late(acknowledged_on, acknowledge_by) is late
