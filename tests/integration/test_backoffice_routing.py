"""Routing rules as data the complaints manager edits: a submission sent on the public side
is routed by the first rule that matches (team and procedure), the case says which rule
routed it, and the manager adds, edits, reorders, deletes and tries out the rules."""

from datetime import date, datetime
from urllib.parse import quote

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
    press,
    queue_row,
    read,
    save,
    sign_in,
    sign_in_as_manager,
    summary,
    table_after,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, date_parts, in_words, only_submission

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days
from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import RoutingRule
from portal.services import routing_rules

RULES = "/staff/routing-rules"
DEMO_ORDER = [
    "Requests for an advocate go to the advocacy provider",
    "Child protection decisions follow the corporate procedure",
    "Court reports follow the corporate procedure",
    "Young people aged 16 to 25 go to leaving care",
]


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    routing_rules.load_demo_rules()
    client = browser(app)
    sign_in_as_manager(client)
    return client


def rule_names(client: FlaskClient) -> list[str]:
    page = look(client, "/staff/routing-rules")
    return [
        e.text
        for e in page.find_all("a")
        if e.attrs.get("href", "").startswith("/staff/routing-rules/")
        and e.attrs["href"] != "/staff/routing-rules/new"
    ]


def rule_id(name: str) -> int:
    found = db.session.scalar(sa.select(RoutingRule.id).where(RoutingRule.name == name))
    assert found is not None
    return found


# --- applied on receipt ---------------------------------------------------------------------------


def test_a_complaint_about_a_17_year_old_sent_on_the_public_side_goes_to_leaving_care(
    app: Flask, manager: FlaskClient
) -> None:
    today = datetime.now(LONDON).date()
    public = browser(app)
    Journey(public, "complaint").complete(
        "parent",
        about_the_child={
            "child_name": "Sam Taylor",
            "child_date_of_birth": date_parts(date(today.year - 17, 1, 1)),
            "child_age": "",
        },
    )
    ref = only_submission().reference
    acknowledge_by = add_working_days(today, 3)
    row = queue_row(manager, ref)
    assert f"Acknowledge by {acknowledge_by.day} {acknowledge_by:%B %Y}" in row
    assert " Leaving Care Triage " in row
    shown = summary(case_page(manager, ref))
    assert shown["Team"] == "Leaving Care"
    assert shown["Routed by"] == "Young people aged 16 to 25 go to leaving care"
    assert shown["Procedure"] == "Children's statutory procedure (England, 2006)"
    assert shown["Next due"] == f"Acknowledge by {in_words(acknowledge_by)}"


def test_child_protection_conference_in_what_happened_sends_it_to_the_corporate_procedure(
    app: Flask, manager: FlaskClient
) -> None:
    today = datetime.now(LONDON).date()
    public = browser(app)
    Journey(public, "complaint").complete(
        "parent",
        what_happened={
            "what_happened": "The Child Protection Conference got the facts about us wrong.",
            "when_it_happened": "last_month",
            "event_date": date_parts(today.replace(day=1)),
        },
    )
    ref = only_submission().reference
    shown = summary(case_page(manager, ref))
    assert shown["Team"] == "Family Support and Child Protection"
    assert shown["Procedure"] == "The council's corporate procedure"
    assert shown["Routed by"] == "Child protection decisions follow the corporate procedure"
    # The council's 3-day target, with the corporate code's 5 days kept beside it.
    assert shown["Acknowledge by"] == in_words(add_working_days(today, 3))
    assert shown["Acknowledge by (law)"] == in_words(add_working_days(today, 5))
    assert " Family Support and Child Protection Triage " in queue_row(manager, ref)


def test_a_complaint_no_rule_matches_goes_to_the_team_the_person_chose(
    manager: FlaskClient,
) -> None:
    ref = new_complaint(team="Fostering", child_age=9).reference
    shown = summary(case_page(manager, ref))
    assert (shown["Team"], shown["Routed by"]) == ("Fostering", "The team the person chose")


