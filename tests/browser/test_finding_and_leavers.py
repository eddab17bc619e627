"""Two of issue 16's paths in a browser: a complaints manager finds a closed case by the
child's name with the keyboard alone (a member of another team searching the same name
does not find it), and a leaver disabled by a manager while signed in is sent to sign in
at their next page and cannot sign back in."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_browser import (
    PASSWORD,
    code_now,
    make_staff,
    manager_email,
    new_complaint,
)
from browser_env import Contexts, LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page
from portal_browser import KeyboardFiller

from portal.domain.access import Role
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Staff, Submission
from portal.services import cases

pytestmark = pytest.mark.browser


def no_axe_violations(page: Page) -> None:
    found = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert not found, describe_violations(found)


def signs_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    if page.url.endswith("/staff/sign-in/code"):
        page.get_by_label("Enter the 6-digit code from your authenticator app").fill(
            code_now(server, email)
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    assert urlsplit(page.url).path == "/staff/", page.url


def test_a_manager_finds_a_closed_case_by_the_childs_name_and_another_team_does_not(
    live_server: LiveServer, contexts: Contexts
) -> None:
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        other_team = make_staff(Role.TEAM_MEMBER, team="Fostering")
        closed = new_complaint(team="Looked After Children")
        closed.child_name = "Robin Ashworth"
        db.session.commit()
        manager = db.session.scalars(sa.select(Staff).where(Staff.email == manager_email())).one()
        case = db.session.scalars(
            sa.select(Submission).where(Submission.reference == closed.reference)
        ).one()
        cases.apply(
            manager,
            case,
            cases.MoveInput(Move.CLOSE, case.received_on, {}),
            version=case.case.version,
        )
        reference = closed.reference
        db.session.remove()

    page = contexts.page()
    keys = KeyboardFiller(page)
    page.goto("/staff/sign-in")
    keys.text("email", manager_email())
    keys.text("password", PASSWORD)
    keys.press_button("Sign in")
    keys.text("code", code_now(live_server, manager_email()))
    keys.press_button("Continue")
    keys.follow_link("Find a case")
    assert page.locator("h1").inner_text() == "Find a case"
    keys.text("name", "robin ashworth")
    keys.press_button("Search")
    main = page.locator("main").inner_text()
    assert "1 case found" in main, main
    row = page.locator("tbody tr").first.inner_text()
    assert reference in row and "Closed" in row, row
    no_axe_violations(page)
    keys.follow_link(reference)
    assert page.locator("h1").inner_text().startswith(reference) or reference in page.url
    keys.follow_link("Who has looked for this case?")
    looked = page.locator("main").inner_text()
    assert "Found it in a search by name" in looked and "Opened the case" in looked, looked
    no_axe_violations(page)

    elsewhere = contexts.page()
    signs_in(elsewhere, live_server, other_team)
    elsewhere.goto("/staff/search")
    elsewhere.get_by_label("Name", exact=False).first.fill("Robin Ashworth")
    with elsewhere.expect_navigation():
        elsewhere.get_by_role("button", name="Search", exact=True).click()
    assert "0 cases found" in elsewhere.locator("main").inner_text()
    assert reference not in elsewhere.content()


def test_a_leaver_disabled_mid_session_is_sent_to_sign_in_and_cannot_return(
    live_server: LiveServer, contexts: Contexts
) -> None:
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        leaver = make_staff(
            Role.TEAM_MEMBER, team="Looked After Children", email="leaver@council.example"
        )
        reference = new_complaint(team="Looked After Children").reference
        leaver_id = db.session.scalar(sa.select(Staff.id).where(Staff.email == leaver))
        db.session.remove()

    theirs = contexts.page()
    signs_in(theirs, live_server, leaver)
    theirs.goto(f"/staff/cases/{reference}")
    assert reference in theirs.locator("h1").inner_text()

    manager = contexts.page()
    signs_in(manager, live_server, manager_email())
    manager.goto(f"/staff/staff-accounts/{leaver_id}")
    manager.get_by_label("No, the account is disabled (for example, a leaver)").check()
    with manager.expect_navigation():
        manager.get_by_role("button", name="Save", exact=True).click()
    assert "They have been signed out everywhere" in manager.locator("main").inner_text()

    # Their next page load goes to sign in, and nothing of the case is shown.
    theirs.goto(f"/staff/cases/{reference}")
    assert urlsplit(theirs.url).path == "/staff/sign-in", theirs.url
    assert reference not in theirs.locator("main").inner_text()
    theirs.get_by_label("Email address", exact=True).fill(leaver)
    theirs.get_by_label("Password", exact=True).fill(PASSWORD)
    with theirs.expect_navigation():
        theirs.get_by_role("button", name="Sign in", exact=True).click()
    assert urlsplit(theirs.url).path == "/staff/sign-in", theirs.url
    assert theirs.locator(".govuk-error-summary").is_visible()
    theirs.goto("/staff/")
    assert urlsplit(theirs.url).path == "/staff/sign-in", theirs.url
