"""Before the back office signs someone out for doing nothing, it warns them and lets them
stay (WCAG 2.2.1, Timing Adjustable): a dialog with "Stay signed in", reached and pressed
by keyboard, that keeps them signed in; left alone, the page goes to sign in.

The time that passes is not waited for: the page's clock (Playwright's `page.clock`, its
timers and Date) and the server's (the clock its idle check reads) are moved on together
by the same seconds, so the page's timers and the server's limit meet the same times
they would have after real waiting."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from backoffice_browser import PASSWORD, code_now, make_staff
from browser_env import LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page

from portal.backoffice import auth
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


@pytest.fixture
def time_passes(page: Page, monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """`time_passes(seconds)`: that long goes by for the page and for the server at once.
    The page's clock is installed before it loads anything; the server's idle check
    (portal.backoffice.auth.enforce_idle_timeout) reads a clock that many seconds ahead."""
    page.clock.install()
    ahead = timedelta()
    real_utcnow = auth.utcnow

    def server_now() -> datetime:
        return real_utcnow() + ahead

    monkeypatch.setattr(auth, "utcnow", server_now)

    def go_by(seconds: float) -> None:
        nonlocal ahead
        ahead += timedelta(seconds=seconds)
        page.clock.fast_forward(int(seconds * 1000))

    return go_by


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
    live_server: LiveServer, page: Page, quickly: None, time_passes: Callable[[float], None]
) -> None:
    signed_in(live_server, page)
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    time_passes(3)  # 3 s without a request: 12 s to go
    warning.wait_for(timeout=10_000)
    assert "you will be signed out in 1 minute" in warning.inner_text()
    stay = page.get_by_role("button", name="Stay signed in", exact=True)
    assert stay.evaluate("button => button === document.activeElement"), "focus is not on it"
    violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert violations == [], describe_violations(violations)

    time_passes(8)  # 11 s without a request: nearly out of time
    with page.expect_response(lambda r: r.url.endswith("/staff/keep-alive")) as asked:
        page.keyboard.press("Enter")
    assert asked.value.status == 204
    page.get_by_role("dialog").wait_for(state="hidden")
    assert page.url.endswith("/staff/")
    # 19 s after the last page, but 8 s after "Stay signed in": still signed in, so the
    # server counted it (without it, this would be the sign-in page).
    time_passes(8)
    page.goto("/staff/account")
    assert page.url.endswith("/staff/account"), page.url


def test_left_alone_the_page_goes_to_sign_in(
    live_server: LiveServer, page: Page, quickly: None, time_passes: Callable[[float], None]
) -> None:
    signed_in(live_server, page)
    time_passes(3)
    page.get_by_role("dialog", name="You will be signed out soon").wait_for(timeout=10_000)
    assert page.url.endswith("/staff/"), page.url
    time_passes(12)  # 15 s without a request
    page.wait_for_url("**/staff/sign-in**", timeout=10_000)
    assert "next=/staff/" in page.url
