"""The outbox under faults: a batch is as big as asked for, even on tables the database has
never analysed; a message that cannot be sent fails on its own, however it fails, and the
messages claimed beside it are sent."""

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser, case_page, make_staff, new_complaint, sign_in
from conftest import sending_to
from flask import Flask
from smtp_server import SmtpServer

from portal import create_app
from portal.database import utcnow
from portal.domain.access import Role
from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus, Staff
from portal.services import correspondence, outbox


@pytest.fixture
def unanalysed(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on tables made a moment ago, that the database has no statistics for (a new
    PostgreSQL schema, or a new SQLite file), as on a fresh install."""
    if database_url.startswith("postgresql"):
        schema = f"fresh_{secrets.token_hex(4)}"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        # public after it: the extensions the migrations installed (pg_trgm) are there.
        options = {"options": f"-csearch_path={schema},public"}
        url = sa.make_url(database_url).update_query_dict(options)
        fresh_url = url.render_as_string(hide_password=False)
    else:
        fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh = create_app(dict(app.config) | {"SQLALCHEMY_DATABASE_URI": fresh_url})
    try:
        with fresh.app_context():
            # Made in the new schema even though public's tables are visible too.
            db.metadata.create_all(db.engine, checkfirst=False)
            yield fresh
            db.session.remove()
            db.engine.dispose()
    finally:
        if database_url.startswith("postgresql"):
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def queue_messages(count: int) -> None:
    for number in range(count):
        outbox.queue(
            purpose="team_notification",
            recipient=f"team{number}@council.example",
            subject=f"A new case {number}",
            text_body="A new case is waiting.",
            html_body="<p>A new case is waiting.</p>",
        )
    db.session.commit()


def statuses() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def test_a_batch_of_50_claims_50_of_163_waiting_on_tables_never_analysed(
    unanalysed: Flask,
) -> None:
    queue_messages(163)

    claimed = outbox.claim(50)

    assert len(claimed) == 50
    assert statuses() == {OutboxStatus.SENDING.value: 50, OutboxStatus.PENDING.value: 113}


# --- one message's failure is its own -----------------------------------------------------


@pytest.fixture
def mailing(app: Flask, smtp: SmtpServer) -> Flask:
    """The app sending to this test's SMTP server; a retry a moment later, 2 tries."""
    return sending_to(app, smtp, OUTBOX_RETRY_BASE_SECONDS=0.1, OUTBOX_MAX_ATTEMPTS=2)


def insert_message(recipient: str, subject: str) -> int:
    """A row written straight into the outbox, as one saved before the forms refused it."""
    return db.session.execute(
        sa.insert(OutboxMessage)
        .values(
            purpose="correspondence",
            recipient=recipient,
            subject=subject,
            text_body="Hello.",
            html_body="<p>Hello.</p>",
            priority=0,
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
        )
        .returning(OutboxMessage.id)
    ).scalar_one()


def work_until_nothing_is_due() -> None:
    for _ in range(20):
        outbox.work_once()
        db.session.expire_all()
        waiting = db.session.scalar(
            sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING.value
            )
        )
        if waiting is None:
            return
        time.sleep(max((waiting - utcnow()).total_seconds(), 0) + 0.02)
    raise AssertionError("messages were still waiting after 20 rounds")


def test_a_line_break_in_a_subject_fails_that_message_alone_and_the_others_are_sent(
    mailing: Flask, smtp: SmtpServer
) -> None:
    queue_messages(2)
    bad_subject = insert_message("dana@example.com", "Update\nBcc: x@example.com")
    bad_address = insert_message("dana@example.com\nBcc: x@example.com", "Hello")
    queue_messages(2)
    db.session.commit()

    batch = outbox.claim(50)
    assert len(batch) == 6

    assert outbox.send(batch) == (4, 2)
    assert sorted(e.subject for e in smtp.inbox.messages()) == [
        "A new case 0",
        "A new case 0",
        "A new case 1",
        "A new case 1",
    ]
    assert smtp.inbox.to("x@example.com") == [] and smtp.inbox.to("dana@example.com") == []
    db.session.expire_all()
    assert statuses() == {OutboxStatus.SENT.value: 4, OutboxStatus.PENDING.value: 2}
    bad = db.session.get_one(OutboxMessage, bad_subject)
    assert bad.attempts == 1 and bad.next_attempt_at > bad.claimed_at
    assert bad.last_error == "BadHeaderError: a line break in the subject or an address"
    assert db.session.get_one(OutboxMessage, bad_address).last_error == bad.last_error

    work_until_nothing_is_due()

    assert statuses() == {OutboxStatus.SENT.value: 4, OutboxStatus.FAILED.value: 2}
    assert db.session.get_one(OutboxMessage, bad_subject).attempts == 2
    assert len(smtp.inbox.messages()) == 4


