"""Response letters: the stage 1 response, the stage 2 adjudication and the stage 3
response, drafted from the case in the person's language (domain/letters.py), edited by a
caseworker, approved by a manager and sent through services/correspondence.py, which keeps
the words on the case, shows them on the tracking page and emails them through the outbox.

Nobody approves a letter they wrote or changed, unless LETTER_SELF_APPROVAL_ALLOWED is set
(a small council with one complaints manager). Every step is in the case's audit trail.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.database import utcnow
from portal.domain import labels, letters
from portal.domain.access import Permission, Role, can
from portal.domain.letters import Letter, LetterFacts
from portal.domain.timescales import Procedure
from portal.domain.types import AdvocacyAnswer
from portal.domain.types import Kind as CaseKind
from portal.extensions import db
from portal.i18n import long_date
from portal.models import Correspondence, LetterStatus, ResponseLetter, Staff, Submission
from portal.services import audit, cases, correspondence
from portal.services.common import is_child
from portal.services.correspondence import How, Kind, Recipient

STATUS_NAMES = {
    LetterStatus.DRAFT: "Draft",
    LetterStatus.AWAITING_APPROVAL: "Waiting for approval",
    LetterStatus.RETURNED: "Returned with comments",
    LetterStatus.SENT: "Sent",
}
STAGE_TITLES = {
    1: "Stage 1 response letter",
    2: "Stage 2 adjudication letter",
    3: "Stage 3 response letter",
}


class LetterRefused(ValueError):
    """A step the letter cannot take now; the message says why, for staff."""


class HowToSend:
    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"  # printed and handed over: for someone letters are not safe for


# --- finding letters ----------------------------------------------------------------------


def on_case(case: Submission) -> list[ResponseLetter]:
    return list(
        db.session.scalars(
            sa.select(ResponseLetter)
            .where(ResponseLetter.submission_id == case.id)
            .order_by(ResponseLetter.stage)
        )
    )


def find(case: Submission, stage: int) -> ResponseLetter | None:
    return db.session.scalar(
        sa.select(ResponseLetter).where(
            ResponseLetter.submission_id == case.id, ResponseLetter.stage == stage
        )
    )


def stages_of(case: Submission) -> tuple[int, ...]:
    """The stages this case's procedure has a response letter for."""
    return letters.stages_of(Procedure(case.case.procedure))


def stages_to_draft(case: Submission) -> list[int]:
    """Stages the case has reached whose letter is not started yet: stage 1 once the
    complaint is accepted, stage 2 and 3 once asked for."""
    if case.case.kind != CaseKind.COMPLAINT.value:
        return []
    stage2, stage3 = case.response("stage2"), case.response("stage3")
    reached = {
        1: case.case.accepted_on is not None,
        2: stage2 is not None and stage2.requested_on is not None,
        3: stage3 is not None and stage3.requested_on is not None,
    }
    started = {letter.stage for letter in on_case(case)}
    return [s for s in stages_of(case) if reached[s] and s not in started]


def waiting(staff: Staff) -> list[ResponseLetter]:
    """Letters waiting for approval or returned to the caseworker, on the cases this
    member of staff can see, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ResponseLetter)
            .join(Submission, Submission.id == ResponseLetter.submission_id)
            .where(
                ResponseLetter.status.in_(
                    [LetterStatus.AWAITING_APPROVAL.value, LetterStatus.RETURNED.value]
                ),
                cases.visible_to(staff),
            )
            .order_by(ResponseLetter.submitted_at, ResponseLetter.id)
        )
    )


# --- the words ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dated:
    """The date a letter's "ask by" is counted from, and whether the case records it."""

    on: date
    recorded: bool


def dated(case: Submission, stage: int, today: date) -> Dated:
    """The stage's response date when it is recorded on the case; otherwise today."""
    row = case.response(f"stage{stage}")
    recorded = row.responded_on if row else None
    return Dated(recorded or today, recorded is not None)


def has_advocate(case: Submission) -> bool:
    """Whether the child has an advocate, as the case knows it."""
    return (
        bool(case.case.advocate_assigned or case.advocate_name or case.advocate_email)
        or case.advocacy_answer == AdvocacyAnswer.ALREADY_HAS_ONE.value
        or case.case.advocacy_status in ("has_advocate", "assigned")
    )


