"""A complaint, compliment, representation or request for an advocate that came another
way (issue 16, "Every way a complaint arrives"): staff record it on one page, and it goes
through the public form's own intake: the same reference, routing, danger check, alerts
and acknowledgement, with the clock running from the day it reached the council."""

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    make_staff,
    post_form,
    read,
    sign_in,
    summary,
    team_id,
    who_looked,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page
from smtp_server import SmtpServer

from portal.domain.access import Role
from portal.domain.channels import RECORDED_BY_STAFF
from portal.domain.clock import LONDON
from portal.domain.holidays import bank_holidays
from portal.extensions import db
from portal.models import OutboxMessage, Submission, Task
from portal.services import routing_rules

URL = "/staff/record"
# Friday 19 December 2025 (domain.md's example): acknowledged within 3 working days means
# by Wednesday 24 December; stage 1's 10 working days end on Wednesday 7 January 2026,
# over Christmas, Boxing Day and New Year's Day.
ARRIVED = date(2025, 12, 19)
WHAT_THEY_SAID = "Nobody came to the review meeting and my son waited all day."
SAFEGUARDING_INBOXES = {"first.response@northmoor.example", "complaints.manager@northmoor.example"}


def today() -> date:
    from datetime import datetime

    return datetime.now(LONDON).date()


def a_parents_complaint(**changes: Any) -> dict[str, Any]:
    """Every answer of a parent's complaint by phone, received on ARRIVED."""
    return {
        "channel": "phone",
        "received_on": date_parts(ARRIVED),
        "kind": "complaint",
        "in_danger": "no",
        "role": "parent",
        "name": "Pat Parent",
        "contact_preference": "email",
        "email": "pat@example.com",
        "safe_to_contact": ["phone", "letters"],
        "child_name": "Sam Parent",
        "child_age": "9",
        "child_agreement": "agrees",
        "child_reply_preference": "through_me",
        "team": str(team_id("Looked After Children")),
        "what_happened": WHAT_THEY_SAID,
        "put_right": "An apology",
        "advocacy": "declined",
    } | changes


def caseworker(app: Flask, role: Role = Role.TEAM_MEMBER) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(role, team="Looked After Children"))
    return client


def record(client: FlaskClient, data: dict[str, Any]) -> Page:
    """Send the form, which must be accepted; the confirmation it leads to."""
    response = post_form(client, URL, data)
    assert response.status_code == 302, read(response).error_summary
    return look(client, response.location)


def recorded() -> list[Submission]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Submission).order_by(Submission.id)))


def queued(purpose: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == purpose))
    )


def test_the_confirmation_of_what_was_recorded_is_a_view_of_the_case_in_its_trail(
    app: Flask,
) -> None:
    confirmation = record(caseworker(app), a_parents_complaint())
    assert "pat@example.com" in confirmation.text  # the email address typed
    (submission,) = recorded()
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    assert who_looked(auditor, submission.reference) == [["team_member person", "Opened the case"]]


