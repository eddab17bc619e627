"""Referrals to the council's advocacy provider (docs/advocacy-provider.md): made when a
child asks for an advocate, accepts the s26A offer on a complaint, or staff refer a case;
worked by the provider in its own queue, step by step; escalated once when not accepted
in time. The rules are domain/referrals.py.

The provider's people are accounts in the provider's team: they see only the referrals
made to their team, and of each case only what the provider needs (`ProviderView`),
never the council's queue, other cases or the staff notes. Each step keeps the case's own
advocacy columns in step (advocacy_status, advocate_assigned) and goes in the case's
audit trail.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain import referrals as rules
from portal.domain.access import Permission, Role, is_advocate
from portal.domain.clock import (
    add_working_days,
    is_working_day,
    london_date,
    working_days_between,
)
from portal.domain.referrals import ReferralRefused, Source, Status
from portal.domain.stages import Stage
from portal.domain.types import AdvocacyAnswer, SubmitterRole
from portal.extensions import db
from portal.models import Case, Referral, ReferralVisit, Staff, Submission, Team
from portal.models.submission import with_case
from portal.services import audit, clock, outbox
from portal.services.common import check_version, council_name, require

__all__ = ["ReferralRefused"]

QUEUE_PATH = "/staff/referrals"


def _base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def provider_team() -> Team | None:
    """The council's advocacy provider: the active team marked as one (the first, if a
    council has marked more than one)."""
    return db.session.scalar(
        sa.select(Team)
        .where(Team.is_advocacy_provider, Team.is_active)
        .order_by(Team.sort_order, Team.id)
        .limit(1)
    )


def source_of(submission: Submission) -> Source | None:
    """Where a new submission's referral comes from: a request for an advocate, or the
    s26A offer accepted on a complaint; None when it calls for none."""
    if submission.advocacy_answer == AdvocacyAnswer.REQUESTED.value:
        return Source.REQUEST
    if submission.advocacy_answer == AdvocacyAnswer.ACCEPTED.value:
        return Source.OFFER
    return None


def open_referral(case: Submission) -> Referral | None:
    return db.session.scalar(
        sa.select(Referral).where(
            Referral.submission_id == case.id,
            Referral.status.in_([s.value for s in rules.OPEN]),
        )
    )


class Provider(Protocol):
    """What a referral reads of the provider's team: its row, or a copy of it kept by
    the process (services/routing_data.py)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def inbox_email(self) -> str: ...
    @property
    def response_working_days(self) -> int: ...


def make(
    case: Submission,
    *,
    source: Source,
    provider: Provider,
    now: datetime,
    staff: Staff | None = None,
) -> Referral:
    """Add a referral of `case` to `provider` and the email that tells the provider's
    inbox (reference, dates and a link to its queue: no personal data); the caller
    commits. The case may not have been flushed yet (a new submission's)."""
    made_on = london_date(now)
    days = provider.response_working_days or rules.DEFAULT_RESPONSE_WORKING_DAYS
    referral = Referral(
        source=source.value,
        status=Status.WAITING.value,
        provider_team_id=provider.id,
        made_at=now,
        made_on=made_on,
        made_by=staff.id if staff else None,
        response_working_days=days,
        due_on=rules.due_on(made_on, days),
    )
    referral.submission = case
    db.session.add(referral)
    outbox.queue(
        purpose="advocacy_referral",
        recipient=provider.inbox_email,
        subject=f"Advocacy request: {case.reference}",
        template="advocacy-referral",
        context={
            "submission": {
                "reference": case.reference,
                "kind": case.case.kind,
                "received_on": case.received_on,
                # Who sent it, so the provider is told what the child (or someone for
                # them) sent: no name, no personal data.
                "by_child": case.submitter_role == SubmitterRole.CHILD,
            },
            "source": source.value,
            "due_on": referral.due_on,
            "queue_url": _base_url() + QUEUE_PATH,
            "council_name": council_name("en"),
            "team": {"name": provider.name},
        },
        submission=case,
    )
    return referral


def refer_by_staff(staff: Staff, case: Submission, *, version: int, now: datetime) -> Referral:
    """ "Refer to the advocacy provider" on the case page: refused when there is no
    provider, or the case has a referral still open."""
    require(staff, Permission.WORK_CASES)
    check_version(case, version)
    provider = provider_team()
    if provider is None:
        raise ReferralRefused(
            "There is no advocacy provider: a complaints manager marks one on the teams page",
            "version",
        )
    if open_referral(case) is not None:
        raise ReferralRefused("This case already has a referral that is still open", "version")
    before = _case_snapshot(case)
    referral = make(case, source=Source.STAFF, provider=provider, now=now, staff=staff)
    case.case.advocacy_status = "requested"
    if case.case.advocacy_due_on is None or case.case.advocacy_due_on < london_date(now):
        case.case.advocacy_due_on = add_working_days(
            london_date(now), current_app.config["ADVOCACY_TARGET_WORKING_DAYS"]
        )
    db.session.flush()
    clock.save_change(
        staff, case, "referral_made", before, {"referral_id": referral.id, "source": "staff"}
    )
    return referral


