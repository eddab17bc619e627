""" "Find your complaint" (issue 17): someone who lost the link to their tracking page
gives the reference and the email address or phone number they gave us; a fresh link
goes there, by a real SMTP server. The page says the same whatever was typed, so nobody
can find out who has complained; each address is limited."""

import re
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser, errors_shown_twice, new_complaint
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import page_of
from smtp_server import SmtpServer

from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, Submission, Task
from portal.services import tracking

WHAT_HAPPENED = "My foster carer shouts at me every night."


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


def a_case(*, email: str | None = "pat.parent@example.com", **more: object) -> str:
    reference: str = new_complaint(email=email, text=WHAT_HAPPENED, **more).reference  # type: ignore[arg-type]
    deliver()  # the acknowledgement, with the first link
    db.session.remove()
    return reference


def ask(client: FlaskClient, reference: str, contact: str) -> str:
    """Ask for a new link; the page the person then sees."""
    page = client.get("/find-your-complaint")
    token = page_of(page).csrf_token
    sent = client.post(
        "/find-your-complaint",
        data={"csrf_token": token, "reference": reference, "contact": contact},
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[-2000:]
    assert urlsplit(sent.headers["Location"]).path == "/find-your-complaint/asked"
    return page_of(client.get("/find-your-complaint/asked")).text


def fresh_links(smtp: SmtpServer, address: str) -> list[str]:
    found = []
    for received in smtp.inbox.to(address):
        if "a new link" in received.subject or "dolen newydd" in received.subject:
            found += re.findall(r"https?://\S+/track/[^\s<\"]+", received.text)
    return found


def a_minute_goes_by() -> None:
    """The links asked for so far were queued a minute earlier: the next ask is someone
    asking again, not the button pressed twice (tracking.SAME_PRESS)."""
    for message in db.session.scalars(sa.select(OutboxMessage)):
        message.created_at -= timedelta(minutes=1)
    db.session.commit()


def test_the_reference_and_email_given_bring_a_new_link_that_opens_the_tracking_page(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    typed = reference.lower().replace("-", " ")

    said = ask(client, f"  {typed} ", "Pat.Parent@Example.COM")
    deliver()

    assert "we have emailed a new link" in said
    [link] = fresh_links(smtp, "pat.parent@example.com")
    email = smtp.inbox.to("pat.parent@example.com")[-1]
    assert reference in email.subject and reference in email.text
    assert WHAT_HAPPENED not in email.text and WHAT_HAPPENED not in email.html
    tracking_page = client.get(urlsplit(link).path)
    assert tracking_page.status_code == 200
    assert reference in page_of(tracking_page).text
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "tracking_link_sent" in actions


def _with_a_phones_dashes(reference: str) -> str:
    """A phone's keyboard turns "-" into "–" or "—" as it is typed."""
    return reference.replace("-", " \u2014 ", 1).replace("-", "\u2013")


def _with_the_letter_o_for_noughts(reference: str) -> str:
    """ "CSC-2026-OOO1", as someone copies 0001 by eye: the figures hold only figures."""
    prefix, year, number = reference.split("-")
    return f"{prefix}-{year}-{number.replace('0', 'O')}"


@pytest.mark.parametrize("retyped", [_with_a_phones_dashes, _with_the_letter_o_for_noughts])
def test_a_reference_typed_otherwise_than_we_wrote_it_brings_a_new_link(
    client: FlaskClient, smtp: SmtpServer, retyped: Callable[[str], str]
) -> None:
    said = ask(client, retyped(a_case()), "pat.parent@example.com")
    deliver()

    assert "we have emailed a new link" in said
    assert len(fresh_links(smtp, "pat.parent@example.com")) == 1


def test_the_reference_and_address_copied_from_our_email_as_they_stand_bring_a_new_link(
    app: Flask, smtp: SmtpServer
) -> None:
    """Copied from the acknowledgement with what stands around them: its "Reference:"
    line, the sentence the reference ends ("... with the reference CSC-2026-0001."), a
    mail program's "Name <address>" or quotation marks. Each is the person's own
    reference and address, so each brings them a link; none is refused, nor answered
    "Check your email" with nothing sent."""
    reference = a_case()
    acknowledgement = smtp.inbox.to("pat.parent@example.com")[0].text
    copied = [
        line.strip()
        for line in acknowledgement.splitlines()
        if reference in line and "/track/" not in line
    ]
    assert f"Reference: {reference}" in copied
    assert any(line.endswith(f"the reference {reference}.") for line in copied)
    typed = [
        *copied,
        f"Ref: {reference}.",
        f'"{reference}"',
        f"<{reference.lower()}>",
    ]
    addresses = [
        "Pat Parent <pat.parent@example.com>",
        "mailto:pat.parent@example.com",
        "pat.parent@example.com.",
        "\u201cpat.parent@example.com\u201d",
    ]
    app.config["PUBLIC_EMAILS_PER_RECIPIENT"] = "100 per hour"

    for n, reference_typed in enumerate(typed):
        said = ask(browser(app), reference_typed, addresses[n % len(addresses)])
        assert "we have emailed a new link" in said
        a_minute_goes_by()
    deliver()

    links = fresh_links(smtp, "pat.parent@example.com")
    assert len(links) == len(typed)
    assert browser(app).get(urlsplit(links[-1]).path).status_code == 200


def test_a_copied_address_that_is_not_theirs_still_brings_nothing(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = a_case()
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    said = ask(browser(app), f"Ref: {reference}.", "Someone <someone.else@example.com>")

    assert said == ask(browser(app), f"Ref: {reference}.", "pat.parent@example.com")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == before + 1
    deliver()
    assert smtp.inbox.to("someone.else@example.com") == []


def test_the_page_says_the_same_whatever_was_typed_and_sends_nothing_that_does_not_match(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = a_case()
    other = a_case(email="someone.else@example.com")
    with app.app_context():
        purged = db.session.scalar(sa.select(Submission).where(Submission.reference == other))
        assert purged is not None
        purged.case.purged_at = purged.received_at
        db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    pages = {
        ask(browser(app), reference, contact)
        for contact in ("pat.parent@example.com", "wrong@example.com", "07700 900 111")
    }
    pages.add(ask(browser(app), "CSC-2031-9999", "pat.parent@example.com"))
    pages.add(ask(browser(app), other, "someone.else@example.com"))

    assert len(pages) == 1, "the answer on screen gives away whether they matched"
    after = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert after == before + 1  # only the one that matched a case not purged


def test_an_advocate_who_filed_gets_a_new_link_at_their_address(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case(email=None)
    with client.application.app_context():
        case = db.session.scalar(sa.select(Submission).where(Submission.reference == reference))
        assert case is not None
        case.advocate_email = "jo@advocacy.example"
        db.session.commit()
    ask(client, reference, "jo@advocacy.example")
    deliver()
    assert len(fresh_links(smtp, "jo@advocacy.example")) == 1


def test_a_phone_number_given_makes_one_task_for_staff_to_reach_them_safely(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case(email=None)  # a phone number only: 07700 900982

    said = ask(client, reference, "+44 7700 900982")
    ask(client, reference, "07700900982")  # asked again while the first waits

    assert "someone from the complaints team will get in touch within 2 working days" in said
    tasks = db.session.scalars(sa.select(Task).where(Task.kind == tracking.FRESH_LINK_TASK)).all()
    assert len(tasks) == 1
    assert "Phone the complainant" in tasks[0].description
    assert "new link" in tasks[0].description
    deliver()
    assert not any("a new link" in received.subject for received in smtp.inbox.messages())


def test_a_childs_new_link_is_in_their_language_and_carries_none_of_their_words(
    client: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference = a_case(role=SubmitterRole.CHILD, email="sam.child@example.com")
    with app.app_context():
        case = db.session.scalar(sa.select(Submission).where(Submission.reference == reference))
        assert case is not None
        case.language = "cy"
        db.session.commit()
    ask(client, reference, "sam.child@example.com")
    deliver()
    [link] = fresh_links(smtp, "sam.child@example.com")
    email = smtp.inbox.to("sam.child@example.com")[-1]
    assert "dolen newydd" in email.subject
    assert "Gofynnoch am ddolen newydd" in email.text
    assert link.endswith("?lang=cy")
    assert WHAT_HAPPENED not in email.text + email.html


def test_the_form_shows_each_error_in_the_summary_and_beside_its_field(
    client: FlaskClient,
) -> None:
    token = page_of(client.get("/find-your-complaint")).csrf_token

    def errors(reference: str, contact: str) -> dict[str, str]:
        response = client.post(
            "/find-your-complaint",
            data={"csrf_token": token, "reference": reference, "contact": contact},
        )
        assert response.status_code == 200
        return errors_shown_twice(page_of(response))

    assert errors("", "") == {
        "reference": "Enter your reference number",
        "contact": "Enter the email address or phone number you gave us",
    }
    assert errors("2026", "pat") == {
        "reference": "Enter the reference number as it is in our email or letter, like "
        "CSC-2026-0123",
        "contact": "Enter an email address, like name@example.com, or a phone number, like "
        "07700 900 982",
    }
    page = page_of(
        client.post(
            "/find-your-complaint",
            data={"csrf_token": token, "reference": "<b>CSC</b>", "contact": "x"},
        )
    )
    assert 'value="&lt;b&gt;CSC&lt;/b&gt;"' in page.html


def test_asking_is_limited_per_address_and_per_email_address(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    app.config["PUBLIC_EMAILS_PER_RECIPIENT"] = "2 per hour"
    for _ in range(3):
        ask(browser(app), reference, "pat.parent@example.com")
        a_minute_goes_by()
    deliver()
    assert len(fresh_links(smtp, "pat.parent@example.com")) == 2

    app.config["FIND_LINK_RATE_LIMIT"] = "2 per minute"
    token = page_of(client.get("/find-your-complaint")).csrf_token
    answers = [
        client.post(
            "/find-your-complaint",
            data={"csrf_token": token, "reference": reference, "contact": "x@example.com"},
        ).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]


def test_the_button_pressed_twice_sends_one_link_and_asking_again_later_another(
    app: Flask, smtp: SmtpServer
) -> None:
    """Before, each press emailed a link: a third press used up the emails allowed an
    hour, and the "try again" the page offers then sent nothing."""
    reference = a_case()
    person = browser(app)
    for _ in range(3):
        said = ask(person, reference, "pat.parent@example.com")
    deliver()
    assert "we have emailed a new link" in said
    assert len(fresh_links(smtp, "pat.parent@example.com")) == 1

    a_minute_goes_by()  # nothing came, they say; they try again a minute later
    ask(person, reference, "pat.parent@example.com")
    deliver()
    assert len(fresh_links(smtp, "pat.parent@example.com")) == 2


def test_the_start_page_and_page_not_found_lead_to_it(client: FlaskClient) -> None:
    for path in ("/", "/track/CSC-2026-0001/not-a-token"):
        page = page_of(client.get(path))
        assert "/find-your-complaint" in page.html, path
