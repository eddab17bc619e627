"""The session cookie: sent only on the pages and answers that belong to a person, and
signed again at most once a minute while nothing in it changes.

Flask sends a permanent session's cookie again on every response, the stylesheet and
the browser's own favicon request among them. Those responses may be kept by a shared
cache ("Cache-Control: public"), which must never hold someone's session; and a favicon
answered after a person's cookies were cleared would bring their session back.

Signing the cookie again on every page cost about a sixth of a plain page's time (issue
19). A session that has not changed is signed again once its cookie is
`SESSION_REFRESH_AFTER_SECONDS` old; to keep the cookies page's promise ("24 hours
after your last visit"), the cookie and its signature last that much longer than
PERMANENT_SESSION_LIFETIME, so it never ends sooner than a lifetime after the last page.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Endpoints that serve the same bytes to everyone and never read a session.
SHARED_ENDPOINTS = frozenset({"static", "favicon", "govuk_assets"})


class PortalSession(SecureCookieSession):
    # When the cookie this session came in was signed (None: no cookie, or a bad one).
    signed_at: datetime | None = None


class PortalSessionInterface(SecureCookieSessionInterface):
    session_class = PortalSession

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Made once for each set of keys, not twice a request (the keys may change).
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            made = super().get_signing_serializer(app)
            if made is None:
                return None
            self._serializers = {keys: made}
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> PortalSession | None:
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = signer.loads(value, max_age=_lasts(app), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        if not session.permanent:
            return None
        return datetime.now(UTC) + timedelta(seconds=_lasts(app))

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint in SHARED_ENDPOINTS:
            return False
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        refresh = timedelta(seconds=app.config["SESSION_REFRESH_AFTER_SECONDS"])
        return signed_at is None or datetime.now(UTC) - signed_at >= refresh


def _lasts(app: Flask) -> int:
    """How long a cookie lasts, in seconds: a lifetime after the last page at least."""
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    return lifetime + int(app.config["SESSION_REFRESH_AFTER_SECONDS"])
