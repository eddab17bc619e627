"""What several services use and none of them owns: the council's name and the
tracking link in the person's language, the mobile number texts go to, how a secret token
and a password are kept, and the checks every change of a case makes (the member of
staff may work cases; nobody else saved the case since they opened it; the case's lock,
for what must be decided one request at a time). It imports no other service, so any
service may use it.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import generate_password_hash

from portal.domain.access import Permission, Role, can
from portal.domain.mobiles import uk_mobile
from portal.domain.types import ContactPreference, SubmitterRole
from portal.extensions import db
from portal.models import Case, Staff, Submission


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_secret(secret: str) -> str:
    """A slow, salted hash of something a person chose or was sent (a password, a
    save-and-return answer or code), checked with werkzeug's `check_password_hash`."""
    return generate_password_hash(secret, method=current_app.config["SECRET_HASH_METHOD"])


def tracking_url(reference: str, token: str, language: str = "en") -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    # The link opens in the language the person wrote in.
    return f"{base}/track/{reference}/{token}" + ("?lang=cy" if language == "cy" else "")


def council_name(language: str) -> str:
    config = current_app.config
    return str((language == "cy" and config["COUNCIL_NAME_CY"]) or config["COUNCIL_NAME"])


def texts_can_be_sent() -> bool:
    """Whether the council can send text messages: through GOV.UK Notify, or as emails to
    its email-to-SMS gateway. Nobody is offered "text me" otherwise."""
    config = current_app.config
    return bool(config["NOTIFY_API_KEY"] or config["SMS_EMAIL_GATEWAY"])


def mobile_for_texts(case: Submission) -> str | None:
    """The number (E.164) to text the person on, if they asked for texts, gave a UK
    mobile and texts can be sent; else None, and they are reached another way."""
    if case.contact_preference != ContactPreference.TEXT.value or not texts_can_be_sent():
        return None
    return uk_mobile(case.phone or "")


def is_child(case: Submission) -> bool:
    return case.submitter_role == SubmitterRole.CHILD.value


# --- the checks of a change to a case ------------------------------------------------------


class CaseChanged(RuntimeError):
    """Someone else saved the case since this member of staff opened it."""


class NotAllowed(PermissionError):
    pass


def require(staff: Staff, permission: Permission) -> None:
    if not can(Role(staff.role), permission):
        raise NotAllowed(permission.value)


CHANGED = (
    "Someone else changed this case while you were working on it. Nothing has been "
    "saved: check the case as it is now and save again."
)


def check_version(case: Submission, version: int) -> None:
    if case.case.version != version:
        raise CaseChanged(CHANGED)


def is_deadlock(error: BaseException) -> bool:
    """PostgreSQL ended this transaction to break a deadlock (SQLSTATE 40P01): another
    request at the same instant took the same rows in the other order (a change of a
    case counts its day in report_changes before it writes the case's row; a step of
    the person's takes the case's row first)."""
    return (
        isinstance(error, sa.exc.OperationalError)
        and getattr(error.orig, "sqlstate", None) == "40P01"
    )


@contextmanager
def saved_unless_stale(refusal: Callable[[], Exception]) -> Iterator[None]:
    """A flush the database refused because the row's version moved on after it was
    read (another manager saved it at the same instant: the UPDATE of a stale version
    matched no row) is `refusal()`, with nothing saved: a routing rule's, a team's."""
    try:
        yield
    except StaleDataError as stale:
        db.session.rollback()
        raise refusal() from stale


@contextmanager
def refused_if_stale() -> Iterator[None]:
    """A change the database refused because the case's row moved on after
    check_version (someone saved it at the same instant: the UPDATE of a stale version
    matched no row), or because it met such a change in a deadlock, is CaseChanged, with
    nothing saved, as check_version's own refusal."""
    try:
        yield
    except StaleDataError as stale:
        db.session.rollback()
        raise CaseChanged(CHANGED) from stale
    except sa.exc.OperationalError as failed:
        if not is_deadlock(failed):
            raise
        db.session.rollback()
        raise CaseChanged(CHANGED) from failed


def check_can_work(staff: Staff, case: Submission, version: int) -> None:
    require(staff, Permission.WORK_CASES)
    check_version(case, version)


def lock_case(case: Submission) -> None:
    """Wait for anyone else changing this case, then hold it until this transaction ends
    (docs/security.md, "Races"). The first statement that writes in the transaction:
    PostgreSQL's row lock on the case's row (SELECT ... FOR UPDATE), SQLite's write lock
    (a write of the row that changes nothing). A request at the same instant waits here
    until the first has committed; everything loaded before is read again, so what was
    decided meanwhile (and the case's version) is what the rules see. The caller commits
    or rolls back, which ends the lock."""
    case_id = case.case.id
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Case.id).where(Case.id == case_id).with_for_update())
    else:
        db.session.execute(
            sa.update(Case)
            .where(Case.id == case_id)
            .values(version=Case.version)
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()
