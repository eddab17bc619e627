"""What the person who complained does from the tracking page (issue 17): reply to a
message, add information or files, ask for more time, withdraw, ask for stage 2 or a
review panel (stage 3). The same use cases serve whoever acts for them: `by` says who
(the complainant, or an advocate on the child's behalf from the advocate's case page).
The rules of when each is offered are domain/complainant_steps.py.

Each step is kept on the case, dated the day it came (London), with a task for staff
(due in working days) and an entry in the audit trail (who and when, not the words); the
case's assignee, or its team's inbox, gets an email with the reference and a link, never
the words. An advocate acting for the child from their own account passes `advocate`:
the step is the advocate's (`by`), names their account (`by_staff_id`), and the trail
records it as theirs; it is refused on a case they may not see (`advocates.find`). What
they wrote is read for signs of danger as a submission is
(services/safeguarding.assess_later). A request for stage 2 or a review panel in time is
recorded as the case's request at once and starts the stage's clock, as staff recording it
would; a late one is kept, flagged, and waits for staff to decide. Staff decide on more
time and a withdrawal too (`decide`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain.access import Permission
from portal.domain.clock import london_date
from portal.domain.complainant_steps import (
    SENT_AGAIN_WITHIN,
    TASK_KIND,
    Actor,
    CaseFacts,
    Decision,
    MoreTimeFor,
    NotNow,
    StepKind,
    due_for,
    form_key,
    stage2_time_granted,
    stage2_window_end,
    why_not,
)
from portal.domain.complainant_steps import available as available_steps
from portal.domain.complainant_steps import more_time_reasons as reasons_for_more_time
from portal.domain.complainant_steps import stage3_window_end as stage3_window_end_of
from portal.domain.stages import (
    PANEL_MEETS,
    STAGE2_EXTENDED,
    STAGE2_RESPONSE,
    Move,
    MoveRefused,
    ended,
)
from portal.domain.timescales import Procedure
from portal.domain.types import Kind
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Attachment,
    ComplainantStep,
    Correspondence,
    OmbudsmanEnquiry,
    Staff,
    Submission,
    Task,
)
from portal.services import advocates, attachments, audit, cases, clock, outbox, safeguarding
from portal.services.common import check_version, is_deadlock, lock_case, require

TEXT_LIMIT = 5000

# What staff read on the case page and in the email: what came, never the words.
STAFF_WORDS = {
    StepKind.REPLY: "a reply to a message",
    StepKind.INFORMATION: "more information or files",
    StepKind.MORE_TIME: "a request for more time",
    StepKind.WITHDRAW: "a request to withdraw",
    StepKind.STAGE2: "a request for stage 2",
    StepKind.STAGE3: "a request for a review panel (stage 3)",
}
TASK_WORDS = {
    StepKind.REPLY: "Read their reply (From them, on this page) and answer it",
    StepKind.INFORMATION: "Read the information they sent (From them, on this page)",
    StepKind.MORE_TIME: "They asked for more time: decide, and tell them (From them, on this page)",
    StepKind.WITHDRAW: "They asked to withdraw: check with them, then record it (From them, "
    "on this page)",
    StepKind.STAGE2: "They asked for stage 2: read their reasons (From them, on this page)",
    StepKind.STAGE3: "They asked for a review panel (stage 3): read their reasons (From them, "
    "on this page)",
}
# What the tracking page calls each, in the person's language.
PUBLIC_TITLES = {
    StepKind.REPLY: _l("Your reply"),
    StepKind.INFORMATION: _l("More information"),
    StepKind.MORE_TIME: _l("You asked for more time"),
    StepKind.WITHDRAW: _l("You asked to stop"),
    StepKind.STAGE2: _l("You asked for stage 2"),
    StepKind.STAGE3: _l("You asked for a review panel"),
}
LATE_STAGE2_TASK = (
    "They asked for stage 2 after the time to ask had ended: decide whether to accept it "
    "(From them, on this page)"
)
NOT_RECORDED_STAGE2_TASK = (
    "They asked for stage 2 but it could not be recorded as it stands: record the request "
    "(From them, on this page)"
)
LATE_STAGE3_TASK = (
    "They asked for a review panel after the time to ask had ended: decide whether to accept "
    "it (From them, on this page)"
)
NOT_RECORDED_TASK = {
    StepKind.STAGE2: NOT_RECORDED_STAGE2_TASK,
    StepKind.STAGE3: "They asked for a review panel but it could not be recorded as it "
    "stands: record the request (From them, on this page)",
}
LATE_TASK = {StepKind.STAGE2: LATE_STAGE2_TASK, StepKind.STAGE3: LATE_STAGE3_TASK}
# The move that records each request for the next stage.
NEXT_STAGE_MOVES = {StepKind.STAGE2: Move.REQUEST_STAGE2, StepKind.STAGE3: Move.REQUEST_STAGE3}


class NotOffered(ValueError):
    """The step is not open to this case now (it moved on meanwhile): `why`."""

    def __init__(self, why: NotNow) -> None:
        super().__init__(why.value)
        self.why = why


class NotTheirs(LookupError):
    """An advocate acting on a case they may not see (answered as one not found)."""


class DecisionRefused(ValueError):
    """A decision staff cannot record as given; the message says why."""


@dataclass(frozen=True)
class Sent:
    """What the confirmation page tells the person."""

    step: ComplainantStep
    look_by: date  # staff look at it (decide) by then
    stage2_due: date | None = None  # stage 2's response, when the request was recorded
    panel_due: date | None = None  # the review panel meets by, when the request was recorded


# --- what the tracking page offers -----------------------------------------------------


_ASKED = [StepKind.STAGE2.value, StepKind.STAGE3.value, StepKind.WITHDRAW.value]


def facts_of(
    case: Submission,
    steps: Sequence[ComplainantStep] | None = None,
    *,
    enquiries: Sequence[OmbudsmanEnquiry] | None = None,
) -> CaseFacts:
    """`steps`: every step on the case (`on_case`), when the caller has read them; else
    they are read here. `enquiries`: the ombudsman's (clock.progress_of)."""
    progress = cases.progress_of(case, enquiries=enquiries)
    if steps is None:
        steps = on_case(case)
    waiting = {
        step.kind
        for step in steps
        if step.decided_at is None and not step.recorded and step.kind in _ASKED
    }
    granted_to = cases.latest_stage2_grant(steps)
    return CaseFacts(
        kind=Kind(case.case.kind),
        procedure=Procedure(case.case.procedure),
        closed=ended(progress) or case.case.purged_at is not None,
        stage1_responded_on=progress.stage1_responded_on,
        stage2_requested_on=progress.stage2_requested_on,
        stage2_asked=StepKind.STAGE2.value in waiting,
        withdrawal_asked=StepKind.WITHDRAW.value in waiting,
        stage2_window_granted_to=granted_to,
        stage2_adjudicated_on=progress.stage2_adjudicated_on,
        stage3_requested_on=progress.stage3_requested_on,
        stage3_asked=StepKind.STAGE3.value in waiting,
    )


