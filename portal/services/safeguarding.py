"""Safeguarding: what happens when a person tells us, or writes something that suggests,
that a child may be in danger (docs/safeguarding-what-happens.md).

Signs come from three places: the danger question every person is asked ("yes" and "not
sure" count as yes), the words they write (read by `portal.domain.safeguarding.assess`,
sentence by sentence), and their answer to "Do you want us to contact you today?". Each
sign is kept on the submission as the sentence written and why it worried us, so staff
read what was actually written, never a bare keyword.

An urgent sign alerts the safeguarding team and the complaints manager at once (ahead of
every other email) and tops the queue until someone records what was done; a weaker one
is a "possible concern" tag near the top of triage, with no alert. The sweep (run by the
outbox worker every few minutes, and by `flask safeguarding sweep`) sends an alert again
when nobody has recorded what was done in time, and turns a child's help page left
without sending into a task for staff. Both are claimed with a conditional update, so
two sweeps at once do each thing once.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from portal.database import utcnow
from portal.domain.safeguarding import Signal, Strength, assess
from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import Case, Draft, Staff, Submission, UnsentConcern
from portal.models.draft import DraftAnswers, ShownDraft
from portal.models.submission import urgent
from portal.services import audit, outbox
from portal.services.routing_rules import team_named

log = logging.getLogger(__name__)

ALERT_PRIORITY = 100
DANGER_STEP = "are-you-safe"
DANGER_QUESTION = "in_danger"  # the field of the danger question
DANGER_ANSWERS = frozenset({"yes", "not_sure"})
# Where a draft keeps the answer to "Do you want us to contact you today?" (not a step of
# the journey: it is asked only when something worried us).
CONTACT_TODAY = "contact-today"
# Where a sign read in something sent later from the tracking page came from.
LATER = "tracking-page"

# The boxes a person writes in, read for signs of danger. Names, addresses and contact
# details are not (tests/integration/test_safeguarding.py fails on a new box not listed).
ASSESSED_FIELDS = ("what_happened", "put_right", "other_support")

# The danger question as each person was asked it, and their answer, in staff's words.
QUESTION_ASKED = {
    "child": "Is anyone hurting you, or do you feel scared at home?",
    "adult": "Is a child in danger now?",
}
ANSWER_WORDS = {"yes": "Yes", "not_sure": "I'm not sure", "no": "No"}
# Where a sign was found, in staff's words.
SOURCE_NAMES = {
    DANGER_STEP: "Their answer to the danger question",
    "what-happened": "What they wrote about what happened",
    "put-it-right": "What they wrote would put it right",
    "support": "What they wrote about the help they need",
    CONTACT_TODAY: "Their answer to “Do you want us to contact you today?”",
    LATER: "What they sent later, from the tracking page",
}
CONTACT_TODAY_WHY = "they asked us to contact them today"


# --- reading what was written ------------------------------------------------------------


@cache
def _council_phrases(path: str | None) -> tuple[str, ...]:
    if not path or not Path(path).exists():
        return ()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def council_phrases() -> tuple[str, ...]:
    """The council's own words of danger (DANGER_PHRASES_FILE), on top of the matcher's."""
    return _council_phrases(current_app.config.get("DANGER_PHRASES_FILE"))


def _one(value: Any) -> str:
    """An answer as the form gave it, or as a draft keeps it (a list of what was posted)."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return value if isinstance(value, str) else ""


def audience(role: str | SubmitterRole | None) -> str:
    return "child" if role == SubmitterRole.CHILD.value else "adult"


def sign(signal: Signal, source: str) -> dict[str, str]:
    return {
        "strength": signal.strength.value,
        "sentence": signal.sentence,
        "why": signal.why,
        "source": source,
    }


def said_yes(answers: Mapping[str, Any]) -> bool:
    """The danger question answered "yes" or "not sure" (both count as yes)."""
    return _one(answers.get(DANGER_QUESTION)) in DANGER_ANSWERS


def answer_sign(answer: str, who: str) -> dict[str, str]:
    return {
        "strength": Strength.URGENT.value,
        "sentence": "",
        "why": f"answered “{ANSWER_WORDS[answer]}” to “{QUESTION_ASKED[who]}”",
        "source": DANGER_STEP,
    }


