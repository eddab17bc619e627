"""Complaints managers sign in with a password and a code from an authenticator app, with
recovery codes for a day without the phone; other roles may choose to. A code works
once, wrong codes count toward the lockout, and nothing secret reaches a log."""

import logging
import re
from datetime import UTC, datetime

import pyotp
import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    CODE_PAGE,
    PASSWORD,
    authenticator_code,
    browser,
    errors_shown_twice,
    give_authenticator_app,
    give_code,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    sign_in,
)
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Staff, Team
from portal.services import staff as staff_service

SET_UP = "/staff/account/authenticator-app"
WRONG_CODE = {
    "code": "Enter the code your authenticator app shows now, or a recovery code you have not used"
}


@pytest.fixture
def person(app: Flask) -> FlaskClient:
    return browser(app)


def new_manager(email: str = "new.manager@council.example") -> str:
    """A complaints manager as `flask staff create` makes one: no authenticator app yet."""
    staff_service.create_staff(
        email=email, name="New Manager", password=PASSWORD, role=Role.MANAGER
    )
    return email


def account(email: str) -> Staff:
    found = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    db.session.refresh(found)
    return found


def try_password(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    return post_form(client, "/staff/sign-in", {"email": email, "password": password})


def signed_in(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def wrong_code_for(secret: str) -> str:
    """Six digits the app does not show now, nor a step either side."""
    totp = pyotp.TOTP(secret)
    near = {totp.at(datetime.now(UTC), counter_offset=n) for n in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def set_up_page_key(client: FlaskClient) -> str:
    """The key the set-up page shows as text, as a person would type it into the app."""
    page = look(client, SET_UP)
    key = page.by_id("key")
    assert key is not None, "the set-up page shows no key as text"
    return key.text.replace(" ", "")


def audit_actions(email: str) -> list[str]:
    staff_id = account(email).id
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.staff_id == staff_id)
            .order_by(AuditEvent.id)
        )
    )


def recovery_codes_on(response: TestResponse) -> list[str]:
    page = read(response)
    listed = page.by_id("recovery-codes")
    assert listed is not None, "no recovery codes on the page"
    start = page.elements.index(listed)
    return [e.text for e in page.elements[start + 1 :] if e.tag == "code"]


# --- a complaints manager without an authenticator app ------------------------------------


def test_a_manager_without_an_app_is_sent_to_set_one_up_from_every_page(
    app: Flask, person: FlaskClient
) -> None:
    case = new_complaint()
    email = new_manager()
    assert try_password(person, email).location == "/staff/"
    tried = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("backoffice.") or "GET" not in rule.methods:
            continue
        if rule.endpoint in ("backoffice.sign_in", "backoffice.sign_in_code"):
            continue  # the pages before signing in
        url = re.sub(r"<(?:int:)?\w+>", "1", rule.rule).replace(
            "/cases/1", f"/cases/{case.reference}"
        )
        response = person.get(url)
        if rule.endpoint == "backoffice.authenticator_app":
            assert response.status_code == 200
        else:
            assert (response.status_code, response.location) == (302, SET_UP), url
            tried += 1
    assert tried > 10
    # Changing things is refused the same way.
    token = look(person, SET_UP).csrf_token
    response = person.post("/staff/teams/new", data={"csrf_token": token, "name": "Sneaky"})
    assert response.location == SET_UP
    assert db.session.scalar(sa.select(Team).where(Team.name == "Sneaky")) is None


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.AUDITOR])
def test_by_default_every_role_that_sees_cases_must_set_up_an_app_before_anything_else(
    app: Flask, person: FlaskClient, role: Role
) -> None:
    case = new_complaint()
    email = f"new.{role.value}@council.example"
    staff_service.create_staff(
        email=email,
        name="New Person",
        password=PASSWORD,
        role=role,
        team_name="Looked After Children",
    )
    assert try_password(person, email).location == "/staff/"
    for url in ("/staff/", f"/staff/cases/{case.reference}", "/staff/account"):
        assert (person.get(url).status_code, person.get(url).location) == (302, SET_UP), url
    page = look(person, SET_UP)
    assert "Everyone in your role signs in with a code" in page.text
    # Once set up, the app cannot be turned off.
    secret = set_up_page_key(person)
    post_form(person, SET_UP, {"code": pyotp.TOTP(secret).now()})
    account_page = look(person, "/staff/account")
    assert "Your role must use an authenticator app, so it cannot be turned off." in (
        account_page.text
    )
    refused = person.post(
        "/staff/account/authenticator-app/turn-off", data={"csrf_token": account_page.csrf_token}
    )
    assert refused.status_code == 403
    assert account(email).totp_secret is not None


