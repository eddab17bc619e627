"""Reminders before a deadline, breach notices when it is missed, and each team's daily
digest (docs/reminders.md). `flask deadlines remind` runs `run(today)` once a day.

Every notice is an outbox email saved in one transaction with its record (a
`DeadlineNotice` or `DeadlineDigest`) and, for a case, an audit event. The records are
unique per event, so a second run, even one at the same moment on another machine, fails
to insert the record, rolls back its emails with it, and sends nothing twice.

These emails go to shared inboxes: they carry the case's reference and nothing about the
complainant or the child.
"""

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from portal.domain.clock import add_working_days, working_days_between
from portal.domain.reminders import (
    DigestSection,
    Notice,
    digest_day,
    digest_horizon,
    digest_section,
    notice_due,
)
from portal.domain.stages import Stage
from portal.extensions import db
from portal.i18n import long_date
from portal.models import (
    Case,
    DeadlineDigest,
    DeadlineNotice,
    OutboxMessage,
    Staff,
    Submission,
    Task,
    Team,
)
from portal.services import audit, outbox, referrals

log = logging.getLogger(__name__)

PURPOSE = {Notice.REMINDER: "deadline_reminder", Notice.BREACH: "deadline_breach"}
DIGEST_PURPOSE = "deadline_digest"
AUDIT_ACTION = {Notice.REMINDER: "reminder_sent", Notice.BREACH: "breach_notice_sent"}


@dataclass(frozen=True)
class Event:
    """One notice a case calls for: unique by (case, kind, what, due date)."""

    submission_id: int
    kind: Notice
    what: str
    due_on: date


@dataclass
class RunResult:
    reminders: int = 0
    breach_notices: int = 0
    digests: int = 0
    referrals_escalated: int = 0


def days_before() -> int:
    return int(current_app.config["REMINDER_WORKING_DAYS_BEFORE"])


def _open_case() -> sa.ColumnElement[bool]:
    """A case the council still owes something on: not closed, and never a purged one (a
    condition on cases)."""
    return sa.and_(
        Case.stage != Stage.CLOSED.value,
        Case.purged_at.is_(None),
        Case.next_due_on.is_not(None),
        Case.next_due_what.is_not(None),
    )


def run(today: date) -> RunResult:
    """Everything the job sends for `today` (a London date)."""
    result = RunResult()
    for event in due_events(today):
        if send_notice(event, today):
            if event.kind is Notice.REMINDER:
                result.reminders += 1
            else:
                result.breach_notices += 1
    result.digests = send_digests(today)
    # Advocacy referrals the provider has not accepted in time, escalated once each.
    result.referrals_escalated = referrals.escalate(today)
    return result


# --- reminders and breach notices ----------------------------------------------------------


def due_events(today: date) -> list[Event]:
    """The notices open cases call for today that have not been sent yet."""
    days = days_before()
    # No reminder falls earlier than this many working days ahead (docs/reminders.md).
    latest = add_working_days(today, days + 1)
    rows = db.session.execute(
        sa.select(Case.submission_id, Case.next_due_what, Case.next_due_on)
        .where(_open_case(), Case.next_due_on <= latest)
        .order_by(Case.next_due_on, Case.submission_id)
    )
    sent = set(
        db.session.execute(
            sa.select(DeadlineNotice.submission_id, DeadlineNotice.kind)
            .join(Case, Case.submission_id == DeadlineNotice.submission_id)
            .where(
                _open_case(),
                DeadlineNotice.due_on == Case.next_due_on,
                DeadlineNotice.what == Case.next_due_what,
            )
        )
    )
    events = []
    for case_id, what, due_on in rows:
        assert what is not None and due_on is not None
        kind = notice_due(today, due_on, days)
        if kind is not None and (case_id, kind.value) not in sent:
            events.append(Event(case_id, kind, what, due_on))
    return events


