"""The child's consent to copying every letter and message to their advocate
(models/advocacy.py CopyConsent): given on the form, or recorded later by staff or the
advocate from the child's word; withdrawn by the child (their tracking page), the
advocate or staff. While it stands, services/correspondence.py copies each letter to the
advocate; after withdrawal nothing more is copied. Each change is in the case's audit
trail; the caller commits."""

from datetime import date

import sqlalchemy as sa

from portal.domain import labels
from portal.extensions import db
from portal.models import CopyConsent, Staff, Submission
from portal.services import audit


class ConsentRefused(ValueError):
    pass


def latest(case: Submission) -> CopyConsent | None:
    """The case's most recent consent, standing or withdrawn (None: never given)."""
    return db.session.scalar(
        sa.select(CopyConsent)
        .where(CopyConsent.submission_id == case.id)
        .order_by(CopyConsent.id.desc())
        .limit(1)
    )


def stands(case: Submission) -> bool:
    found = latest(case)
    return found is not None and found.stands


def give(case: Submission, *, by: str, on: date, staff: Staff | None = None) -> CopyConsent:
    """Record the child's consent (by: child_form, staff or advocate)."""
    if by not in labels.CONSENT_GIVEN_BY:
        raise ConsentRefused("Select who is recording the consent")
    if stands(case):
        raise ConsentRefused("The child's consent to copying is already recorded")
    consent = CopyConsent(
        submission=case,
        given_on=on,
        given_by=by,
        given_by_staff_id=staff.id if staff else None,
    )
    db.session.add(consent)
    audit.record(
        "copy_consent_given",
        staff=staff,
        submission=case,
        detail={"by": by, "on": on},
    )
    return consent


def withdraw(case: Submission, *, by: str, on: date, staff: Staff | None = None) -> None:
    """Withdraw the standing consent (by: child, advocate or staff): nothing more is
    copied to the advocate from now on."""
    if by not in labels.CONSENT_WITHDRAWN_BY:
        raise ConsentRefused("Select who withdrew the consent")
    consent = latest(case)
    if consent is None or not consent.stands:
        raise ConsentRefused("There is no consent to copying to withdraw")
    consent.withdrawn_on = on
    consent.withdrawn_by = by
    consent.withdrawn_by_staff_id = staff.id if staff else None
    audit.record(
        "copy_consent_withdrawn",
        staff=staff,
        submission=case,
        detail={"by": by, "on": on},
    )
