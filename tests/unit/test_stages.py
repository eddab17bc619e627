"""The case through the procedure (portal/domain/stages.py): which moves each procedure
allows, why the others are refused, and what the council owes next.

Every expected date below was counted by hand on a calendar, skipping weekends and the
bank holidays in domain.md ("Working days"): the day of receipt is day 0 and "within N
working days" is the Nth working day after it. The clock is only used to double-check
the tables, never to make the expected dates.
"""

from dataclasses import replace
from datetime import date

import pytest

from portal.domain.clock import add_working_days
from portal.domain.holidays import bank_holidays
from portal.domain.ombudsman import Enquiry
from portal.domain.stages import (
    Move,
    MoveRefused,
    NewDateRefused,
    Progress,
    Stage,
    Stage2ClockStart,
    allowed_moves,
    apply_move,
    check_move,
    current_stage,
    how_it_ended,
    is_late_request,
    next_due,
    reopen,
    reopen_stages,
    running,
    stage2_clock_start,
    stage2_longest,
)
from portal.domain.timescales import Deadline, Procedure, Step

ENGLAND = Procedure.ENGLAND_CHILDREN
WALES = Procedure.WALES_CHILDREN
CORPORATE = Procedure.CORPORATE

# Received on Friday 19 December 2025: Christmas, Boxing Day and New Year's Day follow.
RECEIVED = date(2025, 12, 19)
# Acknowledge by: the council's 3-day target (England, corporate); 2 days by law in Wales.
ACK_BY = {ENGLAND: date(2025, 12, 24), WALES: date(2025, 12, 23), CORPORATE: date(2025, 12, 24)}

# --- allowed moves -----------------------------------------------------------------------


def received(procedure: Procedure, on: date = RECEIVED) -> Progress:
    return Progress(procedure=procedure, received_on=on)


def walk(procedure: Procedure, *steps: tuple[Move, date], **extra: date) -> Progress:
    """A case taken through `steps` in order, each one checked as staff would record it."""
    progress = received(procedure)
    for move, on in steps:
        progress = apply_move(progress, move, on, **extra)
    return progress


ACCEPTED = (Move.ACCEPT, date(2025, 12, 22))
EXTENDED1 = (Move.EXTEND_STAGE1, date(2026, 1, 5))
RESPONDED1 = (Move.RESPOND_STAGE1, date(2026, 1, 20))
ASKED2 = (Move.REQUEST_STAGE2, date(2026, 2, 16))
STATEMENT = (Move.AGREE_STATEMENT, date(2026, 3, 2))
ADJUDICATED = (Move.ADJUDICATE_STAGE2, date(2026, 4, 29))
ASKED3 = (Move.REQUEST_STAGE3, date(2026, 5, 5))
PANEL = (Move.SET_PANEL, date(2026, 6, 15))
REPORT = (Move.PANEL_REPORT, date(2026, 6, 19))
RESPONDED3 = (Move.RESPOND_STAGE3, date(2026, 7, 8))

ALWAYS = {Move.WITHDRAW, Move.CLOSE}


@pytest.mark.parametrize(
    ("procedure", "expected"),
    [
        (ENGLAND, {Move.ACCEPT, Move.RESOLVE_INFORMALLY} | ALWAYS),
        (CORPORATE, {Move.ACCEPT, Move.RESOLVE_INFORMALLY} | ALWAYS),
        # Wales: a person may go straight to stage 2.
        (WALES, {Move.ACCEPT, Move.RESOLVE_INFORMALLY, Move.REQUEST_STAGE2} | ALWAYS),
    ],
)
def test_before_the_procedure_a_case_can_be_accepted_resolved_informally_or_withdrawn(
    procedure: Procedure, expected: set[Move]
) -> None:
    assert current_stage(received(procedure)) is Stage.TRIAGE
    assert set(allowed_moves(received(procedure), RECEIVED)) == expected


