"""The back office in a browser: axe-core and the Nu HTML checker find nothing on any of
its pages away from a case's own (those are in test_backoffice_case_pages.py), each form
sent wrong as well, as the complaints manager, a team member and an auditor meet them;
the queue, a case and an inline action work with JavaScript off; and with it on, the
queue's filters update the results in place.

The staff and the cases are made with the same helpers as tests/integration, inside the
live server's app, so the browser meets them as a member of staff would."""

import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa
from backoffice_browser import (
    ACCEPTED,
    PASSWORD,
    RECEIVED,
    STAGE1_DUE,
    Crawler,
    code_now,
    form_and_errors,
    make_staff,
    manager_email,
    new_complaint,
    received_at,
    rules_crawled,
    shows_errors,
    sign_in,
    staff_pages,
    walker_signs_in,
)
from browser_env import Contexts, LiveServer
from outbox_helpers import a_message_not_sent
from page_checks import Crawl, NuReport, Walker, check_html, judge_axe, judge_html
from playwright.sync_api import Browser, Page

from portal.database import utcnow
from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import MessageChannel, OutboxMessage, Referral, Submission, UnsentConcern
from portal.services import (
    intake,
    outbox,
    receipts,
    response_letters,
    routing_rules,
    safeguarding,
    staff,
    teams,
)
from portal.services.staff_links import PURPOSE

pytestmark = pytest.mark.browser

BACKOFFICE_PAGES = [
    "sign in",
    "sign in (errors)",
    "enter the code",
    "enter the code (errors)",
    "triage queue",
    "triage queue (actions open)",
    "triage queue (an inline action refused)",
    "triage queue (nothing matches)",
    "page not found",
    "routing rules",
    "routing rules (a sample tried)",
    "routing rules (a sample with errors)",
    "add a routing rule",
    "add a routing rule (errors)",
    "edit a routing rule",
    "edit a routing rule (errors)",
    "teams and categories",
    "add a team",
    "add a team (errors)",
    "edit a team",
    "edit a team (errors)",
    "add a category",
    "add a category (errors)",
    "edit a category",
    "edit a category (errors)",
    "subject access",
    "subject access (errors)",
    "subject access (found)",
    "find a case",
    "find a case (errors)",
    "find a case (found)",
    "record a complaint that came another way",
    "record a complaint that came another way (errors)",
    "complaint recorded",
    "my cases",
    "assign cases (errors)",
    "assign cases (done)",
    "annual report",
    "annual report (errors)",
    "annual report (another council added)",
    "annual report (figures wrong)",
    "annual report (dates wrong)",
    "letters waiting (none)",
    "letters waiting",
    "messages not sent (none)",
    "messages not sent",
    "messages not sent (out of date)",
    "a case with a message not delivered",
    "staff accounts",
    "staff account",
    "staff account (errors)",
    "staff accounts (changed)",
    "invite a member of staff",
    "invite a member of staff (errors)",
    "staff accounts (invited)",
    "set your password",
    "set your password (too easy to guess)",
    "a link to set a password that no longer works",
    "triage queue (possible danger and a concern not sent)",
    "possible concern, not sent",
    "record what was done about a possible concern",
    "record what was done about a possible concern (errors)",
    "possible concern, not sent (what was done)",
    "your account",
    "change your password",
    "change your password (too easy to guess)",
    "set up a new authenticator app",
    "set up a new authenticator app (errors)",
    "save these recovery codes",
    "get new recovery codes",
    "get new recovery codes (errors)",
    "new recovery codes",
    "sign in (signed out)",
    "set up your authenticator app (a new manager)",
    "triage queue (a team member)",
    "your account (a team member)",
    "not allowed (a team member)",
    "triage queue (an auditor, nothing matches)",
    # The advocacy provider's manager: its queue, a referral and each step's form.
    "advocacy referrals (the provider)",
    "an advocacy referral",
    "accept the referral",
    "accept the referral (errors)",
    "decline the referral",
    "decline the referral (errors)",
    "an advocacy referral (accepted)",
    "name the advocate",
    "name the advocate (errors)",
    "record the first contact",
    "record the first contact (errors)",
    "add a visit",
    "add a visit (errors)",
    "close the referral",
    "close the referral (errors)",
    "an advocacy referral (closed)",
    "advocacy referrals (one ended)",
    "page not found (the provider)",
    "not allowed (the provider)",
]
# The pages that are an error, with the status a browser gets with them.
NOT_OK = {
    "page not found": 404,
    "not allowed (a team member)": 403,
    "a link to set a password that no longer works": 404,
    "page not found (the provider)": 404,
    "not allowed (the provider)": 403,
}


