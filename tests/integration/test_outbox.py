"""Acknowledgements and other emails: saved in the outbox with the submission, sent by a
worker to a real SMTP server (aiosmtpd on 127.0.0.1, tests/integration/smtp_server.py).
The tests that hold whichever way a message goes (`postbox`) run twice: over SMTP, and
through the local GOV.UK Notify (tests/notify_server.py) with NOTIFY_API_KEY set; what is
Notify's own is in test_outbox_notify.py.

Each test checks what a person would: what arrived in which inbox, what it says, what it
does not give away, and what staff see when the mail server is down or refuses.
"""

import html
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from conftest import sending_through_notify, sending_to
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_babel import force_locale
from notify_server import NotifyServer
from outbox_helpers import a_complaint, messages, work
from postboxes import NotifyPostbox, Postbox, SmtpPostbox
from smtp_server import Received, SmtpServer
from sqlalchemy.orm import ORMExecuteState, Session

from portal.database import utcnow
from portal.domain.clock import add_working_days, london_date
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Case, OutboxMessage, Submission, Task, Team
from portal.services import outbox
from portal.services.intake import record_submission

RETRY_BASE_SECONDS = 0.2
MAX_ATTEMPTS = 4
ADVOCACY_PROVIDER_INBOX = "advocacy@coramvoice.example"


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    """The shared app, sending to this test's SMTP server with short retry delays."""
    return sending_to(
        app,
        smtp,
        OUTBOX_RETRY_BASE_SECONDS=RETRY_BASE_SECONDS,
        OUTBOX_MAX_ATTEMPTS=MAX_ATTEMPTS,
        OUTBOX_STUCK_AFTER_SECONDS=300,
    )


@pytest.fixture(params=["smtp", "notify"])
def postbox(request: pytest.FixtureRequest, app: Flask, smtp: SmtpServer) -> Iterator[Postbox]:
    """Where messages arrive: the SMTP server, or (NOTIFY_API_KEY set) GOV.UK Notify."""
    if request.param == "smtp":
        yield SmtpPostbox(smtp)
        return
    with NotifyServer() as server:
        sending_through_notify(app, server)
        yield NotifyPostbox(server)


# --- helpers ----------------------------------------------------------------------------


