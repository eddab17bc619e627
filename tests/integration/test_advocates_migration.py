"""The migration for advocates (c4a7e2d9f1b3): a case whose child named an advocate on the
form (who got a copy of every letter until now) starts with the child's consent to
copies, given on the form the day it was received; a case with no advocate has none. The
downgrade drops the consents, the organisations and the advocate's account on a case, and
keeps the cases. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import TODAY, _day, new_case

from portal.extensions import db

BEFORE = "2d4f7cac77db"


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("advocates") as app:
        yield app


def consents() -> dict[str, tuple[object, ...]]:
    rows = db.session.execute(
        sa.text(
            "SELECT s.reference, c.given_on, c.given_by, c.withdrawn_on FROM copy_consents c "
            "JOIN submissions s ON s.id = c.submission_id ORDER BY s.reference"
        )
    )
    return {row[0]: (_day(row[1]), row[2], row[3]) for row in rows}


def references() -> list[str]:
    return list(db.session.scalars(sa.text("SELECT reference FROM submissions ORDER BY 1")))


def test_a_child_who_named_an_advocate_has_consented_to_copies_and_the_downgrade_keeps_cases(
    own_database: Flask,
) -> None:
    new_case("OLD-EMAIL", advocate_name="Ali", advocate_email="ali@speakup.example")
    new_case("OLD-NAME", advocate_name="Ali")
    new_case("OLD-NONE")
    db.session.commit()
    db.session.remove()
    downgrade(revision=BEFORE)
    tables = set(sa.inspect(db.engine).get_table_names())
    assert not tables & {"copy_consents", "advocate_organisations"}
    assert references() == ["OLD-EMAIL", "OLD-NAME", "OLD-NONE"]
    db.session.remove()

    upgrade()
    assert consents() == {
        "OLD-EMAIL": (TODAY, "child_form", None),
        "OLD-NAME": (TODAY, "child_form", None),
    }
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
    assert "advocate_id" in columns
    db.session.remove()

    downgrade(revision=BEFORE)
    assert references() == ["OLD-EMAIL", "OLD-NAME", "OLD-NONE"]
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
    assert "advocate_id" not in columns
    db.session.remove()
    upgrade()
