"""The "Exit this page" button is on every public page. Without JavaScript it is a plain
link to the configured safe site (EXIT_PAGE_URL); with JavaScript, pressing Shift three
times leaves the portal, as on GOV.UK. The safe site here is a second local server."""

import re
from html.parser import HTMLParser

import pytest
from browser_env import EXIT_PAGE_TITLE, LiveServer
from page_checks import Crawl
from playwright.sync_api import Page
from portal_browser import KeyboardFiller, every_public_page, journey_path, welsh

from portal.domain.types import Kind

pytestmark = pytest.mark.browser

# The button's words, as base.html gives them to be translated.
EXIT_WORDS = '<span class="govuk-visually-hidden">Emergency</span> Exit this page'


def exit_words(language: str) -> str:
    """The button's words as a screen reader reads them, in the page's language."""
    words = welsh(EXIT_WORDS) if language == "cy" else EXIT_WORDS
    return " ".join(re.sub("<[^>]+>", "", words).split())


class ExitLinks(HTMLParser):
    """The "Exit this page" links in a page as the server sent it, and its language."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.language = ""
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.language = values.get("lang", "")
        if tag == "a" and "govuk-exit-this-page__button" in values.get("class", "").split():
            self._open = {"href": values.get("href", ""), "text": ""}
            self.links.append(self._open)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


@pytest.mark.parametrize("name", every_public_page())
def test_exit_this_page_is_a_plain_link(crawl: Crawl, server: LiveServer, name: str) -> None:
    parser = ExitLinks()
    parser.feed(crawl.get(name).html)
    assert len(parser.links) == 1, f"{name} has {len(parser.links)} 'Exit this page' links"
    link = parser.links[0]
    assert link["href"] == server.exit_url
    assert " ".join(link["text"].split()) == exit_words(parser.language)


def on_a_question_page(page: Page) -> None:
    """Part way through a complaint, with something typed and not yet sent."""
    page.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
    page.locator('input[name="role"][value="parent"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.locator('input[name="in_danger"][value="no"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.locator('[name="child_name"]').fill("Sam Taylor")


def test_without_javascript_the_link_leaves(live_server: LiveServer, page_without_js: Page) -> None:
    page = page_without_js
    on_a_question_page(page)
    keys = KeyboardFiller(page)
    keys.in_main = True  # Exit this page comes before the main content
    keys.tab_to(lambda f: f.get("tag") == "a" and "Exit this page" in f.get("text", ""), "Exit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.exit_url
    assert page.title() == EXIT_PAGE_TITLE


def test_with_javascript_shift_three_times_leaves(live_server: LiveServer, page: Page) -> None:
    on_a_question_page(page)  # the focus is in the box the person was typing in
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert page.url.startswith(live_server.url), "two presses of Shift are not enough to leave"
    page.keyboard.press("Shift")
    page.wait_for_url(live_server.exit_url)
    assert page.title() == EXIT_PAGE_TITLE


def test_with_javascript_the_button_leaves(live_server: LiveServer, page: Page) -> None:
    on_a_question_page(page)
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(live_server.exit_url)
    assert page.title() == EXIT_PAGE_TITLE
