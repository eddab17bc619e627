"""Staff accounts and signing in, with throttling: after repeated failures an account
is locked for a while, and the person is told so plainly."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from werkzeug.security import check_password_hash, generate_password_hash

from portal.database import utcnow
from portal.domain.access import Permission, Role, can
from portal.domain.passwords import password_problem
from portal.extensions import db, limiter
from portal.models import Staff, Team
from portal.services import audit
from portal.services.common import hash_secret

log = logging.getLogger(__name__)


@cache
def _dummy_hash_by(method: str) -> str:
    return generate_password_hash("no such account", method=method)


def dummy_hash() -> str:
    """Checked against for an unknown address, so that costs the time a real check does
    (hashed once for the method in use)."""
    return _dummy_hash_by(current_app.config["SECRET_HASH_METHOD"])


class StaffError(ValueError):
    pass


def create_staff(
    *, email: str, name: str, password: str, role: Role, team_name: str | None = None
) -> Staff:
    email = email.strip().lower()
    if problem := password_problem(password, known_words=known_words(name, email)):
        raise StaffError(problem)
    if db.session.scalar(sa.select(Staff).where(Staff.email == email)):
        raise StaffError("There is already an account with that email address")
    team_id = None
    if team_name:
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team_name))
        if team_id is None:
            raise StaffError(f"There is no team called {team_name!r}")
    if role is Role.TEAM_MEMBER and team_id is None:
        raise StaffError("A team member must belong to a team")
    _check_provider_team(role, team_id)
    staff = Staff(
        email=email,
        name=name,
        password_hash=hash_secret(password),
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
        check_password_hash(dummy_hash(), password)
        return SignIn(None, locked_until=_count_unknown_failure(email, now))
    attempt = take_a_try(staff, now)
    if not attempt.allowed:
        return SignIn(None, locked_until=attempt.locked_until)
    right = check_password_hash(staff.password_hash, password)
    if not staff.is_active_account or not right or not password_allowed(staff):
        return SignIn(None, locked_until=count_failure(staff, attempt, now))
    if staff.totp_secret is not None:
        # Only the code counts from here: the try is given back, but a right password
        # does not wipe the wrong codes guessed before it.
        give_back_try(staff)
        return SignIn(staff, needs_code=True)
    finish_sign_in(staff, now, second_factor="none")
    return SignIn(staff)


def roles_with_passwords() -> list[Role] | None:
    """The roles a new account may be given with a password of the portal's own (and so
    an invitation to set one): every role (None) without an OpenID Connect provider; with
    one, only OIDC_PASSWORD_ROLES, as the council's own staff get their account by signing
    in with the council's (docs/oidc.md)."""
    config = current_app.config
    if not config.get("OIDC_ISSUER"):
        return None
    return [role for role in Role if role.value in config["OIDC_PASSWORD_ROLES"]]


def password_allowed(staff: Staff) -> bool:
    """Whether this account may sign in with the portal's own password: every account
    while the council has no OpenID Connect provider; with one (OIDC_ISSUER), only the
    break-glass account and the roles of people outside the council's directory
    (OIDC_PASSWORD_ROLES: advocates, the advocacy provider's manager) (docs/oidc.md).
    Anyone else's right password is as wrong as a wrong one, so the page does not tell
    which accounts exist or which is break-glass."""
    config = current_app.config
    if not config.get("OIDC_ISSUER"):
        return True
    if staff.signs_in_with_directory:
        return False
    return staff.break_glass or staff.role in config["OIDC_PASSWORD_ROLES"]


def set_break_glass(staff: Staff, on: bool) -> None:
    """Make an account the break-glass one (or stop it being one): a complaints manager's
    account, not linked to the directory, that keeps the portal's password and second
    factor for when the council's provider is down."""
    if on and staff.role != Role.MANAGER.value:
        raise StaffError("Only a complaints manager's account can be break-glass")
    if on and staff.signs_in_with_directory:
        raise StaffError(
            "This account signs in with the council's directory: make a separate account "
            "for break-glass"
        )
    if staff.break_glass == on:
        return
    staff.break_glass = on
    end_sessions(staff)
    audit.record(
        "break_glass_on" if on else "break_glass_off", staff=None, detail={"account": staff.id}
    )
    db.session.commit()


