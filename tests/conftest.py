"""Fixtures shared by every test folder: an app on a real database built by the real
migrations (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db, limiter
from portal.services.teams import load_demo_teams


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql"):
        return _own_database(url, os.environ.get("PYTEST_XDIST_WORKER"))
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


# A test that leaves a transaction open while another connection alters or locks the same
# rows would wait for ever on PostgreSQL (CI's run hung so once); no test waits this long
# on purpose, so a wait past it fails the test that caused it instead. And a commit does
# not wait for the disk (this connection's setting, not the server's): durability after a
# crash is not under test, and the suite commits thousands of times.
SESSION_OPTIONS = "-c lock_timeout=60s -c synchronous_commit=off"


def _own_database(url: str, worker: str | None) -> str:
    """Each pytest-xdist worker gets a database of its own beside DATABASE_URL's
    (portal_ci_gw0, portal_ci_gw1 ...), made if it is not there; without xdist, that one."""
    if worker is None:
        return (
            sa.make_url(url)
            .update_query_dict({"options": SESSION_OPTIONS})
            .render_as_string(hide_password=False)
        )
    server = sa.make_url(url)
    own = server.set(database=f"{server.database}_{worker}")
    engine = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.update_query_dict({"options": SESSION_OPTIONS}).render_as_string(hide_password=False)


# The files judging the one walk through every public page (`crawl` in
# tests/browser/conftest.py, the suite's longest setup): one worker runs them all, so the
# walk is done once.
SHARING_THE_PUBLIC_WALK = {
    f"tests/browser/test_{name}.py"
    for name in ("accessibility", "exit_this_page", "html_validity", "public_footer", "readability")
}


# The files (scopes) that took longest on one worker (SQLite, 2 workers, 7 December
# 2026; docs/performance.md, "CI's time"), longest first. xdist hands out files with the
# most tests first, so these, with few tests each, came last and one worker ran them
# alone while the other sat idle. A file missing here is only handed out later.
LONGEST_FIRST = (
    "the public walk",
    "tests/browser/test_backoffice_case_pages.py",
    "tests/browser/test_backoffice.py",
    "tests/integration/test_staff_fuzz.py",
    "tests/integration/test_outbox.py",
    "tests/integration/test_report_counts.py",
    "tests/integration/test_backoffice_queue.py",
    "tests/integration/test_access.py",
    "tests/browser/test_advocates_in_the_browser.py",
    "tests/browser/test_keyboard.py",
    "tests/integration/test_rate_limits_shared.py",
    "tests/integration/test_case_columns_migration.py",
    "tests/integration/test_stage_responses_migration.py",
    "tests/integration/test_stage_dates_migration.py",
    "tests/integration/test_cases_migration.py",
    "tests/integration/test_staff_server_errors.py",
    "tests/browser/test_hostile_text.py",
)


class _ByFile:
    """With xdist, each test file runs on one worker (its module fixtures once), as
    `--dist loadfile` does, except that the files sharing the public walk go together;
    the longest files are handed out first (LONGEST_FIRST)."""

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        from xdist.scheduler import LoadScopeScheduling

        class ByFile(LoadScopeScheduling):  # type: ignore[misc]
            longest_put_first = False

            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return "the public walk" if path in SHARING_THE_PUBLIC_WALK else path

            def _assign_work_unit(self, node: Any) -> None:
                # The queue is complete by the first hand-out (xdist's own order kept
                # for the rest).
                if not self.longest_put_first:
                    for scope in reversed(LONGEST_FIRST):
                        if scope in self.workqueue:
                            self.workqueue.move_to_end(scope, last=False)
                    self.longest_put_first = True
                super()._assign_work_unit(node)

        return ByFile(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # The hook exists only with xdist (`-p no:xdist` runs without it).
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_ByFile(), "tests-by-file")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, migrated_once: str) -> str:
    """The session's database (per worker), as the migrations alone make it: a copy of
    `migrated_once`, which the migrations built (running them again would build the
    same). Without xdist on PostgreSQL it is DATABASE_URL's own database, not dropped to
    be copied: the migrations are run on it."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("sqlite") or os.environ.get("PYTEST_XDIST_WORKER"):
        _copy_of(migrated_once, url)
    else:
        build_by_migrations(url)
    return url


