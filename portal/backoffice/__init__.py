from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/staff")

from portal.backoffice import views  # noqa: E402,F401
