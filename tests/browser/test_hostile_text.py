"""Hostile text is shown as text and runs nowhere. A corpus of XSS payloads (script
tags, event handlers, `javascript:` URLs, encoded variants, template syntax) is typed
into every free-text field of the public pages, through the real pages; it is then
looked at in the browser on check your answers, the confirmation, the pages a question
is shown again on, the back office (the triage queue, the case, the subject access page,
the annual report) and the emails the portal queued.

Every payload sets a global (`window.__xss`) instead of opening a dialog, so that running
is detected whatever the payload does; a setter on that global, installed before any
page's own script, reports every attempt, even on a page the test has already left.
The contexts ignore the pages' Content-Security-Policy: the escaping is under test, not
the CSP that would otherwise also stop an inline script."""

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from browser_env import ROOT, Contexts, LiveServer
from playwright.sync_api import BrowserContext, Dialog, Page
from portal_browser import (
    PointerFiller,
    Words,
    answer,
    journey_path,
    reference_shown,
)

from portal.domain.access import Role
from portal.domain.journeys import CHECK_ANSWERS, steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import outbox

# The back-office helpers of tests/integration, as tests/browser/test_backoffice.py uses
# them: a complaints manager with an authenticator app, and the code it shows now.
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from backoffice_helpers import PASSWORD, authenticator_code, make_staff  # noqa: E402

pytestmark = pytest.mark.browser

# --- the corpus ---------------------------------------------------------------------------

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = "<svg onload=window.__xss=1>"
ATTRIBUTE_BREAKOUT = '"><script>window.__xss=1</script>'
JS_URL = "javascript:window.__xss=1"
ENCODED = "&lt;script&gt;window.__xss=1&lt;/script&gt;"
NUMERIC_ENTITIES = "&#60;img src=x onerror=window.__xss=1&#62;"
JINJA_MATHS = "{{7*7}}"
JINJA_CONFIG = "{{ config }}{% for key in config %}{{ key }}{% endfor %}"
JS_LINK = '<a href="javascript:window.__xss=1">x</a>'
IFRAME = '<iframe srcdoc="<script>parent.__xss=1</script>">'
TEXTAREA_BREAKOUT = "</textarea><script>window.__xss=1</script>"
SINGLE_QUOTE_BREAKOUT = "' onmouseover='window.__xss=1"

CORPUS = [
    SCRIPT,
    IMG,
    SVG,
    ATTRIBUTE_BREAKOUT,
    JS_URL,
    ENCODED,
    NUMERIC_ENTITIES,
    JINJA_MATHS,
    JINJA_CONFIG,
    JS_LINK,
    IFRAME,
    TEXTAREA_BREAKOUT,
    SINGLE_QUOTE_BREAKOUT,
]

# Who types what. Each free-text field gets a payload, and each payload goes somewhere;
# the breakouts go where they would break out: an input's value, a textarea.
ADVOCATE_EMAIL = "advocate@example.com"
CARER_EMAIL = "carer@example.com"
SAVER_EMAIL = "saver@example.com"

# A complaint by an advocate: organisation, the child, both long answers, the name, support.
ADVOCATE = Words(
    organisation=ATTRIBUTE_BREAKOUT,
    child_name=SINGLE_QUOTE_BREAKOUT,
    what_happened=TEXTAREA_BREAKOUT,
    put_right=IFRAME,
    name=IMG,
    email=ADVOCATE_EMAIL,
)
ADVOCATE_SUPPORT = {"interpreter_language": SVG, "other_support": JS_URL}
# A compliment from a parent: the worker's name, what happened, the name, other support.
CARER = Words(
    worker_name=JINJA_CONFIG,
    what_happened=JS_LINK,
    put_right="",
    name=JINJA_MATHS,
    email=CARER_EMAIL,
)
CARER_SUPPORT = {"other_support": NUMERIC_ENTITIES}
# A representation from a parent, to be contacted by post: the child, what happened, the
# name, the address, the language.
BY_POST = Words(
    child_name=SCRIPT,
    what_happened=ENCODED,
    put_right="",
    name=JS_URL,
    email="unused@example.com",
)
BY_POST_ADDRESS = TEXTAREA_BREAKOUT
BY_POST_SUPPORT = {"interpreter_language": JINJA_MATHS}
# Save and come back later: the child's name is kept in the draft; the answer to the
# question is asked for when coming back (and a wrong one is shown again).
SAVED_CHILD_NAME = IFRAME
SAVE_ANSWER = ATTRIBUTE_BREAKOUT
WRONG_ANSWER = SINGLE_QUOTE_BREAKOUT
# Staff-typed: a lesson learned, shown on the case and in the annual report; a search.
LESSON = SCRIPT
LESSON_ACTION = JINJA_CONFIG
# The queue keeps the first 30 characters of a search: a breakout that fits.
QUEUE_SEARCH = '"><svg onload=window.__xss=1>'

