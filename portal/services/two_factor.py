"""A second factor for staff: a code from an authenticator app (TOTP, RFC 6238), and
recovery codes for a day without the phone. Everyone who can see case data must use one,
unless the council makes it optional for a role other than managers (docs/security.md).

Secrets and codes never go in a log or the audit trail: both carry the account's id
and what happened, nothing that would let someone sign in.
"""

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from portal.database import utcnow
from portal.domain.access import Role
from portal.extensions import db
from portal.models import Staff
from portal.services import audit
from portal.services import staff as staff_service

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
# No 0/o or 1/i/l: a recovery code is copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # about 50 bits: far beyond guessing under the sign-in lockout
# A code from the step before or after the present one is accepted too (valid_window=1):
# a phone's clock a little out, or a code typed as it changed.
_WINDOW = 1


class CodeRefused(ValueError):
    pass


class FactorRequired(ValueError):
    pass


def required(staff: Staff) -> bool:
    """Everyone who can see case data must use a second factor, unless the council has
    made it optional for their role (SECOND_FACTOR_OPTIONAL_FOR); never a manager, and
    never an advocate (someone outside the council, signing in from anywhere). Someone
    who signs in with the council's account has the council's second factor, not ours
    (docs/oidc.md)."""
    if staff.signs_in_with_directory:
        return False
    optional = current_app.config["SECOND_FACTOR_OPTIONAL_FOR"]
    always = (Role.MANAGER.value, Role.ADVOCATE.value)
    return staff.role in always or staff.role not in optional


def has_factor(staff: Staff) -> bool:
    return staff.totp_secret is not None


def set_up_needed(staff: Staff) -> bool:
    """Signed in, but nothing else to do in the back office until an app is set up."""
    return required(staff) and not has_factor(staff)


def recovery_codes_left(staff: Staff) -> int:
    return len(staff.recovery_code_hashes or [])


def issuer() -> str:
    """What the authenticator app calls the account, before the email address."""
    return f"{current_app.config['COUNCIL_NAME']} complaints"


def new_key(staff: Staff) -> str:
    """The secret of the app being set up: kept until a code from it is confirmed, so
    the page can be seen again (or the phone fetched) without scanning it twice. The
    app in use, if any, keeps working until then."""
    if staff.totp_pending_secret is None:
        staff.totp_pending_secret = pyotp.random_base32()
        audit.record("authenticator_app_key_made", staff=staff)
        db.session.commit()
    return staff.totp_pending_secret


def otpauth_uri(staff: Staff, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=issuer())


def grouped(secret: str) -> str:
    """A key to type by hand, in groups of four: "ABCD EFGH ..."."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def prove_it_is_you(staff: Staff, *, password: str, code: str, now: datetime | None = None) -> None:
    """Before the second factor itself changes (a new app, new recovery codes): the
    password and a code from the present app (or an unused recovery code), as at sign-in,
    so a browser left signed in is not enough. A wrong answer counts toward the lockout,
    and the lock signs the account out everywhere."""
    now = now or utcnow()
    if not has_factor(staff):
        return
    attempt = staff_service.take_a_try(staff, now)
    if (
        attempt.allowed
        and check_password_hash(staff.password_hash, password)
        and _use_code(staff, _cleaned(code), now)
    ):
        staff_service.give_back_try(staff)
        return
    audit.record("second_factor_change_refused", staff=staff)
    locked = attempt.locked_until if not attempt.allowed else None
    if locked or staff_service.count_failure(staff, attempt, now):
        staff_service.end_sessions(staff)
    db.session.commit()
    raise CodeRefused("Enter your password and a code from your authenticator app correctly")


def _use_code(staff: Staff, cleaned: str, now: datetime) -> bool:
    """A code the app shows now, or an unused recovery code: either is used up, once."""
    secret = staff.totp_secret
    if secret and re.fullmatch(r"\d{6}", cleaned):
        step = _step_of(secret, cleaned, last_step=staff.totp_last_step, now=now)
        return step is not None and _use_step(staff, step)
    return bool(cleaned) and _use_recovery_code(staff, cleaned) is not None


def confirm(staff: Staff, code: str, *, now: datetime | None = None) -> list[str]:
    """A code from the app being set up: from now on it is the account's second factor.
    Returns new recovery codes, to be shown once (only their hashes are kept). Replacing
    an app is allowed only after `prove_it_is_you` in the same request."""
    now = now or utcnow()
    secret = staff.totp_pending_secret
    step = _step_of(secret, code, last_step=None, now=now) if secret else None
    if secret is None or step is None:
        raise CodeRefused("Enter the code your authenticator app shows now")
    replacing = staff.totp_secret is not None
    staff.totp_secret = secret
    staff.totp_pending_secret = None
    staff.totp_confirmed_at = now
    staff.totp_last_step = step
    codes = _new_recovery_codes(staff)
    audit.record(
        "authenticator_app_replaced" if replacing else "authenticator_app_added",
        staff=staff,
        detail={"recovery_codes": len(codes)},
    )
    db.session.commit()
    log.info("staff account %s confirmed an authenticator app", staff.id)
    return codes


def replace_recovery_codes(staff: Staff) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_factor(staff):
        raise CodeRefused("Set up an authenticator app first")
    codes = _new_recovery_codes(staff)
    audit.record("recovery_codes_replaced", staff=staff, detail={"recovery_codes": len(codes)})
    db.session.commit()
    log.info("staff account %s has new recovery codes", staff.id)
    return codes


def turn_off(staff: Staff) -> None:
    """Back to a password only: not for a complaints manager."""
    if required(staff):
        raise FactorRequired("Your role must use an authenticator app")
    had_factor = has_factor(staff) or staff.totp_pending_secret is not None
    _remove_app(staff)
    if had_factor:
        audit.record("authenticator_app_removed", staff=staff)
        log.info("staff account %s turned off its authenticator app", staff.id)
    db.session.commit()


def reset(staff: Staff, *, by: Staff | None = None) -> None:
    """For someone who has lost both their phone and their recovery codes, at a complaints
    manager's request (the staff account page) or an administrator's command (`flask staff
    reset-second-factor`): the app is removed, they are signed out everywhere, and set up
    a new one at their next sign-in where their role must use one."""
    _remove_app(staff)
    staff_service.end_sessions(staff)
    audit.record("authenticator_app_reset", staff=by, detail={"staff_id": staff.id})
    log.info("staff account %s had its authenticator app reset", staff.id)
    db.session.commit()


def _remove_app(staff: Staff) -> None:
    """The account's app, any half-set-up one, and its recovery codes, all gone."""
    staff.totp_secret = None
    staff.totp_pending_secret = None
    staff.totp_confirmed_at = None
    staff.totp_last_step = None
    staff.recovery_code_hashes = []


