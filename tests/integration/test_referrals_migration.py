"""The migration that makes referrals to the advocacy provider records of their own
(6589a4487652): each existing case whose advocacy went to the provider gets one referral,
made the day the case was received, in the state its advocacy status says; the downgrade
drops them and leaves the case's own advocacy columns as they were. On SQLite and, with
DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import TODAY, _day, new_case

from portal.extensions import db
from portal.models import Referral, Submission, Team
from portal.services import teams

BEFORE = "c4a7e2d9f1b3"  # the revision before: advocacy only as the case's columns


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("referrals") as app:
        yield app


def set_old(reference: str, answer: str | None, **values: object) -> None:
    db.session.execute(
        sa.text("UPDATE submissions SET advocacy_answer = :answer WHERE reference = :reference"),
        {"answer": answer, "reference": reference},
    )
    sets = ", ".join(f"{name} = :{name}" for name in values)
    db.session.execute(
        sa.text(
            f"UPDATE cases SET {sets} WHERE submission_id = "
            "(SELECT id FROM submissions WHERE reference = :reference)"
        ),
        {**values, "reference": reference},
    )


def case_columns() -> dict[str, tuple[object, ...]]:
    rows = db.session.execute(
        sa.text(
            "SELECT s.reference, c.advocacy_status, c.advocacy_due_on, c.advocate_assigned "
            "FROM cases c JOIN submissions s ON s.id = c.submission_id ORDER BY s.reference"
        )
    )
    return {row[0]: tuple(_day(v) for v in row[1:]) for row in rows}


def made() -> dict[str, tuple[object, ...]]:
    provider = db.session.scalar(sa.select(Team.id).where(Team.is_advocacy_provider))
    return {
        reference: (r.source, r.status, r.made_on, r.due_on, r.advocate_name, r.accepted_on)
        for reference, r in db.session.execute(
            sa.select(Submission.reference, Referral)
            .join(Referral, Referral.submission_id == Submission.id)
            .where(Referral.provider_team_id == provider)
            .order_by(Submission.reference)
        )
    }


def test_each_case_sent_to_the_provider_gets_a_referral_and_the_downgrade_keeps_the_case(
    own_database: Flask,
) -> None:
    teams.load_demo_teams()
    for reference in ("A-REQUESTED", "B-OFFER", "C-ASSIGNED", "D-DECLINED", "E-OFFERED", "F-NONE"):
        new_case(reference)
    db.session.remove()
    downgrade(revision=BEFORE)
    due = date(2026, 12, 7)
    set_old("A-REQUESTED", "requested", advocacy_status="requested", advocacy_due_on=due)
    set_old("B-OFFER", "accepted", advocacy_status="accepted")
    set_old("C-ASSIGNED", "accepted", advocacy_status="assigned", advocate_assigned="Alex Advocate")
    set_old("D-DECLINED", None, advocacy_status="declined")
    set_old("E-OFFERED", "not_sure", advocacy_status="offered")  # not taken up: no referral
    db.session.commit()
    before = case_columns()
    db.session.remove()

    upgrade()
    assert made() == {
        "A-REQUESTED": ("request", "waiting", TODAY, due, None, None),
        "B-OFFER": ("offer", "accepted", TODAY, TODAY, None, None),
        "C-ASSIGNED": ("offer", "accepted", TODAY, TODAY, "Alex Advocate", None),
        "D-DECLINED": ("staff", "declined", TODAY, TODAY, None, None),
    }
    assert case_columns() == before
    db.session.remove()

    downgrade(revision=BEFORE)
    tables = sa.inspect(db.engine).get_table_names()
    assert "referrals" not in tables and "referral_visits" not in tables
    assert case_columns() == before
    db.session.remove()
    upgrade()
    assert len(made()) == 4