def signals_in_step(step: str, answers: Mapping[str, Any]) -> tuple[Signal, ...]:
    """What worried us in the boxes of one page, strongest first."""
    found: list[Signal] = []
    for name in ASSESSED_FIELDS:
        text = _one(answers.get(name))
        if text.strip():
            found.extend(assess([text], council_phrases()))
    return tuple(sorted(found, key=lambda s: s.strength is not Strength.URGENT))


def signs_in(answers: Mapping[str, Mapping[str, Any]], who: str) -> list[dict[str, str]]:
    """Every sign in a journey's answers (checked or as typed), strongest first."""
    signs = []
    danger = answers.get(DANGER_STEP, {})
    if said_yes(danger):
        signs.append(answer_sign(_one(danger.get(DANGER_QUESTION)), who))
    for step, step_answers in answers.items():
        signs.extend(sign(signal, step) for signal in signals_in_step(step, step_answers))
    return strongest_first(signs)


def strongest_first(signs: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(signs, key=lambda s: s.get("strength") != Strength.URGENT.value)


def level(signs: Iterable[Mapping[str, str]]) -> Strength | None:
    strengths = {s.get("strength") for s in signs}
    if Strength.URGENT.value in strengths:
        return Strength.URGENT
    return Strength.CONCERN if strengths else None


# --- the journey: help shown, asked again, contact today ----------------------------------


def help_shown(draft: Draft | ShownDraft, *, now: datetime | None = None) -> None:
    """The person has seen the help page or been asked again: from now on a child who
    leaves without sending becomes a task for staff after the hour (the page says so)."""
    if draft.help_shown_at is not None:
        return
    if isinstance(draft, Draft):
        draft.help_shown_at = now or utcnow()
    else:  # read outside the session (the page shown): the first time is the one kept
        db.session.execute(
            sa.update(Draft)
            .where(Draft.id == draft.id, Draft.help_shown_at.is_(None))
            .values(help_shown_at=now or utcnow())
        )
    db.session.commit()


@dataclass(frozen=True)
class ContactToday:
    wanted: bool
    by: str | None  # the phone number or email address to use


def contact_today_of(draft: DraftAnswers | None) -> ContactToday | None:
    if draft is None:
        return None
    typed = draft.answers.get(CONTACT_TODAY)
    if not typed:
        return None
    return ContactToday(_one(typed.get("contact_today")) == "yes", _one(typed.get("reach")) or None)


def known_contact(draft: DraftAnswers) -> dict[str, str]:
    """The phone number and email address the person has already given us, if any."""
    contact = draft.answers.get("contact", {})
    known = {name: _one(contact.get(name)).strip() for name in ("phone", "email")}
    return {name: value for name, value in known.items() if value}


def save_contact_today(
    draft: Draft, typed: dict[str, list[str]], *, wanted: bool, reach: str | None
) -> None:
    """Keep the answer with the draft: it goes with the submission when it is sent."""
    kept = {**typed, "reach": [reach or ""] if wanted else [""]}
    draft.answers = {**draft.answers, CONTACT_TODAY: kept}
    draft.updated_at = utcnow()
    db.session.commit()


# --- a submission -----------------------------------------------------------------------------


def assess_submission(
    submission: Submission, answers: Mapping[str, Mapping[str, Any]], draft: Draft | None
) -> None:
    """Record the signs on a new submission, with the answer to "contact you today", and
    queue the alerts if any is urgent; the caller commits."""
    signs = signs_in(answers, audience(submission.submitter_role))
    reply = contact_today_of(draft)
    if reply is not None:
        submission.contact_today = "yes" if reply.wanted else "no"
        submission.contact_today_by = reply.by if reply.wanted else None
        if reply.wanted:
            signs.insert(
                0,
                {
                    "strength": Strength.URGENT.value,
                    "sentence": "",
                    "why": CONTACT_TODAY_WHY,
                    "source": CONTACT_TODAY,
                },
            )
    submission.danger_signs = strongest_first(signs)
    strength = level(signs)
    submission.urgent = strength is Strength.URGENT
    submission.concern = strength is Strength.CONCERN
    if draft is not None and draft.concern_raised_at is not None:
        # Sent after all, after staff were told it was not: the task says where it went.
        db.session.execute(
            sa.update(UnsentConcern)
            .where(UnsentConcern.draft_id == draft.id)
            .values(sent_as=submission.reference)
        )
    if submission.urgent:
        queue_alerts(submission)


def assess_later(
    case: Submission, text: str, *, now: datetime | None = None
) -> list[dict[str, str]]:
    """Signs of danger in something the person sent later (from the tracking page): the
    same path as a submission's. They join the case's signs; an urgent one puts the case
    back on top of the queue until someone records what was done (and alerts at once, and
    again after the minutes, counted from now); a weaker one tags it again. The signs
    found, for the caller to keep with what was sent; the caller commits."""
    found = [sign(signal, LATER) for signal in assess([text], council_phrases())]
    if not found or not text.strip():
        return []
    now = now or utcnow()
    found = strongest_first(found)
    case.danger_signs = strongest_first([*found, *(case.danger_signs or [])])
    strength = level(found)
    if strength is Strength.URGENT:
        case.urgent = True
        case.case.danger_reported_at = now
        case.case.safeguarding_escalated_at = None
    elif not case.urgent:
        case.concern = True
    # Whatever was done about earlier signs, these are new: someone must look at them.
    case.case.safeguarding_actioned_at = None
    audit.record(
        "danger_signs_later",
        staff=None,
        submission=case,
        detail={"strength": (strength or Strength.CONCERN).value, "signs": len(found)},
    )
    if strength is Strength.URGENT:
        queue_alerts(case)
    return found


def _inbox_of(team_name: str) -> str | None:
    team = team_named(team_name)
    return team.inbox_email if team is not None else None


def _case_url(reference: str) -> str:
    return f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}/staff/cases/{reference}"


