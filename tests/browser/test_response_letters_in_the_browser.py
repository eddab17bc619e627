"""Response letters in a browser, as a new caseworker and a complaints manager meet them:
the caseworker drafts the stage 1 letter from the case page, edits it and sends it for
approval; the manager finds it under "Letters waiting", returns it once with comments
(without JavaScript: the comments box shows all the same), then approves it by email;
the letter is printed. axe-core and the Nu HTML checker judge every page on the way."""

from collections.abc import Iterator
from datetime import date

import pytest
from backoffice_browser import (
    RECEIVED,
    make_staff,
    new_complaint,
    received_at,
    walker_signs_in,
)
from browser_env import TIMEOUT_MS, LiveServer
from page_checks import AXE_JS, Crawl, NuReport, Walker, check_html, judge_axe, judge_html
from playwright.sync_api import Browser

from portal.domain.access import Role
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Staff
from portal.services import cases

pytestmark = pytest.mark.browser

CASEWORKER = "caseworker@council.example"
APPROVER = "approver@council.example"
OTHER_APPROVER = "second.approver@council.example"
PAGES = [
    "case with a letter to draft",
    "stage 1 letter (new)",
    "stage 1 letter (errors)",
    "stage 1 letter (draft saved)",
    "stage 1 letter (waiting, caseworker)",
    "letters waiting",
    "stage 1 letter (waiting, approver)",
    "stage 1 letter (decision errors)",
    "stage 1 letter (returned)",
    "stage 1 letter (sent)",
    "stage 1 letter (print)",
    "case with a sent letter",
]


def a_responded_case(server: LiveServer) -> str:
    """A complaint at stage 1 with two points and its response recorded, made through
    the services inside the live server's app."""
    with server.app.app_context():
        make_staff(Role.TEAM_MEMBER, team="Looked After Children", email=CASEWORKER)
        make_staff(Role.MANAGER, email=APPROVER)
        make_staff(Role.MANAGER, email=OTHER_APPROVER)
        case = new_complaint(when=received_at(RECEIVED))
        worker = db.session.query(Staff).filter_by(email=CASEWORKER).one()
        cases.apply(
            worker,
            case,
            cases.MoveInput(Move.ACCEPT, date(2025, 12, 22), {}),
            version=case.case.version,
        )
        for summary, outcome in (
            ("Nobody came to the review meeting.", "upheld"),
            ("The social worker was rude.", "not_upheld"),
        ):
            cases.add_point(worker, case, stage="1", summary=summary, outcome=outcome)
        cases.apply(
            worker,
            case,
            cases.MoveInput(
                Move.RESPOND_STAGE1,
                date(2026, 1, 7),
                {"outcome": "partially_upheld", "redress_apology": True},
            ),
            version=case.case.version,
        )
        reference = case.reference
        db.session.remove()
    return reference


@pytest.fixture(scope="module")
def walked(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    server.reset_database()
    reference = a_responded_case(server)
    letter = f"/staff/cases/{reference}/response-letters/1"
    axe = AXE_JS.read_text(encoding="utf-8")
    worker_context = browser.new_context(base_url=server.url)
    approver_context = browser.new_context(base_url=server.url)
    # A second manager's browser runs no JavaScript: returning a letter works without it.
    plain_context = browser.new_context(base_url=server.url, java_script_enabled=False)
    for context in (worker_context, approver_context, plain_context):
        context.set_default_timeout(TIMEOUT_MS)
    worker = Walker(worker_context.new_page(), axe)
    approver = Walker(approver_context.new_page(), axe)
    plain = Walker(plain_context.new_page(), axe)
    try:
        walker_signs_in(worker, server, CASEWORKER)
        worker.goto(f"/staff/cases/{reference}")
        worker.record("case with a letter to draft")
        worker.response = None
        with worker.page.expect_navigation() as arrived:
            worker.page.get_by_role("link", name="Draft the stage 1 response letter").click()
        worker.response = arrived.value
        worker.record("stage 1 letter (new)")

        body = worker.page.get_by_label("The letter", exact=True)
        draft = body.input_value()
        body.fill(draft + "\n\n[[Say when the review is]]")
        worker.press("Send for approval")
        worker.record("stage 1 letter (errors)")
        body.fill(draft.replace("Putting things right\n\n", "Putting things right\n\nSorry.\n\n"))
        worker.press("Save draft")
        worker.record("stage 1 letter (draft saved)")
        worker.press("Send for approval")
        worker.record("stage 1 letter (waiting, caseworker)")

        walker_signs_in(approver, server, APPROVER)
        approver.goto("/staff/letters")
        approver.record("letters waiting")
        approver.goto(letter)
        approver.record("stage 1 letter (waiting, approver)")
        approver.fill.radio("decision", "return")
        approver.press("Confirm")
        approver.record("stage 1 letter (decision errors)")

        walker_signs_in(plain, server, OTHER_APPROVER)
        plain.goto(letter)
        plain.fill.radio("decision", "return")
        plain.fill.text("comments", "Say when the next review is.")
        plain.press("Confirm")
        assert "returned to the caseworker" in plain.page.inner_text("main")

        worker.goto(letter)
        worker.record("stage 1 letter (returned)")
        worker.press("Send for approval")

        approver.goto(letter)
        approver.fill.radio("decision", "email")
        approver.press("Confirm")
        approver.record("stage 1 letter (sent)")
        approver.goto(f"{letter}/print")
        approver.record("stage 1 letter (print)")
        worker.goto(f"/staff/cases/{reference}")
        worker.record("case with a sent letter")
    finally:
        for context in (worker_context, approver_context, plain_context):
            context.close()
    yield Crawl({**worker.pages, **approver.pages}, {})


@pytest.fixture(scope="module")
def nu(walked: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(walked.pages, tmp_path_factory.mktemp("letters-nu"))


def test_the_walk_ends_with_the_letter_sent_and_on_the_case(walked: Crawl) -> None:
    assert "Approved" in walked.get("stage 1 letter (sent)").main_text
    assert "Sent by email" in walked.get("case with a sent letter").main_text
    returned = walked.get("stage 1 letter (returned)").main_text
    assert "Say when the next review is." in returned
    errors = walked.get("stage 1 letter (decision errors)").main_text
    assert "Enter what needs to change" in errors


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(walked: Crawl, name: str) -> None:
    judge_axe(walked, name, 200)


@pytest.mark.parametrize("name", PAGES)
def test_valid_html(walked: Crawl, nu: NuReport, name: str) -> None:
    judge_html(walked, nu, name)
