"""Every form error in the back office is shown twice, as GOV.UK asks: in the error
summary at the top, linking to the field, and beside the field itself, in plain words
(never a WTForms default such as "Not a valid integer value.")."""

from datetime import date

import pytest
from backoffice_helpers import (
    browser,
    date_parts,
    errors_shown_twice,
    look,
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in_as_manager,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.stages import Move
from portal.domain.types import SubmitterRole

ENTER_THE_DATE = {"on": "Enter the date"}

# What each step of the procedure asks for when it is sent empty.
EMPTY_MOVES: dict[Move, dict[str, str]] = {
    Move.ACCEPT: ENTER_THE_DATE,
    Move.RESOLVE_INFORMALLY: ENTER_THE_DATE
    | {"informal_resolution_terms": "Enter what was agreed"},
    Move.WITHDRAW: ENTER_THE_DATE,
    Move.CLOSE: ENTER_THE_DATE,
    Move.EXTEND_STAGE1: ENTER_THE_DATE
    | {
        "stage1_extension_reason": "Enter why more time is needed",
        "extension_agreement": "Enter how and when the complainant agreed",
    },
    Move.HOLD_DISCUSSION: ENTER_THE_DATE,
    Move.RESPOND_STAGE1: ENTER_THE_DATE | {"outcome": "Select the overall finding"},
    Move.REQUEST_STAGE2: ENTER_THE_DATE,
    Move.ACKNOWLEDGE_STAGE2: ENTER_THE_DATE,
    Move.AGREE_STATEMENT: ENTER_THE_DATE,
    Move.APPOINT_INVESTIGATORS: ENTER_THE_DATE
    | {
        "investigating_officer": "Enter the investigating officer's name",
        "independent_person": "Enter the independent person's name",
    },
    Move.EXTEND_STAGE2: ENTER_THE_DATE
    | {
        "stage2_extended_to": "Enter the new date",
        "stage2_extension_reason": "Enter why the response will be late",
    },
    Move.ADJUDICATE_STAGE2: ENTER_THE_DATE | {"outcome": "Select the overall finding"},
    Move.REQUEST_STAGE3: ENTER_THE_DATE,
    Move.SET_PANEL: ENTER_THE_DATE | {"panel_members": "Enter the panel members"},
    Move.PANEL_REPORT: ENTER_THE_DATE,
    Move.RESPOND_STAGE3: ENTER_THE_DATE | {"outcome": "Select the overall finding"},
}


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


@pytest.fixture
def reference() -> str:
    return new_complaint(when=received_at(date(2025, 12, 19))).reference


def test_every_step_of_the_procedure_has_a_message_for_each_thing_it_needs() -> None:
    assert set(EMPTY_MOVES) == set(Move)


@pytest.mark.parametrize("move", list(Move), ids=[m.value for m in Move])
def test_each_step_of_the_procedure_sent_empty_says_what_is_missing_twice(
    manager: FlaskClient, reference: str, move: Move
) -> None:
    response = post_form(manager, f"/staff/cases/{reference}/move/{move.value}", {})
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == EMPTY_MOVES[move]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["31", "2", "2026"], "The date must be a real date"),
        (["1", "13", "2026"], "The date must be a real date"),
        (["next", "Tuesday", ""], "The date must be a real date"),
        (["1", "2", "26"], "The date must include a year with 4 numbers, like 2015"),
    ],
)
def test_a_date_that_is_not_a_real_date_says_so(
    manager: FlaskClient, reference: str, typed: list[str], message: str
) -> None:
    response = post_form(manager, f"/staff/cases/{reference}/move/accept", {"on": typed})
    page = read(response)
    assert errors_shown_twice(page) == {"on": message}
    assert page.value_of("on") == typed


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "ex_gratia",
            "ten pounds",
            "Enter the ex gratia payment as an amount in pounds, like 50 or 49.99",
        ),
        ("ex_gratia", "-5", "Enter an amount between 0 and 100,000"),
        ("stage2_cost", "£2k", "Enter the cost as an amount in pounds, like 2450 or 2450.50"),
        ("stage2_cost", "2000000", "Enter an amount between 0 and 1,000,000"),
    ],
)
def test_an_amount_that_is_not_an_amount_in_pounds_says_so_in_plain_words(
    manager: FlaskClient, reference: str, field: str, typed: str, message: str
) -> None:
    url = f"/staff/cases/{reference}/move/adjudicate_stage2"
    response = post_form(
        manager, url, {"on": date_parts(date(2026, 3, 2)), "outcome": "upheld", field: typed}
    )
    page = read(response)
    assert errors_shown_twice(page) == {field: message}
    assert page.value_of(field) == typed


