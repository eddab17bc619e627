"""The ombudsman's enquiry into a case, as a step of its own (issue 16): recorded on a
closed case, each of its dates shown with what is due and overdue, the reply, the draft
decision and the council's comments, the final decision, each remedy and its
compliance; every change in the trail, refusals said beside their field, auditors read
only, and the enquiry in the subject access export and purged with the case."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    make_staff,
    move,
    new_complaint,
    post_form,
    queue_row,
    read,
    received_at,
    save,
    sign_in,
    summary,
    table_after,
    who_looked,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page
from test_attachments import PDF
from test_case_documents import add

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Attachment, OmbudsmanEnquiry, OmbudsmanRemedy, Staff, Submission
from portal.services import retention, subject_access

RECEIVED = date(2025, 12, 1)
RESPONDED = date(2025, 12, 12)
CLOSED = date(2026, 1, 12)
ARRIVED = date(2026, 3, 2)


def caseworker(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    return client


def closed_case(client: FlaskClient) -> str:
    """A complaint answered at stage 1 and closed: the ombudsman comes after."""
    reference = new_complaint(when=received_at(RECEIVED)).reference
    move(client, reference, "accept", date(2025, 12, 2))
    move(client, reference, "respond_stage1", RESPONDED, outcome="not_upheld")
    move(client, reference, "close", CLOSED)
    return reference


def enquiry_url(reference: str, step: str = "") -> str:
    (enquiry_id,) = db.session.scalars(sa.select(OmbudsmanEnquiry.id)).all()
    return f"/staff/cases/{reference}/ombudsman/{enquiry_id}/{step}"


def record(client: FlaskClient, reference: str, **fields: object) -> Page:
    """Record an enquiry on the case; the case page it leads to."""
    return save(
        client,
        f"/staff/cases/{reference}/ombudsman",
        {
            "reference": "25 012 345",
            "received_on": date_parts(ARRIVED),
            "reply_due_on": date_parts(date(2026, 3, 30)),
            **fields,
        },
    )


def recorded(page: Page, what: str) -> str:
    """The changes the trail's newest event of `what` (by the caseworker) says it made."""
    return next(
        event.split("; ", 1)[1]
        for event in audit_trail(page)
        if event.startswith(f"team_member person: {what};")
    )


def stage(page: Page) -> str:
    """The stage, as the tag beside the case's reference says it."""
    return page.headings[0].split(" ", 1)[1]


def test_a_closed_case_takes_the_ombudsman_s_enquiry_step_by_step(app: Flask) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    assert stage(case_page(client, reference)) == "Closed"

    page = record(client, reference)
    assert "Ombudsman's enquiry recorded. Reply by Monday 30 March 2026." in (
        page.notification_banner
    )
    # Long past, not answered: overdue, and the closed case is back in the queue with it.
    assert "Enquiry from the Local Government and Social Care Ombudsman, reference 25 012 345" in (
        page.text
    )
    assert "Reply to the ombudsman's enquiry by Monday 30 March 2026 Overdue" in page.text
    shown = summary(page)
    assert stage(page) == "Ombudsman"
    assert shown["Enquiry arrived"] == "Monday 2 March 2026"
    assert shown["Council replied"] == "Not yet"
    row = queue_row(client, reference)
    assert "Reply to the ombudsman's enquiry" in row and "30 March 2026" in row
    assert recorded(page, "ombudsman enquiry recorded").startswith("Received on: – → 2026-03-02")

    save(client, enquiry_url(reference, "reply"), {"replied_on": date_parts(date(2026, 3, 27))})
    save(
        client,
        enquiry_url(reference, "draft"),
        {
            "draft_decision_on": date_parts(date(2026, 5, 4)),
            "comments_due_on": date_parts(date(2026, 5, 18)),
        },
    )
    page = case_page(client, reference)
    assert "Comments on the ombudsman's draft decision by Monday 18 May 2026" in page.text
    assert "Reply to the ombudsman's enquiry by" not in page.text
    save(
        client,
        enquiry_url(reference, "comments"),
        {"comments_sent_on": date_parts(date(2026, 5, 15))},
    )
    save(
        client,
        enquiry_url(reference, "decision"),
        {
            "decided_on": date_parts(date(2026, 6, 1)),
            "decision": "upheld",
            "maladministration": "yes",
            "injustice": "yes",
        },
    )
    # Decided with nothing more owed: the case is closed again.
    page = case_page(client, reference)
    shown = summary(page)
    assert stage(page) == "Closed"
    assert shown["Final decision"] == "Upheld (fault found) on Monday 1 June 2026"
    assert shown["Fault (maladministration)"] == "Found"
    assert shown["Injustice"] == "Found"

    save(
        client,
        enquiry_url(reference, "remedies"),
        {"what": "Apologise in writing.", "due_on": date_parts(date(2026, 7, 1))},
    )
    page = case_page(client, reference)
    assert stage(page) == "Ombudsman"
    (remedy_row,) = table_after(page, "The ombudsman")
    assert remedy_row[:2] == ["Apologise in writing.", "1 July 2026"]
    assert "Overdue Not yet" in remedy_row[2]