def in_words(day: date) -> str:
    """How a person reads a due date: "Wednesday 31 December 2025"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def team_named(public_name: str) -> Team:
    return db.session.scalars(sa.select(Team).where(Team.public_name == public_name)).one()


def reload(submission: Submission) -> Submission:
    db.session.expire_all()
    return db.session.get_one(Submission, submission.id)


def wait_until_due(message: OutboxMessage) -> None:
    delay = (message.next_attempt_at - utcnow()).total_seconds()
    time.sleep(max(delay, 0) + 0.02)


def readable(received: Received) -> str:
    """Both parts of an email as a person reads them (entities turned back into text)."""
    return received.text + "\n" + html.unescape(received.html)


def only_email_to(smtp: SmtpServer, address: str) -> Received:
    arrived = smtp.inbox.to(address)
    assert len(arrived) == 1, f"{len(arrived)} emails arrived for {address}"
    return arrived[0]


def tracking_path(received: Received) -> str:
    links = set(re.findall(r"https?://\S+/track/[^\s<\"]+", received.text))
    assert len(links) == 1, links
    link = links.pop()
    assert link in received.html
    return urlsplit(link).path


# --- the public journey, filled in as a person would ---------------------------------------

CONTINUE = 302


def complete_journey(client: FlaskClient, slug: str, answers: dict[str, dict[str, Any]]) -> str:
    """Answer each question the portal asks, in the order it asks them, and send it.
    Returns the reference shown on the confirmation page."""
    first = client.get(f"/{slug}/who-are-you").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', first)
    assert token, "the first question has no form"
    step = "who-are-you"
    while step != "check-answers":
        assert step in answers, f"the portal asked {step!r}, which this test did not expect"
        response = client.post(
            f"/{slug}/{step}", data={**answers[step], "csrf_token": token.group(1)}
        )
        assert response.status_code == CONTINUE, (step, response.get_data(as_text=True)[-2000:])
        step = response.location.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    response = client.post(f"/{slug}/check-answers", data={"csrf_token": token.group(1)})
    assert response.status_code == CONTINUE
    confirmation = client.get(response.location).get_data(as_text=True)
    reference = re.search(r"CSC-\d{4}-\d{4,}", confirmation)
    assert reference, "the confirmation page shows no reference"
    return reference.group(0)


def parent_answers(team: str, **contact: str) -> dict[str, dict[str, Any]]:
    return {
        "who-are-you": {"role": "parent"},
        "are-you-safe": {"in_danger": "no"},
        "about-the-child": {
            "child_name": "Robin Whitfield",
            "child_date_of_birth": ["3", "4", "2016"],
            "child_age": "",
        },
        "the-childs-views": {"child_agreement": "agrees", "child_reply_preference": "through_me"},
        "what-it-is-about": {"team": team},
        "what-happened": {
            "what_happened": "The social worker missed three visits in a row.",
            "when_it_happened": "last_month",
            "event_date": ["", "", ""],
        },
        "put-it-right": {"put_right": "A new visit plan in writing."},
        "advocate": {"advocacy": "declined"},
        "contact": {
            "name": "Dana Whitfield",
            "contact_preference": "email",
            "email": "dana.whitfield@example.com",
            "safe_to_contact": ["phone", "voicemail", "letters"],
            **contact,
        },
        "support": {"support": "none"},
        "files": {},  # sending no file is fine
    }


CHILD_WROTE = "My foster carer takes my phone away and I cannot call my mum."
CHILD_WANTS = "I want to phone my mum every Sunday."


def child_answers(team: str, **contact: str) -> dict[str, dict[str, Any]]:
    return {
        "who-are-you": {"role": "child"},
        "are-you-safe": {"in_danger": "no"},
        "your-age": {"age": "13"},
        # A child says who it is about in their own words ("where I live": children in
        # care); `team` is the service an adult would choose.
        "what-it-is-about": {"about": "where_i_live"},
        "what-happened": {
            "what_happened": CHILD_WROTE,
            "when_it_happened": "still_happening",
            "event_date": ["", "", ""],
        },
        "put-it-right": {"put_right": CHILD_WANTS},
        "advocate": {"advocacy": "declined"},
        "contact": {
            "name": "Kai Morrow",
            "contact_preference": "email",
            "email": "kai.morrow@example.com",
            "safe_to_contact": ["phone", "voicemail", "letters"],
            **contact,
        },
        "support": {"support": "none"},
        "files": {},  # sending no file is fine
    }


def submission_with(reference: str) -> Submission:
    db.session.expire_all()
    return db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()


@contextmanager
def committed_transactions() -> Iterator[list[set[str]]]:
    """The tables each committed transaction inserted rows into, in commit order."""
    committed: list[set[str]] = []
    inserted: set[str] = set()

    def after_flush(session: Session, context: Any) -> None:
        inserted.update(type(obj).__tablename__ for obj in session.new)

    def do_orm_execute(state: ORMExecuteState) -> None:
        # Rows written by a statement, not the flush (Send's messages, in one INSERT).
        if state.is_insert:
            inserted.add(state.statement.table.name)  # type: ignore[attr-defined]

    def after_commit(session: Session) -> None:
        if inserted:
            committed.append(set(inserted))
        inserted.clear()

    def after_rollback(session: Session) -> None:
        inserted.clear()

    listeners = [
        ("after_flush", after_flush),
        ("do_orm_execute", do_orm_execute),
        ("after_commit", after_commit),
        ("after_rollback", after_rollback),
    ]
    for name, listener in listeners:
        sa.event.listen(Session, name, listener)
    try:
        yield committed
    finally:
        for name, listener in listeners:
            sa.event.remove(Session, name, listener)


# --- the acknowledgement ------------------------------------------------------------------


def test_a_complaint_made_online_is_saved_with_its_acknowledgement_waiting_to_be_sent(
    client: FlaskClient,
) -> None:
    team = str(team_named("Children in care").id)
    with committed_transactions() as transactions:
        reference = complete_journey(client, "make-a-complaint", parent_answers(team))

    submission = submission_with(reference)
    acknowledgements = messages("acknowledgement")
    assert [(m.recipient, m.status, m.attempts) for m in acknowledgements] == [
        ("dana.whitfield@example.com", "pending", 0)
    ]
    assert acknowledgements[0].submission_id == submission.id
    assert submission.case.acknowledged_at is None
    # One commit wrote the submission and its messages: neither can exist without the other.
    with_submission = [t for t in transactions if "submissions" in t]
    with_messages = [t for t in transactions if "outbox_messages" in t]
    assert len(with_submission) == 1
    assert with_messages == with_submission


def test_the_worker_emails_the_acknowledgement_with_the_reference_dates_and_tracking_link(
    client: FlaskClient, postbox: Postbox
) -> None:
    team = str(team_named("Children in care").id)
    reference = complete_journey(client, "make-a-complaint", parent_answers(team))

    result = work()

    assert result.sent >= 1 and result.failed == 0
    [email] = postbox.to("dana.whitfield@example.com")
    assert reference in email.subject
    received_on = london_date(submission_with(reference).received_at)
    reply_by = in_words(add_working_days(received_on, 10))
    longest = in_words(add_working_days(received_on, 20))
    assert submission_with(reference).case.acknowledged_how == "email"
    for part in email.readable():
        assert "Dear Dana Whitfield" in part
        assert reference in part
        assert f"We will reply by {reply_by}" in re.sub(r"<[^>]+>", "", part)
        assert f"we may need until {longest}" in part
        assert "advocate" in part
        assert "Adding information" in part
        assert "If you are unhappy with our response" in part
        assert "Local Government and Social Care Ombudsman" in part
    if email.html is not None:
        assert "<strong>" in email.html
    assert submission_with(reference).case.acknowledged_at is not None
    assert submission_with(reference).case.acknowledged_how == "email"
    assert [m.status for m in messages("acknowledgement")] == ["sent"]


def test_the_tracking_link_in_the_acknowledgement_opens_the_tracking_page(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    team = str(team_named("Children in care").id)
    reference = complete_journey(client, "make-a-complaint", parent_answers(team))
    work()

    page = client.get(tracking_path(only_email_to(smtp, "dana.whitfield@example.com")))

    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)


def test_due_dates_in_the_acknowledgement_skip_christmas_and_bank_holidays(
    app: Flask, smtp: SmtpServer
) -> None:
    tuesday_before_christmas = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)

    record_submission(a_complaint(), now=tuesday_before_christmas)
    work()

    reply_by = add_working_days(date(2026, 12, 22), 10)
    assert reply_by == date(2027, 1, 8)
    email = only_email_to(smtp, "dana.whitfield@example.com")
    assert "We will reply by Friday 8 January 2027" in email.text
    assert "<strong>Friday 8 January 2027</strong>" in email.html


def test_a_child_is_acknowledged_in_childrens_words_and_nothing_they_wrote_is_repeated(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    team = str(team_named("Children in care").id)
    reference = complete_journey(client, "make-a-complaint", child_answers(team))

    work()

    email = only_email_to(smtp, "kai.morrow@example.com")
    for part in (email.text, html.unescape(email.html)):
        assert "We got your message. Thank you for telling us." in part
        assert "Someone to help you speak up" in part
        assert "If you are not happy later" in part
        assert "See how it is going" in part
        assert reference in part
        assert "Dear " not in part
    everything = readable(email) + email.subject
    # Someone else may read a child's inbox: the email must not say what the child wrote.
    for written in (CHILD_WROTE, CHILD_WANTS, "foster carer takes my phone", "phone my mum"):
        assert written not in everything
    assert "Kai" not in everything and "Morrow" not in everything
    assert "Children in care" not in everything


def test_a_child_who_asked_for_replies_through_their_advocate_has_the_acknowledgement_sent_there(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    team = str(team_named("Children in care").id)
    answers = child_answers(
        team,
        contact_preference="advocate",
        email="",
        advocate_name="Morgan Hale",
        advocate_email="morgan.hale@speakup.example",
    )
    # Only a child who has an advocate is offered to hear through them.
    answers["advocate"] = {"advocacy": "already_has_one"}
    reference = complete_journey(client, "make-a-complaint", answers)

    work()

    email = only_email_to(smtp, "morgan.hale@speakup.example")
    assert reference in email.subject
    assert "Dear Morgan Hale" in email.text
    assert "a child asked us to reply through you" in email.text
    assert reference in email.html
    assert CHILD_WROTE not in readable(email)
    assert not smtp.inbox.to("kai.morrow@example.com")
    assert submission_with(reference).case.acknowledged_at is not None
    assert db.session.scalars(sa.select(Task)).all() == []


def test_an_advocate_who_complains_for_a_child_is_acknowledged_at_their_own_address(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    answers = parent_answers(
        str(team_named("Children in care").id),
        name="Morgan Hale",
        email="morgan.hale@speakup.example",
    )
    answers["who-are-you"] = {"role": "advocate"}
    answers["your-organisation"] = {"organisation": "Speak Up Northmoor"}
    del answers["advocate"]  # an advocate filing is the child's advocate: not asked
    reference = complete_journey(client, "make-a-complaint", answers)

    work()

    email = only_email_to(smtp, "morgan.hale@speakup.example")
    assert "Dear Morgan Hale" in email.text
    assert reference in email.text and reference in email.html
    assert submission_with(reference).advocacy_answer == "filed_by_advocate"


@pytest.mark.parametrize(
    ("contact", "how"),
    [
        # No address to post to: a call only.
        ({"contact_preference": "phone", "phone": "07911 123456", "email": ""}, "phone"),
        (
            {
                "contact_preference": "post",
                "address": "4 Mill Lane, Northmoor",
                "postcode": "NM2 3BB",
                "email": "",
            },
            "letter",  # no phone number to call
        ),
    ],
    ids=["phone", "post"],
)
def test_without_an_email_address_staff_get_a_task_to_acknowledge_by_phone_or_letter(
    client: FlaskClient, smtp: SmtpServer, app: Flask, contact: dict[str, str], how: str
) -> None:
    team = team_named("Children in care")
    reference = complete_journey(
        client, "make-a-complaint", parent_answers(str(team.id), **contact)
    )

    work()

    submission = submission_with(reference)
    due = add_working_days(
        london_date(submission.received_at), app.config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"]
    )
    tasks = db.session.scalars(sa.select(Task).where(Task.submission_id == submission.id)).all()
    assert [(t.description, t.due_on, t.done_at) for t in tasks] == [
        (f"Acknowledge by {how} by {in_words(due)}", due, None)
    ]
    assert messages("acknowledgement") == []
    assert [m.recipients for m in smtp.inbox.messages()] == [[team.inbox_email]]
    assert submission.case.acknowledged_at is None


# --- staff and the advocacy provider --------------------------------------------------------

PERSONAL = (
    "Dana",
    "Whitfield",
    "Robin",
    "dana.whitfield@example.com",
    "missed three visits",
    "visit plan",
    "07911",
    "2016",
)


@pytest.mark.parametrize(
    ("chosen", "routed_to"),
    [
        ("Children in care", "looked.after@northmoor.example"),
        (None, "first.response@northmoor.example"),
    ],
    ids=["chosen-team", "not-sure-goes-to-the-default-team"],
)
def test_the_team_a_submission_is_routed_to_is_told_without_any_personal_data(
    client: FlaskClient, smtp: SmtpServer, chosen: str | None, routed_to: str
) -> None:
    team = str(team_named(chosen).id) if chosen else "not_sure"
    answers = parent_answers(team, phone="07911 123456")
    reference = complete_journey(client, "make-a-complaint", answers)

    work()

    note = only_email_to(smtp, routed_to)
    assert note.subject == f"New complaint: {reference}"
    assert reference in note.text and reference in note.html
    assert "Acknowledge by" in note.text
    for personal in PERSONAL:
        assert personal not in readable(note) + note.subject


def test_sends_messages_are_written_in_one_insert_in_its_transaction(
    client: FlaskClient,
) -> None:
    answers = parent_answers(str(team_named("Children in care").id))
    answers["advocate"] = {"advocacy": "accepted"}
    inserts: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX_MESSAGES"):
            inserts.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        with committed_transactions() as transactions:
            reference = complete_journey(client, "make-a-complaint", answers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)

    submission = submission_with(reference)
    sent = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.submission_id == submission.id)
    ).all()
    # The acknowledgement, the team's note and the provider's referral: one INSERT (on
    # SQLite the ORM would write each on its own), with the submission's commit.
    assert sorted(m.purpose for m in sent) == [
        "acknowledgement",
        "advocacy_referral",
        "team_notification",
    ]
    assert len(inserts) == 1
    assert [t for t in transactions if "outbox_messages" in t] == [
        t for t in transactions if "submissions" in t
    ]


def test_messages_queued_in_a_batch_that_fails_are_not_written(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError), outbox.batched():
            outbox.queue(
                purpose="acknowledgement",
                recipient="someone@example.com",
                subject="Never sent",
                text_body="x",
                html_body="<p>x</p>",
            )
            raise RuntimeError("the request failed")
        # Outside the batch a message is the session's again, as before.
        kept = outbox.queue(
            purpose="acknowledgement",
            recipient="someone@example.com",
            subject="Sent",
            text_body="x",
            html_body="<p>x</p>",
        )
        assert kept in db.session
        db.session.commit()
        assert [m.subject for m in db.session.scalars(sa.select(OutboxMessage))] == ["Sent"]


def test_an_accepted_offer_of_an_advocate_is_referred_to_the_advocacy_provider(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    answers = parent_answers(str(team_named("Children in care").id))
    answers["advocate"] = {"advocacy": "accepted"}
    reference = complete_journey(client, "make-a-complaint", answers)

    work()

    referral = only_email_to(smtp, ADVOCACY_PROVIDER_INBOX)
    assert referral.subject == f"Advocacy request: {reference}"
    assert "accepted the offer of an advocate" in referral.text
    for personal in PERSONAL:
        assert personal not in readable(referral)


def test_a_declined_offer_of_an_advocate_sends_no_referral(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    complete_journey(
        client, "make-a-complaint", parent_answers(str(team_named("Children in care").id))
    )

    work()

    assert smtp.inbox.to(ADVOCACY_PROVIDER_INBOX) == []


# --- rendered by the worker (issue 19) -----------------------------------------------------

# Each kind of acknowledgement, note and referral a submission sets off.
SUBMISSIONS = {
    "parent": {},
    "child": {"role": SubmitterRole.CHILD, "name": "Kai Morrow", "child_name": None},
    "child-through-advocate": {
        "role": SubmitterRole.CHILD,
        "advocacy": AdvocacyAnswer.ALREADY_HAS_ONE,
        "advocate_name": "Morgan Hale",
        "advocate_email": "morgan.hale@speakup.example",
    },
    "advocate-accepted": {"advocacy": AdvocacyAnswer.ACCEPTED},
    "not-sure": {"advocacy": AdvocacyAnswer.NOT_SURE},
    "compliment": {"kind": Kind.COMPLIMENT, "advocacy": None},
    "representation": {"kind": Kind.REPRESENTATION},
    "advocacy-request": {"kind": Kind.ADVOCACY, "advocacy": AdvocacyAnswer.REQUESTED},
}


@pytest.mark.parametrize("changes", SUBMISSIONS.values(), ids=SUBMISSIONS.keys())
def test_the_worker_writes_the_words_the_templates_give_with_the_case_itself(
    app: Flask, changes: dict[str, Any]
) -> None:
    """Queued as a template and plain values, each email says, word for word, what it
    said when it was rendered in the request from the case's own row."""
    record_submission(a_complaint(**changes))
    queued = messages()
    assert queued and all(m.template and m.text_body is None for m in queued)
    for message in queued:
        case = message.submission
        assert case is not None
        context = dict(message.context or {}) | {"submission": as_the_emails_read_it(case)}
        if message.purpose == "team_notification":
            context["team"] = db.session.get(Team, case.case.team_id)
        with force_locale(message.language):
            expected = tuple(
                render_template(f"emails/{message.template}.{part}", **outbox_context(context))
                for part in ("txt", "html")
            )
        assert outbox.render(message) == expected, message.purpose


