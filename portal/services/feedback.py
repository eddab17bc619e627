"""Feedback on the handling of a complaint (issue 8; the rules: domain/feedback.py).

When a complaint closes, its complainant is invited once to a short questionnaire (a
children's version for a child) through the correspondence on the case, with a secret
link that works until it is answered. The answer is kept without the case, and the
annual report's learning section counts the answers of its period (docs/report.md).
"""

import secrets
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.database import utcnow
from portal.domain import feedback
from portal.domain.clock import LONDON, london_date
from portal.domain.reports import Period
from portal.domain.types import ContactPreference, Kind
from portal.extensions import db
from portal.models import FeedbackAnswer, FeedbackInvitation, Staff, Submission
from portal.services import audit, correspondence
from portal.services.common import council_name, hash_token
from portal.services.common import is_child as is_child


class AlreadyAnswered(RuntimeError):
    """The questionnaire was answered with this link already (perhaps in another tab)."""


def questionnaire_url(token: str, language: str = "en") -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    # Like the tracking link: it opens in the language the person wrote in.
    return f"{base}/feedback/{token}" + ("?lang=cy" if language == "cy" else "")


# --- the invitation ----------------------------------------------------------------------


def invite(case: Submission, *, today: date | None = None) -> FeedbackInvitation | None:
    """Invite the complainant of a complaint that has just closed; the caller commits,
    with the case. Once per case, ever: a case already invited gets nothing more."""
    if case.case.kind != Kind.COMPLAINT.value or case.case.purged_at is not None:
        return None
    already = db.session.scalar(
        sa.select(FeedbackInvitation.id).where(FeedbackInvitation.submission_id == case.id)
    )
    if already is not None:
        return None
    token = secrets.token_urlsafe(24)
    invitation = FeedbackInvitation(submission=case, token_hash=hash_token(token))
    db.session.add(invitation)
    link = questionnaire_url(token, case.language)
    with force_locale(case.language):
        subject, body = _invitation_words(case, link)
    # A child who asked to hear through their advocate hears about this that way too.
    through_advocate = (
        case.contact_preference == ContactPreference.ADVOCATE.value and case.advocate_email
    )
    correspondence.send(
        case,
        kind=correspondence.Kind.FEEDBACK_INVITATION,
        subject=subject,
        body=body,
        to=[
            correspondence.Recipient.ADVOCATE
            if through_advocate
            else correspondence.Recipient.COMPLAINANT
        ],
        today=today,
        link=link,  # a text goes straight to the questions
    )
    return invitation


def _invitation_words(case: Submission, link: str) -> tuple[str, str]:
    council = council_name(case.language)
    if is_child(case):
        subject = _("%(council)s: tell us how we did", council=council)
        body = _(
            "We have finished dealing with your complaint. We want to get better at "
            "listening to children and young people, so please tell us how we did.\n\n"
            "There are 6 short questions. It takes about 2 minutes. You do not have to "
            "answer, and it will not change anything about your complaint.\n\n"
            "Answer the questions here: %(link)s\n\n"
            "We do not put your name with your answers.",
            link=link,
        )
    else:
        subject = _("%(council)s: tell us how we handled your complaint", council=council)
        body = _(
            "Your complaint is now closed. We would like to know how we handled it, so "
            "that we can do better.\n\n"
            "There are 6 short questions, which take about 2 minutes. Answering is up to "
            "you and makes no difference to your complaint.\n\n"
            "Answer the questions here: %(link)s\n\n"
            "Your answers are kept without your name or reference. We count them in our "
            "annual report on complaints.",
            link=link,
        )
    return subject, body


# --- finding the questionnaire -------------------------------------------------------------


