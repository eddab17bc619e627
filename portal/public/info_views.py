"""The pages a public body must publish, linked from every page's footer: the privacy
notice (UK GDPR article 13), the accessibility statement (the 2018 accessibility
regulations' model) and the cookies page. Their facts come from configuration (the
council's contacts, the retention period, how long answers and sessions last), so the
words stay true when a council changes them."""

from flask import current_app, render_template

from portal.public import bp


def _page(template: str, **settings: str) -> str:
    """The page, with each named setting's value from configuration."""
    config = current_app.config
    return render_template(template, **{name: config[key] for name, key in settings.items()})


@bp.get("/privacy")
def privacy() -> str:
    return _page(
        "public/privacy.html",
        dpo_email="COUNCIL_DPO_EMAIL",
        dpo_address="COUNCIL_DPO_ADDRESS",
        retention_years="RETENTION_YEARS",
        draft_hours="DRAFT_LIFETIME_HOURS",
        save_days="SAVE_RETURN_DAYS",
        updated="PRIVACY_NOTICE_UPDATED",
    )


@bp.get("/accessibility-statement")
def accessibility_statement() -> str:
    return _page(
        "public/accessibility-statement.html",
        website="PUBLIC_BASE_URL",
        contact_email="COUNCIL_ACCESSIBILITY_EMAIL",
        reply_days="ACCESSIBILITY_REPLY_WORKING_DAYS",
        staff_idle_minutes="STAFF_IDLE_MINUTES",
        draft_hours="DRAFT_LIFETIME_HOURS",
        save_days="SAVE_RETURN_DAYS",
        prepared="ACCESSIBILITY_STATEMENT_PREPARED",
        reviewed="ACCESSIBILITY_STATEMENT_REVIEWED",
    )


@bp.get("/cookies")
def cookies() -> str:
    return render_template(
        "public/cookies.html",
        cookie_name=current_app.config["SESSION_COOKIE_NAME"],
        session_hours=int(current_app.permanent_session_lifetime.total_seconds() // 3600),
    )
