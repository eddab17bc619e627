"""Staff sign in with the council's own accounts (OpenID Connect, docs/oidc.md), through a
real provider (npm's certified `oidc-provider`, tests/oidc/provider.mjs) and the portal
served over real HTTP: every redirect between them is followed as a browser would.

The council's groups give the role and team, at every sign-in; someone in no mapped group
is refused with a page saying whom to ask, and gets no account; a leaver the directory has
disabled cannot sign in, nor can an account the portal has disabled. A token for another
audience, an expired token, a code used twice and a callback from another browser are
all refused. Only the break-glass account and people outside the council (advocates, the
advocacy provider's manager) keep the portal's own password."""

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import sqlalchemy as sa
from backoffice_helpers import PASSWORD, authenticator_code, make_staff
from conftest import twice_at_once
from flask import Flask
from live_server import serving
from oidc_provider import CLIENT_ID, Account, OpenIDProvider

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Staff, Team
from portal.services import directory
from portal.services import staff as staff_service

CALLBACK = "/staff/sign-in/council/callback"
GROUP_ROLES = {
    "grp-complaints-managers": "manager",
    "grp-complaints-officers": "team_member",
    "grp-complaints-auditors": "auditor",
}
GROUP_TEAMS = {
    "grp-team-lac": "Looked After Children",
    "grp-team-fostering": "Fostering",
}


@pytest.fixture(scope="module")
def live(portal: Flask) -> Iterator[str]:
    """The portal served on 127.0.0.1 at a free port (the `app` fixture resets it for
    each test)."""
    with serving(portal) as url:
        yield url


@pytest.fixture(scope="module")
def provider(live: str) -> Iterator[OpenIDProvider]:
    with OpenIDProvider(f"{live}{CALLBACK}") as running:
        yield running


@pytest.fixture
def council(app: Flask, provider: OpenIDProvider) -> OpenIDProvider:
    """The portal signing its staff in through `provider`, whose directory holds Robin
    (a complaints officer in Looked After Children), Mo (a complaints manager), Nat (in
    no group the portal knows) and Lee (a leaver the directory has disabled)."""
    app.config.update(
        provider.settings(), OIDC_GROUP_ROLES=GROUP_ROLES, OIDC_GROUP_TEAMS=GROUP_TEAMS
    )
    provider.misbehaves()
    provider.has_accounts(
        robin=Account(
            "robin.officer@northmoor.example",
            "Robin Officer",
            ["grp-everyone", "grp-complaints-officers", "grp-team-lac"],
        ),
        mo=Account("mo.manager@northmoor.example", "Mo Manager", ["grp-complaints-managers"]),
        nat=Account("nat.finance@northmoor.example", "Nat Finance", ["grp-everyone"]),
        lee=Account(
            "lee.leaver@northmoor.example",
            "Lee Leaver",
            ["grp-complaints-officers", "grp-team-lac"],
            disabled=True,
        ),
    )
    return provider


def go(
    browser: requests.Session, response: requests.Response, stop_at: str = ""
) -> requests.Response:
    """Follow redirects as a browser does, across the portal and the provider; stop
    before asking for a URL whose path is `stop_at` (its response's `next_url` says
    which)."""
    while response.is_redirect:
        url = urljoin(response.url, response.headers["Location"])
        if stop_at and urlsplit(url).path == stop_at:
            response.next_url = url  # type: ignore[attr-defined]
            return response
        response = browser.get(url, allow_redirects=False)
    return response


def at_the_council(
    browser: requests.Session, live: str, username: str, stop_at: str = ""
) -> requests.Response:
    """Press "Sign in with your council account" and sign in as `username` at the
    provider."""
    start = browser.get(f"{live}/staff/sign-in", allow_redirects=False)
    assert start.status_code == 200
    link = re.search(r'href="([^"]*/sign-in/council[^"]*)"', start.text)
    assert link, "the sign-in page has no way to the council's sign-in"
    login = go(browser, browser.get(urljoin(start.url, link.group(1)), allow_redirects=False))
    assert "Sign in to the council" in login.text, login.text[:500]
    action = re.search(r'action="([^"]+)"', login.text)
    assert action
    sent = browser.post(
        urljoin(login.url, action.group(1)), data={"username": username}, allow_redirects=False
    )
    return go(browser, sent, stop_at)


