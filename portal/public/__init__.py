from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import (  # noqa: E402,F401
    case_steps_views,
    feedback_views,
    find_views,
    info_views,
    views,
)