@pytest.mark.parametrize(
    ("steps", "stage", "expected"),
    [
        (
            [ACCEPTED],
            Stage.STAGE1,
            {Move.EXTEND_STAGE1, Move.RESPOND_STAGE1},
        ),
        ([ACCEPTED, EXTENDED1], Stage.STAGE1, {Move.RESPOND_STAGE1}),
        ([ACCEPTED, RESPONDED1], Stage.STAGE1, {Move.REQUEST_STAGE2}),
        (
            [ACCEPTED, RESPONDED1, ASKED2],
            Stage.STAGE2,
            {
                Move.AGREE_STATEMENT,
                Move.APPOINT_INVESTIGATORS,
                Move.EXTEND_STAGE2,
                Move.ADJUDICATE_STAGE2,
            },
        ),
        (
            [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED],
            Stage.STAGE2,
            {Move.REQUEST_STAGE3},
        ),
        (
            [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3],
            Stage.STAGE3,
            {Move.SET_PANEL},
        ),
        (
            [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL],
            Stage.STAGE3,
            {Move.PANEL_REPORT},
        ),
        (
            [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL, REPORT],
            Stage.STAGE3,
            {Move.RESPOND_STAGE3},
        ),
        (
            [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL, REPORT, RESPONDED3],
            Stage.STAGE3,
            set(),
        ),
    ],
    ids=[
        "stage 1",
        "stage 1 extended",
        "stage 1 answered",
        "stage 2",
        "stage 2 adjudicated",
        "stage 3 asked for",
        "panel met",
        "panel reported",
        "council responded",
    ],
)
def test_in_england_the_case_goes_through_three_stages(
    steps: list[tuple[Move, date]], stage: Stage, expected: set[Move]
) -> None:
    progress = walk(ENGLAND, *steps)
    assert current_stage(progress) is stage
    assert set(allowed_moves(progress, date(2026, 8, 10))) == expected | ALWAYS


@pytest.mark.parametrize("procedure", [WALES, CORPORATE])
def test_in_wales_and_the_corporate_procedure_the_ombudsman_comes_after_stage_2(
    procedure: Procedure,
) -> None:
    adjudicated = walk(procedure, ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED)
    assert set(allowed_moves(adjudicated, date(2026, 5, 5))) == ALWAYS
    with pytest.raises(MoveRefused, match="no review panel: the ombudsman comes next"):
        check_move(adjudicated, Move.REQUEST_STAGE3, date(2026, 5, 5))


def test_in_wales_a_person_can_go_straight_to_stage_2_from_triage_or_stage_1() -> None:
    straight = apply_move(received(WALES), Move.REQUEST_STAGE2, date(2025, 12, 22))
    assert current_stage(straight) is Stage.STAGE2
    assert straight.skipped_stage1
    from_stage1 = walk(WALES, ACCEPTED, (Move.REQUEST_STAGE2, date(2026, 1, 5)))
    assert current_stage(from_stage1) is Stage.STAGE2
    assert from_stage1.skipped_stage1


@pytest.mark.parametrize("procedure", [ENGLAND, CORPORATE])
def test_outside_wales_stage_2_is_refused_until_stage_1_is_answered(
    procedure: Procedure,
) -> None:
    for progress in (received(procedure), walk(procedure, ACCEPTED)):
        with pytest.raises(MoveRefused) as refused:
            check_move(progress, Move.REQUEST_STAGE2, date(2026, 1, 5))
        assert str(refused.value) == (
            "Stage 2 comes after the stage 1 response. Record the response first "
            "(only in Wales may a person go straight to stage 2)."
        )


def test_the_moves_record_their_dates_and_nothing_else() -> None:
    progress = walk(ENGLAND, ACCEPTED, EXTENDED1, RESPONDED1, ASKED2, STATEMENT)
    assert progress.accepted_on == date(2025, 12, 22)
    assert progress.stage1_extended_on == date(2026, 1, 5)
    assert progress.stage1_responded_on == date(2026, 1, 20)
    assert progress.stage2_requested_on == date(2026, 2, 16)
    assert progress.stage2_statement_on == date(2026, 3, 2)
    assert not progress.skipped_stage1
    assert progress.stage2_adjudicated_on is None


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        (Move.RESOLVE_INFORMALLY, "resolved_informally_on"),
        (Move.WITHDRAW, "withdrawn_on"),
        (Move.CLOSE, "closed_on"),
    ],
)
def test_a_case_resolved_informally_withdrawn_or_closed_is_closed(
    move: Move, expected: str
) -> None:
    progress = apply_move(received(ENGLAND), move, date(2025, 12, 22))
    assert getattr(progress, expected) == date(2025, 12, 22)
    assert current_stage(progress) is Stage.CLOSED


