"""One-time links to set a password: a complaints manager invites a new member of staff,
or resets the password of someone who has forgotten it. The email holds the link; the
database holds only the SHA-256 of its token, so a copy of the database opens nothing.
A link works once, for STAFF_PASSWORD_LINK_HOURS; sending another ends the one before.
After setting a password the person signs in, and sets up an authenticator app where
their role must use one (services/two_factor.py)."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template

from portal.database import utcnow
from portal.domain.access import Role
from portal.domain.passwords import password_problem
from portal.extensions import db
from portal.models import Staff, Team
from portal.services import audit, outbox, two_factor
from portal.services.common import hash_secret
from portal.services.staff import (
    StaffError,
    end_sessions,
    known_words,
    password_allowed,
    roles_with_passwords,
)

log = logging.getLogger(__name__)

PURPOSE = "staff_password_link"
PATH = "/staff/set-password/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hours() -> int:
    return int(current_app.config["STAFF_PASSWORD_LINK_HOURS"])


def invite(
    *,
    email: str,
    name: str,
    role: Role,
    team_id: int | None,
    by: Staff | None,
    organisation_id: int | None = None,
    phone: str | None = None,
) -> Staff:
    """A new account that cannot sign in until its owner sets a password from the link
    emailed to them. `by` None: an advocate registered themselves
    (services/advocates.py); an advocate's organisation and phone are kept on it."""
    email, name = email.strip().lower(), name.strip()
    if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is not None:
        raise StaffError("There is already an account with that email address")
    allowed = roles_with_passwords()
    if allowed is not None and role not in allowed:
        raise StaffError(
            "The council's staff sign in with their council account: their account is made "
            "the first time they do, with the role and team their groups give them"
        )
    if role is Role.TEAM_MEMBER and team_id is None:
        raise StaffError("Select the team a team member belongs to")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise StaffError("Select a team from the list")
    person = Staff(
        email=email,
        name=name,
        # No one knows this password: the account opens only through the link.
        password_hash=hash_secret(secrets.token_urlsafe(32)),
        role=role.value,
        team_id=team_id,
        organisation_id=organisation_id if role is Role.ADVOCATE else None,
        phone=(phone or None) if role is Role.ADVOCATE else None,
    )
    db.session.add(person)
    db.session.flush()
    _send_link(person, by=by, invited=True)
    audit.record(
        "staff_invited" if by is not None else "advocate_registered",
        staff=by,
        detail={"account": person.id, "changes": {"role": [None, role.value]}},
    )
    db.session.commit()
    return person


def reset_password(person: Staff, *, by: Staff) -> None:
    """The present password stops working at once and every session ends; the person
    sets a new one from the link. Refused for an account the council's sign-in is for
    (made before OIDC was switched on, in a role without a password of ours): a password
    set from the link would never sign them in."""
    if not password_allowed(person):
        raise StaffError(
            "They sign in with their council account: ask the IT service desk to reset "
            "their password there"
        )
    person.password_hash = hash_secret(secrets.token_urlsafe(32))
    end_sessions(person)
    _send_link(person, by=by, invited=False)
    audit.record("password_reset_link_sent", staff=by, detail={"account": person.id})
    db.session.commit()


def _send_link(person: Staff, *, by: Staff | None, invited: bool) -> None:
    token = secrets.token_urlsafe(32)
    person.password_link_hash = token_hash(token)
    person.password_link_expires_at = utcnow() + timedelta(hours=hours())
    context = {
        "name": person.name,
        "by": by.name if by is not None else None,
        "advocate": person.role == Role.ADVOCATE.value,
        "invited": invited,
        "link": str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + PATH + token,
        "until": person.password_link_expires_at,
        "needs_app": two_factor.required(person),
        "has_app": two_factor.has_factor(person),
    }
    outbox.queue(
        purpose=PURPOSE,
        recipient=person.email,
        subject=(
            "Your advocate's account for the children's complaints portal"
            if person.role == Role.ADVOCATE.value
            else "Your account for the children's complaints back office"
        )
        if invited
        else "Set a new password for the children's complaints back office",
        text_body=render_template("emails/staff-password-link.txt", **context),
        html_body=render_template("emails/staff-password-link.html", **context),
        priority=40,
    )


def status(person: Staff, *, now: datetime | None = None) -> str:
    """Where an account that is not disabled stands, as its row in the list says."""
    expires = person.password_link_expires_at
    if person.password_link_hash is None or expires is None:
        return "Can sign in"
    if expires <= (now or utcnow()):
        return "Link to set a password expired: reset their password to send another"
    if person.last_sign_in_at is None:
        return "Invited: has not set a password yet"
    return "Password reset: has not set a new one yet"


def account_for(link_hash: str, *, now: datetime | None = None) -> Staff | None:
    """Whose link this is, while it still works (and the account is not disabled)."""
    person: Staff | None = db.session.scalar(
        sa.select(Staff).where(Staff.password_link_hash == link_hash)
    )
    if person is None or person.password_link_expires_at is None:
        return None
    if person.password_link_expires_at <= (now or utcnow()) or not person.is_active_account:
        return None
    return person


def set_password(link_hash: str, password: str) -> Staff:
    """Set the password from the link, which then stops working."""
    person = account_for(link_hash)
    if person is None:
        raise StaffError("This link has expired or has already been used")
    if problem := password_problem(password, known_words=known_words(person.name, person.email)):
        raise StaffError(problem)
    person.password_hash = hash_secret(password)
    person.password_link_hash = None
    person.password_link_expires_at = None
    person.failed_sign_ins = 0
    person.locked_until = None
    end_sessions(person)
    audit.record("password_set_from_link", staff=person)
    log.info("staff account %s set its password from a link", person.id)
    db.session.commit()
    return person
