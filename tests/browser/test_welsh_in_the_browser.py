"""A child makes a complaint in Welsh, in Chromium: the switch on the start page, every
question (and one sent empty), check your answers and the confirmation, each checked
with axe; the character count's live message is Welsh too.

The Welsh words the test presses come from the catalogue itself, so a change of
wording there does not break the test, and a button left in English does."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.support import Translations
from browser_env import LiveServer
from page_checks import AXE_JS, describe_violations, real_violations, run_axe
from playwright.sync_api import Page
from portal_browser import PointerFiller, answer, first_reference, journey_path, reference_shown

from portal.domain.journeys import steps_for
from portal.domain.types import Kind, SubmitterRole

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"
WELSH = Translations.load(str(TRANSLATIONS), ["cy"])
CHILD = SubmitterRole.CHILD


def cy(english: str) -> str:
    welsh = WELSH.gettext(english)
    assert welsh != english, f"no Welsh for {english!r}"
    return welsh


@pytest.fixture
def welsh_on(live_server: LiveServer) -> Iterator[LiveServer]:
    live_server.app.config["WELSH_ENABLED"] = True
    yield live_server
    live_server.app.config["WELSH_ENABLED"] = False


def axe_clean(page: Page, where: str) -> None:
    violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
    assert violations == [], f"{where}:\n{describe_violations(violations)}"


def test_a_child_makes_a_complaint_in_welsh(welsh_on: LiveServer, page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == cy(
        "Tell us what you think about children's services"
    )
    axe_clean(page, "start")
    page.locator(f'a[href$="{journey_path(Kind.COMPLAINT, "who-are-you")}"]').click()

    fill = PointerFiller(page)
    for step in steps_for(Kind.COMPLAINT, CHILD):
        assert page.url.endswith(journey_path(Kind.COMPLAINT, step)), page.url
        assert page.locator("html").get_attribute("lang") == "cy"
        axe_clean(page, step)
        if step == "what-happened":
            # Sent empty first: the errors are Welsh, in the summary and by the field.
            fill.press_button(cy("Continue"))
            assert page.locator(".govuk-error-summary__title").inner_text() == cy(
                "There is a problem"
            )
            assert page.locator("#what_happened-error").inner_text().startswith(cy("Error"))
            axe_clean(page, "what-happened (errors)")
            page.locator('[name="what_happened"]').fill("Ni ddaeth neb i'r cyfarfod.")
            # GOV.UK's character count speaks Welsh as well (its JavaScript message).
            before, after = cy("You have %%{count} characters remaining").split("%%{count}")
            shown = page.locator(".govuk-character-count__status").inner_text()
            assert shown.startswith(before) and shown.endswith(after), shown
        if step == "what-it-is-about":
            # A child's own words, in Welsh: "my social worker".
            page.get_by_role("radio", name=cy("My social worker"), exact=True).check()
        else:
            answer(fill, Kind.COMPLAINT, CHILD, step)
        fill.press_button(cy("Continue"))

    assert page.url.endswith(journey_path(Kind.COMPLAINT, "check-answers")), page.url
    axe_clean(page, "check-answers")
    assert cy("My social worker") in page.locator("main").inner_text()
    fill.press_button(cy("Send"))
    assert page.url.endswith(journey_path(Kind.COMPLAINT, "confirmation")), page.url
    assert page.locator("html").get_attribute("lang") == "cy"
    assert reference_shown(page) == first_reference()
    axe_clean(page, "confirmation")
    # Back to English from the same page, and the switch says so in English.
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
