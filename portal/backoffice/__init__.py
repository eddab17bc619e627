from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/staff")

from portal.backoffice import (  # noqa: E402,F401
    account_views,
    advocate_views,
    case_views,
    clock_views,
    common,
    directory_views,
    letter_views,
    message_views,
    ombudsman_views,
    queue_views,
    record_views,
    records_views,
    referral_views,
    related_views,
    report_views,
    rules_views,
    safeguarding_views,
    search_views,
    staff_views,
    team_views,
)
