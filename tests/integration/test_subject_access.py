"""A subject access request: the complaints manager finds everything held about a person
by email address or by case reference, reads it on a page or downloads it as JSON, and
the export is in each case's audit trail."""

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    errors_shown_twice,
    look,
    move,
    new_complaint,
    post_form,
    read,
    sign_in_as_manager,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page

from portal.extensions import db
from portal.models import AuditEvent

SEARCH = "/staff/subject-access"


def search(client: FlaskClient, *, email: str = "", reference: str = "") -> Page:
    """Find what is held, as the manager does: by POST, so the address is in no URL."""
    return read(post_form(client, SEARCH, {"email": email, "reference": reference}))


def test_everything_about_a_person_by_email_and_nothing_about_anyone_else(
    app: Flask, client: FlaskClient
) -> None:
    theirs = new_complaint(email="Parent.One@example.com", text="The review was cancelled.")
    other = new_complaint(email="someone.else@example.com", text="Another family's words.")
    sign_in_as_manager(client)
    page = search(client, email="parent.one@example.com")
    assert "1 case found" in page.text
    assert theirs.reference in page.text and "The review was cancelled." in page.text
    assert other.reference not in page.text and "Another family" not in page.text
    # The emails sent about it are there too.
    assert "acknowledgement" in page.text

    download = post_form(
        client, SEARCH, {"email": "parent.one@example.com", "reference": "", "format": "json"}
    )
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    held = json.loads(download.get_data(as_text=True))
    (case,) = held["cases"]
    assert case["reference"] == theirs.reference
    assert case["what_happened"] == "The review was cancelled."
    assert case["email"] == "Parent.One@example.com"
    assert {"emails", "audit_trail", "files", "categories"} <= set(case)
    assert "tracking_token_hash" not in case
    exported = db.session.scalars(
        sa.select(AuditEvent.submission_id).where(AuditEvent.action == "subject_access_export")
    ).all()
    assert set(exported) == {theirs.id}


def test_the_export_holds_each_stage_s_response(app: Flask, client: FlaskClient) -> None:
    received = datetime(2025, 12, 15, 10, 0, tzinfo=UTC)
    case = new_complaint(email="parent.one@example.com", when=received)
    sign_in_as_manager(client)
    move(client, case.reference, "accept", date(2025, 12, 16))
    move(client, case.reference, "respond_stage1", date(2026, 1, 6), outcome="upheld",
         redress=["apology"], ex_gratia="40")  # fmt: skip
    download = post_form(
        client, SEARCH, {"email": "", "reference": case.reference, "format": "json"}
    )
    (held,) = json.loads(download.get_data(as_text=True))["cases"]
    assert held["outcome"] == "upheld"
    assert held["stage_responses"] == [
        {
            "stage": "stage1",
            "outcome": "upheld",
            "apology": True,
            "explanation": False,
            "service_review": False,
            "ex_gratia_pence": 4000,
            "cost_pence": None,
        }
    ]


def test_by_case_reference(app: Flask, client: FlaskClient) -> None:
    case = new_complaint()
    sign_in_as_manager(client)
    page = search(client, reference=case.reference.lower())
    assert "1 case found" in page.text and case.reference in page.text


def test_a_search_needs_an_email_address_or_a_reference(app: Flask, client: FlaskClient) -> None:
    sign_in_as_manager(client)
    empty = search(client)
    assert errors_shown_twice(empty) == {"email": "Enter an email address or a case reference"}
    wrong = search(client, email="not-an-address")
    assert "email" in errors_shown_twice(wrong)
    first_visit = look(client, "/staff/subject-access")
    assert not first_visit.error_summary


def test_an_address_searched_for_is_in_no_url_and_nothing_is_cached(
    app: Flask, client: FlaskClient
) -> None:
    new_complaint(email="parent.one@example.com")
    sign_in_as_manager(client)
    assert client.get(SEARCH + "?email=parent.one@example.com").status_code == 200
    page = search(client, email="parent.one@example.com")
    assert "1 case found" in page.text
    assert "parent.one@example.com" not in " ".join(
        e.attrs.get("href", "") + e.attrs.get("action", "") for e in page.elements
    )
    response = client.post(SEARCH, data={"csrf_token": page.csrf_token, "email": "x@y.example"})
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "address",
    ["/staff/", "/staff/subject-access", "/staff/reports/annual", "/staff/account"],
)
def test_staff_pages_with_personal_data_are_never_stored(
    app: Flask, client: FlaskClient, address: str
) -> None:
    new_complaint()
    sign_in_as_manager(client)
    response = client.get(address)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