def as_the_emails_read_it(case: Submission) -> dict[str, Any]:
    """What the emails read of the submission, from its rows as they are (the kind is the
    case's own)."""
    sent = ("reference", "submitter_name", "advocate_name", "advocacy_answer")
    return {name: getattr(case, name) for name in sent} | {
        "kind": case.case.kind,
        "received_on": case.received_on,
        "acknowledge_by": case.acknowledge_by,
    }


def outbox_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context's dates as dates again (JSON keeps them tagged)."""
    return {
        key: date.fromisoformat(value["$date"])
        if isinstance(value, dict) and set(value) == {"$date"}
        else value
        for key, value in context.items()
    }


def test_the_dates_in_an_acknowledgement_are_those_of_the_day_it_was_queued(
    app: Flask, smtp: SmtpServer
) -> None:
    tuesday_before_christmas = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)
    case = record_submission(a_complaint(), now=tuesday_before_christmas)
    # Whatever happens to the case before the worker gets to it, the email says what the
    # person was told on the day (the confirmation page's dates).
    case.submitter_name = "Someone Else"
    case.received_at = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    db.session.commit()

    work()

    email = only_email_to(smtp, "dana.whitfield@example.com")
    assert "Dear Dana Whitfield" in email.text
    assert "We will reply by Friday 8 January 2027" in email.text
    sent = messages("acknowledgement")[0]
    assert sent.text_body == email.text.replace("\r\n", "\n")  # kept as sent