def test_the_first_matching_rule_wins_and_moving_it_down_lets_the_next_one_win(
    manager: FlaskClient,
) -> None:
    text = "Court report for the section 47 case was wrong."
    assert (
        summary(case_page(manager, new_complaint(text=text, child_age=17).reference))["Routed by"]
        == "Child protection decisions follow the corporate procedure"
    )
    cp = rule_id("Child protection decisions follow the corporate procedure")
    page = press(manager, RULES, f"/staff/routing-rules/{cp}/move", {"direction": "down"})
    assert rule_names(manager) == [DEMO_ORDER[0], DEMO_ORDER[2], DEMO_ORDER[1], DEMO_ORDER[3]]
    assert page.headings == ["Routing rules"]
    assert (
        summary(case_page(manager, new_complaint(text=text, child_age=17).reference))["Routed by"]
        == "Court reports follow the corporate procedure"
    )


# --- the manager edits the rules ------------------------------------------------------------------


def test_the_rules_are_listed_in_the_order_they_are_tried(manager: FlaskClient) -> None:
    assert rule_names(manager) == DEMO_ORDER
    page = look(manager, "/staff/routing-rules")
    rows = table_after(page, "Routing rules")
    assert [row[:4] for row in rows][3] == [
        "4",
        DEMO_ORDER[3],
        "Leaving Care",
        "Statutory",
    ]
    assert rows[1][3] == "The council's corporate procedure"


def test_a_rule_added_by_the_manager_routes_the_next_submission_and_the_case_says_so(
    manager: FlaskClient,
) -> None:
    page = save(
        manager,
        "/staff/routing-rules/new",
        {
            "name": "Foster carers go to fostering",
            "team": str(team_id("Fostering")),
            "roles": ["foster_carer"],
            "is_active": "y",
        },
    )
    assert page.notification_banner == "Success Rule added."
    assert rule_names(manager) == [*DEMO_ORDER, "Foster carers go to fostering"]
    ref = new_complaint(role=SubmitterRole.FOSTER_CARER).reference
    shown = summary(case_page(manager, ref))
    assert (shown["Team"], shown["Routed by"]) == ("Fostering", "Foster carers go to fostering")
    # A parent is not a foster carer: the rule leaves them alone.
    other = summary(case_page(manager, new_complaint(role=SubmitterRole.PARENT).reference))
    assert other["Team"] == "Looked After Children"


def test_a_rule_is_edited_with_its_saved_conditions_shown_and_can_be_turned_off(
    manager: FlaskClient,
) -> None:
    leaving_care = rule_id(DEMO_ORDER[3])
    url = f"/staff/routing-rules/{leaving_care}"
    form = look(manager, url)
    assert form.headings == [f"Edit rule: {DEMO_ORDER[3]}"]
    assert form.value_of("age_min") == "16" and form.value_of("age_max") == "25"
    assert form.value_of("is_active") == "y"
    page = save(
        manager,
        url,
        {
            "name": "Care leavers aged 18 to 25",
            "team": str(team_id("Leaving Care")),
            "age_min": "18",
            "age_max": "25",
            "words": "pathway plan\npersonal adviser",
        },
    )
    assert page.notification_banner == "Success Rule saved."
    form = look(manager, url)
    assert form.value_of("words") == "pathway plan\npersonal adviser"
    assert form.value_of("is_active") is None
    assert "Off" in look(manager, "/staff/routing-rules").text
    # Turned off, it routes nothing.
    ref = new_complaint(child_age=19, text="My personal adviser never calls").reference
    assert summary(case_page(manager, ref))["Routed by"] == "The team the person chose"


