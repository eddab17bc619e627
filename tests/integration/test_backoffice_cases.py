"""The case in the back office, through HTTP as a signed-in complaints manager: every
stage with its due dates (counted by hand over Christmas, Easter and the May holidays),
refusals with their reasons, the audit trail, two people saving the same case, and the
other things recorded on a case."""

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    make_staff,
    move,
    new_complaint,
    post_form,
    queue_row,
    read,
    received_at,
    save,
    sign_in,
    sign_in_as_manager,
    summary,
    table_after,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.domain.holidays import bank_holidays
from portal.domain.types import AdvocacyAnswer, Kind, SubmitterRole
from portal.extensions import db
from portal.models import AuditEvent, Category, Submission
from portal.services import routing_rules
from portal.services.audit import AuditTrailIsReadOnly
from portal.services.teams import load_default_categories

FRI_19_DEC_2025 = date(2025, 12, 19)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


def a_complaint_received(day: date = FRI_19_DEC_2025, **options: object) -> str:
    return new_complaint(when=received_at(day), **options).reference  # type: ignore[arg-type]


def test_without_an_address_the_acknowledgement_is_by_phone_and_no_letter_is_offered(
    manager: FlaskClient,
) -> None:
    page = case_page(manager, a_complaint_received(email=None))
    assert "Acknowledge by phone by Wednesday 24 December 2025." in page.text
    assert "Print the acknowledgement letter" not in page.text


def acknowledge(client: FlaskClient, ref: str, on: date = date(2025, 12, 22)) -> None:
    save(client, f"/staff/cases/{ref}/acknowledge", {"how": "phone", "on": date_parts(on)})


def an_acknowledged_complaint(client: FlaskClient, **options: object) -> str:
    """Received Fri 19 Dec 2025, acknowledged by phone on Mon 22 Dec."""
    ref = a_complaint_received(**options)
    acknowledge(client, ref)
    return ref


# --- the whole procedure ----------------------------------------------------------------------


