"""Every field that ends up in an email's headers refuses a line break at the form, with
a message beside it: a subject written by staff, a team's name (its digest's subject), and
every email address, staff or public. A line break there would end the header and start
another ("Update\nBcc: someone@example.com")."""

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    make_staff,
    new_complaint,
    post_form,
    read,
    sign_in,
    sign_in_as_manager,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, page_of
from test_response_letters import a_responded_case, letter_url

from portal.domain.access import Role
from portal.extensions import db
from portal.models import OutboxMessage, Team

BREAKS = ["\n", "\r", "\u2028"]
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


def refusal(response: object) -> tuple[list[tuple[str, str]], dict[str, str]]:
    page = read(response)  # type: ignore[arg-type]
    assert page.title.startswith("Error: ")
    return page.error_summary, page.inline_errors


def queued() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("line_break", BREAKS, ids=repr)
def test_a_staff_message_with_a_line_break_in_its_subject_is_refused_and_nothing_is_queued(
    manager: FlaskClient, line_break: str
) -> None:
    reference = new_complaint().reference
    before = queued()

    response = post_form(
        manager,
        f"/staff/cases/{reference}/message",
        {
            "to": ["complainant"],
            "subject": f"Update{line_break}Bcc: x@example.com",
            "body": "We have booked the meeting.",
        },
    )

    assert response.status_code == 200
    summary, inline = refusal(response)
    assert summary == [("#subject", "The subject must be on one line")]
    assert inline["subject"] == "The subject must be on one line"
    assert "We have booked the meeting." in read(response).text
    assert queued() == before


def test_a_response_letter_with_a_line_break_in_its_subject_is_refused(app: Flask) -> None:
    caseworker = browser(app)
    sign_in(caseworker, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    reference = a_responded_case(caseworker)

    response = post_form(
        caseworker,
        letter_url(reference),
        {
            "action": "save",
            "subject": "Our response\nBcc: x@example.com",
            "body": "We looked into it.",
        },
    )

    assert response.status_code == 200
    summary, _ = refusal(response)
    assert summary == [("#subject", "The subject must be on one line")]


def test_a_team_name_with_a_line_break_is_refused(manager: FlaskClient) -> None:
    response = post_form(
        manager,
        "/staff/teams/new",
        {
            "name": "Fostering\nBcc: x@example.com",
            "public_name": "Fostering",
            "inbox_email": "fostering@council.example",
        },
    )

    assert response.status_code == 200
    summary, _ = refusal(response)
    assert summary == [("#name", "The team's name must be on one line")]
    assert db.session.scalar(sa.select(Team).where(Team.name.like("Fostering%Bcc%"))) is None


@pytest.mark.parametrize("field", ["inbox_email", "manager_email"])
def test_a_team_email_address_with_a_line_break_is_refused(
    manager: FlaskClient, field: str
) -> None:
    data = {"name": "Kinship", "public_name": "Kinship", "inbox_email": "kin@council.example"}
    data[field] = "kin@council.example\nBcc: x@example.com"

    response = post_form(manager, "/staff/teams/new", data)

    assert response.status_code == 200
    summary, _ = refusal(response)
    assert summary == [(f"#{field}", EMAIL_MESSAGE)]


def test_a_public_email_address_with_a_line_break_is_refused(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != "contact":
        step = journey.answer(step, answers[step])

    response = journey.post(
        "contact",
        answers["contact"] | {"email": "alex@example.com\nBcc: x@example.com"},
    )

    assert response.status_code == 200
    assert page_of(response).error_summary == [("#email", EMAIL_MESSAGE)]


def test_an_email_address_to_come_back_later_with_a_line_break_is_refused(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    response = client.post(
        f"{journey.url('save-for-later')}?step=are-you-safe",
        data={
            "csrf_token": journey.token,
            "email": "alex@example.com\r\nBcc: x@example.com",
            "question": "first_school",
            "answer": "Northmoor Primary",
        },
    )

    assert response.status_code == 200
    assert ("#email", EMAIL_MESSAGE) in page_of(response).error_summary
