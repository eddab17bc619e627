"""A team member sends a case to another team from their queue, with the keyboard: the
case leaves their sight, and its row says where it went and takes the focus (it was a
server error, the row they could no longer see)."""

import pytest
from backoffice_browser import (
    PASSWORD,
    RECEIVED,
    code_now,
    make_staff,
    new_complaint,
    received_at,
)
from browser_env import LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page
from test_backoffice_keyboard import StaffKeyboard

from portal.domain.access import Role
from portal.extensions import db

pytestmark = pytest.mark.browser


def test_a_case_sent_to_another_team_leaves_a_row_that_says_where_it_went(
    live_server: LiveServer, page: Page
) -> None:
    with live_server.app.app_context():
        email = make_staff(Role.TEAM_MEMBER, team="Looked After Children")
        ref = new_complaint(team="Looked After Children", when=received_at(RECEIVED)).reference
        db.session.remove()
    keys = StaffKeyboard(page)
    row = f"#row-{ref}"
    page.goto("/staff/sign-in")
    keys.text("email", email)
    keys.text("password", PASSWORD)
    keys.press_button("Sign in")
    keys.text("code", code_now(live_server, email))
    keys.press_button("Continue")
    page.locator(row).wait_for()

    keys.tab_to(lambda f: f.get("text") == f"Actions for {ref}", "the row's actions")
    page.keyboard.press("Enter")
    keys.choose("team", "Fostering")
    keys.text("reason", "The child has moved to a foster home.")
    keys.press_in_place(f"Assign {ref}", row)

    moved = f"{ref} is now with Fostering: it has left your queue."
    assert page.locator(row).inner_text().strip() == moved
    assert keys.focused().get("text") == moved
    violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert violations == [], describe_violations(violations)
    page.reload()
    assert page.locator(row).count() == 0
