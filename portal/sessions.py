"""The session cookie: sent only on the pages and answers that belong to a person.

Flask sends a permanent session's cookie again on every response, the stylesheet and
the browser's own favicon request among them. Those responses may be kept by a shared
cache ("Cache-Control: public"), which must never hold someone's session; and a favicon
answered after a person's cookies were cleared would bring their session back.
"""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

# Endpoints that serve the same bytes to everyone and never read a session.
SHARED_ENDPOINTS = frozenset({"static", "favicon", "govuk_assets"})


class PortalSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint in SHARED_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)
