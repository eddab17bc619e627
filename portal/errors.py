"""Error pages in the council's layout. Never a stack trace, never a Flask default."""

import math
import time
from functools import lru_cache

from flask import Flask, abort, render_template, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException

from portal.delivery import inline_style_hash
from portal.extensions import db, limiter


def _texts(fields: MultiDict[str, str]) -> list[str]:
    """Every name and value sent in a query or a form."""
    return [text for key, values in fields.lists() for text in (key, *values)]


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> None:
        """No one types a NUL character, and PostgreSQL can neither store nor compare a
        string holding one: a request with one in its address, its query or its form
        is refused here, before any of it reaches a query ("/staff/cases/%00"). Text a
        member of the public pasted from a document can carry one: there it is dropped,
        as `security.sanitise` drops every control character, and the rest is kept."""
        address = [request.path, *_texts(request.args)]
        if any("\x00" in text for text in address):
            abort(400)
        if request.method != "POST" or not any("\x00" in text for text in _texts(request.form)):
            return
        if request.blueprint != "public":
            abort(400)
        request.form = ImmutableMultiDict(
            (key.replace("\x00", ""), value.replace("\x00", ""))
            for key, value in request.form.items(multi=True)
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        code = error.code or 500
        template = {
            404: "errors/not-found.html",
            405: "errors/not-found.html",
            429: "errors/too-many-requests.html",
        }.get(code, "errors/bad-request.html" if code < 500 else "errors/server-error.html")
        if code == 429 and (retry_after := _retry_after()) is not None:
            return render_template(template), code, {"Retry-After": retry_after}
        return render_template(template), code

    def _retry_after() -> str | None:
        """When the limit that refused the request lets the next one through, in seconds;
        None if that cannot be read (the refusal is shown all the same)."""
        refused = limiter.current_limit
        if refused is None:
            return None
        try:
            return str(max(1, math.ceil(refused.window.reset_time - time.time())))
        except Exception:  # the limits' storage gone since it counted this request
            app.logger.warning("could not read the refusing limit's window")
            return None

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error")
        # The error may have come from the database, leaving its transaction failed: the
        # error page (who is signed in, their role) reads from it too.
        try:
            db.session.rollback()
        except Exception:
            app.logger.exception("could not roll back after the unhandled error")
        return render_template("errors/server-error.html"), 500

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        headers = response.headers
        named = {name.lower() for name, _ in headers.items()}
        for name, value in _security_headers(inline_style_hash(), request.is_secure):
            if name.lower() not in named:  # a page's own (a sandboxed file's CSP) stays
                headers.add(name, value)
        return response


@lru_cache(maxsize=8)
def _security_headers(style_hash: str, secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries unless it set its own, in the order they are
    sent; made once for each stylesheet hash, not on every request."""
    # Only our own static files run: no inline script, no inline style but one, no framing.
    # The one inline stylesheet (the start page's, portal/delivery.py) by its hash.
    styles = f"'self' {style_hash}".strip()
    return (
        (
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self'; style-src {styles}; "
            "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        # Nothing here needs a camera, a microphone, the person's location or payment.
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
        # Only over HTTPS: a browser ignores it otherwise, and a mistake is sticky.
        *(
            (("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),)
            if secure
            else ()
        ),
        ("Vary", "HX-Request"),
    )
