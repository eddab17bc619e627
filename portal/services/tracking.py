"""The "track my submission" page: reached with the reference and the secret token
from the acknowledgement. A wrong token and a wrong reference look the same."""

import hmac

import sqlalchemy as sa

from portal.domain.references import normalise_reference
from portal.extensions import db
from portal.models import Submission, TrackingLink
from portal.services.common import hash_token

# Compared against when the reference does not exist, so both failures take as long.
_NO_SUCH_HASH = "0" * 64


def find_for_tracking(reference: str, token: str) -> Submission | None:
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.reference == normalise_reference(reference))
    )
    expected = submission.tracking_token_hash if submission else _NO_SUCH_HASH
    given = hash_token(token)
    matches = hmac.compare_digest(given, expected or _NO_SUCH_HASH)
    if submission is not None and not matches:
        # A later message carries a link of its own (services/correspondence.py).
        later = db.session.scalars(
            sa.select(TrackingLink.token_hash).where(TrackingLink.submission_id == submission.id)
        )
        matches = any(hmac.compare_digest(given, known) for known in later)
    return submission if (submission is not None and matches and expected) else None