def some_cases(server: LiveServer) -> dict[Kind, str]:
    """The complaints manager's account and a few cases of different kinds; returns the
    reference of each case by its kind."""
    with server.app.app_context():
        make_staff(Role.MANAGER)
        made = {
            kind: new_complaint(kind=kind, when=received_at(RECEIVED)).reference
            for kind in (Kind.COMPLAINT, Kind.COMPLIMENT, Kind.REPRESENTATION)
        }
        db.session.remove()
    return made


NEW_MANAGER = "new.manager@council.example"


# --- axe-core and the Nu checker on every back-office page ------------------------------------


def _sign_in_and_the_queue(walker: Walker, server: LiveServer, complaint: str) -> None:
    page = walker.page
    walker.goto("/staff/sign-in", "sign in")
    walker.press("Sign in", "sign in (errors)")
    shows_errors(walker)
    walker.fill.text("email", manager_email())
    walker.fill.text("password", PASSWORD)
    walker.press("Sign in", "enter the code")
    walker.press("Continue", "enter the code (errors)")
    shows_errors(walker)
    walker.fill.text("code", code_now(server, manager_email()))
    walker.press("Continue", "triage queue")
    assert page.locator(f"#row-{complaint}").is_visible()
    # The inline actions, open: axe does not judge what is hidden.
    page.locator(f"#row-{complaint} summary").click()
    walker.record_as_shown("triage queue (actions open)")
    # An inline action refused: htmx swaps in the row with its error, which has the focus.
    row = page.locator(f"#row-{complaint}")
    row.get_by_label("Team", exact=True).select_option(label="Fostering")
    row.get_by_role("button", name=f"Assign {complaint}", exact=True).click()
    # htmx focuses it once the new row has settled.
    page.wait_for_function(
        "(id) => document.activeElement?.closest(`#${id} .govuk-error-message`)",
        arg=f"row-{complaint}",
        timeout=2000,
    )
    walker.record_as_shown("triage queue (an inline action refused)")
    walker.goto("/staff/?reference=CSC-1999-0001", "triage queue (nothing matches)")
    assert "No open cases match" in page.locator("#queue-results").inner_text()
    walker.goto("/staff/cases/CSC-1999-0001", "page not found")


def _routing_rules(walker: Walker, rule_id: int) -> None:
    walker.goto("/staff/routing-rules", "routing rules")
    sample = "kind=complaint&role=parent&chosen_team=&text=The+foster+carer+did+not+call"
    walker.goto(f"/staff/routing-rules?{sample}&age=9", "routing rules (a sample tried)")
    walker.goto(f"/staff/routing-rules?{sample}&age=99", "routing rules (a sample with errors)")
    shows_errors(walker)
    form_and_errors(
        walker, "/staff/routing-rules/new", "add a routing rule", button="Save the rule"
    )

    def nameless_and_ages_the_wrong_way_round() -> None:
        walker.fill.text("name", "")
        walker.fill.text("age_min", "12")
        walker.fill.text("age_max", "4")

    form_and_errors(
        walker,
        f"/staff/routing-rules/{rule_id}",
        "edit a routing rule",
        button="Save the rule",
        make_it_wrong=nameless_and_ages_the_wrong_way_round,
    )


