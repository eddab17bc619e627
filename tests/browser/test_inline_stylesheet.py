"""The start page's inline stylesheet really applies in Chromium (its hash in the
Content-Security-Policy matches), and the browser reports no blocked style or script."""

import pytest
from browser_env import LiveServer
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/make-a-complaint/who-are-you"])
def test_the_page_is_styled_and_nothing_is_blocked(
    live_server: LiveServer, page: Page, path: str
) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(path)
    # GOV.UK Frontend's heading style (a browser's own h1 has a top margin).
    assert page.locator("h1").evaluate("h => getComputedStyle(h).marginTop") == "0px"
    assert (
        page.locator(".govuk-header").evaluate("h => getComputedStyle(h).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    assert not [text for text in refused if "Content Security Policy" in text], refused
