"""The complaints manager edits the teams (name, what the public sees, inbox, active) and
the list of categories; the public form and the case pages follow the edits."""

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    errors_shown_twice,
    hidden_fields,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    save,
    sign_in,
    sign_in_as_manager,
    summary,
    table_after,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, only_submission

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Category, RoutingRule, Team
from portal.services import routing_rules, teams


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


def _team_form(team: Team, **changes: str) -> dict[str, str]:
    """The team's form as saved, with `changes`; an active team unless is_active="" ."""
    fields = {
        "name": team.name,
        "public_name": team.public_name,
        "public_description": team.public_description,
        "inbox_email": team.inbox_email,
        "shown_to_public": "y",
        "is_active": "y",
        "response_working_days": "1",
    } | changes
    return {key: value for key, value in fields.items() if value}


def test_a_team_a_routing_rule_sends_to_cannot_be_made_inactive_until_the_rule_changes(
    manager: FlaskClient,
) -> None:
    routing_rules.load_demo_rules()
    leaving_care = team_named("Leaving Care")
    url = f"/staff/teams/{leaving_care.id}"
    page = read(post_form(manager, url, _team_form(leaving_care, is_active="")))
    assert errors_shown_twice(page) == {
        "is_active": "The routing rule \u201cYoung people aged 16 to 25 go to leaving care\u201d "
        "sends new submissions to this team: send it to another team or turn it off first"
    }
    db.session.refresh(leaving_care)
    assert leaving_care.is_active
    # A 17-year-old's complaint still goes where the rules page says.
    shown = summary(case_page(manager, new_complaint(child_age=17).reference))
    assert shown["Team"] == "Leaving Care"
    # With the rule turned off, the team can be made inactive.
    rule = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.team_id == leaving_care.id))
    save(
        manager,
        f"/staff/routing-rules/{rule.one().id}",
        {"name": "Care leavers", "team": str(leaving_care.id), "age_min": "16"},  # now off
    )
    page = save(manager, url, _team_form(leaving_care, is_active=""))
    assert page.notification_banner == "Success Team saved."
    assert ["Leaving Care", "Leaving care", "leaving.care@northmoor.example", "Inactive"] in [
        row[:4] for row in table_after(page, "Teams")
    ]


def test_the_default_team_cannot_be_renamed_or_made_inactive_from_its_page(
    app: Flask, manager: FlaskClient
) -> None:
    default = team_named(app.config["DEFAULT_TEAM_NAME"])
    url = f"/staff/teams/{default.id}"
    why = (
        "New submissions that no rule matches go to this team by its name in the "
        "portal\u2019s settings (DEFAULT_TEAM_NAME): ask for the setting to be changed first"
    )
    page = read(post_form(manager, url, _team_form(default, name="Front Door (MASH)")))
    assert errors_shown_twice(page) == {"name": why}
    page = read(post_form(manager, url, _team_form(default, is_active="")))
    assert errors_shown_twice(page) == {"is_active": why}
    # Still the default team: a complaint about a service the person was not sure of
    # goes to it.
    page = look(manager, "/staff/routing-rules?kind=complaint&role=parent&chosen_team=&age=9")
    assert "It would go to First Response / Referral and Assessment." in page.text
    # Its other details are the manager's to change.
    page = save(manager, url, _team_form(default, inbox_email="front.door@northmoor.example"))
    assert page.notification_banner == "Success Team saved."