def _teams_and_categories(walker: Walker, team_id: int, category_id: int) -> None:
    walker.goto("/staff/teams", "teams and categories")
    form_and_errors(walker, "/staff/teams/new", "add a team")

    def nameless_with_no_inbox() -> None:
        walker.fill.text("name", "")
        walker.fill.text("inbox_email", "not an email address")

    form_and_errors(
        walker, f"/staff/teams/{team_id}", "edit a team", make_it_wrong=nameless_with_no_inbox
    )
    form_and_errors(walker, "/staff/categories/new", "add a category")
    form_and_errors(
        walker,
        f"/staff/categories/{category_id}",
        "edit a category",
        make_it_wrong=lambda: walker.fill.text("name", ""),
    )


def _records_and_reports(walker: Walker) -> None:
    form_and_errors(walker, "/staff/subject-access", "subject access", button="Find what is held")
    walker.fill.text("email", "parent@example.com")
    walker.press("Find what is held", "subject access (found)")
    assert "3 cases found" in walker.page.locator("main").inner_text()
    walker.goto("/staff/reports/annual", "annual report")
    walker.press("Add the figures", "annual report (errors)")
    shows_errors(walker)
    walker.fill.text("council", "Westshire")
    walker.fill.text("year", "2024 to 25")
    walker.fill.text("complaints", "112")
    walker.press("Add the figures", "annual report (another council added)")
    assert "Westshire, 2024 to 25" in walker.page.locator("main").inner_text()
    walker.fill.text("social_care_contacts", "lots")
    walker.press("Save the figures", "annual report (figures wrong)")
    shows_errors(walker)
    walker.goto("/staff/reports/annual?from=2026-04-31&to=2025", "annual report (dates wrong)")
    shows_errors(walker)


def _finding_cases(walker: Walker, complaint: str) -> None:
    """The case search, "My cases", and assigning cases chosen in the queue."""
    page = walker.page
    walker.goto("/staff/search", "find a case")
    walker.fill.date("child_date_of_birth", "31", "2", "2014")
    walker.press("Search", "find a case (errors)")
    shows_errors(walker)
    walker.goto("/staff/search")
    walker.fill.text("name", "Pat Parent")
    walker.press("Search", "find a case (found)")
    assert "3 cases found" in page.locator("main").inner_text()
    walker.goto("/staff/?assigned=me", "my cases")
    walker.goto("/staff/")
    page.locator("#bulk-assign summary").click()
    page.locator(f"#select-{complaint}").check()
    walker.press("Assign selected cases", "assign cases (errors)")
    shows_errors(walker)
    page.locator("#person").select_option(index=1)
    walker.press("Assign selected cases", "assign cases (done)")
    assert "1 case assigned" in page.locator("main").inner_text()


def _recording_another_way(walker: Walker) -> None:
    """A complaint that came by letter, recorded by the manager: the form, its errors, and
    the confirmation."""
    page = walker.page
    form_and_errors(
        walker, "/staff/record", "record a complaint that came another way", button="Record it"
    )
    for name, value in (
        ("channel", "letter"),
        ("kind", "complaint"),
        ("in_danger", "no"),
        ("role", "parent"),
        ("contact_preference", "post"),
        ("child_agreement", "agrees"),
        ("child_reply_preference", "through_me"),
        ("advocacy", "declined"),
    ):
        walker.fill.radio(name, value)
    walker.fill.date("received_on", "19", "12", "2025")
    walker.fill.text("name", "Pat Parent")
    walker.fill.text("address", "1 High Street, Northmoor")
    walker.fill.text("postcode", "NM1 2AB")
    walker.fill.tick("safe_to_contact", "letters")
    walker.fill.text("child_name", "Sam Parent")
    walker.fill.text("child_age", "9")
    page.locator("input[name=team]").first.check()
    walker.fill.text("what_happened", "Nobody came to the review meeting.")
    walker.press("Record it", "complaint recorded")
    assert page.locator("h1").inner_text() == "Complaint recorded"


