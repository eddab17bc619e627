"""Advocates in a browser (issue 17): axe-core and the Nu HTML checker find nothing on the
pages for advocates, on the complaints manager's approved organisations, on the staff
case page's advocate and consent and its form, and on the tracking page's form to stop
copies (each form sent wrong as well); every such address is crawled; and an advocate
signs in with a password and an authenticator code, opens a case and withdraws the
child's consent to copies with the keyboard alone."""

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_browser import (
    ADVOCATE_RULES,
    PASSWORD,
    Crawler,
    code_now,
    form_and_errors,
    keys_sign_in,
    make_staff,
    manager_email,
    rules_crawled,
    shows_errors,
    walker_signs_in,
)
from browser_env import Contexts, LiveServer
from page_checks import (
    Crawl,
    NuReport,
    check_html,
    judge_axe,
    judge_html,
)
from playwright.sync_api import Browser
from portal_browser import KeyboardFiller
from test_finding_and_leavers import no_axe_violations

from portal.domain.access import Role
from portal.domain.stages import Move
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import AdvocateOrganisation, Staff, Team
from portal.services import cases, correspondence, intake

pytestmark = pytest.mark.browser

ADVOCATE = "ali.advocate@speakup.example"

PAGES = [
    "advocates' organisations",
    "advocates' organisations (errors)",
    "advocates' organisations (approved)",
    "invite an advocate (errors)",
    "a case with an advocate (staff)",
    "copies to the advocate",
    "copies to the advocate (errors)",
    "ask for an advocate's account",
    "ask for an advocate's account (errors)",
    "check your email (an advocate)",
    "tracking page with copies to an advocate",
    "tracking page with copies to an advocate (errors)",
    "tracking page (copies stopped)",
    "your cases (an advocate)",
    "a case (an advocate)",
    "a case (an advocate, consent withdrawn)",
    "not allowed (an advocate)",
    "page not found (an advocate)",
    "about the child (an advocate filing again)",
    "reply for the child",
    "reply for the child (errors)",
    "reply for the child (sent)",
    "add information for the child",
    "add information for the child (errors)",
    "ask for stage 2 for the child",
    "ask for stage 2 for the child (errors)",
    "ask for stage 2 for the child (sent)",
    "a case (an advocate, after stage 2)",
    "ask for a review panel for the child",
    "ask for a review panel for the child (errors)",
    "ask for a review panel for the child (sent)",
]
NOT_OK = {"not allowed (an advocate)": 403, "page not found (an advocate)": 404}


def advocate_and_cases(server: LiveServer) -> dict[str, str]:
    """Speak Up approved, its advocate Ali with an authenticator app, a child's complaint
    naming Ali (so consent to copies) and a complaint Ali sent; the references, the
    child's tracking path and Ali's email."""
    with server.app.app_context():
        make_staff(Role.MANAGER)
        organisation = AdvocateOrganisation(name="Speak Up", email_domain="speakup.example")
        db.session.add(organisation)
        db.session.commit()
        make_staff(Role.ADVOCATE, email=ADVOCATE)
        person = db.session.scalars(sa.select(Staff).where(Staff.email == ADVOCATE)).one()
        person.name, person.organisation_id = "Ali Advocate", organisation.id
        team = db.session.scalar(sa.select(Team.id).where(Team.name == "Looked After Children"))
        named = intake.record_submission(
            intake.NewSubmission(
                kind=Kind.COMPLAINT,
                role=SubmitterRole.CHILD,
                name="Kai Morrow",
                contact_preference=ContactPreference.EMAIL,
                email="kai@example.com",
                what_happened="Nobody listens to me at reviews.",
                put_right="I want to speak at my review.",
                child_age=14,
                team_id=team,
                advocacy=AdvocacyAnswer.ALREADY_HAS_ONE,
                advocate_name="Ali Advocate",
                advocate_email=ADVOCATE,
                answers={},
            ),
            now=datetime.now(UTC),
        )
        filed = intake.record_submission(
            intake.NewSubmission(
                kind=Kind.COMPLAINT,
                role=SubmitterRole.ADVOCATE,
                name="Ali Advocate",
                organisation="Speak Up",
                contact_preference=ContactPreference.EMAIL,
                email=ADVOCATE,
                what_happened="Sam's placement moved without telling them.",
                put_right="Sam wants to be told before a move.",
                child_name="Sam Lee",
                child_age=12,
                child_reply_preference="meeting",
                team_id=team,
                answers={},
            ),
            now=datetime.now(UTC),
        )
        # Stage 1 answered on the case Ali sent: stage 2 is theirs to ask for; stage 2
        # adjudicated on the child's: a review panel.
        manager = db.session.scalars(sa.select(Staff).where(Staff.role == Role.MANAGER)).one()
        today = datetime.now(UTC).date()
        stage1 = (Move.ACCEPT, Move.RESPOND_STAGE1)
        stage2 = (Move.REQUEST_STAGE2, Move.ADJUDICATE_STAGE2)
        for case, moves in ((filed, stage1), (named, stage1 + stage2)):
            cases.record_acknowledgement(
                manager, case, how="phone", on=today, version=case.case.version, today=today
            )
            for move in moves:
                cases.apply(
                    manager, case, cases.MoveInput(move, today, {}), version=case.case.version
                )
        tracking = urlsplit(correspondence.new_tracking_url(named)).path
        found = {"named": named.reference, "filed": filed.reference, "tracking": tracking}
        db.session.commit()
        db.session.remove()
    return found