def signed_in(browser: requests.Session, live: str) -> bool:
    return browser.get(f"{live}/staff/account", allow_redirects=False).status_code == 200


def account(email: str) -> Staff | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Staff).where(Staff.email == email))


def team_name(staff: Staff) -> str | None:
    return db.session.scalar(sa.select(Team.name).where(Team.id == staff.team_id))


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_officer_signs_in_with_their_council_account_and_gets_the_role_and_team_of_their_groups(
    council: OpenIDProvider, live: str
) -> None:
    browser = requests.Session()
    # The way to the provider: the code flow with PKCE (S256), a state and a nonce.
    start = browser.get(f"{live}/staff/sign-in/council", allow_redirects=False)
    asked = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(f"{council.issuer}/")
    assert asked["response_type"] == ["code"]
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) == 43
    assert asked["state"][0] and asked["nonce"][0]
    assert "openid" in asked["scope"][0].split()

    landed = at_the_council(browser, live, "robin")
    assert landed.status_code == 200
    assert urlsplit(landed.url).path == "/staff/"
    assert "Robin Officer (Team member)" in landed.text
    robin = account("robin.officer@northmoor.example")
    assert robin is not None
    assert (robin.role, team_name(robin)) == (
        "team_member",
        "Looked After Children",
    )
    assert (robin.oidc_issuer, robin.oidc_subject) == (council.issuer, "robin")
    # No second factor of ours to set up: the council's provider has its own.
    assert signed_in(browser, live)
    assert "You sign in with your council account" in browser.get(f"{live}/staff/account").text
    signed_in_event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "signed_in")
    ).one()
    assert (signed_in_event.staff_id, signed_in_event.detail) == (
        robin.id,
        {"second_factor": "directory"},
    )


def test_the_directory_decides_the_role_and_team_again_at_every_sign_in(
    council: OpenIDProvider, live: str
) -> None:
    first = requests.Session()
    at_the_council(first, live, "robin")
    robin_id = account("robin.officer@northmoor.example").id  # type: ignore[union-attr]

    # Robin is promoted: the directory moves them to the managers' group and Fostering.
    council.has_accounts(
        robin=Account(
            "robin.officer@northmoor.example",
            "Robin Officer-Smith",
            ["grp-complaints-managers", "grp-team-fostering"],
        )
    )
    second = requests.Session()
    landed = at_the_council(second, live, "robin")
    assert "Robin Officer-Smith (Complaints manager)" in landed.text
    robin = account("robin.officer@northmoor.example")
    assert robin is not None and robin.id == robin_id
    assert (robin.role, team_name(robin)) == ("manager", "Fostering")
    assert "role_changed" in actions()
    # The browser that signed in with the old role is signed out.
    assert not signed_in(first, live)
    assert signed_in(second, live)
    # A complaints manager looking at the account is told where its role comes from, and
    # is not offered a password reset or a new authenticator app for it.
    page = second.get(f"{live}/staff/staff-accounts/{robin_id}").text
    assert "Their role and team are set from their groups in the council" in page
    assert "Reset their password" not in page
    assert "Reset their authenticator app" not in page


def test_someone_in_no_mapped_group_is_refused_with_a_page_saying_whom_to_ask_and_gets_no_account(
    council: OpenIDProvider, live: str, app: Flask
) -> None:
    browser = requests.Session()
    refused = at_the_council(browser, live, "nat")
    assert refused.status_code == 403
    assert "You cannot use the complaints back office yet" in refused.text
    assert "not in any of the groups that give access" in refused.text
    assert app.config["COMPLAINTS_MANAGER_EMAIL"] in refused.text
    assert "no account has been made for you" in refused.text
    assert account("nat.finance@northmoor.example") is None
    assert not signed_in(browser, live)
    assert actions() == ["directory_sign_in_refused"]