# --- watching for anything that runs --------------------------------------------------------

# Before any page's script: a setter on window.__xss that reports every assignment (the
# srcdoc payload assigns to its parent's). Reading it gives what was assigned, if anything.
TRAP = """(() => {
  let value;
  Object.defineProperty(window, '__xss', {
    configurable: true,
    get() { return value; },
    set(v) { value = v; window.__xssReport(location.href); },
  });
})();"""

# What a payload would leave in the page if it were read as markup or ran.
FINDINGS = """() => {
  const found = [];
  const describe = (e) => e.outerHTML.slice(0, 160);
  const jsUrl = (value) => value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase()
    .startsWith('javascript:');
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) found.push(`event handler ${name}: ${describe(e)}`);
      if (name === 'srcdoc') found.push(`srcdoc: ${describe(e)}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && jsUrl(a.value)) found.push(`javascript: URL: ${describe(e)}`);
    }
  }
  for (const e of document.querySelectorAll('iframe, frame, object, embed, body script')) {
    found.push(`element: ${describe(e)}`);
  }
  for (const e of document.querySelectorAll('img[src="x"]')) found.push(`img: ${describe(e)}`);
  for (const e of document.querySelectorAll('a[href^="javascript:" i]')) {
    found.push(`javascript: link: ${describe(e)}`);
  }
  if (window.__xss !== undefined) found.push(`window.__xss is ${window.__xss}`);
  return found;
}"""

# A moment for anything a payload started (an image's error, a frame) to finish.
SETTLE_MS = 150


