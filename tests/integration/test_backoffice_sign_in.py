"""Staff sign in with hashed passwords (and, with an authenticator app, a code from it:
test_two_factor.py), are locked out for a while after repeated wrong passwords (and told
so plainly), are signed out after a spell of inactivity, and sign out themselves.
Accounts are made with `flask staff create`; `flask demo load` makes one of each role."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    CODE_PAGE,
    PASSWORD,
    authenticator_code,
    browser,
    errors_shown_twice,
    give_code,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    sign_in,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.extensions import db
from portal.models import Staff

WRONG = {"email": "Enter a correct email address and password"}


def try_password(client: FlaskClient, email: str, password: str) -> TestResponse:
    return post_form(client, "/staff/sign-in", {"email": email, "password": password})


def signed_in(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def with_code(client: FlaskClient, email: str, after_password: TestResponse) -> TestResponse:
    """A manager's right password leads to the code page; the code finishes signing in."""
    assert (after_password.status_code, after_password.location) == (302, CODE_PAGE)
    return give_code(client, authenticator_code(email))


@pytest.fixture
def person(app: Flask) -> FlaskClient:
    return browser(app)


def test_a_member_of_staff_signs_in_and_lands_on_the_queue(person: FlaskClient) -> None:
    email = make_staff(Role.MANAGER)
    response = with_code(person, email, try_password(person, email.upper(), PASSWORD))
    assert (response.status_code, response.location) == (302, "/staff/")
    page = look(person, "/staff/")
    assert "manager person (Complaints manager)" in page.find_all("nav")[0].text


def test_a_wrong_password_or_an_unknown_address_gets_the_same_message(
    person: FlaskClient,
) -> None:
    email = make_staff(Role.MANAGER)
    assert errors_shown_twice(read(try_password(person, email, "not the password"))) == WRONG
    unknown = try_password(person, "nobody@council.example", PASSWORD)
    assert errors_shown_twice(read(unknown)) == WRONG
    assert read(unknown).value_of("email") == "nobody@council.example"
    assert not signed_in(person)


def test_passwords_are_stored_only_as_hashes(app: Flask) -> None:
    email = make_staff(Role.AUDITOR)
    stored = db.session.scalar(sa.select(Staff.password_hash).where(Staff.email == email))
    assert stored is not None and PASSWORD not in stored
    assert check_password_hash(stored, PASSWORD)