def _render(name: str, **context: Any) -> tuple[str, str]:
    # Staff read alerts in English, whatever language the person wrote in.
    with force_locale("en"):
        return (
            render_template(f"emails/{name}.txt", **context),
            render_template(f"emails/{name}.html", **context),
        )


def _alert(
    template: str,
    purpose: str,
    *,
    to: Iterable[str | None],
    subject: str,
    submission: Submission | None = None,
    **context: Any,
) -> int:
    """Queue one email to each address, ahead of every other; the caller commits."""
    text, html = _render(
        template,
        source_names=SOURCE_NAMES,
        council_name=current_app.config["COUNCIL_NAME"],
        submission=submission,
        **context,
    )
    recipients = list(dict.fromkeys(r for r in to if r))
    for recipient in recipients:
        outbox.queue(
            purpose=purpose,
            recipient=recipient,
            subject=subject,
            text_body=text,
            html_body=html,
            submission=submission,
            priority=ALERT_PRIORITY,
        )
    return len(recipients)


def queue_alerts(submission: Submission) -> None:
    """Alert the safeguarding team and the complaints manager; the caller commits. What
    the person is sent says nothing of this (their inbox may not be private)."""
    config = current_app.config
    _alert(
        "safeguarding-alert",
        "safeguarding_alert",
        to=[_inbox_of(config["SAFEGUARDING_TEAM_NAME"]), config["COMPLAINTS_MANAGER_EMAIL"]],
        subject=f"URGENT: possible danger to a child, {submission.reference}",
        submission=submission,
        signs=submission.danger_signs,
        case_url=_case_url(submission.reference),
        minutes=config["SAFEGUARDING_ESCALATE_AFTER_MINUTES"],
        again=False,
    )


# --- what staff see and do ------------------------------------------------------------------


def _sees_everything(staff: Staff) -> bool:
    # Imported here: the public side reads danger through this module too, and the back
    # office's package loads the services that load this one.
    from portal.domain.access import Permission, Role, can

    return can(Role(staff.role), Permission.SEE_ALL_TEAMS)


def record_action(
    staff: Staff, case: Submission, *, action: str, now: datetime | None = None
) -> None:
    """What was done about possible danger (or a possible concern): the case leaves the
    top of the queue and is never sent again to the out-of-hours team."""
    if not action.strip():
        raise ValueError("Enter what was done")
    before = {
        "safeguarding_actioned_at": case.case.safeguarding_actioned_at,
        "safeguarding_action": case.case.safeguarding_action,
    }
    case.case.safeguarding_actioned_at = now or utcnow()
    case.case.safeguarding_action = action
    case.case.safeguarding_actioned_by = staff.id
    audit.record(
        "safeguarding_actioned",
        staff=staff,
        submission=case,
        detail={
            "changes": audit.changes(
                before,
                {
                    "safeguarding_actioned_at": case.case.safeguarding_actioned_at,
                    "safeguarding_action": action,
                },
            )
        },
    )
    db.session.commit()


