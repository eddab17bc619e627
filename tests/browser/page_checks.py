"""A walk through every public page, and the checks made on what it meets: axe-core in
the browser, the Nu HTML checker on the HTML the server sent, and the text of <main>
for the readability test.

The walk is done once for the test session (the `crawl` fixture); the tests then judge
each page on its own, so a failure names the page.
"""

import html
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_env import AXE_JS as AXE_JS
from browser_env import AXE_PATH, ROOT
from playwright.sync_api import Page
from portal_browser import (
    CHILD_WORDS,
    EMPTY_BUTTON,
    FEEDBACK_ANSWERS,
    INFORMATION_PAGES,
    ORGANISATION_ROUTES,
    ROUTES,
    WORRYING_WORDS,
    PointerFiller,
    answer,
    audience,
    journey_path,
    page_name,
    pages_of,
    welsh,
)

from portal.domain.clock import LONDON
from portal.domain.types import Kind, SubmitterRole
from portal.public.journey import KIND_SLUGS

# --- axe-core -----------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
AXE_RUN = """(tags) => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
}).then((result) => result.violations)"""
# axe's file from the test server (browser_env.with_axe), as a script of the page's own
# origin; the element is taken out again once it has run, so the document axe judges
# (and `page.content()`) is the page's. False where the file cannot be loaded.
AXE_LOAD = """(path) => new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = new URL(path, location.origin).href;
    script.onload = () => { script.remove(); resolve(true); };
    script.onerror = () => { script.remove(); resolve(false); };
    (document.head || document.documentElement).appendChild(script);
})"""