# --- refusals say why ----------------------------------------------------------------------

REFUSALS = [
    # (procedure, steps taken, the move refused, on, the reason staff are given)
    (
        ENGLAND,
        [],
        Move.ACCEPT,
        date(2025, 12, 18),
        "The date is before the complaint was received.",
    ),
    (
        ENGLAND,
        [ACCEPTED],
        Move.ACCEPT,
        date(2025, 12, 23),
        "Only a case in triage can be accepted or resolved informally.",
    ),
    (
        ENGLAND,
        [ACCEPTED],
        Move.RESOLVE_INFORMALLY,
        date(2025, 12, 23),
        "Only a case in triage can be accepted or resolved informally.",
    ),
    (
        ENGLAND,
        [],
        Move.EXTEND_STAGE1,
        date(2025, 12, 23),
        "Stage 1 can be extended only while it is open.",
    ),
    (
        ENGLAND,
        [ACCEPTED, EXTENDED1],
        Move.EXTEND_STAGE1,
        date(2026, 1, 6),
        "Stage 1 has already been extended to its longest (20 days).",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1],
        Move.EXTEND_STAGE1,
        date(2026, 1, 21),
        "Stage 1 can be extended only while it is open.",
    ),
    (
        ENGLAND,
        [],
        Move.RESPOND_STAGE1,
        date(2025, 12, 23),
        "There is no open stage 1 to respond to.",
    ),
    (
        ENGLAND,
        [ACCEPTED],
        Move.RESPOND_STAGE1,
        date(2025, 12, 19),
        "The response cannot be dated before stage 1 started.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1],
        Move.REQUEST_STAGE2,
        date(2026, 1, 19),
        "The request cannot be dated before the stage 1 response.",
    ),
    (
        ENGLAND,
        [ACCEPTED],
        Move.APPOINT_INVESTIGATORS,
        date(2026, 1, 5),
        "This is recorded during stage 2.",
    ),
    (
        ENGLAND,
        [ACCEPTED],
        Move.EXTEND_STAGE2,
        date(2026, 1, 5),
        "Stage 2 can be extended only while it is open.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED],
        Move.ADJUDICATE_STAGE2,
        date(2026, 5, 1),
        "There is no open stage 2 to adjudicate.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2],
        Move.REQUEST_STAGE3,
        date(2026, 3, 2),
        "A review panel can be asked for after the stage 2 adjudication.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED],
        Move.REQUEST_STAGE3,
        date(2026, 4, 28),
        "The request cannot be dated before the stage 2 adjudication.",
    ),
    (
        WALES,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED],
        Move.REQUEST_STAGE3,
        date(2026, 5, 5),
        "This procedure has no review panel: the ombudsman comes next.",
    ),
    (
        CORPORATE,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED],
        Move.REQUEST_STAGE3,
        date(2026, 5, 5),
        "This procedure has no review panel: the ombudsman comes next.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL],
        Move.SET_PANEL,
        date(2026, 6, 16),
        "The panel is set once, during stage 3.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3],
        Move.PANEL_REPORT,
        date(2026, 6, 16),
        "The panel's report comes after the panel has met.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL],
        Move.PANEL_REPORT,
        date(2026, 6, 12),
        "The report cannot be dated before the panel met.",
    ),
    (
        ENGLAND,
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL],
        Move.RESPOND_STAGE3,
        date(2026, 6, 16),
        "The council responds after the panel's report.",
    ),
    (
        ENGLAND,
        [(Move.WITHDRAW, date(2025, 12, 22))],
        Move.ACCEPT,
        date(2025, 12, 23),
        "The case is closed. Reopen it before recording anything else.",
    ),
]