def test_a_phone_complaint_from_last_year_runs_its_clock_from_the_day_it_came(
    app: Flask,
) -> None:
    client = caseworker(app)
    confirmation = record(client, a_parents_complaint())

    (submission,) = recorded()
    assert submission.channel == "phone"
    assert submission.received_on == ARRIVED
    assert submission.acknowledge_by == date(2025, 12, 24)
    assert submission.case.stage1_due == date(2026, 1, 7)
    assert submission.reference.startswith("CSC-2025-")
    shown = summary(confirmation)
    assert confirmation.headings == ["Complaint recorded"]
    assert submission.reference in confirmation.text
    assert shown["How it came"] == "Phone"
    assert shown["Received"] == "Friday 19 December 2025"
    assert shown["Time already used"].startswith("Received ")
    assert shown["Time already used"].endswith(
        "working days ago: the acknowledgement was due on Wednesday 24 December 2025 (late)"
    )
    assert shown["First response due by"] == "Wednesday 7 January 2026"
    # The acknowledgement goes by email, as the public form's does.
    assert [m.recipient for m in queued("acknowledgement")] == ["pat@example.com"]
    assert "An acknowledgement with the reference is being sent by email to pat@example.com" in (
        confirmation.text
    )

    case = summary(case_page(client, submission.reference))
    assert case["Time already used"] == shown["Time already used"]
    assert case["How it came"] == (f"Phone, recorded by team_member person on {_long(today())}")
    trail = audit_trail(case_page(client, submission.reference))
    assert any(line.startswith("team_member person: recorded for them") for line in trail)


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.mark.parametrize("channel", [c.value for c in RECORDED_BY_STAFF])
def test_each_way_it_can_come_is_recorded_and_shown(app: Flask, channel: str) -> None:
    client = caseworker(app)
    confirmation = record(client, a_parents_complaint(channel=channel))
    (submission,) = recorded()
    assert submission.channel == channel
    assert submission.case.team is not None and submission.case.team.name == (
        "Looked After Children"
    )
    from portal.domain.labels import CHANNELS

    assert summary(confirmation)["How it came"] == CHANNELS[channel]


def test_the_public_forms_submissions_are_online_and_recorded_by_nobody(app: Flask) -> None:
    from backoffice_helpers import new_complaint

    made = new_complaint()
    assert made.channel == "online" and made.recorded_by_staff_id is None


def test_a_date_in_the_future_is_refused_beside_the_date_and_nothing_is_recorded(
    app: Flask,
) -> None:
    client = caseworker(app)
    tomorrow = today() + timedelta(days=1)
    response = post_form(client, URL, a_parents_complaint(received_on=date_parts(tomorrow)))
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == {
        "received_on": "The date it was received must be today or in the past"
    }
    assert recorded() == []


@pytest.mark.parametrize("year", [1950, 1999])
def test_a_date_before_the_years_the_clock_counts_is_refused_not_a_server_error(
    app: Flask, year: int
) -> None:
    """A year typed wrong (1950 for 2025): its deadlines cannot be counted in working days,
    the bank holidays of that year not being known. It was a server error."""
    client = caseworker(app)
    first = bank_holidays().first_year
    received = date(min(year, first - 1), 12, 31)
    response = post_form(client, URL, a_parents_complaint(received_on=date_parts(received)))
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == {
        "received_on": f"The date it was received must be in {first} or later"
    }
    assert recorded() == []


def test_every_missing_answer_is_in_the_summary_and_beside_its_field(app: Flask) -> None:
    client = caseworker(app)
    response = post_form(client, URL, {"kind": "complaint", "role": "parent"})
    errors = errors_shown_twice(read(response))
    assert errors == {
        "channel": "Select how it reached us",
        "received_on": "Enter the date it was received",
        "in_danger": "Select yes, no or I'm not sure",
        "name": "Enter their name",
        "contact_preference": "Select how they want to hear back",
        "safe_to_contact": "Select what is safe for us to do, or none of these are safe",
        "child_name": "Enter the child's name",
        "child_date_of_birth": "Enter the child's date of birth or their age",
        "child_agreement": "Select whether the child knows and agrees",
        "child_reply_preference": "Select how the child wants to hear what happens",
        "team": "Select the service it is about, or not sure",
        "what_happened": "Enter what they told us",
        "advocacy": "Select whether the child was offered an advocate",
    }
    assert recorded() == []


def test_a_way_to_hear_back_needs_its_details_and_must_be_safe(app: Flask) -> None:
    client = caseworker(app)
    response = post_form(
        client,
        URL,
        a_parents_complaint(contact_preference="post", email="", safe_to_contact=["phone"]),
    )
    assert errors_shown_twice(read(response)) == {
        "address": "Enter their address",
        "postcode": "Enter their postcode",
        "safe_to_contact": (
            "They want a letter: select send letters, or choose another way to reply"
        ),
    }