def _letters_waiting(walker: Walker, server: LiveServer, caseworker: str) -> None:
    """None at first; then a caseworker's letter sent for approval, and another they
    sent that the manager returned to them with comments."""
    walker.goto("/staff/letters", "letters waiting (none)")
    assert "No letters are waiting." in walker.page.inner_text("main")
    with server.app.app_context():
        writer = staff.find_by_email(caseworker)
        manager = staff.find_by_email(manager_email())
        assert writer is not None and manager is not None
        for returned in (False, True):
            case = new_complaint(when=received_at(RECEIVED))
            letter = response_letters.save(
                writer,
                case,
                1,
                subject="Your complaint",
                body="We looked into what you told us.",
                send_for_approval=True,
                version=None,
                today=ACCEPTED,
            )
            if returned:
                response_letters.return_to_caseworker(
                    manager, case, 1, comments="Say what we found.", version=letter.version
                )
        db.session.remove()
    walker.goto("/staff/letters", "letters waiting")
    assert walker.page.locator("main tbody tr").count() == 2


def _messages_not_sent(walker: Walker, server: LiveServer, complaint: str) -> None:
    """None at first; then a message the portal could not send and a text message Notify
    could not deliver (its receipt gives the case a task); then "Try again" pressed on a
    page gone out of date (another receipt came meanwhile), refused."""
    walker.goto("/staff/messages-not-sent", "messages not sent (none)")
    assert "Every message has been sent." in walker.page.inner_text("main")
    with server.app.app_context():
        case = db.session.scalars(sa.select(Submission).where(Submission.reference == complaint))
        found = case.one()
        a_message_not_sent(found, "NotifyRefused: 400 ValidationError: Not a valid email address")
        bounced = outbox.queue(
            purpose="acknowledgement",
            recipient="+447700900002",
            subject="",
            text_body="We have your complaint.",
            html_body="",
            submission=found,
            channel=MessageChannel.SMS,
        )
        bounced.status, bounced.attempts, bounced.sent_at = "sent", 1, utcnow()
        bounced.notify_id = str(uuid.uuid4())
        db.session.commit()
        notification, reference = bounced.notify_id, str(bounced.id)
        receipts.record(receipts.Receipt(notification, reference, "permanent-failure"))
        db.session.remove()
    walker.goto("/staff/messages-not-sent", "messages not sent")
    assert walker.page.locator("main tbody tr").count() == 2
    with server.app.app_context():
        receipts.record(receipts.Receipt(notification, reference, "temporary-failure"))
        db.session.remove()
    walker.press(
        "Try again sending the acknowledgement text message to +447700900002",
        "messages not sent (out of date)",
    )
    assert "Something changed since you opened this page" in walker.page.inner_text("main")
    walker.goto(f"/staff/cases/{complaint}", "a case with a message not delivered")
    assert "Reach them another way" in walker.page.inner_text("main")


def _staff_accounts(walker: Walker, server: LiveServer, member: str) -> None:
    """The manager changes a team member's team and role; refused first with no team."""
    walker.goto("/staff/staff-accounts", "staff accounts")
    with server.app.app_context():
        found = staff.find_by_email(member)
        assert found is not None
        member_id = found.id
        db.session.remove()
    walker.goto(f"/staff/staff-accounts/{member_id}", "staff account")
    walker.page.locator('select[name="team"]').select_option("")
    walker.press("Save", "staff account (errors)")
    shows_errors(walker)
    walker.fill.radio("role", "auditor")
    walker.press("Save", "staff accounts (changed)")
    assert "signed out everywhere" in walker.page.locator("main").inner_text()
    with server.app.app_context():
        changed = staff.find_by_email(member)
        assert changed is not None
        staff.set_role(changed, Role.TEAM_MEMBER, team_name="Looked After Children", by=None)
        db.session.remove()
    # A new member of staff invited, and the page their emailed link opens.
    form_and_errors(
        walker,
        "/staff/staff-accounts/new",
        "invite a member of staff",
        button="Send the invitation",
    )
    walker.fill.text("name", "Jordan Newstarter")
    walker.fill.text("email", "jordan.newstarter@council.example")
    walker.fill.radio("role", "auditor")
    walker.press("Send the invitation", "staff accounts (invited)")
    assert "Invited: has not set a password yet" in walker.page.locator("main").inner_text()
    with server.app.app_context():
        email = db.session.scalars(
            sa.select(OutboxMessage.text_body).where(OutboxMessage.purpose == PURPOSE)
        ).one()
        db.session.remove()
    link = re.search(r"/staff/set-password/\S+", email)
    assert link is not None
    walker.goto(link.group(0), "set your password")
    walker.fill.text("new", "aaaaaaaaaaaa")
    walker.press("Set password", "set your password (too easy to guess)")
    shows_errors(walker)
    walker.goto("/staff/set-password/not-a-link-we-sent")
    walker.record("a link to set a password that no longer works")


