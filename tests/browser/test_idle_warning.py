"""Before the back office signs someone out for doing nothing, it warns them and lets them
stay (WCAG 2.2.1, Timing Adjustable): a dialog with "Stay signed in", reached and pressed
by keyboard, that keeps them signed in; left alone, the page goes to sign in."""

from collections.abc import Iterator

import pytest
from backoffice_browser import PASSWORD, code_now, make_staff
from browser_env import LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page

from portal.domain.access import Role
from portal.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def quickly(live_server: LiveServer) -> Iterator[None]:
    """Signed out after 15 seconds without a request, warned 12 seconds before (the
    setting is in minutes; a quarter of one keeps the test short)."""
    config = live_server.app.config
    before = config["STAFF_IDLE_MINUTES"], config["STAFF_IDLE_WARNING_SECONDS"]
    config["STAFF_IDLE_MINUTES"], config["STAFF_IDLE_WARNING_SECONDS"] = 0.25, 12
    yield
    config["STAFF_IDLE_MINUTES"], config["STAFF_IDLE_WARNING_SECONDS"] = before


def signed_in(live_server: LiveServer, page: Page) -> None:
    with live_server.app.app_context():
        email = make_staff(Role.TEAM_MEMBER, team="Looked After Children")
        db.session.remove()
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    code = page.get_by_label("Enter the 6-digit code from your authenticator app", exact=True)
    code.fill(code_now(live_server, email))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    assert page.url.endswith("/staff/"), page.url


def test_a_warning_comes_before_the_idle_sign_out_and_stay_signed_in_keeps_the_session(
    live_server: LiveServer, page: Page, quickly: None
) -> None:
    signed_in(live_server, page)
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    warning.wait_for(timeout=10_000)
    assert "you will be signed out in 1 minute" in warning.inner_text()
    stay = page.get_by_role("button", name="Stay signed in", exact=True)
    assert stay.evaluate("button => button === document.activeElement"), "focus is not on it"
    violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert violations == [], describe_violations(violations)

    page.wait_for_timeout(8_000)  # 11 s without a request: nearly out of time
    with page.expect_response(lambda r: r.url.endswith("/staff/keep-alive")) as asked:
        page.keyboard.press("Enter")
    assert asked.value.status == 204
    page.get_by_role("dialog").wait_for(state="hidden")
    assert page.url.endswith("/staff/")
    # 19 s after the last page, but 8 s after "Stay signed in": still signed in, so the
    # server counted it (without it, this would be the sign-in page).
    page.wait_for_timeout(8_000)
    page.goto("/staff/account")
    assert page.url.endswith("/staff/account"), page.url


def test_left_alone_the_page_goes_to_sign_in(
    live_server: LiveServer, page: Page, quickly: None
) -> None:
    signed_in(live_server, page)
    page.get_by_role("dialog", name="You will be signed out soon").wait_for(timeout=10_000)
    page.wait_for_url("**/staff/sign-in**", timeout=30_000)
    assert "next=/staff/" in page.url
