"""The migration that moves the rest of the case to its row (e5f1c2a8b7d4: the version,
kind, team, procedure, stage, assignment, what is due, the acknowledgement, the
safeguarding times, the outcome dates, legal hold) keeps every value and every figure: on
a database filled by the demo data (built, then taken back to the revision before, as the
old code left it) and on a case written as the old code wrote it with every moved column
set. The downgrade gives the submission its columns back. On SQLite and, with
DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
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
from portal.models import Case, Staff, Submission
from portal.models.case import CASE_COLUMNS
from portal.services import routing_rules, staff, teams, triage

BEFORE = "b5d9f3a17c68"  # the revision before the rest of the case moved to its row
MOVED = (
    "version",
    "kind",
    "team_id",
    "procedure",
    "routing_rule_id",
    "assigned_staff_id",
    "stage",
    "next_due_on",
    "next_due_what",
    "stage1_due",
    "acknowledged_at",
    "safeguarding_actioned_at",
    "safeguarding_escalated_at",
    "accepted_on",
    "resolved_informally_on",
    "withdrawn_on",
    "closed_on",
    "thanked_on",
    "legal_hold",
    "purged_at",
)
MOMENTS = ("acknowledged_at", "safeguarding_actioned_at", "safeguarding_escalated_at", "purged_at")


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("case_columns") as app:
        yield app


def on_the_cases() -> dict[str, dict[str, Any]]:
    """Every case's moved values, read through the submission's old names."""
    return through_the_model(MOVED)


def old_columns() -> dict[str, dict[str, Any]]:
    """The same, read from the submission's own columns at the revision before."""
    return submissions_columns(MOVED, ("legal_hold",), MOMENTS)


def queue_references() -> list[str]:
    manager = db.session.scalar(sa.select(Staff).where(Staff.email == "manager@northmoor.example"))
    assert manager is not None
    page = triage.queue(manager, triage.QueueFilters(), today=TODAY)
    return [row.reference for row in page.rows]


def test_every_moved_column_is_the_cases_and_nothing_else_moved() -> None:
    assert set(MOVED) <= set(CASE_COLUMNS)
    assert not set(MOVED) & {column.key for column in Submission.__table__.columns}


def test_the_demo_data_keeps_every_case_value_figure_and_queue_through_the_migration(
    own_database_with_the_demo: Flask,
) -> None:
    from portal.services import reports

    assert submission_count() == 120  # the demo, loaded once for the session
    years = [financial_year(TODAY), previous(financial_year(TODAY))]
    values = on_the_cases()
    report = [reports.annual_report(year) for year in years]
    queue = queue_references()
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
    assert queue_references() == queue
    # Not a comparison of nothing: the demo fills most of the moved columns, and its cases
    # have been changed (versions past 1), closed and left open.
    filled = {name for case in values.values() for name, value in case.items() if value}
    assert set(MOVED) - filled == {
        "assigned_staff_id",
        "safeguarding_actioned_at",
        "safeguarding_escalated_at",
        "withdrawn_on",
        "thanked_on",
        "legal_hold",
        "purged_at",
    }
    assert max(case["version"] for case in values.values()) > 1
    assert {case["stage"] for case in values.values()} >= {"closed", "stage1"}
    assert len(queue) > 10
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == values
    db.session.remove()
    upgrade()


AT = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
EVERY_COLUMN = {
    "version": 7,
    "kind": "complaint",
    "procedure": "corporate",
    "stage": "closed",
    "next_due_on": date(2025, 7, 1),
    "next_due_what": "stage1_response",
    "stage1_due": date(2025, 6, 30),
    "acknowledged_at": AT,
    "safeguarding_actioned_at": AT.replace(hour=11),
    "safeguarding_escalated_at": AT.replace(hour=10),
    "accepted_on": date(2025, 6, 3),
    "resolved_informally_on": date(2025, 6, 9),
    "withdrawn_on": date(2025, 6, 10),
    "closed_on": date(2025, 6, 11),
    "thanked_on": date(2025, 6, 12),
    "legal_hold": True,
    "purged_at": AT.replace(year=2031),
}


def test_every_column_of_an_old_case_reaches_its_case_row_and_comes_back(
    own_database: Flask,
) -> None:
    teams.load_demo_teams()
    routing_rules.load_demo_rules()
    staff.load_demo_accounts()
    db.session.commit()
    full = EVERY_COLUMN | {
        "team_id": db.session.scalar(sa.text("SELECT min(id) FROM teams")),
        "routing_rule_id": db.session.scalar(sa.text("SELECT min(id) FROM routing_rules")),
        "assigned_staff_id": db.session.scalar(sa.text("SELECT min(id) FROM staff")),
    }
    db.session.remove()  # nothing held on staff: the downgrade changes its foreign keys
    assert set(full) == set(MOVED)
    downgrade(revision=BEFORE)
    old_case("OLD-ALL", **full)
    old_case("OLD-NONE", stage="triage")
    db.session.commit()
    old = old_columns()
    assert old["OLD-ALL"] == full
    db.session.remove()

    upgrade()
    assert on_the_cases() == old
    # The case's own row holds them (not only the bridges), and a query over cases finds
    # them: the old case is under legal hold, the other is open.
    assert db.session.execute(
        sa.select(Case.stage, Case.legal_hold, Case.version)
        .join(Submission, Submission.id == Case.submission_id)
        .where(Submission.reference == "OLD-ALL")
    ).one() == ("closed", True, 7)
    assert db.session.scalars(
        sa.select(Submission.reference)
        .join(Case, Case.submission_id == Submission.id)
        .where(Case.stage != "closed")
    ).all() == ["OLD-NONE"]
    made = new_case("NEW-1", kind="compliment", thanked_on=TODAY)
    assert made.case is not None and (made.case.kind, made.case.version) == ("compliment", 1)
    new = dict.fromkeys(MOVED) | {
        "version": 1,
        "kind": "compliment",
        "procedure": "england_children_2006",
        "stage": "triage",
        "thanked_on": TODAY,
        "legal_hold": False,
    }
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == old | {"NEW-1": new}
    db.session.remove()
    upgrade()
