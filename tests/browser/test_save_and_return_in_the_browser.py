"""Save and come back later, in Chromium: a person saves part way, the link arrives by
email on a real SMTP server, and they carry on in a browser that has never seen the
portal (a new context: no cookies, no session). After the last question they reach
check your answers with every answer they gave, and can send it."""

import re

import pytest
from browser_env import Contexts, LiveServer
from integration.smtp_server import SmtpServer
from playwright.sync_api import Page
from portal_browser import (
    PointerFiller,
    answer,
    first_reference,
    journey_path,
    reference_shown,
    words_for,
)

from portal.domain.journeys import CHECK_ANSWERS, steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.services import outbox

pytestmark = pytest.mark.browser

SAVED_AT = "what-happened"
SECRET = "Pizza"
TEAM = "A social worker helping a family"
# Every route, each asked of a child or an adult.
ROUTES = [
    (Kind.COMPLAINT, SubmitterRole.CHILD),
    (Kind.REPRESENTATION, SubmitterRole.PARENT),
    (Kind.COMPLIMENT, SubmitterRole.PROFESSIONAL),
    (Kind.ADVOCACY, SubmitterRole.FOSTER_CARER),
]


def emailed_link(server: LiveServer, smtp: SmtpServer, to: str) -> str:
    """Send what the outbox holds (as the worker does), and read the link in the email."""
    with server.app.app_context():
        assert outbox.work_once().sent >= 1
    (message,) = smtp.inbox.to(to)
    found = re.search(r"https?://\S+(/continue/[\w-]+\S*)", message.text)
    assert found, message.text
    return found.group(1)


def save_part_way(page: Page, kind: Kind, role: SubmitterRole) -> None:
    fill = PointerFiller(page)
    page.goto(journey_path(kind, "who-are-you"))
    for step in steps_for(kind, role):
        assert page.url.endswith(journey_path(kind, step)), page.url
        answer(fill, kind, role, step)
        if step == SAVED_AT:
            fill.press_button("Save and come back later")
            break
        fill.press_button("Continue")
    fill.text("email", words_for(role).email)
    fill.radio("question", "favourite_food")
    fill.text("answer", SECRET)
    fill.press_button("Save and send the link")
    assert page.locator("h1").inner_text() == "Your answers are saved"


@pytest.mark.parametrize(("kind", "role"), ROUTES, ids=lambda v: v.value)
def test_carrying_on_from_the_emailed_link_in_a_new_browser_reaches_check_your_answers(
    live_server: LiveServer,
    contexts: Contexts,
    smtp: SmtpServer,
    kind: Kind,
    role: SubmitterRole,
) -> None:
    words = words_for(role)
    save_part_way(contexts.page(), kind, role)
    link = emailed_link(live_server, smtp, words.email)

    page = contexts.page()  # a new browser context: nothing of the first one
    fill = PointerFiller(page)
    page.goto(link)
    fill.text("answer", SECRET)
    fill.press_button("Carry on")
    later = steps_for(kind, role)
    for step in later[later.index(SAVED_AT) + 1 :]:
        assert page.url.endswith(journey_path(kind, step)), page.url
        answer(fill, kind, role, step)
        fill.press_button("Continue")

    assert page.url.endswith(journey_path(kind, CHECK_ANSWERS)), page.url
    shown = page.locator(".govuk-summary-list").inner_text()
    expected = [words.what_happened, words.name, words.email]
    if role is SubmitterRole.CHILD:
        expected += ["14", "My social worker"]  # who it is about, in a child's words
    else:
        expected.append(TEAM)
        if kind is not Kind.COMPLIMENT:
            expected += [words.child_name, "14 March 2013"]
    if kind is Kind.COMPLAINT:
        expected.append(words.put_right)
    if kind is Kind.COMPLIMENT:
        expected.append(words.worker_name)
    for words_given in expected:
        assert words_given in shown, f"{words_given!r} is not on check your answers"

    fill.press_button("Send")
    assert reference_shown(page) == first_reference()