def _count_unknown_failure(email: str, now: datetime) -> datetime | None:
    """Wrong passwords for an address with no account are counted and "locked" like an
    account's, so the lock message does not tell anyone which addresses have one. Kept in
    the limits' store (Redis in production), keyed by a hash of the address."""
    config = current_app.config
    key = hashlib.sha256(b"sign-in\0" + email.strip().lower().encode()).hexdigest()
    strategy = limiter.limiter
    lock = RateLimitItemPerMinute(1, config["SIGN_IN_LOCK_MINUTES"])
    if not strategy.test(lock, "unknown-lock", key):
        return datetime.fromtimestamp(
            strategy.get_window_stats(lock, "unknown-lock", key).reset_time, UTC
        )
    failures = RateLimitItemPerDay(config["SIGN_IN_MAX_FAILURES"])
    strategy.hit(failures, "unknown-failures", key)
    if strategy.test(failures, "unknown-failures", key):
        return None
    strategy.clear(failures, "unknown-failures", key)
    strategy.hit(lock, "unknown-lock", key)
    return max(now, utcnow()) + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"])


def locked_until(staff: Staff, now: datetime) -> datetime | None:
    """When the account's lock ends, if it is locked now."""
    return staff.locked_until if staff.locked_until and staff.locked_until > now else None


@dataclass(frozen=True)
class Try:
    """A try at a password or a code, counted before it is checked."""

    allowed: bool
    # The account was locked already: nothing may be checked (allowed is False).
    locked_until: datetime | None = None
    # This try was the last one allowed: if it is wrong, the account is locked.
    last: bool = False