def available(case: Submission) -> list[StepKind]:
    return available_steps(facts_of(case))


@dataclass(frozen=True)
class Offer:
    """What the tracking page (and an advocate's case page) shows of the person's next
    steps, from one reading of the case's facts (each of `available`, `window_end` and
    `stage3_window_end` reads them)."""

    available: list[StepKind]
    window_end: date | None
    stage3_window_end: date | None


def offer(
    case: Submission,
    steps: Sequence[ComplainantStep],
    *,
    enquiries: Sequence[OmbudsmanEnquiry] | None = None,
) -> Offer:
    """`steps`: every step on the case (`on_case`); `enquiries`: the ombudsman's
    (clock.progress_of)."""
    facts = facts_of(case, steps, enquiries=enquiries)
    days = cases.window_days(Procedure(case.case.procedure))
    return Offer(
        available_steps(facts),
        stage2_window_end(facts, days),
        stage3_window_end_of(facts, days),
    )


def not_offered(case: Submission, kind: StepKind) -> NotNow | None:
    """None when the tracking page offers the step now; otherwise why not."""
    return why_not(kind, facts_of(case))


def more_time_reasons(case: Submission) -> list[MoreTimeFor]:
    return reasons_for_more_time(facts_of(case))


def window_days(case: Submission) -> int:
    """The working days after a reply in which the next stage is usually asked for."""
    return cases.window_days(Procedure(case.case.procedure))