def facts(case: Submission, stage: int, today: date) -> LetterFacts:
    config = current_app.config
    # What the council said and gave at this stage (its response, once recorded).
    response = case.response(f"stage{stage}")
    outcome = response.outcome if response and response.outcome in labels.FINDINGS else None
    return LetterFacts(
        stage=stage,
        procedure=Procedure(case.case.procedure),
        jurisdiction=case.jurisdiction,
        reference=case.reference,
        name=case.submitter_name,
        for_child=is_child(case),
        received_on=case.received_on,
        dated=dated(case, stage, today).on,
        window_working_days=cases.window_days(Procedure(case.case.procedure)),
        council_phone=config["COUNCIL_PHONE"],
        council_email=config["COUNCIL_EMAIL"],
        council_address=config["COUNCIL_ADDRESS"],
        points=letters.points_for(stage, [(p.stage, p.summary, p.outcome) for p in case.points]),
        outcome=outcome,
        apology=bool(response and response.redress_apology),
        explanation=bool(response and response.redress_explanation),
        service_review=bool(response and response.redress_service_review),
        ex_gratia_pence=response.ex_gratia_pence if response else None,
        actions=[letters.Action(lesson.action, lesson.action_due_on) for lesson in case.lessons],
        advocate_name=case.case.advocate_assigned or case.advocate_name,
        has_advocate=has_advocate(case),
        panel_recommendations=case.stage_row("stage3").panel_recommendations,
        discussion_on=case.stage_row("stage1").discussion_on,
    )


def template(case: Submission, stage: int, today: date) -> Letter:
    """The letter as the template writes it from the case now, in the case's language."""
    if stage not in stages_of(case):
        raise LookupError(stage)
    with force_locale(case.language):
        return letters.draft(facts(case, stage, today), _, long_date)


# --- the steps ----------------------------------------------------------------------------


def _require(staff: Staff, permission: Permission) -> None:
    if not can(Role(staff.role), permission):
        raise cases.NotAllowed(permission.value)


def _check_version(letter: ResponseLetter | None, version: int | None) -> None:
    current = letter.version if letter is not None else None
    if current != version:
        raise LetterRefused(
            "Someone else changed this letter while you were working on it. Nothing has been "
            "saved: read the letter as it is now and try again."
        )


def save(
    staff: Staff,
    case: Submission,
    stage: int,
    *,
    subject: str,
    body: str,
    send_for_approval: bool,
    version: int | None,
    today: date,
) -> ResponseLetter:
    """Save the caseworker's words as a draft, or send them for approval. `version` is
    the letter's version the caseworker was editing (None: they started a new one)."""
    _require(staff, Permission.WORK_CASES)
    letter = find(case, stage)
    if letter is not None and letter.status not in (LetterStatus.DRAFT, LetterStatus.RETURNED):
        raise LetterRefused(
            "This letter has been sent for approval, so it cannot be changed now. The "
            "approver can return it to you with comments."
            if letter.status == LetterStatus.AWAITING_APPROVAL
            else "This letter has been sent, so it cannot be changed."
        )
    _check_version(letter, version)
    if send_for_approval and letters.has_text_to_write(body):
        raise LetterRefused(
            "Replace the text in double square brackets, like [[this]], before you send the "
            "letter for approval"
        )
    now = utcnow()
    first = letter is None
    if letter is None:
        letter = ResponseLetter(
            submission_id=case.id,
            stage=stage,
            language=case.language,
            greeting=template(case, stage, today).greeting,
            drafted_by_id=staff.id,
            drafted_at=now,
        )
        db.session.add(letter)
    changed = first or (letter.subject, letter.body) != (subject, body)
    letter.subject, letter.body = subject, body
    letter.edited_by_id, letter.edited_at = staff.id, now
    if send_for_approval:
        letter.status = LetterStatus.AWAITING_APPROVAL.value
        letter.submitted_at = now
    else:
        letter.status = LetterStatus.DRAFT.value
    audit.record(
        "response_letter_drafted" if first else "response_letter_edited",
        staff=staff,
        submission=case,
        detail={"stage": stage, "words_changed": changed},
    )
    if send_for_approval:
        audit.record(
            "response_letter_sent_for_approval",
            staff=staff,
            submission=case,
            detail={"stage": stage},
        )
    db.session.commit()
    return letter