# --- when the mail server fails -------------------------------------------------------------


def test_while_the_mail_server_is_down_the_worker_retries_with_growing_delays_then_sends_once(
    app: Flask, postbox: Postbox
) -> None:
    # Long enough that "before its time comes round" holds on a busy machine too.
    base = app.config["OUTBOX_RETRY_BASE_SECONDS"] = 1.0
    postbox.go_down()
    submission = record_submission(a_complaint())
    waits = []

    for attempt in (1, 2):
        result = work()
        assert (result.sent, result.failed) == (0, 2)
        [acknowledgement] = messages("acknowledgement")
        assert (acknowledgement.status, acknowledgement.attempts) == ("pending", attempt)
        assert postbox.while_down in (acknowledgement.last_error or "")
        assert acknowledgement.claimed_at is not None
        waits.append((acknowledgement.next_attempt_at - acknowledgement.claimed_at).total_seconds())
        # Before its time comes round again the worker leaves it alone.
        assert work() == outbox.WorkResult(sent=0, failed=0)
        for message in messages():  # each recorded a moment after the one before
            wait_until_due(message)

    assert base <= waits[0] < waits[1]
    assert waits[1] >= 2 * base

    postbox.come_back()
    result = work()

    assert (result.sent, result.failed) == (2, 0)
    [acknowledgement] = messages("acknowledgement")
    assert (acknowledgement.status, acknowledgement.attempts) == ("sent", 3)
    assert acknowledgement.last_error is None
    [arrived] = postbox.to("dana.whitfield@example.com")
    assert len(arrived.text) > 0
    assert reload(submission).case.acknowledged_at is not None
    assert work() == outbox.WorkResult(sent=0, failed=0)
    assert len(postbox.arrivals()) == 2


