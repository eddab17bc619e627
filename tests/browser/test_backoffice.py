"""The back office in a browser, signed in as the complaints manager: axe-core and the Nu
HTML checker find nothing on its pages; the queue, a case and an inline action work with
JavaScript off; and with it on, the queue's filters update the results in place.

The staff and the cases are made with the same helpers as tests/integration, inside the
live server's app, so the browser meets them as a member of staff would."""

import sys
from collections.abc import Iterator
from datetime import date

import pyotp
import pytest
from browser_env import ROOT, TIMEOUT_MS, Contexts, LiveServer
from page_checks import (
    AXE_JS,
    Crawl,
    NuReport,
    Snapshot,
    Walker,
    check_html,
    describe_nu,
    describe_violations,
    real_violations,
    run_axe,
)
from playwright.sync_api import Browser, Page

from portal.backoffice.access import Role
from portal.domain.types import Kind
from portal.extensions import db
from portal.services import routing_rules, staff

# The back-office helpers of tests/integration: staff accounts and cases, made the same way.
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from backoffice_helpers import (  # noqa: E402
    PASSWORD,
    authenticator_code,
    make_staff,
    new_complaint,
    received_at,
)

pytestmark = pytest.mark.browser

RECEIVED = date(2025, 12, 19)  # a Friday
ACCEPTED = date(2025, 12, 22)
# Ten working days after 22 December 2025, less Christmas, Boxing Day and New Year's Day.
STAGE1_DUE = "Stage 1 response by Wednesday 7 January 2026"

BACKOFFICE_PAGES = [
    "sign in",
    "sign in (errors)",
    "enter the code",
    "enter the code (errors)",
    "triage queue",
    "triage queue (actions open)",
    "case",
    "accept at stage 1",
    "accept at stage 1 (errors)",
    "routing rules",
    "add a routing rule",
    "add a routing rule (errors)",
    "edit a routing rule",
    "teams and categories",
    "annual report",
    "annual report (errors)",
    "your account",
    "set up a new authenticator app",
    "set up a new authenticator app (errors)",
    "save these recovery codes",
    "set up your authenticator app (a new manager)",
]


def some_cases(server: LiveServer) -> dict[Kind, str]:
    """The complaints manager's account and a few cases of different kinds; returns the
    reference of each case by its kind."""
    with server.app.app_context():
        make_staff(Role.MANAGER)
        made = {
            kind: new_complaint(kind=kind, when=received_at(RECEIVED)).reference
            for kind in (Kind.COMPLAINT, Kind.COMPLIMENT, Kind.REPRESENTATION)
        }
        db.session.remove()
    return made


def manager_email() -> str:
    return f"{Role.MANAGER.value}-all@council.example"


NEW_MANAGER = "new.manager@council.example"


def code_now(server: LiveServer, email: str) -> str:
    """What the person's authenticator app shows now."""
    with server.app.app_context():
        code = authenticator_code(email)
        db.session.remove()
    return code