def a_remedy(client: FlaskClient, reference: str, what: str) -> int:
    """An enquiry on the case, decided with fault found, and the one remedy it
    recommends, due on 1 July 2026; the remedy's id."""
    record(client, reference)
    save(
        client,
        enquiry_url(reference, "decision"),
        {"decided_on": date_parts(date(2026, 6, 1)), "decision": "upheld"}
        | {"maladministration": "yes", "injustice": "no"},
    )
    save(
        client,
        enquiry_url(reference, "remedies"),
        {"what": what, "due_on": date_parts(date(2026, 7, 1))},
    )
    (remedy,) = db.session.scalars(sa.select(OmbudsmanRemedy.id)).all()
    return remedy


def test_compliance_is_kept_with_its_evidence_and_a_document_staff_added(
    app: Flask, uploads: Path
) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    remedy = a_remedy(client, reference, "Review the visit plan.")
    assert add(client, reference, "apology.pdf", PDF, "Letter of apology").status_code == 302
    (document,) = db.session.scalars(sa.select(Attachment.id)).all()
    url = f"/staff/cases/{reference}/ombudsman/remedies/{remedy}/compliance"
    assert "Letter of apology (apology.pdf)" in read(client.get(url)).text
    page = save(
        client,
        url,
        {
            "complied_on": date_parts(date(2026, 7, 3)),
            "evidence": "Sent the new plan to the ombudsman.",
            "document": str(document),
        },
    )
    (remedy_row,) = table_after(page, "The ombudsman")
    assert remedy_row[2].startswith("Complied 3 July 2026 Late")
    assert "Sent the new plan to the ombudsman." in remedy_row[2]
    assert "Letter of apology" in remedy_row[2]
    assert stage(page) == "Closed"
    assert recorded(page, "ombudsman remedy complied").startswith("Complied on: – → 2026-07-03")


def test_opening_a_remedy_s_compliance_page_is_a_view_of_the_case_in_its_trail(
    app: Flask,
) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    remedy = a_remedy(client, reference, "Pay Pat Parent 150 pounds.")
    manager = browser(app)
    sign_in(manager, make_staff(Role.MANAGER))
    url = f"/staff/cases/{reference}/ombudsman/remedies/{remedy}/compliance"
    assert "Pay Pat Parent 150 pounds." in look(manager, url).text
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    assert who_looked(auditor, reference).count(["manager person", "Opened the case"]) == 1


