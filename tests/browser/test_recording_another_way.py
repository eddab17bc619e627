"""A complaint that came by phone a week ago, recorded by the complaints manager with the
keyboard alone (issue 16, "Every way a complaint arrives"), then taken through stage 1
to a request for stage 2 on the case page: each date shown runs from the day the call
came, not the day it was typed in. axe checks the new page as it comes, with its errors,
and the confirmation."""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_browser import PASSWORD, code_now, make_staff, manager_email
from browser_env import LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page
from test_backoffice_keyboard import StaffKeyboard, saved, summary_row

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days, working_days_between
from portal.extensions import db
from portal.models import Team

pytestmark = pytest.mark.browser


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def no_axe_violations(page: Page) -> None:
    violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert not violations, describe_violations(violations)


def test_a_phone_complaint_from_a_week_ago_through_stage_1_to_a_stage_2_request(
    live_server: LiveServer, page: Page
) -> None:
    today = datetime.now(LONDON).date()
    called = today - timedelta(days=7)
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        team = db.session.scalar(sa.select(Team.id).where(Team.name == "Looked After Children"))
        db.session.remove()
    # England: acknowledged within 3 working days and a stage 1 response within 10, both
    # from the day of the call (day 0); stage 2's 25 working days from its request.
    acknowledge_by = add_working_days(called, 3)
    stage1_due = add_working_days(called, 10)
    stage2_due = add_working_days(today, 25)
    keys = StaffKeyboard(page)

    page.goto("/staff/sign-in")
    keys.text("email", manager_email())
    keys.text("password", PASSWORD)
    keys.press_button("Sign in")
    keys.text("code", code_now(live_server, manager_email()))
    keys.press_button("Continue")
    assert urlsplit(page.url).path == "/staff/", page.url

    # From the menu to the page.
    keys.tab_to(lambda f: f.get("text") == "Record a complaint", "the menu's link")
    keys.enter_and_load()
    assert page.locator("h1").inner_text() == "Record a complaint that came another way"
    no_axe_violations(page)

    # Sent with nothing filled in: every error in the summary, which has the focus.
    keys.press_button("Record it")
    assert page.title().startswith("Error: ")
    assert keys.focused().get("text", "").startswith("There is a problem")
    no_axe_violations(page)

    keys.radio("channel", "phone")
    keys.date("received_on", str(called.day), str(called.month), str(called.year))
    keys.radio("kind", "complaint")
    keys.radio("in_danger", "no")
    keys.radio("role", "parent")
    keys.text("name", "Pat Parent")
    keys.radio("contact_preference", "phone")
    keys.text("phone", "07700 900982")
    keys.tick("safe_to_contact", "phone")
    keys.text("child_name", "Sam Parent")
    keys.text("child_age", "9")
    keys.radio("child_agreement", "agrees")
    keys.radio("child_reply_preference", "through_me")
    keys.radio("team", str(team))
    keys.text("what_happened", "Nobody came to the review meeting.")
    keys.radio("advocacy", "declined")
    keys.press_button("Record it")

    # The confirmation: the time the call has used already, and what is due when.
    assert page.locator("h1").inner_text() == "Complaint recorded"
    no_axe_violations(page)
    reference = page.locator(".govuk-panel__body strong").inner_text()
    used = working_days_between(called, today)
    late = today > acknowledge_by
    assert summary_row(page, "How it came") == "Phone"
    assert summary_row(page, "Received") == long_date(called)
    assert summary_row(page, "Time already used") == (
        f"Received {used} working days ago: the acknowledgement "
        + (
            f"was due on {long_date(acknowledge_by)} (late)"
            if late
            else f"is due by {long_date(acknowledge_by)}"
        )
    )
    assert summary_row(page, "Acknowledge by") == long_date(acknowledge_by)
    assert summary_row(page, "First response due by") == long_date(stage1_due)
    # By phone: a task for staff to call them, not an email.
    tasks = page.locator("main ul.govuk-list--bullet").inner_text()
    assert re.search(r"phone", tasks, re.IGNORECASE), tasks

    keys.follow(f"Open {reference}")
    assert page.locator("h1").inner_text() == f"{reference} Triage"
    assert summary_row(page, "Received") == long_date(called)
    assert summary_row(page, "Time already used").startswith(f"Received {used} working days ago")
    assert summary_row(page, "How it came") == (
        f"Phone, recorded by manager person on {long_date(today)}"
    )

    # Accepted at stage 1 today: the response is still due from the day of the call.
    keys.follow("Accept at stage 1")
    keys.date("on", str(today.day), str(today.month), str(today.year))
    keys.press_button("Save")
    saved(page, "Accept at stage 1: saved.")
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 1"
    shown = page.locator("main dl").first.inner_text()
    assert f"Stage 1 response by {long_date(stage1_due)}" in shown, shown

    keys.follow("Record the stage 1 response")
    keys.date("on", str(today.day), str(today.month), str(today.year))
    keys.radio("outcome", "not_upheld")
    keys.press_button("Save")
    saved(page, "Record the stage 1 response: saved.")
    assert summary_row(page, "Stage 1 response") == long_date(today)

    # They ask for stage 2 today: its 25 working days run from the request.
    keys.follow("Record a request for stage 2")
    keys.date("on", str(today.day), str(today.month), str(today.year))
    keys.press_button("Save")
    saved(page, "Record a request for stage 2: saved.")
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 2"
    shown = page.locator("main dl").first.inner_text()
    assert long_date(stage2_due) in shown, shown
    assert summary_row(page, "Received") == long_date(called)