def test_moving_the_first_rule_up_or_the_last_down_changes_nothing(manager: FlaskClient) -> None:
    press(
        manager, RULES, f"/staff/routing-rules/{rule_id(DEMO_ORDER[0])}/move", {"direction": "up"}
    )
    press(
        manager, RULES, f"/staff/routing-rules/{rule_id(DEMO_ORDER[3])}/move", {"direction": "down"}
    )
    assert rule_names(manager) == DEMO_ORDER
    press(
        manager, RULES, f"/staff/routing-rules/{rule_id(DEMO_ORDER[3])}/move", {"direction": "up"}
    )
    assert rule_names(manager) == [DEMO_ORDER[0], DEMO_ORDER[1], DEMO_ORDER[3], DEMO_ORDER[2]]


def test_a_rule_that_has_routed_cases_can_be_deleted_and_the_cases_still_say_which_it_was(
    manager: FlaskClient,
) -> None:
    ref = new_complaint(child_age=17).reference
    page = press(manager, RULES, f"/staff/routing-rules/{rule_id(DEMO_ORDER[3])}/delete", {})
    assert page.notification_banner == "Success Rule deleted."
    assert rule_names(manager) == DEMO_ORDER[:3]
    assert summary(case_page(manager, ref))["Routed by"] == DEMO_ORDER[3]
    assert manager.get(f"/staff/routing-rules/{rule_id(DEMO_ORDER[0]) + 100}").status_code == 404


def test_a_rules_words_match_what_a_phone_typed_and_across_a_line_break(
    manager: FlaskClient,
) -> None:
    save(
        manager,
        "/staff/routing-rules/new",
        {
            "name": "Allowances go to fostering",
            "team": str(team_id("Fostering")),
            "words": "foster carer's allowance",
            "is_active": "y",
        },
    )
    # A phone's apostrophe, and the words wrapped onto the next line.
    typed = "The foster carer\u2019s\nallowance  was stopped in May."
    shown = summary(case_page(manager, new_complaint(text=typed).reference))
    assert (shown["Team"], shown["Routed by"]) == ("Fostering", "Allowances go to fostering")
    page = look(manager, f"{RULES}?{preview_query(text=quote(typed))}")
    assert page.by_id("rule-preview").text.startswith(  # type: ignore[union-attr]
        "Matches Allowances go to fostering. It would go to Fostering."
    )


def test_a_second_manager_saving_a_rule_they_opened_before_the_first_saved_is_refused(
    app: Flask, manager: FlaskClient
) -> None:
    other = browser(app)
    sign_in(other, make_staff(Role.MANAGER, email="second.manager@council.example"))
    url = f"/staff/routing-rules/{rule_id(DEMO_ORDER[3])}"
    theirs = look(other, url)
    # The first manager sends care leavers to Looked After Children.
    save(
        manager,
        url,
        {
            "name": DEMO_ORDER[3],
            "team": str(team_id("Looked After Children")),
            "age_min": "16",
            "age_max": "25",
            "is_active": "y",
        },
    )
    # The second saves the rule as they saw it, with a word added.
    seen = hidden_fields(theirs)
    typed = {
        "name": DEMO_ORDER[3],
        "team": str(team_id("Leaving Care")),
        "age_min": "16",
        "age_max": "25",
        "words": "pathway plan",
        "is_active": "y",
    }
    refused = read(other.post(url, data={**seen, **typed}))
    assert errors_shown_twice(refused) == {
        "name": "Someone else changed this rule while you were working on it. Nothing has "
        "been saved: check the rule as it is now and save again."
    }
    assert refused.value_of("words") == "pathway plan"  # what they typed stays
    # The first manager's change stands, and the next complaint goes where the page says.
    assert table_after(look(manager, RULES), "Routing rules")[3][2] == "Looked After Children"
    shown = summary(case_page(manager, new_complaint(child_age=17, team="Fostering").reference))
    assert shown["Team"] == "Looked After Children"
    # Having seen the rule as it is now, pressing Save again saves.
    response = other.post(url, data={**hidden_fields(refused), **typed})
    assert response.status_code == 302
    assert look(other, url).value_of("words") == "pathway plan"