def _case_snapshot(case: Submission) -> dict[str, Any]:
    return {
        "advocacy_status": case.case.advocacy_status,
        "advocate_assigned": case.case.advocate_assigned,
        "advocate_id": case.case.advocate_id,
        "next_due_on": case.case.next_due_on,
    }


# --- what the provider sees --------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    id: int
    reference: str
    child_name: str
    source: str
    status: str
    made_on: date
    due_on: date
    overdue: bool
    next_step: str
    advocate_name: str | None
    closed_on: date | None


def _provider_only(staff: Staff) -> sa.ColumnElement[bool]:
    """The referrals of the team this person belongs to (none without a team)."""
    require(staff, Permission.WORK_REFERRALS)
    return Referral.provider_team_id == (staff.team_id if staff.team_id is not None else -1)


def _child_name(case: Submission) -> str:
    if case.submitter_role == SubmitterRole.CHILD.value:
        return case.submitter_name or ""
    return case.child_name or ""


def queue(staff: Staff, today: date) -> list[QueueRow]:
    """The provider's referrals: open ones first, the earliest due first, then those
    that have ended, the latest first."""
    rows = db.session.execute(
        sa.select(Referral, Submission.reference, Submission.submitter_role)
        .add_columns(Submission.submitter_name, Submission.child_name, Case.stage)
        .join(Submission, Submission.id == Referral.submission_id)
        .join(Case, Case.submission_id == Submission.id)
        .where(_provider_only(staff))
    ).all()
    found = []
    for referral, reference, role, submitter_name, child_name, stage in rows:
        dates = referral.as_rules(case_closed=stage == Stage.CLOSED.value)
        found.append(
            QueueRow(
                id=referral.id,
                reference=reference,
                child_name=(submitter_name if role == SubmitterRole.CHILD.value else child_name)
                or "",
                source=referral.source,
                status=referral.status,
                made_on=referral.made_on,
                due_on=referral.due_on,
                overdue=rules.is_overdue(dates, today),
                next_step=rules.next_step(dates),
                advocate_name=referral.advocate_name,
                closed_on=referral.closed_on or referral.declined_on,
            )
        )
    open_ones = sorted((r for r in found if r.status in rules.OPEN), key=lambda r: (r.due_on, r.id))
    ended = sorted(
        (r for r in found if r.status not in rules.OPEN),
        key=lambda r: (r.closed_on or r.made_on, r.id),
        reverse=True,
    )
    return open_ones + ended


@dataclass(frozen=True)
class ProviderView:
    """A referral and what the provider may see of its case."""

    referral: Referral
    case: Submission
    overdue: bool
    next_step: str
    within_contract: bool | None
    recorded_by: dict[int, str]


def find_for_provider(staff: Staff, referral_id: int) -> Referral | None:
    """One of this provider's referrals (None for another provider's, or none)."""
    return db.session.scalar(
        sa.select(Referral).where(Referral.id == referral_id, _provider_only(staff))
    )


def view_for_provider(staff: Staff, referral_id: int, today: date) -> ProviderView | None:
    """The referral page, recorded in the case's audit trail as a view."""
    referral = find_for_provider(staff, referral_id)
    if referral is None:
        return None
    case = db.session.scalars(with_case().where(Submission.id == referral.submission_id)).one()
    audit.record(
        "referral_viewed", staff=staff, submission=case, detail={"referral_id": referral.id}
    )
    db.session.commit()
    return _view(referral, case, today)


def _view(referral: Referral, case: Submission, today: date) -> ProviderView:
    dates = referral.as_rules(case_closed=case.case.stage == Stage.CLOSED.value)
    return ProviderView(
        referral=referral,
        case=case,
        overdue=rules.is_overdue(dates, today),
        next_step=rules.next_step(dates),
        within_contract=rules.within_contract(dates),
        recorded_by=_names(referral),
    )


def _names(referral: Referral) -> dict[int, str]:
    ids = {
        i
        for i in (
            referral.made_by,
            referral.decided_by,
            referral.closed_by,
            *(v.recorded_by for v in referral.visits),
        )
        if i is not None
    }
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())


