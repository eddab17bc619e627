"""The case through its stages, in the back office. Every change checks the version the
member of staff was looking at, records who changed which fields in the audit trail,
and recomputes what the council owes next, all in one transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain import labels, stages
from portal.domain.access import Permission, Role, can
from portal.domain.clock import LONDON
from portal.domain.next_steps import RESPONSES
from portal.domain.referrals import Source as ReferralSource
from portal.domain.stages import Move
from portal.domain.timescales import Procedure, check_acknowledgement_date
from portal.domain.types import Kind
from portal.extensions import db
from portal.models import (
    Case,
    Category,
    ComplainantStep,
    ComplaintPoint,
    Lesson,
    Staff,
    StageResponse,
    Submission,
    Task,
    Team,
)
from portal.models.submission import read_field, urgent, with_case, write_field
from portal.services import acknowledgements, audit, clock, consent, events, referrals
from portal.services.common import CaseChanged as CaseChanged
from portal.services.common import NotAllowed as NotAllowed
from portal.services.common import check_version as _check_version
from portal.services.common import require as _require

# The dates a move sets on the case, by move (a stage's own on its row: models/stage_response.py
# STAGE_FIELDS).
MOVE_DATE_FIELD: dict[Move, str] = {
    Move.ACCEPT: "accepted_on",
    Move.RESOLVE_INFORMALLY: "resolved_informally_on",
    Move.WITHDRAW: "withdrawn_on",
    Move.CLOSE: "closed_on",
    Move.EXTEND_STAGE1: "stage1_extended_on",
    Move.HOLD_DISCUSSION: "discussion_on",
    Move.RESPOND_STAGE1: "stage1_responded_on",
    Move.REQUEST_STAGE2: "stage2_requested_on",
    Move.ACKNOWLEDGE_STAGE2: "stage2_acknowledged_on",
    Move.AGREE_STATEMENT: "stage2_statement_on",
    Move.APPOINT_INVESTIGATORS: "investigators_appointed_on",
    Move.ADJUDICATE_STAGE2: "stage2_adjudicated_on",
    Move.REQUEST_STAGE3: "stage3_requested_on",
    Move.SET_PANEL: "panel_on",
    Move.PANEL_REPORT: "panel_report_on",
    Move.RESPOND_STAGE3: "stage3_responded_on",
}

# Details a move may carry, beyond its date.
MOVE_DETAILS: dict[Move, tuple[str, ...]] = {
    Move.RESOLVE_INFORMALLY: ("informal_resolution_terms",),
    Move.EXTEND_STAGE1: ("stage1_extension_reason",),
    Move.APPOINT_INVESTIGATORS: ("investigating_officer", "independent_person"),
    Move.EXTEND_STAGE2: ("stage2_extended_to", "stage2_extension_reason"),
    Move.SET_PANEL: ("panel_members",),
    Move.PANEL_REPORT: ("panel_recommendations",),
}

# The moves that respond at a stage (the ones that stop its clock, domain/stages.py): each
# writes that stage's StageResponse, from these details (a detail's name, the response's
# column).
RESPONDS_AT: dict[Move, str] = stages.STOPS
RESPONSE_DETAILS: dict[Move, dict[str, str]] = {
    Move.RESPOND_STAGE1: {
        "outcome": "outcome",
        "redress_apology": "redress_apology",
        "redress_explanation": "redress_explanation",
        "redress_service_review": "redress_service_review",
        "ex_gratia_pence": "ex_gratia_pence",
    },
    Move.ADJUDICATE_STAGE2: {
        "outcome": "outcome",
        "stage2_cost_pence": "cost_pence",
        "redress_apology": "redress_apology",
        "redress_explanation": "redress_explanation",
        "redress_service_review": "redress_service_review",
        "ex_gratia_pence": "ex_gratia_pence",
    },
    Move.RESPOND_STAGE3: {"outcome": "outcome"},
}


class ReasonNeeded(ValueError):
    """A change staff must explain: re-routing a case to another team."""


class AssigneeRefused(ValueError):
    """Someone a case cannot be assigned to (an auditor; someone outside its team)."""


# --- who sees what ---------------------------------------------------------------------


def visible_to(staff: Staff) -> sa.ColumnElement[bool]:
    """A team member sees their own team's cases only; a case they cannot see is
    answered exactly like a case that does not exist. A condition on cases (a query over
    submissions joins them: models/submission.py `with_case`)."""
    if can(Role(staff.role), Permission.SEE_ALL_TEAMS):
        return sa.true()
    own_team = Case.team_id == staff.team_id
    safeguarding_team = current_app.config["SAFEGUARDING_TEAM_NAME"]
    if staff.team_id is not None and staff.team_id == _team_id(safeguarding_team):
        # The front door acts on every possible danger, whichever team has the case.
        return sa.or_(own_team, urgent())
    return own_team


def _team_id(name: str) -> int | None:
    return db.session.scalar(sa.select(Team.id).where(Team.name == name))


def find(staff: Staff, reference: str) -> Submission | None:
    return db.session.scalar(
        with_case().where(Submission.reference == reference, visible_to(staff))
    )


def record_view(staff: Staff, case: Submission) -> None:
    audit.record("viewed", staff=staff, submission=case)
    db.session.commit()


# --- progress and what is due ----------------------------------------------------------
# The rules are in domain/stages.py; services/clock.py reads a case for them and keeps what
# is due on it. These names stay here for the views and services that ask a case.

progress_of = clock.progress_of
local_targets = clock.local_targets
next_due_of = clock.next_due_of
refresh_due = clock.refresh_due


def _snapshot(case: Submission, names: list[str]) -> dict[str, Any]:
    return {name: read_field(case, name) for name in names}


_save = clock.save_change  # refresh what is due, record the change in the trail, commit


# --- moves through the procedure ---------------------------------------------------------


@dataclass
class MoveInput:
    move: Move
    on: date
    details: dict[str, Any]
    # The day it is recorded on: a move dated after it is refused (stages.check_move).
    today: date | None = None


def window_days(procedure: Procedure) -> int:
    return int(current_app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"])


def apply(staff: Staff, case: Submission, data: MoveInput, *, version: int) -> None:
    """Apply a move of the procedure, or raise stages.MoveRefused saying why."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    _apply(staff, case, data)


