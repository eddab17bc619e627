"""A complaints manager triages a new complaint and records its stage 1 response with
the keyboard alone: Tab and Shift+Tab to move, the arrow keys and Space to choose,
typing into the field that has the focus, Enter to follow a link or press a button.
Nothing is clicked and no field is filled except through the focus.

Wherever the focus goes it can be seen, and it is never dropped: after an inline action
swaps a row of the queue, it is on the row's message, not back at the top of the page."""

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from backoffice_browser import (
    ACCEPTED,
    PASSWORD,
    RECEIVED,
    STAGE1_DUE,
    code_now,
    make_staff,
    manager_email,
    new_complaint,
    received_at,
)
from browser_env import LiveServer
from playwright.sync_api import Error, Page
from portal_browser import KeyboardFiller

from portal.domain.access import Role
from portal.domain.types import Kind
from portal.extensions import db

pytestmark = pytest.mark.browser

RESPONDED = date(2026, 1, 6)

# Whether what has the focus shows it: GOV.UK Frontend's focus style (its yellow, as an
# outline, a background, a border or a box shadow; on the label's box for a radio or a
# checkbox, whose input is invisible), or the browser's own focus ring.
FOCUS_SHOWN = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'nothing has the focus';
    if (!e.matches(':focus-visible')) return 'the browser does not show the focus';
    const yellow = 'rgb(255, 221, 0)';
    const shows = (s) => s.outlineStyle === 'auto'
        || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
            && s.outlineColor === yellow)
        || [s.backgroundColor, s.borderTopColor, s.boxShadow].some((v) => v.includes(yellow));
    let styles = [getComputedStyle(e)];
    if (e.matches('input[type=radio], input[type=checkbox]')) {
        const label = document.querySelector(`label[for="${e.id}"]`);
        if (!label) return 'a radio or checkbox without a label';
        styles = [getComputedStyle(label, '::before'), getComputedStyle(label, '::after')];
    }
    return styles.some(shows) ? '' : 'no focus style';
}"""

# The option a focused <select> shows.
SHOWN_OPTION = "() => document.activeElement.selectedOptions[0]?.text ?? ''"

IN_MAIN = "() => !!document.activeElement?.closest('main')"


class StaffKeyboard(KeyboardFiller):
    """KeyboardFiller, checking that every place the focus stops shows it, with the
    back office's other controls: a <select>, Shift+Tab, and htmx's in-place actions."""

    MAX_TABS = 60

    def focused(self) -> dict[str, Any]:
        here = super().focused()
        if here.get("tag") not in ("body", "main"):
            problem = self.page.evaluate(FOCUS_SHOWN)
            assert not problem, f"{problem}: {here} on {self.page.url}"
        return here

    def new_page(self) -> None:
        """A page has loaded. GOV.UK Frontend puts the focus on an error summary or a
        success banner. Otherwise nothing has it yet, and the next Tab finds the skip link;
        unless the address ends in #main-content (after the skip link, the browser keeps
        it through the form's redirect), when the next Tab goes into the main content."""
        self.in_main = self.page.url.endswith("#main-content") or bool(self.page.evaluate(IN_MAIN))

    def choose(self, name: str, label: str) -> None:
        """Tab to a <select>, then the arrow keys until it shows `label`."""
        self.tab_to(lambda f: f.get("tag") == "select" and f.get("name") == name, f"{name}")
        for key in ("ArrowDown", "ArrowUp"):
            for _ in range(20):
                if self.page.evaluate(SHOWN_OPTION) == label:
                    return
                self.page.keyboard.press(key)
        raise AssertionError(f"the arrow keys never showed {label!r} in {name}")

    def shift_tab_to(self, text: str) -> dict[str, Any]:
        for _ in range(self.MAX_TABS):
            self.page.keyboard.press("Shift+Tab")
            here = self.focused()
            if here.get("text") == text:
                return here
        raise AssertionError(f"Shift+Tab never reached {text!r} on {self.page.url}")

    def follow(self, text: str) -> None:
        """Tab to a link in the page's main content and press Enter on it."""
        here = self.tab_to(lambda f: f.get("text") == text, f"the {text!r} link")
        assert here.get("tag") == "a", here
        self.enter_and_load()

    def enter_and_load(self) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.new_page()

    def press_in_place(self, text: str, swapped: str) -> None:
        """Press a button whose form htmx sends, and wait for `swapped` to be replaced."""
        self.tab_to(lambda f: f.get("tag") == "button" and f.get("text") == text, text)
        old = self.page.locator(swapped).element_handle()
        self.page.keyboard.press("Enter")
        self.page.wait_for_function("(old) => !old.isConnected", arg=old)
        # htmx puts the focus on the new content once it has settled (20ms later).
        try:
            self.page.locator(swapped).evaluate(
                "(e) => new Promise((done, fail) => {"
                "  const until = Date.now() + 2000;"
                "  const check = () => e.contains(document.activeElement) ? done()"
                "    : Date.now() > until ? fail() : setTimeout(check, 10);"
                "  check(); })"
            )
        except Error as error:
            raise AssertionError(f"the focus went to {self.focused()}, not {swapped}") from error


