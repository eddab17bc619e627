"""What the back-office browser tests share: the complaints manager and signing in (the
password, then the code from the authenticator app), the staff and cases made with the
helpers of tests/integration inside the live server's app, and a crawl of back-office
pages in parts, with the check that it missed no page."""

import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from browser_env import ROOT, TIMEOUT_MS, LiveServer
from flask import Flask
from page_checks import AXE_JS, Crawl, FeedbackLinks, Walker
from playwright.sync_api import Browser, Page
from portal_browser import KeyboardFiller
from werkzeug.exceptions import HTTPException

from portal.domain.access import Role
from portal.domain.clock import london_date
from portal.domain.stages import Move
from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import Submission
from portal.services import cases, correspondence
from portal.services import staff as staff_service

# The back-office helpers of tests/integration: staff accounts and cases, made the same way.
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from backoffice_helpers import (  # noqa: E402
    PASSWORD,
    authenticator_code,
    make_staff,
    new_complaint,
    received_at,
)

__all__ = [
    "ACCEPTED",
    "ADVOCATE_RULES",
    "Crawler",
    "PASSWORD",
    "RECEIVED",
    "STAGE1_DUE",
    "code_now",
    "form_and_errors",
    "invited_to_feedback",
    "keys_sign_in",
    "make_staff",
    "manager_email",
    "new_complaint",
    "received_at",
    "rules_crawled",
    "shows_errors",
    "sign_in",
    "staff_pages",
    "walker_signs_in",
]

RECEIVED = date(2025, 12, 19)  # a Friday
ACCEPTED = date(2025, 12, 22)
# Ten working days after 22 December 2025, less Christmas, Boxing Day and New Year's Day.
STAGE1_DUE = "Stage 1 response by Wednesday 7 January 2026"


def manager_email() -> str:
    return f"{Role.MANAGER.value}-all@council.example"


def code_now(server: LiveServer, email: str) -> str:
    """What the person's authenticator app shows now."""
    with server.app.app_context():
        code = authenticator_code(email)
        db.session.remove()
    return code


def keys_sign_in(keys: "KeyboardFiller", server: LiveServer, email: str) -> None:
    """Signs in with the keyboard alone: the password, then the authenticator's code."""
    keys.page.goto("/staff/sign-in")
    keys.text("email", email)
    keys.text("password", PASSWORD)
    keys.press_button("Sign in")
    keys.text("code", code_now(server, email))
    keys.press_button("Continue")


# Accepted, answered at stage 1 and closed: the complainant is invited to say how it went.
CLOSING = [
    (Move.ACCEPT, ACCEPTED, {}),
    (Move.RESPOND_STAGE1, date(2026, 1, 6), {"outcome": "partially_upheld"}),
    (Move.CLOSE, date(2026, 1, 7), {}),
]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _questionnaire_link(case: Submission) -> str:
    """The link in the case's invitation to the questionnaire, as the person got it."""
    (invitation,) = [
        item
        for item in correspondence.on_case(case)
        if item.kind == correspondence.Kind.FEEDBACK_INVITATION.value
    ]
    links = set(re.findall(r"https?://\S+/feedback/[\w-]+(?:\?lang=cy)?", invitation.body))
    assert len(links) == 1, links
    return _path(links.pop())


def invited_to_feedback(server: LiveServer) -> FeedbackLinks:
    """A parent's complaint, a child's and one made in Welsh, each closed by the
    complaints manager through the services, so each complainant is invited to the
    feedback questionnaire; returns the links they were given."""
    with server.app.app_context():
        manager = staff_service.find_by_email(make_staff(Role.MANAGER))
        assert manager is not None
        received = received_at(RECEIVED)
        parent = new_complaint(when=received)
        child = new_complaint(when=received, role=SubmitterRole.CHILD, child_age=13)
        in_welsh = new_complaint(when=received)
        in_welsh.language = "cy"  # they wrote in Welsh
        db.session.commit()
        for case in (parent, child, in_welsh):
            for move, on, details in CLOSING:
                cases.apply(
                    manager, case, cases.MoveInput(move, on, details), version=case.case.version
                )
        # Open, answered at stage 1 today: every step is offered on its tracking page.
        answered = new_complaint(when=received)
        today = london_date(datetime.now(UTC))
        for move in (Move.ACCEPT, Move.RESPOND_STAGE1):
            cases.apply(
                manager,
                answered,
                cases.MoveInput(move, today, {}),
                version=answered.case.version,
            )
        # Open, adjudicated at stage 2 today: a review panel is offered.
        adjudicated = new_complaint(when=received)
        for move in (
            Move.ACCEPT,
            Move.RESPOND_STAGE1,
            Move.REQUEST_STAGE2,
            Move.ADJUDICATE_STAGE2,
        ):
            cases.apply(
                manager,
                adjudicated,
                cases.MoveInput(move, today, {}),
                version=adjudicated.case.version,
            )
        links = FeedbackLinks(
            answered_tracking=_path(correspondence.new_tracking_url(answered)),
            adjudicated_tracking=_path(correspondence.new_tracking_url(adjudicated)),
            adult=_questionnaire_link(parent),
            adult_tracking=_path(correspondence.new_tracking_url(parent)),
            child_tracking=_path(correspondence.new_tracking_url(child)),
            welsh=_questionnaire_link(in_welsh),
        )
        db.session.commit()  # the two new tracking links
        db.session.remove()
    return links