@pytest.mark.parametrize(("procedure", "steps", "move", "on", "reason"), REFUSALS)
def test_a_move_the_procedure_does_not_allow_is_refused_saying_why(
    procedure: Procedure, steps: list[tuple[Move, date]], move: Move, on: date, reason: str
) -> None:
    progress = walk(procedure, *steps)
    with pytest.raises(MoveRefused) as refused:
        apply_move(progress, move, on, extended_to=date(2026, 4, 1))
    assert str(refused.value) == reason
    assert move not in allowed_moves(progress, on)


def test_a_closed_case_with_an_open_ombudsman_enquiry_is_with_the_ombudsman() -> None:
    """The ombudsman comes after closure: the case is with it while the enquiry needs
    something, and closed again once it is decided (and any remedy complied with); no
    move of the procedure is open meanwhile."""
    closed = walk(ENGLAND, ACCEPTED, RESPONDED1, (Move.CLOSE, date(2026, 1, 21)))
    asked = replace(closed, ombudsman=(Enquiry(date(2026, 5, 1), reply_due_on=date(2026, 5, 29)),))
    assert current_stage(asked) is Stage.OMBUDSMAN
    assert allowed_moves(asked, date(2026, 5, 4)) == []
    owed = running(asked)
    assert [(d.what, d.deadline.due if d.deadline else None) for d in owed] == [
        ("Reply to the ombudsman's enquiry", date(2026, 5, 29))
    ]
    decided = replace(
        closed,
        ombudsman=(
            Enquiry(date(2026, 5, 1), replied_on=date(2026, 5, 20), decided_on=date(2026, 9, 1)),
        ),
    )
    assert current_stage(decided) is Stage.CLOSED
    assert running(decided) == []


def test_an_open_case_with_an_enquiry_is_with_the_ombudsman_until_closed() -> None:
    answered = walk(ENGLAND, ACCEPTED, RESPONDED1)
    asked = replace(answered, ombudsman=(Enquiry(date(2026, 2, 2)),))
    assert current_stage(asked) is Stage.OMBUDSMAN
    assert set(allowed_moves(asked, date(2026, 2, 3))) == ALWAYS


# --- what is due next ------------------------------------------------------------------------


def acknowledged_on_its_date(progress: Progress, acknowledged: bool = True) -> Progress:
    """The case acknowledged on the last day it could be (or not yet)."""
    by = ACK_BY[progress.procedure]
    return replace(progress, acknowledge_by=by, acknowledged_on=by if acknowledged else None)


def due(
    progress: Progress,
    *,
    acknowledged: bool = True,
    stage2_start: Stage2ClockStart = Stage2ClockStart.REQUEST,
) -> tuple[str, date]:
    found = next_due(acknowledged_on_its_date(progress, acknowledged), stage2_start=stage2_start)
    assert found is not None, "nothing is due"
    return found.what, found.deadline.due


ENGLAND_DUE = [
    # (steps, what is due, by when: counted by hand)
    ([], "Acknowledge", date(2025, 12, 24)),  # target 3: 22, 23, 24 Dec
    ([ACCEPTED], "Stage 1 response", date(2026, 1, 7)),  # 10: over Christmas and New Year
    ([ACCEPTED, EXTENDED1], "Stage 1 response", date(2026, 1, 21)),  # 20 from receipt
    ([ACCEPTED, RESPONDED1, ASKED2], "Stage 2 response", date(2026, 3, 23)),  # 25 from 16 Feb
    (
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3],
        "Review panel meets",
        date(2026, 6, 17),
    ),  # 30 from 5 May, over 25 May
    (
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL],
        "Panel's report",
        date(2026, 6, 22),
    ),  # 5 from 15 Jun
    (
        [ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL, REPORT],
        "Council's response to the panel",
        date(2026, 7, 10),
    ),  # 15 from 19 Jun
]


@pytest.mark.parametrize(("steps", "what", "by"), ENGLAND_DUE)
def test_in_england_each_step_is_due_on_the_working_day_counted_by_hand(
    steps: list[tuple[Move, date]], what: str, by: date
) -> None:
    progress = walk(ENGLAND, *steps)
    assert due(progress, acknowledged=bool(steps)) == (what, by)


