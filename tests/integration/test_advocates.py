"""Advocates (issue 17): organisations a complaints manager approves by their email domain;
an advocate registers or is invited, sets a password from the email (real SMTP) and an
authenticator app before anything else; sees the cases they filed or are named on, with the
child's wishes, the due dates and every letter to the complainant; copies of those letters
reach them only while the child's consent stands, which the child (tracking page), the
advocate or staff can withdraw."""

import html
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    PASSWORD,
    browser,
    errors_shown_twice,
    give_authenticator_app,
    look,
    make_staff,
    post_form,
    read,
    save,
    sign_in,
    summary,
    team_id,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, answers_for, squash
from smtp_server import SmtpServer
from test_outbox import complete_journey, only_email_to
from test_staff_invitations import NEW_PASSWORD, link_in, tries_password
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import AdvocateOrganisation, AuditEvent, Staff, Submission
from portal.services import intake
from portal.services.common import hash_secret

ADVOCATE = "ali.advocate@speakup.example"
CHILD = "kai@example.com"
CHILD_WROTE = "My foster carer reads my messages and I do not like it."


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER, email="morgan.manager@council.example"))
    return client


def approved(name: str = "Speak Up", domain: str = "speakup.example") -> int:
    organisation = AdvocateOrganisation(name=name, email_domain=domain)
    db.session.add(organisation)
    db.session.commit()
    return organisation.id


def advocate_account(email: str = ADVOCATE) -> Staff:
    """An advocate of Speak Up, with an authenticator app, as if they had registered."""
    organisation = db.session.scalar(
        sa.select(AdvocateOrganisation.id).where(
            AdvocateOrganisation.email_domain == email.rpartition("@")[2]
        )
    ) or approved(domain=email.rpartition("@")[2])
    make_staff(Role.ADVOCATE, email=email)
    person = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    person.organisation_id = organisation
    person.name = "Ali Advocate"
    db.session.commit()
    return person


def signed_in_advocate(app: Flask, email: str = ADVOCATE) -> FlaskClient:
    client = browser(app)
    sign_in(client, email)
    return client


def childs_complaint(
    *,
    advocate_email: str | None = ADVOCATE,
    put_right: str = "I want to choose who reads my messages.",
    now: datetime | None = None,
) -> Submission:
    """A child's complaint naming their advocate on the form (which is their consent to
    copies), by email."""
    return intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.CHILD,
            name="Kai Morrow",
            contact_preference=ContactPreference.EMAIL,
            email=CHILD,
            what_happened=CHILD_WROTE,
            put_right=put_right,
            child_age=14,
            team_id=team_id("Looked After Children"),
            advocacy=AdvocacyAnswer.ALREADY_HAS_ONE,
            advocate_name="Ali Advocate" if advocate_email else None,
            advocate_email=advocate_email,
            answers={"what-happened": {"what_happened": CHILD_WROTE}},
        ),
        now=now or datetime.now(UTC),
    )


def filed_by_advocate(email: str = ADVOCATE, child: str = "Sam Lee") -> Submission:
    """A complaint an advocate sent for a child through the public form."""
    return intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.ADVOCATE,
            name="Ali Advocate",
            organisation="Speak Up",
            contact_preference=ContactPreference.EMAIL,
            email=email.upper(),  # as typed: an address matches whatever its case
            what_happened="Sam's placement moved without telling them.",
            put_right="Sam wants to be told before a move.",
            child_name=child,
            child_age=12,
            child_reply_preference="meeting",
            team_id=team_id("Looked After Children"),
            answers={},
        ),
        now=datetime.now(UTC),
    )


def options_of(page: Page, name: str) -> list[tuple[str, str]]:
    """The choices of the select `name`: (value, words)."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page.html, re.S)
    assert found, name
    return [
        (value, squash(html.unescape(words)))
        for value, words in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', found[1])
    ]


def table_rows(page: Page) -> list[list[str]]:
    """Each row of the page's table body, cell by cell, as read."""
    body = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', page.html, re.S)
    assert body
    return [
        [
            squash(html.unescape(re.sub(r"<[^>]+>", " ", cell)))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body[1], re.S)
    ]


