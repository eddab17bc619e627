""" "Find your complaint": someone who lost the link to their tracking page gives the
reference and the email address or phone number they gave us, and a fresh link goes
there (services/tracking.py `send_fresh_link`). The page says the same whether or not
they match, so nobody can find out who has complained; it is rate-limited."""

from flask import current_app, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.extensions import db, limit_posts
from portal.public import bp
from portal.public.forms import FindYourComplaintForm
from portal.services import tracking


@bp.route("/find-your-complaint", methods=["GET", "POST"])
@limit_posts(lambda: str(current_app.config["FIND_LINK_RATE_LIMIT"]))
def find_your_complaint() -> Response | str:
    form = FindYourComplaintForm()
    if form.validate_on_submit():
        tracking.send_fresh_link(form.reference.data, form.contact.data)
        db.session.commit()
        return redirect(url_for("public.find_your_complaint_asked"))
    return render_template(
        "public/find-your-complaint.html",
        form=form,
        days=tracking.FRESH_LINK_WORKING_DAYS,
    )


@bp.get("/find-your-complaint/asked")
def find_your_complaint_asked() -> str:
    return render_template(
        "public/find-your-complaint-asked.html", days=tracking.FRESH_LINK_WORKING_DAYS
    )
