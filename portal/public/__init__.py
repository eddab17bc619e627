from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import feedback_views, info_views, views  # noqa: E402,F401
