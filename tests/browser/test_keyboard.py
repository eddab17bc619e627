"""Each journey can be completed with the keyboard alone: Tab to move, the arrow keys
and Space to choose, typing into the field that has the focus, Enter to continue and
to send. Nothing is clicked and no field is filled except through the focus."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import backoffice_browser  # noqa: F401 (puts tests/integration's helpers on the path)
import pytest
from backoffice_helpers import make_staff, new_complaint
from browser_env import LiveServer
from playwright.sync_api import Page
from portal_browser import (
    START_LINKS,
    KeyboardFiller,
    complete_journey,
    first_reference,
    reference_shown,
    words_for,
)

from portal.domain.access import Role
from portal.domain.clock import london_date
from portal.domain.stages import Move
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db
from portal.services import cases, correspondence
from portal.services import staff as staff_service

pytestmark = pytest.mark.browser


def answered_complaint(server: LiveServer) -> str:
    """A parent's complaint accepted and answered at stage 1 today; its tracking path."""
    with server.app.app_context():
        manager = staff_service.find_by_email(make_staff(Role.MANAGER, email="kb@example.com"))
        assert manager is not None
        case = new_complaint()
        today = london_date(datetime.now(UTC))
        for move in (Move.ACCEPT, Move.RESPOND_STAGE1):
            cases.apply(manager, case, cases.MoveInput(move, today, {}), version=case.case.version)
        path = urlsplit(correspondence.new_tracking_url(case)).path
        db.session.commit()
        db.session.remove()
    return path


CHILD = SubmitterRole.CHILD

# Each journey as a child and as an adult writing for a child.
PEOPLE = [
    (Kind.COMPLAINT, CHILD),
    (Kind.COMPLAINT, SubmitterRole.ADVOCATE),
    (Kind.REPRESENTATION, CHILD),
    (Kind.REPRESENTATION, SubmitterRole.PARENT),
    (Kind.COMPLIMENT, CHILD),
    (Kind.COMPLIMENT, SubmitterRole.PARENT),
    (Kind.ADVOCACY, CHILD),
    (Kind.ADVOCACY, SubmitterRole.PARENT),
]


@pytest.mark.parametrize(("kind", "role"), PEOPLE, ids=[f"{k}-{r}" for k, r in PEOPLE])
def test_a_journey_with_the_keyboard_only(
    live_server: LiveServer, page: Page, kind: Kind, role: SubmitterRole
) -> None:
    keys = KeyboardFiller(page)
    page.goto("/")
    keys.follow_link(START_LINKS[kind])

    complete_journey(keys, kind, role)

    summary = page.locator(".govuk-summary-list").inner_text()
    assert words_for(role).what_happened in summary, "what was typed is not on check answers"
    keys.press_button("Send")
    assert page.locator("h1").inner_text().startswith("We have got your")
    assert reference_shown(page) == first_reference()


def test_asking_for_stage_2_with_the_keyboard_only(live_server: LiveServer, page: Page) -> None:
    """From the tracking page of a complaint answered at stage 1 today: the link, the
    reasons left out (the error summary), then typed, and the request sent."""
    track = answered_complaint(live_server)
    keys = KeyboardFiller(page)
    page.goto(track)
    keys.follow_link("Ask for stage 2")
    assert page.locator("h1").inner_text() == "Ask for stage 2"
    keys.press_button("Ask for stage 2")
    assert page.locator(".govuk-error-summary").is_visible()
    # The error summary has the focus (GOV.UK Frontend moves it there): its link leads on.
    keys.in_main = True
    keys.text("reasons", "The reply did not answer my main point.")
    keys.press_button("Ask for stage 2")
    assert page.locator("h1").inner_text() == "We have your request for stage 2"
    assert "Your complaint is now at stage 2" in page.locator("main").inner_text()
