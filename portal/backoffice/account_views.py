"""Signing in and out of the back office, and the second factor: the code asked for after
the password, setting up an authenticator app, recovery codes, and "Your account" where
other roles turn it on or off (docs/security.md)."""

import segno
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import (
    PUBLIC,
    await_code,
    awaiting_code,
    code_step_started,
    end_session,
    forget_code_step,
    home,
    keep_session,
    landing,
    requires,
    safe_next,
    start_session,
)
from portal.backoffice.common import me
from portal.backoffice.forms import (
    AppCodeForm,
    ChangePasswordForm,
    ProveItIsYouForm,
    ReplaceAppForm,
    SignInCodeForm,
    SignInForm,
)
from portal.database import utcnow
from portal.domain.access import Permission
from portal.domain.clock import LONDON
from portal.extensions import limiter
from portal.services import staff as staff_service
from portal.services import two_factor


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def sign_in() -> Response | str:
    """The portal's own password (and code), unless the council signs its staff in with
    its own accounts (OIDC_ISSUER): then the way to that, and to the password page for
    those outside the council and the break-glass account."""
    if current_app.config.get("OIDC_ISSUER") and request.method == "GET":
        return render_template(
            "backoffice/sign-in-council.html", next=safe_next(request.args.get("next"), "")
        )
    return _with_password()