def advocates_of(team_id: int | None) -> list[Staff]:
    """The provider's advocates: active accounts in its team whose role is advocate."""
    if team_id is None:
        return []
    people = db.session.scalars(
        sa.select(Staff)
        .where(Staff.team_id == team_id, Staff.is_active_account)
        .order_by(Staff.name, Staff.id)
    )
    return [person for person in people if is_advocate(person.role)]


def on_case(case: Submission, today: date) -> list[ProviderView]:
    """The case's referrals for the council's case page, the latest first."""
    referrals = db.session.scalars(
        sa.select(Referral)
        .where(Referral.submission_id == case.id)
        .order_by(Referral.made_at.desc(), Referral.id.desc())
    )
    return [_view(referral, case, today) for referral in referrals]


def provider_names(referrals: list[ProviderView]) -> dict[int, str]:
    ids = {view.referral.provider_team_id for view in referrals}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(ids))).all())


# --- the provider's steps ----------------------------------------------------------------


def _mine(staff: Staff, referral_id: int) -> tuple[Referral, Submission]:
    referral = find_for_provider(staff, referral_id)
    if referral is None:
        raise LookupError(referral_id)
    case = db.session.scalars(with_case().where(Submission.id == referral.submission_id)).one()
    return referral, case


def _dates(referral: Referral, case: Submission) -> rules.Dates:
    return referral.as_rules(case_closed=case.case.stage == Stage.CLOSED.value)


def _record(
    staff: Staff,
    case: Submission,
    action: str,
    referral: Referral,
    before: dict[str, Any] | None = None,
    **detail: Any,
) -> None:
    """The step in the case's trail, and the commit; a step that changed the case's own
    advocacy columns refreshes what is due on it (an advocacy request waiting for the
    provider is one of the dates the case owes)."""
    extra = {"referral_id": referral.id, **detail}
    if before is not None:
        clock.save_change(staff, case, action, before, extra)
        return
    audit.record(action, staff=staff, submission=case, detail=extra)
    db.session.commit()


def accept(staff: Staff, referral_id: int, *, on: date, today: date) -> Referral:
    referral, case = _mine(staff, referral_id)
    rules.check_accept(_dates(referral, case), on, today)
    before = _case_snapshot(case)
    referral.status = Status.ACCEPTED.value
    referral.accepted_on = on
    referral.decided_by = staff.id
    case.case.advocacy_status = "accepted"
    _record(staff, case, "referral_accepted", referral, before, on=on)
    return referral


def decline(staff: Staff, referral_id: int, *, on: date, reason: str, today: date) -> Referral:
    referral, case = _mine(staff, referral_id)
    rules.check_decline(_dates(referral, case), on, reason, today)
    before = _case_snapshot(case)
    referral.status = Status.DECLINED.value
    referral.declined_on = on
    referral.decline_reason = reason.strip()
    referral.decided_by = staff.id
    case.case.advocacy_status = "declined"
    _record(staff, case, "referral_declined", referral, before, on=on, reason=reason.strip())
    return referral


def name_advocate(
    staff: Staff,
    referral_id: int,
    *,
    advocate_id: int | None,
    name: str | None,
    today: date,
) -> Referral:
    """Name the advocate: one of the provider's advocate accounts, or (when it has none
    in the portal) a name typed."""
    referral, case = _mine(staff, referral_id)
    rules.check_name_advocate(_dates(referral, case))
    if advocate_id is not None:
        chosen = next((a for a in advocates_of(staff.team_id) if a.id == advocate_id), None)
        if chosen is None:
            raise ReferralRefused("Select one of your advocates", "advocate")
        advocate_name = chosen.name
    else:
        advocate_name = (name or "").strip()
        if not advocate_name:
            raise ReferralRefused("Enter the advocate's name", "advocate")
    before = _case_snapshot(case)
    referral.advocate_staff_id = advocate_id
    referral.advocate_name = advocate_name
    referral.advocate_named_on = today
    case.case.advocacy_status = "assigned"
    case.case.advocate_assigned = advocate_name
    # The provider's advocate named from their account sees the case on their own pages
    # (services/advocates.py); a name typed has no account to see it with.
    case.case.advocate_id = advocate_id
    _record(staff, case, "referral_advocate_named", referral, before)
    return referral


def first_contact(staff: Staff, referral_id: int, *, on: date, today: date) -> Referral:
    referral, case = _mine(staff, referral_id)
    rules.check_first_contact(_dates(referral, case), on, today)
    referral.first_contact_on = on
    _record(staff, case, "referral_first_contact", referral, on=on)
    return referral


