"""Use cases of the public side: drafts of a journey, and recording a submission.

A submission, its reference and its flags commit in one transaction; nothing else
in the public side commits.
"""

import logging
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from portal.database import read_now, utcnow
from portal.domain import contact_safety
from portal.domain.answers import still_applying
from portal.domain.channels import Channel, check_received_on
from portal.domain.clock import add_working_days, london_date
from portal.domain.flags import flags_for
from portal.domain.postcodes import normalise_postcode
from portal.domain.references import format_reference
from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ContactPreference,
    Kind,
    SubmitterRole,
    WhenItHappened,
)
from portal.extensions import db
from portal.i18n import current_language
from portal.models import Attachment, Case, Draft, ReferenceCounter, Staff, Submission, rows
from portal.models.draft import ShownDraft
from portal.services import (
    attachments,
    audit,
    clock,
    consent,
    events,
    outbox,
    routing_data,
    routing_rules,
    safeguarding,
)
from portal.services.common import hash_token

log = logging.getLogger(__name__)


# --- drafts ---------------------------------------------------------------------------


def start_draft(kind: Kind, *, now: datetime | None = None) -> Draft:
    now = now or utcnow()
    draft = Draft(
        id=secrets.token_urlsafe(32),
        kind=kind.value,
        answers={},
        complete={},
        created_at=now,
        updated_at=now,
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def find_draft(
    draft_id: str | None, *, now: datetime | None = None, lock: bool = False
) -> Draft | None:
    """The draft if it exists and has not expired; expired drafts are never shown.
    `lock` (Send): its row locked until the request ends (PostgreSQL; SQLite takes its
    write lock at the claim), so that a file sent at the same instant is either in the
    files the claim moves or refused as sent too late (docs/security.md, "Races")."""
    if not draft_id:
        return None
    found = db.session.execute(_draft_query(lock), {"draft_id": draft_id}).one_or_none()
    if found is None:
        return None
    draft, token = found
    routing_data.note_mark(token)
    return draft if _open(draft.saved_until, draft.updated_at, now) else None


def _open(saved_until: datetime | None, updated_at: datetime, now: datetime | None) -> bool:
    """A draft can be shown: not saved for later (only the emailed link and its check
    bring that back) and not expired."""
    lifetime = timedelta(hours=current_app.config["DRAFT_LIFETIME_HOURS"])
    return saved_until is None and updated_at >= (now or utcnow()) - lifetime


def find_draft_to_show(
    draft_id: str | None, *, checked: bool = False, now: datetime | None = None
) -> ShownDraft | None:
    """`find_draft` for a page that only shows the draft: its answers without the ORM,
    in one statement with no transaction (`database.read_now`; issue 19). `checked`:
    with the rows kept for check your answers, and whether it has files."""
    if not draft_id:
        return None
    found = read_now(db.engine, _shown_draft_query(checked), {"draft_id": draft_id})
    if not found:
        return None
    row = found[0]
    routing_data.note_mark(row.mark)
    if not _open(row.saved_until, row.updated_at, now):
        return None
    shown = ShownDraft(row.id, row.kind, row.answers, row.complete, row.help_shown_at)
    return replace(shown, checked=row.checked, has_files=row.has_files) if checked else shown


@cache
def _shown_draft_query(checked: bool) -> "sa.Select[Any]":
    drafts = Draft.__table__.c
    columns: list[Any] = [
        drafts.id,
        drafts.kind,
        drafts.answers,
        drafts.complete,
        drafts.saved_until,
        drafts.updated_at,
        drafts.help_shown_at,
        routing_data.mark().label("mark"),
    ]
    if checked:
        files = sa.exists().where(Attachment.draft_id == drafts.id)
        columns += [drafts.checked, files.label("has_files")]
    return sa.select(*columns).where(drafts.id == sa.bindparam("draft_id"))


@cache
def _draft_query(lock: bool) -> "sa.Select[Draft, str]":
    """A draft by its id, built once (each one built afresh was keyed again each time).
    The routing mark read with it: Send then reads nothing else before its claim. Send
    (`lock`) checks every answer again and does not read the rows kept for check your
    answers (`checked`, as long as the answers again, in each language shown): left
    in the database."""
    files = sa.exists().where(Attachment.draft_id == Draft.id)
    query = (
        sa.select(Draft, routing_data.mark())
        .where(Draft.id == sa.bindparam("draft_id"))
        .options(with_expression(Draft.has_files, files))
    )
    if not lock:
        return query
    return query.options(defer(Draft.checked)).with_for_update(of=Draft)


def save_step(
    draft: Draft,
    step: str,
    typed: dict[str, list[str]],
    *,
    complete: bool,
    checked: dict[str, Any] | None = None,
) -> None:
    """Keep what was posted on a step, valid or not, so nothing typed is lost; and, if
    it passed its checks, how check your answers shows it (`checked`)."""
    draft.answers = {**draft.answers, step: typed}
    draft.complete = {**draft.complete, step: complete}
    kept = {
        language: {name: entry for name, entry in steps.items() if name != step}
        for language, steps in (draft.checked or {}).items()
    }
    if complete and checked:
        kept.setdefault(checked["language"], {})[step] = checked
    draft.checked = kept
    draft.updated_at = utcnow()
    db.session.commit()


def keep_checked(draft: Draft | ShownDraft, checked: dict[str, Any]) -> None:
    """The steps that passed their checks, as check your answers shows them."""
    if isinstance(draft, Draft):
        draft.checked = checked
    else:  # read outside the session: only this column is written
        db.session.execute(sa.update(Draft).where(Draft.id == draft.id).values(checked=checked))
    db.session.commit()


def change_kind(draft: Draft, kind: Kind) -> None:
    """Complaint <-> representation at check your answers, keeping every answer."""
    draft.kind = kind.value
    draft.updated_at = utcnow()
    db.session.commit()


def discard_draft(draft: Draft) -> None:
    db.session.delete(draft)
    db.session.commit()


def copy_draft(source_answers: dict[str, Any], kind: Kind, steps: list[str]) -> Draft:
    """A new draft that starts with answers the person already gave (for example a
    complaint after a request for an advocate), so they are not asked twice."""
    draft = start_draft(kind)
    draft.answers = {step: source_answers[step] for step in steps if step in source_answers}
    # They passed their checks when the first journey was sent (check your answers checks
    # them all again before this one is): without this the person's role is unknown and
    # they are sent back to "who are you".
    draft.complete = {step: True for step in draft.answers}
    db.session.commit()
    return draft


def delete_expired_drafts(*, now: datetime | None = None) -> int:
    """Drafts past their time, and any files uploaded to them, are deleted."""
    lifetime = timedelta(hours=current_app.config["DRAFT_LIFETIME_HOURS"])
    now = now or utcnow()
    cutoff = now - lifetime
    expired = sa.or_(
        sa.and_(Draft.saved_until.is_(None), Draft.updated_at < cutoff),
        Draft.saved_until < now,
    )
    ids = list(db.session.scalars(sa.select(Draft.id).where(expired)))
    for draft in db.session.scalars(sa.select(Draft).where(Draft.id.in_(ids))):
        for attachment in attachments.for_draft(draft.id):
            attachments.remove_from_draft(draft, attachment.id)
    db.session.execute(sa.delete(Draft).where(Draft.id.in_(ids)))
    db.session.commit()
    return len(ids)


# --- teams shown to the public -----------------------------------------------------------


def public_team_choices() -> list[tuple[str, str, str]]:
    """(value, name, description) of the services a person can choose from, in the
    person's language where the council has given the Welsh."""
    teams = routing_data.current().public
    if current_language() == "cy":
        return [
            (
                str(t.id),
                t.public_name_cy or t.public_name,
                t.public_description_cy or t.public_description,
            )
            for t in teams
        ]
    return [(str(t.id), t.public_name, t.public_description) for t in teams]


# --- recording a submission --------------------------------------------------------------


@dataclass
class NewSubmission:
    """Every answer of a finished journey, checked by its forms."""

    kind: Kind
    role: SubmitterRole
    name: str
    contact_preference: ContactPreference
    what_happened: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    organisation: str | None = None
    child_name: str | None = None
    child_date_of_birth: date | None = None
    child_age: int | None = None
    child_agreement: ChildAgreement | None = None
    child_reply_preference: str | None = None
    team_id: int | None = None
    worker_name: str | None = None
    when_it_happened: WhenItHappened | None = None
    event_date: date | None = None
    put_right: str | None = None
    advocacy: AdvocacyAnswer | None = None
    support_needs: list[str] = field(default_factory=list)
    interpreter_language: str | None = None
    other_support: str | None = None
    advocate_name: str | None = None
    advocate_email: str | None = None
    # A child's own answer to "who is it about" (ChildTopic): a hint for routing.
    child_topic: str | None = None
    safety: contact_safety.ContactSafety = contact_safety.NOT_ASKED
    answers: dict[str, Any] = field(default_factory=dict)
    # How it came (domain/channels.py). Anything but the public form is recorded by a
    # member of staff, who says the day it reached the council: the clock runs from that
    # day, not from the day it is typed in (None: today).
    channel: Channel = Channel.ONLINE
    received_on: date | None = None
    recorded_by: Staff | None = None
    # An advocate signed in to their account who filed it (docs/advocates.md): their
    # account is named on the case, so they see it.
    filed_by: Staff | None = None

    @classmethod
    def from_answers(cls, kind: Kind, answers: dict[str, dict[str, Any]]) -> "NewSubmission":
        # An answer in a box revealed by a choice the person no longer makes (an email
        # address, after choosing phone) is neither recorded nor shown to staff.
        answers = {step: still_applying(page) for step, page in answers.items()}

        def get(step: str, name: str) -> Any:
            return answers.get(step, {}).get(name)

        role = SubmitterRole(get("who-are-you", "role"))
        team = get("what-it-is-about", "team")
        advocacy = get("advocate", "advocacy")
        if kind is Kind.ADVOCACY:
            advocacy = AdvocacyAnswer.REQUESTED.value
        elif role is SubmitterRole.ADVOCATE and kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
            advocacy = AdvocacyAnswer.FILED_BY_ADVOCATE.value
        support = [s for s in (get("support", "support") or []) if s != "none"]
        child_age = (
            get("your-age", "age")
            if role is SubmitterRole.CHILD
            else get("about-the-child", "child_age")
        )
        agreement = get("the-childs-views", "child_agreement")
        when = get("what-happened", "when_it_happened")
        preference = ContactPreference(get("contact", "contact_preference"))
        safe_ways = get("contact", "safe_to_contact")
        return cls(
            kind=kind,
            role=role,
            name=get("contact", "name"),
            contact_preference=preference,
            email=get("contact", "email") or None,
            # A mobile for texts is kept as typed, like any phone number; texts go to it
            # written in E.164 (domain/mobiles.py).
            phone=get("contact", "phone") or get("contact", "mobile") or None,
            address=get("contact", "address") or None,
            postcode=normalise_postcode(get("contact", "postcode") or "") or None,
            organisation=get("your-organisation", "organisation") or None,
            child_name=get("about-the-child", "child_name") or None,
            child_date_of_birth=get("about-the-child", "child_date_of_birth"),
            child_age=child_age,
            child_agreement=ChildAgreement(agreement) if agreement else None,
            child_reply_preference=get("the-childs-views", "child_reply_preference"),
            team_id=int(team) if team and team.isdigit() else None,
            worker_name=get("what-it-is-about", "worker_name") or None,
            what_happened=get("what-happened", "what_happened"),
            when_it_happened=WhenItHappened(when) if when else None,
            event_date=get("what-happened", "event_date"),
            put_right=get("put-it-right", "put_right"),
            advocacy=AdvocacyAnswer(advocacy) if advocacy else None,
            support_needs=support,
            interpreter_language=get("support", "interpreter_language") or None,
            other_support=get("support", "other_support") or None,
            advocate_name=get("contact", "advocate_name") or None,
            advocate_email=get("contact", "advocate_email") or None,
            child_topic=get("what-it-is-about", "about"),
            safety=contact_safety.from_answer(safe_ways) if safe_ways else contact_safety.NOT_ASKED,
            answers=_json_safe(answers),
        )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _next_reference_number(year: int) -> int:
    """Bump the year's counter in one atomic upsert: two submissions at the same
    instant serialise on the counter row and never share a number."""
    # On the session's connection: a statement on a table, with nothing of the ORM's to do.
    connection = db.session.connection()
    upsert = _counter_upsert(connection.dialect.name)
    return int(connection.execute(upsert, {"year": year}).scalar_one())


@cache
def _counter_upsert(dialect: str) -> Any:
    """The counter's upsert, built once per database kind (the year is its parameter)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counters = cast(sa.Table, ReferenceCounter.__table__)
    return (
        insert(counters)
        .values(year=sa.bindparam("year"), last_number=1)
        .on_conflict_do_update(
            index_elements=[counters.c.year],
            set_={"last_number": counters.c.last_number + 1},
        )
        .returning(counters.c.last_number)
    )


def _advocacy_status(answer: AdvocacyAnswer | None) -> str | None:
    """Where the s26A offer stands: requested or accepted goes to the provider."""
    if answer is None:
        return None
    if answer in (AdvocacyAnswer.ACCEPTED, AdvocacyAnswer.REQUESTED):
        return "requested"
    if answer is AdvocacyAnswer.FILED_BY_ADVOCATE or answer is AdvocacyAnswer.ALREADY_HAS_ONE:
        return "has_advocate"
    return "offered"


class DraftGone(Exception):
    """The draft was gone when it was sent, and no case was made from it (saved for
    later, or deleted, at the same instant)."""


def record_submission(
    new: NewSubmission, *, draft: Draft | None = None, now: datetime | None = None
) -> Submission:
    """Record a submission, with its flags, messages and files, in one transaction. Sent
    from a draft, the draft is claimed first: if another request (Send pressed twice)
    has sent it, the case that request made is returned and nothing else is recorded."""
    now = now or utcnow()
    received_on = (
        check_received_on(new.received_on, london_date(now))
        if new.received_on is not None
        else london_date(now)
    )
    chosen_team_id = (
        new.team_id
        if new.team_id is not None
        else routing_rules.team_for_child_topic(new.child_topic)
    )
    routing = routing_rules.decide(
        routing_rules.facts_for(
            kind=new.kind.value,
            role=new.role.value,
            chosen_team_id=chosen_team_id,
            child_age=new.child_age,
            child_date_of_birth=new.child_date_of_birth,
            text=f"{new.what_happened}\n{new.put_right or ''}",
            on=received_on,
        )
    )
    deadline = clock.acknowledgement_due(received_on, routing.procedure)
    files: list[int] = []
    if draft is not None:
        claimed = _claim(draft)
        if isinstance(claimed, Submission):
            return claimed
        files = claimed
    number = _next_reference_number(received_on.year)
    tracking_token = secrets.token_urlsafe(24)
    reference = format_reference(current_app.config["REFERENCE_PREFIX"], received_on.year, number)
    submission = Submission(
        reference=reference,
        submitter_role=new.role.value,
        submitter_name=new.name,
        organisation=new.organisation,
        contact_preference=new.contact_preference.value,
        email=new.email,
        phone=new.phone,
        postal_address=new.address,
        postcode=new.postcode,
        safe_to_phone=new.safety.phone,
        safe_to_leave_voicemail=new.safety.voicemail,
        safe_to_send_letters=new.safety.letters,
        child_name=new.child_name,
        child_date_of_birth=new.child_date_of_birth,
        child_age=new.child_age,
        child_agreement=new.child_agreement.value if new.child_agreement else None,
        child_reply_preference=new.child_reply_preference,
        about_team_id=chosen_team_id,
        worker_name=new.worker_name,
        what_happened=new.what_happened,
        when_it_happened=new.when_it_happened.value if new.when_it_happened else None,
        event_date=new.event_date,
        put_right=new.put_right,
        advocacy_answer=new.advocacy.value if new.advocacy else None,
        support_needs=new.support_needs,
        interpreter_language=new.interpreter_language,
        other_support=new.other_support,
        flags=[
            flag.value
            for flag in flags_for(
                kind=new.kind,
                role=new.role,
                when=new.when_it_happened,
                event_date=new.event_date,
                received_on=received_on,
                contact_preference=new.contact_preference,
                child_agreement=new.child_agreement,
                advocacy=new.advocacy,
            )
        ],
        answers=new.answers,
        advocate_name=new.advocate_name,
        advocate_email=new.advocate_email,
        case=Case(
            kind=new.kind.value,
            team_id=routing.team_id,
            procedure=routing.procedure.value,
            routing_rule_id=routing.rule_id,
            stage="triage",
            routing_reason=routing.rule_name,
            advocacy_status=_advocacy_status(new.advocacy),
            advocate_id=new.filed_by.id if new.filed_by is not None else None,
            advocacy_due_on=(
                add_working_days(received_on, current_app.config["ADVOCACY_TARGET_WORKING_DAYS"])
                if _advocacy_status(new.advocacy) == "requested"
                else None
            ),
        ),
        tracking_token_hash=hash_token(tracking_token),
        sent_from_draft=hash_token(draft.id) if draft is not None else None,
        received_at=now,
        received_on=received_on,
        channel=new.channel.value,
        recorded_by_staff_id=new.recorded_by.id if new.recorded_by is not None else None,
        acknowledge_by=deadline.due,
        acknowledge_by_statutory=deadline.statutory,
        jurisdiction=current_app.config["JURISDICTION"],
        language=current_language(),
    )
    db.session.add(submission)
    # What is due runs from this moment: the acknowledgement and, beside it, the first
    # response (in England the stage 1 response, 10 working days from today).
    progress = clock.refresh_due(submission)
    # Signs of danger, and any alert (ahead of everything else in the outbox), in the
    # same transaction.
    safeguarding.assess_submission(submission, new.answers, draft)
    if submission.advocate_email or submission.advocate_name:
        # A child who names their advocate on the form agrees to them having a copy of
        # every letter (until the child or the advocate withdraws it).
        db.session.flush()
        consent.give(
            submission,
            by="staff" if new.recorded_by is not None else "child_form",
            on=received_on,
            staff=new.recorded_by,
        )
    # The acknowledgement commits with the submission: it cannot be lost. Its messages
    # in one INSERT (on SQLite the ORM would write them one by one).
    with outbox.batched():
        # Nothing recorded since changes its progress (the signs, the consent).
        events.publish(events.Submitted(submission, tracking_token, progress))
        # The new rows (the submission, its case, its referral) written with Core: most
        # of the ORM's flush was its own work (models/rows.py).
        rows.flush_new(db.session())
    if files:
        db.session.flush()
        attachments.move_to_submission(files, submission)
    if new.recorded_by is not None:
        db.session.flush()
        # Who typed it in, how it came and when: never what it says.
        audit.record(
            "recorded_for_them",
            staff=new.recorded_by,
            submission=submission,
            detail={"channel": new.channel.value, "received_on": received_on},
        )
    db.session.commit()
    # The reference is known: reading it after the commit (the confirmation) need not
    # read the whole row again.
    set_committed_value(submission, "reference", reference)
    # Ids and references only: never a name, address or what was written.
    log.info(
        "submission recorded",
        extra={"reference": reference, "kind": new.kind.value, "channel": new.channel.value},
    )
    return submission


# On the tables, not the models: nothing in the session is the ORM's to change.
_drafts, _attachments = cast(sa.Table, Draft.__table__), cast(sa.Table, Attachment.__table__)
_CLAIM = (
    sa.delete(_drafts)
    .where(_drafts.c.id == sa.bindparam("draft_id"), _drafts.c.saved_until.is_(None))
    .returning(
        _drafts.c.id,
        sa.select(sa.func.aggregate_strings(sa.cast(_attachments.c.id, sa.String), ","))
        .where(_attachments.c.draft_id == sa.bindparam("draft_id"))
        .scalar_subquery(),
    )
)


def _claim(draft: Draft) -> Submission | list[int]:
    """The first statement of the submission's transaction deletes the draft, and the
    database decides who may: a second request sending the same draft at the same
    instant waits on the row (PostgreSQL's row lock, SQLite's write lock) until the first
    has committed, then finds it gone and changes nothing. Returns the ids of the draft's
    files (read by the same statement, before the delete lets go of them) to the request
    that sends the draft, and the case that was made to any other (DraftGone if none
    was)."""
    draft_id = draft.id
    claimed = db.session.connection().execute(_CLAIM, {"draft_id": draft_id}).one_or_none()
    if claimed is not None:
        # Its row is gone: the session must not write it again.
        db.session.expunge(draft)
        return [int(i) for i in (claimed[1] or "").split(",") if i]
    db.session.rollback()
    sent = sent_from(draft_id)
    if sent is None:
        raise DraftGone(draft_id)
    log.info("send pressed again", extra={"reference": sent.reference})
    return sent


def sent_from(draft_id: str | None) -> Submission | None:
    """The case a draft became, once it was sent."""
    if not draft_id:
        return None
    return db.session.scalar(
        sa.select(Submission).where(Submission.sent_from_draft == hash_token(draft_id))
    )
