"""Internal notes on a case (issue 16): staff who work cases add them on the case page;
everyone who may see the case reads them, newest first, with who wrote each and when;
they are in the audit trail without their words, never sent to anyone, in a subject
access export, and their words go when the case is purged."""

from datetime import date

import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    errors_shown_twice,
    make_staff,
    new_complaint,
    post_form,
    read,
    sign_in,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.access import Role
from portal.extensions import db
from portal.models import CaseNote, OutboxMessage, Staff
from portal.services import retention, subject_access

CALL = "Phoned Pat: the review is now booked for Tuesday.\nPat is happy with that."
LATER = "Team manager agrees the visit was missed."


def signed_in(app: Flask, role: Role) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(role, team="Looked After Children"))
    return client


def test_a_caseworker_adds_notes_and_everyone_who_sees_the_case_reads_them(app: Flask) -> None:
    reference = new_complaint(team="Looked After Children").reference
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    sent_before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    page = case_page(caseworker, reference)
    assert "No notes yet." in page.text
    assert "It is never sent to the complainant" in page.text
    raw = caseworker.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert f'action="/staff/cases/{reference}/notes"' in raw and 'name="text"' in raw
    response = post_form(caseworker, f"/staff/cases/{reference}/notes", {"text": CALL})
    assert response.location == f"/staff/cases/{reference}"
    post_form(caseworker, f"/staff/cases/{reference}/notes", {"text": LATER})

    page = case_page(caseworker, reference)
    assert "Note added." in page.notification_banner
    notes = page.by_id("case-notes")
    assert notes is not None
    shown = page.text
    # Newest first, each with who wrote it; the line break kept.
    assert shown.index(LATER) < shown.index("Phoned Pat")
    assert "team_member person," in shown
    raw = caseworker.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Phoned Pat: the review is now booked for Tuesday.\nPat is happy with that." in raw
    # Recorded as done, without the words; nothing sent to anyone.
    trail = audit_trail(page)
    assert sum(event.startswith("team_member person: note added") for event in trail) == 2
    assert not any("Phoned Pat" in event for event in trail)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == sent_before

    # An auditor reads them, and cannot add one.
    auditor = signed_in(app, Role.AUDITOR)
    page = case_page(auditor, reference)
    assert LATER in page.text
    assert "Add the note" not in page.text
    refused = auditor.post(
        f"/staff/cases/{reference}/notes", data={"csrf_token": page.csrf_token, "text": "x"}
    )
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CaseNote.id))) == 2


def test_an_empty_note_is_refused_beside_its_field(app: Flask) -> None:
    reference = new_complaint(team="Looked After Children").reference
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    page = read(post_form(caseworker, f"/staff/cases/{reference}/notes", {"text": "  "}))
    assert errors_shown_twice(page) == {"text": "Enter the note"}
    assert db.session.scalar(sa.select(sa.func.count(CaseNote.id))) == 0


def test_markup_in_a_note_is_shown_as_typed(app: Flask) -> None:
    reference = new_complaint(team="Looked After Children").reference
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    typed = '<script>alert(1)</script><b onmouseover="x()">bold?</b>'
    post_form(caseworker, f"/staff/cases/{reference}/notes", {"text": typed})
    raw = caseworker.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_notes_are_in_a_subject_access_export_and_their_words_go_when_the_case_is_purged(
    app: Flask,
) -> None:
    case = new_complaint(team="Looked After Children")
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    post_form(caseworker, f"/staff/cases/{case.reference}/notes", {"text": CALL})
    manager = make_staff(Role.MANAGER)
    exporter = db.session.scalars(sa.select(Staff).where(Staff.email == manager)).one()

    exported = subject_access.export(exporter, reference=case.reference)
    (record,) = exported["cases"]
    assert [note["note"] for note in record["internal_notes"]] == [CALL]
    assert record["internal_notes"][0]["by"] == "team_member person"

    case.case.closed_on = date(2015, 1, 5)
    case.case.stage = "closed"
    db.session.commit()
    retention.purge(date(2026, 12, 5))
    (note,) = db.session.scalars(sa.select(CaseNote)).all()
    assert note.text == retention.REMOVED
