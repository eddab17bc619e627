"""Staff accounts and signing in, with throttling: after repeated failures an account
is locked for a while, and the person is told so plainly."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.backoffice.access import Role
from portal.database import utcnow
from portal.extensions import db
from portal.models import Staff, Team
from portal.services import audit

log = logging.getLogger(__name__)

# Hashed once at import: checking a password for an unknown address costs the same time.
_DUMMY_HASH = generate_password_hash("no such account")


class StaffError(ValueError):
    pass


def create_staff(
    *, email: str, name: str, password: str, role: Role, team_name: str | None = None
) -> Staff:
    email = email.strip().lower()
    if len(password) < 12:
        raise StaffError("A password must be at least 12 characters")
    if db.session.scalar(sa.select(Staff).where(Staff.email == email)):
        raise StaffError("There is already an account with that email address")
    team_id = None
    if team_name:
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team_name))
        if team_id is None:
            raise StaffError(f"There is no team called {team_name!r}")
    if role is Role.TEAM_MEMBER and team_id is None:
        raise StaffError("A team member must belong to a team")
    staff = Staff(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role.value,
        team_id=team_id,
    )
    db.session.add(staff)
    db.session.commit()
    return staff


@dataclass
class SignIn:
    staff: Staff | None
    locked_until: datetime | None = None
    # The password was right and the account has an authenticator app: signing in is not
    # finished until a code from it is given (services/two_factor.py).
    needs_code: bool = False


def sign_in(email: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check a password. Repeated failures lock the account for a while."""
    now = now or utcnow()
    staff = db.session.scalar(sa.select(Staff).where(Staff.email == email.strip().lower()))
    if staff is None:
        check_password_hash(_DUMMY_HASH, password)
        return SignIn(None)
    if locked := locked_until(staff, now):
        return SignIn(None, locked_until=locked)
    if not staff.is_active_account or not check_password_hash(staff.password_hash, password):
        return SignIn(None, locked_until=count_failure(staff, now))
    if staff.totp_secret is not None:
        # The count of failures goes on until the code is right: a right password must
        # not wipe the wrong codes guessed before it.
        return SignIn(staff, needs_code=True)
    finish_sign_in(staff, now, second_factor="none")
    return SignIn(staff)


def locked_until(staff: Staff, now: datetime) -> datetime | None:
    """When the account's lock ends, if it is locked now."""
    return staff.locked_until if staff.locked_until and staff.locked_until > now else None


def count_failure(staff: Staff, now: datetime) -> datetime | None:
    """A wrong password or a wrong code. Returns when the lock ends, if this failure
    locked the account."""
    config = current_app.config
    staff.failed_sign_ins += 1
    if staff.failed_sign_ins >= config["SIGN_IN_MAX_FAILURES"]:
        staff.locked_until = now + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"])
        staff.failed_sign_ins = 0
        audit.record("account_locked", staff=staff)
        log.warning("staff account %s locked after repeated failures", staff.id)
    db.session.commit()
    return locked_until(staff, now)


def finish_sign_in(staff: Staff, now: datetime, *, second_factor: str) -> None:
    """The person has shown all they must: the count of failures starts again."""
    staff.failed_sign_ins = 0
    staff.locked_until = None
    staff.last_sign_in_at = now
    audit.record("signed_in", staff=staff, detail={"second_factor": second_factor})
    db.session.commit()


def get(staff_id: int) -> Staff | None:
    return db.session.get(Staff, staff_id)


def team_members(team_id: int | None) -> list[Staff]:
    query = sa.select(Staff).where(Staff.is_active_account).order_by(Staff.name)
    if team_id is not None:
        query = query.where(Staff.team_id == team_id)
    return list(db.session.scalars(query))


DEMO_PASSWORD = "demo-password-change-me"
DEMO_ACCOUNTS = [
    ("manager@northmoor.example", "Morgan Manager", Role.MANAGER, None),
    ("team@northmoor.example", "Taylor Team-Member", Role.TEAM_MEMBER, "Looked After Children"),
    ("auditor@northmoor.example", "Avery Auditor", Role.AUDITOR, None),
]


def load_demo_accounts() -> list[tuple[str, str]]:
    """One account per role; returns (email, role) of each, created or not."""
    for email, name, role, team in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is None:
            create_staff(email=email, name=name, password=DEMO_PASSWORD, role=role, team_name=team)
    return [(email, role.value) for email, _, role, _ in DEMO_ACCOUNTS]


def find_by_email(email: str) -> Staff | None:
    return db.session.scalar(sa.select(Staff).where(Staff.email == email.strip().lower()))