def find(token: str) -> FeedbackInvitation | None:
    """The invitation this secret link belongs to, answered or not."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(FeedbackInvitation).where(FeedbackInvitation.token_hash == hash_token(token))
    )


def for_case(case: Submission) -> FeedbackInvitation | None:
    return db.session.scalar(
        sa.select(FeedbackInvitation).where(FeedbackInvitation.submission_id == case.id)
    )


# --- the answer ----------------------------------------------------------------------------


def _names_on(case: Submission) -> list[str]:
    """Every name the case knows, to take out of a comment."""
    names = [
        case.submitter_name,
        case.child_name,
        case.advocate_name,
        case.case.advocate_assigned,
        case.worker_name,
    ]
    for stage in case.responses:
        names += [stage.investigating_officer, stage.independent_person]
        names += (stage.panel_members or "").replace(",", "\n").splitlines()
    if case.case.assigned_staff_id is not None:
        person = db.session.get(Staff, case.case.assigned_staff_id)
        names.append(person.name if person else None)
    return [name for name in names if name]


def record_answer(
    invitation: FeedbackInvitation,
    ratings: dict[str, int],
    comment: str,
    *,
    now: datetime | None = None,
) -> FeedbackAnswer:
    """Keep the answers apart from the case, and close the link; commits. Raises
    AlreadyAnswered when the link was used already (two tabs: the second is refused)."""
    now = now or utcnow()
    case = invitation.submission
    claimed = db.session.execute(
        sa.update(FeedbackInvitation)
        .where(FeedbackInvitation.id == invitation.id, FeedbackInvitation.answered_at.is_(None))
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyAnswered
    answer = FeedbackAnswer(
        answered_month=feedback.month_of(london_date(now)),
        child=is_child(case),
        stage_reached=feedback.stage_reached(
            accepted=case.case.accepted_on is not None,
            resolved_informally=case.case.resolved_informally_on is not None,
            stage2_requested=case.stage_row("stage2").requested_on is not None,
            stage3_requested=case.stage_row("stage3").requested_on is not None,
        ),
        procedure=case.case.procedure,
        language=case.language,
        comment=feedback.anonymise(comment or "", _names_on(case))[: feedback.COMMENT_LIMIT],
        **{question: int(ratings[question]) for question in feedback.QUESTIONS},
    )
    db.session.add(answer)
    # The trail says the case's questionnaire was answered, never what was answered.
    audit.record("feedback_answered", staff=None, submission=case)
    db.session.commit()
    db.session.refresh(invitation)
    return answer


# --- the annual report ---------------------------------------------------------------------


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last moments in London, as UTC."""
    start = datetime.combine(period.start, time(0, 0), LONDON).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0, 0), LONDON).astimezone(UTC)
    return start, end


def _answers(period: Period) -> list[FeedbackAnswer]:
    return list(
        db.session.scalars(
            sa.select(FeedbackAnswer)
            .where(FeedbackAnswer.answered_month.between(period.start, period.end))
            .order_by(FeedbackAnswer.answered_month.desc(), FeedbackAnswer.id)
        )
    )


def _as_domain(answer: FeedbackAnswer) -> feedback.Answer:
    return feedback.Answer(
        month=answer.answered_month,
        child=answer.child,
        stage_reached=answer.stage_reached,
        procedure=answer.procedure,
        ratings={question: getattr(answer, question) for question in feedback.QUESTIONS},
        comment=answer.comment,
        comment_hidden=answer.comment_hidden,
    )


def report_figures(period: Period) -> tuple[dict[str, object], list[dict[str, str]]]:
    """The questionnaire's figures for a period, and its comments (without the hidden
    ones). Invitations count by the day they were sent; answers by the month they were
    given (all an answer keeps), so a period counts each month that begins in it."""
    start, end = _bounds(period)
    sent = sa.and_(FeedbackInvitation.sent_at >= start, FeedbackInvitation.sent_at < end)
    invited = db.session.scalar(sa.select(sa.func.count()).where(sent)) or 0
    answered = (
        db.session.scalar(
            sa.select(sa.func.count()).where(sent, FeedbackInvitation.answered_at.is_not(None))
        )
        or 0
    )
    answers = [_as_domain(a) for a in _answers(period)]
    return (
        feedback.figures(answers, invited=invited, answered=answered),
        feedback.comments(answers),
    )


def comments_to_manage(period: Period) -> list[FeedbackAnswer]:
    """Every answer with a comment in the period, hidden ones too (to show them again)."""
    return [answer for answer in _answers(period) if answer.comment]


def hide_comment(answer_id: str, *, hidden: bool, staff: Staff) -> None:
    answer = db.session.get(FeedbackAnswer, answer_id)
    if answer is None:
        return
    answer.comment_hidden = hidden
    audit.record(
        "feedback_comment_hidden" if hidden else "feedback_comment_shown",
        staff=staff,
        detail={"answer": answer.id},
    )
    db.session.commit()