def test_in_england_the_stage_1_deadlines_match_domain_md_over_christmas_2026() -> None:
    # domain.md: received Wed 23 Dec 2026, +10 -> Mon 11 Jan 2027 (25 and 28 Dec, 1 Jan off).
    progress = apply_move(received(ENGLAND, date(2026, 12, 23)), Move.ACCEPT, date(2026, 12, 24))
    extended = apply_move(progress, Move.EXTEND_STAGE1, date(2027, 1, 4))
    for case, by in ((progress, date(2027, 1, 11)), (extended, date(2027, 1, 25))):
        found = next_due(replace(case, acknowledged_on=date(2026, 12, 24)))
        assert found is not None
        assert (found.what, found.deadline.due) == ("Stage 1 response", by)


def test_the_review_panel_meets_within_30_working_days_over_easter_2027() -> None:
    # Requested Mon 1 Mar 2027: Good Friday 26 Mar and Easter Monday 29 Mar are skipped.
    progress = Progress(
        procedure=ENGLAND,
        received_on=date(2026, 9, 1),
        accepted_on=date(2026, 9, 2),
        stage1_responded_on=date(2026, 9, 15),
        stage2_requested_on=date(2026, 10, 1),
        stage2_adjudicated_on=date(2027, 2, 15),
        stage3_requested_on=date(2027, 3, 1),
    )
    found = next_due(replace(progress, acknowledged_on=date(2026, 9, 2)))
    assert found is not None
    assert (found.what, found.deadline.due) == ("Review panel meets", date(2027, 4, 14))


def test_nothing_is_owed_once_answered_or_with_the_ombudsman() -> None:
    done = walk(
        ENGLAND, ACCEPTED, RESPONDED1, ASKED2, ADJUDICATED, ASKED3, PANEL, REPORT, RESPONDED3
    )
    # An enquiry whose reply date the ombudsman has not set owes nothing dated.
    referred = replace(done, ombudsman=(Enquiry(date(2026, 8, 3)),))
    for owing_nothing in (walk(ENGLAND, ACCEPTED, RESPONDED1), done, referred):
        assert next_due(acknowledged_on_its_date(owing_nothing)) is None


def test_a_closed_case_owes_nothing_even_unacknowledged() -> None:
    closed = apply_move(received(ENGLAND), Move.WITHDRAW, date(2025, 12, 22))
    assert next_due(acknowledged_on_its_date(closed, acknowledged=False)) is None


WALES_AND_CORPORATE_DUE = [
    (WALES, [], "Acknowledge", date(2025, 12, 23)),  # 2 by law: 22, 23 Dec
    (WALES, [ACCEPTED], "Discussion held", date(2026, 1, 9)),  # 10 from acknowledgement (23 Dec)
    (
        WALES,
        [(Move.REQUEST_STAGE2, date(2025, 12, 22))],
        "Stage 2 response",
        date(2026, 1, 29),
    ),  # 25 from the request
    (
        CORPORATE,
        [ACCEPTED],
        "Stage 1 response",
        date(2026, 1, 12),
    ),  # 10 from acknowledgement (24 Dec)
    (
        CORPORATE,
        [ACCEPTED, (Move.EXTEND_STAGE1, date(2026, 1, 5))],
        "Stage 1 response",
        date(2026, 1, 26),
    ),  # 20 from it
    (
        CORPORATE,
        [ACCEPTED, RESPONDED1, (Move.REQUEST_STAGE2, date(2026, 2, 2))],
        "Acknowledge the stage 2 request",
        date(2026, 2, 9),
    ),  # 5 from the request
    (
        CORPORATE,
        [
            ACCEPTED,
            RESPONDED1,
            (Move.REQUEST_STAGE2, date(2026, 2, 2)),
            (Move.ACKNOWLEDGE_STAGE2, date(2026, 2, 4)),
        ],
        "Stage 2 response",
        date(2026, 3, 4),
    ),  # 20 from that acknowledgement, made on Wed 4 Feb
]


@pytest.mark.parametrize(("procedure", "steps", "what", "by"), WALES_AND_CORPORATE_DUE)
def test_in_wales_and_the_corporate_procedure_each_step_is_due_on_the_day_counted_by_hand(
    procedure: Procedure, steps: list[tuple[Move, date]], what: str, by: date
) -> None:
    assert due(walk(procedure, *steps), acknowledged=bool(steps)) == (what, by)