@pytest.mark.parametrize("answer", ["yes", "not_sure"])
def test_a_child_in_danger_now_is_urgent_and_alerts_as_the_public_form_does(
    app: Flask, answer: str
) -> None:
    client = caseworker(app)
    confirmation = record(client, a_parents_complaint(in_danger=answer))
    (submission,) = recorded()
    assert submission.urgent
    words = {"yes": "Yes", "not_sure": "I'm not sure"}[answer]
    assert submission.danger_signs[0]["why"] == f"answered “{words}” to “Is a child in danger now?”"
    assert {m.recipient for m in queued("safeguarding_alert")} == SAFEGUARDING_INBOXES
    assert "the safeguarding team and the complaints manager are being alerted" in (
        confirmation.text
    )


def test_words_of_danger_in_what_they_said_are_read_by_the_public_forms_matcher(
    app: Flask,
) -> None:
    client = caseworker(app)
    said = "Nobody came to my review. My stepdad hits me when mum is at work."
    record(client, a_parents_complaint(what_happened=said))
    (submission,) = recorded()
    assert submission.urgent
    assert submission.danger_signs[0]["sentence"] == "My stepdad hits me when mum is at work."
    assert submission.danger_signs[0]["source"] == "what-happened"
    assert {m.recipient for m in queued("safeguarding_alert")} == SAFEGUARDING_INBOXES


def test_no_danger_alerts_nobody(app: Flask) -> None:
    record(caseworker(app), a_parents_complaint())
    (submission,) = recorded()
    assert not submission.urgent and not submission.concern
    assert queued("safeguarding_alert") == []


def test_the_routing_rules_apply_as_to_the_public_form(app: Flask) -> None:
    routing_rules.load_demo_rules()
    record(caseworker(app), a_parents_complaint(child_age="17", team="not_sure"))
    (submission,) = recorded()
    assert submission.case.team is not None and submission.case.team.name == "Leaving Care"
    assert submission.case.routing_reason == "Young people aged 16 to 25 go to leaving care"
    assert submission.about_team_id is None


def test_a_letter_back_is_a_task_to_print_it_and_no_email(app: Flask) -> None:
    client = caseworker(app)
    confirmation = record(
        client,
        a_parents_complaint(
            channel="letter",
            contact_preference="post",
            email="",
            address="1 High Street\nNorthmoor",
            postcode="NM1 2AB",
        ),
    )
    (submission,) = recorded()
    assert queued("acknowledgement") == []
    tasks = list(db.session.scalars(sa.select(Task).where(Task.submission_id == submission.id)))
    assert [t.kind for t in tasks] == ["acknowledge_without_email"]
    assert tasks[0].description in confirmation.text
    case = case_page(client, submission.reference)
    assert "Print the acknowledgement letter" in case.text


def test_an_advocacy_offer_accepted_goes_to_the_provider(app: Flask) -> None:
    record(caseworker(app), a_parents_complaint(advocacy="accepted"))
    (submission,) = recorded()
    assert submission.case.advocacy_status == "requested"
    assert len(queued("advocacy_referral")) == 1


def test_a_childs_email_says_nothing_of_what_they_told_us(app: Flask, smtp: SmtpServer) -> None:
    sending_to(app, smtp)
    record(
        caseworker(app),
        a_parents_complaint(
            role="child",
            name="Sam",
            email="sam@example.com",
            child_name="",
            child_age="14",
            child_agreement="",
            child_reply_preference="",
            advocacy="not_sure",
        ),
    )
    deliver()
    (email,) = smtp.inbox.to("sam@example.com")
    assert "Nobody came to the review meeting" not in email.text
    assert "waited all day" not in email.text


def test_an_auditor_may_neither_see_the_page_nor_record(app: Flask) -> None:
    client = caseworker(app, Role.AUDITOR)
    assert client.get(URL).status_code == 403
    page = look(client, "/staff/")
    assert "Record a complaint" not in page.text
    response = client.post(URL, data={"csrf_token": page.csrf_token, **a_parents_complaint()})
    assert response.status_code == 403
    assert recorded() == []