@bp.route("/sign-in/password", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def sign_in_with_password() -> Response | str:
    """With OIDC on, the portal's own password for those it is left to: advocates and the
    advocacy provider's staff (OIDC_PASSWORD_ROLES), and the break-glass account
    (docs/oidc.md)."""
    if not current_app.config.get("OIDC_ISSUER"):
        return redirect(url_for("backoffice.sign_in", next=request.args.get("next")))
    return _with_password(beside_the_council=True)


def _with_password(*, beside_the_council: bool = False) -> Response | str:
    form = SignInForm()
    locked_message = None
    if form.validate_on_submit():
        result = staff_service.sign_in(form.email.data, form.password.data)
        if result.staff is not None:
            target = safe_next(request.args.get("next"), home(result.staff))
            if result.needs_code:
                await_code(result.staff, target)
                return redirect(url_for("backoffice.sign_in_code"))
            start_session(result.staff)
            return redirect(landing(result.staff, target))
        if result.locked_until:
            until = result.locked_until.astimezone(LONDON)
            at = f"{until:%-I:%M}{'am' if until.hour < 12 else 'pm'}"
            locked_message = (
                "This account is locked after too many wrong passwords or codes. "
                f"Try again after {at}."
            )
            form.email.errors = [locked_message]
        else:
            form.email.errors = ["Enter a correct email address and password"]
    return render_template(
        "backoffice/sign-in.html", form=form, beside_the_council=beside_the_council
    )


@bp.post("/sign-out")
@requires(Permission.USE_ACCOUNT)
def sign_out() -> Response:
    staff_service.sign_out(me())
    end_session()
    flash("You have signed out.", "signed_out")
    return redirect(url_for("backoffice.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def sign_in_code() -> Response | str:
    started = code_step_started()
    pending = awaiting_code()
    if pending is None:
        if started:
            flash("Sign in again: the code was not entered within 5 minutes.", "signed_out")
        return redirect(url_for("backoffice.sign_in"))
    staff_id, target = pending
    form = SignInCodeForm()
    if form.validate_on_submit():
        result = two_factor.sign_in_with_code(staff_id, form.code.data)
        if result.staff is not None:
            forget_code_step()
            start_session(result.staff)
            if result.recovery_codes_left is not None:
                flash(
                    f"You used a recovery code. You have {result.recovery_codes_left} left: "
                    "get new ones from Your account if you are running out.",
                    "success",
                )
            return redirect(landing(result.staff, safe_next(target, home(result.staff))))
        if result.locked_until:
            forget_code_step()
            until = result.locked_until.astimezone(LONDON)
            at = f"{until:%-I:%M}{'am' if until.hour < 12 else 'pm'}"
            form.code.errors = [
                f"This account is locked after too many wrong codes. Try again after {at}."
            ]
        else:
            form.code.errors = [
                "Enter the code your authenticator app shows now, or a recovery code you "
                "have not used"
            ]
    return render_template("backoffice/sign-in-code.html", form=form)


@bp.get("/account")
@requires(Permission.USE_ACCOUNT)
def account() -> str:
    staff = me()
    return render_template(
        "backoffice/account.html",
        staff=staff,
        has_factor=two_factor.has_factor(staff),
        required=two_factor.required(staff),
        codes_left=two_factor.recovery_codes_left(staff),
    )


def _qr_code(uri: str) -> str:
    """The otpauth link as a QR code, an SVG data URI (the CSP allows data: images, not
    inline styles). Black on white with a quiet zone, whatever the page's colours."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


@bp.route("/account/authenticator-app", methods=["GET", "POST"])
@requires(Permission.USE_ACCOUNT)
def authenticator_app() -> Response | str:
    staff = me()
    replacing = two_factor.has_factor(staff)
    form = ReplaceAppForm() if replacing else AppCodeForm()
    if form.validate_on_submit():
        try:
            if replacing:
                _prove_it_is_you(form)
            codes = two_factor.confirm(staff, form.code.data)
        except two_factor.CodeRefused as refused:
            if not current_user.is_authenticated:
                return redirect(url_for("backoffice.sign_in"))
            (form.current_code if replacing else form.code).errors = [str(refused)]
        else:
            # Shown in this response and never again: only their hashes are kept.
            return _recovery_codes_page(codes, first=True)
    secret = two_factor.new_key(staff)
    uri = two_factor.otpauth_uri(staff, secret)
    return render_template(
        "backoffice/authenticator-app.html",
        form=form,
        key=two_factor.grouped(secret),
        uri=uri,
        qr_code=_qr_code(uri),
        issuer=two_factor.issuer(),
        replacing=two_factor.has_factor(staff),
        required=two_factor.required(staff),
    )


def _prove_it_is_you(form: ProveItIsYouForm) -> None:
    """Raises CodeRefused; a lock from too many wrong answers signs this browser out."""
    staff = me()
    try:
        two_factor.prove_it_is_you(staff, password=form.password.data, code=form.current_code.data)
    except two_factor.CodeRefused:
        if staff_service.locked_until(staff, utcnow()):
            end_session()
        raise


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@requires(Permission.USE_ACCOUNT)
def recovery_codes() -> Response | str:
    staff = me()
    form = ProveItIsYouForm()
    if not two_factor.has_factor(staff):
        return render_template("backoffice/new-recovery-codes.html", form=form, has_factor=False)
    if form.validate_on_submit():
        try:
            _prove_it_is_you(form)
            codes = two_factor.replace_recovery_codes(staff)
        except two_factor.CodeRefused as refused:
            if not current_user.is_authenticated:
                return redirect(url_for("backoffice.sign_in"))
            form.current_code.errors = [str(refused)]
        else:
            return _recovery_codes_page(codes, first=False)
    return render_template("backoffice/new-recovery-codes.html", form=form, has_factor=True)


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.USE_ACCOUNT)
def change_password() -> Response | str:
    staff = me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            staff_service.change_password(staff, current=form.current.data, new=form.new.data)
        except staff_service.StaffError as refused:
            field = form.current if "current" in str(refused) else form.new
            field.errors = [str(refused)]
        else:
            keep_session(staff)  # signed out everywhere else, still signed in here
            flash(
                "Your password has been changed. Anywhere else you were signed in, you "
                "have been signed out.",
                "success",
            )
            return redirect(url_for("backoffice.account"))
    return render_template("backoffice/change-password.html", form=form)


def _recovery_codes_page(codes: list[str], *, first: bool) -> Response:
    response = make_response(
        render_template("backoffice/recovery-codes.html", codes=codes, first=first)
    )
    response.headers["Cache-Control"] = "no-store"  # not kept in the browser's history
    return response


@bp.post("/account/authenticator-app/turn-off")
@requires(Permission.USE_ACCOUNT)
def turn_off_authenticator_app() -> Response:
    try:
        two_factor.turn_off(me())
    except two_factor.FactorRequired:
        abort(403)  # the page offers no such button to a complaints manager
    flash("Your authenticator app is turned off: you sign in with your password only.", "success")
    return redirect(url_for("backoffice.account"))


@bp.get("/keep-alive")
@requires(Permission.USE_ACCOUNT)
def keep_alive() -> tuple[str, int]:
    """ "Stay signed in" on the idle warning: the request itself is what counts (the
    idle timeout notes it); nothing to show."""
    return "", 204