def test_a_local_stage_1_target_is_kept_beside_the_statutory_deadline() -> None:
    progress = walk(ENGLAND, ACCEPTED)

    def stage1(days: int) -> Deadline:
        found = next_due(
            acknowledged_on_its_date(progress), local_targets={Step.STAGE1_RESPONSE: days}
        )
        assert found is not None
        return found.deadline

    sooner = stage1(5)
    assert sooner.due == date(2025, 12, 30)  # the council's 5 days
    assert sooner.local_target == date(2025, 12, 30)
    assert sooner.statutory == date(2026, 1, 7)  # the law's 10
    later = stage1(15)
    assert later.due == date(2026, 1, 7)  # a longer promise never beats the law
    assert later.local_target == date(2026, 1, 14)


# --- stage 2: its clock, its extension, late requests ---------------------------------------


def test_stage_2_is_counted_from_the_request_or_the_agreed_statement_as_configured() -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    agreed = apply_move(asked, *STATEMENT)
    # Both dates are kept whichever counts.
    assert (agreed.stage2_requested_on, agreed.stage2_statement_on) == (
        date(2026, 2, 16),
        date(2026, 3, 2),
    )
    assert stage2_clock_start(agreed, Stage2ClockStart.REQUEST) == date(2026, 2, 16)
    assert stage2_clock_start(agreed, Stage2ClockStart.STATEMENT) == date(2026, 3, 2)
    assert due(agreed, stage2_start=Stage2ClockStart.REQUEST) == (
        "Stage 2 response",
        date(2026, 3, 23),
    )
    # 25 working days from Mon 2 Mar 2026 skip Good Friday and Easter Monday.
    assert due(agreed, stage2_start=Stage2ClockStart.STATEMENT) == (
        "Stage 2 response",
        date(2026, 4, 8),
    )
    # Until a statement is agreed, the request is all there is to count from.
    assert due(asked, stage2_start=Stage2ClockStart.STATEMENT) == (
        "Stage 2 response",
        date(2026, 3, 23),
    )


def test_stage_2_may_take_at_most_65_working_days() -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    # 65 working days from Mon 16 Feb 2026, past Easter and the May Day holiday.
    assert stage2_longest(asked) == date(2026, 5, 21)
    longest = apply_move(
        asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=date(2026, 5, 21)
    )
    assert longest.stage2_extended_to == date(2026, 5, 21)
    with pytest.raises(MoveRefused) as refused:
        apply_move(asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=date(2026, 5, 22))
    assert str(refused.value) == (
        "Stage 2 may take at most until 21 May 2026 (65 working days): choose an earlier date."
    )


@pytest.mark.parametrize(
    ("new_date", "said", "the_working_day_before"),
    [
        (date(2026, 4, 25), "Saturday 25 April 2026", date(2026, 4, 24)),
        (date(2026, 4, 26), "Sunday 26 April 2026", date(2026, 4, 24)),
        (date(2026, 4, 3), "Friday 3 April 2026", date(2026, 4, 2)),  # Good Friday
        (date(2026, 5, 4), "Monday 4 May 2026", date(2026, 5, 1)),  # early May bank holiday
    ],
)
def test_stage_2_is_not_extended_to_a_day_the_council_does_not_work(
    new_date: date, said: str, the_working_day_before: date
) -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    with pytest.raises(NewDateRefused) as refused:
        apply_move(asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=new_date)
    assert str(refused.value) == (
        f"{said} is not a working day (a weekend or a bank holiday): choose a working day."
    )
    moved = apply_move(
        asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=the_working_day_before
    )
    assert moved.stage2_extended_to == the_working_day_before


