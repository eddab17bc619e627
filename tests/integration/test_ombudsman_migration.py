"""The migration that makes the ombudsman's enquiry a step of its own (b1d5e9a3c7f2): a
case that went to the ombudsman (its four columns on the cases table) becomes an enquiry
that arrived the day it was referred, with its reference and its decision; the downgrade
gives each case its first enquiry's back. On SQLite and, with DATABASE_URL, on
PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import _day, new_case, submission_count

from portal.extensions import db
from portal.models import OmbudsmanEnquiry, Submission

BEFORE = "be1e3ba9e121"  # the revision before: the ombudsman's four columns on cases
OLD = ("ombudsman_referred_on", "ombudsman_reference", "ombudsman_decision", "ombudsman_decided_on")


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("ombudsman") as app:
        yield app


def set_old(reference: str, **values: object) -> None:
    sets = ", ".join(f"{name} = :{name}" for name in values)
    db.session.execute(
        sa.text(
            f"UPDATE cases SET {sets} WHERE submission_id = "
            "(SELECT id FROM submissions WHERE reference = :reference)"
        ),
        {**values, "reference": reference},
    )


def old_columns() -> dict[str, tuple[object, ...]]:
    rows = db.session.execute(
        sa.text(
            f"SELECT s.reference, {', '.join('c.' + n for n in OLD)} FROM cases c "
            "JOIN submissions s ON s.id = c.submission_id ORDER BY s.reference"
        )
    )
    return {row[0]: tuple(_day(v) for v in row[1:]) for row in rows}


def enquiries() -> dict[str, tuple[object, ...]]:
    """Each case's first enquiry (the one a downgrade keeps): its dates and decision."""
    found: dict[str, tuple[object, ...]] = {}
    for reference, e in db.session.execute(
        sa.select(Submission.reference, OmbudsmanEnquiry)
        .join(OmbudsmanEnquiry, OmbudsmanEnquiry.submission_id == Submission.id)
        .order_by(Submission.reference, OmbudsmanEnquiry.id)
    ):
        found.setdefault(reference, (e.received_on, e.reference, e.decision, e.decided_on))
    return found


def test_each_case_that_went_to_the_ombudsman_becomes_an_enquiry_and_comes_back(
    own_database: Flask,
) -> None:
    for reference in ("OLD-DECIDED", "OLD-REFERRED", "OLD-NEVER", "OLD-UNDATED"):
        new_case(reference)
    db.session.remove()
    downgrade(revision=BEFORE)
    set_old(
        "OLD-DECIDED",
        ombudsman_referred_on=date(2025, 9, 1),
        ombudsman_reference="25 001 234",
        ombudsman_decision="upheld",
        ombudsman_decided_on=date(2026, 1, 5),
    )
    set_old("OLD-REFERRED", ombudsman_referred_on=date(2025, 10, 6))
    # A decision with no referral date: the enquiry arrived the day it was decided.
    set_old("OLD-UNDATED", ombudsman_decision="premature", ombudsman_decided_on=date(2025, 11, 3))
    db.session.commit()
    before = old_columns()
    db.session.remove()

    upgrade()
    assert enquiries() == {
        "OLD-DECIDED": (date(2025, 9, 1), "25 001 234", "upheld", date(2026, 1, 5)),
        "OLD-REFERRED": (date(2025, 10, 6), None, None, None),
        "OLD-UNDATED": (date(2025, 11, 3), None, "premature", date(2025, 11, 3)),
    }
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
    assert not columns & set(OLD)
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == before | {
        "OLD-UNDATED": (date(2025, 11, 3), None, "premature", date(2025, 11, 3))
    }
    db.session.remove()
    upgrade()


def test_the_demo_s_enquiries_keep_their_dates_and_decisions_both_ways(
    own_database_with_the_demo: Flask,
) -> None:
    assert submission_count() == 120  # the demo, loaded once for the session
    made = enquiries()
    assert made  # the demo sends some cases to the ombudsman
    db.session.remove()
    downgrade(revision=BEFORE)
    db.session.remove()
    upgrade()
    assert enquiries() == made