def test_a_caseworker_finds_the_page_in_the_menu(app: Flask) -> None:
    page = look(caseworker(app), "/staff/")
    assert page.link_to("Record a complaint") == URL


@pytest.mark.parametrize("token", [None, "forged"], ids=["no-token", "wrong-token"])
def test_recording_without_the_sessions_token_records_nothing(
    app: Flask, token: str | None
) -> None:
    client = caseworker(app)
    look(client, URL)
    data = a_parents_complaint() | ({"csrf_token": token} if token else {})
    assert client.post(URL, data=data).status_code == 400
    assert recorded() == []


def test_the_annual_report_counts_complaints_by_how_they_arrived(app: Flask) -> None:
    from backoffice_helpers import new_complaint, received_at, sign_in_as_manager, table_after

    client = caseworker(app)
    record(client, a_parents_complaint())  # by phone, 19 December 2025
    record(client, a_parents_complaint(channel="letter", received_on=date_parts(date(2026, 1, 5))))
    record(client, a_parents_complaint(channel="letter", received_on=date_parts(date(2026, 2, 2))))
    # Not a complaint: counted with the contacts, not here.
    record(client, a_parents_complaint(channel="mp", kind="compliment"))
    new_complaint(when=received_at(date(2026, 1, 12)))  # the public form
    new_complaint(when=received_at(date(2025, 1, 12)))  # the year before, online

    manager = browser(app)
    sign_in_as_manager(manager)
    page = look(manager, "/staff/reports/annual?from=2025-04-01&to=2026-03-31")
    rows = {row[0]: row[1:] for row in table_after(page, "How complaints arrived")}
    assert rows == {
        "Online form": ["1", "1", "0.0"],
        "Phone": ["1", "0", "–"],
        "Letter": ["2", "0", "–"],
        "Email": ["0", "0", "–"],
        "In person": ["0", "0", "–"],
        "Through a councillor": ["0", "0", "–"],
        "Through an MP": ["0", "0", "–"],
        "From the advocacy provider": ["0", "0", "–"],
        "Not recorded (imported from the old system)": ["0", "0", "–"],
    }
    contacts = {row[0]: row[1] for row in table_after(page, "Contacts received")}
    assert contacts["Complaints"] == "4" and contacts["Compliments"] == "1"


def test_a_caseworker_sees_the_confirmation_of_one_that_went_to_another_team(
    app: Flask,
) -> None:
    client = caseworker(app)  # in Looked After Children
    confirmation = record(client, a_parents_complaint(team=str(team_id("Fostering"))))
    (submission,) = recorded()
    assert summary(confirmation)["Team"] == "Fostering"
    assert "It went to Fostering: you cannot open that team's cases." in confirmation.text
    # The case itself is Fostering's: not shown to them, as any other team's case.
    assert client.get(f"/staff/cases/{submission.reference}").status_code == 404
    # Nor is another person's confirmation of a case they cannot see.
    other = browser(app)
    sign_in(other, make_staff(Role.TEAM_MEMBER, team="Leaving Care"))
    assert other.get(f"/staff/record/{submission.reference}").status_code == 404


def test_someone_who_asks_for_texts_by_phone_is_texted_and_a_landline_is_refused(
    app: Flask,
) -> None:
    client = caseworker(app)
    texted = a_parents_complaint(contact_preference="text", email="", phone="01632 960 001")
    assert errors_shown_twice(read(post_form(client, URL, texted))) == {
        "phone": "Enter a UK mobile number, like 07700 900 982"
    }
    record(client, texted | {"phone": "07700 900 982"})
    (case,) = recorded()
    assert (case.contact_preference, case.phone) == ("text", "07700 900 982")
    (acknowledgement,) = queued("acknowledgement")
    assert (acknowledgement.channel, acknowledgement.recipient) == ("sms", "+447700900982")


def test_texts_are_not_offered_when_the_council_cannot_send_them(app: Flask) -> None:
    app.config.update(SMS_EMAIL_GATEWAY="", NOTIFY_API_KEY=None)
    client = caseworker(app)
    assert "Text message" not in look(client, URL).text