def test_a_complaint_goes_through_every_stage_in_england_with_every_due_date_right(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received()
    page = case_page(manager, ref)
    assert summary(page)["Next due"] == "Acknowledge by Wednesday 24 December 2025"
    # The stage 1 response runs from receipt, beside the acknowledgement (SI 2006/1738).
    assert summary(page)["Also due"] == "Stage 1 response by Wednesday 7 January 2026"
    assert summary(page)["Received"] == "Friday 19 December 2025"
    assert "Acknowledge by 24 December 2025" in queue_row(manager, ref)
    assert "Stage 1 response by 7 January 2026" in queue_row(manager, ref)

    page = save(
        manager,
        f"/staff/cases/{ref}/acknowledge",
        {"how": "phone", "on": date_parts(date(2025, 12, 22))},
    )
    assert summary(page)["Acknowledged"] == "Monday 22 December 2025 (by phone)"
    assert summary(page)["Next due"] == "Stage 1 response by Wednesday 7 January 2026"
    assert "Also due" not in summary(page)

    steps = [
        # (move, on, details, stage shown, next due on the case page, in the queue)
        (
            "accept",
            date(2025, 12, 22),
            {},
            "Stage 1",
            "Stage 1 response by Wednesday 7 January 2026",
            "Stage 1 response by 7 January 2026",
        ),
        (
            "extend_stage1",
            date(2026, 1, 5),
            {
                "stage1_extension_reason": "Three services involved.",
                "extension_agreement": "Pat agreed on the phone on 5 January",
            },
            "Stage 1",
            "Stage 1 response by Wednesday 21 January 2026",
            "Stage 1 response by 21 January 2026",
        ),
        (
            "respond_stage1",
            date(2026, 1, 20),
            {
                "outcome": "partially_upheld",
                "redress": ["apology", "explanation"],
                "ex_gratia": "150",
            },
            "Stage 1",
            "Nothing due",
            "Nothing due",
        ),
        (
            "request_stage2",
            date(2026, 2, 16),
            {},
            "Stage 2",
            "Stage 2 response by Monday 23 March 2026",
            "Stage 2 response by 23 March 2026",
        ),
        (
            "agree_statement",
            date(2026, 3, 2),
            {},
            "Stage 2",
            "Stage 2 response by Monday 23 March 2026",
            "Stage 2 response by 23 March 2026",
        ),
        (
            "appoint_investigators",
            date(2026, 3, 3),
            {"investigating_officer": "Jo Investigator", "independent_person": "Sam Independent"},
            "Stage 2",
            "Stage 2 response by Monday 23 March 2026",
            "Stage 2 response by 23 March 2026",
        ),
        (
            "extend_stage2",
            date(2026, 3, 16),
            {
                "stage2_extended_to": date_parts(date(2026, 4, 30)),
                "stage2_extension_reason": "Records from two councils are needed.",
            },
            "Stage 2",
            "Stage 2 response (extended) by Thursday 30 April 2026",
            "Stage 2 response (extended) by 30 April 2026",
        ),
        (
            "adjudicate_stage2",
            date(2026, 4, 29),
            {
                "outcome": "upheld",
                "redress": ["apology", "explanation", "service_review"],
                "ex_gratia": "300.00",
                "stage2_cost": "2450.50",
            },
            "Stage 2",
            "Nothing due",
            "Nothing due",
        ),
        (
            "request_stage3",
            date(2026, 5, 5),
            {},
            "Stage 3",
            "Review panel meets by Wednesday 17 June 2026",
            "Review panel meets by 17 June 2026",
        ),
        (
            "set_panel",
            date(2026, 6, 15),
            {"panel_members": "A. Chair\nB. Member\nC. Member"},
            "Stage 3",
            "Panel's report by Monday 22 June 2026",
            "Panel's report by 22 June 2026",
        ),
        (
            "panel_report",
            date(2026, 6, 19),
            {"panel_recommendations": "Apologise in person; review the visiting rota."},
            "Stage 3",
            "Council's response to the panel by Friday 10 July 2026",
            "Council's response to the panel by 10 July 2026",
        ),
        (
            "respond_stage3",
            date(2026, 7, 8),
            {"outcome": "upheld"},
            "Stage 3",
            "Nothing due",
            "Nothing due",
        ),
    ]
    for name, on, details, stage, on_case_page, in_queue in steps:
        page = move(manager, ref, name, on, **details)
        assert page.notification_banner.endswith(": saved."), name
        assert page.headings == [f"{ref} {stage}"], name
        assert summary(page)["Next due"] == on_case_page, name
        assert in_queue in queue_row(manager, ref), name

    shown = summary(page)
    assert shown["Accepted at stage 1"] == "Monday 22 December 2025"
    assert shown["Stage 1 extended"] == "Monday 5 January 2026"
    assert shown["Why extended"] == "Three services involved."
    assert shown["Stage 1 response"] == "Tuesday 20 January 2026"
    assert shown["Stage 2 asked for"] == "Monday 16 February 2026"
    assert shown["Statement of complaint agreed"] == "Monday 2 March 2026"
    assert shown["Investigating officer"] == "Jo Investigator"
    assert shown["Independent person"] == "Sam Independent"
    assert shown["Stage 2 extended to"] == "Thursday 30 April 2026"
    assert shown["Stage 2 adjudication"] == "Wednesday 29 April 2026"
    assert shown["Stage 3 asked for"] == "Tuesday 5 May 2026"
    assert shown["Review panel"] == "Monday 15 June 2026"
    assert shown["Panel members"] == "A. Chair B. Member C. Member"
    assert shown["Panel's report"] == "Friday 19 June 2026"
    assert shown["Council's response"] == "Wednesday 8 July 2026"
    assert shown["Outcome"] == "Upheld"
    assert "Stage 2 was asked for after" not in page.text
    # Each stage's response stands beside the others: stage 2's did not replace stage 1's.
    assert table_after(page, "Responses at each stage") == [
        ["Stage 1", "Partially upheld", "Apology, Explanation", "£150.00", ""],
        ["Stage 2", "Upheld", "Apology, Explanation, Service review", "£300.00", "£2450.50"],
        ["Stage 3", "Upheld", "", "", ""],
    ]

    page = move(manager, ref, "close", date(2026, 10, 2))
    assert page.headings == [f"{ref} Closed"]
    assert ref not in look(manager, "/staff/").text


def test_the_stage_1_extension_and_response_are_checked_against_the_procedure(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received()
    move(manager, ref, "accept", date(2025, 12, 22))
    page = move(manager, ref, "respond_stage1", date(2026, 1, 6), outcome="not_upheld")
    assert summary(page)["Outcome"] == "Not upheld"
    assert table_after(page, "Responses at each stage") == [["Stage 1", "Not upheld", "", "", ""]]
    # Once answered, stage 1 cannot be extended.
    links = [e.text for e in page.find_all("a")]
    assert "Extend stage 1 (complainant agreed)" not in links
    assert "Record a request for stage 2" in links


def test_each_stage_has_its_row_from_the_day_it_starts_and_shows_a_response_once_made(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received()
    page = move(manager, ref, "accept", date(2025, 12, 22))
    case = _case(ref)
    assert [r.stage for r in case.responses] == ["stage1"]
    # Reached, not yet responded to: nothing in the table of responses.
    assert "Responses at each stage" not in page.text
    move(manager, ref, "respond_stage1", date(2026, 1, 6), outcome="not_upheld")
    page = move(manager, ref, "request_stage2", date(2026, 1, 8))
    stage2 = _case(ref).response("stage2")
    assert stage2 is not None and stage2.requested_on == date(2026, 1, 8)
    assert stage2.responded_on is None
    assert table_after(page, "Responses at each stage") == [["Stage 1", "Not upheld", "", "", ""]]


def _case(reference: str) -> Submission:
    db.session.expire_all()
    return db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()


def test_a_move_the_procedure_does_not_allow_is_refused_with_the_reason_beside_the_date(
    manager: FlaskClient,
) -> None:
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    response = post_form(
        manager,
        f"/staff/cases/{ref}/move/request_stage2",
        {"on": date_parts(date(2026, 1, 5))},
    )
    assert response.status_code == 200
    errors = errors_shown_twice(read(response))
    assert errors == {
        "on": "Stage 2 comes after the stage 1 response. Record the response first "
        "(only in Wales may a person go straight to stage 2)."
    }
    page = case_page(manager, ref)
    assert summary(page)["Next due"] == "Stage 1 response by Wednesday 7 January 2026"
    assert "Stage 2 asked for" not in summary(page)


def test_the_corporate_procedure_refuses_a_review_panel_saying_the_ombudsman_comes_next(
    manager: FlaskClient,
) -> None:
    routing_rules.load_demo_rules()
    ref = a_complaint_received(text="The child protection conference got the facts wrong.")
    for name, on, details in [
        ("accept", date(2025, 12, 22), {}),
        ("respond_stage1", date(2026, 1, 6), {"outcome": "not_upheld"}),
        ("request_stage2", date(2026, 1, 12), {}),
        ("adjudicate_stage2", date(2026, 2, 2), {"outcome": "not_upheld"}),
    ]:
        move(manager, ref, name, on, **details)
    links = [e.text for e in case_page(manager, ref).find_all("a")]
    assert "Record a request for a review panel (stage 3)" not in links
    response = post_form(
        manager, f"/staff/cases/{ref}/move/request_stage3", {"on": date_parts(date(2026, 2, 3))}
    )
    assert errors_shown_twice(read(response)) == {
        "on": "This procedure has no review panel: the ombudsman comes next."
    }


def test_a_step_dated_after_today_is_refused_beside_its_date_but_a_panel_is_set_ahead(
    manager: FlaskClient,
) -> None:
    """A step records what happened: one dated tomorrow, or in a year whose bank holidays
    are not known (a 500 before, when the clock counted to it), is refused beside the date
    and nothing is saved. The review panel alone is recorded ahead, for the day it meets."""
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    future = "The date must be today or in the past."
    ref = an_acknowledged_complaint(manager)
    for when in (tomorrow, date(bank_holidays().last_year + 3, 5, 1)):
        response = post_form(manager, f"/staff/cases/{ref}/move/accept", {"on": date_parts(when)})
        assert errors_shown_twice(read(response)) == {"on": future}
    assert "Accepted at stage 1" not in summary(case_page(manager, ref))
    move(manager, ref, "accept", date(2025, 12, 22))
    response = post_form(
        manager,
        f"/staff/cases/{ref}/move/respond_stage1",
        {"on": date_parts(date(bank_holidays().last_year + 3, 5, 2)), "outcome": "upheld"},
    )
    assert errors_shown_twice(read(response)) == {"on": future}

    for name, on, details in [
        ("respond_stage1", date(2026, 1, 20), {"outcome": "upheld"}),
        ("request_stage2", date(2026, 2, 16), {}),
        ("adjudicate_stage2", date(2026, 3, 20), {"outcome": "upheld"}),
        ("request_stage3", date(2026, 3, 23), {}),
    ]:
        move(manager, ref, name, on, **details)
    members = {"panel_members": "A. Chair\nB. Member\nC. Member"}
    known = bank_holidays()
    response = post_form(
        manager,
        f"/staff/cases/{ref}/move/set_panel",
        {"on": date_parts(date(known.last_year + 1, 5, 1)), **members},
    )
    assert errors_shown_twice(read(response)) == {
        "on": f"The portal knows the bank holidays of {known.first_year} to {known.last_year} "
        f"only: 1 May {known.last_year + 1} cannot be counted in working days."
    }
    page = move(manager, ref, "set_panel", tomorrow, **members)
    assert summary(page)["Next due"].startswith("Panel's report by ")
    response = post_form(
        manager,
        f"/staff/cases/{ref}/move/panel_report",
        {"on": date_parts(tomorrow), "panel_recommendations": "Apologise."},
    )
    assert errors_shown_twice(read(response)) == {"on": future}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("clock/pause", {"reason": "advocate"}),
        ("sufficient-interest", {"decision": "yes", "reason": "The child agreed."}),
        ("copies", {"action": "give"}),
    ],
)
def test_a_date_recorded_on_a_case_is_not_after_today(
    manager: FlaskClient, path: str, fields: dict[str, str]
) -> None:
    """Each changes the case's summary when saved (the clock paused, the decision on
    sufficient interest, the consent to copies): dated tomorrow, nothing changes."""
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    before = summary(case_page(manager, ref))
    response = post_form(
        manager, f"/staff/cases/{ref}/{path}", {"on": date_parts(tomorrow), **fields}
    )
    assert errors_shown_twice(read(response)) == {"on": "The date must be today or in the past"}
    assert summary(case_page(manager, ref)) == before


def test_a_team_is_not_thanked_tomorrow(manager: FlaskClient) -> None:
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    ref = a_complaint_received(kind=Kind.COMPLIMENT, text="Our social worker listened.")
    response = post_form(manager, f"/staff/cases/{ref}/thank", {"on": date_parts(tomorrow)})
    assert errors_shown_twice(read(response)) == {"on": "The date must be today or in the past"}
    assert "Team thanked" not in summary(case_page(manager, ref))


def test_an_unknown_move_is_not_found(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    assert manager.get(f"/staff/cases/{ref}/move/skip-to-the-end").status_code == 404


def test_stage_2_is_capped_at_65_working_days_and_the_refusal_names_the_last_date(
    manager: FlaskClient,
) -> None:
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    move(manager, ref, "request_stage2", date(2026, 2, 16))
    response = post_form(
        manager,
        f"/staff/cases/{ref}/move/extend_stage2",
        {
            "on": date_parts(date(2026, 3, 16)),
            "stage2_extended_to": date_parts(date(2026, 5, 22)),
            "stage2_extension_reason": "Waiting for the school's records.",
        },
    )
    assert errors_shown_twice(read(response)) == {
        "stage2_extended_to": "Stage 2 may take at most until 21 May 2026 (65 working days): "
        "choose an earlier date."
    }
    # A Saturday, or a bank holiday, is refused beside the date too: the person would be
    # told we reply by a day the council does not work.
    for not_worked, said in [
        (date(2026, 5, 16), "Saturday 16 May 2026"),
        (date(2026, 5, 4), "Monday 4 May 2026"),
    ]:
        response = post_form(
            manager,
            f"/staff/cases/{ref}/move/extend_stage2",
            {
                "on": date_parts(date(2026, 3, 16)),
                "stage2_extended_to": date_parts(not_worked),
                "stage2_extension_reason": "Waiting for the school's records.",
            },
        )
        assert errors_shown_twice(read(response)) == {
            "stage2_extended_to": f"{said} is not a working day (a weekend or a bank "
            "holiday): choose a working day."
        }
    assert "Stage 2 response (extended)" not in summary(case_page(manager, ref))["Next due"]
    page = move(
        manager,
        ref,
        "extend_stage2",
        date(2026, 3, 16),
        stage2_extended_to=date_parts(date(2026, 5, 21)),
        stage2_extension_reason="Waiting for the school's records.",
    )
    assert summary(page)["Next due"] == "Stage 2 response (extended) by Thursday 21 May 2026"


def test_a_late_request_for_stage_2_is_accepted_and_flagged_on_the_case(
    manager: FlaskClient,
) -> None:
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    # 20 working days after Tue 20 Jan 2026 end on Tue 17 Feb: the 18th is late.
    page = move(manager, ref, "request_stage2", date(2026, 2, 18))
    assert page.headings == [f"{ref} Stage 2"]
    assert "Stage 2 was asked for after the usual 20 working days." in page.text
    # 25 working days from Wed 18 Feb 2026.
    assert summary(page)["Next due"] == "Stage 2 response by Wednesday 25 March 2026"


def test_a_request_on_the_20th_working_day_is_not_late(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    page = move(manager, ref, "request_stage2", date(2026, 2, 17))
    assert "asked for after the usual 20 working days" not in page.text


def test_counted_from_the_agreed_statement_stage_2_and_its_longest_run_from_the_statement(
    app: Flask, manager: FlaskClient
) -> None:
    app.config["STAGE2_CLOCK_START"] = "statement"
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    page = move(manager, ref, "request_stage2", date(2026, 2, 16))
    # No statement yet: the request is all there is to count from.
    assert summary(page)["Next due"] == "Stage 2 response by Monday 23 March 2026"
    page = move(manager, ref, "agree_statement", date(2026, 3, 2))
    # 25 working days from Mon 2 Mar 2026, skipping Good Friday and Easter Monday.
    assert summary(page)["Next due"] == "Stage 2 response by Wednesday 8 April 2026"
    assert summary(page)["Stage 2 asked for"] == "Monday 16 February 2026"
    assert summary(page)["Statement of complaint agreed"] == "Monday 2 March 2026"
    # 65 working days from the statement: Friday 5 June 2026 (25 May is a holiday).
    page = move(
        manager,
        ref,
        "extend_stage2",
        date(2026, 4, 1),
        stage2_extended_to=date_parts(date(2026, 6, 5)),
        stage2_extension_reason="The independent person is ill.",
    )
    assert summary(page)["Next due"] == "Stage 2 response (extended) by Friday 5 June 2026"


def test_the_ombudsman_is_no_move_of_the_procedure_but_a_step_of_its_own(
    manager: FlaskClient,
) -> None:
    """One way to record the ombudsman's enquiry (tests/integration/test_ombudsman.py):
    the moves that once did are gone, and a closed case offers the enquiry."""
    ref = a_complaint_received()
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 6), outcome="not_upheld")
    page = move(manager, ref, "close", date(2026, 2, 10))
    assert "Record an ombudsman enquiry" in page.text
    assert "referral to the ombudsman" not in page.text
    for old in ("refer_ombudsman", "ombudsman_decision"):
        assert manager.get(f"/staff/cases/{ref}/move/{old}").status_code == 404


# --- the audit trail -----------------------------------------------------------------------------


def test_the_audit_trail_shows_each_view_and_each_change_with_the_fields_changed(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received()
    case_page(manager, ref)
    acknowledge(manager, ref)
    move(manager, ref, "accept", date(2025, 12, 22))
    page = save(
        manager,
        f"/staff/cases/{ref}/assign",
        {"team": str(team_id("Fostering")), "reason": "The carer's complaint, not the child's"},
    )
    # Newest first; each page of the case shown is a view. Fields and values in words:
    # a team's name, never its id.
    assert audit_trail(page) == [
        "manager person: viewed; ",
        "manager person: assigned; Team: Looked After Children → Fostering "
        "Why this team: The team the person chose → Re-routed by staff: The carer's "
        "complaint, not the child's Reason: The carer's complaint, not the child's",
        "manager person: viewed; ",
        "manager person: accept; Accepted on: – → 2025-12-22 Stage: Triage → Stage 1",
        "manager person: viewed; ",
        "manager person: acknowledged; Acknowledged at: – → 2025-12-22T12:00:00+00:00 "
        "Acknowledged how: – → By phone Next due on: 2025-12-24 → 2026-01-07",
        "manager person: viewed; ",
    ]
    when = table_after(page, "Audit trail")[0][0]
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d{1,2}:\d\d(am|pm)", when), when


def test_audit_events_cannot_be_changed_or_deleted(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    case_page(manager, ref)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "viewed")).one()
    event.action = "nothing to see"
    with pytest.raises(AuditTrailIsReadOnly):
        db.session.commit()
    db.session.rollback()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "viewed")).one()
    event.detail = {"changes": {"outcome": ["upheld", "not_upheld"]}}
    with pytest.raises(AuditTrailIsReadOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditTrailIsReadOnly):
        db.session.commit()
    db.session.rollback()
    kept = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.submission_id.is_not(None)))
    assert [(e.action, e.detail) for e in kept] == [("viewed", {})]


