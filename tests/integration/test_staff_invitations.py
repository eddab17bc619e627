"""A complaints manager runs staff accounts from the back office (issue 16): invites a
new member of staff, who is emailed a one-time link to set their password (over a real
SMTP server); resets a forgotten password or a lost authenticator app; cannot leave the
council without a complaints manager. Everyone who sees cases then sets up an
authenticator app."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    PASSWORD,
    browser,
    errors_shown_twice,
    look,
    make_staff,
    post_form,
    read,
    sign_in,
    team_id,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from smtp_server import Received, SmtpServer
from test_outbox import only_email_to

from portal.database import utcnow
from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Staff
from portal.services import staff as staff_service
from portal.services import staff_links

NEW_PASSWORD = "harbour lantern cobweb violin"
SET_UP = "/staff/account/authenticator-app"


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER, email="morgan.manager@council.example"))
    return client


def account(email: str) -> Staff:
    found = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    db.session.refresh(found)
    return found


def link_in(received: Received) -> str:
    """The link's path, from the plain text; the HTML part's link is the same."""
    (link,) = re.findall(r"https?://\S+/staff/set-password/\S+", received.text)
    assert f'href="{link}"' in html.unescape(received.html)
    return "/" + link.split("/", 3)[3]


def tries_password(app: Flask, email: str, password: str) -> str | None:
    """Where the sign-in page sends someone with this password (None: refused)."""
    client = browser(app)
    page = look(client, "/staff/sign-in")
    response = client.post(
        "/staff/sign-in",
        data={"csrf_token": page.csrf_token, "email": email, "password": password},
    )
    return response.location if response.status_code == 302 else None


def invite(manager: FlaskClient, **fields: str) -> FlaskClient:
    response = post_form(manager, "/staff/staff-accounts/new", fields)
    assert response.status_code == 302, read(response).text
    return manager


def status_of(manager: FlaskClient, email: str) -> str:
    listed = look(manager, "/staff/staff-accounts")
    (row,) = [r for r in listed.find_all("tr") if email in r.text]
    return row.text


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_manager_invites_a_caseworker_who_sets_a_password_from_the_email_and_then_an_app(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    invite(
        manager,
        name="Jordan Newstarter",
        email="Jordan.Newstarter@council.example",
        role="team_member",
        team=str(team_id("Fostering")),
    )
    page = look(manager, "/staff/staff-accounts")
    assert "An invitation is on its way to jordan.newstarter@council.example" in (
        page.notification_banner
    )
    assert "Invited: has not set a password yet" in status_of(manager, "jordan.newstarter")
    deliver()

    email = only_email_to(smtp, "jordan.newstarter@council.example")
    assert email.subject == "Your account for the children's complaints back office"
    assert "Dear Jordan Newstarter," in email.text
    assert "morgan.manager@council.example" not in email.text  # the manager's name only
    assert "team_member person has made you an account" not in email.text
    assert "set up an authenticator app on your phone" in email.text
    link = link_in(email)

    # The link opens the page to set a password, and leaves the token out of the address.
    newcomer = browser(app)
    response = newcomer.get(link)
    assert response.location == "/staff/set-password"
    form = look(newcomer, "/staff/set-password")
    assert form.headings == ["Set your password"]
    assert "For jordan.newstarter@council.example." in form.text
    easy = read(post_form(newcomer, "/staff/set-password", {"new": "password1234"}))
    assert errors_shown_twice(easy)["new"]
    response = post_form(newcomer, "/staff/set-password", {"new": NEW_PASSWORD})
    assert response.location == "/staff/sign-in"
    assert "Your password is set" in look(newcomer, "/staff/sign-in").notification_banner

    # They sign in with it, and must set up an authenticator app before anything else.
    assert tries_password(app, "jordan.newstarter@council.example", NEW_PASSWORD) == "/staff/"
    sign_in(newcomer, "jordan.newstarter@council.example", NEW_PASSWORD)
    assert newcomer.get("/staff/").location == SET_UP
    # The link worked once.
    again = browser(app)
    again.get(link)
    ended = again.get("/staff/set-password")
    assert ended.status_code == 404
    assert "This link no longer works" in read(ended).text
    person = account("jordan.newstarter@council.example")
    assert (person.role, person.team_id) == ("team_member", team_id("Fostering"))
    assert person.password_link_hash is None
    assert "Can sign in" in status_of(manager, "jordan.newstarter")
    actions = audit_actions()
    assert actions.index("staff_invited") < actions.index("password_set_from_link")


def test_no_one_signs_in_to_an_invited_account_before_the_link_is_used(
    app: Flask, manager: FlaskClient
) -> None:
    invite(manager, name="Robin Waiting", email="robin@council.example", role="auditor", team="")
    for guess in ("", PASSWORD, NEW_PASSWORD, "robin@council.example"):
        assert tries_password(app, "robin@council.example", guess) is None


def test_the_invitation_form_says_what_is_missing_beside_each_field(
    manager: FlaskClient,
) -> None:
    empty = read(post_form(manager, "/staff/staff-accounts/new", {}))
    assert errors_shown_twice(empty) == {
        "name": "Enter their full name",
        "email": "Enter their work email address",
        "role": "Select a role",
    }
    no_team = read(
        post_form(
            manager,
            "/staff/staff-accounts/new",
            {"name": "A", "email": "a@council.example", "role": "team_member", "team": ""},
        )
    )
    assert errors_shown_twice(no_team) == {"team": "Select the team a team member belongs to"}
    taken = read(
        post_form(
            manager,
            "/staff/staff-accounts/new",
            {"name": "M", "email": "MORGAN.manager@council.example", "role": "auditor"},
        )
    )
    assert errors_shown_twice(taken) == {
        "email": "There is already an account with that email address"
    }
    assert db.session.scalar(sa.select(sa.func.count(Staff.id))) == 1


def test_a_link_past_its_time_no_longer_works_and_the_list_says_so(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    invite(manager, name="Sam Late", email="sam.late@council.example", role="auditor", team="")
    deliver()
    link = link_in(only_email_to(smtp, "sam.late@council.example"))
    person = account("sam.late@council.example")
    person.password_link_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = browser(app)
    late.get(link)
    assert late.get("/staff/set-password").status_code == 404
    token = look(late, "/staff/sign-in").csrf_token
    refused = late.post("/staff/set-password", data={"csrf_token": token, "new": NEW_PASSWORD})
    assert refused.status_code == 404
    assert tries_password(app, "sam.late@council.example", NEW_PASSWORD) is None
    assert "Link to set a password expired" in status_of(manager, "sam.late@council.example")


def test_a_manager_resets_a_forgotten_password_the_old_one_and_every_session_stop_at_once(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    forgetful = make_staff(Role.TEAM_MEMBER, email="alex.forgetful@council.example")
    their_browser = browser(app)
    sign_in(their_browser, forgetful)
    page = f"/staff/staff-accounts/{account(forgetful).id}"
    token = look(manager, page).csrf_token

    manager.post(f"{page}/password-link", data={"csrf_token": token})
    assert "password no longer works" in look(manager, page).notification_banner
    assert their_browser.get("/staff/").status_code == 302  # signed out
    assert tries_password(app, forgetful, PASSWORD) is None
    # A second reset sends a new link and ends the first.
    manager.post(f"{page}/password-link", data={"csrf_token": token})
    deliver()
    first, second = smtp.inbox.to(forgetful)
    assert second.subject == "Set a new password for the children's complaints back office"
    assert "Your old password no longer works." in second.text
    stale = browser(app)
    stale.get(link_in(first))
    assert stale.get("/staff/set-password").status_code == 404

    fresh = browser(app)
    fresh.get(link_in(second))
    assert post_form(fresh, "/staff/set-password", {"new": NEW_PASSWORD}).status_code == 302
    # They already have an app: the password and a code from it sign them in.
    sign_in(fresh, forgetful, NEW_PASSWORD)
    assert fresh.get("/staff/").status_code == 200
    assert "password_reset_link_sent" in audit_actions()


def test_a_manager_resets_a_lost_authenticator_app(app: Flask, manager: FlaskClient) -> None:
    lost_phone = make_staff(Role.AUDITOR, email="pat.lostphone@council.example")
    their_browser = browser(app)
    sign_in(their_browser, lost_phone)
    page = f"/staff/staff-accounts/{account(lost_phone).id}"
    manager.post(
        f"{page}/authenticator-app-reset", data={"csrf_token": look(manager, page).csrf_token}
    )
    banner = look(manager, page).notification_banner
    assert "authenticator app and recovery codes no longer work" in banner
    assert "They will set up a new one when they next sign in." in banner
    assert their_browser.get("/staff/").status_code == 302
    assert account(lost_phone).totp_secret is None
    again = browser(app)
    sign_in(again, lost_phone)  # the password alone, then straight to setting up an app
    assert again.get("/staff/").location == SET_UP
    reset = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "authenticator_app_reset")
    ).one()
    assert reset.staff_id == account("morgan.manager@council.example").id


def test_a_manager_resets_their_own_password_and_app_on_their_account_page_not_here(
    manager: FlaskClient,
) -> None:
    page = f"/staff/staff-accounts/{account('morgan.manager@council.example').id}"
    shown = look(manager, page)
    assert "Reset their password" not in shown.text
    for action in ("password-link", "authenticator-app-reset"):
        response = manager.post(f"{page}/{action}", data={"csrf_token": shown.csrf_token})
        assert response.status_code == 403


def test_the_last_complaints_manager_who_can_sign_in_cannot_be_disabled_or_demoted(
    app: Flask, manager: FlaskClient
) -> None:
    only = account("morgan.manager@council.example")
    with pytest.raises(staff_service.StaffError, match="last complaints manager"):
        staff_service.set_active(only, False, by=None)  # `flask staff disable`
    with pytest.raises(staff_service.StaffError, match="last complaints manager"):
        staff_service.set_role(only, Role.AUDITOR, team_name=None, by=None)
    assert account("morgan.manager@council.example").is_active_account
    # With a second manager, one can disable the other.
    second = make_staff(Role.MANAGER, email="second.manager@council.example")
    response = post_form(
        manager,
        f"/staff/staff-accounts/{account(second).id}",
        {"role": "manager", "team": "", "can_sign_in": "no"},
    )
    assert response.status_code == 302
    assert not account(second).is_active_account


def test_with_the_councils_sign_in_only_people_outside_its_directory_are_invited(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    """The council's own staff get their account by signing in with the council's
    (docs/oidc.md): a password link sent to them would set a password that never works."""
    # The manager here is the break-glass account: the one manager with a password.
    staff_service.set_break_glass(account("morgan.manager@council.example"), True)
    sign_in(manager, "morgan.manager@council.example")
    app.config["OIDC_ISSUER"] = "https://login.example/tenant/v2.0"

    page = look(manager, "/staff/staff-accounts/new")
    offered = {i.attrs["value"] for i in page.find_all("input") if i.attrs.get("name") == "role"}
    assert offered == {Role.ADVOCATE.value, Role.PROVIDER_MANAGER.value}
    assert "sign in with their council account" in page.text

    refused = read(
        post_form(
            manager,
            "/staff/staff-accounts/new",
            {
                "name": "Jordan Newstarter",
                "email": "jordan@council.example",
                "role": "team_member",
                "team": str(team_id("Fostering")),
            },
        )
    )
    assert set(errors_shown_twice(refused)) == {"role"}
    with pytest.raises(staff_service.StaffError, match="council account"):
        staff_links.invite(
            email="jordan@council.example",
            name="Jordan Newstarter",
            role=Role.TEAM_MEMBER,
            team_id=team_id("Fostering"),
            by=account("morgan.manager@council.example"),
        )
    assert db.session.scalar(sa.select(sa.func.count(Staff.id))) == 1

    invite(
        manager,
        name="Ash Advocate",
        email="ash@speakup.example",
        role="provider_manager",
    )
    deliver()
    assert link_in(only_email_to(smtp, "ash@speakup.example"))


def test_with_the_councils_sign_in_an_account_made_before_it_gets_no_password_link(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    """An officer's account made while the portal used passwords becomes theirs at their
    first sign-in with the council's account: a link to set a password of ours would set
    one that never signs them in, so the page offers none and the service refuses one."""
    staff_service.set_break_glass(account("morgan.manager@council.example"), True)
    sign_in(manager, "morgan.manager@council.example")
    officer = make_staff(Role.TEAM_MEMBER, email="sam.officer@council.example")
    app.config["OIDC_ISSUER"] = "https://login.example/tenant/v2.0"
    page_path = f"/staff/staff-accounts/{account(officer).id}"

    page = look(manager, page_path)
    assert "Reset their password" not in page.text
    assert "They sign in with their council account" in page.text

    # A page loaded before the council's sign-in was switched on still has the button.
    manager.post(f"{page_path}/password-link", data={"csrf_token": page.csrf_token})
    assert "IT service desk" in look(manager, page_path).notification_banner
    deliver()
    assert smtp.inbox.to(officer) == []
    assert "password_reset_link_sent" not in audit_actions()
    with pytest.raises(staff_service.StaffError, match="council account"):
        staff_links.reset_password(account(officer), by=account("morgan.manager@council.example"))

    # An advocate keeps a password of ours: their reset is still offered.
    advocate = make_staff(Role.ADVOCATE, email="ash@speakup.example")
    assert (
        "Reset their password"
        in look(manager, f"/staff/staff-accounts/{account(advocate).id}").text
    )