def fail_for_good(smtp: SmtpServer) -> OutboxMessage:
    """Record a complaint and have the server refuse it every time, until it fails."""
    smtp.inbox.refuse("550 5.7.1 Delivery not authorised")
    record_submission(a_complaint())
    for _ in range(MAX_ATTEMPTS):
        work()
        [acknowledgement] = messages("acknowledgement")
        if acknowledgement.status == "failed":
            break
        wait_until_due(acknowledgement)
    return acknowledgement


def test_after_the_last_try_a_refused_message_is_marked_failed_with_the_reason(
    app: Flask, smtp: SmtpServer
) -> None:
    acknowledgement = fail_for_good(smtp)

    assert acknowledgement.status == "failed"
    assert acknowledgement.attempts == MAX_ATTEMPTS
    assert "550" in (acknowledgement.last_error or "")
    assert "Delivery not authorised" in (acknowledgement.last_error or "")
    smtp.inbox.accept()
    # The team's note, refused alongside it, may still have a try left (under load its
    # retries fall a little behind the acknowledgement's): only the failed one must stay.
    work()
    assert messages("acknowledgement")[0].status == "failed"
    assert smtp.inbox.to(acknowledgement.recipient) == []


def test_staff_can_retry_a_failed_message_with_the_service(app: Flask, smtp: SmtpServer) -> None:
    acknowledgement = fail_for_good(smtp)
    smtp.inbox.accept()

    assert outbox.retry(acknowledgement.id) is True
    work()

    [acknowledgement] = messages("acknowledgement")
    assert acknowledgement.status == "sent"
    assert [m.portal_id for m in smtp.inbox.to("dana.whitfield@example.com")] == [
        acknowledgement.id
    ]