# The moves the person who complained makes themselves, from the tracking page
# (services/complainant_steps.py): recorded as staff recording them would.
THEIR_MOVES = (Move.REQUEST_STAGE2, Move.REQUEST_STAGE3)


def apply_theirs(
    case: Submission, data: MoveInput, *, by: str, account: Staff | None = None
) -> None:
    """A move the person made (a stage 2 or 3 request in time): no member of staff, the
    trail says who (`by`; with an advocate's own account, the trail and the clock name
    it). Raises stages.MoveRefused as `apply` does."""
    if data.move not in THEIR_MOVES:
        raise ValueError(f"{data.move} is recorded by staff")
    _apply(account, case, data, {"by": by})


def stage2_window_granted_to(case: Submission) -> date | None:
    """The latest date staff granted the person to decide whether to ask for stage 2."""
    return latest_stage2_grant(
        db.session.scalars(
            sa.select(ComplainantStep).where(
                ComplainantStep.submission_id == case.id,
                ComplainantStep.more_time_for == "stage2_decision",
            )
        )
    )


def latest_stage2_grant(steps: Iterable[ComplainantStep]) -> date | None:
    """Of the case's steps, the latest date granted to decide on stage 2 (None: none)."""
    return max(
        (
            step.granted_to
            for step in steps
            if step.more_time_for == "stage2_decision"
            and step.decision == "granted"
            and step.granted_to is not None
        ),
        default=None,
    )


def stage2_request_late(case: Submission, on: date) -> bool:
    """After the window (window_days) from the stage 1 response, or any later date granted."""
    return stages.is_late_request(
        on,
        case.stage_row("stage1").responded_on,
        window_days(Procedure(case.case.procedure)),
        extended_to=stage2_window_granted_to(case),
    )


def stage3_request_late(case: Submission, on: date) -> bool:
    """After the window (window_days) from the stage 2 adjudication."""
    return stages.is_late_request(
        on, case.stage_row("stage2").responded_on, window_days(Procedure(case.case.procedure))
    )


# A move staff record that answers what the person asked for from the tracking page.
THEIRS_RECORDED = {
    Move.REQUEST_STAGE2: "stage2",
    Move.REQUEST_STAGE3: "stage3",
    Move.WITHDRAW: "withdraw",
}


