from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/staff")

from portal.backoffice import (  # noqa: E402,F401
    account_views,
    clock_views,
    letter_views,
    records_views,
    report_views,
    safeguarding_views,
    staff_views,
    views,
)
