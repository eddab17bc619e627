"""A council's fresh install: a database built by `flask db upgrade` alone, with no demo
data, already has the ten default complaint categories (domain.md, "Categories"), so the
first `flask import cases` of past years works; the demo loader adds none twice."""

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask import Flask
from test_import_cases import a_complaint, csv_file

from portal import create_app
from portal.domain.types import NATIONAL_CATEGORIES
from portal.extensions import db
from portal.models import Category, PastCase
from portal.services import teams

ROOT = Path(__file__).resolve().parents[2]


def _shared_conftest(config: pytest.Config) -> ModuleType:
    module = config.pluginmanager.get_plugin(str(ROOT / "tests" / "conftest.py"))
    assert module is not None
    return module  # type: ignore[no-any-return]


@pytest.fixture
def fresh_install(pytestconfig: pytest.Config, tmp_path: Path) -> Iterator[Flask]:
    """The portal on a new, empty database that only the migrations have touched (on
    PostgreSQL, a database of this test's own beside the suite's)."""
    shared = _shared_conftest(pytestconfig)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        url = shared._own_database(url, f"{worker}_fresh")
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    shared.build_by_migrations(url)
    app = create_app(shared._config(url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


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