def _concerns_visible_to(staff: Staff) -> sa.ColumnElement[bool]:
    """The complaints manager (and the auditor) see every task; the safeguarding team's
    members see the tasks raised for their team."""
    if _sees_everything(staff):
        return sa.true()
    if staff.team_id is None:
        return sa.false()
    return UnsentConcern.team_id == staff.team_id


def open_concerns(staff: Staff) -> list[UnsentConcern]:
    """Tasks nobody has recorded what was done about, oldest first."""
    return list(
        db.session.scalars(
            sa.select(UnsentConcern)
            .where(
                _concerns_visible_to(staff),
                UnsentConcern.actioned_at.is_(None),
                UnsentConcern.purged_at.is_(None),
            )
            .order_by(UnsentConcern.raised_at, UnsentConcern.id)
        )
    )


def find_concern(staff: Staff, concern_id: int) -> UnsentConcern | None:
    return db.session.scalar(
        sa.select(UnsentConcern).where(UnsentConcern.id == concern_id, _concerns_visible_to(staff))
    )


def record_concern_action(
    staff: Staff, concern: UnsentConcern, *, action: str, now: datetime | None = None
) -> None:
    if not action.strip():
        raise ValueError("Enter what was done")
    concern.actioned_at = now or utcnow()
    concern.action = action
    concern.actioned_by = staff.id
    audit.record(
        "unsent_concern_actioned",
        staff=staff,
        detail={"unsent_concern": concern.id},
    )
    db.session.commit()


# --- the sweep: alerts sent again, help pages left without sending ---------------------------