def test_a_move_is_not_dated_after_today_but_the_panel_is_set_ahead() -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    today = date(2026, 3, 16)
    with pytest.raises(MoveRefused, match="The date must be today or in the past."):
        apply_move(asked, Move.AGREE_STATEMENT, date(2026, 3, 17), today=today)
    assert apply_move(asked, Move.AGREE_STATEMENT, today, today=today).stage2_statement_on == today
    adjudicated = apply_move(asked, Move.ADJUDICATE_STAGE2, date(2026, 3, 10), today=today)
    requested = apply_move(adjudicated, Move.REQUEST_STAGE3, date(2026, 3, 12), today=today)
    set_ahead = apply_move(requested, Move.SET_PANEL, date(2026, 4, 20), today=today)
    assert set_ahead.panel_on == date(2026, 4, 20)


def test_a_date_the_bank_holidays_are_not_known_for_is_refused_not_counted() -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    adjudicated = apply_move(asked, Move.ADJUDICATE_STAGE2, date(2026, 3, 10))
    requested = apply_move(adjudicated, Move.REQUEST_STAGE3, date(2026, 3, 12))
    known = bank_holidays()
    after = date(known.last_year + 1, 1, 8)
    with pytest.raises(MoveRefused) as refused:
        apply_move(requested, Move.SET_PANEL, after)
    assert str(refused.value) == (
        f"The portal knows the bank holidays of {known.first_year} to {known.last_year} only: "
        f"8 January {after.year} cannot be counted in working days."
    )


def test_an_extended_stage_2_is_due_on_the_new_date_with_the_longest_as_the_law_s_limit() -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    extended = apply_move(
        asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=date(2026, 4, 30)
    )
    found = next_due(acknowledged_on_its_date(extended))
    assert found is not None
    assert found.what == "Stage 2 response (extended)"
    assert (found.deadline.due, found.deadline.statutory) == (date(2026, 4, 30), date(2026, 5, 21))


def test_counted_from_the_statement_stage_2_may_take_65_working_days_from_the_statement() -> None:
    agreed = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2, STATEMENT)
    # 65 working days from Mon 2 Mar 2026, past Easter, May Day and the spring holiday.
    assert stage2_longest(agreed, Stage2ClockStart.STATEMENT) == date(2026, 6, 5)
    extended = apply_move(
        agreed,
        Move.EXTEND_STAGE2,
        date(2026, 4, 1),
        extended_to=date(2026, 6, 5),
        stage2_start=Stage2ClockStart.STATEMENT,
    )
    found = next_due(acknowledged_on_its_date(extended), stage2_start=Stage2ClockStart.STATEMENT)
    assert found is not None
    assert (found.deadline.due, found.deadline.statutory) == (date(2026, 6, 5), date(2026, 6, 5))
    with pytest.raises(MoveRefused, match="at most until 5 June 2026"):
        apply_move(
            agreed,
            Move.EXTEND_STAGE2,
            date(2026, 4, 1),
            extended_to=date(2026, 6, 8),
            stage2_start=Stage2ClockStart.STATEMENT,
        )


@pytest.mark.parametrize("extended_to", [None, date(2026, 3, 16), date(2026, 3, 13)])
def test_a_stage_2_extension_needs_a_new_date_after_the_day_it_is_agreed(
    extended_to: date | None,
) -> None:
    asked = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2)
    with pytest.raises(MoveRefused, match="Give the new date for the stage 2 response"):
        apply_move(asked, Move.EXTEND_STAGE2, date(2026, 3, 16), extended_to=extended_to)


@pytest.mark.parametrize(
    ("answered_on", "asked_on", "late"),
    [
        # Stage 1 answered Tue 20 Jan 2026: the 20th working day after is Tue 17 Feb.
        (date(2026, 1, 20), date(2026, 2, 17), False),
        (date(2026, 1, 20), date(2026, 2, 18), True),
        # Stage 2 adjudicated Fri 19 Dec 2025: 20 working days over Christmas end Wed 21 Jan.
        (date(2025, 12, 19), date(2026, 1, 21), False),
        (date(2025, 12, 19), date(2026, 1, 22), True),
        # Nothing to answer yet (Wales, straight to stage 2): never late.
        (None, date(2026, 6, 1), False),
    ],
)
def test_a_request_for_the_next_stage_after_20_working_days_is_flagged_late(
    answered_on: date | None, asked_on: date, late: bool
) -> None:
    assert is_late_request(asked_on, answered_on, 20) is late


