"""The migration that keeps phone numbers in plain characters (ea50c5ab5d96): a number
kept before with a phone's dashes, a no-break space or full-width digits is made plain,
so the case search finds it by its digits; a number already plain is left as it was. On
SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from backoffice_helpers import new_complaint
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.models import Submission
from portal.services import search, teams

BEFORE = "6f2b8d4e1a37"  # the revision before: numbers kept as typed

AS_TYPED = {
    "07700\u2013900\u2013982": "07700-900-982",  # a phone's en dashes
    "07700\u00a0900\u00a0983": "07700 900 983",  # copied with no-break spaces
    "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10 \uff19\uff18\uff14": "07700 900 984",
    "07700 900 985": "07700 900 985",  # plain already
}


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("phone_characters") as app:
        yield app


def phones() -> dict[int, str]:
    rows = db.session.execute(sa.text("SELECT id, phone FROM submissions WHERE phone IS NOT NULL"))
    return dict(rows.tuples().all())


def found_by(digits: str) -> list[str]:
    """The references the case search's condition finds for a phone number typed as
    staff type it."""
    asked = search.conditions(search.SearchTerms(phone=digits))
    return list(db.session.scalars(sa.select(Submission.reference).where(*asked)))


def test_numbers_kept_before_are_made_plain_and_found_by_their_digits(
    own_database: Flask,
) -> None:
    teams.load_demo_teams()
    ids = {}
    for typed in AS_TYPED:
        case = new_complaint(email=None)
        ids[typed] = case.id
    db.session.commit()
    db.session.remove()
    downgrade(revision=BEFORE)
    for typed, case_id in ids.items():
        db.session.execute(
            sa.text("UPDATE submissions SET phone = :phone WHERE id = :id"),
            {"phone": typed, "id": case_id},
        )
    db.session.commit()
    db.session.remove()

    upgrade()

    assert phones() == {ids[typed]: plain for typed, plain in AS_TYPED.items()}
    for plain in AS_TYPED.values():
        digits = plain.replace(" ", "").replace("-", "")
        assert len(found_by(digits)) == 1, plain

    db.session.remove()
    downgrade(revision=BEFORE)
    assert phones() == {ids[typed]: plain for typed, plain in AS_TYPED.items()}
    db.session.remove()
    upgrade()
