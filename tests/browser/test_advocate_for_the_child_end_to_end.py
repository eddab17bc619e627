"""A child's complaint taken by an advocate from the referral to the stage 2 request
(issue 17), in Chromium against the live portal, with the mail going to a real SMTP
server: a child of 12 sends a complaint on the public form and asks for an advocate; the
referral is in the provider's queue; its manager accepts it and names one of its
advocates' accounts; staff record the child's consent to copies and send a message, which
reaches the advocate's inbox; the child stops the copies from their tracking page, and
the next message does not; staff record the stage 1 response; the advocate signs in with
a password and an authenticator code and, with the keyboard alone, asks for stage 2 for
the child; staff see the request on the case, sent by the advocate."""

import re
from datetime import datetime
from typing import Literal

import pytest
from backoffice_browser import PASSWORD, code_now, keys_sign_in, make_staff, manager_email
from browser_env import Contexts, LiveServer
from integration.smtp_server import SmtpServer
from playwright.sync_api import Page
from portal_browser import (
    CHILD_WORDS,
    PointerFiller,
    answer,
    journey_path,
    reference_shown,
)
from test_backoffice_keyboard import StaffKeyboard
from test_recording_another_way import long_date, no_axe_violations

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days
from portal.domain.journeys import CHECK_ANSWERS, steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.services import outbox

pytestmark = pytest.mark.browser

PROVIDER = "Advocacy provider (Coram Voice)"
PROVIDER_MANAGER = "manager@coramvoice.example"
ADVOCATE = "robin@coramvoice.example"
FIRST = "Your review meeting is on Friday"
SECOND = "A new social worker from Monday"


def send_the_mail(server: LiveServer) -> None:
    """What the outbox holds, sent as the worker sends it."""
    with server.app.app_context():
        outbox.work_once()


def subjects_to(smtp: SmtpServer, address: str) -> list[str]:
    return [m.subject for m in smtp.inbox.to(address)]


def signs_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Enter the 6-digit code from your authenticator app", exact=True).fill(
        code_now(server, email)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()


def click(page: Page, name: str, role: Literal["link", "button"] = "link") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def staff_message(page: Page, reference: str, subject: str) -> None:
    page.goto(f"/staff/cases/{reference}/message")
    page.get_by_label("Subject", exact=True).fill(subject)
    page.locator("#body").fill(f"{subject}. Ask us if anything is unclear.")
    click(page, "Save", role="button")
    assert "Message sent" in page.locator("main").inner_text()