@dataclass
class Watch:
    """Everything that ran, or was left in a page, across the test's contexts."""

    ran: list[str] = field(default_factory=list)  # pages where window.__xss was assigned
    dialogs: list[str] = field(default_factory=list)

    def context(self, contexts: Contexts) -> BrowserContext:
        context = contexts.new(bypass_csp=True)
        context.expose_binding("__xssReport", lambda source, url: self.ran.append(url))
        context.add_init_script(TRAP)

        def record(dialog: Dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        context.on("dialog", record)
        return context

    def check(
        self,
        page: Page,
        where: str,
        *,
        texts: tuple[str, ...] = (),
        values: dict[str, str] | None = None,
        scope: str = "main",
    ) -> None:
        """The page shows `texts` as typed, its fields hold `values` as typed, and no
        payload left markup in it or ran."""
        page.wait_for_timeout(SETTLE_MS)
        findings = page.evaluate(FINDINGS)
        assert findings == [], f"{where} ({page.url}): a payload was read as markup:\n" + (
            "\n".join(findings)
        )
        shown = page.inner_text(scope)
        missing = [text for text in texts if text not in shown]
        assert not missing, (
            f"{where} ({page.url}) does not show, as typed: {missing}\n--- it shows:\n{shown}"
        )
        assert "SECRET_KEY" not in shown, f"{where} rendered a template from what was typed"
        for name, typed in (values or {}).items():
            held = page.locator(f'[name="{name}"]').input_value()
            assert held == typed, f"{where}: the {name} field holds {held!r}, typed {typed!r}"
        self.nothing_ran(where)

    def nothing_ran(self, where: str) -> None:
        assert self.ran == [], f"a payload ran (window.__xss was set) by {where}: {self.ran}"
        assert self.dialogs == [], f"a dialog opened by {where}: {self.dialogs}"


# --- the public pages -------------------------------------------------------------------------


def press(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


@dataclass
class Journey:
    kind: Kind
    role: SubmitterRole
    words: Words
    # Answers for a step instead of, or after, the usual ones (`portal_browser.answer`).
    instead: dict[str, Callable[[], None]] = field(default_factory=dict)
    after: dict[str, Callable[[], None]] = field(default_factory=dict)
    contact: str = "email"
    # The fields typed into, by step: shown again on the question page.
    typed: dict[str, dict[str, str]] = field(default_factory=dict)

    def texts(self, *, leaving_out: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(
            text
            for fields in self.typed.values()
            for name, text in fields.items()
            if name not in leaving_out
        )


def support(fill: PointerFiller, typed: dict[str, str]) -> Callable[[], None]:
    """Ask for an interpreter and/or something else, in the words given."""

    def choose() -> None:
        for name, need in (("interpreter_language", "interpreter"), ("other_support", "other")):
            if name in typed:
                fill.tick("support", need)
                fill.text(name, typed[name])

    return choose


def walk(fill: PointerFiller, watch: Watch, journey: Journey) -> str:
    """Through every question to check your answers, then back to each question typed
    into, then send; returns the reference."""
    page = fill.page
    kind, role = journey.kind, journey.role
    page.goto(journey_path(kind, "who-are-you"))
    for step in steps_for(kind, role):
        assert page.url.endswith(journey_path(kind, step)), (step, page.url)
        if step in journey.instead:
            journey.instead[step]()
        else:
            answer(fill, kind, role, step, words=journey.words, contact=journey.contact)
        if step in journey.after:
            journey.after[step]()
        fill.press_button("Continue")
    assert page.url.endswith(journey_path(kind, CHECK_ANSWERS)), page.url
    where = f"check your answers ({kind.value} by a {role.value})"
    watch.check(page, where, texts=journey.texts(), scope=".govuk-summary-list")

    # Each question typed into, shown again with the answers in its fields.
    for step, fields in journey.typed.items():
        page.goto(journey_path(kind, step))
        watch.check(page, f"{kind.value}/{step} shown again", values=fields)
    page.goto(journey_path(kind, CHECK_ANSWERS))
    fill.press_button("Send")
    reference = reference_shown(page)
    watch.check(page, f"confirmation ({kind.value})", texts=(reference,))
    return reference


def advocates_complaint(fill: PointerFiller, watch: Watch) -> Journey:
    page = fill.page

    def contact_with_a_mistake() -> None:
        """The name is typed, the email address forgotten: the name is shown again."""
        fill.text("name", ADVOCATE.name)
        fill.radio("contact_preference", "email")
        fill.press_button("Continue")
        assert page.locator(".govuk-error-summary").is_visible(), page.url
        watch.check(page, "contact (with an error)", values={"name": ADVOCATE.name})
        fill.text("email", ADVOCATE.email)
        fill.tick("safe_to_contact", "phone")

    return Journey(
        Kind.COMPLAINT,
        SubmitterRole.ADVOCATE,
        ADVOCATE,
        instead={"contact": contact_with_a_mistake, "support": support(fill, ADVOCATE_SUPPORT)},
        typed={
            "your-organisation": {"organisation": ADVOCATE.organisation},
            "about-the-child": {"child_name": ADVOCATE.child_name},
            "what-happened": {"what_happened": ADVOCATE.what_happened},
            "put-it-right": {"put_right": ADVOCATE.put_right},
            "contact": {"name": ADVOCATE.name},
            "support": ADVOCATE_SUPPORT,
        },
    )


def compliment(fill: PointerFiller) -> Journey:
    return Journey(
        Kind.COMPLIMENT,
        SubmitterRole.PARENT,
        CARER,
        instead={"support": support(fill, CARER_SUPPORT)},
        typed={
            "what-it-is-about": {"worker_name": CARER.worker_name},
            "what-happened": {"what_happened": CARER.what_happened},
            "contact": {"name": CARER.name},
            "support": CARER_SUPPORT,
        },
    )


def representation_by_post(fill: PointerFiller) -> Journey:
    return Journey(
        Kind.REPRESENTATION,
        SubmitterRole.PARENT,
        BY_POST,
        contact="post",
        instead={"support": support(fill, BY_POST_SUPPORT)},
        after={"contact": lambda: fill.text("address", BY_POST_ADDRESS)},
        typed={
            "about-the-child": {"child_name": BY_POST.child_name},
            "what-happened": {"what_happened": BY_POST.what_happened},
            "contact": {"name": BY_POST.name, "address": BY_POST_ADDRESS},
            "support": BY_POST_SUPPORT,
        },
    )


def save_for_later(fill: PointerFiller, watch: Watch) -> None:
    """A parent types the child's name and saves their answers, forgetting the email
    address at first: the answer to their question is shown again in its field."""
    page = fill.page
    page.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
    for step in ("who-are-you", "are-you-safe"):
        answer(fill, Kind.COMPLAINT, SubmitterRole.PARENT, step)
        fill.press_button("Continue")
    fill.text("child_name", SAVED_CHILD_NAME)
    fill.date("child_date_of_birth", "14", "3", "2013")
    fill.press_button("Save and come back later")
    fill.radio("question", "favourite_food")
    fill.text("answer", SAVE_ANSWER)
    fill.press_button("Save and send the link")
    assert page.locator(".govuk-error-summary").is_visible(), page.url
    watch.check(page, "save for later (with an error)", values={"answer": SAVE_ANSWER})
    fill.text("email", SAVER_EMAIL)
    fill.press_button("Save and send the link")
    assert page.locator("h1").inner_text() == "Your answers are saved"
    watch.check(page, "saved", texts=(SAVER_EMAIL,))


def carry_on(fill: PointerFiller, watch: Watch, link: str) -> None:
    """Back with the emailed link: a wrong answer is shown again, the right one (the
    payload, as typed) lets them in, and the child's name is in its field."""
    page = fill.page
    page.goto(link)
    fill.text("answer", WRONG_ANSWER)
    fill.press_button("Carry on")
    assert page.locator(".govuk-error-summary").is_visible(), page.url
    watch.check(page, "carry on (a wrong answer)", values={"answer": WRONG_ANSWER})
    fill.text("answer", SAVE_ANSWER)
    fill.press_button("Carry on")
    assert "/make-a-complaint/" in page.url, f"the saved answer did not let them in: {page.url}"
    page.goto(journey_path(Kind.COMPLAINT, "about-the-child"))
    watch.check(page, "about the child (carried on)", values={"child_name": SAVED_CHILD_NAME})


# --- the emails ------------------------------------------------------------------------------


@dataclass
class Email:
    purpose: str
    recipient: str
    text_body: str
    html_body: str


def queued_emails(server: LiveServer) -> list[Email]:
    with server.app.app_context():
        emails = [
            Email(m.purpose, m.recipient, *outbox.render(m))  # as the worker sends it
            for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
        ]
        db.session.remove()
    return emails


def continue_link(emails: list[Email]) -> str:
    (saved,) = [e for e in emails if e.purpose == "save_return_link"]
    found = re.search(r"/continue/[A-Za-z0-9_-]+", saved.text_body)
    assert found, saved.text_body
    return found.group(0)


# --- the back office ---------------------------------------------------------------------------


def sign_in_as_manager(page: Page, server: LiveServer) -> None:
    """As tests/browser/test_backoffice.py does: the password, then, when asked, the code
    from the manager's authenticator app."""
    with server.app.app_context():
        email = make_staff(Role.MANAGER)
        db.session.remove()
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    if page.url.endswith("/staff/sign-in/code"):
        with server.app.app_context():
            code = authenticator_code(email)
            db.session.remove()
        page.locator('[name="code"]').fill(code)
        press(page, "Continue")
    assert page.url.endswith("/staff/"), page.url


def back_office(page: Page, server: LiveServer, watch: Watch, cases: dict[str, Journey]) -> None:
    sign_in_as_manager(page, server)
    for reference, journey in cases.items():
        page.goto("/staff/?" + urlencode({"reference": reference}))
        assert page.locator(f"#row-{reference}").is_visible(), f"{reference} is not in the queue"
        watch.check(page, f"triage queue, searched for {reference}")
        # The case page shows every answer but "what help do you need": subject access has it.
        page.goto(f"/staff/cases/{reference}")
        texts = journey.texts(leaving_out=("other_support",))
        watch.check(page, f"case {reference}", texts=texts)
    # The queue's search box shows what was searched for, as typed.
    page.goto("/staff/?" + urlencode({"reference": QUEUE_SEARCH}))
    watch.check(page, "triage queue, searched for a payload", values={"reference": QUEUE_SEARCH})

    # A lesson learned, typed by staff on the first case.
    first = next(iter(cases))
    page.goto(f"/staff/cases/{first}")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a lesson learned", exact=True).click()
    page.locator('[name="lesson"]').fill(LESSON)
    page.locator('[name="action"]').fill(LESSON_ACTION)
    press(page, "Save")
    assert page.url.endswith(f"/staff/cases/{first}"), page.url
    watch.check(page, f"case {first} with a lesson", texts=(LESSON, LESSON_ACTION))

    def subject_access(**search: str) -> None:
        page.goto("/staff/subject-access")
        for name, value in search.items():
            page.locator(f'[name="{name}"]').first.fill(value)
        press(page, "Find what is held")

    for reference, journey in cases.items():
        subject_access(reference=reference)
        lesson = (LESSON, LESSON_ACTION) if reference == first else ()
        watch.check(page, f"subject access for {reference}", texts=(*journey.texts(), *lesson))
    # The answers saved and not sent are found by the email address they were saved with.
    subject_access(email=SAVER_EMAIL)
    watch.check(page, f"subject access for {SAVER_EMAIL}", texts=(SAVED_CHILD_NAME,))

    page.goto("/staff/reports/annual")
    watch.check(
        page, "the annual report's lessons", texts=(LESSON, LESSON_ACTION), scope="#lessons"
    )
    watch.check(page, "the annual report")


# --- the test ---------------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text_and_runs_nowhere(
    live_server: LiveServer, contexts: Contexts
) -> None:
    watch = Watch()
    public = watch.context(contexts).new_page()
    fill = PointerFiller(public)

    save_for_later(fill, watch)
    public.context.clear_cookies()
    journeys = [advocates_complaint(fill, watch), compliment(fill), representation_by_post(fill)]
    cases: dict[str, Journey] = {}
    for journey in journeys:
        public.context.clear_cookies()  # each person starts afresh
        cases[walk(fill, watch, journey)] = journey

    emails = queued_emails(live_server)
    public.context.clear_cookies()
    carry_on(fill, watch, continue_link(emails))

    staff = watch.context(contexts).new_page()
    back_office(staff, live_server, watch, cases)

    # Each email's HTML as a mail program would show it; the names typed are in the
    # acknowledgements as typed, in both the HTML and the plain text.
    reader = watch.context(contexts).new_page()
    names = {ADVOCATE_EMAIL: ADVOCATE.name, CARER_EMAIL: CARER.name}
    purposes = sorted({email.purpose for email in emails})
    assert "acknowledgement" in purposes and "team_notification" in purposes, purposes
    for email in emails:
        reader.set_content(email.html_body)
        expected = (names[email.recipient],) if email.purpose == "acknowledgement" else ()
        watch.check(
            reader, f"{email.purpose} email to {email.recipient}", texts=expected, scope="body"
        )
        for text in expected:
            assert text in email.text_body, (email.purpose, email.recipient, email.text_body)

    typed = {text for journey in journeys for text in journey.texts()}
    typed |= {SAVED_CHILD_NAME, SAVE_ANSWER, WRONG_ANSWER, LESSON, LESSON_ACTION, QUEUE_SEARCH}
    assert set(CORPUS) <= typed, f"typed nowhere: {set(CORPUS) - typed}"
    watch.nothing_ran("the end")
