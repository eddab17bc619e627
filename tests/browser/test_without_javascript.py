"""Every journey works with JavaScript turned off, to the reference number: the pages
are plain HTML forms. A complaint can become a message that is not a formal complaint
at check your answers, and back again, without typing anything twice."""

import pytest
from browser_env import LiveServer
from playwright.sync_api import Page
from portal_browser import (
    ADULT_WORDS,
    CHILD_WORDS,
    PointerFiller,
    complete_journey,
    first_reference,
    journey_path,
    reference_shown,
)

from portal.domain.types import Kind, SubmitterRole

pytestmark = pytest.mark.browser


def plain_html_checks(page: Page, server: LiveServer) -> None:
    """What every page must be without JavaScript: not enhanced, with "Exit this page"
    a plain link to the configured safe site."""
    assert page.locator("body.js-enabled").count() == 0, "a script ran with JavaScript off"
    exit_link = page.locator(".govuk-exit-this-page a")
    assert exit_link.get_attribute("href") == server.exit_url
    assert exit_link.inner_text().strip().endswith("Exit this page")


def walk(
    page: Page, server: LiveServer, kind: Kind, role: SubmitterRole, **answers: object
) -> None:
    fill = PointerFiller(page)

    def on_page(step: str) -> None:
        plain_html_checks(page, server)
        if step == "contact":
            # With no script to reveal them, every way of contacting us is on show.
            for field in ("email", "phone", "address", "postcode"):
                assert page.locator(f'[name="{field}"]').is_visible(), field

    page.goto(journey_path(kind, "who-are-you"))
    complete_journey(fill, kind, role, on_page=on_page, **answers)
    plain_html_checks(page, server)


def send(page: Page) -> None:
    PointerFiller(page).press_button("Send")


def test_a_complaint_switched_to_a_message_and_back(
    live_server: LiveServer, page_without_js: Page
) -> None:
    page = page_without_js
    walk(page, live_server, Kind.COMPLAINT, SubmitterRole.PARENT, contact="post")
    summary = page.locator(".govuk-summary-list")
    assert ADULT_WORDS.put_right in summary.inner_text()

    PointerFiller(page).press_button("Send it without making a formal complaint")
    assert page.url.endswith(journey_path(Kind.REPRESENTATION, "check-answers"))
    assert page.get_by_role("heading", name="You are telling us something is wrong").is_visible()
    assert ADULT_WORDS.what_happened in summary.inner_text(), "the answers were lost"
    assert "2 Mill Lane, Northmoor" in summary.inner_text()

    PointerFiller(page).press_button("Make it a formal complaint")
    assert page.url.endswith(journey_path(Kind.COMPLAINT, "check-answers"))
    assert page.get_by_role("heading", name="You are making a formal complaint").is_visible()
    assert ADULT_WORDS.put_right in summary.inner_text(), "what would put it right was lost"

    send(page)
    plain_html_checks(page, live_server)
    assert page.locator("h1").inner_text() == "We have got your complaint"
    assert reference_shown(page) == first_reference()


def test_a_child_tells_us_something_is_wrong(
    live_server: LiveServer, page_without_js: Page
) -> None:
    page = page_without_js
    walk(page, live_server, Kind.REPRESENTATION, SubmitterRole.CHILD)
    assert CHILD_WORDS.what_happened in page.locator(".govuk-summary-list").inner_text()
    send(page)
    assert page.locator("h1").inner_text() == "We have got your message"
    assert reference_shown(page) == first_reference()


def test_a_professional_gives_a_compliment(live_server: LiveServer, page_without_js: Page) -> None:
    page = page_without_js
    walk(page, live_server, Kind.COMPLIMENT, SubmitterRole.PROFESSIONAL, contact="phone")
    assert "Northmoor Academy" in page.locator(".govuk-summary-list").inner_text()
    send(page)
    assert page.locator("h1").inner_text() == "We have got your compliment"
    assert reference_shown(page) == first_reference()


def test_a_foster_carer_asks_for_an_advocate_and_goes_on_to_complain(
    live_server: LiveServer, page_without_js: Page
) -> None:
    page = page_without_js
    walk(page, live_server, Kind.ADVOCACY, SubmitterRole.FOSTER_CARER, also_complain="yes")
    send(page)
    assert page.locator("h1").inner_text() == "We have got your request for an advocate"
    assert reference_shown(page) == first_reference()

    # The complaint they asked to make starts with the answers they already gave.
    with page.expect_navigation():
        page.get_by_role("link", name="Make your complaint").click()
    assert page.url.endswith(journey_path(Kind.COMPLAINT, "what-it-is-about"))
    plain_html_checks(page, live_server)
