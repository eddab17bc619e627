"""The migration that gives the case worked in the back office its own row (7c2a91e4d6b3)
keeps every value and every figure: on a database filled by the demo data (built, then
taken back to the revision before, as the old code left it) and on a case written as the
old code wrote it with every moved column set. The downgrade gives the submission its
columns back. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import (
    TODAY,
    new_case,
    old_case,
    submission_count,
    submissions_columns,
    through_the_model,
    without_the_ombudsman,
)

from portal.domain.reports import financial_year, previous
from portal.extensions import db
from portal.models.case import Case
from portal.services import staff, teams

BEFORE = "b8d2f6a0c3e1"  # the revision before the case had its row
# The columns this migration moved, but the ombudsman's (now its enquiry's rows,
# b1d5e9a3c7f2) (the rest followed in e5f1c2a8b7d4,
# tests/integration/test_case_columns_migration.py).
MOVED = (
    "routing_reason",
    "next_due_statutory",
    "acknowledged_how",
    "safeguarding_action",
    "safeguarding_actioned_by",
    "informal_resolution_terms",
    "sufficient_interest",
    "sufficient_interest_reason",
    "sufficient_interest_decided_on",
    "advocacy_status",
    "advocacy_due_on",
    "advocate_assigned",
    "reclassified_from",
    "legal_hold_reason",
)


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("cases") as app:
        yield app


def on_the_cases() -> dict[str, dict[str, Any]]:
    """Every case's moved values, read through the submission's old names."""
    return through_the_model(MOVED)


def old_columns() -> dict[str, dict[str, Any]]:
    """The same, read from the submission's own columns at the revision before."""
    return submissions_columns(MOVED, ("sufficient_interest",))


def test_the_demo_data_keeps_every_case_value_and_figure_through_the_migration(
    own_database_with_the_demo: Flask,
) -> None:
    from portal.services import reports

    assert submission_count() == 120  # the demo, loaded once for the session
    years = [financial_year(TODAY), previous(financial_year(TODAY))]
    values = on_the_cases()
    report = [reports.annual_report(year) for year in years]
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == values
    db.session.remove()

    upgrade()
    assert on_the_cases() == values
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 120
    # The ombudsman's figures aside: the enquiries' later migration (b1d5e9a3c7f2) keeps
    # only their dates and decisions on the way down (tests/integration/
    # test_ombudsman_migration.py).
    assert [without_the_ombudsman(reports.annual_report(year)) for year in years] == [
        without_the_ombudsman(figures) for figures in report
    ]
    # Not a comparison of nothing: the demo fills most of the moved columns.
    filled = {name for case in values.values() for name, value in case.items() if value}
    assert {
        "routing_reason",
        "acknowledged_how",
        "informal_resolution_terms",
        "advocacy_status",
        "next_due_statutory",
    } <= filled
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == values
    db.session.remove()
    upgrade()


EVERY_COLUMN = {
    "routing_reason": "The team the person chose",
    "next_due_statutory": date(2025, 7, 1),
    "acknowledged_how": "email",
    "safeguarding_action": "Rang the front door.",
    "informal_resolution_terms": "A new visit date.",
    "sufficient_interest": True,
    "sufficient_interest_reason": "Grandparent who looks after the child.",
    "sufficient_interest_decided_on": date(2025, 6, 4),
    "advocacy_status": "arranged",
    "advocacy_due_on": date(2025, 6, 9),
    "advocate_assigned": "Pat Lane",
    "reclassified_from": "compliment",
    "legal_hold_reason": "A claim is expected.",
}


def test_every_column_of_an_old_case_reaches_its_case_row_and_comes_back(
    own_database: Flask,
) -> None:
    teams.load_demo_teams()
    staff.load_demo_accounts()
    db.session.commit()
    someone = db.session.scalar(sa.text("SELECT min(id) FROM staff"))
    full = EVERY_COLUMN | {"safeguarding_actioned_by": someone}
    db.session.remove()  # nothing held on staff: the downgrade changes its foreign keys
    assert set(full) == set(MOVED)
    downgrade(revision=BEFORE)
    old_case("OLD-ALL", stage="closed", **full)
    old_case("OLD-NONE", stage="triage")
    db.session.commit()
    old = old_columns()
    assert old["OLD-ALL"] == full
    db.session.remove()

    upgrade()
    assert on_the_cases() == old
    # A case made after the move gets the next id: the sequence moved past the copied ids.
    made = new_case("NEW-1", case=Case(routing_reason="chosen"))
    assert made.case is not None and made.case.routing_reason == "chosen"
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == old | {"NEW-1": dict.fromkeys(MOVED) | {"routing_reason": "chosen"}}
    db.session.remove()
    upgrade()
