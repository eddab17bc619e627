"""The back office uses the width of a desktop screen (issue 16): on the screens councils'
staff have (1366 × 768, and the older 1024 × 768) the triage queue needs no sideways
scrolling, and a reference is never broken over two lines."""

from datetime import date

import pytest
from backoffice_browser import make_staff, new_complaint, received_at, sign_in
from browser_env import LiveServer
from playwright.sync_api import Page

from portal.domain.access import Role
from portal.extensions import db

pytestmark = pytest.mark.browser


def some_cases(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        for n, team in enumerate(
            [
                "First Response / Referral and Assessment",
                "Looked After Children",
                "Leaving Care",
                "Fostering",
            ]
        ):
            new_complaint(team=team, when=received_at(date(2026, 11, 2 + n)))
        new_complaint(
            text="My stepdad hits me when mum is at work and I am scared to go home.",
            when=received_at(date(2026, 11, 9)),
        )
        db.session.remove()


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_queue_fits_the_screen_and_each_reference_is_on_one_line(
    live_server: LiveServer, page: Page, width: int
) -> None:
    some_cases(live_server)
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(page, live_server)
    page.goto("/staff/")
    # Every row's actions open, as a caseworker working down the queue has them.
    for summary in page.locator("#queue-results details summary").all():
        summary.click()

    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"the queue scrolls {sideways}px sideways at {width}px"
    references = page.locator("#queue-results tbody th[scope=row] a")
    assert references.count() == 5
    for link in references.all():
        lines = link.evaluate("a => a.getClientRects().length")
        assert lines == 1, f"{link.inner_text()} is broken over {lines} lines at {width}px"
    # The page uses the screen: the queue is wider than GOV.UK's 960px reading column.
    table = page.locator("#queue-results table").bounding_box()
    assert table is not None
    assert table["width"] > min(width - 100, 960), table