def test_a_message_that_could_never_be_sent_shows_on_its_case_as_not_delivered(
    mailing: Flask, smtp: SmtpServer
) -> None:
    manager = make_staff(Role.MANAGER)
    case = new_complaint(email="pat@example.com")
    reference = case.reference
    outbox.work_once()  # the acknowledgement and the team's note
    writer = db.session.scalars(sa.select(Staff).where(Staff.email == manager)).one()
    correspondence.send_message(
        writer,
        case,
        to=[correspondence.Recipient.COMPLAINANT],
        subject="Update",
        body="We have booked the meeting.",
        version=case.case.version,
    )
    # As a subject saved before the form refused line breaks.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.purpose == "correspondence")
        .values(subject="Update\nBcc: x@example.com")
    )
    db.session.commit()

    work_until_nothing_is_due()

    client = browser(mailing)
    sign_in(client, manager)
    page = case_page(client, reference)
    assert "Not delivered BadHeaderError: a line break in the subject or an address" in page.text
    assert smtp.inbox.to("x@example.com") == []


# --- a message rendered by the worker -----------------------------------------------------


def test_a_message_whose_template_cannot_be_rendered_fails_on_its_own_and_is_kept(
    mailing: Flask, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    queue_messages(1)
    # As a message queued before a template was renamed in a new release.
    lost = outbox.queue(
        purpose="team_notification",
        recipient="team@council.example",
        subject="New complaint: CSC-2026-0001",
        template="no-such-email",
        context={"council_name": "Northmoor"},
    )
    # Its words held back at the queue: the worker renders the template in its language.
    welsh = outbox.queue(
        purpose="save_return_code",
        recipient="dana@example.com",
        subject="Cod",
        template="save-return-code",
        context={"code": "493021", "council_name": "Cyngor Northmoor"},
        language="cy",
    )
    queue_messages(1)
    db.session.commit()
    lost_id, welsh_id = lost.id, welsh.id

    work_until_nothing_is_due()

    db.session.expire_all()
    failed = db.session.get_one(OutboxMessage, lost_id)
    assert failed.status == OutboxStatus.FAILED.value and failed.attempts == 2
    assert (failed.last_error or "").startswith(
        "RenderingFailed: emails/no-such-email could not be rendered: TemplateNotFound"
    )
    assert failed.text_body is None  # a later release may still render it, once retried
    assert smtp.inbox.to("team@council.example") == []
    assert sorted(e.subject for e in smtp.inbox.messages()) == [
        "A new case 0",
        "A new case 0",
        "Cod",
    ]
    (code,) = smtp.inbox.to("dana@example.com")
    sent = db.session.get_one(OutboxMessage, welsh_id)
    # What was sent is kept on the row, in the language it was queued in.
    assert sent.text_body == code.text.replace("\r\n", "\n") and "493021" in code.text
    assert 'lang="cy"' in code.html
    assert "could not be rendered" in caplog.text and "dana@example.com" not in caplog.text


def test_a_context_holds_plain_values_only(mailing: Flask) -> None:
    staff = db.session.scalars(sa.select(Staff)).first()
    for context in ({"case": object()}, {"when": [staff or object()]}):
        with pytest.raises(TypeError):
            outbox.queue(
                purpose="team_notification",
                recipient="a@example.com",
                subject="s",
                template="t",
                context=context,
            )
    with pytest.raises(ValueError):
        outbox.queue(
            purpose="team_notification",
            recipient="a@example.com",
            subject="s",
            text_body="only text",
        )
    db.session.rollback()
