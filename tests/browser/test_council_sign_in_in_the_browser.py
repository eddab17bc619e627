"""Signing in with the council's account in Chromium, through a real OpenID provider
(npm's `oidc-provider`, tests/oidc/provider.mjs): the back office's sign-in page, the
provider's own login page, and back to the page asked for; someone in no mapped group
sees the refusal page; a code used twice, the "did not work" page; the password page (for
advocates and the break-glass account);
the provider down, the "not answering" page. Each of the portal's pages on the way passes
axe (WCAG 2.2 AA) and the Nu HTML checker; together they are every address the shared
back-office crawl leaves to this file (COUNCIL_SIGN_IN_RULES)."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_browser import COUNCIL_SIGN_IN_RULES, rules_crawled
from browser_env import Contexts, LiveServer
from oidc_provider import Account, OpenIDProvider
from page_checks import (
    AXE_JS,
    Crawl,
    Snapshot,
    check_html,
    describe_nu,
    describe_violations,
    real_violations,
    run_axe,
)
from playwright.sync_api import Page

from portal.extensions import db
from portal.models import Staff

pytestmark = pytest.mark.browser

CALLBACK = "/staff/sign-in/council/callback"
SETTINGS = (
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_GROUP_ROLES",
    "OIDC_GROUP_TEAMS",
)


@pytest.fixture(scope="module")
def provider(server: LiveServer) -> Iterator[OpenIDProvider]:
    with OpenIDProvider(f"{server.url}{CALLBACK}") as running:
        yield running


@pytest.fixture
def council(live_server: LiveServer, provider: OpenIDProvider) -> Iterator[OpenIDProvider]:
    """The shared test portal signing staff in through `provider` for this test only."""
    app = live_server.app
    before = {key: app.config[key] for key in SETTINGS}
    app.config.update(
        provider.settings(),
        OIDC_GROUP_ROLES={
            "grp-complaints-officers": "team_member",
            "grp-complaints-managers": "manager",
        },
        OIDC_GROUP_TEAMS={"grp-team-lac": "Looked After Children"},
    )
    provider.misbehaves()
    provider.has_accounts(
        robin=Account(
            "robin.officer@northmoor.example",
            "Robin Officer",
            ["grp-complaints-officers", "grp-team-lac"],
        ),
        nat=Account("nat.finance@northmoor.example", "Nat Finance", ["grp-everyone"]),
        mo=Account("mo.manager@northmoor.example", "Mo Manager", ["grp-complaints-managers"]),
    )
    try:
        yield provider
    finally:
        app.config.update(before)


class Pages:
    """The portal's pages met on the way, as the server sent them and as axe judged them."""

    def __init__(self) -> None:
        self.seen: dict[str, Snapshot] = {}

    def record(self, page: Page, name: str, html: str, status: int) -> None:
        violations = real_violations(run_axe(page, AXE_JS.read_text(encoding="utf-8")))
        assert not violations, f"{name}:\n{describe_violations(violations)}"
        self.seen[name] = Snapshot(name, page.url, status, html, violations, "")


def navigate(page: Page, action: object) -> tuple[str, int]:
    """Do `action` (a click) and return the page it leads to, as the server sent it."""
    with page.expect_navigation() as navigation:
        action()  # type: ignore[operator]
    response = navigation.value
    assert response is not None
    return response.text(), response.status


def at_the_council(page: Page, username: str) -> tuple[str, int]:
    """Press "Sign in with your council account" and sign in at the provider."""
    navigate(page, page.get_by_role("button", name="Sign in with your council account").click)
    assert page.get_by_role("heading", name="Sign in to the council").is_visible()
    page.get_by_label("Username").fill(username)
    return navigate(page, page.get_by_role("button", name="Sign in").click)


def test_staff_sign_in_with_their_council_account_in_the_browser(
    council: OpenIDProvider, live_server: LiveServer, contexts: Contexts, tmp_path: Path
) -> None:
    pages = Pages()
    page = contexts.page()
    response = page.goto("/staff/search")
    assert response is not None and urlsplit(page.url).path == "/staff/sign-in"
    pages.record(page, "sign in with the council", response.text(), response.status)

    html, status = at_the_council(page, "robin")
    # Back where they were going, signed in with the role and team of their groups.
    assert urlsplit(page.url).path == "/staff/search"
    assert page.get_by_text("Robin Officer (Team member)").is_visible()
    with live_server.app.app_context():
        robin = db.session.scalars(
            sa.select(Staff).where(Staff.email == "robin.officer@northmoor.example")
        ).one()
        assert (robin.role, robin.oidc_subject) == ("team_member", "robin")
        robin_id = robin.id
        db.session.remove()

    # A complaints manager, signed in the same way, looks at Robin's account.
    manager = contexts.page()
    manager.goto("/staff/sign-in")
    at_the_council(manager, "mo")
    assert urlsplit(manager.url).path == "/staff/"
    response = manager.goto(f"/staff/staff-accounts/{robin_id}")
    assert response is not None
    assert manager.get_by_text("They sign in with their council account.").is_visible()
    pages.record(manager, "a directory account", response.text(), response.status)

    # Someone in no group the portal knows: refused, told whom to ask.
    other = contexts.page()
    other.goto("/staff/sign-in")
    html, status = at_the_council(other, "nat")
    assert status == 403
    assert other.get_by_role(
        "heading", name="You cannot use the complaints back office yet"
    ).is_visible()
    assert other.get_by_role(
        "link", name=live_server.app.config["COMPLAINTS_MANAGER_EMAIL"]
    ).is_visible()
    pages.record(other, "refused: no mapped group", html, status)

    # Back at the provider's answer again, with the same code: "did not work".
    third = contexts.page()
    third.goto("/staff/sign-in")
    codes: list[str] = []
    third.on(
        "request",
        lambda request: codes.append(request.url) if CALLBACK in request.url else None,
    )
    at_the_council(third, "robin")
    assert codes
    response = third.goto(codes[0])
    assert response is not None and response.status == 400
    assert third.get_by_role("heading", name="Signing in did not work").is_visible()
    pages.record(third, "did not work", response.text(), response.status)

    fourth = contexts.page()
    response = fourth.goto("/staff/sign-in")
    assert response is not None
    navigate(
        fourth,
        fourth.get_by_role("link", name="sign in with their email address and password").click,
    )
    assert fourth.get_by_role("heading", name="Sign in with a password").is_visible()
    response = fourth.goto("/staff/sign-in/password")
    assert response is not None
    pages.record(fourth, "with a password", response.text(), response.status)

    # The provider not answering: a page that says so and offers the break-glass way.
    live_server.app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens there
    fifth = contexts.page()
    fifth.goto("/staff/sign-in")
    html, status = navigate(
        fifth, fifth.get_by_role("button", name="Sign in with your council account").click
    )
    assert status == 502
    assert fifth.get_by_role("heading", name="The council's sign-in is not answering").is_visible()
    assert fifth.get_by_role("link", name="sign in with the break-glass account").is_visible()
    pages.record(fifth, "not answering", html, status)

    met = rules_crawled(live_server.app, Crawl(pages.seen, {}))
    assert met >= COUNCIL_SIGN_IN_RULES, sorted(COUNCIL_SIGN_IN_RULES - met)
    report = check_html(pages.seen, tmp_path)
    assert report.canary, "the Nu checker found nothing wrong with a page that is wrong"
    for name, messages in report.errors.items():
        assert not messages, f"{name}:\n{describe_nu(messages)}"