def _theirs_recorded(case: Submission, kind: str) -> None:
    """Their request of this kind, still waiting, is recorded now: its task is done."""
    for step in db.session.scalars(
        sa.select(ComplainantStep).where(
            ComplainantStep.submission_id == case.id,
            ComplainantStep.kind == kind,
            ComplainantStep.recorded.is_(False),
            ComplainantStep.decided_at.is_(None),
        )
    ):
        step.recorded = True
        if step.task is not None and step.task.done_at is None:
            step.task.done_at = utcnow()


def _apply(
    staff: Staff | None, case: Submission, data: MoveInput, extra: dict[str, Any] | None = None
) -> None:
    was = progress_of(case)
    owed_before = clock.owed(case, progress=was)
    progress = stages.apply_move(
        was,
        data.move,
        data.on,
        extended_to=data.details.get("stage2_extended_to"),
        stage2_start=clock.stage2_start(),
        today=data.today,
    )
    names = [MOVE_DATE_FIELD[data.move]] if data.move in MOVE_DATE_FIELD else []
    names += list(MOVE_DETAILS.get(data.move, ()))
    names += ["stage", "next_due_on", "stage2_request_late", "stage3_request_late", "outcome"]
    before = _snapshot(case, list(dict.fromkeys(names)))
    response = _response_for(case, data.move)
    if response is not None:
        before |= _response_snapshot(response, data.move)
    if data.move in stages.STARTS:
        case.reach(stages.STARTS[data.move])  # the stage's row, from the day it starts
    if data.move in MOVE_DATE_FIELD:
        field = MOVE_DATE_FIELD[data.move]
        write_field(case, field, getattr(progress, field))
    for name in MOVE_DETAILS.get(data.move, ()):
        if name in data.details:
            write_field(case, name, data.details[name])
    if response is not None:
        for name, column in RESPONSE_DETAILS[data.move].items():
            if name in data.details:
                setattr(response, column, data.details[name])
    if data.move is Move.REQUEST_STAGE2:
        case.reach("stage2").request_late = stage2_request_late(case, data.on)
    if data.move in THEIRS_RECORDED:
        _theirs_recorded(case, THEIRS_RECORDED[data.move])
    if data.move is Move.REQUEST_STAGE3:
        case.reach("stage3").request_late = stage3_request_late(case, data.on)
    if not stages.ended(was) and stages.ended(progress):
        # Just closed: the complainant is asked, once, how it was handled (issue 8).
        events.publish(events.CaseClosed(case))
    refresh_due(case)
    clock.after_move(case, data.move, data.on, staff, was, owed_before, data.details)
    # The complainant is told what it means for them (services/effects.py). Only staff
    # extend or respond (THEIR_MOVES holds neither).
    if data.move in stages.EXTENDS and staff is not None:
        events.publish(events.DeadlineExtended(case, data.move, staff))
    elif data.move in RESPONSES and staff is not None:
        events.publish(events.StageResponded(case, data.move, staff))
    if response is None:
        _save(staff, case, f"move:{data.move.value}", before, extra)
        return
    # The trail names the response's fields as the case's own once were (outcome,
    # ex_gratia_pence, stage2_cost_pence ...), with the stage they belong to.
    _save(
        staff,
        case,
        f"move:{data.move.value}",
        before,
        {"response_stage": response.stage} | (extra or {}),
        after=_response_snapshot(response, data.move),
    )


def _response_for(case: Submission, move: Move) -> StageResponse | None:
    """The response a move records, added to the case the first time."""
    if move not in RESPONDS_AT:
        return None
    return case.reach(RESPONDS_AT[move])


def _response_snapshot(response: StageResponse, move: Move) -> dict[str, Any]:
    return {name: getattr(response, column) for name, column in RESPONSE_DETAILS[move].items()}


# --- triage actions -----------------------------------------------------------------------