def test_triage_and_a_stage_1_response_with_the_keyboard_only(
    live_server: LiveServer, page: Page
) -> None:
    with live_server.app.app_context():
        make_staff(Role.MANAGER)
        new_complaint(kind=Kind.COMPLIMENT, when=received_at(RECEIVED))
        # No email address: the council acknowledges it by phone or letter.
        ref = new_complaint(when=received_at(RECEIVED), email=None).reference
        new_complaint(kind=Kind.REPRESENTATION, when=received_at(RECEIVED))
        db.session.remove()
    keys = StaffKeyboard(page)
    row = f"#row-{ref}"

    # Sign in: the password, then the code from the authenticator app.
    page.goto("/staff/sign-in")
    keys.text("email", manager_email())
    keys.text("password", PASSWORD)
    keys.press_button("Sign in")
    assert page.locator("h1").inner_text() == "Enter the 6-digit code from your authenticator app"
    keys.text("code", code_now(live_server, manager_email()))
    keys.press_button("Continue")
    assert urlsplit(page.url).path == "/staff/", page.url

    # Find the complaint by its reference: the filter updates the queue in place.
    keys.text("reference", ref)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/?*reference={ref}*")
    page.locator(f"{row}:only-child").wait_for()
    assert keys.focused().get("name") == "reference", "the focus left the reference box"

    # Its inline actions: acknowledged today by phone.
    assert next_due(page, ref).startswith("Acknowledge")
    keys.tab_to(lambda f: f.get("text") == f"Actions for {ref}", "the row's actions")
    page.keyboard.press("Enter")
    keys.choose("how", "Phone")
    keys.press_in_place(f"Record acknowledgement for {ref}", row)
    here = keys.focused()
    assert here.get("text") == "Acknowledgement recorded.", f"the focus went to {here}"
    # The stage 1 response runs from receipt; acknowledged today, long after its date.
    assert next_due(page, ref) == "Stage 1 response by 7 January 2026 Acknowledged late"

    # Then assigned to another team, saying why.
    keys.tab_to(lambda f: f.get("text") == f"Actions for {ref}", "the row's actions")
    page.keyboard.press("Space")
    keys.choose("team", "Fostering")
    keys.text("reason", "The child has moved to a foster home.")
    keys.press_in_place(f"Assign {ref}", row)
    here = keys.focused()
    assert here.get("text") == "Assignment saved.", f"the focus went to {here}"
    assert page.locator(f"{row} td").nth(4).inner_text() == "Fostering"

    # Back along the row to its reference, and into the case.
    keys.shift_tab_to(ref)
    keys.enter_and_load()
    assert page.locator("h1").inner_text() == f"{ref} Triage"
    keys.follow("Accept at stage 1")
    assert page.locator("h1").inner_text() == "Accept at stage 1"
    keys.press_button("Save")
    assert page.title().startswith("Error: ")
    assert keys.focused().get("text", "").startswith("There is a problem"), "focus not on errors"
    keys.date("on", str(ACCEPTED.day), str(ACCEPTED.month), str(ACCEPTED.year))
    keys.press_button("Save")
    saved(page, "Accept at stage 1: saved.")
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 1"
    assert summary_row(page, "Next due") == STAGE1_DUE
    assert summary_row(page, "Team") == "Fostering"
    # Acknowledged today, long after Wed 24 Dec 2025: recorded, and shown as late.
    assert summary_row(page, "Acknowledged").endswith(
        "(by phone), late: it was due by Wednesday 24 December 2025"
    )

    # The complaint's point and what was found.
    keys.follow("Add a complaint point")
    keys.radio("stage", "1")
    keys.text("summary", "The social worker missed three visits.")
    keys.radio("outcome", "upheld")
    keys.press_button("Save")
    saved(page, "Complaint point added.")
    points = page.locator("table", has=page.locator("th", has_text="Finding")).inner_text()
    assert "The social worker missed three visits." in points and "Upheld" in points

    # The stage 1 response: the overall finding, what put it right, and its date.
    keys.follow("Record the stage 1 response")
    keys.date("on", str(RESPONDED.day), str(RESPONDED.month), str(RESPONDED.year))
    keys.radio("outcome", "partially_upheld")
    keys.tick("redress", "apology")
    keys.text("ex_gratia", "50")
    keys.press_button("Save")
    saved(page, "Record the stage 1 response: saved.")
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 1"
    assert summary_row(page, "Next due") == "Nothing due"
    assert summary_row(page, "Outcome") == "Partially upheld"
    assert summary_row(page, "Stage 1 response") == "Tuesday 6 January 2026"
    cells = page.locator("#stage-responses tbody tr th, #stage-responses tbody tr td")
    assert [c.strip() for c in cells.all_inner_texts()] == [
        "Stage 1",
        "Partially upheld",
        "Apology",
        "£50.00",
        "",
    ]
    # What comes next is offered: a request for stage 2.
    keys.tab_to(lambda f: f.get("text") == "Record a request for stage 2", "the stage 2 link")


def saved(page: Page, message: str) -> None:
    """The case page after a change: its success banner, which has the focus."""
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith(message), banner.inner_text()
    assert banner.evaluate("e => e === document.activeElement"), "the banner lacks the focus"


def next_due(page: Page, reference: str) -> str:
    """What the queue says is due next for the case."""
    return page.locator(f"#row-{reference} td").nth(2).inner_text().replace("\n", " ")


def summary_row(page: Page, key: str) -> str:
    key_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    row = page.locator(".govuk-summary-list__row", has=key_cell)
    return row.locator("dd").inner_text().strip()
