"""The migration of reopenings, links and the words search's further trigram indexes
(be1e3ba9e121): upgrade adds the two tables and the three indexes, downgrade drops them
and keeps the cases. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.extensions import db

BEFORE = "a7c3e91b5d20"
TABLES = {"case_reopenings", "case_links"}
TRIGRAMS = {
    "ix_submissions_put_right_trgm",
    "ix_submissions_advocate_name_trgm",
    "ix_submissions_advocate_email_trgm",
}


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("reopen") as app:
        yield app


def tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def indexes() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'submissions'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'submissions'"
    return set(db.session.scalars(sa.text(query)))


def test_upgrade_adds_the_tables_and_indexes_and_downgrade_takes_them_away(
    own_database: Flask,
) -> None:
    downgrade(revision=BEFORE)  # the database comes at the head
    db.session.remove()
    assert not TABLES & tables() and not TRIGRAMS & indexes()
    upgrade()
    db.session.remove()
    assert tables() >= TABLES and indexes() >= TRIGRAMS
    downgrade(revision=BEFORE)
    db.session.remove()
    assert not TABLES & tables() and not TRIGRAMS & indexes()
    assert "submissions" in tables() and "cases" in tables()
    upgrade()
