"""Signing in with the council's own account (OpenID Connect; docs/oidc.md). The blueprint
runs the protocol (Authlib) and hands over what the provider vouched for in a verified ID
token; here that becomes an account: found by the provider's id for the person, linked
or made at their first sign-in, its role and team set from their groups every time.

Nobody without a mapped group gets an account, and a portal account that a complaints
manager has disabled stays shut whatever the directory says. The audit trail records each
sign-in and each refusal, with the account's id at most: no names, addresses or the
provider's ids in it or in the logs.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain.directory import (
    Access,
    NoAccess,
    access_from_groups,
    groups_in_claims,
    read_group_roles,
    read_password_roles,
)
from portal.extensions import db
from portal.models import Staff, Team
from portal.services import audit
from portal.services import staff as staff_service

log = logging.getLogger(__name__)

# A directory account has no password of ours: this is no hash any password matches.
NO_PASSWORD = "!directory"


class Refusal(StrEnum):
    """Why someone the provider signed in cannot use the portal (each has its page)."""

    NO_MAPPED_GROUP = NoAccess.NO_MAPPED_GROUP.value
    NO_TEAM = NoAccess.NO_TEAM.value
    TOO_MANY_GROUPS = NoAccess.TOO_MANY_GROUPS.value
    # The team OIDC_GROUP_TEAMS names is not one of the portal's teams.
    UNKNOWN_TEAM = "unknown_team"
    # A complaints manager has disabled the portal account.
    DISABLED = "disabled"
    # Another account has this email address and cannot be linked (docs/oidc.md).
    EMAIL_TAKEN = "email_taken"
    # The provider sent no email address: staff are told apart and reached by it.
    NO_EMAIL = "no_email"


class Refused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """What the provider vouched for in an ID token whose signature, issuer, audience,
    expiry and nonce have been checked."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    groups: list[str] | NoAccess

    @classmethod
    def from_claims(cls, issuer: str, claims: dict[str, object], groups_claim: str) -> "Identity":
        subject = str(claims["sub"])
        if not subject or len(subject) > 255:
            raise ValueError("a subject the portal cannot keep")
        email = claims.get("email") or claims.get("preferred_username")
        if isinstance(email, str):
            email = email.strip().lower()
        name = claims.get("name")
        return cls(
            issuer=issuer,
            subject=subject,
            # As the staff table keeps them (models/staff.py).
            email=email if isinstance(email, str) and "@" in email and len(email) <= 254 else None,
            email_verified=claims.get("email_verified") is True,
            name=name.strip()[:200] if isinstance(name, str) and name.strip() else None,
            groups=groups_in_claims(claims, groups_claim),
        )


def check_configuration(config: dict[str, object]) -> None:
    """With OIDC_ISSUER set the client and the group roles must be there and make sense:
    refused as the portal starts (ValueError), not at someone's sign-in."""
    missing = [key for key in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not config.get(key)]
    if missing:
        raise ValueError(f"OIDC_ISSUER is set: set {' and '.join(missing)} too (docs/oidc.md)")
    roles = config.get("OIDC_GROUP_ROLES")
    teams = config.get("OIDC_GROUP_TEAMS")
    if not isinstance(roles, dict) or not roles or not isinstance(teams, dict):
        raise ValueError("OIDC_GROUP_ROLES must map at least one group to a role (docs/oidc.md)")
    read_group_roles(roles)
    read_password_roles(config.get("OIDC_PASSWORD_ROLES") or ())  # type: ignore[arg-type]


def access_of(identity: Identity) -> Access:
    """The role and team the person's groups give them, or Refused."""
    if isinstance(identity.groups, NoAccess):
        raise Refused(Refusal(identity.groups.value))
    config = current_app.config
    found = access_from_groups(
        identity.groups,
        group_roles=read_group_roles(config["OIDC_GROUP_ROLES"]),
        group_teams=config["OIDC_GROUP_TEAMS"],
    )
    if isinstance(found, NoAccess):
        raise Refused(Refusal(found.value))
    return found


def sign_in(identity: Identity, *, now: datetime | None = None) -> Staff:
    """The account of the person the provider signed in, with the role and team their
    groups give them now; Refused (recorded in the audit trail) if they may not use the
    portal."""
    now = now or utcnow()
    try:
        return _sign_in(identity, now)
    except sa.exc.IntegrityError:
        # Their first sign-in, in two browsers at once: the other made or linked the
        # account (the email address and the provider's id are unique); this one signs
        # in to it.
        db.session.rollback()
        return _sign_in(identity, now)