def sign_in(page: Page, server: LiveServer) -> None:
    """The complaints manager signs in: the password, then the code from the app."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address", exact=True).fill(manager_email())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url.endswith("/staff/sign-in/code"), page.url
    code = page.get_by_label("Enter the 6-digit code from your authenticator app", exact=True)
    code.fill(code_now(server, manager_email()))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    assert page.url.endswith("/staff/"), page.url


def walker_signs_in(walker: Walker, server: LiveServer, email: str) -> None:
    """A crawl's member of staff signs in, with the code when their account asks for one;
    the pages on the way are not recorded."""
    walker.goto("/staff/sign-in")
    walker.fill.text("email", email)
    walker.fill.text("password", PASSWORD)
    walker.press("Sign in")
    if walker.page.url.endswith("/staff/sign-in/code"):
        walker.fill.text("code", code_now(server, email))
        walker.press("Continue")
    # The advocacy provider's manager lands on its referrals, everyone else on the queue.
    assert walker.page.url.endswith(("/staff/", "/staff/referrals")), walker.page.url


class Crawler:
    """A walk through back-office pages in a browser context of its own, in parts: each
    part is tried on its own, so one that breaks off is reported by the tests of the
    pages it missed, and the rest are still checked."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.context = browser.new_context(base_url=server.url)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.walker = Walker(self.context.new_page(), AXE_JS.read_text(encoding="utf-8"))
        self.failures: dict[str, str] = {}

    def attempt(self, route: str, steps: Callable[[], None]) -> None:
        try:
            steps()
        except Exception as error:  # reported by the tests of the pages it missed
            self.failures[route] = f"{type(error).__name__} at {self.walker.page.url}: {error}"

    def crawl(self) -> Crawl:
        return Crawl(self.walker.pages, self.failures)

    def __enter__(self) -> "Crawler":
        return self

    def __exit__(self, *exc: object) -> None:
        self.context.close()


def shows_errors(walker: Walker) -> None:
    assert walker.page.locator(".govuk-error-summary").is_visible(), (
        f"no error summary on {walker.page.url}"
    )


def form_and_errors(
    walker: Walker,
    path: str,
    name: str,
    *,
    button: str = "Save",
    make_it_wrong: Callable[[], None] | None = None,
) -> None:
    """A form's page as it arrives, then sent empty (or made wrong first), when its error
    summary shows."""
    walker.goto(path, name)
    if make_it_wrong:
        make_it_wrong()
    walker.press(button, f"{name} (errors)")
    shows_errors(walker)


# Signing in with the council's account: pages only with a provider, which the shared
# crawls have not; test_council_sign_in_in_the_browser.py crawls them (and checks it
# meets each).
COUNCIL_SIGN_IN_RULES = {
    "/staff/sign-in/password",
    "/staff/sign-in/council",
    "/staff/sign-in/council/callback",
}


# The addresses for advocates, and the case's consent to copies: crawled by
# test_advocates_in_the_browser.py, so the other crawls leave them out.
ADVOCATE_RULES = {
    "/staff/advocate/cases",
    "/staff/advocate/cases/<reference>",
    "/staff/register-as-an-advocate",
    "/staff/register-as-an-advocate/check-your-email",
    "/staff/advocate-organisations",
    "/staff/cases/<reference>/copies",
    "/staff/advocate/cases/<reference>/reply",
    "/staff/advocate/cases/<reference>/add-information",
    "/staff/advocate/cases/<reference>/ask-for-stage-2",
    "/staff/advocate/cases/<reference>/ask-for-a-review-panel",
    "/staff/advocate/cases/<reference>/sent/<int:step_id>",
}


def staff_pages(app: Flask) -> set[str]:
    """Every address of the back office that answers GET with a page, as its URL rule:
    not a file (a PDF, a CSV, or a file sent with a case)."""
    return {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("backoffice.")
        and "GET" in (rule.methods or ())
        and not rule.rule.endswith((".pdf", ".csv"))
        # Only moves an emailed link's token into the session, to /staff/set-password.
        and rule.endpoint != "backoffice.password_link"
        and rule.endpoint not in ("backoffice.download", "backoffice.keep_alive")
        and rule.rule not in ADVOCATE_RULES
        and rule.rule not in COUNCIL_SIGN_IN_RULES
    }


def rules_crawled(app: Flask, crawl: Crawl) -> set[str]:
    """The URL rules of the pages a crawl recorded."""
    adapter = app.url_map.bind("localhost")
    found = set()
    for snapshot in crawl.pages.values():
        try:
            rule, _ = adapter.match(urlsplit(snapshot.url).path, method="GET", return_rule=True)
        except HTTPException:
            continue
        found.add(rule.rule)
    return found