def add_visit(staff: Staff, referral_id: int, *, on: date, note: str, today: date) -> Referral:
    referral, case = _mine(staff, referral_id)
    rules.check_visit(_dates(referral, case), on, note, today)
    visit = ReferralVisit(
        referral_id=referral.id, visited_on=on, note=note.strip(), recorded_by=staff.id
    )
    db.session.add(visit)
    db.session.flush()
    _record(staff, case, "referral_visit", referral, on=on)
    db.session.refresh(referral)
    return referral


def close(staff: Staff, referral_id: int, *, on: date, outcome: str, today: date) -> Referral:
    referral, case = _mine(staff, referral_id)
    rules.check_close(_dates(referral, case), on, outcome, today)
    referral.status = Status.CLOSED.value
    referral.closed_on = on
    referral.outcome = outcome
    referral.closed_by = staff.id
    _record(staff, case, "referral_closed", referral, on=on, outcome=outcome)
    return referral


# --- escalation --------------------------------------------------------------------------


def escalate(today: date, *, now: datetime | None = None) -> int:
    """Escalate, once each and on a working day, the referrals not accepted (or declined)
    by the day they were due, on cases the council still has open: to the provider's managers (its
    provider-manager accounts and the team's manager email, else its inbox) and the
    complaints manager. The emails carry the reference, the dates and a link: nothing
    about the child. Each referral is claimed by setting escalated_at where it is still
    empty, so two runs at once escalate it once. Returns how many were escalated."""
    now = now or utcnow()
    if not is_working_day(today):
        return 0  # escalated on the next working day (rules.needs_escalation)
    candidates = (
        db.session.execute(
            sa.select(Referral.id)
            .join(Case, Case.submission_id == Referral.submission_id)
            .where(
                Referral.status == Status.WAITING.value,
                Referral.escalated_at.is_(None),
                Referral.due_on < today,
                Case.stage != Stage.CLOSED.value,
                Case.purged_at.is_(None),
            )
            .order_by(Referral.due_on, Referral.id)
        )
        .scalars()
        .all()
    )
    escalated = 0
    for referral_id in candidates:
        claimed = db.session.execute(
            sa.update(Referral)
            .where(Referral.id == referral_id, Referral.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            continue
        referral = db.session.get(Referral, referral_id)
        assert referral is not None
        db.session.refresh(referral)
        case = db.session.scalars(with_case().where(Submission.id == referral.submission_id)).one()
        provider = db.session.get(Team, referral.provider_team_id)
        assert provider is not None
        queued = _queue_escalation(referral, case, provider, today)
        audit.record(
            "referral_escalated",
            staff=None,
            submission=case,
            detail={"referral_id": referral.id, "due_on": referral.due_on, "emails": queued},
        )
        db.session.commit()
        escalated += 1
    return escalated


def provider_managers(team: Team) -> list[str]:
    """Who is told for the provider: its managers' accounts, and the team's manager email
    (its inbox when it has neither)."""
    accounts = db.session.scalars(
        sa.select(Staff.email)
        .where(
            Staff.team_id == team.id,
            Staff.role == Role.PROVIDER_MANAGER.value,
            Staff.is_active_account,
        )
        .order_by(Staff.id)
    ).all()
    found = [*accounts, team.manager_email or ""]
    if not any(found):
        found = [team.inbox_email]
    return _unique(found)


def _unique(addresses: list[str]) -> list[str]:
    unique: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in unique:
            unique[address.lower()] = address
    return list(unique.values())


def _queue_escalation(referral: Referral, case: Submission, provider: Team, today: date) -> int:
    context = {
        "reference": case.reference,
        "provider": provider.name,
        "made_on": referral.made_on,
        "due_on": referral.due_on,
        "working_days_late": working_days_between(referral.due_on, today),
        "council_name": council_name("en"),
    }
    subject = f"Advocacy referral not accepted in time: {case.reference}"
    to_provider = provider_managers(provider)
    manager = str(current_app.config["COMPLAINTS_MANAGER_EMAIL"] or "")
    queued = 0
    for recipient in to_provider:
        outbox.queue(
            purpose="referral_escalation",
            recipient=recipient,
            subject=subject,
            template="referral-escalation",
            context=context
            | {"for_provider": True, "link": f"{_base_url()}{QUEUE_PATH}/{referral.id}"},
            submission=case,
        )
        queued += 1
    if manager and manager.lower() not in {r.lower() for r in to_provider}:
        outbox.queue(
            purpose="referral_escalation",
            recipient=manager,
            subject=subject,
            template="referral-escalation",
            context=context
            | {"for_provider": False, "link": f"{_base_url()}/staff/cases/{case.reference}"},
            submission=case,
        )
        queued += 1
    return queued