def test_staff_can_retry_a_failed_message_with_flask_outbox_retry(
    app: Flask, smtp: SmtpServer
) -> None:
    acknowledgement = fail_for_good(smtp)
    smtp.inbox.accept()

    result = app.test_cli_runner().invoke(args=["outbox", "retry", str(acknowledgement.id)])

    assert result.exit_code == 0, result.output
    assert f"Message {acknowledgement.id} will be sent again." in result.output
    work()
    assert messages("acknowledgement")[0].status == "sent"
    assert len(smtp.inbox.to("dana.whitfield@example.com")) == 1


def test_flask_outbox_retry_refuses_a_message_that_has_not_failed(
    app: Flask, smtp: SmtpServer
) -> None:
    record_submission(a_complaint())
    [acknowledgement] = messages("acknowledgement")

    result = app.test_cli_runner().invoke(args=["outbox", "retry", str(acknowledgement.id)])

    assert result.exit_code == 1
    assert f"Message {acknowledgement.id} is not a failed message." in result.output
    assert messages("acknowledgement")[0].status == "pending"


def test_a_message_left_sending_by_a_worker_that_died_is_sent_by_another_worker(
    app: Flask, postbox: Postbox
) -> None:
    record_submission(a_complaint())
    with app.app_context():  # the first worker, with its own session
        claimed = outbox.claim(50)
        assert len(claimed) == 2
    # ... and it died here, before sending anything.
    assert {m.status for m in messages()} == {"sending"}

    assert work() == outbox.WorkResult(sent=0, failed=0), "taken again before it was stuck"
    app.config["OUTBOX_STUCK_AFTER_SECONDS"] = 0.3
    time.sleep(0.4)
    result = work()

    assert (result.sent, result.failed) == (2, 0)
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 2), ("sent", 2)]
    assert sorted(m.portal_id for m in postbox.arrivals()) == [m.id for m in messages()]


