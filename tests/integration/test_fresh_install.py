"""A council's fresh install: a database built by `flask db upgrade` alone, with no demo
data, already has the ten default complaint categories (domain.md, "Categories"), so the
first `flask import cases` of past years works; the demo loader adds none twice."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from test_import_cases import a_complaint, csv_file

from portal.domain.types import NATIONAL_CATEGORIES
from portal.extensions import db
from portal.models import Category, PastCase
from portal.services import teams


@pytest.fixture
def fresh_install(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    """The portal on a new, empty database that only the migrations have touched (on
    PostgreSQL, a database of this test's own beside the suite's)."""
    with portal_on_its_own_database("fresh") as app:
        yield app


def category_names() -> list[str]:
    return list(db.session.scalars(sa.select(Category.name).order_by(Category.position)))


def test_the_migrations_alone_make_the_ten_default_categories(fresh_install: Flask) -> None:
    assert category_names() == list(NATIONAL_CATEGORIES.values())
    assert all(db.session.scalars(sa.select(Category.is_active)))


def test_the_first_import_of_past_cases_works_without_demo_data(
    fresh_install: Flask, tmp_path: Path
) -> None:
    rows = [
        a_complaint(reference=f"OLD-{number:04d}", category=slug)
        for number, slug in enumerate(NATIONAL_CATEGORIES, start=1)
    ]
    result = fresh_install.test_cli_runner().invoke(
        args=["import", "cases", str(csv_file(tmp_path, rows)), "--create-teams"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 10, already there 0, teams created 1.\n"
    imported = db.session.scalars(
        sa.select(Category.slug).join(PastCase, PastCase.category_id == Category.id)
    )
    assert sorted(imported) == sorted(NATIONAL_CATEGORIES)


def test_the_demo_loader_then_adds_no_category_twice(fresh_install: Flask) -> None:
    assert teams.load_default_categories() == 0
    assert category_names() == list(NATIONAL_CATEGORIES.values())
