"""A worker keeps its database connections in a pool between requests. When the database
restarts (or drops them), the next request must still be answered: on PostgreSQL each
connection is checked as it is taken, by its transaction's BEGIN (portal/database.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey

from portal.extensions import db


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

    # What a restart does to the pool: those connections ended by the server.
    with _from_outside(app) as connection:
        for pid in pids:
            assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    for _ in range(4):  # every connection the pool held is found dead in turn
        page = client.get("/make-a-complaint/who-are-you")
        assert page.status_code == 200
        assert b'value="parent" checked' in page.data  # the draft, read afresh


@pytest.mark.usefixtures("postgresql")
def test_no_connection_is_left_in_a_transaction_between_requests(
    app: Flask, client: FlaskClient
) -> None:
    _a_parents_draft_viewed(client, 3)
    pids = _pooled_connections(2)

    with _from_outside(app) as connection:
        states = connection.scalars(
            sa.text("SELECT state FROM pg_stat_activity WHERE pid = ANY(:pids)"),
            {"pids": pids},
        ).all()
    # Each pooled connection's transaction was begun when it was taken, and rolled back
    # when it went back: none holds one open while it waits in the pool.
    assert states == ["idle", "idle"]