def test_a_late_request_is_flagged_but_never_refused() -> None:
    answered = walk(ENGLAND, ACCEPTED, RESPONDED1)
    months_later = apply_move(answered, Move.REQUEST_STAGE2, date(2026, 6, 1))
    assert current_stage(months_later) is Stage.STAGE2


# --- the tables agree with the clock --------------------------------------------------------


def test_the_hand_counted_dates_agree_with_the_clock() -> None:
    counted = [
        (date(2025, 12, 19), 3, date(2025, 12, 24)),
        (date(2025, 12, 19), 10, date(2026, 1, 7)),
        (date(2025, 12, 19), 20, date(2026, 1, 21)),
        (date(2025, 12, 23), 10, date(2026, 1, 9)),
        (date(2025, 12, 22), 25, date(2026, 1, 29)),
        (date(2025, 12, 24), 10, date(2026, 1, 12)),
        (date(2025, 12, 24), 20, date(2026, 1, 26)),
        (date(2026, 1, 20), 20, date(2026, 2, 17)),
        (date(2026, 2, 2), 20, date(2026, 3, 2)),
        (date(2026, 2, 16), 25, date(2026, 3, 23)),
        (date(2026, 2, 16), 65, date(2026, 5, 21)),
        (date(2026, 3, 2), 25, date(2026, 4, 8)),
        (date(2026, 3, 2), 65, date(2026, 6, 5)),
        (date(2026, 5, 5), 30, date(2026, 6, 17)),
        (date(2026, 6, 15), 5, date(2026, 6, 22)),
        (date(2026, 6, 19), 15, date(2026, 7, 10)),
        (date(2026, 12, 23), 10, date(2027, 1, 11)),
        (date(2026, 12, 23), 20, date(2027, 1, 25)),
        (date(2027, 3, 1), 30, date(2027, 4, 14)),
    ]
    for start, days, expected in counted:
        assert add_working_days(start, days) == expected, (start, days)


# --- reopening a closed case ---------------------------------------------------------------


def test_a_case_reopened_goes_back_to_the_stage_it_was_closed_from() -> None:
    at_stage2 = walk(ENGLAND, ACCEPTED, RESPONDED1, ASKED2, (Move.CLOSE, date(2026, 3, 2)))
    assert current_stage(at_stage2) is Stage.CLOSED
    assert how_it_ended(at_stage2) == ("closed", date(2026, 3, 2))
    assert reopen_stages(at_stage2) == [Stage.STAGE2]
    back = reopen(at_stage2, date(2026, 6, 1))
    assert current_stage(back) is Stage.STAGE2 and back.closed_on is None
    # What it had reached stays, and stage 2's response is owed again from its request.
    assert back.stage2_requested_on == ASKED2[1]
    due = next_due(back)
    assert due is not None and due.what == "Stage 2 response"
    with pytest.raises(MoveRefused, match="stage it was closed from"):
        reopen(at_stage2, date(2026, 6, 1), Stage.STAGE1)


def test_a_complaint_ended_in_triage_may_be_reopened_into_stage_1() -> None:
    withdrawn = walk(ENGLAND, (Move.WITHDRAW, date(2025, 12, 22)))
    assert how_it_ended(withdrawn) == ("withdrawn", date(2025, 12, 22))
    assert reopen_stages(withdrawn) == [Stage.TRIAGE, Stage.STAGE1]
    assert current_stage(reopen(withdrawn, date(2026, 1, 5))) is Stage.TRIAGE
    accepted = reopen(withdrawn, date(2026, 1, 5), Stage.STAGE1)
    assert current_stage(accepted) is Stage.STAGE1 and accepted.accepted_on == date(2026, 1, 5)
    informal = walk(ENGLAND, (Move.RESOLVE_INFORMALLY, date(2025, 12, 22)))
    assert how_it_ended(informal) == ("resolved_informally", date(2025, 12, 22))


def test_only_a_closed_case_is_reopened() -> None:
    open_case = walk(ENGLAND, ACCEPTED)
    assert reopen_stages(open_case) == [] and how_it_ended(open_case) is None
    with pytest.raises(MoveRefused, match="Only a closed case"):
        reopen(open_case, date(2026, 1, 5))