@dataclass
class SweepResult:
    escalated: int = 0
    unsent: int = 0


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Everything time has made due; safe to run often, and from two places at once."""
    now = now or utcnow()
    return SweepResult(escalated=escalate_due(now=now), unsent=raise_unsent(now=now))


def _claim(model: Any, row_id: Any, waiting: Iterable[Any], **done: Any) -> bool:
    """Mark one row done if it is still waiting. The update takes the row's lock: of two
    sweeps at once, the second waits for the first to commit, then finds the row no
    longer waiting and leaves it (on SQLite, one writer at a time does the same)."""
    claimed = db.session.execute(
        sa.update(model)
        .where(model.id == row_id, *waiting)
        .values(**done)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return True
    db.session.rollback()
    return False


def escalate_due(*, now: datetime) -> int:
    """An urgent alert nobody has recorded what was done about within
    SAFEGUARDING_ESCALATE_AFTER_MINUTES goes again, once, to the complaints manager and
    the out-of-hours / front door address, and the case says so."""
    config = current_app.config
    minutes = int(config["SAFEGUARDING_ESCALATE_AFTER_MINUTES"])
    waiting = (
        Case.safeguarding_actioned_at.is_(None),
        Case.safeguarding_escalated_at.is_(None),
        Case.purged_at.is_(None),
        urgent(),
    )
    due = [
        (case_id, submission_id)
        for case_id, submission_id in db.session.execute(
            sa.select(Case.id, Case.submission_id)
            .join(Submission, Submission.id == Case.submission_id)
            .where(
                *waiting,
                # From receipt, or from the later message that brought the signs.
                sa.func.coalesce(Case.danger_reported_at, Submission.received_at)
                <= now - timedelta(minutes=minutes),
            )
            .order_by(Submission.received_at)
        )
    ]
    db.session.rollback()  # no snapshot held while claiming, one case at a time
    escalated = 0
    for case_id, submission_id in due:
        if not _claim(Case, case_id, waiting, safeguarding_escalated_at=now):
            continue
        submission = db.session.scalars(
            sa.select(Submission)
            .where(Submission.id == submission_id)
            .execution_options(populate_existing=True)
        ).one()
        sent_to = _alert(
            "safeguarding-alert",
            "safeguarding_escalation",
            to=[config["COMPLAINTS_MANAGER_EMAIL"], config["SAFEGUARDING_ESCALATION_EMAIL"]],
            subject=f"URGENT, NOT YET LOOKED AT: possible danger to a child, "
            f"{submission.reference}",
            submission=submission,
            signs=submission.danger_signs,
            minutes=minutes,
            case_url=_case_url(submission.reference),
            again=True,
        )
        audit.record(
            "safeguarding_escalated",
            staff=None,
            submission=submission,
            detail={"after_minutes": minutes, "sent_to": sent_to},
        )
        db.session.commit()
        escalated += 1
        log.info("safeguarding alert sent again", extra={"reference": submission.reference})
    return escalated


def _plain_answers(typed: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {
        step: {name: _one(value) for name, value in values.items()}
        for step, values in typed.items()
        if isinstance(values, Mapping)
    }


def _child(draft: Draft) -> bool:
    return _one(draft.answers.get("who-are-you", {}).get("role")) == SubmitterRole.CHILD.value


def _reach(draft: Draft) -> dict[str, str | None]:
    """Every way to reach the person that the draft holds."""
    contact = _plain_answers(draft.answers).get("contact", {})
    reply = contact_today_of(draft)
    return {
        "name": contact.get("name") or None,
        "email": contact.get("email") or draft.return_email or None,
        "phone": contact.get("phone") or None,
        "address": " ".join(
            part for part in (contact.get("address"), contact.get("postcode")) if part
        )
        or None,
        "contact_today_by": reply.by if reply and reply.wanted else None,
    }


def _has_way_to_reach(reach: Mapping[str, str | None]) -> bool:
    return any(reach[key] for key in ("email", "phone", "address", "contact_today_by"))


def raise_unsent(*, now: datetime) -> int:
    """A child shown the help page (or asked again) who has not sent within
    SAFEGUARDING_UNSENT_AFTER_MINUTES, and left a way to reach them: a task for staff
    with what was written, and an alert to the safeguarding team and the manager."""
    config = current_app.config
    minutes = int(config["SAFEGUARDING_UNSENT_AFTER_MINUTES"])
    waiting = (Draft.help_shown_at.is_not(None), Draft.concern_raised_at.is_(None))
    due = list(
        db.session.scalars(
            sa.select(Draft.id)
            .where(*waiting, Draft.help_shown_at <= now - timedelta(minutes=minutes))
            .order_by(Draft.help_shown_at)
        )
    )
    db.session.rollback()
    raised = 0
    for draft_id in due:
        draft = db.session.get(Draft, draft_id, populate_existing=True)
        if draft is None or not _child(draft):
            db.session.rollback()
            continue
        reach = _reach(draft)
        if not _has_way_to_reach(reach):
            # Nothing to act on yet; looked at again next time, in case they add one.
            db.session.rollback()
            continue
        if not _claim(Draft, draft_id, waiting, concern_raised_at=now):
            continue
        if _raise_concern(draft, reach, now=now):
            raised += 1
    return raised


def _raise_concern(draft: Draft, reach: Mapping[str, str | None], *, now: datetime) -> bool:
    config = current_app.config
    answers = _plain_answers(draft.answers)
    safeguarding_team = team_named(config["SAFEGUARDING_TEAM_NAME"])
    reply = contact_today_of(draft)
    concern = UnsentConcern(
        draft_id=draft.id,
        kind=draft.kind,
        team_id=safeguarding_team.id if safeguarding_team else None,
        help_shown_at=draft.help_shown_at,
        raised_at=now,
        written=[
            {"source": step, "text": step_answers[name]}
            for step, step_answers in answers.items()
            for name in ASSESSED_FIELDS
            if step_answers.get(name, "").strip()
        ],
        signals=signs_in(answers, "child"),
        contact_today=("yes" if reply.wanted else "no") if reply else None,
        **reach,
    )
    db.session.add(concern)
    try:
        db.session.flush()
    except IntegrityError:  # raised by another sweep already
        db.session.rollback()
        return False
    base = str(config["PUBLIC_BASE_URL"]).rstrip("/")
    _alert(
        "unsent-concern",
        "unsent_concern",
        to=[_inbox_of(config["SAFEGUARDING_TEAM_NAME"]), config["COMPLAINTS_MANAGER_EMAIL"]],
        subject="Possible concern, not sent: a child did not send what they wrote",
        concern=concern,
        signs=concern.signals,
        minutes=int(config["SAFEGUARDING_UNSENT_AFTER_MINUTES"]),
        concern_url=f"{base}/staff/concerns/{concern.id}",
    )
    audit.record("unsent_concern_raised", staff=None, detail={"unsent_concern": concern.id})
    db.session.commit()
    log.info("possible concern, not sent: task raised", extra={"unsent_concern": concern.id})
    return True
