"""Signing in (a password, then a code when the account has an authenticator app), the
idle timeout, and the access rule every back-office route declares."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from portal.database import utcnow
from portal.domain.access import Permission, Role, can
from portal.models import Staff
from portal.services import staff as staff_service
from portal.services import two_factor

login_manager = LoginManager()
login_manager.login_view = "backoffice.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.session_protection = "strong"

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"  # the access rule of the sign-in page itself


# The account's session version this browser signed in with (models/staff.py).
SESSION_VERSION = "staff_session_version"


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_staff(staff_id: str) -> Staff | None:
    """The person signed in, unless their sessions have been ended since this browser
    signed in (sign-out elsewhere, a new password or role, a disabled account)."""
    staff = staff_service.get(int(staff_id)) if staff_id.isdigit() and len(staff_id) < 10 else None
    if staff is None or session.get(SESSION_VERSION) != staff.session_version:
        return None
    return staff


def start_session(staff: Staff) -> None:
    """Sign this browser in as `staff` (the password, and the code if any, are right)."""
    login_user(staff)
    keep_session(staff)


def keep_session(staff: Staff) -> None:
    """After this person's sessions were ended from this browser (a new password), keep
    this one."""
    session[SESSION_VERSION] = staff.session_version


def end_session() -> None:
    logout_user()
    session.pop(SESSION_VERSION, None)
    session.pop("staff_seen", None)


def requires(permission: Permission | str) -> Callable[[F], F]:
    """Declare and enforce the access rule of a back-office view. The rule is kept on
    the view so a test can check that every route has one."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if permission != PUBLIC:
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
                if not can(Role(current_user.role), Permission(permission)):
                    from flask import abort

                    abort(403)
            return view(*args, **kwargs)

        wrapper.access_rule = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def enforce_idle_timeout() -> Any:
    """Sign a member of staff out after STAFF_IDLE_MINUTES without a request."""
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    seen = session.get("staff_seen")
    limit = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"]).total_seconds()
    if seen is not None and now - float(seen) > limit:
        logout_user()
        session.pop("staff_seen", None)
        flash("You were signed out because you had not done anything for a while.", "signed_out")
        return redirect(url_for("backoffice.sign_in", next=request.path))
    session["staff_seen"] = now
    return None


def home(staff: Staff) -> str:
    """Where a person starts once signed in: the triage queue; an advocate their cases;
    the advocacy provider its referrals."""
    role = Role(staff.role)
    if can(role, Permission.VIEW_CASES):
        return url_for("backoffice.queue")
    if can(role, Permission.ACT_AS_ADVOCATE):
        return url_for("backoffice.advocate_cases")
    return url_for("backoffice.referrals_queue")


def safe_next(target: str | None, default: str | None = None) -> str:
    """Where to go after signing in: the page asked for when it is a path within the
    back office, otherwise the queue. The one check of a `next` address: never another
    site ("//elsewhere", "/staff/\\elsewhere" as a browser reads it), never a header
    broken by a line break ("/staff/%0d%0a")."""
    target = target or ""
    parts = urlsplit(target)
    if (
        target.startswith("/staff/")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        and target.isprintable()
        and " " not in target
        and len(target) <= 2000
    ):
        return target
    return default or url_for("backoffice.queue")


def landing(staff: Staff, target: str) -> str:
    """Where someone goes once signed in: the page they asked for, unless it is the queue
    and the queue is not theirs (an advocate, the provider): then where they start."""
    if target == url_for("backoffice.queue"):
        return home(staff)
    return target


# Between the right password and the code: who is signing in, until when, and where to.
PENDING = "sign_in_pending"
PENDING_SECONDS = 5 * 60


def await_code(staff: Staff, target: str) -> None:
    """The password was right and a code must follow: remember who, for a short while.
    Nobody is signed in until the code is right."""
    session[PENDING] = {
        "staff_id": staff.id,
        "until": utcnow().timestamp() + PENDING_SECONDS,
        "next": safe_next(target),
    }


def code_step_started() -> bool:
    """A right password was given in this browser, whether or not its time is up."""
    return PENDING in session


def awaiting_code() -> tuple[int, str] | None:
    """The staff id and destination of a sign-in waiting for its code, if it has not
    expired."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or float(pending.get("until", 0)) < utcnow().timestamp():
        session.pop(PENDING, None)
        return None
    return int(pending["staff_id"]), str(pending.get("next", ""))


def forget_code_step() -> None:
    session.pop(PENDING, None)


# While a complaints manager has no authenticator app, these are the only pages open.
_OPEN_BEFORE_SET_UP = frozenset({"backoffice.authenticator_app", "backoffice.sign_out"})


def enforce_second_factor_set_up() -> Any:
    """A complaints manager signed in without an authenticator app is sent to set one
    up from every other back-office page."""
    if not current_user.is_authenticated or request.endpoint in _OPEN_BEFORE_SET_UP:
        return None
    if two_factor.set_up_needed(current_user._get_current_object()):
        return redirect(url_for("backoffice.authenticator_app"))
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # Flask-Login puts the signed-in account in every template's context, loading it
    # (from the session) for every page a member of the public sees too, where no
    # template reads it: the proxy instead, loaded only where a template asks.
    processors = app.template_context_processors[None]
    processors[:] = [
        p for p in processors if getattr(p, "__name__", "") != "_user_context_processor"
    ]
    app.context_processor(lambda: {"current_user": current_user})
