"""Save and come back later. The person gives an email address and chooses a question;
we email a one-time link that expires. Coming back, they answer their question (or a
code we email) before any answer is shown, with a limited number of tries. Someone
who has only the link sees nothing."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from portal.database import utcnow
from portal.domain.characters import compared, plain
from portal.extensions import db
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.models import Draft
from portal.services import outbox
from portal.services.common import council_name, hash_secret

QUESTIONS = {
    "first_pet": _l("What was the name of your first pet?"),
    "favourite_food": _l("What is your favourite food?"),
    "best_friend": _l("What is your best friend's first name?"),
    "favourite_place": _l("Where is your favourite place to go?"),
}
CODE_LIFETIME = timedelta(minutes=15)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise(answer: str) -> str:
    """The answer as it is kept and compared: in plain characters (a phone's "’" as "'",
    its "–" as "-": domain/characters.py), in lower case, each run of spaces one. Saved
    on a phone and given on a computer, the same answer is the same."""
    return compared(answer)


def _normalised_before(answer: str) -> str:
    """How an answer saved before the plain characters was kept (lower case and spaces
    only): such a draft is still answered by what was typed then. Drafts are kept for
    SAVE_RETURN_DAYS, so this can go that long after 7 December 2026."""
    return " ".join(answer.lower().split())


def _code(typed: str) -> str:
    """The code as typed, in plain characters, without the spaces or dashes people put
    between its numbers ("123 456")."""
    return "".join(c for c in plain(typed) if not c.isspace() and c != "-")


def save(
    draft: Draft,
    *,
    email: str,
    question: str,
    answer: str,
    return_url: str,
    now: datetime | None = None,
) -> str | None:
    """Keep the draft for SAVE_RETURN_DAYS and email the link (through the outbox); the
    address the link went to. Kept in one UPDATE that the database decides, of a draft
    not saved yet: saved twice at the same instant (the button pressed twice, two tabs),
    it is saved once and one link is emailed, and the second is given the address the
    first emailed (a second link would have replaced the first, which then did not
    work). None when the draft is gone (sent from another tab)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    until = now + timedelta(days=current_app.config["SAVE_RETURN_DAYS"])
    draft_id = draft.id
    saved = db.session.execute(
        sa.update(Draft)
        .where(Draft.id == draft_id, Draft.saved_until.is_(None))
        .values(
            saved_until=until,
            return_email=email,
            return_token_hash=_hash_token(token),
            return_question=question,
            return_answer_hash=hash_secret(_normalise(answer)),
            return_code_hash=None,
            return_tries=0,
            updated_at=now,
        )
        .returning(Draft.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if saved is None:
        db.session.rollback()
        return db.session.scalar(sa.select(Draft.return_email).where(Draft.id == draft_id))
    link = f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}{return_url}{token}"
    if current_language() == "cy":
        link += "?lang=cy"
    council = council_name(current_language())
    context = {"link": link, "until": until, "council_name": council}
    outbox.queue(
        purpose="save_return_link",
        recipient=email,
        subject=_("%(council)s: carry on where you left off", council=council),
        template="save-return",  # rendered by the outbox worker
        context=context,
        language=current_language(),
        now=now,
    )
    db.session.commit()
    return email


def find(token: str, *, now: datetime | None = None) -> Draft | None:
    now = now or utcnow()
    draft = db.session.scalar(sa.select(Draft).where(Draft.return_token_hash == _hash_token(token)))
    if draft is None or draft.saved_until is None or draft.saved_until < now:
        return None
    return draft


@dataclass
class Check:
    ok: bool
    tries_left: int
    locked: bool = False


@dataclass(frozen=True)
class _Try:
    """A try at the answer or the code, counted before it is checked, with what it is
    checked against (read in the same statement: the draft may be gone a moment later)."""

    number: int
    answer_hash: str | None
    code_hash: str | None
    code_expires_at: datetime | None


def _take_a_try(draft: Draft) -> _Try | None:
    """Count a try in one UPDATE that the database decides: however many arrive at once,
    each gets its own number and no more than SAVE_RETURN_MAX_TRIES are ever checked.
    None when none is left (or the link has been used). Committed at once: nothing is
    held while the answer is hashed."""
    limit = current_app.config["SAVE_RETURN_MAX_TRIES"]
    row = db.session.execute(
        sa.update(Draft)
        .where(
            Draft.id == draft.id,
            Draft.return_token_hash.is_not(None),
            Draft.return_tries < limit,
        )
        .values(return_tries=Draft.return_tries + 1)
        .returning(
            Draft.return_tries,
            Draft.return_answer_hash,
            Draft.return_code_hash,
            Draft.return_code_expires_at,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    return _Try(*row) if row is not None else None


def _right(draft_id: str, attempt: _Try) -> Check:
    """The count starts again, unless a wrong try at the same instant used the last one
    and deleted the answers first."""
    kept = db.session.execute(
        sa.update(Draft)
        .where(Draft.id == draft_id, Draft.return_token_hash.is_not(None))
        .values(return_tries=0)
        .returning(Draft.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    if kept is None:
        return Check(False, 0, locked=True)
    return Check(True, current_app.config["SAVE_RETURN_MAX_TRIES"] - attempt.number)


def _wrong(draft_id: str, attempt: _Try) -> Check:
    limit = current_app.config["SAVE_RETURN_MAX_TRIES"]
    if attempt.number < limit:
        return Check(False, limit - attempt.number)
    # The last try, and wrong: the saved answers are deleted, to keep them safe (unless
    # a right answer at the same instant has started the count again).
    db.session.execute(
        sa.delete(Draft)
        .where(Draft.id == draft_id, Draft.return_tries >= limit)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Check(False, 0, locked=True)


def check_answer(draft: Draft, answer: str) -> Check:
    draft_id = draft.id
    attempt = _take_a_try(draft)
    if attempt is None:
        return Check(False, 0, locked=True)
    if attempt.answer_hash and any(
        check_password_hash(attempt.answer_hash, form)
        for form in dict.fromkeys([_normalise(answer), _normalised_before(answer)])
    ):
        return _right(draft_id, attempt)
    return _wrong(draft_id, attempt)


def send_code(draft: Draft, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    code = f"{secrets.randbelow(1_000_000):06d}"
    draft.return_code_hash = hash_secret(code)
    draft.return_code_expires_at = now + CODE_LIFETIME
    council = council_name(current_language())
    context = {"code": code, "council_name": council}
    assert draft.return_email
    outbox.queue(
        purpose="save_return_code",
        recipient=draft.return_email,
        subject=_("%(council)s: your code", council=council),
        template="save-return-code",  # rendered by the outbox worker
        context=context,
        language=current_language(),
        now=now,
    )
    db.session.commit()


def check_code(draft: Draft, code: str, *, now: datetime | None = None) -> Check:
    now = now or utcnow()
    draft_id = draft.id
    attempt = _take_a_try(draft)
    if attempt is None:
        return Check(False, 0, locked=True)
    fresh = attempt.code_expires_at is not None and attempt.code_expires_at >= now
    if fresh and attempt.code_hash and check_password_hash(attempt.code_hash, _code(code)):
        return _right(draft_id, attempt)
    return _wrong(draft_id, attempt)


def resume(draft: Draft, *, now: datetime | None = None) -> Draft | None:
    """The link is used up; the draft carries on as a normal one. The database decides
    who uses it: of two right answers sent at the same instant (two browsers), only one
    carries on; None for the other."""
    token_hash = draft.return_token_hash
    used = db.session.execute(
        sa.update(Draft)
        .where(Draft.id == draft.id, Draft.return_token_hash == token_hash)
        .values(
            return_token_hash=None,
            return_code_hash=None,
            saved_until=None,
            return_tries=0,
            updated_at=now or utcnow(),
        )
        .returning(Draft.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    if token_hash is None or used is None:
        return None
    db.session.refresh(draft)
    return draft