def assign(
    staff: Staff,
    case: Submission,
    *,
    team_id: int | None,
    person_id: int | None,
    reason: str,
    version: int,
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    before = _snapshot(case, ["team_id", "assigned_staff_id", "routing_reason"])
    team = db.session.get(Team, team_id) if team_id is not None else case.case.team
    if team_id is not None and team is None:
        raise ValueError("Select a team")
    moves = team_id is not None and team_id != case.case.team_id
    if moves and not reason.strip():
        raise ReasonNeeded("Enter why you are changing the team")
    if person_id is not None:
        check_assignee(db.session.get(Staff, person_id), team)
    if moves:
        case.case.team_id = team_id
        case.case.routing_rule_id = None
        case.case.routing_reason = f"Re-routed by staff: {reason}"
    if person_id is not None:
        case.case.assigned_staff_id = person_id
    _save(staff, case, "assigned", before, {"reason": reason})


def check_assignee(person: Staff | None, team: Team | None) -> None:
    """A case is assigned only to someone who works cases and may see it where it is
    going: a member of its team, or a manager (who sees every team). Auditors are never
    assignees; someone in another team needs the case moved to theirs, with a reason."""
    if person is None or not person.is_active_account:
        raise AssigneeRefused("Select a person")
    role = Role(person.role)
    if not can(role, Permission.WORK_CASES):
        raise AssigneeRefused(
            f"{person.name} is an auditor: select someone who works cases"
            if role is Role.AUDITOR
            else f"{person.name} does not work cases: select someone who does"
        )
    if can(role, Permission.SEE_ALL_TEAMS):
        return
    if team is None or person.team_id != team.id:
        where = team.name if team is not None else "no team"
        raise AssigneeRefused(
            f"{person.name} is not in {where}: select a member of the case's team, "
            "or move the case to their team and say why"
        )


@dataclass
class AssignedMany:
    done: list[str]
    refused: dict[str, str]  # reference: why


def assign_many(
    staff: Staff,
    chosen: dict[str, int],
    *,
    team_id: int | None,
    person_id: int | None,
    reason: str,
) -> AssignedMany:
    """Assign several cases at once (reference: the version the person was looking
    at): each through `assign`, as a change of its own (its own audit event and commit),
    so a case someone else changed meanwhile, or that cannot go where asked, is refused
    and reported while the others are done."""
    _require(staff, Permission.WORK_CASES)
    done: list[str] = []
    refused: dict[str, str] = {}
    for reference, version in chosen.items():
        case = find(staff, reference)
        if case is None:
            refused[reference] = "Not found"
            continue
        try:
            assign(
                staff, case, team_id=team_id, person_id=person_id, reason=reason, version=version
            )
        except (CaseChanged, ValueError) as problem:
            db.session.rollback()
            refused[reference] = str(problem)
        else:
            done.append(reference)
    return AssignedMany(done=done, refused=refused)


def change_procedure(
    staff: Staff, case: Submission, *, procedure: Procedure, reason: str, version: int
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if not reason.strip():
        raise ValueError("Enter why the procedure is changing")
    before = _snapshot(case, ["procedure", "next_due_on"])
    case.case.procedure = procedure.value
    _save(staff, case, "procedure_changed", before, {"reason": reason})


def record_acknowledgement(
    staff: Staff, case: Submission, *, how: str, on: date, version: int, today: date
) -> None:
    """An acknowledgement made by phone or letter (or an email sent outside the portal).
    A date after today is refused (timescales.AcknowledgementRefused, saying why); one
    after the case's acknowledge-by date is kept, and shows as late."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    check_acknowledgement_date(case.received_on, on, today=today)
    before = _snapshot(case, ["acknowledged_at", "acknowledged_how", "next_due_on", "stage1_due"])
    case.case.acknowledged_at = datetime.combine(on, time(12, 0), LONDON)
    case.case.acknowledged_how = how
    # Explaining advocacy is its own task: done when advocacy is updated, not here.
    for task in open_tasks(case):
        if task.kind != acknowledgements.EXPLAIN_ADVOCACY:
            task.done_at = case.case.acknowledged_at
    clock.after_acknowledgement(case, staff)
    _save(staff, case, "acknowledged", before)


def reclassify(staff: Staff, case: Submission, *, kind: Kind, reason: str, version: int) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if kind.value == case.case.kind:
        raise ValueError("It is already recorded as that")
    if not reason.strip():
        raise ValueError("Enter why it is being reclassified")
    before = _snapshot(case, ["kind", "reclassified_from", "stage", "next_due_on"])
    case.case.reclassified_from = case.case.kind
    case.case.kind = kind.value
    _save(staff, case, "reclassified", before, {"reason": reason})


def decide_sufficient_interest(
    staff: Staff, case: Submission, *, has_interest: bool, reason: str, on: date, version: int
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    before = _snapshot(
        case,
        ["sufficient_interest", "sufficient_interest_reason", "sufficient_interest_decided_on"],
    )
    case.case.sufficient_interest = has_interest
    case.case.sufficient_interest_reason = reason
    case.case.sufficient_interest_decided_on = on
    _save(staff, case, "sufficient_interest_decided", before)


def update_advocacy(
    staff: Staff,
    case: Submission,
    *,
    status: str,
    advocate: str | None,
    version: int,
    advocate_account: Staff | None = None,
) -> None:
    """Where the advocacy request stands, and who the advocate is: their name as typed
    (kept for history) and, when they have one, their account, which then sees the case
    (services/advocates.py; the caller checks it is an advocate's)."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if status not in labels.ADVOCACY_STATUSES:
        raise ValueError("Select where the advocacy request stands")
    fields = ["advocacy_status", "advocate_assigned", "advocate_id", "next_due_on"]
    before = _snapshot(case, fields)
    case.case.advocacy_status = status
    case.case.advocate_assigned = advocate or (advocate_account.name if advocate_account else None)
    case.case.advocate_id = advocate_account.id if advocate_account else None
    provider = referrals.provider_team()
    if status == "requested" and provider is not None and referrals.open_referral(case) is None:
        # The offer taken up after all (or staff asking for one): a referral in the
        # provider's queue.
        referrals.make(
            case,
            source=ReferralSource.OFFER if case.advocacy_answer else ReferralSource.STAFF,
            provider=provider,
            now=utcnow(),
            staff=staff,
        )
    # Whoever records where advocacy stands has talked it through: the task is done.
    for task in open_tasks(case):
        if task.kind == acknowledgements.EXPLAIN_ADVOCACY:
            task.done_at = utcnow()
    _save(staff, case, "advocacy_updated", before)


def give_copy_consent(staff: Staff, case: Submission, *, on: date, version: int) -> None:
    """Staff record the child's word that their advocate may have copies of every letter."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    consent.give(case, by="staff", on=on, staff=staff)
    db.session.commit()


def withdraw_copy_consent(staff: Staff, case: Submission, *, on: date, version: int) -> None:
    """Staff record the child's word that their advocate gets no more copies."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    consent.withdraw(case, by="staff", on=on, staff=staff)
    db.session.commit()


def thank(staff: Staff, case: Submission, *, on: date, version: int) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    before = _snapshot(case, ["thanked_on", "closed_on", "stage"])
    case.case.thanked_on = on
    case.case.closed_on = case.case.closed_on or on
    _save(staff, case, "compliment_thanked", before)


def set_categories(
    staff: Staff, case: Submission, *, category_ids: list[int], version: int
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    before = {"categories": [c.slug for c in case.categories]}
    case.categories = list(
        db.session.scalars(sa.select(Category).where(Category.id.in_(category_ids)))
    )
    # The categories live in their own table: the change still moves the case's version
    # on (models/submission.py), so a copy opened before it is refused.
    refresh_due(case)
    audit.record(
        "categories_set",
        staff=staff,
        submission=case,
        detail={
            "changes": audit.changes(before, {"categories": [c.slug for c in case.categories]})
        },
    )
    db.session.commit()


def add_point(staff: Staff, case: Submission, *, stage: str, summary: str, outcome: str) -> None:
    _require(staff, Permission.WORK_CASES)
    if outcome not in labels.FINDINGS:
        raise ValueError("Select the finding")
    db.session.add(
        ComplaintPoint(submission_id=case.id, stage=stage, summary=summary, outcome=outcome)
    )
    audit.record(
        "point_added", staff=staff, submission=case, detail={"stage": stage, "outcome": outcome}
    )
    db.session.commit()


def add_lesson(
    staff: Staff, case: Submission, *, lesson: str, action: str, action_due_on: date | None
) -> None:
    _require(staff, Permission.WORK_CASES)
    db.session.add(
        Lesson(
            submission_id=case.id,
            team_id=case.case.team_id,
            lesson=lesson,
            action=action,
            action_due_on=action_due_on,
        )
    )
    audit.record("lesson_added", staff=staff, submission=case)
    db.session.commit()


def record_letter_printed(staff: Staff, case: Submission) -> None:
    audit.record("letter_printed", staff=staff, submission=case)
    db.session.commit()


def open_tasks(case: Submission) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.submission_id == case.id, Task.done_at.is_(None))
        )
    )


def categories(case: Submission) -> list[Category]:
    """The categories staff can choose for `case`: those in use, and any the case carries
    that has been retired since, so that saving the case's categories keeps it."""
    carried = [c.id for c in case.categories]
    return list(
        db.session.scalars(
            sa.select(Category)
            .where(sa.or_(Category.is_active, Category.id.in_(carried)))
            .order_by(Category.position)
        )
    )
