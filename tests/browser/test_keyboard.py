"""Each journey can be completed with the keyboard alone: Tab to move, the arrow keys
and Space to choose, typing into the field that has the focus, Enter to continue and
to send. Nothing is clicked and no field is filled except through the focus."""

import pytest
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

from portal.domain.types import Kind, SubmitterRole

pytestmark = pytest.mark.browser

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
