"""The migration that keeps the report's tallies by the month (c4e8a2d6f1b9) makes
report_counts again with a row a month; its downgrade gives back the table of a row a
period. What it held is a copy of what the cases count, so both ways it starts empty and
the report counts its figures again, the same. On SQLite and, with DATABASE_URL, on
PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import TODAY, submission_count, without_the_ombudsman

from portal.domain.reports import financial_year, previous, whole_months
from portal.extensions import db

BEFORE = "e5f1c2a8b7d4"  # the revision before: a row a period


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("report_months") as app:
        yield app


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("report_counts")}


def rows() -> int:
    return int(db.session.scalar(sa.text("SELECT count(*) FROM report_counts")) or 0)


def test_the_kept_tallies_are_a_row_a_month_and_the_figures_the_same_both_ways(
    own_database_with_the_demo: Flask,
) -> None:
    from portal.services import reports

    assert submission_count() == 120  # the demo, loaded once for the session
    closed = previous(financial_year(TODAY))
    first = reports.annual_report(closed)
    assert {"month", "tallies"} <= columns() and "period_start" not in columns()
    assert rows() == len(whole_months(closed)) + len(whole_months(previous(closed)))
    db.session.remove()

    downgrade(revision=BEFORE)
    assert {"period_start", "period_end", "figures"} <= columns() and "month" not in columns()
    assert rows() == 0
    db.session.remove()

    upgrade()
    assert rows() == 0
    assert without_the_ombudsman(reports.annual_report(closed)) == without_the_ombudsman(first)
    assert rows() == len(whole_months(closed)) + len(whole_months(previous(closed)))