def test_what_cannot_have_happened_is_refused_beside_its_field_and_nothing_saved(
    app: Flask,
) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    url = f"/staff/cases/{reference}/ombudsman"
    assert errors_shown_twice(read(post_form(client, url, {}))) == {
        "received_on": "Enter the date the enquiry arrived"
    }
    late = read(
        post_form(
            client,
            url,
            {
                "received_on": date_parts(ARRIVED),
                "reply_due_on": date_parts(date(2026, 2, 27)),
            },
        )
    )
    assert errors_shown_twice(late) == {
        "reply_due_on": "The date to reply by must be on or after the enquiry arrived"
    }
    assert db.session.scalar(sa.select(sa.func.count(OmbudsmanEnquiry.id))) == 0

    record(client, reference)
    before = read(
        post_form(client, enquiry_url(reference, "reply"), {"replied_on": date_parts(RECEIVED)})
    )
    assert errors_shown_twice(before) == {
        "replied_on": "The date of the reply must be on or after the enquiry arrived"
    }
    undated = read(post_form(client, enquiry_url(reference, "decision"), {"decision": "upheld"}))
    assert errors_shown_twice(undated) == {
        "decided_on": "Enter the date of the final decision",
        "maladministration": "Select whether the ombudsman found fault",
        "injustice": "Select whether the ombudsman found injustice",
    }
    no_draft = read(
        post_form(
            client,
            enquiry_url(reference, "comments"),
            {"comments_sent_on": date_parts(date(2026, 5, 4))},
        )
    )
    assert errors_shown_twice(no_draft) == {
        "comments_sent_on": "Record the draft decision before the council's comments on it"
    }
    (kept,) = db.session.scalars(sa.select(OmbudsmanEnquiry)).all()
    db.session.refresh(kept)
    assert (kept.replied_on, kept.decided_on, kept.comments_sent_on) == (None, None, None)


def test_an_auditor_reads_the_enquiry_but_changes_nothing(app: Flask) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    record(client, reference)
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    page = case_page(auditor, reference)
    assert "reference 25 012 345" in page.text
    assert "Record the council's reply" not in page.text
    assert "Record an ombudsman enquiry" not in page.text
    for step in ("reply", "draft", "comments", "decision", "remedies"):
        url = enquiry_url(reference, step)
        assert auditor.get(url).status_code == 403
        refused = auditor.post(url, data={"csrf_token": page.csrf_token})
        assert refused.status_code == 403
    assert auditor.get(f"/staff/cases/{reference}/ombudsman").status_code == 403
    # Another case's enquiry is not found through this one.
    other = new_complaint().reference
    assert client.get(enquiry_url(other, "reply")).status_code == 404


def test_the_enquiry_is_in_a_subject_access_export_and_its_words_go_when_purged(
    app: Flask,
) -> None:
    client = caseworker(app)
    reference = closed_case(client)
    record(client, reference)
    save(
        client,
        enquiry_url(reference, "decision"),
        {"decided_on": date_parts(date(2026, 6, 1)), "decision": "not_investigated"},
    )
    save(
        client,
        enquiry_url(reference, "remedies"),
        {"what": "Pay Pat Parent £300.", "due_on": date_parts(date(2026, 7, 1))},
    )
    manager = make_staff(Role.MANAGER)
    exporter = db.session.scalars(sa.select(Staff).where(Staff.email == manager)).one()
    (exported,) = subject_access.export(exporter, reference=reference)["cases"]
    (enquiry,) = exported["ombudsman"]
    assert enquiry["reference"] == "25 012 345"
    assert (enquiry["received"], enquiry["decision"]) == ("2026-03-02", "not_investigated")
    assert enquiry["remedies"] == [
        {"remedy": "Pay Pat Parent £300.", "comply_by": "2026-07-01", "complied": None}
        | {"evidence": None}
    ]

    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    case.case.closed_on = date(2015, 1, 5)
    db.session.commit()
    retention.purge(date(2026, 12, 5))
    (kept,) = db.session.scalars(sa.select(OmbudsmanEnquiry)).all()
    (remedy,) = db.session.scalars(sa.select(OmbudsmanRemedy)).all()
    # The dates and the decision stay for the report; the words about the person go.
    assert (kept.reference, kept.received_on, kept.decision) == (
        None,
        ARRIVED,
        "not_investigated",
    )
    assert (remedy.what, remedy.due_on) == (retention.REMOVED, date(2026, 7, 1))