@dataclass
class CodeCheck:
    staff: Staff | None
    locked_until: datetime | None = None
    recovery_codes_left: int | None = None  # a recovery code was used: how many remain


def sign_in_with_code(staff_id: int, code: str, *, now: datetime | None = None) -> CodeCheck:
    """The second step of signing in, after the right password: a code from the app, or
    an unused recovery code. A wrong one counts toward the lockout like a wrong
    password (services/staff.py), and a code accepted once is never accepted again, even
    when it is sent from several sessions at the same instant."""
    now = now or utcnow()
    staff = db.session.get(Staff, staff_id)
    if staff is None or staff.totp_secret is None or not staff.is_active_account:
        return CodeCheck(None)
    attempt = staff_service.take_a_try(staff, now)
    if not attempt.allowed:
        return CodeCheck(None, locked_until=attempt.locked_until)
    secret = staff.totp_secret
    cleaned = _cleaned(code)
    if secret and re.fullmatch(r"\d{6}", cleaned):
        step = _step_of(secret, cleaned, last_step=staff.totp_last_step, now=now)
        if step is not None and _use_step(staff, step):
            staff_service.finish_sign_in(staff, now, second_factor="authenticator app")
            return CodeCheck(staff)
    elif cleaned:
        left = _use_recovery_code(staff, cleaned)
        if left is not None:
            audit.record("recovery_code_used", staff=staff, detail={"left": left})
            staff_service.finish_sign_in(staff, now, second_factor="recovery code")
            log.info("staff account %s signed in with a recovery code", staff.id)
            return CodeCheck(staff, recovery_codes_left=left)
    audit.record("sign_in_code_refused", staff=staff)
    return CodeCheck(None, locked_until=staff_service.count_failure(staff, attempt, now))


def _use_step(staff: Staff, step: int) -> bool:
    """Keep `step` as the last one used, if no session has used it (or a later one)
    already: the database decides, so one code cannot sign in two sessions at once."""
    used = db.session.execute(
        sa.update(Staff)
        .where(
            Staff.id == staff.id,
            sa.or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .returning(Staff.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return used is not None


def _use_recovery_code(staff: Staff, cleaned: str) -> int | None:
    """Strike an unused recovery code off; how many are left, or None if it is not one.
    The account's row is locked (by writing it) before the codes are read, so two
    sessions sending the same code at once cannot both strike it off: the second reads
    the list the first wrote."""
    db.session.execute(
        sa.update(Staff)
        .where(Staff.id == staff.id)
        .values(recovery_code_hashes=Staff.recovery_code_hashes)
        .execution_options(synchronize_session=False)
    )
    unused = list(
        db.session.scalar(sa.select(Staff.recovery_code_hashes).where(Staff.id == staff.id)) or []
    )
    hashed = _recovery_hash(staff, cleaned)
    match = next((h for h in unused if hmac.compare_digest(h, hashed)), None)
    if match is None:
        return None
    unused.remove(match)
    db.session.execute(
        sa.update(Staff)
        .where(Staff.id == staff.id)
        .values(recovery_code_hashes=unused)
        .execution_options(synchronize_session=False)
    )
    return len(unused)


# --- codes --------------------------------------------------------------------------------


def _cleaned(code: str) -> str:
    """What was typed, as people type codes: spaces and hyphens anywhere, any case."""
    return re.sub(r"[\s-]", "", code).lower()


def _step_of(secret: str, code: str, *, last_step: int | None, now: datetime) -> int | None:
    """The 30-second step whose code this is, if it is one the app could show now and
    is later than the last step accepted (so no code works twice)."""
    cleaned = _cleaned(code)
    if not re.fullmatch(r"\d{6}", cleaned):
        return None
    totp = pyotp.TOTP(secret)
    present = totp.timecode(now)
    for step in range(present - _WINDOW, present + _WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            return step
    return None


def _new_recovery_codes(staff: Staff) -> list[str]:
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    staff.recovery_code_hashes = [_recovery_hash(staff, code) for code in codes]
    half = _RECOVERY_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def _recovery_hash(staff: Staff, code: str) -> str:
    """HMAC-SHA256 keyed with a pepper from SECRET_KEY, not a slow password hash: the
    codes are random (about 50 bits), not chosen by a person, so a slow hash adds nothing
    against guessing (the lockout does that) and would cost ten slow checks a try. The
    pepper means a copy of the database alone cannot be used to test codes offline; the
    account id stops a hash being moved to another account. Changing SECRET_KEY makes
    the codes stop working (new ones are one click away once signed in with the app)."""
    pepper = hashlib.sha256(
        b"portal recovery codes\0" + str(current_app.config["SECRET_KEY"]).encode()
    ).digest()
    message = f"{staff.id}:{_cleaned(code)}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()
