"""How many emails the public can make the portal send to one address.

The per-address (IP) limits stop one sender flooding; these stop anyone using the portal to
flood somebody else's inbox with links and codes, whoever sends them and from wherever.
Counted in the limits' store (Redis in production, shared by every instance), keyed by a
hash of the email address, never the address itself.
"""

import hashlib

from flask import current_app
from limits import parse_many

from portal.extensions import limiter


def allow_email_to(recipient: str, *, purpose: str) -> bool:
    """Count one more email to `recipient`; False (and nothing counted) when the
    PUBLIC_EMAILS_PER_RECIPIENT limits are already reached."""
    key = hashlib.sha256(b"emails-to\0" + recipient.strip().lower().encode()).hexdigest()
    limits = parse_many(current_app.config["PUBLIC_EMAILS_PER_RECIPIENT"])
    strategy = limiter.limiter
    if not all(strategy.test(item, purpose, key) for item in limits):
        return False
    for item in limits:
        strategy.hit(item, purpose, key)
    return True