def run_axe(page: Page, source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now. The pages' CSP allows
    no inline script, so axe is loaded as a script of the page's own origin (the browser
    keeps it, compiled, for the next page), or where that cannot be, its source is
    evaluated through the DevTools protocol. It waits for the page's load event first: a
    click that navigates returns once the new page has begun, and axe run before the
    stylesheet applies sees every link 17px tall."""
    page.wait_for_load_state("load")
    if not page.evaluate(AXE_LOAD, AXE_PATH):
        page.evaluate(source)
    return list(page.evaluate(AXE_RUN, AXE_TAGS))


def govuk_conditional_reveal(violation: dict[str, Any], node: dict[str, Any]) -> bool:
    """GOV.UK Frontend's script marks a radio that reveals a follow-up question with
    aria-expanded. ARIA 1.2 does not list aria-expanded for radios, so axe reports it; the
    GOV.UK Design System keeps it on purpose, because screen readers announce the change
    to their users (alphagov/govuk-frontend#979, still open). This and nothing else is
    let through: aria-expanded, set by GOV.UK's script, on a GOV.UK radio whose
    aria-controls names a GOV.UK conditional reveal."""
    if violation["id"] != "aria-allowed-attr":
        return False
    html = node["html"]
    failed = node["any"] + node["all"] + node["none"]
    found = [
        str(value) for check in failed for value in (check.get("data") or {}).get("values", [])
    ]
    return (
        html.startswith('<input class="govuk-radios__input"')
        and 'aria-controls="conditional-' in html
        and all(check["id"] == "aria-allowed-attr" for check in failed)
        and bool(found)
        and all(item.startswith("aria-expanded=") for item in found)
    )


def real_violations(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """axe's violations less GOV.UK's deliberate aria-expanded on conditional radios."""
    kept = []
    for violation in violations:
        nodes = [n for n in violation["nodes"] if not govuk_conditional_reveal(violation, n)]
        if nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


# --- the walk -----------------------------------------------------------------------------


@dataclass
class Snapshot:
    """One public page as a person met it."""

    name: str
    url: str
    status: int
    html: str  # as the server sent it: what a browser without JavaScript gets
    violations: list[dict[str, Any]]  # axe's, on the page with its scripts run
    main_text: str  # the rendered text of <main>, as a person reads it


@dataclass(frozen=True)
class FeedbackLinks:
    """Closed complaints, each invited to the feedback questionnaire: the links their
    complainants were given (paths on the portal)."""

    adult: str  # the questionnaire link in a parent's invitation
    adult_tracking: str  # the same parent's tracking page
    child_tracking: str  # a child's tracking page, with its "Answer the questions" button
    welsh: str  # the questionnaire link in the invitation of a complaint made in Welsh
    # An open complaint answered at stage 1 today: its tracking page offers every step.
    answered_tracking: str = ""
    # An open complaint whose stage 2 was adjudicated today: a review panel is offered.
    adjudicated_tracking: str = ""


@dataclass
class Crawl:
    pages: dict[str, Snapshot]
    failures: dict[str, str]  # a route that broke off, and why

    def get(self, name: str) -> Snapshot:
        if name not in self.pages:
            why = "\n".join(f"{route}: {reason}" for route, reason in self.failures.items())
            pytest.fail(f"the walk never reached {name!r}\n{why or 'no route failed'}")
        return self.pages[name]


_CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
_JOURNEYS = re.compile("|".join(re.escape(f"/{slug}/") for slug in KIND_SLUGS.values()))


def same_markup(html: str) -> str:
    """The page's markup less what differs between otherwise identical pages: the
    session's CSRF token and the journey named in its links."""
    return _JOURNEYS.sub("/(journey)/", _CSRF.sub('name="csrf_token"', html))


class Walker:
    """Goes through the pages with a pointer, taking a snapshot of each page named."""

    def __init__(self, page: Page, axe_source: str) -> None:
        self.page = page
        self.axe_source = axe_source
        self.pages: dict[str, Snapshot] = {}
        self.fill = PointerFiller(page)
        self.response: Any = None  # the response that loaded the page now shown
        # axe's findings by markup: a question asked in the same words in two journeys
        # is the same page, and axe's answer for it is the same.
        self.checked: dict[str, list[dict[str, Any]]] = {}

    def record(self, name: str) -> None:
        assert self.response is not None, f"no response for {name}"
        html = self.response.text()
        markup = same_markup(html)
        if markup not in self.checked:
            self.checked[markup] = run_axe(self.page, self.axe_source)
        self.pages[name] = Snapshot(
            name=name,
            url=self.page.url,
            status=self.response.status,
            html=html,
            violations=self.checked[markup],
            main_text=self.page.inner_text("main"),
        )

    def record_as_shown(self, name: str) -> None:
        """The page as it is now, after a change made in place (a <details> opened, a
        part swapped in by htmx): axe judges what is shown, and the checker the document
        as it now stands, not the HTML the page first came with."""
        assert self.response is not None, f"no response for {name}"
        self.pages[name] = Snapshot(
            name=name,
            url=self.page.url,
            status=self.response.status,
            html=self.page.content(),
            violations=run_axe(self.page, self.axe_source),
            main_text=self.page.inner_text("main"),
        )

    def goto(self, path: str, name: str | None = None) -> None:
        self.response = self.page.goto(path)
        if name:
            self.record(name)

    def press(self, button: str, name: str | None = None) -> None:
        self.response = self.fill.press_button(button)
        if name:
            self.record(name)

    def find_your_complaint(self) -> None:
        """From the start page's link: sent empty, then a reference and an email address
        (the page says the same whether or not they match anything)."""
        self.goto("/")
        link = self.page.get_by_role("link", name="Get a new link").get_attribute("href")
        assert link == "/find-your-complaint", link
        self.goto(link, "find your complaint")
        self.press("Send me a new link", "find your complaint (errors)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.fill.text("reference", "CSC-2026-0001")
        self.fill.text("contact", "nobody@example.com")
        self.press("Send me a new link", "find your complaint (asked)")
        assert self.page.locator("h1").inner_text() == "Check your email"

    def question(self, kind: Kind, role: SubmitterRole, who: str, step: str) -> None:
        """The page as it arrives, the page sent empty, then the page answered."""
        assert self.page.url.endswith(journey_path(kind, step)), (
            f"expected {journey_path(kind, step)}, the browser is on {self.page.url}"
        )
        if page_name(kind, who, step) not in self.pages:
            self.record(page_name(kind, who, step))
            self.press(EMPTY_BUTTON.get(step, "Continue"), page_name(kind, who, step, errors=True))
            assert self.page.locator(".govuk-error-summary").is_visible(), (
                f"sending {step} empty showed no error summary"
            )
        answer(self.fill, kind, role, step, also_complain="yes")
        self.press("Continue")

    def walk(
        self,
        kind: Kind,
        role: SubmitterRole,
        *,
        who: str,
        stop_after: str | None = None,
        at_check_answers: Callable[[], None] | None = None,
    ) -> None:
        self.goto(journey_path(kind, "who-are-you"))
        for step in pages_of(kind, role)[:-1]:
            self.question(kind, role, who, step)
            if step == stop_after:
                return
        assert self.page.url.endswith(journey_path(kind, "check-answers")), self.page.url
        self.record(page_name(kind, who, "check-answers"))
        if at_check_answers:
            at_check_answers()
        self.press("Send", page_name(kind, who, "confirmation"))

    def session_ends_at_check_answers(self) -> None:
        """The person's cookie is gone when they press a button on check your answers;
        then, for the walk to go on, it comes back."""
        here = self.page.url
        cookies = self.page.context.cookies()
        self.page.context.clear_cookies()
        self.press("Send it without making a formal complaint", "session ended")
        assert self.page.locator("h1").inner_text() == "Your session has ended"
        self.page.context.add_cookies(cookies)  # type: ignore[arg-type]
        self.goto(here)

    def session_expires_on_a_question(self) -> None:
        """A person away too long: their cookie is gone when they press Continue."""
        self.page.context.clear_cookies()  # a new person, with no answers from earlier walks
        self.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
        self.fill.radio("role", "parent")
        self.press("Continue")
        self.fill.radio("in_danger", "no")
        self.press("Continue")
        self.fill.text("child_name", "Sam Taylor")
        self.page.context.clear_cookies()
        self.press("Continue", "session expired")
        assert self.page.url.endswith(journey_path(Kind.COMPLAINT, "who-are-you")), self.page.url
        assert self.page.locator(".govuk-notification-banner").is_visible()

    def child_in_danger_saves_for_later(self) -> None:
        """A child says they are in danger and is shown how to get help now (sent empty
        first); later, words that worry us are shown back and they are asked again; they
        ask to be contacted today, then save their answers to come back later, and later
        find the link used."""
        child = SubmitterRole.CHILD
        self.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
        answer(self.fill, Kind.COMPLAINT, child, "who-are-you")
        self.press("Continue")
        answer(self.fill, Kind.COMPLAINT, child, "are-you-safe", in_danger="yes")
        self.press("Continue", "get help now")
        assert "/get-help-now" in self.page.url, self.page.url
        self.press("Continue", "get help now (errors)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.fill.radio("contact_today", "no")
        self.press("Continue")
        for step in ("your-age", "what-it-is-about"):
            assert self.page.url.endswith(journey_path(Kind.COMPLAINT, step)), self.page.url
            answer(self.fill, Kind.COMPLAINT, child, step)
            self.press("Continue")
        answer(self.fill, Kind.COMPLAINT, child, "what-happened", words=WORRYING_WORDS)
        self.press("Continue", "check you are safe (a child)")
        assert "/check-you-are-safe" in self.page.url, self.page.url
        self.fill.radio("contact_today", "yes")
        self.fill.text("contact_detail", "")
        self.press("Continue", "check you are safe (a child, errors)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.fill.text("contact_detail", "07700 900982")
        self.press("Continue")
        assert self.page.url.endswith(journey_path(Kind.COMPLAINT, "put-it-right")), self.page.url
        self.press("Save and come back later", "save for later")
        self.press("Save and send the link", "save for later (errors)")
        self.fill.text("email", CHILD_WORDS.email)
        self.fill.radio("question", "favourite_food")
        self.fill.text("answer", "Pizza")
        self.press("Save and send the link", "saved")
        assert self.page.locator("h1").inner_text() == "Your answers are saved"
        self.goto("/continue/not-a-real-link", "link not working")
        assert self.response.status == 404

    def answer_until(self, kind: Kind, role: SubmitterRole, stop_at: str) -> None:
        """Answer each question from here until the journey asks `stop_at`."""
        steps = pages_of(kind, role)
        while not self.page.url.endswith(journey_path(kind, stop_at)):
            step = next(s for s in steps if self.page.url.endswith(journey_path(kind, s)))
            answer(self.fill, kind, role, step)
            self.press("Continue")

    def asked_to_check(self) -> None:
        """A parent gives a date of birth that makes the child 30 (asked to check, then
        confirmed) and a date months before "In the last month"; a child says they are 25."""
        kind, parent, child = Kind.COMPLAINT, SubmitterRole.PARENT, SubmitterRole.CHILD
        today = datetime.now(LONDON).date()
        self.goto(journey_path(kind, "who-are-you"))
        self.answer_until(kind, parent, "about-the-child")
        self.fill.text("child_name", "Sam Taylor")
        self.fill.date("child_date_of_birth", "14", "3", str(today.year - 30))
        self.press("Continue", "make-a-complaint/adult/about-the-child (asked to check)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.press("Continue")  # the date is right
        self.answer_until(kind, parent, "what-happened")
        answer(self.fill, kind, parent, "what-happened")
        months_ago = today - timedelta(days=100)
        self.fill.date(
            "event_date", str(months_ago.day), str(months_ago.month), str(months_ago.year)
        )
        self.press("Continue", "make-a-complaint/adult/what-happened (date does not fit)")
        assert self.page.locator(".govuk-error-summary").is_visible()

        self.page.context.clear_cookies()
        self.goto(journey_path(kind, "who-are-you"))
        self.answer_until(kind, child, "your-age")
        self.fill.text("age", "25")
        self.press("Continue", "make-a-complaint/child/your-age (asked to check)")
        assert self.page.locator(".govuk-error-summary").is_visible()

    def asks_for_texts(self, role: SubmitterRole) -> None:
        """Someone chooses "text me" and types a landline (refused beside the box), then
        their mobile, and checks their answers."""
        kind, who = Kind.COMPLAINT, audience(role)
        self.goto(journey_path(kind, "who-are-you"))
        self.answer_until(kind, role, "contact")
        answer(self.fill, kind, role, "contact", contact="text")
        self.fill.text("mobile", "01632 960 001")
        self.press("Continue", f"make-a-complaint/{who}/contact (text me, errors)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.fill.text("mobile", "07700 900 982")
        self.press("Continue")
        self.answer_until(kind, role, "check-answers")
        self.record(f"make-a-complaint/{who}/check-answers (text me)")
        assert "07700 900 982" in self.page.inner_text("main")

    def not_sure_about_an_advocate(self, role: SubmitterRole) -> None:
        """Not sure about an advocate: the page says what one does and asks again."""
        who = audience(role)
        self.walk(Kind.COMPLAINT, role, who=who, stop_after="files")
        assert self.page.url.endswith(journey_path(Kind.COMPLAINT, "advocate")), self.page.url
        self.fill.radio("advocacy", "not_sure")
        self.press("Continue", f"advocate, not sure ({who})")
        assert self.page.url.endswith("/advocate?more=yes"), self.page.url

    def adult_writes_words_that_worry_us(self) -> None:
        """A parent writes something that worries us: it is shown back and they are
        asked again (for an adult, about the child)."""
        parent = SubmitterRole.PARENT
        self.goto(journey_path(Kind.COMPLAINT, "who-are-you"))
        for step in pages_of(Kind.COMPLAINT, parent):
            if step == "what-happened":
                break
            answer(self.fill, Kind.COMPLAINT, parent, step)
            self.press("Continue")
        answer(self.fill, Kind.COMPLAINT, parent, "what-happened", words=WORRYING_WORDS)
        self.press("Continue", "check you are safe (an adult)")
        assert "/check-you-are-safe" in self.page.url, self.page.url
        self.fill.radio("contact_today", "no")
        self.press("Continue")
        assert self.page.url.endswith(journey_path(Kind.COMPLAINT, "put-it-right")), self.page.url

    def answer_feedback(self, name: str, button: str = "Send your answers") -> None:
        """The questionnaire as it arrives, sent empty, then answered: the thanks."""
        self.record(name)
        self.press(button, f"{name} (errors)")
        assert self.page.locator(".govuk-error-summary").is_visible(), (
            f"sending {name} empty showed no error summary"
        )
        for question, rating in FEEDBACK_ANSWERS.items():
            self.fill.radio(question, rating)
        self.press(button, f"{name}/thank-you")
        assert self.page.url.endswith("/feedback/thank-you"), self.page.url

    def adult_feedback(self, links: FeedbackLinks) -> None:
        """A parent answers from the link in their invitation, then tries the link again
        and looks at their closed case, which thanks them instead of asking."""
        self.goto(links.adult)
        assert "Strongly agree" in self.page.inner_text("main")
        self.answer_feedback("feedback/adult")
        self.goto(links.adult, "feedback link used")
        assert self.response.status == 410
        self.goto(links.adult_tracking, "tracking a closed case (questions answered)")
        assert "Thank you for telling us how we did." in self.page.inner_text("main")
        assert self.page.get_by_role("button", name="Answer the questions").count() == 0

    def child_feedback(self, links: FeedbackLinks) -> None:
        """A child's email is only a notice: they answer from their tracking page."""
        self.goto(links.child_tracking, "tracking a closed case (questions to answer)")
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name="Answer the questions").click()
        self.response = navigation.value
        assert self.page.url.endswith("/feedback"), self.page.url
        assert "Yes, definitely" in self.page.inner_text("main"), "not the children's words"
        self.answer_feedback("feedback/child")
        assert "Childline" in self.page.inner_text("main")
        self.goto("/feedback/not-a-real-link", "feedback link not working")
        assert self.response.status == 404

    def complainant_side(self, links: FeedbackLinks) -> None:
        """The complainant's side of an answered complaint (issue 17): each step's page as it
        arrives and sent empty, a reply sent, the withdrawal's check (not confirmed), stage
        2 asked for, a copy of what they sent, and a review panel asked for after the stage
        2 adjudication."""
        track = links.answered_tracking
        self.goto(track, "tracking an answered complaint")
        for path, name, button in (
            ("reply", "reply to us", "Send"),
            ("add-information", "add information or files", "Send"),
            ("more-time", "ask for more time", "Send"),
            ("ask-for-stage-2", "ask for stage 2", "Ask for stage 2"),
        ):
            self.goto(f"{track}/{path}", name)
            self.press(button, f"{name} (errors)")
            assert self.page.locator(".govuk-error-summary").is_visible(), name
        self.goto(f"{track}/reply")
        self.fill.text("text", "Thank you. I will send the letter next week.")
        self.press("Send", "reply sent")
        self.goto(f"{track}/withdraw", "stop your complaint")
        self.press("Continue", "are you sure you want to stop")
        self.goto(f"{track}/ask-for-stage-2")
        self.fill.text("reasons", "The reply did not answer my main point.")
        self.press("Ask for stage 2", "stage 2 asked for")
        assert "now at stage 2" in self.page.inner_text("main")
        # Its form read again (Back, or a second tab): what happened, not "page not found".
        self.goto(f"{track}/ask-for-stage-2", "stage 2 already asked for")
        assert "already asked for stage 2" in self.page.inner_text("main")
        self.goto(f"{track}/what-you-sent", "a copy of what you sent")
        adjudicated = links.adjudicated_tracking
        self.goto(adjudicated, "tracking an adjudicated complaint")
        self.goto(f"{adjudicated}/ask-for-a-review-panel", "ask for a review panel")
        self.press("Ask for a review panel", "ask for a review panel (errors)")
        assert self.page.locator(".govuk-error-summary").is_visible()
        self.fill.text("reasons", "Nobody looked at the missed visits again.")
        self.press("Ask for a review panel", "review panel asked for")
        assert "now at stage 3" in self.page.inner_text("main")

    def welsh_feedback(self, links: FeedbackLinks) -> None:
        self.goto(links.welsh)
        assert self.page.locator("html").get_attribute("lang") == "cy"
        self.answer_feedback("feedback/welsh", button=welsh("Send your answers"))


def walk_everything(page: Page, axe_source: str, feedback: FeedbackLinks) -> Crawl:
    """One visitor after another in the same browser: each starts with no cookies, so
    with a new session, and the browser keeps its cache of the CSS and scripts."""
    walker = Walker(page, axe_source)
    failures: dict[str, str] = {}

    def attempt(route: str, steps: Callable[[], None]) -> None:
        page.context.clear_cookies()
        try:
            steps()
        except Exception as error:  # reported by the tests of the pages it missed
            failures[route] = f"{type(error).__name__} at {page.url}: {error}"

    attempt("start", lambda: walker.goto("/", "start"))
    for name, path in INFORMATION_PAGES.items():
        attempt(name, lambda name=name, path=path: walker.goto(path, name))
    attempt("page not found", lambda: walker.goto("/no-such-page", "page not found"))
    attempt("find your complaint", walker.find_your_complaint)
    for kind, role in ROUTES:
        ends = kind is Kind.COMPLAINT and role is not SubmitterRole.CHILD
        attempt(
            f"{kind.value} as {role.value}",
            lambda kind=kind, role=role, ends=ends: walker.walk(
                kind,
                role,
                who=audience(role),
                at_check_answers=walker.session_ends_at_check_answers if ends else None,
            ),
        )
    for kind, role in ORGANISATION_ROUTES:
        attempt(
            f"{kind.value} as {role.value}",
            lambda kind=kind, role=role: walker.walk(
                kind, role, who=role.value, stop_after="your-organisation"
            ),
        )
    attempt("session expired", walker.session_expires_on_a_question)
    attempt("in danger, then save for later", walker.child_in_danger_saves_for_later)
    attempt("answers to check", walker.asked_to_check)
    for role in (SubmitterRole.CHILD, SubmitterRole.PARENT):
        attempt(
            f"not sure about an advocate, as {role.value}",
            lambda role=role: walker.not_sure_about_an_advocate(role),
        )
    for role in (SubmitterRole.CHILD, SubmitterRole.PARENT):
        attempt(
            f"text me, as {role.value}",
            lambda role=role: walker.asks_for_texts(role),
        )
    attempt("words that worry us, from an adult", walker.adult_writes_words_that_worry_us)
    attempt("feedback from a parent", lambda: walker.adult_feedback(feedback))
    attempt("feedback from a child", lambda: walker.child_feedback(feedback))
    attempt("feedback in Welsh", lambda: walker.welsh_feedback(feedback))
    attempt("the complainant's side", lambda: walker.complainant_side(feedback))
    return Crawl(walker.pages, failures)


# --- the Nu HTML checker ------------------------------------------------------------------

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# C1 only: the JIT's second tier costs more than it saves in one short run; the checker
# then needs a larger stack than the default.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-Xss8m", "-jar", str(VNU_JAR)]
CANARY = (
    "<!DOCTYPE html><html lang='en'><head><title>x</title></head><body><p><div></p></body></html>"
)


@dataclass
class NuReport:
    errors: dict[str, list[dict[str, Any]]]  # page name -> the checker's messages
    canary: list[dict[str, Any]]  # its messages for a page that is wrong on purpose


def check_html(pages: dict[str, Snapshot], folder: Path) -> NuReport:
    """The Nu HTML checker, run once over every page (it costs about a second a call),
    plus one page that is wrong on purpose, to show that it is checking."""
    files = {"canary.html": "canary"}
    (folder / "canary.html").write_text(CANARY, encoding="utf-8")
    for index, snapshot in enumerate(pages.values()):
        filename = f"page-{index:03d}.html"
        (folder / filename).write_text(snapshot.html, encoding="utf-8")
        files[filename] = snapshot.name
    done = subprocess.run(
        [*JAVA, "--errors-only", "--format", "json", *(str(folder / f) for f in files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        messages = json.loads(done.stderr)["messages"]
    except ValueError as error:
        raise AssertionError(f"the Nu checker did not run:\n{done.stderr[-2000:]}") from error
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in files.values()}
    for message in messages:
        if str(message.get("message", "")).startswith("CSS:"):
            # The start page carries the compiled stylesheet inline (portal/delivery.py).
            # GOV.UK Frontend's deliberate old-browser hacks in it (`@media screen\0`)
            # are not CSS the checker accepts; linked, as on every other page, the same
            # file is not checked at all. The HTML is what is under test here.
            continue
        filename = message.get("url", "").rsplit("/", 1)[-1]
        found.setdefault(files.get(filename, filename), []).append(message)
    return NuReport(found, found.pop("canary"))


def describe_nu(messages: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  line {m.get('lastLine', '?')}: {m.get('message')}\n"
        f"    {' '.join(str(m.get('extract', '')).split())}"
        for m in messages
    )


# --- judging a crawled page ----------------------------------------------------------------


def judge_axe(crawl: Crawl, name: str, status: int | None = None) -> None:
    """axe found nothing on the page (which came with `status`, when one is given)."""
    snapshot = crawl.get(name)
    if status is not None:
        assert snapshot.status == status, (name, snapshot.url, snapshot.status)
    violations = real_violations(snapshot.violations)
    assert violations == [], (
        f"axe found {len(violations)} problem(s) on {name} ({snapshot.url}):\n"
        + describe_violations(violations)
    )


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def judge_html(crawl: Crawl, report: NuReport, name: str) -> None:
    """The Nu HTML checker found no error in the page's HTML, and its title says "Error: "
    once, first, when the page shows the error summary (GOV.UK's pattern: a screen reader
    hears the title first)."""
    snapshot = crawl.get(name)
    errors = report.errors.get(name, [])
    assert not errors, (
        f"the Nu checker found {len(errors)} error(s) on {name} ({snapshot.url}):\n"
        + describe_nu(errors)
    )
    found = _TITLE.search(snapshot.html)
    title = html.unescape(found.group(1)) if found else ""
    assert title.count("Error:") <= 1 and not title.startswith("Error: Error"), (name, title)
    if 'class="govuk-error-summary"' in snapshot.html:
        assert title.startswith("Error: ") or title.startswith("Gwall: "), (name, title)