def test_a_council_cannot_make_it_optional_for_managers(app: Flask, person: FlaskClient) -> None:
    app.config["SECOND_FACTOR_OPTIONAL_FOR"] = ("manager", "team_member", "auditor")
    email = new_manager()
    assert try_password(person, email).location == "/staff/"
    assert person.get("/staff/").location == SET_UP


def test_the_set_up_page_shows_the_key_as_text_a_link_and_a_qr_code(person: FlaskClient) -> None:
    email = new_manager()
    try_password(person, email)
    page = look(person, SET_UP)
    assert page.title.startswith("Set up your authenticator app")
    assert page.headings == ["Set up your authenticator app"]
    assert "Everyone in your role signs in with a code from an authenticator app" in page.text
    key = page.by_id("key")
    assert key is not None and re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key.text)
    assert key.text.replace(" ", "") == account(email).totp_pending_secret
    assert account(email).totp_secret is None  # not in use until a code confirms it
    link = page.link_to("open this key in the app")
    assert link.startswith("otpauth://totp/Northmoor%20Borough%20Council%20complaints:")
    assert f"secret={key.text.replace(' ', '')}" in link
    assert "issuer=Northmoor%20Borough%20Council%20complaints" in link
    [qr_code] = page.find_all("img")
    assert qr_code.attrs["src"].startswith("data:image/svg+xml")
    assert "QR code" in qr_code.attrs["alt"]
    # Seen again (the phone fetched), it is the same key.
    assert set_up_page_key(person) == key.text.replace(" ", "")
    # Only signing out is offered besides.
    nav = page.find_all("nav")[0].text
    assert "Triage queue" not in nav and "Your account" not in nav and "Sign out" in nav


def test_setting_up_with_a_wrong_code_shows_the_error(person: FlaskClient) -> None:
    email = new_manager()
    try_password(person, email)
    secret = set_up_page_key(person)
    empty = read(post_form(person, SET_UP, {"code": ""}))
    assert errors_shown_twice(empty) == {"code": "Enter the 6-digit code your app shows"}
    wrong = read(post_form(person, SET_UP, {"code": wrong_code_for(secret)}))
    assert errors_shown_twice(wrong) == {"code": "Enter the code your authenticator app shows now"}
    assert wrong.headings == ["Set up your authenticator app"]
    assert account(email).totp_secret is None
    assert person.get("/staff/").location == SET_UP


def test_the_right_code_shows_ten_recovery_codes_once_and_opens_the_back_office(
    person: FlaskClient,
) -> None:
    case = new_complaint()
    email = new_manager()
    try_password(person, email)
    secret = set_up_page_key(person)
    response = post_form(person, SET_UP, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = read(response)
    assert page.headings == ["Save these recovery codes"]
    assert page.title.startswith("Save these recovery codes")
    codes = recovery_codes_on(response)
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes), codes
    stored = account(email)
    assert stored.totp_secret == secret and stored.totp_pending_secret is None
    assert len(stored.recovery_code_hashes) == 10
    assert not any(
        code.replace("-", "") in h for code in codes for h in stored.recovery_code_hashes
    )
    # Now the back office is open, and the codes are never shown again.
    assert case.reference in look(person, "/staff/").text
    account_page = look(person, "/staff/account")
    assert "You have 10 recovery codes left." in account_page.text
    assert not any(code in account_page.html for code in codes)
    assert not any(code in look(person, SET_UP).html for code in codes)


# --- signing in with a code -----------------------------------------------------------------


def test_with_an_app_set_up_signing_in_needs_a_code_after_the_password(
    app: Flask, person: FlaskClient
) -> None:
    email = make_staff(Role.MANAGER)
    assert try_password(person, email).location == CODE_PAGE
    assert not signed_in(person)  # the password alone signs nobody in
    page = look(person, CODE_PAGE)
    assert page.headings == ["Enter the 6-digit code from your authenticator app"]
    assert page.title.startswith("Enter the 6-digit code from your authenticator app")
    assert "enter one of your recovery codes instead" in page.text
    response = give_code(person, authenticator_code(email))
    assert (response.status_code, response.location) == (302, "/staff/")
    assert signed_in(person)
    assert look(person, CODE_PAGE.replace("/code", "")).status == 200


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(person: FlaskClient) -> None:
    response = person.get(CODE_PAGE)
    assert response.location == "/staff/sign-in"
    assert look(person, response.location).notification_banner == ""


