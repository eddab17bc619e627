"""The migration that lets a task name the message that never reached the person
(c4a9e2d71f03): tasks made before keep everything and name no message; the downgrade
drops the column and keeps the tasks. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from outbox_helpers import a_complaint

from portal.domain.types import ContactPreference
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services.intake import record_submission

BEFORE = "8c3e1f0a7d42"  # the revision before: a task names at most a letter


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("task_message") as app:
        yield app


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("tasks")}


def tasks() -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.text("SELECT submission_id, kind, description, due_on FROM tasks ORDER BY id")
        )
    ]


def test_tasks_made_before_name_no_message_and_the_downgrade_keeps_them(
    own_database: Flask,
) -> None:
    # A complaint made by phone: a task to acknowledge it another way.
    record_submission(
        a_complaint(contact_preference=ContactPreference.PHONE, email=None, phone="01632 960001")
    )
    db.session.remove()
    downgrade(revision=BEFORE)
    assert "outbox_message_id" not in columns()
    # A receipt recorded before, its time as 8c3e1f0a7d42 kept it (no time zone).
    db.session.execute(
        sa.text(
            "INSERT INTO outbox_messages (purpose, recipient, subject, text_body, html_body, "
            "priority, status, attempts, next_attempt_at, created_at, channel, "
            "delivery_status, delivery_updated_at) VALUES ('team_notification', "
            "'team@council.example', 'A new case', 'Text', '<p>Text</p>', 0, 'sent', 1, "
            "'2026-12-04 09:00:00', '2026-12-04 09:00:00', 'email', 'delivered', "
            "'2026-12-04 09:00:05')"
        )
    )
    db.session.commit()
    before = tasks()
    assert before, "the complaint made by phone has its task"

    db.session.remove()  # the read's transaction would hold the table against ALTER
    upgrade()
    assert "outbox_message_id" in columns()
    assert tasks() == before
    receipt = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.delivery_status == "delivered")
    ).one()
    assert receipt.delivery_updated_at == datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)
    assert db.session.scalar(sa.text("SELECT outbox_message_id FROM tasks")) is None
    # A task may now name a message, and only one that exists.
    db.session.execute(
        sa.text(
            "INSERT INTO outbox_messages (purpose, recipient, subject, text_body, html_body, "
            "priority, status, attempts, next_attempt_at, created_at, channel) VALUES "
            "('acknowledgement', 'dana@example.com', 'We have your complaint', 'Text', "
            "'<p>Text</p>', 20, 'sent', 1, '2026-12-04 09:00:00', '2026-12-04 09:00:00', "
            "'email')"
        )
    )
    message = db.session.scalar(
        sa.text("SELECT id FROM outbox_messages WHERE delivery_status IS NULL")
    )
    db.session.execute(sa.text("UPDATE tasks SET outbox_message_id = :m"), {"m": message})
    db.session.commit()
    assert db.session.scalar(sa.text("SELECT outbox_message_id FROM tasks")) == message
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("tasks")}
    assert "ix_tasks_outbox_message_id" in indexes

    db.session.remove()
    downgrade(revision=BEFORE)
    assert "outbox_message_id" not in columns()
    assert tasks() == before
    db.session.remove()
    upgrade()
