"""The case through its stages, in the back office. Every change checks the version the
member of staff was looking at, records who changed which fields in the audit trail,
and recomputes what the council owes next, all in one transaction."""

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
from portal.domain.stages import Move, Stage
from portal.domain.timescales import Procedure, check_acknowledgement_date
from portal.domain.types import Kind
from portal.extensions import db
from portal.models import (
    Case,
    Category,
    ComplaintPoint,
    Lesson,
    Staff,
    StageResponse,
    Submission,
    Task,
    Team,
)
from portal.models.submission import row_of, urgent, with_case
from portal.services import acknowledgements, audit, clock, events
from portal.services.common import CaseChanged as CaseChanged
from portal.services.common import NotAllowed as NotAllowed
from portal.services.common import check_version as _check_version
from portal.services.common import require as _require

# The dates a move sets on the case, by move (a stage's own on its row: models/submission.py,
# ON_STAGES).
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
    Move.REFER_OMBUDSMAN: "ombudsman_referred_on",
    Move.OMBUDSMAN_DECISION: "ombudsman_decided_on",
}

# Details a move may carry, beyond its date.
MOVE_DETAILS: dict[Move, tuple[str, ...]] = {
    Move.RESOLVE_INFORMALLY: ("informal_resolution_terms",),
    Move.EXTEND_STAGE1: ("stage1_extension_reason",),
    Move.APPOINT_INVESTIGATORS: ("investigating_officer", "independent_person"),
    Move.EXTEND_STAGE2: ("stage2_extended_to", "stage2_extension_reason"),
    Move.SET_PANEL: ("panel_members",),
    Move.PANEL_REPORT: ("panel_recommendations",),
    Move.REFER_OMBUDSMAN: ("ombudsman_reference",),
    Move.OMBUDSMAN_DECISION: ("ombudsman_decision",),
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
    return {name: getattr(row_of(case, name), name) for name in names}


_save = clock.save_change  # refresh what is due, record the change in the trail, commit


# --- moves through the procedure ---------------------------------------------------------


@dataclass
class MoveInput:
    move: Move
    on: date
    details: dict[str, Any]


def window_days(procedure: Procedure) -> int:
    return int(current_app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"])


def apply(staff: Staff, case: Submission, data: MoveInput, *, version: int) -> None:
    """Apply a move of the procedure, or raise stages.MoveRefused saying why."""
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    was = progress_of(case)
    owed_before = clock.owed(case, progress=was)
    progress = stages.apply_move(
        was,
        data.move,
        data.on,
        extended_to=data.details.get("stage2_extended_to"),
        stage2_start=clock.stage2_start(),
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
        setattr(row_of(case, field), field, getattr(progress, field))
    for name in MOVE_DETAILS.get(data.move, ()):
        if name in data.details:
            setattr(row_of(case, name), name, data.details[name])
    if response is not None:
        for name, column in RESPONSE_DETAILS[data.move].items():
            if name in data.details:
                setattr(response, column, data.details[name])
    if data.move is Move.REQUEST_STAGE2:
        case.stage2_request_late = stages.is_late_request(
            data.on, case.stage1_responded_on, window_days(Procedure(case.procedure))
        )
    if data.move is Move.REQUEST_STAGE3:
        case.stage3_request_late = stages.is_late_request(
            data.on, case.stage2_adjudicated_on, window_days(Procedure(case.procedure))
        )
    if before["stage"] != Stage.CLOSED and stages.current_stage(progress) is Stage.CLOSED:
        # Just closed: the complainant is asked, once, how it was handled (issue 8).
        events.publish(events.CaseClosed(case))
    refresh_due(case)
    clock.after_move(case, data.move, data.on, staff, was, owed_before, data.details)
    # The complainant is told what it means for them (services/effects.py).
    if data.move in stages.EXTENDS:
        events.publish(events.DeadlineExtended(case, data.move, staff))
    elif data.move in RESPONSES:
        events.publish(events.StageResponded(case, data.move, staff))
    if response is None:
        _save(staff, case, f"move:{data.move.value}", before)
        return
    # The trail names the response's fields as the case's own once were (outcome,
    # ex_gratia_pence, stage2_cost_pence ...), with the stage they belong to.
    _save(
        staff,
        case,
        f"move:{data.move.value}",
        before,
        {"response_stage": response.stage},
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
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise ValueError("Select a team")
    if team_id is not None and team_id != case.team_id:
        if not reason.strip():
            raise ReasonNeeded("Enter why you are changing the team")
        case.team_id = team_id
        case.routing_rule_id = None
        case.case.routing_reason = f"Re-routed by staff: {reason}"
    if person_id is not None:
        person = db.session.get(Staff, person_id)
        if person is None:
            raise ValueError("Select a person")
        case.assigned_staff_id = person.id
    _save(staff, case, "assigned", before, {"reason": reason})


def change_procedure(
    staff: Staff, case: Submission, *, procedure: Procedure, reason: str, version: int
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if not reason.strip():
        raise ValueError("Enter why the procedure is changing")
    before = _snapshot(case, ["procedure", "next_due_on"])
    case.procedure = procedure.value
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
    case.acknowledged_at = datetime.combine(on, time(12, 0), LONDON)
    case.case.acknowledged_how = how
    # Explaining advocacy is its own task: done when advocacy is updated, not here.
    for task in open_tasks(case):
        if task.kind != acknowledgements.EXPLAIN_ADVOCACY:
            task.done_at = case.acknowledged_at
    clock.after_acknowledgement(case, staff)
    _save(staff, case, "acknowledged", before)


def reclassify(staff: Staff, case: Submission, *, kind: Kind, reason: str, version: int) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if kind.value == case.kind:
        raise ValueError("It is already recorded as that")
    if not reason.strip():
        raise ValueError("Enter why it is being reclassified")
    before = _snapshot(case, ["kind", "reclassified_from", "stage", "next_due_on"])
    case.case.reclassified_from = case.kind
    case.kind = kind.value
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
    staff: Staff, case: Submission, *, status: str, advocate: str | None, version: int
) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    if status not in labels.ADVOCACY_STATUSES:
        raise ValueError("Select where the advocacy request stands")
    before = _snapshot(case, ["advocacy_status", "advocate_assigned", "next_due_on"])
    case.case.advocacy_status = status
    case.case.advocate_assigned = advocate or None
    # Whoever records where advocacy stands has talked it through: the task is done.
    for task in open_tasks(case):
        if task.kind == acknowledgements.EXPLAIN_ADVOCACY:
            task.done_at = utcnow()
    _save(staff, case, "advocacy_updated", before)


def thank(staff: Staff, case: Submission, *, on: date, version: int) -> None:
    _require(staff, Permission.WORK_CASES)
    _check_version(case, version)
    before = _snapshot(case, ["thanked_on", "closed_on", "stage"])
    case.thanked_on = on
    case.closed_on = case.closed_on or on
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
            team_id=case.team_id,
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


def categories() -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.is_active).order_by(Category.position)
        )
    )
