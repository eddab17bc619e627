"""Integration tests run on a real database; on SQLite they skip the disk flush after
each commit (durability is not under test, and it makes the suite several times faster).
Locking, constraints and transactions are SQLite's own, so nothing else changes."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from notify_server import EMAIL_TEMPLATE_ID, LETTER_TEMPLATE_ID, SMS_TEMPLATE_ID, NotifyServer
from smtp_server import SmtpServer
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.extensions import db, mail
from portal.services import outbox


@event.listens_for(Engine, "connect")
def _no_flush_to_disk(connection: Any, record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a port of its own, for this test."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def notify_server() -> Iterator[NotifyServer]:
    """A local GOV.UK Notify (tests/notify_server.py) on a port of its own, for this test."""
    with NotifyServer() as server:
        yield server


def sending_through_notify(app: Flask, server: NotifyServer, **config: Any) -> Flask:
    """The test's app sending everything through `server`, with the council's three
    templates (what NOTIFY_API_KEY switches on in production)."""
    app.config.update(
        NOTIFY_API_KEY=server.api_key,
        NOTIFY_BASE_URL=server.base_url,
        NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE_ID,
        NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE_ID,
        NOTIFY_LETTER_TEMPLATE_ID=LETTER_TEMPLATE_ID,
        NOTIFY_TIMEOUT_SECONDS=5,
    )
    app.config.update(config)
    return app


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Path:
    """Uploaded files go to a folder of this test's own, unscanned."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    app.config["CLAMAV_ADDRESS"] = ""
    return folder


def sending_to(app: Flask, smtp: SmtpServer, **config: Any) -> Flask:
    """The test's app sending its email to `smtp` (Flask-Mail reads its settings when it
    is attached, so it is attached again)."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, SMTP_TIMEOUT_SECONDS=5)
    app.config.update(config)
    mail.init_app(app)
    return app


def deliver() -> None:
    """The outbox worker sends everything due, as `flask outbox work` would; the test's
    session then reads what the worker recorded."""
    while outbox.work_once().sent:
        pass
    db.session.expire_all()


Result = TypeVar("Result")


def twice_at_once(app: Flask, job: Callable[[], Result]) -> list[Result]:
    """Run `job` in two threads released at the same moment, each with its own app
    context (so its own database connection), as two workers or cron hosts would. An
    error in either fails the test."""
    start = threading.Barrier(2)
    results: list[Result] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                start.wait()
                results.append(job())
            except BaseException as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == 2
    return results
