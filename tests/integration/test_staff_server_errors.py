"""What staff can type into an address or a form that once made a server error: numbers
too big for the database, dates at the ends of the calendar, a line break in where to go
after signing in, and a case that moved out of sight in the queue. Each now gets a page
that says what is wrong, or "Page not found"."""

from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    PASSWORD,
    authenticator_code,
    browser,
    csrf_token,
    give_code,
    look,
    make_staff,
    new_complaint,
    read,
    sign_in,
    sign_in_as_manager,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Case, ComparatorFigure, ReportContext, Submission
from portal.services import reports

TOO_BIG = ["2147483648", "9" * 30]
NOT_NUMBERS = ["²", "-1", "1e3", "٣"]


def post_from(
    client: FlaskClient, page: str, action: str, data: dict[str, Any], *, htmx: bool = False
) -> TestResponse:
    """Send a form that `page` shows and that posts to `action`, as a person would."""
    token = look(client, page).csrf_token
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(action, data={"csrf_token": token, **data}, headers=headers)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


@pytest.mark.parametrize("team", TOO_BIG + NOT_NUMBERS)
def test_the_queue_filtered_by_a_team_that_cannot_exist_shows_the_queue(
    manager: FlaskClient, team: str
) -> None:
    reference = new_complaint().reference

    page = look(manager, f"/staff/?team={team}")

    assert reference in page.text


@pytest.mark.parametrize("number", TOO_BIG)
def test_a_file_number_too_big_for_the_database_is_not_found(
    manager: FlaskClient, number: str
) -> None:
    reference = new_complaint().reference

    response = manager.get(f"/staff/cases/{reference}/files/{number}")

    assert response.status_code == 404
    assert "Page not found" in read(response).text


@pytest.mark.parametrize(
    "action", ["/staff/routing-rules/{}/delete", "/staff/reports/comparators/{}/delete"]
)
@pytest.mark.parametrize("number", TOO_BIG)
def test_deleting_a_rule_or_a_council_whose_number_is_too_big_is_not_found(
    manager: FlaskClient, action: str, number: str
) -> None:
    token = csrf_token(manager.get("/staff/routing-rules").get_data(as_text=True))

    response = manager.post(action.format(number), data={"csrf_token": token})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "asked"),
    [
        ("social_care_contacts", "9" * 30),
        ("referrals", "2147483648"),
        ("children_looked_after", "9" * 30),
    ],
)
def test_a_count_too_big_to_be_real_is_refused_beside_the_field(
    manager: FlaskClient, field: str, asked: str
) -> None:
    response = post_from(manager, "/staff/reports/annual", "/staff/reports/context", {field: asked})

    assert response.status_code == 200
    page = read(response)
    assert page.error_summary == [(f"#{field}", "Enter a number of 1,000,000,000 or fewer")]
    assert db.session.scalars(sa.select(ReportContext)).all() == []
    # The page after the error works too: the failed save left nothing half done.
    assert look(manager, "/staff/reports/annual").title.startswith("Annual report")


def test_a_councils_complaints_too_many_to_be_real_are_refused(manager: FlaskClient) -> None:
    response = post_from(
        manager,
        "/staff/reports/annual",
        "/staff/reports/comparators",
        {"council": "Southmoor", "year": "2025 to 26", "complaints": "9" * 30},
    )

    assert response.status_code == 200
    assert read(response).error_summary == [
        ("#complaints", "Enter a number of 1,000,000,000 or fewer")
    ]
    assert db.session.scalars(sa.select(ComparatorFigure)).all() == []


@pytest.mark.parametrize(
    "dates",
    [
        "from=0001-01-01&to=2026-03-31",
        "from=2025-04-01&to=9999-12-31",
        "from=0001-01-01&to=9999-12-31",
        "from=1899-12-31&to=2026-03-31",
    ],
)
@pytest.mark.parametrize("kind", ["", ".pdf", "/contacts.csv"])
def test_the_annual_report_for_dates_at_the_ends_of_the_calendar_says_they_cannot_be_used(
    manager: FlaskClient, dates: str, kind: str
) -> None:
    response = manager.get(f"/staff/reports/annual{kind}?{dates}")

    assert response.status_code == 200, response.status_code
    if not kind:
        assert "Enter dates from 1 January 1990 to 31 December 2099" in read(response).text


@pytest.mark.parametrize("target", ["/staff/%0d%0a", "/staff/%0aSet-Cookie:x=1", "/staff/\\x"])
def test_signing_in_with_a_line_break_in_where_to_go_next_goes_to_the_queue(
    app: Flask, target: str
) -> None:
    email = make_staff(Role.AUDITOR)
    client = browser(app)
    token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))

    response = client.post(
        f"/staff/sign-in?next={target}",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
    )

    # The password, then the code: where to go next survives both steps, made safe.
    assert (response.status_code, response.location) == (302, "/staff/sign-in/code")
    response = give_code(client, authenticator_code(email))
    assert (response.status_code, response.location) == (302, "/staff/")


def test_a_team_member_who_sends_a_case_to_another_team_from_the_queue_is_told_it_moved(
    app: Flask,
) -> None:
    reference = new_complaint(team="Looked After Children").reference
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    version = db.session.scalar(
        sa.select(Case.version)
        .join(Submission, Submission.id == Case.submission_id)
        .where(Submission.reference == reference)
    )

    response = post_from(
        client,
        "/staff/",
        f"/staff/cases/{reference}/assign?from=queue",
        {"team": str(team_id("Fostering")), "reason": "A foster placement", "version": version},
        htmx=True,
    )

    assert response.status_code == 200
    row = read(response).by_id(f"row-{reference}")
    assert row is not None and row.tag == "tr"
    assert row.text == f"{reference} is now with Fostering: it has left your queue."
    assert reference not in look(client, "/staff/").text


def test_after_an_error_in_the_database_the_error_page_itself_is_shown(
    manager: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses what a request wrote (here, a row with a required column
    empty): its transaction is left failed, and the error page reads from it too."""

    def refused_by_the_database(*args: Any, **kwargs: Any) -> None:
        db.session.add(ReportContext())
        db.session.flush()

    monkeypatch.setattr(reports, "save_context", refused_by_the_database)

    response = post_from(
        manager, "/staff/reports/annual", "/staff/reports/context", {"referrals": "7140"}
    )

    assert response.status_code == 500
    assert read(response).headings == ["Sorry, there is a problem with the service"]
    monkeypatch.undo()
    assert look(manager, "/staff/reports/annual").headings


@pytest.mark.parametrize(
    "url", ["/staff/cases/%00", "/staff/?reference=%00", "/staff/subject-access?reference=a%00"]
)
def test_a_nul_character_in_an_address_is_refused_before_it_reaches_the_database(
    manager: FlaskClient, url: str
) -> None:
    """PostgreSQL can neither store nor compare a string with a NUL in it."""
    response = manager.get(url)

    assert response.status_code == 400
    assert read(response).headings == ["Sorry, there is a problem with what was sent"]


def test_a_nul_character_in_a_form_is_refused_before_it_reaches_the_database(
    app: Flask,
) -> None:
    client = browser(app)
    token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))

    response = client.post(
        "/staff/sign-in", data={"csrf_token": token, "email": "a\x00@x", "password": "x"}
    )

    assert response.status_code == 400