def test_a_second_worker_leaves_alone_what_a_slow_first_worker_is_still_sending(
    app: Flask, postbox: Postbox
) -> None:
    for number in range(4):
        record_submission(a_complaint(email=f"person{number}@example.com"))
    postbox.slow_down(0.5)  # eight messages: four seconds for one worker's batch
    app.config["OUTBOX_STUCK_AFTER_SECONDS"] = 2.0
    errors: list[BaseException] = []

    def first_worker() -> None:
        with app.app_context():
            try:
                outbox.work_once(batch_size=50)
            except BaseException as error:
                errors.append(error)

    first = threading.Thread(target=first_worker)
    first.start()
    # Past the stuck time, the first worker is alive and still working through its batch.
    time.sleep(2.5)
    second = work()
    first.join(timeout=30)

    assert errors == []
    assert second == outbox.WorkResult(sent=0, failed=0)
    arrived = Counter(m.portal_id for m in postbox.arrivals())
    assert sorted(arrived.items()) == [(m.id, 1) for m in messages()]


def test_flask_outbox_work_once_sends_what_is_due_and_exits_with_the_count(
    app: Flask, postbox: Postbox
) -> None:
    record_submission(a_complaint())
    record_submission(a_complaint(contact_preference=ContactPreference.PHONE, email=None))

    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 3, failed 0."
    assert len(postbox.arrivals()) == 3
    assert {m.status for m in messages()} == {"sent"}
    again = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert again.output.strip() == "Sent 0, failed 0."


# --- several workers ------------------------------------------------------------------------

SUBMISSIONS = 200
WORKERS = 4