def _possible_danger(walker: Walker, server: LiveServer) -> None:
    """A child's case with words of danger, and a child's help page left unsent an hour
    ago, which the sweep makes a task: the queue with both on top, the task, and what
    was done about it recorded (sent empty first)."""
    with server.app.app_context():
        new_complaint(text="My stepdad hits me when mum is at work.")
        draft = intake.start_draft(Kind.COMPLAINT)
        intake.save_step(draft, "who-are-you", {"role": ["child"]}, complete=True)
        intake.save_step(
            draft, "what-happened", {"what_happened": ["He hits me. I am scared."]}, complete=True
        )
        safeguarding.save_contact_today(
            draft, {"contact_today": ["yes"]}, wanted=True, reach="07700 900982"
        )
        safeguarding.help_shown(draft, now=utcnow() - timedelta(hours=2))
        assert safeguarding.sweep().unsent == 1
        concern = db.session.scalars(sa.select(UnsentConcern)).one().id
        db.session.remove()
    walker.goto("/staff/", "triage queue (possible danger and a concern not sent)")
    assert "Possible danger: not yet looked at" in walker.page.inner_text("main")
    walker.goto(f"/staff/concerns/{concern}", "possible concern, not sent")
    form_and_errors(
        walker,
        f"/staff/concerns/{concern}/action",
        "record what was done about a possible concern",
    )
    walker.fill.text("action", "Phoned the number given: the child is safe with family.")
    walker.press("Save", "possible concern, not sent (what was done)")
    assert walker.page.locator(".govuk-notification-banner--success").is_visible()


def _your_account(walker: Walker, server: LiveServer) -> None:
    page = walker.page
    walker.goto("/staff/account", "your account")
    walker.goto("/staff/account/password", "change your password")
    walker.fill.text("current", PASSWORD)
    walker.fill.text("new", "aaaaaaaaaaaa")
    walker.press("Change password", "change your password (too easy to guess)")
    shows_errors(walker)
    walker.goto("/staff/account/authenticator-app", "set up a new authenticator app")
    walker.press("Continue", "set up a new authenticator app (errors)")
    shows_errors(walker)
    key = page.locator("#key").inner_text().replace(" ", "")
    walker.fill.text("password", PASSWORD)
    walker.fill.text("current_code", code_now(server, manager_email()))
    walker.fill.text("code", pyotp.TOTP(key).now())
    walker.press("Continue", "save these recovery codes")
    assert page.locator("#recovery-codes li").count() == 10
    walker.goto("/staff/account")
    walker.press("Get new recovery codes", "get new recovery codes")
    walker.press("Get new recovery codes", "get new recovery codes (errors)")
    shows_errors(walker)
    walker.fill.text("password", PASSWORD)
    walker.fill.text("current_code", code_now(server, manager_email()))
    walker.press("Get new recovery codes", "new recovery codes")
    assert page.locator("#recovery-codes li").count() == 10
    walker.press("Sign out", "sign in (signed out)")
    # A new complaints manager is walked through setting up the app.
    walker.fill.text("email", NEW_MANAGER)
    walker.fill.text("password", PASSWORD)
    walker.press("Sign in", "set up your authenticator app (a new manager)")
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    walker.press("Sign out")


