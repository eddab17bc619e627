"""Extensions, created unbound and attached in create_app (the Flask tutorial's pattern)."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
mail = Mail()
htmx = HTMX()
# Limits are per address; RATELIMIT_STORAGE_URI (Redis) shares them across processes.
limiter = Limiter(key_func=get_remote_address)

View = TypeVar("View", bound=Callable[..., Any])


def limit_posts(limit_value: str | Callable[[], str]) -> Callable[[View], View]:
    """`limiter.limit(limit_value, methods=["POST"])`, asked only when the request is a
    POST: Flask-Limiter's own decorator works out the view's limits on every request, a
    GET too, only to find that none applies to it (about 0.05 ms a page, issue 19)."""

    def decorate(view: View) -> View:
        limited = limiter.limit(limit_value, methods=["POST"])(view)

        @functools.wraps(view)
        def posted_or_not(*args: Any, **kwargs: Any) -> Any:
            if request.method == "POST":
                return limited(*args, **kwargs)
            return view(*args, **kwargs)

        return posted_or_not  # type: ignore[return-value]

    return decorate