def may_approve(staff: Staff, letter: ResponseLetter) -> bool:
    """Someone who wrote or changed the letter's words does not approve it, unless the
    council allows it (LETTER_SELF_APPROVAL_ALLOWED)."""
    if not can(Role(staff.role), Permission.APPROVE_LETTERS):
        return False
    wrote_it = staff.id in (letter.drafted_by_id, letter.edited_by_id)
    return not wrote_it or bool(current_app.config["LETTER_SELF_APPROVAL_ALLOWED"])


def complainant_email(case: Submission) -> str | None:
    return correspondence.address_of(case, Recipient.COMPLAINANT)


def complainant_texted(case: Submission) -> bool:
    """They asked for texts: "send it by email" texts them that the reply is ready, to
    read on their tracking page."""
    return correspondence.text_number(case, Recipient.COMPLAINANT) is not None


def _awaiting(staff: Staff, case: Submission, stage: int, version: int | None) -> ResponseLetter:
    _require(staff, Permission.APPROVE_LETTERS)
    letter = find(case, stage)
    if letter is None:
        raise LookupError(stage)
    _check_version(letter, version)
    if letter.status != LetterStatus.AWAITING_APPROVAL:
        raise LetterRefused("This letter is not waiting for approval.")
    return letter


def approve(
    staff: Staff, case: Submission, stage: int, *, how: str, version: int | None
) -> ResponseLetter:
    """Approve the letter and send it: by email (the complainant, and their advocate),
    or printed by the approver for the post, or to give to the person in person (an
    advocate with an email address gets their copy by email). Either way it is kept on
    the case through correspondence. Never for the post to someone who told us letters
    are not safe."""
    letter = _awaiting(staff, case, stage, version)
    if not may_approve(staff, letter):
        raise LetterRefused(
            "You wrote or changed this letter, so someone else must approve it. Ask another "
            "complaints manager to approve it."
        )

    def send(to: list[Recipient] | None = None, printed: How | None = None) -> list[Correspondence]:
        return correspondence.send(
            case,
            kind=Kind.RESPONSE_LETTER,
            subject=letter.subject,
            body=letter.body,
            staff=staff,
            to=to,
            printed=printed,
        )

    if how == HowToSend.EMAIL:
        if complainant_email(case) is None and not complainant_texted(case):
            raise LetterRefused(
                "There is no email address for the complainant: approve it for printing instead"
            )
        sent = send()
    elif how in (HowToSend.POST, HowToSend.IN_PERSON):
        if how == HowToSend.POST and not case.contact_safety.may_send_letters:
            raise LetterRefused(
                "They told us it is not safe to send them letters, so do not post it. Send "
                "it by email, or approve it for printing to give to them in person"
            )
        has_advocate = Recipient.ADVOCATE in correspondence.recipients_of(case)
        advocate_email = has_advocate and correspondence.address_of(case, Recipient.ADVOCATE)
        sent = send([Recipient.COMPLAINANT], printed=How(how))
        if advocate_email:
            send([Recipient.ADVOCATE])
        elif has_advocate:
            send([Recipient.ADVOCATE], printed=How.POST)
    else:
        raise LetterRefused("Select how the letter is sent")
    now = utcnow()
    letter.status = LetterStatus.SENT.value
    letter.approved_by_id, letter.approved_at = staff.id, now
    letter.sent_how = how
    letter.correspondence = sent[0]
    audit.record(
        "response_letter_approved",
        staff=staff,
        submission=case,
        detail={"stage": stage, "how": how, "drafted_by": letter.drafted_by_id},
    )
    db.session.commit()
    return letter


def return_to_caseworker(
    staff: Staff, case: Submission, stage: int, *, comments: str, version: int | None
) -> ResponseLetter:
    letter = _awaiting(staff, case, stage, version)
    if not comments.strip():
        raise LetterRefused("Enter what needs to change")
    letter.status = LetterStatus.RETURNED.value
    letter.returned_by_id, letter.returned_at = staff.id, utcnow()
    letter.return_comments = comments
    audit.record(
        "response_letter_returned",
        staff=staff,
        submission=case,
        detail={"stage": stage, "reason": comments},
    )
    db.session.commit()
    return letter


def record_printed(staff: Staff, case: Submission, letter: ResponseLetter, *, as_pdf: bool) -> None:
    audit.record(
        "response_letter_printed",
        staff=staff,
        submission=case,
        detail={"stage": letter.stage, "as": "pdf" if as_pdf else "page", "status": letter.status},
    )
    db.session.commit()
