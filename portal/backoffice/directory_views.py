"""Signing in with the council's own account: OpenID Connect's authorisation code flow
with PKCE (S256), state and nonce, through Authlib's Flask client, the provider found from
its issuer's /.well-known/openid-configuration (docs/oidc.md).

Authlib keeps the state, nonce and PKCE verifier in the session until the provider sends
the person back, then checks the state, exchanges the code (with the verifier) and checks
the ID token: its signature against the provider's keys, its issuer (OIDC_ISSUER exactly),
its audience (our client id), its expiry and its nonce. What it vouches for goes to
services/directory.py, which says whose account it is, or why not.
"""

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import PUBLIC, home, landing, requires, safe_next, start_session
from portal.extensions import limiter
from portal.services import directory

log = logging.getLogger(__name__)

# Where to go once signed in, kept in the session while the person is at the provider.
NEXT = "directory_next"
# Anything that can go wrong between the portal and the provider, or in its answer.
PROTOCOL_ERRORS = (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError)


def _council_limit() -> str:
    return str(current_app.config["COUNCIL_SIGN_IN_RATE_LIMIT"])


def directory_on() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _provider() -> Any:
    """This app's Authlib client for the configured provider (made again if the settings
    change, as the tests' do)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    made = current_app.extensions.get("portal_directory")
    if made is None or made[0] != settings:
        issuer, client_id, client_secret = settings
        oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
        client = oauth.register(
            "directory",
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        )
        made = (settings, client)
        current_app.extensions["portal_directory"] = made
    return made[1]


def _failed(step: str, problem: Exception) -> tuple[str, int]:
    # The kind of failure only: an error's text may hold what the provider sent.
    what = getattr(problem, "error", None) or type(problem).__name__
    directory.record_failure(step, str(what))
    return render_template("backoffice/council-sign-in-failed.html", step=step), (
        502 if step == "start" else 400
    )


@bp.get("/sign-in/council")
@requires(PUBLIC)
@limiter.limit(_council_limit)
def sign_in_with_council() -> Response | tuple[str, int]:
    if not directory_on():
        abort(404)
    session[NEXT] = safe_next(request.args.get("next"), "")
    try:
        redirect_uri = url_for("backoffice.council_callback", _external=True)
        response: Response = _provider().authorize_redirect(redirect_uri)
    except PROTOCOL_ERRORS as problem:
        return _failed("start", problem)
    return response


@bp.get("/sign-in/council/callback")
@requires(PUBLIC)
@limiter.limit(_council_limit)
def council_callback() -> Response | tuple[str, int]:
    if not directory_on():
        abort(404)
    config = current_app.config
    issuer = config["OIDC_ISSUER"]
    try:
        token = _provider().authorize_access_token(
            claims_options={
                "iss": {"essential": True, "values": [issuer]},
                # Authlib checks the audience only through "azp" unless told: OpenID
                # Connect Core 3.1.3.7 says the client's id must be among the audience.
                "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
                "sub": {"essential": True},
            }
        )
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("no ID token")
        identity = directory.Identity.from_claims(issuer, dict(claims), config["OIDC_GROUPS_CLAIM"])
    except PROTOCOL_ERRORS as problem:
        return _failed("callback", problem)
    try:
        staff = directory.sign_in(identity)
    except directory.Refused as refused:
        return render_template(
            "backoffice/council-sign-in-refused.html", reason=refused.reason.value
        ), 403
    target = safe_next(session.pop(NEXT, None), home(staff))
    start_session(staff)
    return redirect(landing(staff, target))