def send_notice(event: Event, today: date) -> bool:
    """Queue one notice with its record and audit event, in one transaction. False when
    the case no longer owes it, or another run has sent it."""
    case = db.session.get(Submission, event.submission_id)
    if case is None or not _still_owed(case, event):
        db.session.rollback()
        return False
    recipients = _recipients(case, event.kind)
    if not recipients:
        log.warning("no one to send a %s to for %s", event.kind.value, case.reference)
        db.session.rollback()
        return False
    try:
        notice = DeadlineNotice(
            submission_id=case.id,
            kind=event.kind.value,
            what=event.what,
            due_on=event.due_on,
            sent_on=today,
            recipients=recipients,
            outbox_message_ids=[],
        )
        db.session.add(notice)
        # The unique constraint decides here, before any email is queued: a run that
        # loses the race waits for the winner to commit, then fails and sends nothing.
        db.session.flush()
        subject, text, html = _render_notice(case, event, today)
        messages = [
            outbox.queue(
                purpose=PURPOSE[event.kind],
                recipient=recipient,
                subject=subject,
                text_body=text,
                html_body=html,
                submission=case,
            )
            for recipient in recipients
        ]
        db.session.flush()
        notice.outbox_message_ids = [message.id for message in messages]
        audit.record(
            AUDIT_ACTION[event.kind],
            staff=None,
            submission=case,
            detail={
                "what": event.what,
                "due_on": event.due_on,
                "outbox_message_ids": notice.outbox_message_ids,
            },
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("%s for %s already sent by another run", event.kind.value, case.reference)
        return False
    log.info("%s queued for %s", event.kind.value, case.reference)
    return True


def _still_owed(case: Submission, event: Event) -> bool:
    return (
        case.case.stage != Stage.CLOSED.value
        and case.case.purged_at is None
        and case.case.next_due_on == event.due_on
        and case.case.next_due_what == event.what
    )


def _team(case: Submission) -> Team | None:
    team = db.session.get(Team, case.case.team_id) if case.case.team_id else None
    return team if team is not None and team.is_active else None


def _owner(case: Submission) -> Staff | None:
    owner = (
        db.session.get(Staff, case.case.assigned_staff_id) if case.case.assigned_staff_id else None
    )
    return owner if owner is not None and owner.is_active_account else None


def _recipients(case: Submission, kind: Notice) -> list[str]:
    """A reminder goes to the case's owner and its team's inbox; a breach notice to the
    complaints manager and the team's manager (the team inbox when it has none). A
    reminder for a case with neither goes to the complaints manager."""
    team = _team(case)
    manager = str(current_app.config["COMPLAINTS_MANAGER_EMAIL"] or "")
    if kind is Notice.REMINDER:
        owner = _owner(case)
        found = [owner.email if owner else "", team.inbox_email if team else ""]
        if not any(found):
            found = [manager]
    else:
        found = [manager, (team.manager_email or team.inbox_email) if team else ""]
    unique: dict[str, str] = {}
    for address in found:
        if address and address.lower() not in unique:
            unique[address.lower()] = address
    return list(unique.values())


def _back_office_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + "/staff/"


def _render(name: str, **context: Any) -> tuple[str, str]:
    return (
        render_template(f"emails/{name}.txt", **context),
        render_template(f"emails/{name}.html", **context),
    )


def _render_notice(case: Submission, event: Event, today: date) -> tuple[str, str, str]:
    team = _team(case)
    owner = _owner(case)
    tasks = db.session.scalars(
        sa.select(Task.description)
        .where(Task.submission_id == case.id, Task.done_at.is_(None))
        .order_by(Task.due_on, Task.id)
    )
    context = {
        "reference": case.reference,
        "case_url": f"{_back_office_url()}cases/{case.reference}",
        "what": event.what,
        "due_on": event.due_on,
        "statutory": case.case.next_due_statutory
        if case.case.next_due_statutory and case.case.next_due_statutory != event.due_on
        else None,
        "team_name": team.name if team else None,
        "owner_name": owner.name if owner else None,
        "tasks": list(tasks),
        "working_days_left": working_days_between(today, event.due_on),
        "working_days_late": working_days_between(event.due_on, today),
    }
    # Staff emails are in English, whatever language the person wrote in.
    with force_locale("en"):
        due = long_date(event.due_on)
        if event.kind is Notice.REMINDER:
            subject = f"Reminder: {event.what} for {case.reference} due {due}"
        else:
            subject = f"Deadline missed: {event.what} for {case.reference} was due {due}"
        text, html = _render("deadline-notice", **context, breach=event.kind is Notice.BREACH)
    return subject, text, html


# --- the teams' daily digests ----------------------------------------------------------------


@dataclass(frozen=True)
class DigestLine:
    reference: str
    what: str
    due_on: date
    owner: str | None
    section: DigestSection


def digest_lines(team: Team, today: date) -> list[DigestLine]:
    """The team's open cases (and open tasks on them) that are overdue or fall due
    within the next working days, overdue first, then by due date."""
    days = days_before()
    horizon = digest_horizon(today, days)
    in_team = sa.and_(Case.team_id == team.id, _open_case())
    owner = Staff.name.label("owner")
    steps = [
        DigestLine(row.reference, row.what, row.due_on, row.owner, DigestSection.DUE)
        for row in db.session.execute(
            sa.select(
                Submission.reference,
                Case.next_due_what.label("what"),
                Case.next_due_on.label("due_on"),
                owner,
            )
            .join(Case, Case.submission_id == Submission.id)
            .outerjoin(Staff, Staff.id == Case.assigned_staff_id)
            .where(in_team, Case.next_due_on <= horizon)
        )
    ]
    tasks = [
        DigestLine(row.reference, row.description, row.due_on, row.owner, DigestSection.DUE)
        for row in db.session.execute(
            sa.select(Submission.reference, Task.description, Task.due_on, owner)
            .join(Submission, Submission.id == Task.submission_id)
            .join(Case, Case.submission_id == Submission.id)
            .outerjoin(Staff, Staff.id == Case.assigned_staff_id)
            .where(in_team, Task.done_at.is_(None), Task.due_on <= horizon)
        )
    ]
    # A task due the same day as its case's next step is that step (acknowledge by
    # phone or letter): listed once.
    listed = {(line.reference, line.due_on) for line in steps}
    tasks = [task for task in tasks if (task.reference, task.due_on) not in listed]
    lines = []
    for line in [*steps, *tasks]:
        section = digest_section(today, line.due_on, days)
        if section is not None:
            lines.append(dataclasses.replace(line, section=section))
    order = {DigestSection.OVERDUE: 0, DigestSection.DUE: 1}
    return sorted(lines, key=lambda line: (order[line.section], line.due_on, line.reference))


def send_digests(today: date) -> int:
    """One digest per active team with something due or overdue, on working days."""
    if not digest_day(today):
        return 0
    done = set(
        db.session.scalars(sa.select(DeadlineDigest.team_id).where(DeadlineDigest.sent_on == today))
    )
    sent = 0
    teams = db.session.scalars(
        sa.select(Team).where(Team.is_active).order_by(Team.sort_order, Team.id)
    ).all()
    for team in teams:
        if team.id in done:
            continue
        lines = digest_lines(team, today)
        if lines and send_digest(team, today, lines):
            sent += 1
    return sent


def send_digest(team: Team, today: date, lines: list[DigestLine]) -> bool:
    """Queue a team's digest with its record; False when another run sent it today."""
    overdue = [line for line in lines if line.section is DigestSection.OVERDUE]
    due = [line for line in lines if line.section is DigestSection.DUE]
    try:
        digest = DeadlineDigest(
            team_id=team.id,
            sent_on=today,
            due_count=len(due),
            overdue_count=len(overdue),
            recipients=[team.inbox_email],
            outbox_message_ids=[],
        )
        db.session.add(digest)
        db.session.flush()
        with force_locale("en"):
            text, html = _render(
                "deadline-digest",
                team_name=team.name,
                today=today,
                overdue=overdue,
                due=due,
                horizon=digest_horizon(today, days_before()),
                queue_url=_back_office_url(),
                case_base_url=f"{_back_office_url()}cases/",
            )
            subject = f"Due and overdue for {team.name}: {long_date(today)}"
        message = outbox.queue(
            purpose=DIGEST_PURPOSE,
            recipient=team.inbox_email,
            subject=subject,
            text_body=text,
            html_body=html,
        )
        db.session.flush()
        digest.outbox_message_ids = [message.id]
        audit.record(
            "deadline_digest_sent",
            staff=None,
            detail={"team_id": team.id, "due": len(due), "overdue": len(overdue)},
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    log.info("digest queued for team %s", team.id)
    return True


# --- what the case page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    recipient: str
    status: str  # the outbox message's: pending, sending, sent or failed


@dataclass(frozen=True)
class SentNotice:
    kind: str
    what: str
    due_on: date
    sent_at: datetime
    deliveries: list[Delivery] = field(default_factory=list)


def for_case(case: Submission) -> list[SentNotice]:
    """The reminders and breach notices sent about a case, newest first, with what has
    become of each email."""
    notices = db.session.scalars(
        sa.select(DeadlineNotice)
        .where(DeadlineNotice.submission_id == case.id)
        .order_by(DeadlineNotice.created_at.desc(), DeadlineNotice.id.desc())
    ).all()
    ids = [message_id for notice in notices for message_id in notice.outbox_message_ids]
    messages = {
        message.id: message
        for message in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    }
    return [
        SentNotice(
            kind=notice.kind,
            what=notice.what,
            due_on=notice.due_on,
            sent_at=notice.created_at,
            deliveries=[
                Delivery(messages[i].recipient, messages[i].status)
                for i in notice.outbox_message_ids
                if i in messages
            ],
        )
        for notice in notices
    ]