def withdraw(client: FlaskClient, reference: str) -> TestResponse:
    """Press "Withdraw consent to copies" on the advocate's case page."""
    page = look(client, f"/staff/advocate/cases/{reference}")
    hidden = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden" and e.attrs.get("name") != "csrf_token"
    }
    token = re.search(r'id="copies".*?name="csrf_token"[^>]*value="([^"]+)"', page.html, re.S)
    assert token, "no button to withdraw the consent"
    return client.post(
        f"/staff/advocate/cases/{reference}/copies", data={**hidden, "csrf_token": token[1]}
    )


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def message(staff: FlaskClient, reference: str, subject: str, to: list[str]) -> None:
    save(
        staff,
        f"/staff/cases/{reference}/message",
        {"to": to, "subject": subject, "body": f"{subject}: we will meet on Friday."},
    )


# --- organisations, registering, inviting ---------------------------------------------------


def test_a_manager_approves_an_organisation_and_only_its_domain_can_register(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    empty = read(post_form(manager, "/staff/advocate-organisations", {}))
    assert errors_shown_twice(empty) == {
        "name": "Enter the organisation's name",
        "email_domain": "Enter the email domain",
    }
    page = save(
        manager,
        "/staff/advocate-organisations",
        {"name": "Speak Up", "email_domain": "@SpeakUp.example"},
    )
    assert "Speak Up is approved" in page.notification_banner
    assert "@speakup.example" in page.text
    assert "advocate_organisation_approved" in audit_actions()

    public = browser(app)
    form = look(public, "/staff/register-as-an-advocate")
    assert form.headings[0] == "Ask for an advocate's account"
    (organisation,) = [value for value, _ in options_of(form, "organisation") if value]
    elsewhere = read(
        post_form(
            public,
            "/staff/register-as-an-advocate",
            {"name": "Eve", "organisation": organisation, "email": "eve@gmail.example"},
        )
    )
    assert errors_shown_twice(elsewhere) == {
        "email": "Enter your work email address at Speak Up: it ends @speakup.example"
    }
    response = post_form(
        public,
        "/staff/register-as-an-advocate",
        {"name": "Ali Advocate", "organisation": organisation, "email": ADVOCATE},
    )
    assert response.location == "/staff/register-as-an-advocate/check-your-email"
    deliver()
    email = only_email_to(smtp, ADVOCATE)
    assert email.subject == "Your advocate's account for the children's complaints portal"
    assert "You asked for an advocate's account" in email.text
    link = link_in(email)
    # Asking again for an address that has an account sends nothing, and says the same.
    again = post_form(
        public,
        "/staff/register-as-an-advocate",
        {"name": "Ali Advocate", "organisation": organisation, "email": ADVOCATE},
    )
    assert again.location == "/staff/register-as-an-advocate/check-your-email"
    deliver()
    assert len(smtp.inbox.to(ADVOCATE)) == 1

    # The password from the link, then the authenticator app before anything else.
    newcomer = browser(app)
    newcomer.get(link)
    assert post_form(newcomer, "/staff/set-password", {"new": NEW_PASSWORD}).status_code == 302
    assert tries_password(app, ADVOCATE, NEW_PASSWORD) == "/staff/advocate/cases"
    sign_in(newcomer, ADVOCATE, NEW_PASSWORD)
    assert newcomer.get("/staff/advocate/cases").location == "/staff/account/authenticator-app"
    person = db.session.scalars(sa.select(Staff).where(Staff.email == ADVOCATE)).one()
    assert (person.role, person.organisation_id) == ("advocate", int(organisation))
    assert "advocate_registered" in audit_actions()


def test_an_organisation_no_longer_approved_takes_no_registrations(
    app: Flask, manager: FlaskClient
) -> None:
    approved()
    listed = look(manager, "/staff/advocate-organisations")
    (action,) = [
        f.attrs["action"] for f in listed.find_all("form") if "approval" in f.attrs["action"]
    ]
    manager.post(action, data={"csrf_token": listed.csrf_token})
    assert "Stop new registrations" not in look(manager, "/staff/advocate-organisations").text
    form = look(browser(app), "/staff/register-as-an-advocate")
    assert [value for value, _ in options_of(form, "organisation") if value] == []


def test_a_manager_invites_an_advocate_and_disabling_them_ends_their_sessions(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    organisation = approved()
    no_organisation = read(
        post_form(
            manager,
            "/staff/staff-accounts/new",
            {"name": "Ali Advocate", "email": ADVOCATE, "role": "advocate"},
        )
    )
    assert (
        "Select the advocate's organisation" in errors_shown_twice(no_organisation)["organisation"]
    )
    response = post_form(
        manager,
        "/staff/staff-accounts/new",
        {
            "name": "Ali Advocate",
            "email": ADVOCATE,
            "role": "advocate",
            "organisation": str(organisation),
        },
    )
    assert response.status_code == 302
    deliver()
    email = only_email_to(smtp, ADVOCATE)
    assert "has made you an advocate's account" in email.text
    person = db.session.scalars(sa.select(Staff).where(Staff.email == ADVOCATE)).one()
    assert person.organisation_id == organisation

    advocate_account("other@speakup.example")
    theirs = signed_in_advocate(app, "other@speakup.example")
    assert theirs.get("/staff/advocate/cases").status_code == 200
    other = db.session.scalars(sa.select(Staff).where(Staff.email == "other@speakup.example")).one()
    save(
        manager,
        f"/staff/staff-accounts/{other.id}",
        {"role": "advocate", "team": "", "can_sign_in": "no"},
    )
    assert theirs.get("/staff/advocate/cases").location.startswith("/staff/sign-in")


# --- which cases, and what the advocate sees -------------------------------------------------


def test_an_advocate_sees_the_cases_they_filed_or_are_named_on_and_each_view_is_audited(
    app: Flask, manager: FlaskClient
) -> None:
    advocate_id = advocate_account().id
    filed = filed_by_advocate()
    filed_id = filed.id
    named_by_child = childs_complaint()
    named_by_staff = childs_complaint(advocate_email=None)
    someone_elses = filed_by_advocate("jo@otherorg.example", child="Jo's child")
    references = [c.reference for c in (filed, named_by_child, named_by_staff, someone_elses)]
    db.session.remove()

    # Staff name the advocate's account on the case from the accounts.
    form = look(manager, f"/staff/cases/{references[2]}/advocacy")
    choices = dict(options_of(form, "advocate_account"))
    assert choices[str(advocate_id)] == "Ali Advocate (Speak Up)"
    save(
        manager,
        f"/staff/cases/{references[2]}/advocacy",
        {"status": "assigned", "advocate": "", "advocate_account": str(advocate_id)},
    )

    client = signed_in_advocate(app)
    listed = look(client, "/staff/advocate/cases")
    assert listed.headings[0] == "Your cases"
    shown = {row[0]: row for row in table_rows(listed)}
    assert set(shown) == set(references[:3])
    assert shown[references[0]][1:4] == ["Sam Lee", "Complaint", "Triage"]
    assert shown[references[0]][4].startswith("Acknowledge by ")
    # The navigation has only what an advocate can use.
    assert "Triage queue" not in listed.text and "Staff accounts" not in listed.text

    page = look(client, f"/staff/advocate/cases/{references[0]}")
    rows = summary(page)
    assert rows["What would put it right"] == "Sam wants to be told before a move."
    assert rows["How the child wants to hear back"] == "In a meeting, with someone they trust"
    assert rows["Next due"] == summary(look(manager, f"/staff/cases/{references[0]}"))["Next due"]
    assert client.get(f"/staff/advocate/cases/{references[3]}").status_code == 404
    viewed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "advocate_viewed")
    ).all()
    assert [(e.staff_id, e.submission_id) for e in viewed] == [(advocate_id, filed_id)]
    assert "advocate_cases_listed" in audit_actions()