def time_granted(case: Submission) -> bool:
    """Whether staff granted more time to ask for stage 2 than `window_days`."""
    return stage2_time_granted(facts_of(case), window_days(case))


def window_end(case: Submission) -> date | None:
    """The last day a stage 2 request counts as in time (with any time granted)."""
    return stage2_window_end(facts_of(case), cases.window_days(Procedure(case.case.procedure)))


def stage3_window_end(case: Submission) -> date | None:
    """The last day a review panel request counts as in time."""
    return stage3_window_end_of(facts_of(case), cases.window_days(Procedure(case.case.procedure)))


def panel_due(case: Submission) -> date | None:
    """When the review panel must meet, once the request is recorded."""
    return next(
        (due.deadline.due for due in clock.owed(case) if due.what == PANEL_MEETS and due.deadline),
        None,
    )


def stage2_due(case: Submission) -> date | None:
    """When stage 2's response is due, once the request is recorded."""
    return next(
        (
            due.deadline.due
            for due in clock.owed(case)
            if due.what in (STAGE2_RESPONSE, STAGE2_EXTENDED) and due.deadline
        ),
        None,
    )


def latest_message(case: Submission) -> Correspondence | None:
    """The latest message or letter from us to them: a reply answers it."""
    return db.session.scalar(
        sa.select(Correspondence)
        .where(Correspondence.submission_id == case.id, Correspondence.recipient == "complainant")
        .order_by(Correspondence.created_at.desc(), Correspondence.id.desc())
        .limit(1)
    )


# Built once (every tracking page reads it): see services/tracking.py.
_ON_CASE = (
    sa.select(ComplainantStep)
    .where(ComplainantStep.submission_id == sa.bindparam("case_id"))
    .order_by(ComplainantStep.sent_at.desc(), ComplainantStep.id.desc())
)


def on_case(case: Submission) -> list[ComplainantStep]:
    """Everything they sent from the tracking page, newest first."""
    return list(db.session.scalars(_ON_CASE, {"case_id": case.id}))


def find(case: Submission, step_id: int) -> ComplainantStep | None:
    step = db.session.get(ComplainantStep, step_id)
    return step if step is not None and step.submission_id == case.id else None


def files_of(case: Submission) -> dict[int, list[Attachment]]:
    return attachments.for_steps(case)


# --- the steps --------------------------------------------------------------------------

Files = Sequence[tuple[str, bytes]]


