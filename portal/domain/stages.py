"""The case through the procedure: which move is allowed when, and what is due next
(domain.md, "Timescales"). Pure: the case's progress is passed in as dates.

England: stage 1 (local resolution), stage 2 (investigation), stage 3 (review panel),
then the ombudsman. Wales: stage 1, stage 2 (a person may go straight to it), then the
ombudsman. The corporate procedure: stage 1, stage 2, then the ombudsman.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from portal.domain.clock import add_working_days
from portal.domain.ledger import Pause
from portal.domain.timescales import TABLES, ClockPaused, Deadline, Procedure, Step, deadline


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
    RESPOND_STAGE1 = "respond_stage1"
    REQUEST_STAGE2 = "request_stage2"
    AGREE_STATEMENT = "agree_statement"
    APPOINT_INVESTIGATORS = "appoint_investigators"
    EXTEND_STAGE2 = "extend_stage2"
    ADJUDICATE_STAGE2 = "adjudicate_stage2"
    REQUEST_STAGE3 = "request_stage3"
    SET_PANEL = "set_panel"
    PANEL_REPORT = "panel_report"
    RESPOND_STAGE3 = "respond_stage3"
    REFER_OMBUDSMAN = "refer_ombudsman"
    OMBUDSMAN_DECISION = "ombudsman_decision"
    CLOSE = "close"


MOVE_LABELS: dict[Move, str] = {
    Move.ACCEPT: "Accept at stage 1",
    Move.RESOLVE_INFORMALLY: "Resolve informally",
    Move.WITHDRAW: "Record it as withdrawn",
    Move.EXTEND_STAGE1: "Extend stage 1 (complainant agreed)",
    Move.RESPOND_STAGE1: "Record the stage 1 response",
    Move.REQUEST_STAGE2: "Record a request for stage 2",
    Move.AGREE_STATEMENT: "Record the agreed statement of complaint",
    Move.APPOINT_INVESTIGATORS: "Appoint the investigating officer and independent person",
    Move.EXTEND_STAGE2: "Extend stage 2 (complainant told why)",
    Move.ADJUDICATE_STAGE2: "Record the stage 2 adjudication",
    Move.REQUEST_STAGE3: "Record a request for a review panel (stage 3)",
    Move.SET_PANEL: "Record the review panel",
    Move.PANEL_REPORT: "Record the panel's report",
    Move.RESPOND_STAGE3: "Record the council's response to the panel",
    Move.REFER_OMBUDSMAN: "Record a referral to the ombudsman",
    Move.OMBUDSMAN_DECISION: "Record the ombudsman's decision",
    Move.CLOSE: "Close the case",
}


class MoveRefused(ValueError):
    """A move the procedure does not allow now; the message says why, for staff."""


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
    accepted_on: date | None = None
    resolved_informally_on: date | None = None
    withdrawn_on: date | None = None
    stage1_extended_on: date | None = None
    stage1_responded_on: date | None = None
    stage2_requested_on: date | None = None
    stage2_statement_on: date | None = None
    investigators_appointed_on: date | None = None
    stage2_extended_to: date | None = None
    stage2_adjudicated_on: date | None = None
    stage3_requested_on: date | None = None
    panel_on: date | None = None
    panel_report_on: date | None = None
    stage3_responded_on: date | None = None
    ombudsman_referred_on: date | None = None
    ombudsman_decided_on: date | None = None
    closed_on: date | None = None
    skipped_stage1: bool = False  # Wales: straight to stage 2
    flags: frozenset[str] = field(default_factory=frozenset)
    # The pauses of the clock of the stage the case is in now (services/clock.py).
    pauses: tuple[Pause, ...] = ()


def has_stage3(procedure: Procedure) -> bool:
    return procedure is Procedure.ENGLAND_CHILDREN


def current_stage(p: Progress) -> Stage:
    if p.closed_on or p.withdrawn_on or p.resolved_informally_on:
        return Stage.CLOSED
    if p.ombudsman_referred_on:
        return Stage.OMBUDSMAN
    if p.stage3_requested_on:
        return Stage.STAGE3
    if p.stage2_requested_on:
        return Stage.STAGE2
    if p.accepted_on:
        return Stage.STAGE1
    return Stage.TRIAGE


def _refuse(reason: str) -> MoveRefused:
    return MoveRefused(reason)


def check_move(p: Progress, move: Move, on: date) -> None:
    """Raise MoveRefused, saying why, unless the procedure allows `move` on `on`."""
    stage = current_stage(p)
    if on < p.received_on:
        raise _refuse("The date is before the complaint was received.")
    # A closed case may still go to the ombudsman, and the decision must be recordable.
    if stage is Stage.CLOSED and move not in (Move.REFER_OMBUDSMAN, Move.OMBUDSMAN_DECISION):
        raise _refuse("The case is closed. Reopen it before recording anything else.")
    match move:
        case Move.ACCEPT | Move.RESOLVE_INFORMALLY:
            if stage is not Stage.TRIAGE:
                raise _refuse("Only a case in triage can be accepted or resolved informally.")
        case Move.WITHDRAW | Move.CLOSE:
            pass
        case Move.EXTEND_STAGE1:
            if stage is not Stage.STAGE1 or p.stage1_responded_on:
                raise _refuse("Stage 1 can be extended only while it is open.")
            if p.stage1_extended_on:
                raise _refuse("Stage 1 has already been extended to its longest (20 days).")
        case Move.RESPOND_STAGE1:
            if stage is not Stage.STAGE1 or p.stage1_responded_on:
                raise _refuse("There is no open stage 1 to respond to.")
            if p.accepted_on and on < p.accepted_on:
                raise _refuse("The response cannot be dated before stage 1 started.")
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
        case Move.REFER_OMBUDSMAN:
            if p.ombudsman_referred_on:
                raise _refuse("The case has already been referred to the ombudsman.")
            if not p.accepted_on and not p.stage2_requested_on:
                raise _refuse("Only a complaint in the procedure can go to the ombudsman.")
        case Move.OMBUDSMAN_DECISION:
            if not p.ombudsman_referred_on or p.ombudsman_decided_on:
                raise _refuse("A decision comes after a referral, once.")


def apply_move(
    p: Progress,
    move: Move,
    on: date,
    *,
    extended_to: date | None = None,
    stage2_start: Stage2ClockStart | None = None,
) -> Progress:
    """The progress after `move` on `on` (checked first). `stage2_start` is where stage 2's
    clock starts (the request unless the council counts from the agreed statement): its
    65 working days at most count from there too."""
    check_move(p, move, on)
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
        case Move.RESPOND_STAGE1:
            return replace(p, stage1_responded_on=on)
        case Move.REQUEST_STAGE2:
            return replace(p, stage2_requested_on=on, skipped_stage1=p.stage1_responded_on is None)
        case Move.AGREE_STATEMENT:
            return replace(p, stage2_statement_on=on)
        case Move.APPOINT_INVESTIGATORS:
            return replace(p, investigators_appointed_on=on)
        case Move.EXTEND_STAGE2:
            longest = stage2_longest(p, stage2_start or Stage2ClockStart.REQUEST)
            if extended_to is None or extended_to <= on:
                raise _refuse("Give the new date for the stage 2 response, after today.")
            if longest is not None and extended_to > longest:
                raise _refuse(
                    f"Stage 2 may take at most until {longest:%-d %B %Y} "
                    "(65 working days): choose an earlier date."
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
        case Move.REFER_OMBUDSMAN:
            return replace(p, ombudsman_referred_on=on)
        case Move.OMBUDSMAN_DECISION:
            return replace(p, ombudsman_decided_on=on)
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


# --- what is due next ---------------------------------------------------------------


def stage2_clock_start(p: Progress, start: Stage2ClockStart) -> date | None:
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


@dataclass(frozen=True)
class Due:
    what: str
    deadline: Deadline | None  # None while the clock is paused
    paused: Pause | None = None


def next_due(
    p: Progress,
    *,
    acknowledge_by: date,
    acknowledged: bool,
    local_targets: dict[Step, int] | None = None,
    stage2_start: Stage2ClockStart = Stage2ClockStart.REQUEST,
) -> Due | None:
    """The next thing the council owes, with its date; None when nothing is owed."""
    stage = current_stage(p)
    if not acknowledged and stage is not Stage.CLOSED:
        return Due("Acknowledge", Deadline(acknowledge_by, None, acknowledge_by))
    if stage is Stage.TRIAGE:
        return None
    try:
        return _due_in_stage(p, stage, acknowledge_by, local_targets or {}, stage2_start)
    except ClockPaused as paused:
        what = {Stage.STAGE1: "Stage 1 response", Stage.STAGE2: "Stage 2 response"}
        return Due(what.get(stage, "Stage 3"), None, paused.pause)


def _due_in_stage(
    p: Progress,
    stage: Stage,
    acknowledge_by: date,
    targets: dict[Step, int],
    stage2_start: Stage2ClockStart,
) -> Due | None:
    procedure = p.procedure
    pauses = p.pauses
    if stage is Stage.STAGE1 and not p.stage1_responded_on:
        if procedure is Procedure.ENGLAND_CHILDREN:
            step = Step.STAGE1_EXTENDED if p.stage1_extended_on else Step.STAGE1_RESPONSE
            return Due(
                "Stage 1 response", deadline(procedure, step, p.received_on, targets, pauses)
            )
        if procedure is Procedure.WALES_CHILDREN:
            offered = deadline(procedure, Step.DISCUSSION, acknowledge_by, targets, pauses)
            return Due("Discussion offered", offered)
        step = Step.STAGE1_EXTENDED if p.stage1_extended_on else Step.STAGE1_RESPONSE
        return Due("Stage 1 response", deadline(procedure, step, acknowledge_by, targets, pauses))
    if stage is Stage.STAGE2 and not p.stage2_adjudicated_on:
        if p.stage2_extended_to:
            longest = stage2_longest(p, stage2_start)
            extended = Deadline(p.stage2_extended_to, longest, p.stage2_extended_to)
            return Due("Stage 2 response (extended)", extended)
        # Counted from the request, or the agreed statement where the council says so.
        # The corporate code counts from its own acknowledgement of the request: we use
        # the request, the earlier and stricter date.
        begun = stage2_clock_start(p, stage2_start)
        assert begun is not None
        return Due(
            "Stage 2 response", deadline(procedure, Step.STAGE2_RESPONSE, begun, targets, pauses)
        )
    if stage is Stage.STAGE3:
        assert p.stage3_requested_on is not None
        if not p.panel_on:
            meets = deadline(procedure, Step.STAGE3_PANEL, p.stage3_requested_on, targets, pauses)
            return Due("Review panel meets", meets)
        if not p.panel_report_on:
            return Due(
                "Panel's report",
                deadline(procedure, Step.STAGE3_REPORT, p.panel_on, targets, pauses),
            )
        if not p.stage3_responded_on:
            reply = deadline(
                procedure, Step.STAGE3_COUNCIL_RESPONSE, p.panel_report_on, targets, pauses
            )
            return Due("Council's response to the panel", reply)
    return None


def is_late_request(
    requested_on: date, previous_response_on: date | None, window_days: int
) -> bool:
    """A request for the next stage after its window: flagged, never refused (staff decide)."""
    if previous_response_on is None:
        return False
    return requested_on > add_working_days(previous_response_on, window_days)
