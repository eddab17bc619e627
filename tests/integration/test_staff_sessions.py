"""A staff session ends when it should, everywhere: signing out, a new password, a new
role and a disabled account each stop every copy of the session cookie; the portal will
not start in production with a known key; passwords are judged by how easy they are to
guess; the lock message says nothing about which addresses have an account."""

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    PASSWORD,
    authenticator_code,
    browser,
    errors_shown_twice,
    look,
    make_staff,
    post_form,
    read,
    sign_in,
)
from flask import Flask
from flask.testing import FlaskClient

from portal import InsecureConfiguration, create_app
from portal.config import DEVELOPMENT_SECRET_KEY
from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Staff
from portal.services import staff as staff_service


def copy_of(app: Flask, signed_in: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the session cookie (stolen, or on another PC)."""
    other = browser(app)
    cookie = signed_in.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


def can_see_the_queue(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def account(email: str) -> Staff:
    found = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    db.session.refresh(found)
    return found


# --- the key -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [DEVELOPMENT_SECRET_KEY, "", "short-key"])
def test_the_portal_refuses_to_start_in_production_with_a_known_or_short_key(
    database_url: str, key: str
) -> None:
    with pytest.raises(InsecureConfiguration, match="Set SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": key})


def test_the_portal_starts_with_a_real_key_and_in_development_with_the_built_in_one(
    database_url: str,
) -> None:
    create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "k" * 32})
    create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
            "PORTAL_ENV": "development",
        }
    )


# --- sessions ending -----------------------------------------------------------------------


def test_a_cookie_copied_before_sign_out_does_not_work_after_it(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    copied = copy_of(app, person)
    assert can_see_the_queue(copied)
    page = look(person, "/staff/")
    response = person.post("/staff/sign-out", data={"csrf_token": page.csrf_token})
    assert response.status_code == 302
    assert not can_see_the_queue(copied)
    assert copied.get("/staff/").location.startswith("/staff/sign-in")
    assert not can_see_the_queue(person)


def test_signing_in_again_after_sign_out_works(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    person.post("/staff/sign-out", data={"csrf_token": look(person, "/staff/").csrf_token})
    sign_in(person, email)
    assert can_see_the_queue(person)


def test_a_new_password_signs_out_every_other_browser_but_not_this_one(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person, elsewhere = browser(app), browser(app)
    sign_in(person, email)
    sign_in(elsewhere, email)
    copied = copy_of(app, person)
    response = post_form(
        person,
        "/staff/account/password",
        {"current": PASSWORD, "new": "lantern orchard velvet tuesday"},
    )
    assert response.location == "/staff/account"
    assert "signed out" in look(person, "/staff/account").notification_banner
    assert can_see_the_queue(person)
    assert not can_see_the_queue(elsewhere)
    assert not can_see_the_queue(copied)
    fresh = browser(app)
    sign_in(fresh, email, "lantern orchard velvet tuesday")
    assert can_see_the_queue(fresh)
    assert "password_changed" in audit_actions(email)


def test_a_new_role_and_a_disabled_account_sign_the_person_out_everywhere(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    staff_service.set_role(account(email), Role.AUDITOR, team_name=None, by=None)
    assert not can_see_the_queue(person)
    sign_in(person, email)
    assert can_see_the_queue(person)
    staff_service.set_active(account(email), False, by=None)
    assert not can_see_the_queue(person)
    page = read(post_form(browser(app), "/staff/sign-in", {"email": email, "password": PASSWORD}))
    assert errors_shown_twice(page) == {"email": "Enter a correct email address and password"}


def test_disabling_an_account_from_the_command_line(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    result = app.test_cli_runner().invoke(args=["staff", "disable", email])
    assert result.exit_code == 0, result.output
    assert not can_see_the_queue(person)
    assert "account_disabled" in [e.action for e in db.session.scalars(sa.select(AuditEvent)).all()]


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
        ("Password1234", "similar to a commonly used password"),
        ("short", "at least 12 characters"),
    ],
)
def test_an_easy_password_is_refused_with_the_reason(
    app: Flask, password: str, reason: str
) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    page = read(
        post_form(person, "/staff/account/password", {"current": PASSWORD, "new": password})
    )
    shown = errors_shown_twice(page)
    assert reason in shown["new"]
    assert can_see_the_queue(person)
    with pytest.raises(staff_service.StaffError, match=reason.split('"')[0]):
        staff_service.create_staff(
            email="new@council.example", name="New Person", password=password, role=Role.AUDITOR
        )


def test_a_password_made_of_the_persons_own_name_is_refused(app: Flask) -> None:
    with pytest.raises(staff_service.StaffError, match="too easy to guess"):
        staff_service.create_staff(
            email="morgan.jones@council.example",
            name="Morgan Jones",
            password="MorganJones2026",
            role=Role.AUDITOR,
        )


def test_a_wrong_current_password_is_refused_beside_its_field(app: Flask) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    person = browser(app)
    sign_in(person, email)
    page = read(
        post_form(
            person,
            "/staff/account/password",
            {"current": "not-my-password", "new": "lantern orchard velvet tuesday"},
        )
    )
    assert errors_shown_twice(page) == {"current": "Enter your current password correctly"}


# --- the lock message ----------------------------------------------------------------------


def lock_message_after_wrong_passwords(client: FlaskClient, email: str, tries: int) -> str:
    shown = ""
    for _ in range(tries):
        page = read(
            post_form(client, "/staff/sign-in", {"email": email, "password": "wrong-password"})
        )
        shown = errors_shown_twice(page)["email"]
    return shown


def test_the_lock_message_is_the_same_for_an_address_with_no_account(app: Flask) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    real = make_staff(Role.TEAM_MEMBER)
    for_real = lock_message_after_wrong_passwords(browser(app), real, 3)
    for_nobody = lock_message_after_wrong_passwords(browser(app), "nobody@council.example", 3)
    assert for_real.startswith("This account is locked")
    assert for_nobody.split(" Try again")[0] == for_real.split(" Try again")[0]
    # And the right password for the unknown address is "locked" too, as it would be.
    again = read(
        post_form(
            browser(app), "/staff/sign-in", {"email": "nobody@council.example", "password": "x"}
        )
    )
    assert errors_shown_twice(again)["email"].startswith("This account is locked")


def audit_actions(email: str) -> list[str]:
    staff_id = account(email).id
    return list(
        db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.staff_id == staff_id))
    )


def test_replacing_the_app_with_a_wrong_password_counts_toward_the_lock(app: Flask) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 2
    email = make_staff(Role.MANAGER)
    person = browser(app)
    sign_in(person, email)
    for _ in range(2):
        response = post_form(
            person,
            "/staff/account/recovery-codes",
            {"password": "wrong-password", "current_code": authenticator_code(email)},
        )
    assert account(email).locked_until is not None
    assert response.location.startswith("/staff/sign-in")
    assert not can_see_the_queue(person)


# --- the complaints manager's staff accounts ----------------------------------------------


def test_a_manager_disables_a_leaver_who_is_signed_out_at_once(app: Flask) -> None:
    leaver = make_staff(Role.TEAM_MEMBER)
    their_browser = browser(app)
    sign_in(their_browser, leaver)
    manager = browser(app)
    sign_in(manager, make_staff(Role.MANAGER))
    listed = look(manager, "/staff/staff-accounts")
    assert leaver in listed.text
    page = f"/staff/staff-accounts/{account(leaver).id}"
    response = post_form(
        manager,
        page,
        {"role": "team_member", "team": str(account(leaver).team_id), "can_sign_in": "no"},
    )
    assert response.location == "/staff/staff-accounts"
    assert "Disabled" in look(manager, "/staff/staff-accounts").text
    assert not can_see_the_queue(their_browser)
    assert "account_changed" in [e.action for e in db.session.scalars(sa.select(AuditEvent)).all()]


def test_a_team_member_must_have_a_team_and_a_manager_cannot_lock_themselves_out(
    app: Flask,
) -> None:
    member = make_staff(Role.TEAM_MEMBER)
    manager_email = make_staff(Role.MANAGER)
    manager = browser(app)
    sign_in(manager, manager_email)
    no_team = read(
        post_form(
            manager,
            f"/staff/staff-accounts/{account(member).id}",
            {"role": "team_member", "team": "", "can_sign_in": "yes"},
        )
    )
    assert errors_shown_twice(no_team) == {"team": "Select the team a team member belongs to"}
    themselves = read(
        post_form(
            manager,
            f"/staff/staff-accounts/{account(manager_email).id}",
            {"role": "auditor", "team": "", "can_sign_in": "yes"},
        )
    )
    assert "ask another complaints manager" in errors_shown_twice(themselves)["role"]
    assert account(manager_email).role == "manager"


def test_only_a_manager_sees_staff_accounts(app: Flask) -> None:
    member = browser(app)
    sign_in(member, make_staff(Role.TEAM_MEMBER))
    assert member.get("/staff/staff-accounts").status_code == 403
