"""The case through the procedure: which move is allowed when, and what is due next
(domain.md, "Timescales"). Pure: the case's progress is passed in as dates.

England: stage 1 (local resolution), stage 2 (investigation), stage 3 (review panel),
then the ombudsman. Wales: stage 1 (a discussion, then the written resolution), stage 2
(a person may go straight to it), then the ombudsman. The corporate procedure: stage 1,
stage 2 (acknowledged in its turn), then the ombudsman.

The statutory clock runs from receipt, not from the day someone accepts the complaint:
what is due is worked out from what has happened, whatever stage the case is at.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from portal.domain import ombudsman as rules_of_the_ombudsman
from portal.domain.clock import add_working_days, is_working_day
from portal.domain.holidays import bank_holidays
from portal.domain.ledger import Pause
from portal.domain.timescales import (
    TABLES,
    ClockPaused,
    Deadline,
    Procedure,
    Step,
    deadline,
)
from portal.domain.types import Kind


class Stage(StrEnum):
    TRIAGE = "triage"
    STAGE1 = "stage1"
    STAGE2 = "stage2"
    STAGE3 = "stage3"
    OMBUDSMAN = "ombudsman"
    CLOSED = "closed"


class Move(StrEnum):
    ACCEPT = "accept"  # into stage 1
    RESOLVE_INFORMALLY = "resolve_informally"
    WITHDRAW = "withdraw"
    EXTEND_STAGE1 = "extend_stage1"
    HOLD_DISCUSSION = "hold_discussion"  # Wales: the discussion offered at stage 1
    RESPOND_STAGE1 = "respond_stage1"  # Wales: the written resolution
    REQUEST_STAGE2 = "request_stage2"
    ACKNOWLEDGE_STAGE2 = "acknowledge_stage2"  # corporate: the stage 2 request acknowledged
    AGREE_STATEMENT = "agree_statement"
    APPOINT_INVESTIGATORS = "appoint_investigators"
    EXTEND_STAGE2 = "extend_stage2"
    ADJUDICATE_STAGE2 = "adjudicate_stage2"
    REQUEST_STAGE3 = "request_stage3"
    SET_PANEL = "set_panel"
    PANEL_REPORT = "panel_report"
    RESPOND_STAGE3 = "respond_stage3"
    CLOSE = "close"


MOVE_LABELS: dict[Move, str] = {
    Move.ACCEPT: "Accept at stage 1",
    Move.RESOLVE_INFORMALLY: "Resolve informally",
    Move.WITHDRAW: "Record it as withdrawn",
    Move.EXTEND_STAGE1: "Extend stage 1 (complainant agreed)",
    Move.HOLD_DISCUSSION: "Record the discussion with the complainant",
    Move.RESPOND_STAGE1: "Record the stage 1 response",
    Move.REQUEST_STAGE2: "Record a request for stage 2",
    Move.ACKNOWLEDGE_STAGE2: "Record the acknowledgement of the stage 2 request",
    Move.AGREE_STATEMENT: "Record the agreed statement of complaint",
    Move.APPOINT_INVESTIGATORS: "Appoint the investigating officer and independent person",
    Move.EXTEND_STAGE2: "Extend stage 2 (complainant told why)",
    Move.ADJUDICATE_STAGE2: "Record the stage 2 adjudication",
    Move.REQUEST_STAGE3: "Record a request for a review panel (stage 3)",
    Move.SET_PANEL: "Record the review panel",
    Move.PANEL_REPORT: "Record the panel's report",
    Move.RESPOND_STAGE3: "Record the council's response to the panel",
    Move.CLOSE: "Close the case",
}


def move_label(move: Move, procedure: Procedure) -> str:
    """What staff press, in the words of the case's procedure: in Wales stage 1 ends with
    the written terms of resolution, within 5 working days of the discussion."""
    if move is Move.RESPOND_STAGE1 and procedure is Procedure.WALES_CHILDREN:
        return "Record the written resolution (the stage 1 response)"
    return MOVE_LABELS[move]


class MoveRefused(ValueError):
    """A move the procedure does not allow now; the message says why, for staff."""


class NewDateRefused(MoveRefused):
    """The new date given for a response cannot be used; the message says why, beside it."""


class Stage2ClockStart(StrEnum):
    """Stage 2's 25 working days run from the request (the ombudsman's view) or from
    the agreed statement of complaint (many councils): both dates are kept."""

    REQUEST = "request"
    STATEMENT = "statement"


@dataclass(frozen=True)
class Progress:
    """What has happened to a case, as dates (None: not yet)."""

    procedure: Procedure
    received_on: date
    kind: Kind = Kind.COMPLAINT
    # The acknowledgement: due by (the council's target, held to the law's limit), and made.
    acknowledge_by: date | None = None
    acknowledge_by_statutory: date | None = None
    acknowledged_on: date | None = None
    # The acknowledgement is the email or text queued on receipt (on its way, or sent):
    # the day it was queued. The confirmation page and that message give the person dates
    # counted from it, and they stand whenever it goes (after midnight, after a retry).
    acknowledgement_queued_on: date | None = None
    accepted_on: date | None = None
    resolved_informally_on: date | None = None
    withdrawn_on: date | None = None
    stage1_extended_on: date | None = None
    discussion_on: date | None = None  # Wales: the discussion held
    stage1_responded_on: date | None = None  # Wales: the written resolution sent
    stage2_requested_on: date | None = None
    stage2_acknowledged_on: date | None = None  # corporate
    stage2_statement_on: date | None = None
    investigators_appointed_on: date | None = None
    stage2_extended_to: date | None = None
    stage2_adjudicated_on: date | None = None
    stage3_requested_on: date | None = None
    panel_on: date | None = None
    panel_report_on: date | None = None
    stage3_responded_on: date | None = None
    # The ombudsman's enquiries into the case, as dates (domain/ombudsman.py).
    ombudsman: tuple[rules_of_the_ombudsman.Enquiry, ...] = ()
    closed_on: date | None = None
    skipped_stage1: bool = False  # Wales: straight to stage 2
    # An advocacy request: when the provider should have picked it up, while it waits.
    advocacy_due_on: date | None = None
    thanked_on: date | None = None  # a compliment: the team has been thanked
    flags: frozenset[str] = field(default_factory=frozenset)
    # The pauses of the clock of the stage the case is in now (services/clock.py).
    pauses: tuple[Pause, ...] = ()


def has_stage3(procedure: Procedure) -> bool:
    return procedure is Procedure.ENGLAND_CHILDREN


def ended(p: Progress) -> bool:
    """Closed, withdrawn or resolved informally: nothing more is recorded of the
    procedure (the ombudsman's enquiry, which may come after, is a step of its own)."""
    return bool(p.closed_on or p.withdrawn_on or p.resolved_informally_on)


def current_stage(p: Progress) -> Stage:
    """The ombudsman once an enquiry has arrived, until the case is closed; a closed case
    is with the ombudsman again while an enquiry into it still needs something."""
    if p.ombudsman and (not ended(p) or any(map(rules_of_the_ombudsman.is_open, p.ombudsman))):
        return Stage.OMBUDSMAN
    if ended(p):
        return Stage.CLOSED
    if p.stage3_requested_on:
        return Stage.STAGE3
    if p.stage2_requested_on:
        return Stage.STAGE2
    if p.accepted_on:
        return Stage.STAGE1
    return Stage.TRIAGE


def _refuse(reason: str) -> MoveRefused:
    return MoveRefused(reason)


# A move records what happened, on the day it happened; the review panel is the one
# recorded ahead, on the day it is to meet (within 30 working days of the request).
RECORDED_AHEAD = frozenset({Move.SET_PANEL})


def check_move(p: Progress, move: Move, on: date, *, today: date | None = None) -> None:
    """Raise MoveRefused, saying why, unless the procedure allows `move` on `on`, and
    (given `today`) `on` is not after today, unless the move is recorded ahead."""
    stage = current_stage(p)
    if on < p.received_on:
        raise _refuse("The date is before the complaint was received.")
    if today is not None and on > today and move not in RECORDED_AHEAD:
        raise _refuse("The date must be today or in the past.")
    _within_the_calendar(on)
    # A closed case may still take the ombudsman's enquiry (services/ombudsman.py), which
    # is no move of the procedure.
    if ended(p):
        raise _refuse("The case is closed. Reopen it before recording anything else.")
    match move:
        case Move.ACCEPT | Move.RESOLVE_INFORMALLY:
            if stage is not Stage.TRIAGE:
                raise _refuse("Only a case in triage can be accepted or resolved informally.")
        case Move.WITHDRAW | Move.CLOSE:
            pass
        case Move.EXTEND_STAGE1:
            if p.procedure is Procedure.WALES_CHILDREN:
                # WSI 2014/1795 sets no longer stage 1: a later discussion is agreed with
                # the complainant, and recorded when it is held.
                raise _refuse(
                    "The Welsh procedure has no stage 1 extension: a later discussion is "
                    "agreed with the complainant. Record the discussion when it is held."
                )
            if stage is not Stage.STAGE1 or p.stage1_responded_on:
                raise _refuse("Stage 1 can be extended only while it is open.")
            if p.stage1_extended_on:
                raise _refuse("Stage 1 has already been extended to its longest (20 days).")
        case Move.HOLD_DISCUSSION:
            if p.procedure is not Procedure.WALES_CHILDREN:
                raise _refuse("Only the Welsh procedure offers a discussion at stage 1.")
            if stage is not Stage.STAGE1 or p.stage1_responded_on or p.discussion_on:
                raise _refuse(
                    "The discussion is recorded once, at stage 1, before the written resolution."
                )
        case Move.RESPOND_STAGE1:
            if stage is not Stage.STAGE1 or p.stage1_responded_on:
                raise _refuse("There is no open stage 1 to respond to.")
            if p.accepted_on and on < p.accepted_on:
                raise _refuse("The response cannot be dated before stage 1 started.")
            if p.discussion_on and on < p.discussion_on:
                raise _refuse("The written resolution cannot be dated before the discussion.")
        case Move.REQUEST_STAGE2:
            if stage not in (Stage.STAGE1, Stage.TRIAGE) or p.stage2_requested_on:
                raise _refuse("Stage 2 can be asked for only after stage 1.")
            if not p.stage1_responded_on and p.procedure is not Procedure.WALES_CHILDREN:
                raise _refuse(
                    "Stage 2 comes after the stage 1 response. Record the response first "
                    "(only in Wales may a person go straight to stage 2)."
                )
            if p.stage1_responded_on and on < p.stage1_responded_on:
                raise _refuse("The request cannot be dated before the stage 1 response.")
        case Move.ACKNOWLEDGE_STAGE2:
            if p.procedure is not Procedure.CORPORATE:
                raise _refuse("Only the corporate procedure acknowledges a stage 2 request.")
            if stage is not Stage.STAGE2 or p.stage2_adjudicated_on or p.stage2_acknowledged_on:
                raise _refuse("The stage 2 request is acknowledged once, during stage 2.")
            assert p.stage2_requested_on is not None
            if on < p.stage2_requested_on:
                raise _refuse("The acknowledgement cannot be dated before the request.")
        case Move.AGREE_STATEMENT | Move.APPOINT_INVESTIGATORS:
            if stage is not Stage.STAGE2 or p.stage2_adjudicated_on:
                raise _refuse("This is recorded during stage 2.")
        case Move.EXTEND_STAGE2:
            if stage is not Stage.STAGE2 or p.stage2_adjudicated_on:
                raise _refuse("Stage 2 can be extended only while it is open.")
        case Move.ADJUDICATE_STAGE2:
            if stage is not Stage.STAGE2 or p.stage2_adjudicated_on:
                raise _refuse("There is no open stage 2 to adjudicate.")
        case Move.REQUEST_STAGE3:
            if not has_stage3(p.procedure):
                raise _refuse("This procedure has no review panel: the ombudsman comes next.")
            if stage is not Stage.STAGE2 or not p.stage2_adjudicated_on:
                raise _refuse("A review panel can be asked for after the stage 2 adjudication.")
            if on < p.stage2_adjudicated_on:
                raise _refuse("The request cannot be dated before the stage 2 adjudication.")
        case Move.SET_PANEL:
            if stage is not Stage.STAGE3 or p.panel_on:
                raise _refuse("The panel is set once, during stage 3.")
        case Move.PANEL_REPORT:
            if stage is not Stage.STAGE3 or not p.panel_on or p.panel_report_on:
                raise _refuse("The panel's report comes after the panel has met.")
            if on < p.panel_on:
                raise _refuse("The report cannot be dated before the panel met.")
        case Move.RESPOND_STAGE3:
            if stage is not Stage.STAGE3 or not p.panel_report_on or p.stage3_responded_on:
                raise _refuse("The council responds after the panel's report.")


def _within_the_calendar(day: date, refused: type[MoveRefused] = MoveRefused) -> None:
    """The clock counts working days to and from a move's dates: a date past the years
    whose bank holidays are known cannot be counted, so it is refused, saying so."""
    table = bank_holidays()
    if not table.covers(day):
        raise refused(
            f"The portal knows the bank holidays of {table.first_year} to {table.last_year} "
            f"only: {day:%-d %B %Y} cannot be counted in working days."
        )


def apply_move(
    p: Progress,
    move: Move,
    on: date,
    *,
    extended_to: date | None = None,
    stage2_start: Stage2ClockStart | None = None,
    today: date | None = None,
) -> Progress:
    """The progress after `move` on `on` (checked first, with `today` as check_move
    takes it). `stage2_start` is where stage 2's clock starts (the request unless the
    council counts from the agreed statement): its 65 working days at most count from
    there too."""
    check_move(p, move, on, today=today)
    match move:
        case Move.ACCEPT:
            return replace(p, accepted_on=on)
        case Move.RESOLVE_INFORMALLY:
            return replace(p, resolved_informally_on=on)
        case Move.WITHDRAW:
            return replace(p, withdrawn_on=on)
        case Move.CLOSE:
            return replace(p, closed_on=on)
        case Move.EXTEND_STAGE1:
            return replace(p, stage1_extended_on=on)
        case Move.HOLD_DISCUSSION:
            return replace(p, discussion_on=on)
        case Move.RESPOND_STAGE1:
            return replace(p, stage1_responded_on=on)
        case Move.REQUEST_STAGE2:
            return replace(p, stage2_requested_on=on, skipped_stage1=p.stage1_responded_on is None)
        case Move.ACKNOWLEDGE_STAGE2:
            return replace(p, stage2_acknowledged_on=on)
        case Move.AGREE_STATEMENT:
            return replace(p, stage2_statement_on=on)
        case Move.APPOINT_INVESTIGATORS:
            return replace(p, investigators_appointed_on=on)
        case Move.EXTEND_STAGE2:
            longest = stage2_longest(p, stage2_start or Stage2ClockStart.REQUEST)
            if extended_to is None or extended_to <= on:
                raise NewDateRefused("Give the new date for the stage 2 response, after today.")
            if longest is not None and extended_to > longest:
                raise NewDateRefused(
                    f"Stage 2 may take at most until {longest:%-d %B %Y} "
                    "(65 working days): choose an earlier date."
                )
            _within_the_calendar(extended_to, NewDateRefused)
            # The date the person is told we will reply by, and the case is due: a day
            # the council works, as every date the clock gives is.
            if not is_working_day(extended_to):
                raise NewDateRefused(
                    f"{extended_to:%A %-d %B %Y} is not a working day (a weekend or a bank "
                    "holiday): choose a working day."
                )
            return replace(p, stage2_extended_to=extended_to)
        case Move.ADJUDICATE_STAGE2:
            return replace(p, stage2_adjudicated_on=on)
        case Move.REQUEST_STAGE3:
            return replace(p, stage3_requested_on=on)
        case Move.SET_PANEL:
            return replace(p, panel_on=on)
        case Move.PANEL_REPORT:
            return replace(p, panel_report_on=on)
        case Move.RESPOND_STAGE3:
            return replace(p, stage3_responded_on=on)
    raise _refuse(f"Unknown move {move}")


def allowed_moves(p: Progress, on: date) -> list[Move]:
    allowed = []
    for move in Move:
        try:
            check_move(p, move, on)
        except MoveRefused:
            continue
        allowed.append(move)
    return allowed


# --- reopening a closed case -----------------------------------------------------------


class ReopenReason(StrEnum):
    """Why a closed case is looked at again (issue 16)."""

    NEW_COMPLAINT = "new_complaint"  # a new complaint about the same matter
    OMBUDSMAN = "ombudsman"  # the ombudsman asked the council to look again
    OTHER = "other"  # said in words


def how_it_ended(p: Progress) -> tuple[str, date] | None:
    """How and when a closed case ended: closed, withdrawn or resolved informally (the
    latest, should more than one be recorded); None while it is open."""
    endings = [
        (on, how)
        for how, on in (
            ("resolved_informally", p.resolved_informally_on),
            ("withdrawn", p.withdrawn_on),
            ("closed", p.closed_on),
        )
        if on is not None
    ]
    if not endings:
        return None
    on, how = max(endings, key=lambda ending: ending[0])
    return how, on


def _ending_cleared(p: Progress) -> Progress:
    return replace(p, closed_on=None, withdrawn_on=None, resolved_informally_on=None)


def reopen_stages(p: Progress) -> list[Stage]:
    """The stages a closed case may go back to: the one it was closed from (what it had
    reached, its ending cleared), and for a complaint closed before it was accepted,
    stage 1 too (a new complaint about the same matter taken into the procedure). None
    for an open case."""
    if current_stage(p) is not Stage.CLOSED:
        return []
    back = current_stage(_ending_cleared(p))
    if back is Stage.TRIAGE and p.kind is Kind.COMPLAINT:
        return [back, Stage.STAGE1]
    return [back]


def reopen(p: Progress, on: date, to: Stage | None = None) -> Progress:
    """The progress of a closed case reopened on `on`: its ending (closed, withdrawn or
    resolved informally) cleared, so that it is back at the stage it was closed from, or
    at `to`, one of `reopen_stages`. What it had reached stays; the clock runs again from
    the same dates (domain.md: the statutory clock runs from receipt)."""
    allowed = reopen_stages(p)
    if not allowed:
        raise _refuse("Only a closed case can be reopened.")
    if on < p.received_on:
        raise _refuse("The date is before the complaint was received.")
    chosen = to or allowed[0]
    if chosen not in allowed:
        raise _refuse(
            "The case can go back only to the stage it was closed from"
            + (", or into stage 1." if Stage.STAGE1 in allowed else ".")
        )
    back = _ending_cleared(p)
    if chosen is Stage.STAGE1 and current_stage(back) is Stage.TRIAGE:
        back = replace(back, accepted_on=on)
    return back


# --- what is due next ---------------------------------------------------------------


def stage2_clock_start(p: Progress, start: Stage2ClockStart) -> date | None:
    if p.procedure is Procedure.CORPORATE and p.stage2_requested_on is not None:
        return counted_from(p, Step.STAGE2_RESPONSE)
    if start is Stage2ClockStart.STATEMENT and p.stage2_statement_on:
        return p.stage2_statement_on
    return p.stage2_requested_on


def stage2_longest(p: Progress, start: Stage2ClockStart = Stage2ClockStart.REQUEST) -> date | None:
    begun = stage2_clock_start(p, start)
    if begun is None:
        return None
    if Step.STAGE2_LONGEST not in TABLES[p.procedure]:
        return None
    return deadline(p.procedure, Step.STAGE2_LONGEST, begun).due


def clock_running(p: Progress) -> bool:
    """A stage's response is being worked on: its clock can be paused."""
    stage = current_stage(p)
    return (
        (stage is Stage.STAGE1 and not p.stage1_responded_on)
        or (stage is Stage.STAGE2 and not p.stage2_adjudicated_on)
        or (stage is Stage.STAGE3 and not p.stage3_responded_on)
    )


def open_pause(p: Progress) -> Pause | None:
    return next((pause for pause in p.pauses if pause.restarted_on is None), None)


# --- what is due next ---------------------------------------------------------------


ACKNOWLEDGE = "Acknowledge"
STAGE1_RESPONSE = "Stage 1 response"
DISCUSSION = "Discussion held"
WRITTEN_RESOLUTION = "Written resolution"
REPLY = "Reply"
ACKNOWLEDGE_STAGE2 = "Acknowledge the stage 2 request"
STAGE2_RESPONSE = "Stage 2 response"
STAGE2_EXTENDED = "Stage 2 response (extended)"
PANEL_MEETS = "Review panel meets"
PANEL_REPORT = "Panel's report"
COUNCIL_RESPONSE = "Council's response to the panel"
ADVOCATE_ARRANGED = "Advocate arranged"
THANK_THE_TEAM = "Thank the team"


@dataclass(frozen=True)
class Due:
    """One thing the council owes, and by when. No deadline: paused (`paused` says since
    when) or owed without a date (thanking the team for a compliment)."""

    what: str
    deadline: Deadline | None
    paused: Pause | None = None


# The step each move gives (or, for an extension, moves), by what it is called when owed.
STEPS_GIVEN: dict[Move, tuple[str, ...]] = {
    Move.EXTEND_STAGE1: (STAGE1_RESPONSE,),
    Move.HOLD_DISCUSSION: (DISCUSSION,),
    Move.RESPOND_STAGE1: (STAGE1_RESPONSE, DISCUSSION, WRITTEN_RESOLUTION),
    Move.ACKNOWLEDGE_STAGE2: (ACKNOWLEDGE_STAGE2,),
    Move.EXTEND_STAGE2: (STAGE2_RESPONSE, STAGE2_EXTENDED),
    Move.ADJUDICATE_STAGE2: (STAGE2_RESPONSE, STAGE2_EXTENDED),
    Move.SET_PANEL: (PANEL_MEETS,),
    Move.PANEL_REPORT: (PANEL_REPORT,),
    Move.RESPOND_STAGE3: (COUNCIL_RESPONSE,),
}

# The clock ledger (services/clock.py): which stage's clock each move starts, extends or
# stops; a step done on the way, which the next step is counted from; and the moves that
# end a case, stopping whichever clock runs.
STARTS = {Move.ACCEPT: "stage1", Move.REQUEST_STAGE2: "stage2", Move.REQUEST_STAGE3: "stage3"}
EXTENDS = {Move.EXTEND_STAGE1: "stage1", Move.EXTEND_STAGE2: "stage2"}
STOPS = {
    Move.RESPOND_STAGE1: "stage1",
    Move.ADJUDICATE_STAGE2: "stage2",
    Move.RESPOND_STAGE3: "stage3",
}
ENDS = (Move.WITHDRAW, Move.RESOLVE_INFORMALLY, Move.CLOSE)
STAGE_CLOCKS = {Stage.STAGE1: "stage1", Stage.STAGE2: "stage2", Stage.STAGE3: "stage3"}
DONE_ON_THE_WAY = {Move.HOLD_DISCUSSION: "stage1", Move.ACKNOWLEDGE_STAGE2: "stage2"}

# The event each step of TABLES is counted from, as a date on the progress.
_HAPPENED_ON = {
    Step.ACKNOWLEDGE: "acknowledged_on",
    Step.DISCUSSION: "discussion_on",
    Step.STAGE1_RESPONSE: "stage1_responded_on",
    Step.REQUEST_STAGE2: "stage2_requested_on",
    Step.ACKNOWLEDGE_STAGE2: "stage2_acknowledged_on",
    Step.STAGE2_RESPONSE: "stage2_adjudicated_on",
    Step.REQUEST_STAGE3: "stage3_requested_on",
    Step.STAGE3_PANEL: "panel_on",
    Step.STAGE3_REPORT: "panel_report_on",
}


def counted_from(p: Progress, step: Step, local_targets: dict[Step, int] | None = None) -> date:
    """The day `step`'s working days are counted from (day 0): the event it follows, on
    the day that event happened; while it has not happened, the day it is due by.

    So in Wales the discussion runs from the day the acknowledgement was made (WSI
    2014/1795), and from the day it is due only until then: acknowledged by email on
    Friday 19 December 2025, the discussion is due by Wednesday 7 January 2026, not by
    Friday 9 January (ten working days after the acknowledgement's own due date).

    An acknowledgement by the message queued on receipt counts from the day it was
    queued, even when it goes on a later day (a minute after midnight, or after the worker
    was down): the person was given its dates that day, and a date counted from an
    earlier day is never later than the law's."""
    source = TABLES[p.procedure][step].counted_from
    if source == "receipt":
        return p.received_on
    event = Step(source)
    happened: date | None = getattr(p, _HAPPENED_ON[event])
    if event is Step.ACKNOWLEDGE and p.acknowledgement_queued_on is not None:
        return p.acknowledgement_queued_on
    if happened is not None:
        return happened
    if event is Step.ACKNOWLEDGE and p.acknowledge_by is not None:
        return p.acknowledge_by  # the case's own date, fixed on receipt
    return deadline(p.procedure, event, counted_from(p, event, local_targets), local_targets).due


def _counted(
    p: Progress,
    step: Step,
    targets: dict[Step, int],
    *,
    start: date | None = None,
) -> Deadline:
    return deadline(p.procedure, step, start or counted_from(p, step, targets), targets, p.pauses)


def _acknowledgement(p: Progress) -> Due | None:
    if p.acknowledged_on is not None or p.kind is Kind.COMPLIMENT:
        return None
    if p.acknowledge_by is None:
        return None
    return Due(
        ACKNOWLEDGE,
        Deadline(p.acknowledge_by, p.acknowledge_by_statutory, p.acknowledge_by, p.received_on),
    )


def first_response(p: Progress, local_targets: dict[Step, int] | None = None) -> Due | None:
    """The first answer the person is waiting for, and by when, from receipt until it is
    given: England, the stage 1 response (10 working days from receipt, whether or not
    anyone has accepted the complaint yet; 20 once extended); Wales, the discussion (10
    from the acknowledgement) and then the written resolution (5 from the discussion); the
    corporate procedure, the stage 1 response (10 from the acknowledgement, 20 extended); a
    representation, the council's own reply target. Nothing for a compliment or an
    advocacy request, and nothing once the case has gone past stage 1."""
    targets = local_targets or {}
    stage = current_stage(p)
    if stage not in (Stage.TRIAGE, Stage.STAGE1) or p.stage1_responded_on:
        return None
    if p.kind is Kind.REPRESENTATION and stage is Stage.TRIAGE:
        if Step.REPLY not in targets:
            return None
        return Due(REPLY, _counted(p, Step.REPLY, targets, start=p.received_on))
    if p.kind is not Kind.COMPLAINT and stage is Stage.TRIAGE:
        return None
    if p.procedure is Procedure.WALES_CHILDREN:
        if p.discussion_on is None:
            return Due(DISCUSSION, _counted(p, Step.DISCUSSION, targets))
        return Due(WRITTEN_RESOLUTION, _counted(p, Step.RESOLUTION_LETTER, targets))
    if p.stage1_extended_on:
        return Due(STAGE1_RESPONSE, _counted(p, Step.STAGE1_EXTENDED, targets))
    return Due(STAGE1_RESPONSE, _counted(p, Step.STAGE1_RESPONSE, targets))


def first_response_name(procedure: Procedure | str, kind: Kind | str) -> str | None:
    """What the first response is called before anything has happened: the step that
    runs beside the acknowledgement from receipt."""
    if Kind(kind) is Kind.REPRESENTATION:
        return REPLY
    if Kind(kind) is not Kind.COMPLAINT:
        return None
    return DISCUSSION if Procedure(procedure) is Procedure.WALES_CHILDREN else STAGE1_RESPONSE


def longest_first_response(
    p: Progress, local_targets: dict[Step, int] | None = None
) -> date | None:
    """The latest the first response may come with an agreed extension (England: 20
    working days from receipt; corporate: 20 from the acknowledgement); None where the
    procedure sets no longer limit."""
    if p.kind is not Kind.COMPLAINT or Step.STAGE1_EXTENDED not in TABLES[p.procedure]:
        return None
    return deadline(
        p.procedure, Step.STAGE1_EXTENDED, counted_from(p, Step.STAGE1_EXTENDED, local_targets)
    ).due


def running(
    p: Progress,
    *,
    local_targets: dict[Step, int] | None = None,
    stage2_start: Stage2ClockStart = Stage2ClockStart.REQUEST,
) -> list[Due]:
    """Everything the council owes on the case now, soonest first (undated last): the
    acknowledgement, and beside it the statutory step that is already running; and what
    the ombudsman's enquiries ask for, closed case or not."""
    to_ombudsman = [
        Due(o.what, Deadline(o.due_on, None, o.due_on))
        for o in rules_of_the_ombudsman.due_next(p.ombudsman)
    ]
    if ended(p):
        return to_ombudsman
    targets = local_targets or {}
    owed = [d for d in (_acknowledgement(p),) if d is not None] + to_ombudsman
    try:
        owed += _in_procedure(p, targets, stage2_start)
    except ClockPaused as paused:
        owed.append(Due(_paused_step(p), None, paused.pause))
    if p.kind is Kind.ADVOCACY and p.advocacy_due_on is not None:
        owed.append(Due(ADVOCATE_ARRANGED, Deadline(p.advocacy_due_on, None, p.advocacy_due_on)))
    if p.kind is Kind.COMPLIMENT and p.thanked_on is None:
        owed.append(Due(THANK_THE_TEAM, None))
    return sorted(owed, key=lambda d: d.deadline.due if d.deadline else date.max)


def _paused_step(p: Progress) -> str:
    stage = current_stage(p)
    if stage is Stage.STAGE1 and p.procedure is Procedure.WALES_CHILDREN:
        return WRITTEN_RESOLUTION if p.discussion_on else DISCUSSION
    return {Stage.STAGE1: STAGE1_RESPONSE, Stage.STAGE2: STAGE2_RESPONSE}.get(stage, "Stage 3")


def next_due(
    p: Progress,
    *,
    local_targets: dict[Step, int] | None = None,
    stage2_start: Stage2ClockStart = Stage2ClockStart.REQUEST,
) -> Due | None:
    """The next thing the council owes, with its date; None when nothing is owed."""
    owed = running(p, local_targets=local_targets, stage2_start=stage2_start)
    return owed[0] if owed else None


def _in_procedure(
    p: Progress, targets: dict[Step, int], stage2_start: Stage2ClockStart
) -> list[Due]:
    first = first_response(p, targets)
    if first is not None:
        return [first]
    stage = current_stage(p)
    procedure = p.procedure
    if stage is Stage.STAGE2 and not p.stage2_adjudicated_on:
        if p.stage2_extended_to:
            longest = stage2_longest(p, stage2_start)
            extended = Deadline(p.stage2_extended_to, longest, p.stage2_extended_to)
            return [Due(STAGE2_EXTENDED, extended)]
        owed = []
        if procedure is Procedure.CORPORATE and p.stage2_acknowledged_on is None:
            owed.append(Due(ACKNOWLEDGE_STAGE2, _counted(p, Step.ACKNOWLEDGE_STAGE2, targets)))
        # Counted from the request, or the agreed statement where the council says so;
        # the corporate code counts from its acknowledgement of the request.
        begun = stage2_clock_start(p, stage2_start)
        assert begun is not None
        owed.append(Due(STAGE2_RESPONSE, _counted(p, Step.STAGE2_RESPONSE, targets, start=begun)))
        return owed
    if stage is Stage.STAGE3:
        if not p.panel_on:
            return [Due(PANEL_MEETS, _counted(p, Step.STAGE3_PANEL, targets))]
        if not p.panel_report_on:
            return [Due(PANEL_REPORT, _counted(p, Step.STAGE3_REPORT, targets))]
        if not p.stage3_responded_on:
            return [Due(COUNCIL_RESPONSE, _counted(p, Step.STAGE3_COUNCIL_RESPONSE, targets))]
    return []


def is_late_request(
    requested_on: date,
    previous_response_on: date | None,
    window_days: int,
    *,
    extended_to: date | None = None,
) -> bool:
    """A request for the next stage after its window: flagged, never refused (staff decide).
    `extended_to`: more time staff granted to decide; a request by then is in time."""
    if previous_response_on is None:
        return False
    end = add_working_days(previous_response_on, window_days)
    return requested_on > (max(end, extended_to) if extended_to else end)