def test_a_second_manager_saving_a_team_they_opened_before_the_first_saved_is_refused(
    app: Flask, manager: FlaskClient
) -> None:
    other = browser(app)
    sign_in(other, make_staff(Role.MANAGER, email="second.manager@council.example"))
    fostering = team_named("Fostering")
    url = f"/staff/teams/{fostering.id}"
    theirs = look(other, url)
    # The first manager moves the team's inbox.
    save(manager, url, _team_form(fostering, inbox_email="fostering.team@northmoor.example"))
    # The second saves the team as they saw it, with a description added.
    typed = _team_form(fostering, public_description="Help for foster carers")
    refused = read(other.post(url, data={**hidden_fields(theirs), **typed}))
    assert errors_shown_twice(refused) == {
        "name": "Someone else changed this team while you were working on it. Nothing has "
        "been saved: check the team as it is now and save again."
    }
    assert refused.value_of("public_description") == "Help for foster carers"  # it stays
    # The first manager's change stands: the team's emails go to the new inbox.
    rows = table_after(look(manager, "/staff/teams"), "Teams")
    assert ["Fostering", "Fostering", "fostering.team@northmoor.example", "Active"] in [
        row[:4] for row in rows
    ]
    # Having seen the team as it is now, pressing Save again saves.
    typed["inbox_email"] = "fostering.team@northmoor.example"
    response = other.post(url, data={**hidden_fields(refused), **typed})
    assert response.status_code == 302
    page = look(other, url)
    assert page.value_of("public_description") == "Help for foster carers"
    assert page.value_of("inbox_email") == "fostering.team@northmoor.example"


def test_a_team_a_childs_answer_points_to_cannot_be_renamed_from_its_page(
    app: Flask, manager: FlaskClient, client: FlaskClient
) -> None:
    fostering = team_named("Fostering")
    url = f"/staff/teams/{fostering.id}"
    why = (
        "A child\u2019s answer \u201cMy foster carer\u201d sends new submissions to this team "
        "by its name in the portal\u2019s settings (CHILD_TOPIC_TEAMS): ask for the setting "
        "to be changed first"
    )
    page = read(post_form(manager, url, _team_form(fostering, name="Fostering Service")))
    assert errors_shown_twice(page) == {"name": why}
    # A child who says it is about their foster carer still reaches the team.
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "child", what_it_is_about={"about": "foster_carer"}))
    journey.send_and_confirm()
    shown = summary(case_page(manager, only_submission().reference))
    assert shown["Team"] == "Fostering"
    # Its other details are the manager's to change.
    page = save(manager, url, _team_form(fostering, public_description="Help for carers"))
    assert page.notification_banner == "Success Team saved."


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


def test_categories_alike_in_their_first_forty_letters_are_both_added_and_a_name_is_not_taken_twice(
    manager: FlaskClient,
) -> None:
    contact = "Communication with parents and carers about contact"
    placements = "Communication with parents and carers about placements"
    save(manager, "/staff/categories/new", {"name": contact, "is_active": "y"})
    page = save(manager, "/staff/categories/new", {"name": placements, "is_active": "y"})
    assert page.notification_banner == "Success Category saved."
    rows = table_after(page, "Categories of complaint")
    assert [contact, "In use"] in rows and [placements, "In use"] in rows
    # A Welsh name, and another all in letters a slug cannot hold, are both kept too.
    for name in ("Ôl-ofal", "Œuvre ✨"):
        save(manager, "/staff/categories/new", {"name": name, "is_active": "y"})
    rows = table_after(look(manager, "/staff/teams"), "Categories of complaint")
    assert ["Ôl-ofal", "In use"] in rows and ["Œuvre ✨", "In use"] in rows
    # Renamed to another category's name, in other capitals, it is refused.
    other = db.session.scalar(sa.select(Category).where(Category.slug == "other"))
    assert other is not None
    page = read(
        post_form(
            manager, f"/staff/categories/{other.id}", {"name": contact.upper(), "is_active": "y"}
        )
    )
    assert errors_shown_twice(page) == {"name": "There is already a category with that name"}


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.AUDITOR])
def test_only_the_complaints_manager_edits_teams_and_categories(app: Flask, role: Role) -> None:
    client = browser(app)
    sign_in(client, make_staff(role))
    for url in ("/staff/teams", "/staff/teams/new", "/staff/categories/new"):
        assert client.get(url).status_code == 403
