"""The "track my submission" page: reached with the reference and the secret token
from the acknowledgement. A wrong token and a wrong reference look the same."""

import hmac

import sqlalchemy as sa

from portal.domain.references import normalise_reference
from portal.extensions import db
from portal.models import Submission
from portal.services.intake import hash_token

# Compared against when the reference does not exist, so both failures take as long.
_NO_SUCH_HASH = "0" * 64


def find_for_tracking(reference: str, token: str) -> Submission | None:
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.reference == normalise_reference(reference))
    )
    expected = submission.tracking_token_hash if submission else _NO_SUCH_HASH
    matches = hmac.compare_digest(hash_token(token), expected or _NO_SUCH_HASH)
    return submission if (submission is not None and matches and expected) else None
