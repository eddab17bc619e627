"""The migration that lets a message go by text or letter and keep Notify's receipt
(8c3e1f0a7d42): every message already queued is an email, kept as it was; the downgrade
drops the new columns and keeps the messages. On SQLite and, with DATABASE_URL, on
PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.extensions import db

BEFORE = "5e1d7c3a9b20"  # the revision before: every message an email, no receipts
NEW_COLUMNS = {"channel", "notify_id", "delivery_status", "delivery_reason", "delivery_updated_at"}


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("outbox_channels") as app:
        yield app


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("outbox_messages")}


def messages() -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.text("SELECT recipient, subject, status FROM outbox_messages ORDER BY id")
        )
    ]


def test_messages_queued_before_are_emails_and_the_downgrade_keeps_them(
    own_database: Flask,
) -> None:
    db.session.remove()
    downgrade(revision=BEFORE)
    assert not NEW_COLUMNS & columns()
    db.session.execute(
        sa.text(
            "INSERT INTO outbox_messages (purpose, recipient, subject, text_body, html_body, "
            "priority, status, attempts, next_attempt_at, created_at) VALUES "
            "('acknowledgement', 'sam@example.com', 'We have your complaint', 'Text', "
            "'<p>Text</p>', 20, 'pending', 0, '2026-12-04 09:00:00', '2026-12-04 09:00:00')"
        )
    )
    db.session.commit()
    before = messages()

    db.session.remove()  # the read's transaction would hold the table against ALTER
    upgrade()
    assert columns() >= NEW_COLUMNS
    assert messages() == before
    assert db.session.execute(
        sa.text("SELECT channel, notify_id, delivery_status FROM outbox_messages")
    ).one() == ("email", None, None)
    # A letter's address is longer than any email address.
    address = "Flat 3\nHigh Street\nNorthmoor\nNM1 2AB\n" + "x" * 300
    db.session.execute(sa.text("UPDATE outbox_messages SET recipient = :a"), {"a": address})
    db.session.commit()
    db.session.execute(sa.text("UPDATE outbox_messages SET recipient = 'sam@example.com'"))
    db.session.commit()

    db.session.remove()
    downgrade(revision=BEFORE)
    assert not NEW_COLUMNS & columns()
    assert messages() == before
