"""The ombudsman's enquiry into a case, step by step (services/ombudsman.py): recorded,
replied to, the draft decision and the council's comments, the final decision, each
remedy and its compliance. Open to a closed case: the ombudsman comes after closure."""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, request
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_action, case_or_404, me, required_date, today
from portal.backoffice.forms import (
    CaseForm,
    OmbudsmanCommentsForm,
    OmbudsmanComplianceForm,
    OmbudsmanDecisionForm,
    OmbudsmanDraftForm,
    OmbudsmanEnquiryForm,
    OmbudsmanRemedyForm,
    OmbudsmanReplyForm,
)
from portal.domain.access import Permission
from portal.i18n import long_date
from portal.models import OmbudsmanEnquiry, Submission
from portal.services import cases, ombudsman

F = TypeVar("F", bound=CaseForm)
REFUSED = (ombudsman.OmbudsmanRefused,)


@bp.route("/cases/<reference>/ombudsman", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_enquiry(reference: str) -> Response | str:
    def save(found: Submission, form: OmbudsmanEnquiryForm, version: int) -> str:
        made = ombudsman.record(
            me(),
            found,
            reference=form.reference.data,
            received_on=required_date(form.received_on),
            reply_due_on=form.reply_due_on.data,
            today=today(),
            version=version,
        )
        if made.reply_due_on is None:
            return "Ombudsman's enquiry recorded."
        return f"Ombudsman's enquiry recorded. Reply by {long_date(made.reply_due_on)}."

    return case_action(
        reference,
        OmbudsmanEnquiryForm,
        save,
        title="Record an ombudsman enquiry",
        beside="received_on",
        elsewhere={ombudsman.ReplyDueRefused: "reply_due_on"},
        refused=REFUSED,
    )


def _step(
    reference: str,
    enquiry_id: int,
    form_class: Callable[..., F],
    save: Callable[[Submission, OmbudsmanEnquiry, F, int], str],
    *,
    title: str,
    beside: str,
    data: Callable[[OmbudsmanEnquiry], dict[str, Any]],
) -> Response | str:
    """One step of an enquiry the case has (404 otherwise), as every case action is."""
    found = case_or_404(reference)
    asked = ombudsman.find(found, enquiry_id)
    if asked is None:
        abort(404)
    return case_action(
        found,
        form_class,
        lambda found, form, version: save(found, asked, form, version),
        title=title,
        beside=beside,
        refused=REFUSED,
        data=lambda _: data(asked),
    )


@bp.route("/cases/<reference>/ombudsman/<int:ombudsman_id>/reply", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_reply(reference: str, ombudsman_id: int) -> Response | str:
    def save(found: Submission, asked: OmbudsmanEnquiry, form: OmbudsmanReplyForm, v: int) -> str:
        ombudsman.record_reply(
            me(), found, asked, replied_on=required_date(form.replied_on), today=today(), version=v
        )
        return "Reply to the ombudsman recorded."

    return _step(
        reference,
        ombudsman_id,
        OmbudsmanReplyForm,
        save,
        title="Record the council's reply to the ombudsman",
        beside="replied_on",
        data=lambda asked: {"replied_on": asked.replied_on},
    )


@bp.route("/cases/<reference>/ombudsman/<int:ombudsman_id>/draft", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_draft(reference: str, ombudsman_id: int) -> Response | str:
    def save(found: Submission, asked: OmbudsmanEnquiry, form: OmbudsmanDraftForm, v: int) -> str:
        ombudsman.record_draft(
            me(),
            found,
            asked,
            draft_decision_on=required_date(form.draft_decision_on),
            comments_due_on=form.comments_due_on.data,
            today=today(),
            version=v,
        )
        return "The ombudsman's draft decision recorded."

    return _step(
        reference,
        ombudsman_id,
        OmbudsmanDraftForm,
        save,
        title="Record the ombudsman's draft decision",
        beside="draft_decision_on",
        data=lambda asked: {
            "draft_decision_on": asked.draft_decision_on,
            "comments_due_on": asked.comments_due_on,
        },
    )


@bp.route("/cases/<reference>/ombudsman/<int:ombudsman_id>/comments", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_comments(reference: str, ombudsman_id: int) -> Response | str:
    def save(
        found: Submission, asked: OmbudsmanEnquiry, form: OmbudsmanCommentsForm, v: int
    ) -> str:
        ombudsman.record_comments(
            me(),
            found,
            asked,
            comments_sent_on=required_date(form.comments_sent_on),
            today=today(),
            version=v,
        )
        return "The council's comments on the draft decision recorded."

    return _step(
        reference,
        ombudsman_id,
        OmbudsmanCommentsForm,
        save,
        title="Record the council's comments on the draft decision",
        beside="comments_sent_on",
        data=lambda asked: {"comments_sent_on": asked.comments_sent_on},
    )


@bp.route("/cases/<reference>/ombudsman/<int:ombudsman_id>/decision", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_decision(reference: str, ombudsman_id: int) -> Response | str:
    def save(
        found: Submission, asked: OmbudsmanEnquiry, form: OmbudsmanDecisionForm, v: int
    ) -> str:
        ombudsman.record_decision(
            me(),
            found,
            asked,
            decided_on=form.decided_on.data,
            decision=form.decision.data,
            maladministration=form.finding("maladministration"),
            injustice=form.finding("injustice"),
            today=today(),
            version=v,
        )
        return "The ombudsman's final decision recorded."

    def yes_no(value: bool | None) -> str | None:
        return None if value is None else ("yes" if value else "no")

    return _step(
        reference,
        ombudsman_id,
        OmbudsmanDecisionForm,
        save,
        title="Record the ombudsman's final decision",
        beside="decided_on",
        data=lambda asked: {
            "decided_on": asked.decided_on,
            "decision": asked.decision,
            "maladministration": yes_no(asked.maladministration),
            "injustice": yes_no(asked.injustice),
        },
    )


@bp.route("/cases/<reference>/ombudsman/<int:ombudsman_id>/remedies", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def ombudsman_remedy(reference: str, ombudsman_id: int) -> Response | str:
    def save(found: Submission, asked: OmbudsmanEnquiry, form: OmbudsmanRemedyForm, v: int) -> str:
        made = ombudsman.add_remedy(
            me(), found, asked, what=form.what.data, due_on=required_date(form.due_on), version=v
        )
        return f"Remedy recorded. Comply by {long_date(made.due_on)}."

    return _step(
        reference,
        ombudsman_id,
        OmbudsmanRemedyForm,
        save,
        title="Record a remedy the ombudsman recommends",
        beside="due_on",
        data=lambda _: {},
    )


@bp.route(
    "/cases/<reference>/ombudsman/remedies/<int:remedy_id>/compliance", methods=["GET", "POST"]
)
@requires(Permission.WORK_CASES)
def ombudsman_compliance(reference: str, remedy_id: int) -> Response | str:
    found = case_or_404(reference)
    remedy = ombudsman.find_remedy(found, remedy_id)
    if remedy is None:
        abort(404)
    if request.method == "GET":
        cases.record_view(me(), found)  # the page shows the remedy and its evidence

    def documents(form: OmbudsmanComplianceForm, found: Submission) -> None:
        form.document.choices = [("", "None")] + [
            (str(d.id), f"{d.description or d.filename} ({d.filename})")
            for d in ombudsman.staff_documents(found)
        ]

    def save(found: Submission, form: OmbudsmanComplianceForm, version: int) -> str:
        ombudsman.record_compliance(
            me(),
            found,
            remedy,
            complied_on=required_date(form.complied_on),
            evidence=form.evidence.data,
            attachment_id=int(form.document.data) if form.document.data else None,
            today=today(),
            version=version,
        )
        return "Compliance with the remedy recorded."

    return case_action(
        found,
        OmbudsmanComplianceForm,
        save,
        title="Record compliance with the ombudsman's remedy",
        beside="complied_on",
        elsewhere={ombudsman.DocumentRefused: "document"},
        refused=REFUSED,
        choices=documents,
        data=lambda _: {
            "complied_on": remedy.complied_on,
            "evidence": remedy.evidence,
            "document": str(remedy.attachment_id or ""),
        },
        explain=f"The remedy: {remedy.what}\nComply by {long_date(remedy.due_on)}.",
    )