def test_someone_taken_out_of_the_portals_groups_is_refused_and_signed_out_everywhere(
    council: OpenIDProvider, live: str
) -> None:
    first = requests.Session()
    at_the_council(first, live, "robin")
    assert signed_in(first, live)
    council.has_accounts(
        robin=Account("robin.officer@northmoor.example", "Robin Officer", ["grp-everyone"])
    )
    refused = at_the_council(requests.Session(), live, "robin")
    assert refused.status_code == 403
    assert "not in any of the groups that give access" in refused.text
    assert not signed_in(first, live)
    assert actions()[-1] == "directory_sign_in_refused"


def test_an_officer_whose_groups_name_no_team_is_refused(
    council: OpenIDProvider, live: str
) -> None:
    council.has_accounts(
        sam=Account("sam@northmoor.example", "Sam", ["grp-complaints-officers"]),
    )
    refused = at_the_council(requests.Session(), live, "sam")
    assert refused.status_code == 403
    assert "none of its groups says which team you work in" in refused.text
    assert account("sam@northmoor.example") is None


def test_a_leaver_disabled_in_the_directory_cannot_sign_in(
    council: OpenIDProvider, live: str
) -> None:
    browser = requests.Session()
    shut = at_the_council(browser, live, "lee")
    assert shut.status_code == 403
    assert "This account has been disabled" in shut.text
    assert account("lee.leaver@northmoor.example") is None
    assert not signed_in(browser, live)


def test_a_leaver_disabled_between_signing_in_and_coming_back_is_refused_by_the_provider(
    council: OpenIDProvider, live: str
) -> None:
    """The code is exchanged after the directory disabled them: the provider finds
    nobody, and the portal signs nobody in."""
    browser = requests.Session()
    back = at_the_council(browser, live, "robin", stop_at=CALLBACK)
    council.has_accounts(
        robin=Account(
            "robin.officer@northmoor.example",
            "Robin",
            ["grp-complaints-officers", "grp-team-lac"],
            disabled=True,
        )
    )
    failed = browser.get(back.next_url, allow_redirects=False)  # type: ignore[attr-defined]
    assert failed.status_code == 400
    assert "Signing in did not work" in failed.text
    assert account("robin.officer@northmoor.example") is None
    assert not signed_in(browser, live)


def test_an_account_the_portal_disabled_cannot_sign_in_and_its_sessions_end(
    council: OpenIDProvider, live: str
) -> None:
    browser = requests.Session()
    at_the_council(browser, live, "robin")
    assert signed_in(browser, live)
    manager = account(make_staff(Role.MANAGER))
    robin = account("robin.officer@northmoor.example")
    assert manager is not None and robin is not None
    staff_service.set_active(robin, False, by=manager)
    assert not signed_in(browser, live)

    again = at_the_council(requests.Session(), live, "robin")
    assert again.status_code == 403
    assert "Your back office account is turned off" in again.text
    assert not account("robin.officer@northmoor.example").is_active_account  # type: ignore[union-attr]


def test_an_id_token_for_another_audience_is_refused(council: OpenIDProvider, live: str) -> None:
    council.misbehaves(id_token_audience="some-other-app")
    browser = requests.Session()
    failed = at_the_council(browser, live, "robin")
    assert failed.status_code == 400
    assert "Signing in did not work" in failed.text
    assert not signed_in(browser, live)
    assert account("robin.officer@northmoor.example") is None
    failure = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "directory_sign_in_failed")
    ).one()
    assert failure.detail == {"step": "callback", "what": "invalid_claim"}


def test_an_expired_id_token_is_refused(council: OpenIDProvider, live: str) -> None:
    browser = requests.Session()
    back = at_the_council(browser, live, "robin", stop_at=CALLBACK)
    # The provider's clock runs two hours behind: the token it issues expired an hour ago.
    council.misbehaves(clock_offset_seconds=-7200)
    failed = browser.get(back.next_url, allow_redirects=False)  # type: ignore[attr-defined]
    assert failed.status_code == 400
    assert not signed_in(browser, live)
    assert account("robin.officer@northmoor.example") is None
    what = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "directory_sign_in_failed")
    ).one()
    assert what == {"step": "callback", "what": "expired_token"}


