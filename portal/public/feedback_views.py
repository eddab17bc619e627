"""The feedback questionnaire after a complaint closes (issue 8): reached by the secret
link in the invitation, or from the tracking page. No sign-in; one page; the answers
are kept without the case (services/feedback.py)."""

from flask import Response, abort, current_app, redirect, render_template, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from portal.extensions import limiter
from portal.models import FeedbackInvitation
from portal.public import bp
from portal.public.forms import FeedbackForm
from portal.services import feedback, tracking

THANKED = "feedback_thanks"


def _tracking_limit() -> str:
    return str(current_app.config["TRACKING_RATE_LIMIT"])


def _private(body: str, status: int = 200) -> Response:
    """The address holds a secret: keep the page out of shared caches. (Flask's
    Response: an HTML page, where Werkzeug's own would be sent as plain text.)"""
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@limiter.limit(_tracking_limit)
def feedback_questionnaire(token: str) -> BaseResponse:
    return _questionnaire(
        feedback.find(token), url_for("public.feedback_questionnaire", token=token)
    )


@bp.route("/track/<reference>/<token>/feedback", methods=["GET", "POST"])
@limiter.limit(_tracking_limit)
def feedback_from_tracking(reference: str, token: str) -> BaseResponse:
    submission = tracking.find_for_tracking(reference, token)
    if submission is None:
        abort(404)
    return _questionnaire(
        feedback.for_case(submission),
        url_for("public.feedback_from_tracking", reference=reference, token=token),
    )


def _questionnaire(invitation: FeedbackInvitation | None, action: str) -> BaseResponse:
    if invitation is None:
        return _private(render_template("public/feedback-link-not-working.html"), 404)
    if invitation.answered_at is not None:
        return _already_answered()
    child = feedback.is_child(invitation.submission)
    form = FeedbackForm(child=child)
    if form.validate_on_submit():
        try:
            feedback.record_answer(invitation, form.ratings(), form.comment.data or "")
        except feedback.AlreadyAnswered:
            return _already_answered()
        session[THANKED] = "child" if child else "adult"
        return redirect(url_for("public.feedback_thanks"))
    return _private(render_template("public/feedback.html", form=form, child=child, action=action))


def _already_answered() -> Response:
    return _private(render_template("public/feedback-link-not-working.html", used=True), 410)


@bp.get("/feedback/thank-you")
def feedback_thanks() -> str:
    return render_template("public/feedback-thank-you.html", child=session.get(THANKED) == "child")


def tracking_feedback(
    invitation: FeedbackInvitation | None, reference: str, token: str
) -> dict[str, object]:
    """What the tracking page says about the questionnaire: a button while it is
    waiting for an answer, thanks once it has one (`invitation`: the case's, read with
    it by `tracking.tracking_page`)."""
    if invitation is None:
        return {"feedback_url": None, "feedback_answered": False}
    waiting = invitation.answered_at is None
    return {
        "feedback_url": url_for("public.feedback_from_tracking", reference=reference, token=token)
        if waiting
        else None,
        "feedback_answered": not waiting,
    }
