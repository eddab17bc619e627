"""What a case owes and by when, and the clock ledger of a case (domain/ledger.py).

What is due is worked out by the rules (domain/stages.py `running`) from what has
happened, from the moment a submission is received, and kept on the case (it sorts the
queue and drives the reminders): `refresh_due`.

Every start, pause, restart, extension and stop of a stage's clock is an event in the
ledger; the due dates follow from them. A step done on the way (the acknowledgement, a
discussion in Wales) that moves the date of the step counted from it is an event too.

Events are written in the same transaction as the change that causes them (a move, a
pause) and never changed. When a step stops, how many working days it took and whether
that was in time are written into its event, so a later change to the bank-holiday table
or to the rules cannot rewrite history. Open cases' due dates can be recomputed (after the
bank-holiday table changes): each one that moves gets an event saying so.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain import labels, ledger, stages, timescales
from portal.domain.clock import london_date
from portal.domain.ledger import Pause
from portal.domain.stages import (
    DONE_ON_THE_WAY,
    ENDS,
    EXTENDS,
    STAGE_CLOCKS,
    STARTS,
    STOPS,
    Due,
    Move,
    Progress,
    Stage,
    Stage2ClockStart,
)
from portal.domain.timescales import ClockPaused, Deadline, Procedure, Step, statutory_procedure
from portal.domain.types import ContactPreference, Kind
from portal.extensions import db
from portal.models import Case, ClockEvent, OmbudsmanEnquiry, Staff, Submission
from portal.models.outbox import ACKNOWLEDGED_HOW, MessageChannel
from portal.models.submission import is_field, read_field, read_fields, with_case
from portal.services import audit
from portal.services import events as case_events
from portal.services.common import check_can_work, mobile_for_texts

STARTED, PAUSED, RESTARTED = "started", "paused", "restarted"
EXTENDED, STOPPED, RECOMPUTED = "extended", "stopped", "recomputed"
DONE = "done"  # a step on the way: a discussion held, a stage 2 request acknowledged


class ClockRefused(ValueError):
    """A pause or restart the clock does not allow now; the message says why."""


# --- what is due ---------------------------------------------------------------------------


def progress_of(
    case: Submission, *, enquiries: Sequence[OmbudsmanEnquiry] | None = None
) -> Progress:
    """The case's progress as the rules read it: what has happened, as dates.
    `enquiries`: the case's (`ombudsman_enquiries`), when the caller has read them or
    knows there are none; else they are read here."""
    values = read_fields(case, _progress_fields())
    acknowledged_at = case.case.acknowledged_at
    return Progress(
        procedure=Procedure(case.case.procedure),
        kind=Kind(case.case.kind),
        acknowledged_on=london_date(acknowledged_at) if acknowledged_at else None,
        acknowledgement_queued_on=acknowledgement_queued_on(case),
        # Owed only while the request waits for the provider.
        advocacy_due_on=case.case.advocacy_due_on
        if case.case.advocacy_status == "requested"
        else None,
        flags=frozenset(case.flags or []),
        pauses=pauses(case, running_clock(case)),
        ombudsman=tuple(
            e.as_rules() for e in (ombudsman_enquiries(case) if enquiries is None else enquiries)
        ),
        **values,
    )


@cache
def _progress_fields() -> tuple[str, ...]:
    """The fields of Progress read as they are from the case (`read_field`); the others
    are worked out by `progress_of`."""
    own = {
        "procedure",
        "flags",
        "kind",
        "acknowledged_on",
        "acknowledgement_queued_on",
        "advocacy_due_on",
        "pauses",
        "ombudsman",
    }
    return tuple(
        f.name for f in dataclasses.fields(Progress) if f.name not in own and is_field(f.name)
    )


# Built once, as every reading of a case's progress runs them (the tracking page and the
# confirmation among them): making a statement and its cache key cost about as much as
# running it (issue 19).
_OMBUDSMAN_ENQUIRIES = (
    sa.select(OmbudsmanEnquiry)
    .where(OmbudsmanEnquiry.submission_id == sa.bindparam("case_id"))
    .order_by(OmbudsmanEnquiry.received_on, OmbudsmanEnquiry.id)
)
_EVENTS = (
    sa.select(ClockEvent)
    .where(ClockEvent.submission_id == sa.bindparam("case_id"))
    .order_by(ClockEvent.id)
)


def ombudsman_enquiries(case: Submission) -> list[OmbudsmanEnquiry]:
    """The ombudsman's enquiries into the case, the earliest first (its steps are
    services/ombudsman.py's)."""
    if case.id is None:
        return []
    return list(db.session.scalars(_OMBUDSMAN_ENQUIRIES, {"case_id": case.id}))


