"""The browser tests' fixtures: the real app served on 127.0.0.1 (werkzeug, a background
thread, a free port), one Debian Chromium for the session with a new context for each
test, and one walk through every public page for the page-by-page checks.

The database is the one tests/conftest.py builds with the migrations (`database_url`);
each test starts from it emptied and the demo teams loaded, as the `app` fixture does.
"""

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from backoffice_browser import invited_to_feedback
from browser_env import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    TIMEOUT_MS,
    Contexts,
    LiveServer,
    somewhere_else,
    with_axe,
)
from integration.live_server import serving
from integration.smtp_server import SmtpServer
from page_checks import AXE_JS, Crawl, NuReport, check_html, walk_everything
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import event

from portal import create_app
from portal.extensions import db, mail
from portal.services.teams import load_demo_teams


def _shared_conftest(config: pytest.Config) -> ModuleType:
    """tests/conftest.py, as pytest loaded it: its database helpers are reused, not copied.
    (Every conftest.py is a module named "conftest", so it cannot simply be imported.)"""
    path = ROOT / "tests" / "conftest.py"
    module = config.pluginmanager.get_plugin(str(path))
    assert module is not None, f"{path} was not loaded by pytest"
    return module  # type: ignore[no-any-return]


def _no_flush_to_disk(connection: Any, record: Any) -> None:
    connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture(scope="session")
def server(pytestconfig: pytest.Config, database_url: str) -> Iterator[LiveServer]:
    """The portal from `create_app`, served in a background thread for the session."""
    shared = _shared_conftest(pytestconfig)
    with serving(somewhere_else) as elsewhere:
        exit_url = f"{elsewhere}/weather"
        app = create_app(
            shared._config(database_url)
            | {
                "TESTING": True,
                "EXIT_PAGE_URL": exit_url,
                # The browser keeps the CSS and scripts instead of asking again for
                # each page, as it would with a cache header in production.
                "SEND_FILE_MAX_AGE_DEFAULT": 3600,
            }
        )
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                # As in tests/integration: durability is not under test, speed is.
                event.listen(db.engine, "connect", _no_flush_to_disk)

        def reset_database() -> None:
            with app.app_context():
                shared.empty_database()
                load_demo_teams()
                db.session.remove()

        try:
            with serving(with_axe(app)) as url:
                yield LiveServer(url, exit_url, app, reset_database)
        finally:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def smtp(live_server: LiveServer) -> Iterator[SmtpServer]:
    """The portal sending to a real SMTP server of this test's own."""
    app = live_server.app
    before = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    with SmtpServer() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        mail.init_app(app)
        try:
            yield server
        finally:
            app.config.update(before)
            mail.init_app(app)


@pytest.fixture
def live_server(server: LiveServer) -> LiveServer:
    """The running portal, on an empty database with the demo teams."""
    server.reset_database()
    return server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def contexts(browser: Browser, live_server: LiveServer) -> Iterator[Contexts]:
    """New browser contexts for this test (a test may need more than one)."""
    made = Contexts(browser, live_server)
    yield made
    made.close()


@pytest.fixture
def page(contexts: Contexts) -> Page:
    """A page in a new context, with JavaScript on."""
    return contexts.page()


@pytest.fixture
def page_without_js(contexts: Contexts) -> Page:
    return contexts.page(java_script_enabled=False)


@pytest.fixture(scope="session")
def crawl(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    """Every public page, visited once for the session: axe's findings, the HTML the
    server sent and the text of <main>, for the tests to judge page by page."""
    server.reset_database()
    feedback = invited_to_feedback(server)
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        axe = AXE_JS.read_text(encoding="utf-8")
        yield walk_everything(context.new_page(), axe, feedback)
    finally:
        context.close()


@pytest.fixture(scope="session")
def nu_report(crawl: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(crawl.pages, tmp_path_factory.mktemp("html"))
