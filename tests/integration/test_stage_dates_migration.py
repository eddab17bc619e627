"""The migration that moves each stage's dates, extension, people and panel off the case
onto the stage's row (5b3e9d07a1c4) keeps every value and every figure: on a database
filled by the demo data (built, then taken back to the revision before, as the old code
left it) and on a case written as the old code wrote it with every one of those columns
set. The downgrade gives the case its columns back. On SQLite and, with DATABASE_URL, on
PostgreSQL."""

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
    old_case,
    submission_count,
    submissions_columns,
    through_the_model,
    without_the_ombudsman,
)

from portal.domain.reports import financial_year, previous
from portal.extensions import db
from portal.models import Case, StageResponse, Submission
from portal.models.stage_response import STAGE_FIELDS
from portal.services import reports

BEFORE = "c4e1a7d25b90"  # the revision before the dates moved
FLAGS = ("stage2_request_late", "stage3_request_late")


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("stagedates") as app:
        yield app


def on_the_stages() -> dict[str, dict[str, Any]]:
    """Every case's stage dates, extension, people and panel, by their old names."""
    return through_the_model(list(STAGE_FIELDS))


def old_columns() -> dict[str, dict[str, Any]]:
    """The same, read from the case's own columns at the revision before."""
    return submissions_columns(list(STAGE_FIELDS), FLAGS)


def stages_reached() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for reference, stage in db.session.execute(
        sa.select(Submission.reference, StageResponse.stage)
        .join(StageResponse, StageResponse.submission_id == Submission.id)
        .order_by(Submission.reference, StageResponse.stage)
    ):
        found.setdefault(reference, []).append(stage)
    return found


def test_the_demo_data_keeps_every_stage_date_and_figure_through_the_migration(
    own_database_with_the_demo: Flask,
) -> None:
    assert submission_count() == 120  # the demo, loaded once for the session
    years = [financial_year(TODAY), previous(financial_year(TODAY))]
    values = on_the_stages()
    reached = stages_reached()
    report = [reports.annual_report(year) for year in years]
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == values
    db.session.remove()

    upgrade()
    assert on_the_stages() == values
    assert stages_reached() == reached
    assert [without_the_ombudsman(reports.annual_report(year)) for year in years] == [
        without_the_ombudsman(figures) for figures in report
    ]
    # Not a comparison of nothing: every case accepted has its stage 1 row, extended
    # ones their reasons, stage 2 requests their row.
    accepted = db.session.scalars(
        sa.select(Submission.reference)
        .join(Case, Case.submission_id == Submission.id)
        .where(Case.accepted_on.is_not(None))
    ).all()
    assert accepted and all("stage1" in reached[ref] for ref in accepted)
    filled = {name for case in values.values() for name, value in case.items() if value}
    assert {
        "stage1_extended_on",
        "stage1_extension_reason",
        "stage1_responded_on",
        "stage2_requested_on",
        "stage2_adjudicated_on",
    } <= filled
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == values
    db.session.remove()
    upgrade()


# --- a case as the old code wrote it ------------------------------------------------------

EVERY_COLUMN = {
    "stage1_extended_on": date(2025, 6, 12),
    "stage1_extension_reason": "Records from another team were needed.",
    "discussion_on": date(2025, 6, 5),
    "stage1_responded_on": date(2025, 6, 26),
    "stage2_requested_on": date(2025, 8, 20),
    "stage2_acknowledged_on": date(2025, 8, 21),
    "stage2_request_late": True,
    "stage2_statement_on": date(2025, 8, 28),
    "investigators_appointed_on": date(2025, 8, 29),
    "investigating_officer": "Dana Reed",
    "independent_person": "Lee Marsh",
    "stage2_extended_to": date(2025, 11, 14),
    "stage2_extension_reason": "Waiting for the school's records.",
    "stage2_adjudicated_on": date(2025, 11, 10),
    "stage3_requested_on": date(2025, 12, 1),
    "stage3_request_late": False,
    "panel_on": date(2025, 12, 22),
    "panel_members": "Ann Cole\nRaj Patel\nSue Hart",
    "panel_report_on": date(2026, 1, 5),
    "panel_recommendations": "Visit as agreed.",
    "stage3_responded_on": date(2026, 1, 19),
}


def _old_case(reference: str, **columns: Any) -> None:
    old_case(reference, **{"stage": "stage1"} | columns)


def test_every_column_of_an_old_case_reaches_its_stage_s_row_and_comes_back(
    own_database: Flask,
) -> None:
    downgrade(revision=BEFORE)
    _old_case("OLD-ALL", accepted_on=date(2025, 6, 3), stage="closed", **EVERY_COLUMN)
    _old_case("OLD-ACCEPTED", accepted_on=date(2025, 6, 3))
    _old_case(
        "OLD-ASKED",
        accepted_on=date(2025, 6, 3),
        stage1_responded_on=date(2025, 6, 26),
        stage2_requested_on=date(2025, 9, 1),
        stage2_request_late=True,
        stage="stage2",
    )
    _old_case("OLD-TRIAGE", stage="triage")
    db.session.commit()
    old = old_columns()
    db.session.remove()

    upgrade()
    assert on_the_stages()["OLD-ALL"] == EVERY_COLUMN
    assert on_the_stages() == old
    # A row for each stage reached: stage 1 from acceptance, stage 2 from the request.
    assert stages_reached() == {
        "OLD-ALL": ["stage1", "stage2", "stage3"],
        "OLD-ACCEPTED": ["stage1"],
        "OLD-ASKED": ["stage1", "stage2"],
    }
    asked = db.session.scalars(
        sa.select(Submission).where(Submission.reference == "OLD-ASKED")
    ).one()
    stage2 = asked.response("stage2")
    assert stage2 is not None and stage2.requested_on == date(2025, 9, 1) and stage2.request_late
    assert not stage2.has_response and [r.stage for r in asked.responses_made] == ["stage1"]
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == old
    # As before the move: rows only for the stages responded to.
    assert stages_reached() == {
        "OLD-ALL": ["stage1", "stage2", "stage3"],
        "OLD-ASKED": ["stage1"],
    }
    db.session.remove()
    upgrade()
