"""The migration that records how a submission arrived (a7c3e91b5d20): every submission
already recorded came through the public form, so it is "online" and recorded by nobody;
the downgrade drops both columns and keeps the cases. On SQLite and, with DATABASE_URL,
on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.extensions import db

BEFORE = "3e5b7c9d1f24"


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("channels") as app:
        yield app


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("submissions")}


SEARCH_KEYS = {
    "ix_submissions_email_key",
    "ix_submissions_phone_key",
    "ix_submissions_postcode_key",
}


def indexes() -> set[str]:
    """The submissions table's indexes, expressions included (which SQLAlchemy does not
    reflect, and which rebuilding the table on SQLite would lose)."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'submissions'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'submissions'"
    return set(db.session.scalars(sa.text(query)))


def a_case_as_before(reference: str) -> None:
    """A submission as the code before this revision wrote it."""
    values = {
        "reference": reference,
        "submitter_role": "parent",
        "submitter_name": "A",
        "contact_preference": "email",
        "what_happened": "Nobody came.",
        "support_needs": "[]",
        "flags": "[]",
        "answers": "{}",
        "tracking_token_hash": "x",
        "received_at": "2026-11-30 10:00:00",
        "received_on": date(2026, 11, 30),
        "acknowledge_by": date(2026, 12, 3),
        "jurisdiction": "england",
        "danger_signs": "[]",
    }
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    db.session.execute(sa.text(f"INSERT INTO submissions ({names}) VALUES ({marks})"), values)
    db.session.commit()


def how_they_came() -> list[tuple[str, str, int | None]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.text("SELECT reference, channel, recorded_by_staff_id FROM submissions")
        )
    ]


def test_cases_from_before_came_online_and_the_downgrade_keeps_them(own_database: Flask) -> None:
    downgrade(revision=BEFORE)
    assert not {"channel", "recorded_by_staff_id"} & columns()
    a_case_as_before("OLD-1")
    db.session.remove()

    upgrade()
    assert how_they_came() == [("OLD-1", "online", None)]
    assert indexes() >= SEARCH_KEYS
    db.session.remove()

    downgrade(revision=BEFORE)
    assert not {"channel", "recorded_by_staff_id"} & columns()
    assert db.session.scalar(sa.text("SELECT count(*) FROM submissions")) == 1
    assert indexes() >= SEARCH_KEYS
    db.session.remove()
    upgrade()
    assert how_they_came() == [("OLD-1", "online", None)]