def test_the_code_must_come_within_five_minutes_of_the_password(person: FlaskClient) -> None:
    email = make_staff(Role.MANAGER)
    try_password(person, email)
    token = look(person, CODE_PAGE).csrf_token
    with person.session_transaction() as session:
        pending = session["sign_in_pending"]
        session["sign_in_pending"] = pending | {"until": pending["until"] - 5 * 60 - 1}
    response = person.post(CODE_PAGE, data={"csrf_token": token, "code": authenticator_code(email)})
    assert response.location == "/staff/sign-in"
    page = look(person, response.location)
    assert "Sign in again: the code was not entered within 5 minutes." in page.notification_banner
    assert not signed_in(person)


def test_a_wrong_code_shows_the_error_and_counts_toward_the_lockout(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    email = make_staff(Role.MANAGER)
    wrong = wrong_code_for(account(email).totp_secret or "")
    # One wrong password, then wrong codes after the right one: all are counted.
    try_password(person, email, "a guess")
    try_password(person, email)
    page = read(give_code(person, wrong))
    assert errors_shown_twice(page) == WRONG_CODE
    assert page.headings == ["Enter the 6-digit code from your authenticator app"]
    assert account(email).failed_sign_ins == 2
    locked = errors_shown_twice(read(give_code(person, wrong)))["code"]
    assert re.fullmatch(
        r"This account is locked after too many wrong codes\. "
        r"Try again after \d{1,2}:\d\d(am|pm)\.",
        locked,
    ), locked
    assert not signed_in(person)
    # Locked: the right password and the right code are both refused.
    refused = read(try_password(person, email))
    assert errors_shown_twice(refused)["email"].startswith("This account is locked")
    assert person.get(CODE_PAGE).location == "/staff/sign-in"
    assert "account_locked" in audit_actions(email)


def test_a_right_password_does_not_wipe_the_count_of_wrong_codes(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    email = make_staff(Role.MANAGER)
    wrong = wrong_code_for(account(email).totp_secret or "")
    for _ in range(2):
        try_password(person, email)
        give_code(person, wrong)
    try_password(person, email)
    assert errors_shown_twice(read(give_code(person, wrong)))["code"].startswith(
        "This account is locked"
    )


def test_a_code_cannot_be_used_twice(app: Flask) -> None:
    email = make_staff(Role.MANAGER)
    first, second = browser(app), browser(app)
    code = authenticator_code(email)
    try_password(first, email)
    assert give_code(first, code).location == "/staff/"
    try_password(second, email)
    assert errors_shown_twice(read(give_code(second, code))) == WRONG_CODE
    assert not signed_in(second)


def test_a_recovery_code_works_once(app: Flask) -> None:
    email = make_staff(Role.MANAGER, email="m@council.example")
    codes = give_authenticator_app(email)  # a new app, and new codes
    first, second = browser(app), browser(app)
    try_password(first, email)
    # Typed as people type them: capitals, a space instead of the hyphen.
    response = give_code(first, codes[3].upper().replace("-", " "))
    assert response.location == "/staff/"
    assert "You used a recovery code. You have 9 left" in look(first, "/staff/").notification_banner
    try_password(second, email)
    assert errors_shown_twice(read(give_code(second, codes[3]))) == WRONG_CODE
    assert give_code(second, codes[4]).location == "/staff/"
    assert len(account(email).recovery_code_hashes) == 8
    assert audit_actions(email).count("recovery_code_used") == 2


def test_a_manager_moving_to_a_new_phone_keeps_the_old_app_until_the_new_one_works(
    app: Flask, person: FlaskClient
) -> None:
    email = make_staff(Role.MANAGER)
    sign_in(person, email)
    old_secret = account(email).totp_secret
    page = look(person, SET_UP)
    assert page.headings == ["Set up a new authenticator app"]
    new_secret = set_up_page_key(person)
    assert new_secret != old_secret and account(email).totp_secret == old_secret
    assert signed_in(person)  # still free to go anywhere meanwhile
    new_code = pyotp.TOTP(new_secret).now()
    # A browser left signed in is not enough: the password and a present code are asked.
    refused = read(post_form(person, SET_UP, {"code": new_code, "password": PASSWORD}))
    assert errors_shown_twice(refused) == {
        "current_code": "Enter a code from your present authenticator app"
    }
    assert account(email).totp_secret == old_secret
    codes = recovery_codes_on(
        post_form(
            person,
            SET_UP,
            {"code": new_code, "password": PASSWORD, "current_code": authenticator_code(email)},
        )
    )
    assert len(codes) == 10
    assert account(email).totp_secret == new_secret
    assert audit_actions(email)[-1] == "authenticator_app_replaced"
    other = browser(app)
    try_password(other, email)
    old_code = pyotp.TOTP(old_secret or "").at(datetime.now(UTC), counter_offset=1)
    # (Unless, one time in a million, both apps show the same code.)
    if old_code != pyotp.TOTP(new_secret).at(datetime.now(UTC), counter_offset=1):
        assert errors_shown_twice(read(give_code(other, old_code))) == WRONG_CODE


def test_new_recovery_codes_replace_the_old_ones(app: Flask, person: FlaskClient) -> None:
    email = make_staff(Role.MANAGER)
    old_codes = give_authenticator_app(email)
    sign_in(person, email)
    asked = look(person, "/staff/account/recovery-codes")
    assert asked.headings == ["Get new recovery codes"]
    response = post_form(
        person,
        "/staff/account/recovery-codes",
        {"password": PASSWORD, "current_code": authenticator_code(email)},
    )
    new_codes = recovery_codes_on(response)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "Your old recovery codes no longer work." in read(response).text
    other = browser(app)
    try_password(other, email)
    assert errors_shown_twice(read(give_code(other, old_codes[0]))) == WRONG_CODE
    assert give_code(other, new_codes[0]).location == "/staff/"


# --- other roles: their choice --------------------------------------------------------------


def test_where_it_is_optional_a_team_member_signs_in_without_a_code_and_may_turn_one_on(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SECOND_FACTOR_OPTIONAL_FOR"] = ("team_member",)
    email = make_staff(Role.TEAM_MEMBER)
    assert try_password(person, email).location == "/staff/"
    page = look(person, "/staff/account")
    assert page.headings == ["Your account"]
    assert "You sign in with your password only." in page.text
    assert page.link_to("Your account") == "/staff/account"  # in the staff nav
    assert page.link_to("Set up an authenticator app") == SET_UP
    setup = look(person, SET_UP)
    assert "Everyone in your role" not in setup.text
    secret = set_up_page_key(person)
    assert len(recovery_codes_on(post_form(person, SET_UP, {"code": pyotp.TOTP(secret).now()})))
    assert "You sign in with your password and a code" in look(person, "/staff/account").text
    # From now on, a code is needed.
    other = browser(app)
    assert try_password(other, email).location == CODE_PAGE
    assert not signed_in(other)
    assert give_code(other, authenticator_code(email)).location == "/staff/"


def test_where_it_is_optional_an_auditor_may_turn_it_off_again(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SECOND_FACTOR_OPTIONAL_FOR"] = ("auditor",)
    email = make_staff(Role.AUDITOR)
    give_authenticator_app(email)
    sign_in(person, email)
    page = look(person, "/staff/account")
    token = page.csrf_token
    response = person.post("/staff/account/authenticator-app/turn-off", data={"csrf_token": token})
    assert response.location == "/staff/account"
    after = look(person, "/staff/account")
    assert "Your authenticator app is turned off" in after.notification_banner
    assert "You sign in with your password only." in after.text
    stored = account(email)
    assert (stored.totp_secret, stored.totp_last_step, stored.recovery_code_hashes) == (
        None,
        None,
        [],
    )
    assert try_password(browser(app), email).location == "/staff/"
    assert "authenticator_app_removed" in audit_actions(email)


def test_a_manager_cannot_turn_it_off(person: FlaskClient) -> None:
    email = make_staff(Role.MANAGER)
    sign_in(person, email)
    page = look(person, "/staff/account")
    assert "Your role must use an authenticator app, so it cannot be turned off." in (page.text)
    assert "Turn off the authenticator app" not in page.text
    response = person.post(
        "/staff/account/authenticator-app/turn-off", data={"csrf_token": page.csrf_token}
    )
    assert response.status_code == 403
    assert account(email).totp_secret is not None


# --- the record, and what is never recorded ---------------------------------------------------


def test_every_change_is_in_the_audit_trail(app: Flask, person: FlaskClient) -> None:
    app.config["SECOND_FACTOR_OPTIONAL_FOR"] = ("team_member",)  # so it can be turned off
    email = make_staff(Role.TEAM_MEMBER)
    sign_in(person, email)
    secret = set_up_page_key(person)
    codes = recovery_codes_on(post_form(person, SET_UP, {"code": pyotp.TOTP(secret).now()}))
    other = browser(app)
    try_password(other, email)
    give_code(other, wrong_code_for(secret))
    give_code(other, codes[0])
    post_form(
        person,
        "/staff/account/recovery-codes",
        {"password": PASSWORD, "current_code": codes[1]},
    )
    person.post(
        "/staff/account/authenticator-app/turn-off",
        data={"csrf_token": look(person, "/staff/account").csrf_token},
    )
    assert audit_actions(email) == [
        "signed_in",
        "authenticator_app_key_made",
        "authenticator_app_added",
        "sign_in_code_refused",
        "recovery_code_used",
        "signed_in",
        "recovery_codes_replaced",
        "authenticator_app_removed",
    ]
    details = db.session.scalars(
        sa.select(AuditEvent.detail)
        .where(AuditEvent.staff_id == account(email).id)
        .order_by(AuditEvent.id)
    ).all()
    assert [d.get("second_factor") for d in details if "second_factor" in d] == [
        "none",
        "recovery code",
    ]
    recorded = str(details)
    assert secret not in recorded
    assert not any(code in recorded or code.replace("-", "") in recorded for code in codes)


def test_nothing_secret_reaches_the_logs(
    app: Flask, person: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    email = new_manager()
    try_password(person, email)
    secret = set_up_page_key(person)
    first_code = pyotp.TOTP(secret).now()
    codes = recovery_codes_on(post_form(person, SET_UP, {"code": first_code}))
    other = browser(app)
    try_password(other, email)
    typed = [wrong_code_for(secret), codes[0]]
    for code in typed:
        give_code(other, code)
    person.post(
        "/staff/account/recovery-codes",
        data={"csrf_token": look(person, "/staff/account").csrf_token},
    )
    locker = browser(app)
    for _ in range(3):
        try_password(locker, email, "a wrong password")
    assert caplog.records, "nothing was logged: the test would prove nothing"
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for secret_thing in [secret, first_code, PASSWORD, "a wrong password", *typed, *codes]:
        assert secret_thing not in logged, secret_thing
    assert email not in logged
    assert f"staff account {account(email).id} " in logged  # ids are logged, and that is all


def test_an_administrator_can_reset_a_lost_app_from_the_command_line(
    app: Flask, person: FlaskClient
) -> None:
    email = make_staff(Role.MANAGER)
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["staff", "reset-second-factor", "nobody@northmoor.example"])
    assert missing.exit_code != 0 and "no account" in missing.output
    done = runner.invoke(args=["staff", "reset-second-factor", email])
    assert done.exit_code == 0, done.output
    # The next sign-in asks for a new app, not a code from the lost one.
    assert try_password(person, email).location == "/staff/"
    assert person.get("/staff/").location == SET_UP
    assert "authenticator_app_reset" in set(db.session.scalars(sa.select(AuditEvent.action)))


@pytest.mark.parametrize(
    ("role", "team", "home"),
    [
        (Role.TEAM_MEMBER, "Looked After Children", "/staff/"),
        (Role.AUDITOR, None, "/staff/"),
        (Role.ADVOCATE, "Advocacy provider (Coram Voice)", "/staff/advocate/cases"),
        (Role.PROVIDER_MANAGER, "Advocacy provider (Coram Voice)", "/staff/referrals"),
    ],
)
def test_after_setting_up_the_app_each_role_goes_on_to_where_it_starts(
    person: FlaskClient, role: Role, team: str | None, home: str
) -> None:
    """ "I have saved my recovery codes" leads to the person's own start: the provider's
    manager to its referrals, not to a page it may not open."""
    email = f"first.time.{role.value}@council.example"
    staff_service.create_staff(
        email=email, name="First Time", password=PASSWORD, role=role, team_name=team
    )
    try_password(person, email)
    secret = set_up_page_key(person)
    page = read(post_form(person, SET_UP, {"code": pyotp.TOTP(secret).now()}))
    onwards = next(
        a.attrs["href"] for a in page.find_all("a") if a.text == "I have saved my recovery codes"
    )
    assert onwards == home
    assert person.get(onwards).status_code == 200