def _manager_pages(crawler: Crawler, server: LiveServer, refs: dict[str, str]) -> None:
    walker = crawler.walker
    walker_signs_in(walker, server, manager_email())
    form_and_errors(
        walker, "/staff/advocate-organisations", "advocates' organisations", button="Approve"
    )
    walker.fill.text("name", "Voices Together")
    walker.fill.text("email_domain", "voices.example")
    walker.press("Approve", "advocates' organisations (approved)")
    walker.goto("/staff/staff-accounts/new")
    walker.fill.text("name", "Robin Advocate")
    walker.fill.text("email", "robin@voices.example")
    walker.fill.radio("role", "advocate")
    walker.press("Send the invitation", "invite an advocate (errors)")
    shows_errors(walker)
    walker.goto(f"/staff/cases/{refs['named']}", "a case with an advocate (staff)")
    assert "Consent to copies" in walker.page.locator("main").inner_text()
    form_and_errors(
        walker,
        f"/staff/cases/{refs['named']}/copies",
        "copies to the advocate",
    )
    walker.goto("/staff/")
    walker.press("Sign out")


def _public_pages(crawler: Crawler, refs: dict[str, str]) -> None:
    walker = crawler.walker
    form_and_errors(
        walker,
        "/staff/register-as-an-advocate",
        "ask for an advocate's account",
        button="Ask for an account",
    )
    walker.fill.text("name", "Jo Advocate")
    walker.page.select_option("#organisation", label="Speak Up")
    walker.fill.text("email", "jo@speakup.example")
    walker.press("Ask for an account", "check your email (an advocate)")
    form_and_errors(
        walker, refs["tracking"], "tracking page with copies to an advocate", button="Save"
    )
    walker.fill.radio("stop", "no")
    walker.press("Save")


def _advocate_pages(crawler: Crawler, server: LiveServer, refs: dict[str, str]) -> None:
    walker = crawler.walker
    walker.goto("/staff/sign-in")
    walker.fill.text("email", ADVOCATE)
    walker.fill.text("password", PASSWORD)
    walker.press("Sign in")
    walker.fill.text("code", code_now(server, ADVOCATE))
    walker.press("Continue")
    assert urlsplit(walker.page.url).path == "/staff/advocate/cases", walker.page.url
    walker.record("your cases (an advocate)")
    walker.goto(f"/staff/advocate/cases/{refs['filed']}", "a case (an advocate)")
    # Acting for the child: each form as it comes, sent empty, then sent.
    filed = f"/staff/advocate/cases/{refs['filed']}"
    form_and_errors(walker, f"{filed}/reply", "reply for the child", button="Send for the child")
    walker.fill.text("text", "Sam read the letter and wants to talk about it.")
    walker.press("Send for the child", "reply for the child (sent)")
    form_and_errors(
        walker,
        f"{filed}/add-information",
        "add information for the child",
        button="Send for the child",
    )
    form_and_errors(
        walker,
        f"{filed}/ask-for-stage-2",
        "ask for stage 2 for the child",
        button="Ask for stage 2",
    )
    walker.fill.text("reasons", "Sam's main point, the move, was not answered.")
    walker.press("Ask for stage 2", "ask for stage 2 for the child (sent)")
    assert "The complaint is now at stage 2" in walker.page.locator("main").inner_text()
    walker.goto(filed, "a case (an advocate, after stage 2)")
    form_and_errors(
        walker,
        f"/staff/advocate/cases/{refs['named']}/ask-for-a-review-panel",
        "ask for a review panel for the child",
        button="Ask for a review panel",
    )
    walker.fill.text("reasons", "Kai wants the panel to hear him.")
    walker.press("Ask for a review panel", "ask for a review panel for the child (sent)")
    walker.goto(f"/staff/advocate/cases/{refs['named']}")
    walker.press("Withdraw consent to copies", "a case (an advocate, consent withdrawn)")
    walker.goto("/staff/", "not allowed (an advocate)")
    walker.goto("/staff/advocate/cases/CSC-2099-9999", "page not found (an advocate)")
    walker.goto("/make-a-complaint/who-are-you")
    walker.fill.radio("role", "advocate")
    walker.press("Continue")
    walker.fill.radio("in_danger", "no")
    walker.press("Continue")
    walker.press("Continue")  # the organisation, filled in from the account
    walker.goto(
        f"/make-a-complaint/about-the-child?child={refs['filed']}",
        "about the child (an advocate filing again)",
    )
    assert walker.page.locator("#child_name").input_value() == "Sam Lee"