def sign_in(page: Page, server: LiveServer) -> None:
    """The complaints manager signs in: the password, then the code from the app."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(manager_email())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url.endswith("/staff/sign-in/code"), page.url
    code = page.get_by_label("Enter the 6-digit code from your authenticator app", exact=True)
    code.fill(code_now(server, manager_email()))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    assert page.url.endswith("/staff/"), page.url


# --- axe-core and the Nu checker on every back-office page ------------------------------------


@pytest.fixture(scope="module")
def backoffice(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    """Every back-office page the manager meets, visited once for the module."""
    server.reset_database()
    refs = some_cases(server)
    with server.app.app_context():
        routing_rules.load_demo_rules()
        rule_id = routing_rules.all_rules()[0].id
        # A complaints manager made by `flask staff create`: no authenticator app yet.
        staff.create_staff(
            email=NEW_MANAGER, name="New Manager", password=PASSWORD, role=Role.MANAGER
        )
        db.session.remove()
    complaint = refs[Kind.COMPLAINT]
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    walker = Walker(context.new_page(), AXE_JS.read_text(encoding="utf-8"))
    failures: dict[str, str] = {}
    try:
        page = walker.page
        walker.goto("/staff/sign-in", "sign in")
        walker.press("Sign in", "sign in (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        walker.fill.text("email", manager_email())
        walker.fill.text("password", PASSWORD)
        walker.press("Sign in", "enter the code")
        walker.press("Continue", "enter the code (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        walker.fill.text("code", code_now(server, manager_email()))
        walker.press("Continue", "triage queue")
        assert page.locator(f"#row-{complaint}").is_visible()
        # The inline actions, open: axe does not judge what is hidden.
        page.locator(f"#row-{complaint} summary").click()
        walker.pages["triage queue (actions open)"] = Snapshot(
            name="triage queue (actions open)",
            url=page.url,
            status=walker.response.status,
            html=walker.response.text(),
            violations=run_axe(page, walker.axe_source),
            main_text=page.inner_text("main"),
        )
        walker.goto(f"/staff/cases/{complaint}", "case")
        walker.goto(f"/staff/cases/{complaint}/move/accept", "accept at stage 1")
        walker.press("Save", "accept at stage 1 (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        walker.goto("/staff/routing-rules", "routing rules")
        walker.goto("/staff/routing-rules/new", "add a routing rule")
        walker.press("Save the rule", "add a routing rule (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        walker.goto(f"/staff/routing-rules/{rule_id}", "edit a routing rule")
        walker.goto("/staff/teams", "teams and categories")
        walker.goto("/staff/reports/annual", "annual report")
        walker.press("Add the figures", "annual report (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        walker.goto("/staff/account", "your account")
        walker.goto("/staff/account/authenticator-app", "set up a new authenticator app")
        walker.press("Continue", "set up a new authenticator app (errors)")
        assert page.locator(".govuk-error-summary").is_visible()
        key = page.locator("#key").inner_text().replace(" ", "")
        walker.fill.text("code", pyotp.TOTP(key).now())
        walker.press("Continue", "save these recovery codes")
        assert page.locator("#recovery-codes li").count() == 10
        # A new complaints manager is walked through setting up the app.
        walker.press("Sign out")
        walker.fill.text("email", NEW_MANAGER)
        walker.fill.text("password", PASSWORD)
        walker.press("Sign in", "set up your authenticator app (a new manager)")
        assert page.locator("h1").inner_text() == "Set up your authenticator app"
    except Exception as error:  # reported by the tests of the pages it missed
        failures["back office"] = f"{type(error).__name__} at {walker.page.url}: {error}"
    try:
        yield Crawl(walker.pages, failures)
    finally:
        context.close()


@pytest.fixture(scope="module")
def backoffice_nu(backoffice: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(backoffice.pages, tmp_path_factory.mktemp("backoffice-html"))


@pytest.mark.parametrize("name", BACKOFFICE_PAGES)
def test_no_axe_violations(backoffice: Crawl, name: str) -> None:
    snapshot = backoffice.get(name)
    assert snapshot.status == 200, (name, snapshot.url, snapshot.status)
    violations = real_violations(snapshot.violations)
    assert violations == [], (
        f"axe found {len(violations)} problem(s) on {name} ({snapshot.url}):\n"
        + describe_violations(violations)
    )


def test_the_checker_is_checking(backoffice_nu: NuReport) -> None:
    assert backoffice_nu.canary, "the Nu checker reported nothing for a page with a stray <div>"


@pytest.mark.parametrize("name", BACKOFFICE_PAGES)
def test_valid_html(backoffice: Crawl, backoffice_nu: NuReport, name: str) -> None:
    snapshot = backoffice.get(name)
    errors = backoffice_nu.errors.get(name, [])
    assert not errors, (
        f"the Nu checker found {len(errors)} error(s) on {name} ({snapshot.url}):\n"
        + describe_nu(errors)
    )


# --- without JavaScript ---------------------------------------------------------------------


def press(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def follow(page: Page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def fill_date(page: Page, day: date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def test_filter_open_accept_and_assign_without_javascript(
    live_server: LiveServer, contexts: Contexts
) -> None:
    refs = some_cases(live_server)
    complaint = refs[Kind.COMPLAINT]
    page = contexts.page(java_script_enabled=False)
    sign_in(page, live_server)
    for ref in refs.values():
        assert page.locator(f"#row-{ref}").is_visible(), f"{ref} is not in the queue"

    # The filters are an ordinary GET form: the address says what is shown.
    page.get_by_label("Kind", exact=True).select_option(label="Complaint")
    press(page, "Filter")
    assert "kind=complaint" in page.url, page.url
    assert page.locator(f"#row-{complaint}").is_visible()
    for kind in (Kind.COMPLIMENT, Kind.REPRESENTATION):
        assert page.locator(f"#row-{refs[kind]}").count() == 0, f"the {kind.value} is still shown"
    assert "1 open case" in page.locator("#queue-results [role=status]").inner_text()

    # Open the case and accept it at stage 1.
    follow(page, complaint)
    assert page.locator("h1").inner_text().startswith(complaint)
    # Acknowledged by phone first, as the procedure asks; then accepted.
    follow(page, "Record an acknowledgement by phone or letter")
    page.get_by_label("By phone", exact=True).check()
    fill_date(page, ACCEPTED)
    press(page, "Save")
    assert page.url.endswith(f"/staff/cases/{complaint}"), page.url
    follow(page, "Accept at stage 1")
    assert page.locator("h1").inner_text() == "Accept at stage 1"
    fill_date(page, ACCEPTED)
    press(page, "Save")
    assert page.url.endswith(f"/staff/cases/{complaint}"), page.url
    assert (
        page.locator(".govuk-notification-banner--success")
        .inner_text()
        .endswith("Accept at stage 1: saved.")
    )
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 1"
    next_due = page.locator(".govuk-summary-list__row", has_text="Next due")
    assert next_due.locator("dd").inner_text() == STAGE1_DUE

    # The queue row's inline "Assign", inside its <details>, as a plain form post.
    follow(page, "Back to the queue")
    row = page.locator(f"#row-{complaint}")
    assign = row.get_by_role("button", name=f"Assign {complaint}", exact=True)
    assert not assign.is_visible(), "the actions are open before anyone opened them"
    row.locator("summary", has_text="Actions").click()
    row.get_by_label("Team", exact=True).select_option(label="Early Help")
    row.get_by_label("Why (if you are changing the team)").fill("Early help know the family.")
    with page.expect_navigation():
        assign.click()
    assert page.url.endswith("/staff/"), page.url
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith(f"{complaint}: Assignment saved."), banner.inner_text()
    assert page.locator(f"#row-{complaint} td").nth(4).inner_text() == "Early Help"


# --- with JavaScript ------------------------------------------------------------------------


def test_the_kind_filter_updates_the_queue_in_place(live_server: LiveServer, page: Page) -> None:
    refs = some_cases(live_server)
    sign_in(page, live_server)
    # A full page load would lose this; an htmx swap keeps it.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_label("Kind", exact=True).select_option(label="Compliment")
    page.wait_for_url("**/staff/?*kind=compliment*")
    compliment = page.locator(f"#row-{refs[Kind.COMPLIMENT]}")
    compliment.wait_for()
    for kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
        assert page.locator(f"#row-{refs[kind]}").count() == 0, f"the {kind.value} is still shown"
    assert "1 open case" in page.locator("#queue-results [role=status]").inner_text()
    assert page.evaluate("() => window.stillTheSamePage === true"), "the whole page reloaded"
    assert page.get_by_label("Kind", exact=True).input_value() == "compliment"