# --- consent to copies -------------------------------------------------------------------------


def test_copies_reach_the_advocate_only_while_the_childs_consent_stands(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    advocate_account()
    reference = childs_complaint().reference
    db.session.remove()
    deliver()

    staff_page = look(manager, f"/staff/cases/{reference}")
    rows = summary(staff_page)
    assert rows["What would put it right"] == "I want to choose who reads my messages."
    assert rows["Advocate"] == "Ali Advocate"
    assert rows["Consent to copies"].startswith("Given on ")
    assert rows["Consent to copies"].endswith("by the child, on the form")
    assert look(manager, f"/staff/cases/{reference}/message").value_of("to") == [
        "complainant",
        "advocate",
    ]

    message(manager, reference, "First meeting", ["complainant", "advocate"])
    deliver()
    (copy,) = [e for e in smtp.inbox.to(ADVOCATE) if e.subject == "First meeting"]
    assert "we will meet on Friday" in copy.text  # the professional's copy has the words
    child_email = [e for e in smtp.inbox.to(CHILD) if "new message" in e.subject][-1]
    assert "we will meet on Friday" not in child_email.text  # the child's never does

    # The advocate sees the letters to the complainant, and withdraws the consent.
    client = signed_in_advocate(app)
    page = look(client, f"/staff/advocate/cases/{reference}")
    assert "First meeting: we will meet on Friday." in page.text
    response = withdraw(client, reference)
    assert response.status_code == 302
    page = look(client, response.location)
    assert "consent to copies is withdrawn" in page.notification_banner
    assert summary(page)["Consent to copies"].startswith("Withdrawn on ")

    assert look(manager, f"/staff/cases/{reference}/message").value_of("to") == "complainant"
    message(manager, reference, "Second meeting", ["complainant"])
    deliver()
    assert [e.subject for e in smtp.inbox.to(ADVOCATE) if "meeting" in e.subject] == [
        "First meeting"
    ]
    rows = summary(look(manager, f"/staff/cases/{reference}"))
    assert "by the advocate" in rows["Consent to copies"]
    assert "copy_consent_withdrawn" in audit_actions()

    # Staff record the child's word again: copies start again.
    save(
        manager,
        f"/staff/cases/{reference}/copies",
        {"action": "give", "on": ["6", "12", "2026"]},
    )
    message(manager, reference, "Third meeting", ["complainant", "advocate"])
    deliver()
    assert "Third meeting" in [e.subject for e in smtp.inbox.to(ADVOCATE)]


def tracking_path(smtp: SmtpServer) -> str:
    received = smtp.inbox.to(CHILD)[0]
    (link,) = set(re.findall(r"https?://\S+/track/[^\s<\"]+", received.text))
    return urlsplit(link).path


def test_the_child_stops_the_copies_from_their_tracking_page(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = childs_complaint().reference
    db.session.remove()
    deliver()
    child = browser(app)
    path = tracking_path(smtp)
    page = look(child, path)
    assert "Copies to your advocate" in page.text
    empty = read(post_form(child, path, {}))
    assert empty.status == 200
    assert errors_shown_twice(empty) == {"stop": "Select yes if you want us to stop sending copies"}
    assert empty.title.startswith("Error: ")
    kept = post_form(child, path, {"stop": "no"})
    assert kept.status_code == 302
    assert "Copies to your advocate" in look(child, path).text
    response = post_form(child, path, {"stop": "yes"})
    page = look(child, response.location)
    assert "We will not send your advocate copies" in page.notification_banner
    assert "Copies to your advocate" not in page.text

    rows = summary(look(manager, f"/staff/cases/{reference}"))
    assert "by the child, from their tracking page" in rows["Consent to copies"]
    message(manager, reference, "After withdrawal", ["complainant"])
    deliver()
    assert smtp.inbox.to(ADVOCATE) == [
        e for e in smtp.inbox.to(ADVOCATE) if "After" not in e.subject
    ]


def test_the_tracking_page_offers_to_stop_copies_in_welsh(app: Flask, smtp: SmtpServer) -> None:
    childs_complaint()
    db.session.remove()
    deliver()
    child = browser(app)
    path = tracking_path(smtp)
    page = look(child, f"{path}?lang=cy")
    assert "Copïau i'ch eiriolwr" in page.text


def test_a_case_with_no_advocate_offers_no_copies_and_refuses_a_forged_stop(
    app: Flask, smtp: SmtpServer
) -> None:
    childs_complaint(advocate_email=None)
    db.session.remove()
    deliver()
    child = browser(app)
    path = tracking_path(smtp)
    assert "Copies to your advocate" not in look(child, path).text
    token = look(child, "/find-your-complaint").csrf_token
    response = child.post(path, data={"csrf_token": token, "stop": "yes"})
    assert response.status_code == 302
    assert "copy_consent_withdrawn" not in audit_actions()


# --- filing again -------------------------------------------------------------------------


def start_as_an_advocate(client: FlaskClient) -> str:
    """Start a complaint as an advocate, up to the page about their organisation; returns
    the form's CSRF token."""
    answers = answers_for("complaint", "advocate")
    token = look(client, "/make-a-complaint/who-are-you").csrf_token
    for step in ("who-are-you", "are-you-safe"):
        client.post(f"/make-a-complaint/{step}", data={**answers[step], "csrf_token": token})
    return token


def test_a_signed_in_advocate_filing_again_has_their_details_and_their_own_childs_filled_in(
    app: Flask,
) -> None:
    advocate_id = advocate_account().id
    db.session.get(Staff, advocate_id).phone = "01632 960123"  # type: ignore[union-attr]
    db.session.commit()
    earlier = filed_by_advocate(child="Sam Lee")
    earlier.child_date_of_birth = date(2013, 5, 4)
    db.session.commit()
    earlier_reference = earlier.reference
    others = filed_by_advocate("jo@otherorg.example", child="Jo's child").reference
    db.session.remove()

    client = signed_in_advocate(app)
    token = start_as_an_advocate(client)
    organisation = look(client, "/make-a-complaint/your-organisation")
    assert organisation.value_of("organisation") == "Speak Up"
    client.post(
        "/make-a-complaint/your-organisation",
        data={"organisation": "Speak Up", "csrf_token": token},
    )
    about = look(client, "/make-a-complaint/about-the-child")
    assert "Fill in a child from one of your earlier cases" in about.text
    assert "Sam Lee" in about.text and "Jo's child" not in about.text
    chosen = look(client, f"/make-a-complaint/about-the-child?child={earlier_reference}")
    assert chosen.value_of("child_name") == "Sam Lee"
    assert chosen.value_of("child_date_of_birth") == ["4", "5", "2013"]
    # Another advocate's child is never filled in, whatever the address asks.
    theirs = look(client, f"/make-a-complaint/about-the-child?child={others}")
    assert theirs.value_of("child_name") in (None, "")

    contact = look(client, "/make-a-complaint/contact")
    assert contact.value_of("name") == "Ali Advocate"
    assert contact.value_of("email") == ADVOCATE
    assert contact.value_of("phone") == "01632 960123"
    assert contact.value_of("contact_preference") == "email"


def test_a_case_sent_by_a_signed_in_advocate_is_on_their_list_whatever_email_they_gave(
    app: Flask,
) -> None:
    advocate_account()
    client = signed_in_advocate(app)
    answers = answers_for("complaint", "advocate")
    answers["contact"]["email"] = "team-inbox@speakup.example"
    reference = complete_journey(client, "make-a-complaint", answers)
    listed = look(client, "/staff/advocate/cases")
    assert reference in listed.text


def test_someone_not_signed_in_files_as_an_advocate_with_nothing_filled_in(app: Flask) -> None:
    advocate_account()
    filed_by_advocate()
    db.session.remove()
    client = browser(app)
    start_as_an_advocate(client)
    assert look(client, "/make-a-complaint/your-organisation").value_of("organisation") in (
        None,
        "",
    )
    about = look(client, "/make-a-complaint/about-the-child")
    assert "earlier cases" not in about.text


def test_an_advocate_must_use_an_authenticator_app_whatever_the_council_sets(app: Flask) -> None:
    app.config["SECOND_FACTOR_OPTIONAL_FOR"] = ("team_member", "auditor", "advocate")
    approved()
    person = Staff(
        email=ADVOCATE,
        name="Ali Advocate",
        password_hash=hash_secret(PASSWORD),
        role=Role.ADVOCATE.value,
    )
    db.session.add(person)
    db.session.commit()
    client = browser(app)
    sign_in(client, ADVOCATE)
    assert client.get("/staff/advocate/cases").location == "/staff/account/authenticator-app"
    give_authenticator_app(ADVOCATE)
    client = signed_in_advocate(app)
    account = look(client, "/staff/account")
    assert "Turn off" not in account.text
    token = account.csrf_token
    assert (
        client.post(
            "/staff/account/authenticator-app/turn-off", data={"csrf_token": token}
        ).status_code
        == 403
    )


def test_staff_accounts_list_an_advocate_with_their_organisation(
    app: Flask, manager: FlaskClient
) -> None:
    advocate_account()
    listed = look(manager, "/staff/staff-accounts")
    (row,) = [r for r in table_rows(listed) if r[1] == ADVOCATE]
    assert row[2:4] == ["Advocate", "Speak Up"]


def test_after_consent_is_withdrawn_the_advocates_page_shows_nothing_new(
    app: Flask, manager: FlaskClient
) -> None:
    advocate_account()
    reference = childs_complaint().reference
    db.session.remove()
    message(manager, reference, "Before", ["complainant", "advocate"])
    save(
        manager,
        f"/staff/cases/{reference}/copies",
        {"action": "withdraw", "on": ["6", "12", "2026"]},
    )
    message(manager, reference, "After", ["complainant"])
    page = look(signed_in_advocate(app), f"/staff/advocate/cases/{reference}")
    assert "Letters and messages copied to you" in page.text
    assert "Before: we will meet on Friday." in page.text
    assert "After: we will meet on Friday." not in page.text
