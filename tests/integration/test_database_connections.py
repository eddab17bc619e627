"""A worker keeps its database connections in a pool between requests. When the database
restarts (or drops them), the next request must still be answered: on PostgreSQL each
connection is checked as it is taken, by its transaction's BEGIN; a page that only shows
what it reads reads it outside any transaction, once more on a new connection if the
first was dropped (portal/database.py, `read_now`)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey

from portal.database import WriteWhileReading, read_only_from_now
from portal.extensions import db
from portal.models import Draft


def _pooled_connections(count: int) -> list[int]:
    """The server's process ids of `count` connections, left in the portal's pool."""
    held = [db.engine.connect() for _ in range(count)]
    pids = [connection.scalar(sa.text("SELECT pg_backend_pid()")) for connection in held]
    for connection in held:
        connection.close()
    return pids


@contextmanager
def _from_outside(app: Flask) -> Iterator[sa.Connection]:
    """A connection to the same database from an engine of its own, not the pool's."""
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.begin() as connection:
            yield connection
    finally:
        other.dispose()


def _ended(app: Flask, pids: list[int]) -> None:
    """What a restart does to the pool: its connections ended by the server (and gone,
    so that each has the server's goodbye waiting on it)."""
    with _from_outside(app) as connection:
        for pid in pids:
            assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with _from_outside(app) as connection:
        for _ in range(200):
            still = connection.scalar(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": pids},
            )
            if not still:
                return
            time.sleep(0.01)
    raise AssertionError("the server did not end the connections")


def _a_parents_draft_viewed(client: FlaskClient, times: int) -> None:
    """A draft, and its first question viewed `times` times (each view reads the draft
    from the database), then the request's session gone: its connection back in the pool."""
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    for _ in range(times):
        journey.get("who-are-you")
    db.session.remove()


@pytest.fixture
def postgresql(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the server ends connections on PostgreSQL; SQLite has none to end")


@pytest.mark.usefixtures("postgresql")
def test_a_page_reading_the_database_is_answered_after_its_connections_were_ended(
    app: Flask, client: FlaskClient
) -> None:
    _a_parents_draft_viewed(client, 1)
    pids = _pooled_connections(3)
    assert db.engine.pool.checkedin() >= 3

    _ended(app, pids)

    for _ in range(4):  # every connection the pool held is found dead in turn
        page = client.get("/make-a-complaint/who-are-you")
        assert page.status_code == 200
        assert b'value="parent" checked' in page.data  # the draft, read afresh


@pytest.mark.usefixtures("postgresql")
def test_a_tracking_page_is_shown_after_its_connections_were_ended(
    app: Flask, client: FlaskClient
) -> None:
    from backoffice_helpers import new_complaint

    from portal.services import correspondence

    case = new_complaint()
    path = urlsplit(correspondence.new_tracking_url(case)).path
    reference = case.reference  # (the case's object is let go with the session, below)
    db.session.commit()
    assert client.get(path).status_code == 200
    db.session.remove()
    _ended(app, _pooled_connections(3))

    # The page reads outside a transaction: each connection the server ended is found
    # as it is taken (nothing is asked of the server), and another taken.
    for _ in range(4):
        page = client.get(path)
        assert page.status_code == 200
        assert reference in page.text


@pytest.mark.usefixtures("postgresql")
def test_an_answer_is_kept_after_the_connections_were_ended(
    app: Flask, client: FlaskClient
) -> None:
    _a_parents_draft_viewed(client, 1)
    _ended(app, _pooled_connections(3))

    # A page that writes, in a transaction: its BEGIN finds each dead connection.
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "child"})
    db.session.remove()
    page = client.get("/make-a-complaint/who-are-you")
    assert b'value="child" checked' in page.data


@pytest.mark.usefixtures("postgresql")
def test_a_connection_that_read_a_page_goes_back_ready_for_a_transaction(
    app: Flask, client: FlaskClient
) -> None:
    _a_parents_draft_viewed(client, 3)  # read outside a transaction, three times
    pooled = db.engine.pool.checkedin()
    assert pooled >= 1

    held = [db.engine.connect() for _ in range(pooled)]  # every connection the pool had
    try:
        for connection in held:
            # Back in psycopg's own mode: a statement begins a transaction...
            assert connection.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
            connection.execute(sa.text("CREATE TEMPORARY TABLE t (n int)"))
            connection.rollback()  # ...and nothing of it stays once it is rolled back
            assert connection.scalar(sa.text("SELECT to_regclass('pg_temp.t')")) is None
    finally:
        for connection in held:
            connection.close()


def test_a_session_reading_only_refuses_to_write(app: Flask, client: FlaskClient) -> None:
    """A view marked as only reading that wrote would write outside any transaction (on
    PostgreSQL each statement would stand alone): refused, on either database."""
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    db.session.remove()

    read_only_from_now(db.session())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 1  # reads
    with pytest.raises(WriteWhileReading):
        db.session.execute(sa.delete(Draft))
    db.session.remove()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 1
    db.session.execute(sa.delete(Draft))  # an ordinary session writes, in its transaction
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 1
