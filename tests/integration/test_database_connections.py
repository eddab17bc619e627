"""A worker keeps its database connections in a pool between requests. When the database
restarts (or drops them), the next request must still be answered: on PostgreSQL each
connection is checked as it is taken, by its transaction's BEGIN (portal/database.py)."""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey

from portal.extensions import db


def _pooled_connections(app: Flask, count: int) -> list[int]:
    """The server's process ids of `count` connections, left in the portal's pool."""
    held = [db.engine.connect() for _ in range(count)]
    pids = [connection.scalar(sa.text("SELECT pg_backend_pid()")) for connection in held]
    for connection in held:
        connection.close()
    return pids


def _end(app: Flask, pids: list[int]) -> None:
    """What a restart does to the pool: those connections ended by the server, from a
    connection of a separate engine."""
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.begin() as connection:
            for pid in pids:
                assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


@pytest.fixture
def postgresql(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the server ends connections on PostgreSQL; SQLite has none to end")


@pytest.mark.usefixtures("postgresql")
def test_a_page_reading_the_database_is_answered_after_its_connections_were_ended(
    app: Flask, client: FlaskClient
) -> None:
    # A draft: the question page reads it from the database on every view.
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    journey.get("who-are-you")
    db.session.remove()
    pids = _pooled_connections(app, 3)
    assert db.engine.pool.checkedin() >= 3

    _end(app, pids)

    for _ in range(4):  # every connection the pool held is found dead in turn
        page = client.get("/make-a-complaint/who-are-you")
        assert page.status_code == 200
        assert b'value="parent" checked' in page.data  # the draft, read afresh


@pytest.mark.usefixtures("postgresql")
def test_no_connection_is_left_in_a_transaction_between_requests(
    app: Flask, client: FlaskClient
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    for _ in range(3):
        journey.get("who-are-you")
    db.session.remove()
    pids = _pooled_connections(app, 2)

    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.connect() as connection:
            states = connection.scalars(
                sa.text("SELECT state FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": pids},
            ).all()
    finally:
        other.dispose()
    # Each pooled connection's transaction was begun when it was taken, and rolled back
    # when it went back: none holds one open while it waits in the pool.
    assert states == ["idle", "idle"]
