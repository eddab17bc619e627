"""What several services use and none of them owns: the council's name and the
tracking link in the person's language, how a secret token and a password are kept, and the checks
every change of a case makes (the member of staff may work cases; nobody else saved the
case since they opened it). It imports no other service, so any service may use it.
"""

import hashlib

from flask import current_app
from werkzeug.security import generate_password_hash

from portal.domain.access import Permission, Role, can
from portal.domain.types import SubmitterRole
from portal.models import Staff, Submission


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


def check_version(case: Submission, version: int) -> None:
    if case.version != version:
        raise CaseChanged(
            "Someone else changed this case while you were working on it. Nothing has been "
            "saved: check the case as it is now and save again."
        )


def check_can_work(staff: Staff, case: Submission, version: int) -> None:
    require(staff, Permission.WORK_CASES)
    check_version(case, version)