def test_a_code_used_twice_is_refused_even_with_the_first_browsers_cookies(
    council: OpenIDProvider, live: str
) -> None:
    """Someone who copied the browser's cookies and the address it came back to (with its
    code) before it arrived: the provider takes a code once."""
    browser = requests.Session()
    back = at_the_council(browser, live, "robin", stop_at=CALLBACK)
    copy = requests.Session()
    copy.cookies.update(browser.cookies)
    landed = go(browser, browser.get(back.next_url, allow_redirects=False))  # type: ignore[attr-defined]
    assert urlsplit(landed.url).path == "/staff/"

    replayed = copy.get(back.next_url, allow_redirects=False)  # type: ignore[attr-defined]
    assert replayed.status_code == 400
    assert "Signing in did not work" in replayed.text
    assert not signed_in(copy, live)
    what = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "directory_sign_in_failed")
    ).one()
    assert what == {"step": "callback", "what": "invalid_grant"}


def test_a_code_brought_to_another_browser_is_refused(council: OpenIDProvider, live: str) -> None:
    """The state ties the answer to the browser that asked: a code sent to someone else
    (a link in an email) signs nobody in."""
    back = at_the_council(requests.Session(), live, "robin", stop_at=CALLBACK)
    other = requests.Session()
    failed = other.get(back.next_url, allow_redirects=False)  # type: ignore[attr-defined]
    assert failed.status_code == 400
    assert not signed_in(other, live)


def test_with_a_provider_only_the_break_glass_account_and_advocates_sign_in_with_a_password(
    council: OpenIDProvider, live: str, app: Flask
) -> None:
    email = make_staff(Role.MANAGER, email="emergency@northmoor.example")
    other = make_staff(Role.AUDITOR, email="auditor@northmoor.example")
    advocate = make_staff(Role.ADVOCATE, email="advocate@advocacy.example")

    def with_password(who: str) -> requests.Response:
        browser = requests.Session()
        form = browser.get(f"{live}/staff/sign-in/password")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form.text)
        assert token
        sent = browser.post(
            form.url,
            data={"csrf_token": token.group(1), "email": who, "password": PASSWORD},
            allow_redirects=False,
        )
        if sent.headers.get("Location", "").endswith("/staff/sign-in/code"):
            code = browser.get(f"{live}/staff/sign-in/code")
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', code.text)
            assert token
            sent = browser.post(
                code.url,
                data={"csrf_token": token.group(1), "code": authenticator_code(who)},
                allow_redirects=False,
            )
        return go(browser, sent)

    # The sign-in page leads to the council's sign-in, and to the password page for those
    # outside the council and the break-glass account.
    page = requests.get(f"{live}/staff/sign-in")
    assert "Sign in with your council account" in page.text
    assert 'name="password"' not in page.text

    refused = with_password(email)
    assert "Enter a correct email address and password" in refused.text
    refused = with_password(other)
    assert "Enter a correct email address and password" in refused.text

    result = app.test_cli_runner().invoke(args=["staff", "break-glass", email])
    assert result.exit_code == 0, result.output
    result = app.test_cli_runner().invoke(args=["staff", "break-glass", other])
    assert result.exit_code != 0
    assert "Only a complaints manager's account can be break-glass" in result.output

    landed = with_password(email)
    assert urlsplit(landed.url).path == "/staff/", landed.text[:300]
    assert "break_glass_on" in actions()

    # An advocate is not in the council's directory: their password and code still work.
    landed = with_password(advocate)
    assert urlsplit(landed.url).path == "/staff/advocate/cases", landed.text[:300]