def _other_roles(walker: Walker, server: LiveServer, member: str, auditor: str) -> None:
    walker_signs_in(walker, server, member)
    walker.record("triage queue (a team member)")
    walker.goto("/staff/account", "your account (a team member)")
    walker.goto("/staff/routing-rules", "not allowed (a team member)")
    walker.goto("/staff/")
    walker.press("Sign out")
    walker_signs_in(walker, server, auditor)
    walker.goto("/staff/?kind=advocacy", "triage queue (an auditor, nothing matches)")
    assert "No open cases match" in walker.page.locator("#queue-results").inner_text()


def _a_childs_referral(name: str) -> int:
    """A child's complaint, the offer of an advocate accepted (someone the other parts'
    searches do not find): its referral to the advocacy provider."""
    case = intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.CHILD,
            name=name,
            contact_preference=ContactPreference.PHONE,
            phone="07700 900461",
            what_happened="I want to see my brother more.",
            child_age=13,
            advocacy=AdvocacyAnswer.ACCEPTED,
        ),
        now=received_at(RECEIVED),
    )
    return db.session.scalars(sa.select(Referral.id).where(Referral.submission_id == case.id)).one()


def _advocacy_provider(walker: Walker, server: LiveServer, provider: str, ids: list[int]) -> None:
    """The provider's manager works a referral from its queue, each step's form sent
    empty first; declines another only empty."""
    walker_signs_in(walker, server, provider)
    walker.record("advocacy referrals (the provider)")
    first, second = (f"/staff/referrals/{i}" for i in ids)
    walker.goto(first, "an advocacy referral")
    today = datetime.now(LONDON).date()
    on = (str(today.day), str(today.month), str(today.year))
    form_and_errors(walker, f"{second}/decline", "decline the referral")
    # The date starts as today: taken away to show the error.
    form_and_errors(
        walker,
        f"{first}/accept",
        "accept the referral",
        make_it_wrong=lambda: walker.page.locator("#on-day").fill(""),
    )
    walker.fill.date("on", *on)
    walker.press("Save", "an advocacy referral (accepted)")
    form_and_errors(walker, f"{first}/advocate", "name the advocate")
    walker.fill.text("advocate_name", "Alex Advocate")
    walker.press("Save")
    form_and_errors(walker, f"{first}/first-contact", "record the first contact")
    walker.fill.date("on", *on)
    walker.press("Save")
    form_and_errors(walker, f"{first}/add-visit", "add a visit")
    walker.fill.date("on", *on)
    walker.fill.text("note", "Prepared for the stage 1 meeting")
    walker.press("Save")
    form_and_errors(walker, f"{first}/close", "close the referral")
    walker.fill.radio("outcome", "supported_complaint")
    walker.fill.date("on", *on)
    walker.press("Save", "an advocacy referral (closed)")
    assert "Advocate supported the complaint" in walker.page.inner_text("main")
    walker.goto("/staff/referrals", "advocacy referrals (one ended)")
    walker.goto("/staff/referrals/999999", "page not found (the provider)")
    walker.goto("/staff/", "not allowed (the provider)")
    walker.goto("/staff/referrals")
    walker.press("Sign out")


