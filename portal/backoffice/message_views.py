"""Messages not sent: every email, text message and letter that did not reach anyone
(failed here, or reported by GOV.UK Notify as not delivered), of the cases the person
may see, and "Try again" for each (services/receipts.py; docs/notify.md)."""

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me
from portal.domain import delivery
from portal.domain.access import Permission
from portal.services import receipts


def _page(refused: tuple[int, str] | None = None) -> str:
    return render_template(
        "backoffice/messages-not-sent.html",
        messages=receipts.not_sent(me()),
        version_of=receipts.version_of,
        purpose_words=delivery.PURPOSE_WORDS,
        channel_words=delivery.channel_words,
        refused=refused,
    )


@bp.get("/messages-not-sent")
@requires(Permission.VIEW_CASES)
def messages_not_sent() -> str:
    return _page()


@bp.post("/messages-not-sent/<int:message_id>/try-again")
@requires(Permission.WORK_CASES)
def try_again(message_id: int) -> Response | str:
    """Sends the message again (CSRF-checked by the app); from the case page, back to it."""
    message = receipts.visible(me(), message_id)
    if message is None:
        abort(404)
    reference = message.submission.reference if message.submission else None
    try:
        receipts.send_again(me(), message, version=request.form.get("version", ""))
    except receipts.SendAgainRefused as refused:
        return _page((message_id, str(refused)))
    flash("The message will be sent again in a moment.", "success")
    if request.form.get("back") == "case" and reference:
        return redirect(url_for("backoffice.case", reference=reference, _anchor="messages"))
    return redirect(url_for("backoffice.messages_not_sent"))