def test_rule_changes_are_in_the_audit_trail(manager: FlaskClient) -> None:
    from portal.models import AuditEvent

    leaving_care = rule_id(DEMO_ORDER[3])
    save(
        manager,
        f"/staff/routing-rules/{leaving_care}",
        {
            "name": "Leaving care",
            "team": str(team_id("Leaving Care")),
            "age_min": "16",
            "age_max": "21",
            "is_active": "y",
        },
    )
    press(manager, RULES, f"/staff/routing-rules/{leaving_care}/move", {"direction": "up"})
    press(manager, RULES, f"/staff/routing-rules/{leaving_care}/delete", {})
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.like("routing_rule%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "routing_rule_saved",
        "routing_rule_moved",
        "routing_rule_deleted",
    ]
    assert events[0].detail["changes"] == {
        "name": [DEMO_ORDER[3], "Leaving care"],
        "age_max": [25, 21],
    }


# --- trying a sample ------------------------------------------------------------------------


def preview_query(**sample: str) -> str:
    values = {"kind": "complaint", "role": "parent", "chosen_team": "", "age": "", "text": ""}
    return "&".join(f"{k}={v}" for k, v in (values | sample).items())


def test_the_preview_shows_which_rule_a_sample_would_match(manager: FlaskClient) -> None:
    query = preview_query(age="17", chosen_team=str(team_id("Looked After Children")))
    page = look(manager, f"/staff/routing-rules?{query}")
    assert page.headings == ["Routing rules"]
    result = page.by_id("rule-preview")
    assert result is not None
    assert result.text == (
        "Matches Young people aged 16 to 25 go to leaving care. It would go to Leaving Care. "
        "Procedure: Children's statutory procedure (England, 2006)."
    )
    assert page.value_of("age") == "17"


def test_the_preview_says_when_no_rule_matches(manager: FlaskClient) -> None:
    page = look(manager, f"/staff/routing-rules?{preview_query(age='9')}")
    assert page.by_id("rule-preview").text == (  # type: ignore[union-attr]
        "No rule matches: the default team. It would go to First Response / Referral and "
        "Assessment. Procedure: Children's statutory procedure (England, 2006)."
    )


def test_with_htmx_the_preview_answers_with_only_its_result(manager: FlaskClient) -> None:
    query = preview_query(text="A section 47 enquiry")
    response = manager.get(f"/staff/routing-rules?{query}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="rule-preview" role="status">')
    assert "<html" not in html and "<table" not in html
    assert read(response).by_id("rule-preview").text == (  # type: ignore[union-attr]
        "Matches Child protection decisions follow the corporate procedure. It would go to "
        "Family Support and Child Protection. Procedure: The council's corporate procedure."
    )


def test_with_htmx_a_preview_with_a_mistake_says_what_to_correct(manager: FlaskClient) -> None:
    response = manager.get(
        f"/staff/routing-rules?{preview_query(age='40')}", headers={"HX-Request": "true"}
    )
    assert read(response).by_id("rule-preview").text == (  # type: ignore[union-attr]
        "Correct the sample to see which rule it matches: Enter an age from 0 to 25."
    )


def test_the_preview_form_is_a_plain_get_form(manager: FlaskClient) -> None:
    page = look(manager, "/staff/routing-rules")
    form = next(f for f in page.find_all("form") if f.attrs.get("method") == "get")
    assert form.attrs["action"].startswith("/staff/routing-rules")
    assert form.attrs["data-hx-target"] == "#rule-preview"
    assert page.by_id("rule-preview").text == ""  # type: ignore[union-attr]


def test_a_rule_form_is_refused_without_a_team_that_exists(manager: FlaskClient) -> None:
    response = post_form(manager, "/staff/routing-rules/new", {"name": "X", "team": "99999"})
    assert response.status_code == 200
    assert read(response).error_summary
