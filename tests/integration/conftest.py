"""Integration tests run on a real database; on SQLite they skip the disk flush after
each commit (durability is not under test, and it makes the suite several times faster).
Locking, constraints and transactions are SQLite's own, so nothing else changes."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from migration_helpers import TODAY, load_the_demo
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


def _the_demo() -> None:
    assert load_the_demo(TODAY) == 120


@pytest.fixture(scope="session")
def the_demo_once(built_once: Callable[[str, Callable[[], object]], str]) -> str:
    """A database the migrations built and `flask demo load` filled (its cases as of
    TODAY), made once a session (per worker) for the migration tests that start from
    the demo: loading its 120 cases through the services costs most of such a test."""
    return built_once("demo", _the_demo)


@pytest.fixture
def own_database_with_the_demo(
    request: pytest.FixtureRequest,
    portal_on_its_own_database: Callable[..., AbstractContextManager[Flask]],
    the_demo_once: str,
) -> Iterator[Flask]:
    """The portal on a copy of `the_demo_once` of this test's own."""
    name = request.module.__name__.removeprefix("test_") + "_demo"
    with portal_on_its_own_database(name, copy_of=the_demo_once) as app:
        yield app


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