def take_a_try(staff: Staff, now: datetime) -> Try:
    """Count a try before the password or code is checked, in one UPDATE that the
    database decides: however many tries arrive at once, each gets its own number, and
    the one that reaches SIGN_IN_MAX_FAILURES locks the account for the others. So no
    more than that many guesses are ever checked between locks (docs/security.md,
    "Races"). Committed at once: nothing is held while the password is hashed."""
    config = current_app.config
    limit = int(config["SIGN_IN_MAX_FAILURES"])
    until = now + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"])
    # A lock that has passed starts the count again.
    tries = sa.case((Staff.locked_until.is_not(None), 1), else_=Staff.failed_sign_ins + 1)
    counted = db.session.execute(
        sa.update(Staff)
        .where(
            Staff.id == staff.id,
            sa.or_(Staff.locked_until.is_(None), Staff.locked_until <= now),
        )
        .values(
            failed_sign_ins=tries,
            locked_until=sa.case(
                (tries >= limit, sa.literal(until, Staff.locked_until.type)), else_=None
            ),
        )
        .returning(Staff.failed_sign_ins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if counted is None:
        # Locked by an earlier try (or one at the same instant): nothing is checked.
        until_then = db.session.scalar(sa.select(Staff.locked_until).where(Staff.id == staff.id))
        db.session.commit()
        return Try(False, locked_until=until_then)
    db.session.commit()
    return Try(True, last=counted >= limit)


def give_back_try(staff: Staff) -> None:
    """The password was right but a code must follow: its try does not count, and a lock
    it brought (it was the last try) is lifted. Wrong codes before it still count."""
    limit = int(current_app.config["SIGN_IN_MAX_FAILURES"])
    fewer = Staff.failed_sign_ins - 1
    db.session.execute(
        sa.update(Staff)
        .where(Staff.id == staff.id, Staff.failed_sign_ins > 0)
        .values(
            failed_sign_ins=fewer,
            locked_until=sa.case((fewer >= limit, Staff.locked_until), else_=None),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def count_failure(staff: Staff, attempt: Try, now: datetime) -> datetime | None:
    """A wrong password or a wrong code, already counted by its try. Returns when the
    lock ends, if this failure locked the account."""
    locked = None
    if attempt.last:
        db.session.refresh(staff)  # a right password at the same instant may have unlocked it
        locked = locked_until(staff, now)
    if locked:
        audit.record("account_locked", staff=staff)
        log.warning("staff account %s locked after repeated failures", staff.id)
    db.session.commit()
    return locked


def finish_sign_in(staff: Staff, now: datetime, *, second_factor: str) -> None:
    """The person has shown all they must: the count of failures starts again."""
    staff.failed_sign_ins = 0
    staff.locked_until = None
    staff.last_sign_in_at = now
    audit.record("signed_in", staff=staff, detail={"second_factor": second_factor})
    db.session.commit()


def known_words(name: str, email: str) -> list[str]:
    config = current_app.config
    return [name, email, config["COUNCIL_NAME"], config["COUNCIL_SHORT_NAME"]]


def end_sessions(staff: Staff) -> None:
    """Every browser signed in as this person is signed out at its next request (the
    caller commits)."""
    db.session.execute(
        sa.update(Staff)
        .where(Staff.id == staff.id)
        .values(session_version=Staff.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(staff, ["session_version"])


def sign_out(staff: Staff) -> None:
    """Signing out ends the session everywhere: a copy of the cookie taken before it
    no longer works."""
    end_sessions(staff)
    audit.record("signed_out", staff=staff)
    db.session.commit()


def change_password(staff: Staff, *, current: str, new: str) -> None:
    """A new password, given the current one. Every other browser signed in as this
    person is signed out."""
    if not check_password_hash(staff.password_hash, current):
        raise StaffError("Enter your current password correctly")
    if problem := password_problem(new, known_words=known_words(staff.name, staff.email)):
        raise StaffError(problem)
    if check_password_hash(staff.password_hash, new):
        raise StaffError("Enter a new password that is not the same as your current one")
    staff.password_hash = hash_secret(new)
    end_sessions(staff)
    audit.record("password_changed", staff=staff)
    db.session.commit()


def all_accounts() -> list[Staff]:
    return list(db.session.scalars(sa.select(Staff).order_by(Staff.name, Staff.id)))


def _check_provider_team(role: Role, team_id: int | None) -> None:
    """The advocacy provider's manager belongs to the provider's team: it sees that
    team's referrals and nothing else (services/referrals.py)."""
    if role is not Role.PROVIDER_MANAGER:
        return
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team is None or not team.is_advocacy_provider:
        raise StaffError("Select the advocacy provider's team for its manager")


def update_account(
    staff: Staff, *, role: Role, team_id: int | None, active: bool, by: Staff
) -> bool:
    """A manager's change to someone's account. A new role or team, or disabling it,
    signs them out everywhere. A manager cannot disable or demote themselves (someone
    must be left who can manage accounts). Returns whether anything changed."""
    if staff.id == by.id and (role is not Role.MANAGER or not active):
        raise StaffError("You cannot take away your own access: ask another complaints manager")
    if role is Role.TEAM_MEMBER and team_id is None:
        raise StaffError("Select the team a team member belongs to")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise StaffError("Select a team from the list")
    _check_provider_team(role, team_id)
    if (role.value, team_id, active) == (staff.role, staff.team_id, staff.is_active_account):
        return False
    _change_account(staff, role.value, team_id, active, action="account_changed", by=by)
    return True


def set_role(staff: Staff, role: Role, *, team_name: str | None, by: Staff | None) -> None:
    """A new role (and team): the person signs in again to work with it."""
    team_id = staff.team_id
    if team_name is not None:
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team_name))
        if team_id is None:
            raise StaffError(f"There is no team called {team_name!r}")
    if role is Role.TEAM_MEMBER and team_id is None:
        raise StaffError("A team member must belong to a team")
    _check_provider_team(role, team_id)
    active = staff.is_active_account
    _change_account(staff, role.value, team_id, active, action="role_changed", by=by)


def set_active(staff: Staff, active: bool, *, by: Staff | None) -> None:
    """Disable an account (a leaver) or enable it again. Disabling signs them out
    everywhere at once."""
    action = "account_enabled" if active else "account_disabled"
    _change_account(staff, staff.role, staff.team_id, active, action=action, by=by)


def _change_account(
    staff: Staff,
    role: str,
    team_id: int | None,
    active: bool,
    *,
    action: str,
    by: Staff | None,
) -> None:
    """The one way an account's role, team or status changes: the person is signed out
    everywhere, and what changed is in the audit trail."""
    stays_manager = role == Role.MANAGER.value and active
    if staff.role == Role.MANAGER.value and staff.is_active_account and not stays_manager:
        others = db.session.scalar(
            sa.select(sa.func.count(Staff.id)).where(
                Staff.role == Role.MANAGER.value, Staff.is_active_account, Staff.id != staff.id
            )
        )
        if not others:
            raise StaffError(
                "This is the last complaints manager who can sign in: make someone else "
                "a complaints manager first"
            )
    before = {"role": staff.role, "team_id": staff.team_id, "active": staff.is_active_account}
    after = {"role": role, "team_id": team_id, "active": active}
    staff.role, staff.team_id, staff.is_active_account = role, team_id, active
    end_sessions(staff)
    changes = audit.changes(before, after)
    audit.record(action, staff=by, detail={"account": staff.id, "changes": changes})
    db.session.commit()


def get(staff_id: int) -> Staff | None:
    return db.session.get(Staff, staff_id)


def team_members(team_id: int | None) -> list[Staff]:
    query = sa.select(Staff).where(Staff.is_active_account).order_by(Staff.name)
    if team_id is not None:
        query = query.where(Staff.team_id == team_id)
    return list(db.session.scalars(query))


def assignee_choices() -> list[tuple[str, str]]:
    """Everyone a case may be assigned to (not auditors), "Name (Team)", for a select:
    services/cases.py `check_assignee` says which of them a given case may go to."""
    rows = db.session.execute(
        sa.select(Staff.id, Staff.name, Team.name)
        .outerjoin(Team, Team.id == Staff.team_id)
        .where(
            Staff.is_active_account,
            # Those whose role works cases: not auditors, advocates or the provider.
            Staff.role.in_([r.value for r in Role if can(r, Permission.WORK_CASES)]),
        )
        .order_by(Staff.name)
    )
    return [(str(i), f"{name} ({team})" if team else name) for i, name, team in rows]


DEMO_PASSWORD = "demo-password-change-me"
DEMO_ACCOUNTS = [
    ("manager@northmoor.example", "Morgan Manager", Role.MANAGER, None),
    ("team@northmoor.example", "Taylor Team-Member", Role.TEAM_MEMBER, "Looked After Children"),
    ("auditor@northmoor.example", "Avery Auditor", Role.AUDITOR, None),
    # The advocacy provider's manager: its referral queue (docs/advocacy-provider.md).
    (
        "provider@coramvoice.example",
        "Parker Provider",
        Role.PROVIDER_MANAGER,
        "Advocacy provider (Coram Voice)",
    ),
    # One of the provider's advocates: the provider's manager can name them on a
    # referral, and they then see the case on their own pages (docs/advocates.md).
    (
        "advocate@coramvoice.example",
        "Ash Advocate",
        Role.ADVOCATE,
        "Advocacy provider (Coram Voice)",
    ),
]


def load_demo_accounts() -> list[tuple[str, str]]:
    """One account per role; returns (email, role) of each, created or not."""
    for email, name, role, team in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is None:
            create_staff(email=email, name=name, password=DEMO_PASSWORD, role=role, team_name=team)
    return [(email, role.value) for email, _, role, _ in DEMO_ACCOUNTS]


def find_by_email(email: str) -> Staff | None:
    return db.session.scalar(sa.select(Staff).where(Staff.email == email.strip().lower()))