def test_an_existing_account_is_linked_only_when_the_email_is_vouched_for(
    council: OpenIDProvider, live: str, app: Flask
) -> None:
    """The provider's email address alone is not enough to take over an account: only a
    verified one (email_verified), or an account a complaints manager said may be linked."""
    existing = make_staff(Role.TEAM_MEMBER, email="robin.officer@northmoor.example")
    before = account(existing)
    assert before is not None
    first = at_the_council(requests.Session(), live, "robin")
    assert first.status_code == 403
    assert "another back office account already has your email address" in first.text
    assert account(existing).oidc_subject is None  # type: ignore[union-attr]

    result = app.test_cli_runner().invoke(args=["staff", "link-directory", existing])
    assert result.exit_code == 0, result.output
    browser = requests.Session()
    landed = at_the_council(browser, live, "robin")
    assert urlsplit(landed.url).path == "/staff/"
    linked = account(existing)
    assert linked is not None and linked.id == before.id
    assert (linked.oidc_subject, linked.totp_secret) == ("robin", None)
    # Its old password no longer signs anyone in.
    assert not staff_service.sign_in(existing, PASSWORD).staff

    council.has_accounts(
        mo=Account(
            "mo.manager@northmoor.example",
            "Mo Manager",
            ["grp-complaints-managers"],
            email_verified=True,
        )
    )
    mo = make_staff(Role.MANAGER, email="mo.manager@northmoor.example")
    landed = at_the_council(requests.Session(), live, "mo")
    assert urlsplit(landed.url).path == "/staff/"
    assert account(mo).oidc_subject == "mo"  # type: ignore[union-attr]


def test_signing_in_through_the_council_logs_and_audits_no_personal_data(
    council: OpenIDProvider, live: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    at_the_council(requests.Session(), live, "robin")
    at_the_council(requests.Session(), live, "nat")
    council.misbehaves(id_token_audience="some-other-app")
    at_the_council(requests.Session(), live, "mo")
    details = " ".join(str(detail) for detail in db.session.scalars(sa.select(AuditEvent.detail)))
    logged = caplog.text
    for personal in ("robin", "Robin", "nat.finance", "Nat Finance", "mo.manager", "Mo Manager"):
        assert personal not in logged
        assert personal not in details


def test_the_portal_does_not_start_with_a_provider_half_configured(app: Flask) -> None:
    from portal import create_app

    settings = {key: app.config[key] for key in app.config if key.isupper()}
    with pytest.raises(ValueError, match="OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"):
        create_app(settings | {"OIDC_ISSUER": "https://login.example/tenant/v2.0"})
    with pytest.raises(ValueError, match="roles the portal does not have: admin"):
        create_app(
            settings
            | {
                "OIDC_ISSUER": "https://login.example/tenant/v2.0",
                "OIDC_CLIENT_ID": "x",
                "OIDC_CLIENT_SECRET": "y",
                "OIDC_GROUP_ROLES": {"grp": "admin"},
            }
        )
    with pytest.raises(ValueError, match="OIDC_PASSWORD_ROLES may name only"):
        create_app(
            settings
            | {
                "OIDC_ISSUER": "https://login.example/tenant/v2.0",
                "OIDC_CLIENT_ID": "x",
                "OIDC_CLIENT_SECRET": "y",
                "OIDC_GROUP_ROLES": {"grp": "manager"},
                "OIDC_PASSWORD_ROLES": ("advocate", "manager"),
            }
        )


def test_when_the_provider_does_not_answer_the_page_says_so_and_offers_the_break_glass_way(
    council: OpenIDProvider, live: str, app: Flask
) -> None:
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens there
    browser = requests.Session()
    down = browser.get(f"{live}/staff/sign-in/council", allow_redirects=False)
    assert down.status_code == 502
    assert "sign-in is not answering" in down.text
    assert "/staff/sign-in/password" in down.text
    assert db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "directory_sign_in_failed")
    ).one() == {"step": "start", "what": "ConnectionError"}


def test_a_first_sign_in_in_two_browsers_at_once_makes_one_account(app: Flask) -> None:
    """Both come back from the provider at the same instant (a double click): one
    account, and both are signed in to it."""
    app.config.update(
        OIDC_ISSUER="https://login.example/tenant/v2.0",
        OIDC_GROUP_ROLES=GROUP_ROLES,
        OIDC_GROUP_TEAMS=GROUP_TEAMS,
    )
    identity = directory.Identity(
        issuer="https://login.example/tenant/v2.0",
        subject="subject-of-robin",
        email="robin.officer@northmoor.example",
        email_verified=False,
        name="Robin Officer",
        groups=["grp-complaints-officers", "grp-team-lac"],
    )
    ids = twice_at_once(app, lambda: directory.sign_in(identity).id)
    assert ids[0] == ids[1]
    assert db.session.scalar(sa.select(sa.func.count(Staff.id))) == 1