def acknowledged_by_email_on_receipt(case: Submission) -> bool:
    """The acknowledgement went by email (or by text), queued with the submission (to the
    person, or to the advocate a child asked us to reply through): it is made on the day
    of receipt."""
    by_email = case.contact_preference == ContactPreference.EMAIL.value
    return bool((by_email and case.email) or case.advocate_email or mobile_for_texts(case))


# How the outbox records an acknowledgement it sent by email or text.
BY_MESSAGE = frozenset(
    ACKNOWLEDGED_HOW[c.value] for c in (MessageChannel.EMAIL, MessageChannel.SMS)
)


def acknowledgement_queued_on(case: Submission) -> date | None:
    """The day the acknowledgement queued on receipt was queued, while it is the case's
    acknowledgement (on its way, or sent: not once staff record one made another way).
    For a submission staff record days after it came (a letter), the day they record it."""
    if not acknowledged_by_email_on_receipt(case):
        return None
    if case.case.acknowledged_at is not None and case.case.acknowledged_how not in BY_MESSAGE:
        return None
    return max(case.received_on, london_date(case.received_at))


def acknowledgement_due(received_on: date, procedure: Procedure | None = None) -> Deadline:
    """Acknowledge by: the council's target (configuration), held to the procedure's
    own limit (domain/timescales.py); without a procedure, the jurisdiction's statutory one."""
    config = current_app.config
    procedure = procedure or statutory_procedure(config["JURISDICTION"])
    target = int(config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"])
    return timescales.acknowledgement_deadline(received_on, procedure, target)


def stage2_start() -> Stage2ClockStart:
    return Stage2ClockStart(current_app.config["STAGE2_CLOCK_START"])


def local_targets() -> dict[Step, int]:
    """The council's own targets, in working days (configuration)."""
    config = current_app.config
    targets = {
        Step.ACKNOWLEDGE: int(config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"]),
        Step.REPLY: int(config["REPRESENTATION_REPLY_TARGET_WORKING_DAYS"]),
    }
    stage1 = config.get("STAGE1_LOCAL_TARGET_WORKING_DAYS")
    if stage1:
        targets[Step.STAGE1_RESPONSE] = int(stage1)
    return targets


def owed(case: Submission, *, progress: Progress | None = None) -> list[Due]:
    """Everything the case owes now, soonest first."""
    return stages.running(
        progress or progress_of(case), local_targets=local_targets(), stage2_start=stage2_start()
    )


def next_due_of(case: Submission, *, progress: Progress | None = None) -> Due | None:
    found = owed(case, progress=progress)
    return found[0] if found else None


def refresh_due(case: Submission) -> Progress:
    """Recompute the stage, what the council owes next (it sorts the queue) and the date
    of the first response the person is shown (`stage1_due`), all from the same rules.
    Returns the case's progress they were worked out from."""
    progress = progress_of(case)
    row = case.case
    row.stage = stages.current_stage(progress).value
    due = next_due_of(case, progress=progress)
    if due is None:
        row.next_due_on, row.next_due_what, row.next_due_statutory = None, None, None
    elif due.deadline is None:
        # A paused clock has no due date: nothing is owed until it restarts.
        row.next_due_on, row.next_due_statutory = None, None
        row.next_due_what = f"{due.what}: clock paused" if due.paused else due.what
    else:
        row.next_due_on = due.deadline.due
        row.next_due_what = due.what
        row.next_due_statutory = due.deadline.statutory
    try:
        first = stages.first_response(progress, local_targets())
    except ClockPaused:
        row.stage1_due = None  # the person is told the new date when it restarts
        return progress
    if first is not None and first.deadline is not None:
        row.stage1_due = first.deadline.due
    return progress


def first_response_due(
    case: Submission, *, acknowledged_on: date | None = None, progress: Progress | None = None
) -> Due | None:
    """The first response and its date, as it would be with the acknowledgement made on
    `acknowledged_on` (an acknowledgement being written now another way than the message
    queued on receipt: a letter printed today). `progress`: the case's, when the caller
    has it already."""
    progress = _made_on(progress or progress_of(case), acknowledged_on)
    try:
        return stages.first_response(progress, local_targets())
    except ClockPaused:
        return None


def longest_first_response(
    case: Submission, *, acknowledged_on: date | None = None, progress: Progress | None = None
) -> date | None:
    progress = _made_on(progress or progress_of(case), acknowledged_on)
    return stages.longest_first_response(progress, local_targets())


def _made_on(progress: Progress, acknowledged_on: date | None) -> Progress:
    """The progress with a case not yet acknowledged acknowledged on `acknowledged_on`,
    by staff (a letter): counted from that day, not from the day a message was queued."""
    if acknowledged_on is None or progress.acknowledged_on is not None:
        return progress
    return dataclasses.replace(
        progress, acknowledged_on=acknowledged_on, acknowledgement_queued_on=None
    )


def after_acknowledgement(case: Submission, staff: Staff | None) -> None:
    """The acknowledgement has been made (`acknowledged_at` set): what is due is worked
    out again, counted from the day it was made; a date that moves goes in the ledger."""
    before = case.case.stage1_due
    refresh_due(case)
    if case.case.stage1_due == before or case.id is None or case.case.acknowledged_at is None:
        return
    made = london_date(case.case.acknowledged_at)
    _add(
        case,
        "stage1",
        RECOMPUTED,
        made,
        staff,
        before,
        due_after=case.case.stage1_due,
        reason=f"Counted from the acknowledgement, made on {made:%A %-d %B %Y}",
    )


def events(case: Submission) -> list[ClockEvent]:
    return list(db.session.scalars(_EVENTS, {"case_id": case.id}))


def pauses(case: Submission, clock: str | None) -> tuple[Pause, ...]:
    """The pauses of one stage's clock, in order (the last may still be open)."""
    if clock is None or case.id is None:
        return ()
    found: list[Pause] = []
    for event in events(case):
        if event.stage != clock:
            continue
        if event.kind == PAUSED:
            found.append(Pause(event.on, None, event.reason or ""))
        elif event.kind == RESTARTED and found and found[-1].restarted_on is None:
            last = found[-1]
            found[-1] = Pause(last.paused_on, event.on, last.reason)
    return tuple(found)


def running_clock(case: Submission) -> str | None:
    return (
        STAGE_CLOCKS.get(Stage(case.case.stage))
        if case.case.stage in STAGE_CLOCKS.values()
        else None
    )


def _add(
    case: Submission,
    clock: str,
    kind: str,
    on: date,
    staff: Staff | None,
    due_before: date | None,
    **extra: object,
) -> ClockEvent:
    extra.setdefault("due_after", case.case.next_due_on)
    event = ClockEvent(
        submission_id=case.id,
        stage=clock,
        kind=kind,
        on=on,
        staff_id=staff.id if staff else None,
        due_before=due_before,
        **extra,
    )
    db.session.add(event)
    return event


def _owed_for(move: Move, found: list[Due]) -> Due | None:
    """Of what the case owed, the step `move` gives (or extends)."""
    steps = stages.STEPS_GIVEN.get(move, ())
    return next((d for d in found if d.what in steps), None)


def _due_date(due: Due | None) -> date | None:
    return due.deadline.due if due and due.deadline else None


def after_move(
    case: Submission,
    move: Move,
    on: date,
    staff: Staff | None,
    before: stages.Progress,
    owed_before: list[Due],
    details: dict[str, object],
) -> None:
    """The ledger's entry for a move just applied (its due date already refreshed);
    `before` and `owed_before` are the case as it was."""
    owed_after = owed(case)
    step_before = _owed_for(move, owed_before)
    was_due = _due_date(step_before) or (_due_date(owed_before[0]) if owed_before else None)
    if move in STARTS:
        _add(case, STARTS[move], STARTED, on, staff, was_due)
    elif move in EXTENDS:
        reason = details.get("stage1_extension_reason") or details.get("stage2_extension_reason")
        _add(
            case,
            EXTENDS[move],
            EXTENDED,
            on,
            staff,
            was_due,
            due_after=_due_date(_owed_for(move, owed_after)) or case.case.next_due_on,
            reason=str(reason or "")[:500] or None,
            agreement=str(details.get("extension_agreement") or "")[:300] or None,
        )
    elif move in STOPS:
        _stop(case, STOPS[move], STOPPED, on, staff, step_before)
    elif move in DONE_ON_THE_WAY:
        # The step after it is counted from the day this one was done.
        _stop(case, DONE_ON_THE_WAY[move], DONE, on, staff, step_before)
    elif move in ENDS and stages.clock_running(before):
        # Withdrawn, resolved or closed while a response was being worked on.
        clock = STAGE_CLOCKS[stages.current_stage(before)]
        _add(case, clock, STOPPED, on, staff, was_due, reason=move.value)


def after_reopening(
    case: Submission, staff: Staff, on: date, before: Progress, owed_before: list[Due]
) -> None:
    """The ledger's entry for a closed case reopened (its due date already refreshed):
    accepted into stage 1 on reopening, stage 1's clock starts; back in a stage whose
    response is still owed, its clock runs again from the same dates, worked out again."""
    after = progress_of(case)
    was_due = _due_date(owed_before[0]) if owed_before else None
    if after.accepted_on and not before.accepted_on:
        _add(case, STARTS[Move.ACCEPT], STARTED, on, staff, was_due)
    elif stages.clock_running(after):
        clock = STAGE_CLOCKS[stages.current_stage(after)]
        _add(case, clock, RECOMPUTED, on, staff, was_due, reason="The case was reopened")


def _stop(
    case: Submission,
    clock: str,
    kind: str,
    on: date,
    staff: Staff | None,
    due_before: Due | None,
) -> None:
    """Fix, once, how long the step took and whether it was in time."""
    deadline = due_before.deadline if due_before else None
    counted_from = deadline.counted_from if deadline else None
    taken = (
        ledger.working_days_taken(counted_from, on, pauses(case, clock))
        if counted_from is not None
        else None
    )
    _add(
        case,
        clock,
        kind,
        on,
        staff,
        deadline.due if deadline else None,
        working_days_taken=taken,
        # Stopped while paused: the pause had stopped the clock, so it was in time.
        on_time=(on <= deadline.due) if deadline else True,
        reason=due_before.what if kind == DONE and due_before else None,
    )


def pause(
    staff: Staff, case: Submission, *, on: date, reason: str, detail: str, version: int
) -> None:
    check_can_work(staff, case, version)
    progress = progress_of(case)
    clock = running_clock(case)
    if clock is None or not stages.clock_running(progress):
        raise ClockRefused("Only a stage that is waiting for its response can be paused.")
    if stages.open_pause(progress) is not None:
        raise ClockRefused("The clock is already paused.")
    if on < case.received_on:
        raise ClockRefused("The date is before the complaint was received.")
    why = labels.label("pause_reason", reason)
    if detail:
        why = f"{why}: {detail}"
    before = case.case.next_due_on
    _add_and_refresh(case, clock, PAUSED, on, staff, before, reason=why[:500])
    case_events.publish(case_events.ClockPaused(case, why, staff))
    save_change(staff, case, "clock_paused", {"next_due_on": before}, {"reason": why})


def restart(staff: Staff, case: Submission, *, on: date, version: int) -> None:
    check_can_work(staff, case, version)
    progress = progress_of(case)
    paused = stages.open_pause(progress)
    clock = running_clock(case)
    if paused is None or clock is None:
        raise ClockRefused("The clock is not paused.")
    if on < paused.paused_on:
        raise ClockRefused("The clock cannot restart before the day it was paused.")
    _add_and_refresh(case, clock, RESTARTED, on, staff, None)
    case_events.publish(case_events.ClockRestarted(case, staff))
    save_change(staff, case, "clock_restarted", {"next_due_on": None})


def save_change(
    staff: Staff | None,
    case: Submission,
    action: str,
    before: dict[str, Any],
    extra: dict[str, Any] | None = None,
    *,
    after: dict[str, Any] | None = None,
) -> None:
    """How every change of a case ends: refresh what is due, record the change in the
    trail and commit. `after`: values that are not the case's own columns (a stage's
    response), named as in `before`."""
    refresh_due(case)
    kept = after or {}
    after = {name: read_field(case, name) for name in before if name not in kept} | kept
    audit.record(
        action,
        staff=staff,
        submission=case,
        detail={"changes": audit.changes(before, after)} | (extra or {}),
    )
    db.session.commit()


def _add_and_refresh(
    case: Submission,
    clock: str,
    kind: str,
    on: date,
    staff: Staff,
    due_before: date | None,
    **extra: object,
) -> None:
    """A pause or restart: the event, then the due date that follows from it, which the
    event keeps (all in the caller's transaction)."""
    event = _add(case, clock, kind, on, staff, due_before, **extra)
    db.session.flush()  # the due date is worked out from the events in the database
    refresh_due(case)
    event.due_after = case.case.next_due_on


@dataclass(frozen=True)
class Recomputed:
    reference: str
    before: date | None
    after: date | None


def recompute_open_cases(why: str, staff: Staff | None = None) -> list[Recomputed]:
    """Work out every open case's due date again (after the bank-holiday table changed);
    each one that moves gets a ledger event and an audit entry."""
    moved = []
    open_cases = db.session.scalars(
        with_case().where(Case.stage != Stage.CLOSED.value, Case.purged_at.is_(None))
    )
    for case in open_cases:
        before = case.case.next_due_on
        refresh_due(case)
        if case.case.next_due_on == before:
            continue
        clock = running_clock(case) or case.case.stage[:10]  # "triage": the acknowledgement
        _add(case, clock, RECOMPUTED, london_date(utcnow()), staff, before, reason=why[:500])
        audit.record(
            "due_date_recomputed",
            staff=staff,
            submission=case,
            detail={
                "changes": audit.changes(
                    {"next_due_on": before}, {"next_due_on": case.case.next_due_on}
                ),
                "reason": why,
            },
        )
        moved.append(Recomputed(case.reference, before, case.case.next_due_on))
    db.session.commit()
    return moved


# --- how this date was worked out ---------------------------------------------------------


@dataclass(frozen=True)
class WorkedOut:
    """One due date and how it was counted, for staff."""

    what: str
    label: str  # "the law" or "the council's own target"
    count: ledger.Count | None  # None: a date fixed by an extension
    due: date | None
    fixed_by: ClockEvent | None = None


def worked_out(case: Submission) -> list[WorkedOut]:
    """Every date the case owes now, each with the days counted and skipped."""
    clock = running_clock(case)
    case_pauses = pauses(case, clock)
    # Counted without the open pause, to know where from and how far; then with it, to
    # show the count stopping at the pause.
    closed = tuple(p for p in case_pauses if p.restarted_on is not None)
    progress = dataclasses.replace(progress_of(case), pauses=closed)
    found = []
    for due in owed(case, progress=progress):
        if due.deadline is None:
            continue
        deadline = due.deadline
        if due.what == stages.ACKNOWLEDGE:
            # Kept on the case as a date; counted again the way it was set on receipt.
            deadline = acknowledgement_due(case.received_on, Procedure(case.case.procedure))
        if deadline.counted_from is None:
            extension = next(
                (e for e in reversed(events(case)) if e.kind == EXTENDED and e.stage == clock),
                None,
            )
            found.append(WorkedOut(due.what, "an agreed extension", None, deadline.due, extension))
            continue
        limits = ((deadline.statutory_days, "the law"), (deadline.local_days, "the council"))
        for days, label in limits:
            if days is not None:
                count = ledger.count(deadline.counted_from, days, case_pauses)
                found.append(WorkedOut(due.what, label, count, count.due))
    return found
