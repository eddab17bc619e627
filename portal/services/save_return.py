"""Save and come back later. The person gives an email address and chooses a question;
we email a one-time link that expires. Coming back, they answer their question (or a
code we email) before any answer is shown, with a limited number of tries. Someone
who has only the link sees nothing."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from portal.database import utcnow
from portal.extensions import db
from portal.i18n import current_language
from portal.models import Draft
from portal.services import outbox
from portal.services.acknowledgements import council_name

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
    return " ".join(answer.lower().split())


def save(
    draft: Draft,
    *,
    email: str,
    question: str,
    answer: str,
    return_url: str,
    now: datetime | None = None,
) -> None:
    """Keep the draft for SAVE_RETURN_DAYS and email the link (through the outbox)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    until = now + timedelta(days=current_app.config["SAVE_RETURN_DAYS"])
    draft.saved_until = until
    draft.return_email = email
    draft.return_token_hash = _hash_token(token)
    draft.return_question = question
    draft.return_answer_hash = generate_password_hash(_normalise(answer))
    draft.return_code_hash = None
    draft.return_tries = 0
    draft.updated_at = now
    link = f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}{return_url}{token}"
    if current_language() == "cy":
        link += "?lang=cy"
    council = council_name(current_language())
    context = {"link": link, "until": until, "council_name": council}
    outbox.queue(
        purpose="save_return_link",
        recipient=email,
        subject=_("%(council)s: carry on where you left off", council=council),
        text_body=render_template("emails/save-return.txt", **context),
        html_body=render_template("emails/save-return.html", **context),
        now=now,
    )
    db.session.commit()


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


def _wrong(draft: Draft) -> Check:
    draft.return_tries += 1
    left = current_app.config["SAVE_RETURN_MAX_TRIES"] - draft.return_tries
    if left <= 0:
        # Too many wrong tries: the saved answers are deleted, to keep them safe.
        db.session.delete(draft)
        db.session.commit()
        return Check(False, 0, locked=True)
    db.session.commit()
    return Check(False, left)


def check_answer(draft: Draft, answer: str) -> Check:
    if draft.return_answer_hash and check_password_hash(
        draft.return_answer_hash, _normalise(answer)
    ):
        return Check(True, current_app.config["SAVE_RETURN_MAX_TRIES"] - draft.return_tries)
    return _wrong(draft)


def send_code(draft: Draft, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    code = f"{secrets.randbelow(1_000_000):06d}"
    draft.return_code_hash = generate_password_hash(code)
    draft.return_code_expires_at = now + CODE_LIFETIME
    council = council_name(current_language())
    context = {"code": code, "council_name": council}
    assert draft.return_email
    outbox.queue(
        purpose="save_return_code",
        recipient=draft.return_email,
        subject=_("%(council)s: your code", council=council),
        text_body=render_template("emails/save-return-code.txt", **context),
        html_body=render_template("emails/save-return-code.html", **context),
        now=now,
    )
    db.session.commit()


def check_code(draft: Draft, code: str, *, now: datetime | None = None) -> Check:
    now = now or utcnow()
    fresh = draft.return_code_expires_at is not None and draft.return_code_expires_at >= now
    if (
        fresh
        and draft.return_code_hash
        and check_password_hash(draft.return_code_hash, code.strip())
    ):
        return Check(True, current_app.config["SAVE_RETURN_MAX_TRIES"] - draft.return_tries)
    return _wrong(draft)


def resume(draft: Draft, *, now: datetime | None = None) -> Draft:
    """The link is used up; the draft carries on as a normal one."""
    draft.return_token_hash = None
    draft.return_code_hash = None
    draft.saved_until = None
    draft.return_tries = 0
    draft.updated_at = now or utcnow()
    db.session.commit()
    return draft
