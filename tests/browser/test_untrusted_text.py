"""What a person types is shown as they typed it and never runs: a script typed into
every free-text field appears as text on check your answers, and no dialog opens.
The context ignores the pages' Content-Security-Policy, so the escaping is tested,
not the CSP that would otherwise also block an inline script."""

import pytest
from browser_env import Contexts
from playwright.sync_api import Dialog
from portal_browser import PointerFiller, Words, complete_journey, journey_path, reference_shown

from portal.domain.types import Kind, SubmitterRole

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
TYPED = Words(
    what_happened=SCRIPT,
    put_right=SCRIPT,
    name=SCRIPT,
    email="pat@example.com",
    child_name=SCRIPT,
    organisation=SCRIPT,
)


def test_a_script_typed_in_is_shown_as_text(contexts: Contexts) -> None:
    page = contexts.page(bypass_csp=True)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    fill = PointerFiller(page)
    page.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
    complete_journey(fill, Kind.COMPLAINT, SubmitterRole.ADVOCATE, words=TYPED)

    answers = page.locator(".govuk-summary-list__value").all_inner_texts()
    # The organisation, the child's name, what happened, what would put it right, the name.
    assert answers.count(SCRIPT) == 5, answers
    assert page.locator("main script").count() == 0
    assert dialogs == []

    # Back on the question, the words are in the box as typed.
    with page.expect_navigation():
        page.get_by_role("link", name="Change what happened").click()
    assert page.locator('[name="what_happened"]').input_value() == SCRIPT
    fill.press_button("Continue")
    assert page.url.endswith(journey_path(Kind.COMPLAINT, "check-answers"))

    fill.press_button("Send")
    assert reference_shown(page).startswith("CSC-")
    assert dialogs == []