# --- two people, one case --------------------------------------------------------------------


def _hidden_fields(client: FlaskClient, url: str) -> dict[str, str]:
    page = look(client, url)
    return {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden"
    }


def _two_managers(app: Flask) -> tuple[FlaskClient, FlaskClient]:
    first, second = browser(app), browser(app)
    sign_in(first, make_staff(Role.MANAGER, email="first@council.example"))
    sign_in(second, make_staff(Role.MANAGER, email="second@council.example"))
    return first, second


def test_the_second_of_two_people_saving_the_same_case_is_refused_and_keeps_what_they_typed(
    app: Flask,
) -> None:
    ref = a_complaint_received()
    first, second = _two_managers(app)
    move(first, ref, "accept", date(2025, 12, 22))
    url = f"/staff/cases/{ref}/move/extend_stage1"
    first_form, second_form = _hidden_fields(first, url), _hidden_fields(second, url)

    saved = first.post(
        url,
        data={
            **first_form,
            "on": date_parts(date(2026, 1, 5)),
            "stage1_extension_reason": "A",
            "extension_agreement": "By phone",
        },
    )
    assert saved.status_code == 302
    typed = "Four services are involved and the complainant agreed on 6 January."
    refused = second.post(
        url,
        data={
            **second_form,
            "on": date_parts(date(2026, 1, 6)),
            "stage1_extension_reason": typed,
            "extension_agreement": "By email on 6 January",
        },
    )
    assert refused.status_code == 200
    page = read(refused)
    assert errors_shown_twice(page) == {
        "on": "Someone else changed this case while you were working on it. Nothing has been "
        "saved: check the case as it is now and save again."
    }
    assert page.value_of("stage1_extension_reason") == typed
    assert page.value_of("on") == ["6", "1", "2026"]
    shown = summary(case_page(second, ref))
    assert shown["Why extended"] == "A"
    assert shown["Stage 1 extended"] == "Monday 5 January 2026"