def test_several_workers_at_once_send_every_message_exactly_once(
    app: Flask, postbox: Postbox
) -> None:
    """Runs on SQLite and on PostgreSQL (CI runs the suite again with DATABASE_URL set):
    on PostgreSQL the workers claim with FOR UPDATE SKIP LOCKED."""
    for number in range(SUBMISSIONS):
        record_submission(a_complaint(email=f"person{number}@example.com"))
    expected = {m.id for m in messages()}
    start = threading.Barrier(WORKERS)
    results: list[outbox.WorkResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            try:
                start.wait()
                results.append(outbox.work_once(batch_size=10))
            except BaseException as error:  # reported below, with the database's words
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    arrived = Counter(m.portal_id for m in postbox.arrivals())
    assert [id_ for id_, times in arrived.items() if times > 1] == []
    assert set(arrived) == expected
    acknowledgements = messages("acknowledgement")
    assert len(acknowledgements) == SUBMISSIONS
    assert sum(arrived[m.id] for m in acknowledgements) == SUBMISSIONS
    assert sum(r.sent for r in results) == len(expected)
    assert {(m.status, m.attempts) for m in messages()} == {("sent", 1)}
    unacknowledged = db.session.scalar(
        sa.select(sa.func.count()).where(Case.acknowledged_at.is_(None))
    )
    assert unacknowledged == 0


# --- logs -----------------------------------------------------------------------------------


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every log record at DEBUG. The test session builds its database by running the
    migrations in this process, and alembic's fileConfig turns off every logger that
    already existed (ours among them); a worker in production never runs migrations,
    so its loggers are on. Turn them back on for this test."""
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.disabled:
            monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.DEBUG)
    return caplog


def test_logs_carry_message_ids_and_references_but_no_names_or_contact_details(
    client: FlaskClient, postbox: Postbox, every_log: pytest.LogCaptureFixture
) -> None:
    answers = parent_answers(str(team_named("Children in care").id), phone="07911 123456")
    answers["advocate"] = {"advocacy": "accepted"}
    reference = complete_journey(client, "make-a-complaint", answers)
    postbox.go_down()
    work()
    postbox.come_back()
    for message in messages():
        wait_until_due(message)
    work()

    # aiosmtpd stands for the outside world's mail server: its own log is not ours.
    ours = [r for r in every_log.records if not r.name.startswith("mail.log")]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in ours)
    for personal in (
        "Dana",
        "Whitfield",
        "Robin",
        "dana.whitfield@example.com",
        "07911",
        "123456",
        "missed three visits",
        "@northmoor.example",
        "@coramvoice.example",
    ):
        assert personal not in logged
    sent = {m.id for m in messages()}
    assert {m.portal_id for m in postbox.arrivals()} == sent
    lines = [r.getMessage() for r in ours]
    for message_id in sent:
        for event in ("will be retried", "sent"):
            said = f"outbox message {message_id} ({reference}) {event}"
            assert any(line.startswith(said) for line in lines), said


# --- track my submission --------------------------------------------------------------------


def test_the_tracking_page_shows_the_status_and_dates_and_none_of_the_persons_words(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    team = team_named("Children in care")
    answers = parent_answers(str(team.id), phone="07911 123456")
    reference = complete_journey(client, "make-a-complaint", answers)
    work()
    submission = submission_with(reference)
    received_on = london_date(submission.received_at)

    response = client.get(tracking_path(only_email_to(smtp, "dana.whitfield@example.com")))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))
    assert reference in page
    assert f"Sent {in_words(received_on)}" in page
    assert f"We will reply by {in_words(add_working_days(received_on, 10))}" in page
    assert f"We told you we got it {in_words(received_on)}" in page
    assert "Being looked at" in page
    for hidden in (*PERSONAL, team.name, team.inbox_email, *submission.flags):
        assert hidden not in page


def test_a_wrong_token_and_a_wrong_reference_get_the_same_not_found_page(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    reference = complete_journey(
        client, "make-a-complaint", parent_answers(str(team_named("Children in care").id))
    )
    work()
    right = tracking_path(only_email_to(smtp, "dana.whitfield@example.com"))
    token = right.rsplit("/", 1)[-1]
    assert client.get(right).status_code == 200

    wrong_token = client.get(f"/track/{reference}/{'x' * len(token)}")
    wrong_reference = client.get(f"/track/CSC-1999-0001/{token}")

    assert wrong_token.status_code == wrong_reference.status_code == 404
    assert wrong_token.get_data() == wrong_reference.get_data()
    same_headers = {"Content-Type", "Content-Length", "Cache-Control", "Vary"}
    assert {k: v for k, v in wrong_token.headers if k in same_headers} == {
        k: v for k, v in wrong_reference.headers if k in same_headers
    }
    assert reference not in wrong_token.text


def test_the_tracking_page_is_rate_limited(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    app.config["TRACKING_RATE_LIMIT"] = "3 per minute"
    reference = complete_journey(
        client, "make-a-complaint", parent_answers(str(team_named("Children in care").id))
    )
    work()
    right = tracking_path(only_email_to(smtp, "dana.whitfield@example.com"))

    guesses = [client.get(f"/track/{reference}/guess{n}").status_code for n in range(3)]
    after_the_limit = client.get(right)

    assert guesses == [404, 404, 404]
    assert after_the_limit.status_code == 429
    assert "Too many tries" in after_the_limit.text
    # When to try again: before the minute's window ends.
    assert 1 <= int(after_the_limit.headers["Retry-After"]) <= 60
    assert reference not in after_the_limit.text
