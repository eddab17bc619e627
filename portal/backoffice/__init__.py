from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/staff")

from portal.backoffice import records_views, report_views, views  # noqa: E402,F401
