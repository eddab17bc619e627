"""The complaints manager edits the teams (name, what the public sees, inbox, active) and
the list of categories; the public form and the case pages follow the edits."""

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    errors_shown_twice,
    make_staff,
    post_form,
    read,
    save,
    sign_in,
    sign_in_as_manager,
    table_after,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Category, Team
from portal.services import teams


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    teams.load_default_categories()
    client = browser(app)
    sign_in_as_manager(client)
    return client


def team_named(name: str) -> Team:
    found = db.session.scalar(sa.select(Team).where(Team.name == name))
    assert found is not None
    return found


def test_a_new_team_is_offered_to_the_public_in_its_own_words(
    manager: FlaskClient, client: FlaskClient
) -> None:
    page = save(
        manager,
        "/staff/teams/new",
        {
            "name": "Short Breaks",
            "public_name": "Short breaks for disabled children",
            "public_description": "Time away for children and a rest for their families",
            "inbox_email": "short.breaks@northmoor.example",
            "is_active": "y",
            "shown_to_public": "y",
        },
    )
    assert [
        "Short Breaks",
        "Short breaks for disabled children",
        "short.breaks@northmoor.example",
        "Active",
    ] in (table_after(page, "Teams"))
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "team_saved"))
    public = client.get("/give-a-compliment/who-are-you")
    assert public.status_code == 200
    token = read(public).csrf_token
    client.post("/give-a-compliment/who-are-you", data={"csrf_token": token, "role": "parent"})
    assert "Short breaks for disabled children" in client.get(
        "/give-a-compliment/what-it-is-about"
    ).get_data(as_text=True)


def test_an_inactive_team_is_no_longer_offered_to_the_public(
    manager: FlaskClient, client: FlaskClient
) -> None:
    fostering = team_named("Fostering")
    save(
        manager,
        f"/staff/teams/{fostering.id}",
        {
            "name": "Fostering",
            "public_name": "Fostering",
            "public_description": "",
            "inbox_email": "fostering@northmoor.example",
            "shown_to_public": "y",
        },
    )
    db.session.refresh(fostering)
    assert fostering.is_active is False
    token = read(client.get("/make-a-complaint/who-are-you")).csrf_token
    client.post("/make-a-complaint/who-are-you", data={"csrf_token": token, "role": "parent"})
    offered = client.get("/make-a-complaint/what-it-is-about").get_data(as_text=True)
    assert "Children in care" in offered
    assert ">\n    Fostering\n" not in offered and f'value="{fostering.id}"' not in offered


def test_a_team_needs_a_name_an_inbox_and_a_unique_name(manager: FlaskClient) -> None:
    page = read(
        post_form(
            manager, "/staff/teams/new", {"name": "", "public_name": "", "inbox_email": "nope"}
        )
    )
    assert errors_shown_twice(page) == {
        "name": "Enter the team's name",
        "public_name": "Enter what the public sees",
        "inbox_email": "Enter an email address in the correct format, like name@example.com",
    }
    page = read(
        post_form(
            manager,
            "/staff/teams/new",
            {"name": "Fostering", "public_name": "Again", "inbox_email": "again@northmoor.example"},
        )
    )
    assert errors_shown_twice(page) == {"name": "There is already a team with that name"}


def test_the_manager_adds_a_category_and_retires_one(manager: FlaskClient) -> None:
    save(manager, "/staff/categories/new", {"name": "Communication", "is_active": "y"})
    other = db.session.scalar(sa.select(Category).where(Category.slug == "other"))
    assert other is not None
    page = save(manager, f"/staff/categories/{other.id}", {"name": "Other"})
    rows = table_after(page, "Categories of complaint")
    assert ["Communication", "In use"] in rows
    assert ["Other", "Not in use"] in rows
    page = read(
        post_form(manager, "/staff/categories/new", {"name": "Communication", "is_active": "y"})
    )
    assert errors_shown_twice(page) == {"name": "There is already a category with that name"}


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.AUDITOR])
def test_only_the_complaints_manager_edits_teams_and_categories(app: Flask, role: Role) -> None:
    client = browser(app)
    sign_in(client, make_staff(role))
    for url in ("/staff/teams", "/staff/teams/new", "/staff/categories/new"):
        assert client.get(url).status_code == 403