def test_repeated_wrong_passwords_lock_the_account_and_say_until_when(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    email = make_staff(Role.MANAGER)
    for _ in range(2):
        assert errors_shown_twice(read(try_password(person, email, "guess"))) == WRONG
    locked = errors_shown_twice(read(try_password(person, email, "guess")))
    until = (datetime.now(UTC) + timedelta(minutes=15)).astimezone(LONDON)
    message = locked["email"]
    assert re.fullmatch(
        r"This account is locked after too many wrong passwords or codes\. "
        r"Try again after \d{1,2}:\d\d(am|pm)\.",
        message,
    ), message
    assert f"{until:%-I:%M}" in message or f"{until - timedelta(minutes=1):%-I:%M}" in message
    # Even the right password is refused while the account is locked.
    right = try_password(person, email, PASSWORD)
    assert errors_shown_twice(read(right))["email"] == message
    assert not signed_in(person)


def test_once_the_lock_has_passed_the_right_password_works_again(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 2
    email = make_staff(Role.MANAGER)
    try_password(person, email, "guess")
    try_password(person, email, "guess")
    staff = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    assert staff.locked_until is not None
    # Fifteen minutes later.
    staff.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    with_code(person, email, try_password(person, email, PASSWORD))
    assert signed_in(person)


def test_a_successful_sign_in_starts_the_count_of_wrong_passwords_again(
    app: Flask, person: FlaskClient
) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 3
    email = make_staff(Role.MANAGER)
    try_password(person, email, "guess")
    try_password(person, email, "guess")
    assert with_code(person, email, try_password(person, email, PASSWORD)).status_code == 302
    other = browser(app)
    try_password(other, email, "guess")
    try_password(other, email, "guess")
    assert errors_shown_twice(read(try_password(other, email, "guess")))["email"].startswith(
        "This account is locked"
    )


def test_signing_out_ends_the_session_and_says_so(person: FlaskClient) -> None:
    sign_in(person, make_staff(Role.MANAGER))
    token = look(person, "/staff/").csrf_token
    response = person.post("/staff/sign-out", data={"csrf_token": token})
    assert response.location == "/staff/sign-in"
    page = look(person, "/staff/sign-in")
    assert "You have signed out." in page.notification_banner
    assert not signed_in(person)


def test_after_a_spell_of_inactivity_staff_are_signed_out_and_told_why(
    person: FlaskClient,
) -> None:
    ref = new_complaint().reference
    sign_in(person, make_staff(Role.MANAGER))
    assert signed_in(person)
    with person.session_transaction() as session:
        session["staff_seen"] = session["staff_seen"] - 31 * 60
    response = person.get(f"/staff/cases/{ref}")
    assert response.status_code == 302
    assert response.location == f"/staff/sign-in?next=/staff/cases/{ref}"
    page = look(person, response.location)
    assert page.notification_banner == (
        "Important You were signed out because you had not done anything for a while."
    )
    assert not signed_in(person)
    # Signing in again goes back to the page they asked for.
    email = "manager-all@council.example"
    response = post_form(
        person, f"/staff/sign-in?next=/staff/cases/{ref}", {"email": email, "password": PASSWORD}
    )
    assert with_code(person, email, response).location == f"/staff/cases/{ref}"


def test_activity_within_the_idle_limit_keeps_staff_signed_in(person: FlaskClient) -> None:
    sign_in(person, make_staff(Role.MANAGER))
    assert signed_in(person)
    with person.session_transaction() as session:
        session["staff_seen"] = session["staff_seen"] - 29 * 60
    assert signed_in(person)


def test_with_no_idle_time_allowed_the_next_page_signs_out(app: Flask, person: FlaskClient) -> None:
    app.config["STAFF_IDLE_MINUTES"] = 0
    sign_in(person, make_staff(Role.MANAGER))
    person.get("/staff/")  # the first page seen after signing in
    response = person.get("/staff/")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff/", "/track/x"])
def test_signing_in_never_sends_staff_off_the_back_office(person: FlaskClient, target: str) -> None:
    email = make_staff(Role.MANAGER)
    response = post_form(
        person, f"/staff/sign-in?next={target}", {"email": email, "password": PASSWORD}
    )
    assert with_code(person, email, response).location == "/staff/"


# --- accounts from the command line ---------------------------------------------------------


def test_flask_staff_create_makes_an_account_that_can_sign_in(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Jo.Manager@Council.example",
            "--name",
            "Jo Manager",
            "--role",
            "manager",
            "--password",
            "correct horse battery",
        ]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Created account \d+ \(manager\)\.\n", result.output)
    client = browser(app)
    response = sign_in(client, "jo.manager@council.example", "correct horse battery")
    # A new complaints manager sets up an authenticator app before anything else.
    assert response.location == "/staff/"
    assert client.get("/staff/").location == "/staff/account/authenticator-app"


def test_flask_staff_create_asks_for_the_password_twice_when_not_given(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--email",
            "t@council.example",
            "--name",
            "T",
            "--role",
            "team_member",
            "--team",
            "Fostering",
        ],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    staff = db.session.scalars(sa.select(Staff).where(Staff.email == "t@council.example")).one()
    assert (staff.role, staff.team_id) == ("team_member", team_id("Fostering"))


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--role", "manager", "--password", "short"], "A password must be at least 12 characters"),
        (
            ["--role", "team_member", "--password", "long enough password"],
            "A team member must belong to a team",
        ),
        (
            ["--role", "team_member", "--team", "Nowhere", "--password", "long enough password"],
            "There is no team called 'Nowhere'",
        ),
    ],
)
def test_flask_staff_create_refuses_an_account_it_cannot_make_saying_why(
    app: Flask, options: list[str], said: str
) -> None:
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", "x@council.example", "--name", "X", *options]
    )
    assert result.exit_code == 1
    assert f"Error: {said}" in result.output
    assert db.session.scalar(sa.select(Staff).where(Staff.email == "x@council.example")) is None


def test_flask_staff_create_refuses_a_second_account_with_the_same_address(app: Flask) -> None:
    make_staff(Role.AUDITOR, email="a@council.example")
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--email",
            "A@council.example",
            "--name",
            "A",
            "--role",
            "auditor",
            "--password",
            "long enough password",
        ],
    )
    assert result.exit_code == 1
    assert "There is already an account with that email address" in result.output


def test_flask_demo_load_prints_one_account_per_role_and_can_run_twice(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    accounts = re.findall(r"^\s+(\S+@\S+)\s+\((\w+)\)\s+password: (.+)$", first.output, re.M)
    assert sorted(role for _, role, _ in accounts) == [
        "advocate",
        "auditor",
        "manager",
        "provider_manager",
        "team_member",
    ]
    assert "Routing rules: 4 added." in first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "Routing rules: 0 added." in again.output
    # Two years of demo cases, once: the queue and the annual report have something.
    assert re.search(r"Demo cases: [1-9]\d+ added\.", first.output), first.output
    assert "Demo cases: 0 added." in again.output
    assert db.session.scalar(sa.select(sa.func.count(Staff.id))) == 5
    for email, role, password in accounts:
        client = browser(app)
        sign_in(client, email, password)
        # Everyone who sees cases is walked through setting up an authenticator app on
        # their first sign-in.
        page = look(client, client.get("/staff/").location)
        assert page.title.startswith("Set up your authenticator app"), role