def _sign_in(identity: Identity, now: datetime) -> Staff:
    try:
        access = access_of(identity)
        team_id = _team_id(access.team)
        staff = _linked(identity) or _link_or_make(identity, access, team_id)
        if not staff.is_active_account:
            raise Refused(Refusal.DISABLED)
    except Refused as refused:
        db.session.rollback()
        account = _linked(identity)
        if account is not None:
            # Shut out now: any browser still signed in as them is signed out too.
            staff_service.end_sessions(account)
        audit.record(
            "directory_sign_in_refused",
            staff=None,
            detail={"reason": refused.reason.value, "account": account.id if account else None},
        )
        db.session.commit()
        log.info("directory sign-in refused: %s", refused.reason.value)
        raise
    _apply(staff, identity, access, team_id)
    staff_service.finish_sign_in(staff, now, second_factor="directory")
    return staff


def _linked(identity: Identity) -> Staff | None:
    return db.session.scalar(
        sa.select(Staff).where(
            Staff.oidc_issuer == identity.issuer, Staff.oidc_subject == identity.subject
        )
    )


def _team_id(name: str | None) -> int | None:
    if name is None:
        return None
    team_id = db.session.scalar(sa.select(Team.id).where(Team.name == name))
    if team_id is None:
        log.warning("OIDC_GROUP_TEAMS names a team the portal does not have")
        raise Refused(Refusal.UNKNOWN_TEAM)
    return team_id


def _link_or_make(identity: Identity, access: Access, team_id: int | None) -> Staff:
    """The person's first sign-in: the account with their email address, when it may be
    linked, or a new one.

    An existing account is linked only when the provider says the address is verified
    (email_verified), or a complaints manager has said this account may be linked
    (`flask staff link-directory`): otherwise anyone able to set their own address at
    the provider could take over the account holding it. Never a break-glass account,
    and never one linked to another person."""
    if identity.email is None:
        raise Refused(Refusal.NO_EMAIL)
    existing = staff_service.find_by_email(identity.email)
    if existing is not None and (existing.oidc_issuer, existing.oidc_subject) == (
        identity.issuer,
        identity.subject,
    ):
        # Theirs already: their other browser made or linked it between our look-up by
        # the provider's id and this one by email (a double click on the first sign-in).
        return existing
    if existing is not None:
        may_link = (
            not existing.break_glass
            and existing.oidc_subject is None
            and (
                identity.email_verified
                or existing.oidc_issuer == identity.issuer  # a manager said so
            )
        )
        if not may_link:
            raise Refused(Refusal.EMAIL_TAKEN)
        existing.oidc_issuer, existing.oidc_subject = identity.issuer, identity.subject
        # From now on the provider signs them in: the portal's password and second factor
        # are gone, so neither can be used if the directory shuts them out.
        existing.password_hash = NO_PASSWORD
        existing.totp_secret = existing.totp_pending_secret = None
        existing.recovery_code_hashes = []
        audit.record("directory_linked", staff=None, detail={"account": existing.id})
        return existing
    staff = Staff(
        email=identity.email,
        name=(identity.name or identity.email)[:200],
        password_hash=NO_PASSWORD,
        role=access.role.value,
        team_id=team_id,
        oidc_issuer=identity.issuer,
        oidc_subject=identity.subject,
    )
    db.session.add(staff)
    db.session.flush()
    audit.record(
        "account_created",
        staff=None,
        detail={"account": staff.id, "by": "directory", "role": access.role.value},
    )
    return staff


def _apply(staff: Staff, identity: Identity, access: Access, team_id: int | None) -> None:
    """The directory's word at every sign-in: the role and team of the person's groups
    (a change signs out their other browsers, which had the old access), and their name."""
    before = {"role": staff.role, "team_id": staff.team_id}
    after = {"role": access.role.value, "team_id": team_id}
    if before != after:
        staff.role, staff.team_id = access.role.value, team_id
        staff_service.end_sessions(staff)
        audit.record(
            "role_changed",
            staff=None,
            detail={
                "account": staff.id,
                "by": "directory",
                "changes": audit.changes(before, after),
            },
        )
    if identity.name and identity.name != staff.name:
        staff.name = identity.name


def allow_link(staff: Staff) -> None:
    """A complaints manager vouches that this account's email address is its holder's at
    the council's provider: their next sign-in there links it (docs/oidc.md)."""
    issuer = current_app.config.get("OIDC_ISSUER")
    if not issuer:
        raise staff_service.StaffError("Set OIDC_ISSUER first: there is no provider to link to")
    if staff.break_glass:
        raise staff_service.StaffError("A break-glass account is never linked to the directory")
    if staff.oidc_subject is not None:
        raise staff_service.StaffError("This account is linked to the directory already")
    staff.oidc_issuer = issuer
    audit.record("directory_link_allowed", staff=None, detail={"account": staff.id})
    db.session.commit()


def record_failure(step: str, what: str) -> None:
    """A sign-in that went wrong between the portal and the provider (a state that does
    not match, a code used twice, a token for someone else or out of date): in the audit
    trail by its kind, so a pattern of them can be seen."""
    audit.record("directory_sign_in_failed", staff=None, detail={"step": step, "what": what[:60]})
    db.session.commit()
    log.info("directory sign-in failed at %s: %s", step, what[:60])