def reply(
    case: Submission,
    text: str,
    files: Files = (),
    *,
    by: Actor = Actor.COMPLAINANT,
    advocate: Staff | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Sent:
    """A reply to us, attached to the latest message from us if there is one."""
    return _record(
        case,
        StepKind.REPLY,
        text,
        files,
        by,
        now,
        key=key,
        advocate=advocate,
        in_reply_to=latest_message(case),
    )


def add_information(
    case: Submission,
    text: str,
    files: Files = (),
    *,
    by: Actor = Actor.COMPLAINANT,
    advocate: Staff | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Sent:
    if not text.strip() and not files:
        raise ValueError("Nothing was sent")
    return _record(case, StepKind.INFORMATION, text, files, by, now, key=key, advocate=advocate)


def ask_for_more_time(
    case: Submission,
    what_for: MoreTimeFor,
    text: str,
    *,
    by: Actor = Actor.COMPLAINANT,
    advocate: Staff | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Sent:
    return _record(
        case,
        StepKind.MORE_TIME,
        text,
        (),
        by,
        now,
        key=key,
        advocate=advocate,
        more_time_for=what_for,
    )


def withdraw(
    case: Submission,
    reason: str,
    *,
    by: Actor = Actor.COMPLAINANT,
    advocate: Staff | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Sent:
    """Kept for staff to check with them and record: it does not end the case itself."""
    return _record(case, StepKind.WITHDRAW, reason, (), by, now, key=key, advocate=advocate)


def ask_for_next_stage(
    case: Submission,
    reasons: str,
    *,
    stage: StepKind = StepKind.STAGE2,
    by: Actor = Actor.COMPLAINANT,
    advocate: Staff | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Sent:
    """Stage 2, or (`stage` STAGE3, England) a review panel. In time: recorded as the
    case's request, dated today (London), and the stage's clock starts. Late: kept,
    flagged, and staff decide."""
    if stage not in NEXT_STAGE_MOVES:
        raise ValueError(stage)
    return _record(case, stage, reasons, (), by, now, key=key, advocate=advocate)


def _record(
    case: Submission,
    kind: StepKind,
    text: str,
    files: Files,
    by: Actor,
    now: datetime | None,
    *,
    key: str | None,
    advocate: Staff | None,
    in_reply_to: Correspondence | None = None,
    more_time_for: MoreTimeFor | None = None,
) -> Sent:
    """Keep the step, its task, its audit entry and staff's email in one transaction,
    decided under the case's lock (common.lock_case): of requests at the same instant,
    one records and the others find what it recorded. The same form sent again (its key),
    or the same words and files sent again within minutes, is given the step already kept
    and changes nothing; a step the case no longer offers raises NotOffered saying why.
    The files are checked and stored before the lock (a scan takes its time). Ended by
    PostgreSQL to break a deadlock with a change of the case at the same instant, it is
    tried once more, from the lock."""
    if advocate is not None:
        require(advocate, Permission.ACT_AS_ADVOCATE)
        if advocates.find(advocate, case.reference) is None:
            raise NotTheirs(case.reference)
        by = Actor.ADVOCATE
    now = now or utcnow()
    key = form_key(key)
    stored: list[Path] = []
    try:
        stored, rows = attachments.keep_sent(list(files)) if files else ([], [])
        for attempt in (1, 2):
            try:
                return _keep(
                    case, kind, text, rows, by, now, key, advocate, in_reply_to, more_time_for
                )
            except sa.exc.OperationalError as failed:
                db.session.rollback()
                if attempt == 2 or not is_deadlock(failed):
                    raise
            except sa.exc.IntegrityError:
                # The same form, kept by a request that did not wait on the lock: the
                # database's unique key refused this one. It is the step that one kept.
                db.session.rollback()
                kept = _with_key(case, key)
                if kept is None:
                    raise
                _discard(stored)
                return _as_sent(case, kept)
            except _SentBefore as again:
                _discard(stored)
                return _as_sent(case, again.step)
    except Exception:
        db.session.rollback()
        _discard(stored)
        raise
    raise AssertionError("unreachable")


class _SentBefore(Exception):
    """This request is a second sending of `step` (nothing was kept)."""

    def __init__(self, step: ComplainantStep) -> None:
        super().__init__(step.id)
        self.step = step


def _keep(
    case: Submission,
    kind: StepKind,
    text: str,
    rows: list[Attachment],
    by: Actor,
    now: datetime,
    key: str | None,
    advocate: Staff | None,
    in_reply_to: Correspondence | None,
    more_time_for: MoreTimeFor | None,
) -> Sent:
    """One try at keeping the step, under the case's lock; commits."""
    sent_on = london_date(now)
    lock_case(case)
    again = _sent_before(case, kind, key, text, more_time_for, rows, now, by)
    if again is not None:
        db.session.rollback()
        raise _SentBefore(again)
    why = why_not(kind, facts_of(case), more_time_for)
    if why is not None:
        raise NotOffered(why)
    step = ComplainantStep(
        submission_id=case.id,
        kind=kind.value,
        by=by.value,
        by_staff_id=advocate.id if advocate is not None else None,
        text=text.strip()[:TEXT_LIMIT],
        in_reply_to=in_reply_to,
        more_time_for=more_time_for.value if more_time_for else None,
        form_key=key,
        sent_at=now,
        sent_on=sent_on,
    )
    db.session.add(step)
    db.session.flush()
    for row in rows:
        row.submission_id = case.id
        row.step_id = step.id
        db.session.add(row)
    step.danger_signs = safeguarding.assess_later(case, step.text, now=now)
    look_by = due_for(kind, sent_on)
    words = TASK_WORDS[kind]
    if kind is StepKind.STAGE2:
        step.late = cases.stage2_request_late(case, sent_on)
    elif kind is StepKind.STAGE3:
        step.late = cases.stage3_request_late(case, sent_on)
    if step.late:
        words = LATE_TASK[kind]
    step.task = Task(submission=case, kind=TASK_KIND, description=words, due_on=look_by)
    db.session.add(step.task)
    audit.record(
        f"from_complainant_{kind.value}",
        staff=advocate,
        submission=case,
        detail={"step": step.id, "by": by.value, "files": len(rows), "late": step.late},
    )
    _tell_staff(case, step)
    if kind in NEXT_STAGE_MOVES and not step.late:
        if _record_next_stage(case, step, by, advocate):
            return Sent(step, look_by, stage2_due=stage2_due(case), panel_due=panel_due(case))
        step.task.description = NOT_RECORDED_TASK[kind]
    db.session.commit()
    return Sent(step, look_by)


def _discard(stored: list[Path]) -> None:
    for path in stored:
        path.unlink(missing_ok=True)


def _with_key(case: Submission, key: str | None) -> ComplainantStep | None:
    if key is None:
        return None
    return db.session.scalar(
        sa.select(ComplainantStep).where(
            ComplainantStep.submission_id == case.id, ComplainantStep.form_key == key
        )
    )


def _sent_before(
    case: Submission,
    kind: StepKind,
    key: str | None,
    text: str,
    more_time_for: MoreTimeFor | None,
    files: list[Attachment],
    now: datetime,
    by: Actor,
) -> ComplainantStep | None:
    """The step this request is a second sending of: the one kept from the same form, or
    one of the same kind with the same words and files sent within SENT_AGAIN_WITHIN
    that staff have not yet answered (a page read again after Back has a new key)."""
    kept = _with_key(case, key)
    if kept is not None:
        return kept
    same = db.session.scalars(
        sa.select(ComplainantStep)
        .where(
            ComplainantStep.submission_id == case.id,
            ComplainantStep.kind == kind.value,
            ComplainantStep.by == by.value,
            ComplainantStep.text == text.strip()[:TEXT_LIMIT],
            ComplainantStep.more_time_for.is_(None)
            if more_time_for is None
            else ComplainantStep.more_time_for == more_time_for.value,
            ComplainantStep.decided_at.is_(None),
            ComplainantStep.sent_at >= now - SENT_AGAIN_WITHIN,
        )
        .order_by(ComplainantStep.id)
    )
    sent_files = sorted(row.sha256 for row in files)
    kept_files = attachments.for_steps(case)
    return next(
        (
            step
            for step in same
            if sorted(row.sha256 for row in kept_files.get(step.id, [])) == sent_files
        ),
        None,
    )


def _as_sent(case: Submission, step: ComplainantStep) -> Sent:
    """What the confirmation says of a step already kept."""
    look_by = step.task.due_on if step.task else due_for(StepKind(step.kind), step.sent_on)
    if not step.recorded:
        return Sent(step, look_by)
    return Sent(step, look_by, stage2_due=stage2_due(case), panel_due=panel_due(case))


def _record_next_stage(
    case: Submission, step: ComplainantStep, by: Actor, advocate: Staff | None
) -> bool:
    """The request recorded on the case as staff recording it would (this commits)."""
    step.recorded = True
    try:
        cases.apply_theirs(
            case,
            cases.MoveInput(NEXT_STAGE_MOVES[StepKind(step.kind)], step.sent_on, {}),
            by=by.value,
            account=advocate,
        )
    except MoveRefused:
        step.recorded = False
        return False
    return True


def _tell_staff(case: Submission, step: ComplainantStep) -> None:
    """The case's assignee, or else its team's inbox: what came and the link, no words."""
    assignee = (
        db.session.get(Staff, case.case.assigned_staff_id) if case.case.assigned_staff_id else None
    )
    team = case.team
    if assignee is not None and assignee.is_active_account:
        to = assignee.email
    elif team is not None and team.is_active:
        to = team.inbox_email
    else:
        to = str(current_app.config["COMPLAINTS_MANAGER_EMAIL"])
    what = STAFF_WORDS[StepKind(step.kind)]
    who = "their advocate" if step.by == Actor.ADVOCATE.value else "the person who complained"
    outbox.queue(
        purpose="from_complainant",
        recipient=to,
        subject=f"{case.reference}: {what} from {who}",
        template="from-complainant",
        context={
            "reference": case.reference,
            "what": what,
            "who": who,
            "late": step.late,
            # A late request came after the council's window, or after the later day
            # staff granted to ask for stage 2.
            "days": window_days(case),
            "granted_to": window_end(case)
            if step.kind == StepKind.STAGE2 and time_granted(case)
            else None,
            "urgent": bool(step.danger_signs),
            "case_url": f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}"
            f"/staff/cases/{case.reference}",
        },
        submission=case,
    )


# --- staff decide -------------------------------------------------------------------------


def decide(
    staff: Staff,
    case: Submission,
    step: ComplainantStep,
    *,
    decision: Decision,
    granted_to: date | None,
    note: str,
    version: int,
    today: date,
) -> None:
    """Staff's answer to a step: more time granted (to a date) or refused; a late stage 2
    request accepted (recorded as the request, dated the day it came, flagged late) or
    refused; a withdrawal confirmed (recorded as withdrawn, dated the day they asked) or
    not (they changed their mind); a reply or information dealt with. Raises
    DecisionRefused saying why."""
    require(staff, Permission.WORK_CASES)
    # Decided under the case's lock: of two decisions at the same instant (a double click,
    # two people), the first is recorded; the second finds it, and is either the same
    # (nothing more happens) or told it was dealt with.
    lock_case(case)
    kind = StepKind(step.kind)
    if step.decided_at is not None:
        if _decided_so(step, staff, decision, granted_to, note):
            db.session.rollback()
            return
        raise DecisionRefused("This has already been dealt with: see From them on the case page")
    check_version(case, version)
    move: Move | None = None
    if kind in (StepKind.REPLY, StepKind.INFORMATION) or step.recorded:
        # Read and dealt with (a stage 2 request in time is recorded already).
        decision = Decision.DONE
    elif decision is Decision.REFUSED and not note.strip():
        raise DecisionRefused("Enter why")
    elif kind is StepKind.MORE_TIME and decision is Decision.GRANTED:
        if granted_to is None or granted_to <= max(step.sent_on, today):
            raise DecisionRefused("Enter a date after today")
    elif kind in NEXT_STAGE_MOVES and decision is Decision.GRANTED:
        move = NEXT_STAGE_MOVES[kind]
    elif kind is StepKind.WITHDRAW and decision is Decision.GRANTED:
        move = Move.WITHDRAW
    elif decision is Decision.DONE:
        raise DecisionRefused("Select a decision")
    step.decision = decision.value
    step.granted_to = granted_to if kind is StepKind.MORE_TIME else None
    step.decision_note = note.strip() or None
    step.decided_at = utcnow()
    step.decided_by = staff.id
    step.recorded = step.recorded or move is not None
    if step.task is not None:
        step.task.done_at = step.decided_at
    audit.record(
        "from_complainant_decided",
        staff=staff,
        submission=case,
        detail={
            "step": step.id,
            "kind": kind.value,
            "decision": decision.value,
            "granted_to": step.granted_to,
        },
    )
    if move is None:
        db.session.commit()
        return
    try:
        # Dated the day they asked; the trail records the move as staff's (it commits).
        cases.apply(staff, case, cases.MoveInput(move, step.sent_on, {}), version=version)
    except MoveRefused as problem:
        db.session.rollback()
        raise DecisionRefused(str(problem)) from problem


def _decided_so(
    step: ComplainantStep, staff: Staff, decision: Decision, granted_to: date | None, note: str
) -> bool:
    """The decision recorded is this member of staff's, as given now (pressed twice)."""
    return (
        step.decided_by == staff.id
        and step.decision in (decision.value, Decision.DONE.value)
        and step.granted_to == (granted_to if step.kind == StepKind.MORE_TIME.value else None)
        and (step.decision_note or "") == note.strip()
    )