@pytest.fixture(scope="module")
def backoffice(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    """Every back-office page the manager meets away from a case's own pages (those are
    in test_backoffice_case_pages.py), and what a team member and an auditor meet,
    visited once for the module."""
    server.reset_database()
    refs = some_cases(server)
    with server.app.app_context():
        routing_rules.load_demo_rules()
        teams.load_default_categories()
        rule_id = routing_rules.all_rules()[0].id
        team_id = teams.all_teams()[0].id
        category_id = teams.all_categories()[0].id
        # A complaints manager made by `flask staff create`: no authenticator app yet.
        staff.create_staff(
            email=NEW_MANAGER, name="New Manager", password=PASSWORD, role=Role.MANAGER
        )
        member = make_staff(Role.TEAM_MEMBER)
        auditor = make_staff(Role.AUDITOR)
        provider = make_staff(Role.PROVIDER_MANAGER, team="Advocacy provider (Coram Voice)")
        referral_ids = [_a_childs_referral(name) for name in ("Robin Whitfield", "Ash Moor")]
        db.session.remove()
    with Crawler(browser, server) as crawler:
        walker = crawler.walker
        crawler.attempt(
            "sign in", lambda: _sign_in_and_the_queue(walker, server, refs[Kind.COMPLAINT])
        )
        crawler.attempt("routing rules", lambda: _routing_rules(walker, rule_id))
        crawler.attempt("teams", lambda: _teams_and_categories(walker, team_id, category_id))
        crawler.attempt("records and reports", lambda: _records_and_reports(walker))
        crawler.attempt("finding cases", lambda: _finding_cases(walker, refs[Kind.COMPLAINT]))
        crawler.attempt("recording another way", lambda: _recording_another_way(walker))
        crawler.attempt("letters waiting", lambda: _letters_waiting(walker, server, member))
        crawler.attempt(
            "messages not sent",
            lambda: _messages_not_sent(walker, server, refs[Kind.COMPLAINT]),
        )
        crawler.attempt("staff accounts", lambda: _staff_accounts(walker, server, member))
        crawler.attempt("possible danger", lambda: _possible_danger(walker, server))
        crawler.attempt("your account", lambda: _your_account(walker, server))
        crawler.context.clear_cookies()
        crawler.attempt("other roles", lambda: _other_roles(walker, server, member, auditor))
        crawler.context.clear_cookies()
        crawler.attempt(
            "advocacy provider",
            lambda: _advocacy_provider(walker, server, provider, referral_ids),
        )
        yield crawler.crawl()


@pytest.fixture(scope="module")
def backoffice_nu(backoffice: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(backoffice.pages, tmp_path_factory.mktemp("backoffice-html"))


@pytest.mark.parametrize("name", BACKOFFICE_PAGES)
def test_no_axe_violations(backoffice: Crawl, name: str) -> None:
    judge_axe(backoffice, name, NOT_OK.get(name, 200))


def test_the_checker_is_checking(backoffice_nu: NuReport) -> None:
    assert backoffice_nu.canary, "the Nu checker reported nothing for a page with a stray <div>"


@pytest.mark.parametrize("name", BACKOFFICE_PAGES)
def test_valid_html(backoffice: Crawl, backoffice_nu: NuReport, name: str) -> None:
    judge_html(backoffice, backoffice_nu, name)


def test_every_staff_page_away_from_a_case_is_crawled(
    server: LiveServer, backoffice: Crawl
) -> None:
    wanted = {rule for rule in staff_pages(server.app) if not rule.startswith("/staff/cases/")}
    missed = wanted - rules_crawled(server.app, backoffice)
    assert not missed, f"no page at these addresses was checked: {sorted(missed)}"


# --- without JavaScript ---------------------------------------------------------------------


def press(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def follow(page: Page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def fill_date(page: Page, day: date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def test_filter_open_accept_and_assign_without_javascript(
    live_server: LiveServer, contexts: Contexts
) -> None:
    refs = some_cases(live_server)
    complaint = refs[Kind.COMPLAINT]
    page = contexts.page(java_script_enabled=False)
    sign_in(page, live_server)
    for ref in refs.values():
        assert page.locator(f"#row-{ref}").is_visible(), f"{ref} is not in the queue"

    # The filters are an ordinary GET form: the address says what is shown.
    page.get_by_label("Kind", exact=True).select_option(label="Complaint")
    press(page, "Filter")
    assert "kind=complaint" in page.url, page.url
    assert page.locator(f"#row-{complaint}").is_visible()
    for kind in (Kind.COMPLIMENT, Kind.REPRESENTATION):
        assert page.locator(f"#row-{refs[kind]}").count() == 0, f"the {kind.value} is still shown"
    assert "1 open case" in page.locator("#queue-results [role=status]").inner_text()

    # Open the case and accept it at stage 1.
    follow(page, complaint)
    assert page.locator("h1").inner_text().startswith(complaint)
    # Acknowledged by phone first, as the procedure asks; then accepted.
    follow(page, "Record an acknowledgement by phone or letter")
    page.get_by_label("By phone", exact=True).check()
    fill_date(page, ACCEPTED)
    press(page, "Save")
    assert page.url.endswith(f"/staff/cases/{complaint}"), page.url
    follow(page, "Accept at stage 1")
    assert page.locator("h1").inner_text() == "Accept at stage 1"
    fill_date(page, ACCEPTED)
    press(page, "Save")
    assert page.url.endswith(f"/staff/cases/{complaint}"), page.url
    assert (
        page.locator(".govuk-notification-banner--success")
        .inner_text()
        .endswith("Accept at stage 1: saved.")
    )
    assert page.locator("h1 .govuk-tag").inner_text() == "Stage 1"
    next_due = page.locator(".govuk-summary-list__row", has_text="Next due")
    assert next_due.locator("dd").inner_text() == STAGE1_DUE

    # The queue row's inline "Assign", inside its <details>, as a plain form post.
    follow(page, "Back to the queue")
    row = page.locator(f"#row-{complaint}")
    assign = row.get_by_role("button", name=f"Assign {complaint}", exact=True)
    assert not assign.is_visible(), "the actions are open before anyone opened them"
    row.locator("summary", has_text="Actions").click()
    row.get_by_label("Team", exact=True).select_option(label="Early Help")
    row.get_by_label("Why (if you are changing the team)").fill("Early help know the family.")
    with page.expect_navigation():
        assign.click()
    assert page.url.endswith("/staff/"), page.url
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith(f"{complaint}: Assignment saved."), banner.inner_text()
    assert page.locator(f"#row-{complaint} td").nth(4).inner_text() == "Early Help"


# --- with JavaScript ------------------------------------------------------------------------


def test_the_kind_filter_updates_the_queue_in_place(live_server: LiveServer, page: Page) -> None:
    refs = some_cases(live_server)
    sign_in(page, live_server)
    # A full page load would lose this; an htmx swap keeps it.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_label("Kind", exact=True).select_option(label="Compliment")
    page.wait_for_url("**/staff/?*kind=compliment*")
    compliment = page.locator(f"#row-{refs[Kind.COMPLIMENT]}")
    compliment.wait_for()
    for kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
        assert page.locator(f"#row-{refs[kind]}").count() == 0, f"the {kind.value} is still shown"
    assert "1 open case" in page.locator("#queue-results [role=status]").inner_text()
    assert page.evaluate("() => window.stillTheSamePage === true"), "the whole page reloaded"
    assert page.get_by_label("Kind", exact=True).input_value() == "compliment"


def test_enter_in_the_reference_box_searches_once(live_server: LiveServer, page: Page) -> None:
    """Enter in a text box fires "change" and then "submit". Answered twice, the second
    answer replaced the queue under whatever the person had opened in the first."""
    refs = some_cases(live_server)
    complaint = refs[Kind.COMPLAINT]
    sign_in(page, live_server)
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "reference=" in r.url else None)
    page.get_by_label("Reference", exact=True).fill(complaint)
    page.get_by_label("Reference", exact=True).press("Enter")
    row = page.locator(f"#row-{complaint}:only-child")
    row.wait_for()
    row.get_by_text(f"Actions for {complaint}").click()
    page.wait_for_load_state("networkidle")
    assert len(searches) == 1, searches
    assert page.locator(f"#row-{complaint} details").get_attribute("open") is not None, (
        "the row's actions closed: the queue was replaced"
    )