def test_an_extension_to_a_date_that_does_not_exist_says_so(
    manager: FlaskClient, reference: str
) -> None:
    response = post_form(
        manager,
        f"/staff/cases/{reference}/move/extend_stage2",
        {
            "on": date_parts(date(2026, 3, 2)),
            "stage2_extended_to": ["30", "2", "2026"],
            "stage2_extension_reason": "Records are late.",
        },
    )
    assert errors_shown_twice(read(response)) == {
        "stage2_extended_to": "The new date must be a real date"
    }


ACTIONS = [
    # (the action's address after /staff/cases/<reference>/, what is sent, what is said)
    ("acknowledge", {}, {"how": "Select how it was acknowledged", "on": "Enter the date"}),
    ("reclassify", {}, {"kind": "Select what it is", "reason": "Enter why"}),
    (
        "procedure",
        {},
        {"procedure": "Select the procedure", "reason": "Enter why the procedure is changing"},
    ),
    (
        "sufficient-interest",
        {},
        {"decision": "Select yes or no", "reason": "Enter the reasons", "on": "Enter the date"},
    ),
    ("advocacy", {}, {"status": "Select where it stands"}),
    ("thank", {}, {"on": "Enter the date"}),
    (
        "points",
        {},
        {
            "stage": "Select the stage",
            "summary": "Enter the complaint point",
            "outcome": "Select the finding",
        },
    ),
    ("lessons", {}, {"lesson": "Enter what was learned", "action": "Enter the action"}),
    (
        "lessons",
        {"lesson": "L", "action": "A", "due": ["32", "1", "2026"]},
        {"due": "The date must be a real date"},
    ),
    ("safeguarding", {}, {"action": "Enter what was done"}),
    (
        "points",
        {"stage": "1", "summary": "x" * 1001, "outcome": "upheld"},
        {"summary": "The point must be 1,000 characters or fewer"},
    ),
    ("assign", {"reason": "x" * 181}, {"reason": "The reason must be 180 characters or fewer"}),
]


@pytest.mark.parametrize(("action", "sent", "said"), ACTIONS)
def test_each_action_on_a_case_says_what_is_wrong_twice(
    manager: FlaskClient, action: str, sent: dict[str, object], said: dict[str, str]
) -> None:
    # Someone else, so the advocacy status and the sufficient-interest decision are open.
    ref = new_complaint(role=SubmitterRole.OTHER, when=received_at(date(2025, 12, 19))).reference
    response = post_form(manager, f"/staff/cases/{ref}/{action}", sent)
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == said


def test_a_reason_for_re_routing_of_180_characters_is_kept_whole(
    manager: FlaskClient, reference: str
) -> None:
    reason = "The complaint is about a foster carer's training. " * 3 + "x" * 30
    assert len(reason) == 180
    page = save(
        manager,
        f"/staff/cases/{reference}/assign",
        {"team": str(team_id("Fostering")), "reason": reason},
    )
    assert f"Re-routed by staff: {reason.strip()}" in page.text


RULES = [
    ({}, {"name": "Enter a name for the rule", "team": "Select a team"}),
    (
        {"name": "Teenagers", "team": "Leaving Care", "age_min": "ten"},
        {"age_min": "Enter the age as a number, like 16"},
    ),
    (
        {"name": "Teenagers", "team": "Leaving Care", "age_max": "30"},
        {"age_max": "Enter an age from 0 to 25"},
    ),
    (
        {"name": "Teenagers", "team": "Leaving Care", "age_min": "18", "age_max": "16"},
        {"age_max": "The age to must be the same as or more than the age from"},
    ),
    (
        {"name": "x" * 121, "team": "Leaving Care"},
        {"name": "The name must be 120 characters or fewer"},
    ),
]


@pytest.mark.parametrize(("sent", "said"), RULES)
def test_a_routing_rule_that_cannot_be_saved_says_why_twice(
    manager: FlaskClient, sent: dict[str, str], said: dict[str, str]
) -> None:
    if "team" in sent:
        sent = sent | {"team": str(team_id(sent["team"]))}
    response = post_form(manager, "/staff/routing-rules/new", sent)
    assert response.status_code == 200
    page = read(response)
    assert errors_shown_twice(page) == said
    assert page.value_of("name") == sent.get("name", "")


@pytest.mark.parametrize(
    ("age", "said"),
    [("ten", "Enter the age as a number, like 16"), ("26", "Enter an age from 0 to 25")],
)
def test_a_rule_preview_with_an_impossible_age_says_why_twice(
    manager: FlaskClient, age: str, said: str
) -> None:
    page = look(
        manager,
        f"/staff/routing-rules?kind=complaint&role=parent&chosen_team=&age={age}&text=hello",
    )
    assert errors_shown_twice(page) == {"age": said}
    assert page.value_of("age") == age


def test_signing_in_with_nothing_typed_says_what_is_missing_twice(app: Flask) -> None:
    response = post_form(browser(app), "/staff/sign-in", {})
    assert errors_shown_twice(read(response)) == {
        "email": "Enter your email address",
        "password": "Enter your password",
    }