def build_by_migrations(url: str) -> None:
    """The database at `url` as the migrations alone make it (on PostgreSQL, whatever
    was there is dropped first)."""
    app = create_app({**_config(url)})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_once(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database that only the migrations have touched, built once for the session (on
    PostgreSQL, one per worker) for `portal_on_its_own_database` to copy: copying it
    costs a fraction of upgrading from nothing again for each test."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        url = _own_database(url, f"{worker}_migrated")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('migrated') / 'migrated.sqlite3'}"
    build_by_migrations(url)
    return url


@pytest.fixture(scope="session")
def built_once(
    migrated_once: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, Callable[[], object]], str]:
    """`built_once(name, fill)`: the URL of a copy of `migrated_once` filled by `fill` in
    the portal's app context, built the first time a test of the session (per worker)
    asks for `name`, for `portal_on_its_own_database(..., copy_of=...)` to copy: data
    that several files start from is then made once, not by each test."""
    built: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("built")

    def build(name: str, fill: Callable[[], object]) -> str:
        if name not in built:
            url = own_database_url(f"{name}_once", folder)
            _copy_of(migrated_once, url)
            app = create_app(_config(url))
            with app.app_context():
                fill()
                db.session.remove()
                db.engine.dispose()
            built[name] = url
        return built[name]

    return build


def _copy_of(template: str, url: str) -> None:
    """The database at `url` made anew as a copy of the one at `template` (on PostgreSQL,
    CREATE DATABASE ... TEMPLATE, which wants nobody connected to either)."""
    source, target = sa.make_url(template), sa.make_url(url)
    if target.get_backend_name() == "sqlite":
        assert source.database and target.database
        shutil.copyfile(source.database, target.database)
        return
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(
            sa.text(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"')
        )
    engine.dispose()


@pytest.fixture
def portal_on_its_own_database(
    tmp_path: Path, migrated_once: str
) -> Callable[[str], AbstractContextManager[Flask]]:
    """The portal on a new database of one test's own that only the migrations have
    touched (on PostgreSQL, named after the test beside the suite's): a copy of
    `migrated_once`, or of `copy_of` (a database built once from it, such as
    `the_demo_once` in tests/integration/conftest.py)."""

    @contextmanager
    def portal(name: str, copy_of: str | None = None) -> Iterator[Flask]:
        url = own_database_url(name, tmp_path)
        _copy_of(copy_of or migrated_once, url)
        app = create_app(_config(url))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()

    return portal


def own_database_url(name: str, folder: Path) -> str:
    """Where a database of the session's own called `name` goes: a file in `folder` on
    SQLite; on PostgreSQL, one beside the suite's named after this worker and `name`."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        server = sa.make_url(url)
        return (
            server.set(database=f"{server.database}_{worker}_{name}")
            .update_query_dict({"options": SESSION_OPTIONS})
            .render_as_string(hide_password=False)
        )
    return f"sqlite:///{folder / f'{name}.sqlite3'}"


def _config(url: str) -> dict[str, object]:
    return {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": url
    }


def empty_database() -> None:
    """Every table emptied (the schema stays as the migrations built it): DELETE FROM each,
    the dependent tables first, in one transaction. Before each test, so sent as plain SQL
    (on PostgreSQL in one round trip; SQLite's driver takes one statement a call)."""
    connection = db.session.connection()
    table = connection.dialect.identifier_preparer.format_table
    statements = [f"DELETE FROM {table(t)}" for t in reversed(db.metadata.sorted_tables)]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(";\n".join(statements))
    else:
        cursor = connection.connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
    db.session.commit()


@pytest.fixture(scope="session")
def portal(database_url: str) -> Flask:
    """One portal per worker: building it (its eighty routes compiled) costs more than most
    tests do, so `app` lends it to each test and puts back what the test changed."""
    return create_app(_config(database_url))


@pytest.fixture
def app(portal: Flask) -> Iterator[Flask]:
    """The portal on an emptied database with the demo teams; the settings and extensions
    a test changes are restored after it, and the rate limits start again."""
    config, extensions = dict(portal.config), dict(portal.extensions)
    limiter.reset()
    with portal.app_context():
        empty_database()
        load_demo_teams()
        yield portal
        db.session.remove()
    portal.config.clear()
    portal.config.update(config)
    portal.extensions.clear()
    portal.extensions.update(extensions)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