def test_a_change_kept_on_the_stage_s_row_alone_still_refuses_the_second_person(
    app: Flask,
) -> None:
    # Appointing investigators changes nothing due: only stage 2's row changes, and the
    # case's version must move on all the same.
    ref = a_complaint_received()
    first, second = _two_managers(app)
    move(first, ref, "accept", date(2025, 12, 22))
    move(first, ref, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    move(first, ref, "request_stage2", date(2026, 1, 22))
    url = f"/staff/cases/{ref}/move/appoint_investigators"
    first_form, second_form = _hidden_fields(first, url), _hidden_fields(second, url)
    due = summary(case_page(first, ref))["Next due"]

    people = {"investigating_officer": "Jo Reed", "independent_person": "Sam Hart"}
    saved = first.post(url, data={**first_form, "on": date_parts(date(2026, 1, 26)), **people})
    assert saved.status_code == 302
    assert summary(case_page(first, ref))["Next due"] == due
    others = {"investigating_officer": "Al Brook", "independent_person": "Kim Lowe"}
    refused = second.post(url, data={**second_form, "on": date_parts(date(2026, 1, 27)), **others})
    assert refused.status_code == 200
    assert "Someone else changed this case" in read(refused).text
    shown = summary(case_page(second, ref))
    assert (shown["Investigating officer"], shown["Independent person"]) == ("Jo Reed", "Sam Hart")


@pytest.mark.parametrize("row", ["submission", "stage", "case"])
def test_a_stale_copy_cannot_be_saved_over_a_change_whichever_row_of_the_case_it_touches(
    app: Flask, row: str
) -> None:
    # Below the form's version: the database's own check. Someone opened the case, someone
    # else saved a change to it, then the first one's change reaches the database: on the
    # submission (a purge), on a stage's row, or on the case's own row, it is refused.
    manager = browser(app)
    sign_in_as_manager(manager)
    ref = a_complaint_received()
    move(manager, ref, "accept", date(2025, 12, 22))
    db.session.remove()
    opened = Session(db.engine)
    stale = opened.scalars(sa.select(Submission).where(Submission.reference == ref)).one()
    stale.reach("stage1")  # loaded

    move(
        manager,
        ref,
        "extend_stage1",
        date(2026, 1, 5),
        stage1_extension_reason="Holidays",
        extension_agreement="Pat agreed on the phone on 5 January",
    )
    if row == "submission":
        stale.worker_name = ""
    elif row == "stage":
        response = stale.response("stage1")
        assert response is not None
        response.extension_reason = "Another reason"
    else:
        stale.case.legal_hold = True
    with pytest.raises(StaleDataError):
        opened.commit()
    opened.close()
    shown = summary(case_page(manager, ref))
    assert "Another reason" not in str(shown)
    fresh = db.session.scalars(sa.select(Submission).where(Submission.reference == ref)).one()
    assert (fresh.worker_name, fresh.case.legal_hold) == (None, False)
    assert fresh.stage_row("stage1").extension_reason == "Holidays"


def test_after_checking_the_case_the_second_person_can_save_what_they_typed(app: Flask) -> None:
    load_default_categories()
    ref = a_complaint_received()
    first, second = _two_managers(app)
    url = f"/staff/cases/{ref}/categories"
    second_form = _hidden_fields(second, url)
    save(first, url, {"categories": [_category_value(first, ref, "Delay or failed service")]})
    staff_attitude = _category_value(second, ref, "Staff attitude or conduct")
    refused = second.post(url, data={**second_form, "categories": [staff_attitude]})
    page = read(refused)
    assert "Someone else changed this case" in page.error_summary[0][1]
    assert page.value_of("categories") == staff_attitude
    # The page now carries the case as it is: pressing Save again saves the choice.
    again = second.post(url, data=page.shown_values() | {"csrf_token": page.csrf_token})
    assert again.status_code == 302
    assert summary(case_page(second, ref))["Categories"] == "Staff attitude or conduct"


def test_a_category_retired_while_a_case_carries_it_stays_on_the_case_when_another_is_added(
    manager: FlaskClient,
) -> None:
    load_default_categories()
    ref = a_complaint_received()
    url = f"/staff/cases/{ref}/categories"
    save(manager, url, {"categories": [_category_value(manager, ref, "Other")]})
    other = db.session.scalars(sa.select(Category).where(Category.slug == "other")).one()
    save(manager, f"/staff/categories/{other.id}", {"name": "Other"})  # no longer in use
    # The case's own category is still shown, ticked, and saying it is retired.
    page = look(manager, url)
    retired = _category_value(manager, ref, "Other (no longer in use)")
    assert page.value_of("categories") == retired
    page = save(
        manager,
        url,
        {"categories": [retired, _category_value(manager, ref, "Delay or failed service")]},
    )
    assert summary(page)["Categories"] == "Delay or failed service, Other"


def _category_value(client: FlaskClient, ref: str, name: str) -> str:
    page = look(client, f"/staff/cases/{ref}/categories")
    for label in page.find_all("label"):
        if label.text == name:
            box = page.by_id(label.attrs["for"])
            assert box is not None
            return box.attrs["value"]
    raise AssertionError(f"no category {name!r}")


# --- re-routing and the procedure need a reason -------------------------------------------------


def test_moving_a_case_to_another_team_needs_a_reason_and_the_case_says_who_routed_it(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received()
    url = f"/staff/cases/{ref}/assign"
    response = post_form(manager, url, {"team": str(team_id("Fostering")), "reason": ""})
    assert errors_shown_twice(read(response)) == {"reason": "Enter why you are changing the team"}
    assert summary(case_page(manager, ref))["Team"] == "Looked After Children"
    page = save(manager, url, {"team": str(team_id("Fostering")), "reason": "It is about carers"})
    assert summary(page)["Team"] == "Fostering"
    assert summary(page)["Routed by"] == "Re-routed by staff: It is about carers"


def test_assigning_a_person_in_the_same_team_needs_no_reason(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    make_staff(Role.TEAM_MEMBER, team="Looked After Children")
    page = look(manager, f"/staff/cases/{ref}/assign")
    person = next(
        e.attrs["value"]
        for e in page.find_all("option")
        if e.text == "team_member person (Looked After Children)"
    )
    page = save(
        manager,
        f"/staff/cases/{ref}/assign",
        {"team": str(team_id("Looked After Children")), "person": person},
    )
    assert summary(page)["Assigned to"] == "team_member person"
    assert summary(page)["Team"] == "Looked After Children"


def test_changing_the_procedure_needs_a_reason_and_recounts_what_is_due(
    manager: FlaskClient,
) -> None:
    ref = an_acknowledged_complaint(manager)
    move(manager, ref, "accept", date(2025, 12, 22))
    url = f"/staff/cases/{ref}/procedure"
    response = post_form(manager, url, {"procedure": "corporate", "reason": ""})
    assert errors_shown_twice(read(response)) == {"reason": "Enter why the procedure is changing"}
    page = save(manager, url, {"procedure": "corporate", "reason": "About a child protection plan"})
    assert summary(page)["Procedure"] == "The council's corporate procedure"
    # The corporate code counts 10 working days from the acknowledgement, as it was made
    # (Mon 22 Dec): Thu 8 Jan 2026.
    assert summary(page)["Next due"] == "Stage 1 response by Thursday 8 January 2026"
    assert "Reason: About a child protection plan" in audit_trail(page)[1]


# --- sufficient interest, advocacy, compliments -------------------------------------------------


def test_someone_else_gets_a_recorded_decision_on_sufficient_interest(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received(role=SubmitterRole.OTHER)
    page = case_page(manager, ref)
    assert "decide whether they have sufficient interest in the child's welfare" in page.text
    url = f"/staff/cases/{ref}/sufficient-interest"
    response = post_form(manager, url, {})
    assert errors_shown_twice(read(response)) == {
        "decision": "Select yes or no",
        "reason": "Enter the reasons",
        "on": "Enter the date",
    }
    page = save(
        manager,
        url,
        {
            "decision": "no",
            "reason": "A neighbour with no contact with the child; the child did not want it.",
            "on": date_parts(date(2025, 12, 23)),
        },
    )
    assert (
        page.notification_banner == "Success Decision recorded. Tell the person, with the reasons."
    )
    assert summary(page)["Sufficient interest"] == (
        "No: A neighbour with no contact with the child; the child did not want it."
    )
    assert audit_trail(page)[1].startswith("manager person: sufficient interest decided; ")
    assert "Sufficient interest: – → No" in audit_trail(page)[1]


def test_a_change_kept_on_the_case_s_row_alone_still_refuses_the_second_person(
    app: Flask,
) -> None:
    # The decision on sufficient interest is kept on the case's row (models/case.py)
    # alone: the version must move on all the same.
    ref = a_complaint_received(role=SubmitterRole.OTHER)
    first, second = _two_managers(app)
    url = f"/staff/cases/{ref}/sufficient-interest"
    first_form, second_form = _hidden_fields(first, url), _hidden_fields(second, url)
    on = date_parts(date(2025, 12, 23))
    saved = first.post(
        url, data={**first_form, "decision": "yes", "reason": "Her grandmother.", "on": on}
    )
    assert saved.status_code == 302
    refused = second.post(
        url, data={**second_form, "decision": "no", "reason": "A neighbour.", "on": on}
    )
    assert refused.status_code == 200
    assert "Someone else changed this case" in read(refused).text
    assert summary(case_page(second, ref))["Sufficient interest"] == "Yes: Her grandmother."


def test_an_advocacy_request_has_its_own_due_date_until_an_advocate_is_arranged(
    manager: FlaskClient,
) -> None:
    routing_rules.load_demo_rules()
    # Received Fri 19 Dec 2025: 5 working days skip Christmas and Boxing Day.
    ref = new_complaint(
        kind=Kind.ADVOCACY,
        role=SubmitterRole.CHILD,
        child_age=13,
        text="I want help to say where I want to live.",
        advocacy=AdvocacyAnswer.REQUESTED,
        when=received_at(FRI_19_DEC_2025),
    ).reference
    page = case_page(manager, ref)
    assert summary(page)["Team"] == "Advocacy provider (Coram Voice)"
    assert summary(page)["Advocacy due"] == "Tuesday 30 December 2025"
    assert summary(page)["Next due"] == "Acknowledge by Wednesday 24 December 2025"
    assert summary(page)["Also due"] == "Advocate arranged by Tuesday 30 December 2025"
    page = save(
        manager,
        f"/staff/cases/{ref}/acknowledge",
        {"how": "phone", "on": date_parts(date(2025, 12, 22))},
    )
    assert summary(page)["Next due"] == "Advocate arranged by Tuesday 30 December 2025"
    assert "Advocate arranged by 30 December 2025" in queue_row(manager, ref)
    page = save(
        manager, f"/staff/cases/{ref}/advocacy", {"status": "assigned", "advocate": "Ash Advocate"}
    )
    assert summary(page)["Advocacy"] == "Advocate assigned"
    assert summary(page)["Advocate"] == "Ash Advocate"
    assert summary(page)["Next due"] == "Nothing due"


def test_a_complaint_from_a_child_who_wants_an_advocate_shows_the_advocacy_due_date(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received(role=SubmitterRole.CHILD, advocacy=AdvocacyAnswer.ACCEPTED)
    page = case_page(manager, ref)
    assert summary(page)["Advocacy"] == "Requested: waiting for the provider"
    # 5 working days from Fri 19 Dec 2025: 22, 23, 24, 29, 30 December.
    assert summary(page)["Advocacy due"] == "Tuesday 30 December 2025"
    assert "An advocate was asked for." in page.text


def test_a_compliment_is_closed_once_the_team_has_been_thanked(manager: FlaskClient) -> None:
    ref = a_complaint_received(
        kind=Kind.COMPLIMENT, text="Our social worker listened and came every week."
    )
    assert "Compliment" in queue_row(manager, ref)
    page = save(manager, f"/staff/cases/{ref}/thank", {"on": date_parts(date(2025, 12, 22))})
    assert page.headings == [f"{ref} Closed"]
    assert summary(page)["Team thanked"] == "Monday 22 December 2025"
    assert "Record that the team was thanked" not in page.text
    assert ref not in look(manager, "/staff/").text


# --- categories, points, lessons ------------------------------------------------------------


def test_the_ten_default_categories_can_be_set_on_a_complaint(manager: FlaskClient) -> None:
    load_default_categories()
    ref = a_complaint_received()
    page = look(manager, f"/staff/cases/{ref}/categories")
    offered = [e.text for e in page.find_all("label") if "govuk-checkboxes__label" in e.classes]
    assert offered == [
        "About legislation",
        "About policy",
        "Breach of confidentiality",
        "Broken promise or appointment",
        "Delay or failed service",
        "Denial, withdrawal or change of service",
        "Lack of or incorrect information",
        "Not to standard",
        "Staff attitude or conduct",
        "Other",
    ]
    page = save(
        manager,
        f"/staff/cases/{ref}/categories",
        {
            "categories": [
                _category_value(manager, ref, "Staff attitude or conduct"),
                _category_value(manager, ref, "Delay or failed service"),
            ]
        },
    )
    assert summary(page)["Categories"] == "Delay or failed service, Staff attitude or conduct"
    assert audit_trail(page)[1] == (
        "manager person: categories set; "
        "Categories: – → Delay or failed service, Staff attitude or conduct"
    )


def test_complaint_points_are_added_with_their_findings(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    url = f"/staff/cases/{ref}/points"
    assert errors_shown_twice(read(post_form(manager, url, {}))) == {
        "stage": "Select the stage",
        "summary": "Enter the complaint point",
        "outcome": "Select the finding",
    }
    save(manager, url, {"stage": "1", "summary": "Nobody came to the review.", "outcome": "upheld"})
    page = save(
        manager, url, {"stage": "1", "summary": "Letters were late.", "outcome": "no_finding"}
    )
    assert table_after(page, "Complaint points") == [
        ["1", "Nobody came to the review.", "Upheld"],
        ["1", "Letters were late.", "No finding"],
    ]


def test_lessons_learned_are_added_with_the_action_and_its_date(manager: FlaskClient) -> None:
    ref = a_complaint_received()
    url = f"/staff/cases/{ref}/lessons"
    assert errors_shown_twice(read(post_form(manager, url, {}))) == {
        "lesson": "Enter what was learned",
        "action": "Enter the action",
    }
    page = save(
        manager,
        url,
        {
            "lesson": "Reviews were booked without the family",
            "action": "Book reviews with the family",
            "due": date_parts(date(2026, 3, 31)),
        },
    )
    assert (
        "Reviews were booked without the family. Action: Book reviews with the family "
        "by 31 March 2026" in page.text
    )
    assert audit_trail(page)[1] == "manager person: lesson added; "


# --- acknowledging without email -----------------------------------------------------------------


def test_a_submission_without_email_gets_a_letter_and_recording_a_phone_call_closes_the_task(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received(email=None, address="12 Mill Lane, Northmoor")
    page = case_page(manager, ref)
    assert (
        "To do" in [h.text for h in page.find_all("h2")]
        and "Acknowledge by phone or letter by Wednesday 24 December 2025." in page.text
    )
    letter = look(manager, page.link_to("Print the acknowledgement letter"))
    assert letter.headings == ["Acknowledgement letter"]
    assert f"Our reference: {ref}" in letter.text
    assert "Dear Pat Parent," in letter.text
    assert "received your complaint on Friday 19 December 2025" in letter.text
    assert (
        "We will respond by Wednesday 7 January 2026. If the complaint is complex, we may "
        "need until Wednesday 21 January 2026" in letter.text
    )
    page = save(
        manager,
        f"/staff/cases/{ref}/acknowledge",
        {"how": "phone", "on": date_parts(date(2025, 12, 23))},
    )
    assert "To do" not in [h.text for h in page.find_all("h2")]
    assert summary(page)["Acknowledged"] == "Tuesday 23 December 2025 (by phone)"
    assert audit_trail(page)[1:4] == [
        "manager person: acknowledged; Acknowledged at: – → 2025-12-23T12:00:00+00:00 "
        "Acknowledged how: – → By phone Next due on: 2025-12-24 → 2026-01-07",
        "manager person: letter printed; ",
        "manager person: viewed; ",
    ]


def test_an_acknowledgement_cannot_be_dated_before_the_submission_arrived(
    manager: FlaskClient,
) -> None:
    ref = a_complaint_received(email=None)
    response = post_form(
        manager,
        f"/staff/cases/{ref}/acknowledge",
        {"how": "letter", "on": date_parts(date(2025, 12, 18))},
    )
    assert errors_shown_twice(read(response)) == {
        "on": "The acknowledgement cannot be before the submission was received"
    }


def test_the_case_shows_the_help_the_person_asked_for_in_words(
    app: Flask, manager: FlaskClient
) -> None:
    case = new_complaint(when=received_at(FRI_19_DEC_2025))
    case.support_needs = ["interpreter", "large_print", "other"]
    case.interpreter_language = "Polish"
    case.other_support = "Meetings in the afternoon"
    db.session.commit()
    shown = summary(case_page(manager, case.reference))
    assert shown["Support needed"] == (
        "An interpreter (Polish); Large print; Something else: Meetings in the afternoon"
    )