def _stopped_by_the_child(crawler: Crawler, server: LiveServer, refs: dict[str, str]) -> None:
    """Consent given again by staff, then stopped by the child from their tracking page."""
    walker = crawler.walker
    walker_signs_in(walker, server, manager_email())
    walker.goto(f"/staff/cases/{refs['named']}/copies")
    walker.fill.radio("action", "give")
    walker.press("Save")
    walker.goto("/staff/")
    walker.press("Sign out")
    walker.goto(refs["tracking"])
    walker.fill.radio("stop", "yes")
    walker.press("Save", "tracking page (copies stopped)")
    assert "We will not send your advocate copies" in walker.page.locator("main").inner_text()


@pytest.fixture(scope="module")
def advocates_crawl(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    server.reset_database()
    refs = advocate_and_cases(server)
    with Crawler(browser, server) as crawler:
        crawler.attempt("the manager", lambda: _manager_pages(crawler, server, refs))
        crawler.context.clear_cookies()
        crawler.attempt("the public", lambda: _public_pages(crawler, refs))
        crawler.context.clear_cookies()
        crawler.attempt("the advocate", lambda: _advocate_pages(crawler, server, refs))
        crawler.context.clear_cookies()
        crawler.attempt("the child", lambda: _stopped_by_the_child(crawler, server, refs))
        yield crawler.crawl()


@pytest.fixture(scope="module")
def advocates_nu(advocates_crawl: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(advocates_crawl.pages, tmp_path_factory.mktemp("advocates-html"))


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(advocates_crawl: Crawl, name: str) -> None:
    judge_axe(advocates_crawl, name, NOT_OK.get(name, 200))


@pytest.mark.parametrize("name", PAGES)
def test_valid_html(advocates_crawl: Crawl, advocates_nu: NuReport, name: str) -> None:
    judge_html(advocates_crawl, advocates_nu, name)


def test_every_page_for_advocates_is_crawled(server: LiveServer, advocates_crawl: Crawl) -> None:
    missed = ADVOCATE_RULES - rules_crawled(server.app, advocates_crawl)
    assert not missed, f"no page at these addresses was checked: {sorted(missed)}"


# --- the keyboard alone ----------------------------------------------------------------------


def test_an_advocate_signs_in_opens_a_case_and_withdraws_consent_with_the_keyboard_alone(
    live_server: LiveServer, contexts: Contexts
) -> None:
    refs = advocate_and_cases(live_server)
    page = contexts.page()
    keys = KeyboardFiller(page)
    keys_sign_in(keys, live_server, ADVOCATE)
    assert page.locator("h1").inner_text() == "Your cases"
    navigation = page.locator("nav.portal-staff-nav").inner_text()
    assert "Triage queue" not in navigation and "Your cases" in navigation
    keys.follow_link(refs["named"])
    main = page.locator("main").inner_text()
    assert "What would put it right" in main and "I want to speak at my review." in main
    assert "Given" in main
    no_axe_violations(page)
    keys.press_button("Withdraw consent to copies")
    main = page.locator("main").inner_text()
    assert "consent to copies is withdrawn" in main, main
    assert "Withdrawn" in main and "Withdraw consent to copies" not in main
    no_axe_violations(page)