def test_a_childs_complaint_taken_by_their_advocate_from_referral_to_stage_2(
    live_server: LiveServer, contexts: Contexts, smtp: SmtpServer
) -> None:
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        make_staff(Role.PROVIDER_MANAGER, team=PROVIDER, email=PROVIDER_MANAGER)
        make_staff(Role.ADVOCATE, team=PROVIDER, email=ADVOCATE)
    today = datetime.now(LONDON).date()

    # The child, 12, sends a complaint and asks for an advocate.
    child = contexts.page()
    fill = PointerFiller(child)
    child.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
    for step in steps_for(Kind.COMPLAINT, SubmitterRole.CHILD):
        if step == "your-age":
            fill.text("age", "12")
        else:
            answer(fill, Kind.COMPLAINT, SubmitterRole.CHILD, step)  # "advocate": yes please
        fill.press_button("Continue")
    assert child.url.endswith(journey_path(Kind.COMPLAINT, CHECK_ANSWERS)), child.url
    fill.press_button("Send")
    reference = reference_shown(child)
    send_the_mail(live_server)
    (acknowledgement,) = smtp.inbox.to(CHILD_WORDS.email)
    assert CHILD_WORDS.what_happened not in acknowledgement.text  # a child's email: a link
    tracking = re.search(r"https?://[^/\s]+(/track/\S+)", acknowledgement.text)
    assert tracking, acknowledgement.text

    # The referral is in the provider's queue; its manager accepts it and names Robin.
    provider = contexts.page()
    signs_in(provider, live_server, PROVIDER_MANAGER)
    assert provider.locator("h1").inner_text() == "Advocacy referrals"
    click(provider, reference)
    click(provider, "Accept the referral")
    provider.locator("#on-day").fill(str(today.day))
    provider.locator("#on-month").fill(str(today.month))
    provider.locator("#on-year").fill(str(today.year))
    click(provider, "Save", role="button")
    click(provider, "Name the advocate")
    provider.get_by_label("advocate person", exact=True).check()
    click(provider, "Save", role="button")
    assert "Advocate named." in provider.locator("main").inner_text()

    # Staff record the child's consent to copies, then send a message: Robin gets a copy.
    staff = contexts.page()
    signs_in(staff, live_server, manager_email())
    staff.goto(f"/staff/cases/{reference}/copies")
    staff.locator("input[name=action][value=give]").check()
    click(staff, "Save", role="button")
    staff_message(staff, reference, FIRST)
    send_the_mail(live_server)
    copies = smtp.inbox.to(ADVOCATE)
    assert any(FIRST in m.subject for m in copies), subjects_to(smtp, ADVOCATE)
    # The advocate's copy carries the words; the child's email never does.
    assert any("Ask us if anything is unclear" in m.text for m in copies)
    assert all(
        "Ask us if anything is unclear" not in m.text for m in smtp.inbox.to(CHILD_WORDS.email)
    )

    # The child stops the copies from their tracking page; the next message is not copied.
    child.goto(tracking.group(1))
    child.locator("input[name=stop][value=yes]").check()
    click(child, "Save", role="button")
    told_before = len(smtp.inbox.to(CHILD_WORDS.email))
    staff_message(staff, reference, SECOND)
    send_the_mail(live_server)
    assert not any(SECOND in s for s in subjects_to(smtp, ADVOCATE)), subjects_to(smtp, ADVOCATE)
    # The child is still told (the message waits on their tracking page).
    assert len(smtp.inbox.to(CHILD_WORDS.email)) == told_before + 1

    # Staff accept the complaint at stage 1 and record the stage 1 response today.
    staff.goto(f"/staff/cases/{reference}")
    for move in ("Accept at stage 1", "Record the stage 1 response"):
        click(staff, move)
        staff.locator("#on-day").fill(str(today.day))
        staff.locator("#on-month").fill(str(today.month))
        staff.locator("#on-year").fill(str(today.year))
        if move == "Record the stage 1 response":
            staff.locator("input[name=outcome][value=not_upheld]").check()
        click(staff, "Save", role="button")
        assert f"{move}: saved." in staff.locator("main").inner_text()

    # Robin signs in and asks for stage 2 for the child with the keyboard alone.
    advocate = contexts.page()
    keys = StaffKeyboard(advocate)
    keys_sign_in(keys, live_server, ADVOCATE)
    assert advocate.locator("h1").inner_text() == "Your cases"
    keys.follow(reference)
    main = advocate.locator("main").inner_text()
    assert "Act for the child" in main and "Withdrawn" in main, main
    window = add_working_days(today, 20)
    assert f"(in time until {long_date(window)})" in main, main
    no_axe_violations(advocate)
    keys.follow("Ask for stage 2")
    assert advocate.locator("h1").inner_text() == "Ask for stage 2 for the child"
    no_axe_violations(advocate)
    keys.press_button("Ask for stage 2")  # empty: the error summary takes the focus
    assert advocate.title().startswith("Error: ")
    assert keys.focused().get("text", "").startswith("There is a problem")
    no_axe_violations(advocate)
    keys.text("reasons", "The reply did not say why my social worker missed the visits.")
    keys.press_button("Ask for stage 2")
    sent = advocate.locator("main").inner_text()
    assert advocate.locator("h1").inner_text() == (
        "The council has the child's request for stage 2"
    )
    stage2_due = add_working_days(today, 25)
    assert f"stage 2 response by {long_date(stage2_due)}" in sent, sent
    no_axe_violations(advocate)

    # Staff see the stage 2 request on the case, sent by the advocate for the child.
    staff.goto(f"/staff/cases/{reference}")
    assert staff.locator("h1 .govuk-tag").inner_text() == "Stage 2"
    shown = staff.locator("#from-them ~ .govuk-summary-card").first.inner_text()
    assert (
        f"{long_date(today)}: A request for stage 2 (from their advocate, advocate person, "
        "on the child's behalf)"
    ) in shown, shown
    assert "Recorded as the stage 2 request" in shown
