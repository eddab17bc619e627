"""Recording a submission: its reference, its flags, and the date it must be
acknowledged by, in England and in Wales."""

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import (
    Journey,
    answers_for,
    date_parts,
    in_words,
    london_today,
    only_submission,
    page_of,
    submissions,
    team_id,
)

from portal.domain.clock import add_working_days
from portal.domain.types import ContactPreference, Kind, SubmitterRole, WhenItHappened
from portal.services.intake import NewSubmission, record_submission


def a_complaint(**changes: object) -> NewSubmission:
    fields: dict[str, object] = {
        "kind": Kind.COMPLAINT,
        "role": SubmitterRole.PARENT,
        "name": "Alex Morgan",
        "contact_preference": ContactPreference.EMAIL,
        "email": "alex@example.com",
        "what_happened": "Nobody came to the review.",
        "team_id": int(team_id()),
    }
    return NewSubmission(**(fields | changes))  # type: ignore[arg-type]


def show_confirmation(client: FlaskClient, reference: str, journey: str) -> str:
    """The confirmation page as the person who sent `reference` sees it."""
    with client.session_transaction() as session:
        session["submitted"] = reference
    return page_of(client.get(f"/{journey}/confirmation")).text


# --- the acknowledgement date -----------------------------------------------------------


@pytest.mark.parametrize(
    "received_at, acknowledge_by",
    [
        # Fri 19 Dec 2025 + 3 working days: Mon 22, Tue 23, Wed 24 (domain.md's example).
        (datetime(2025, 12, 19, 10, 0, tzinfo=UTC), date(2025, 12, 24)),
        # Wed 24 Dec 2025: Christmas, Boxing Day and a weekend, then Mon 29 to Wed 31.
        (datetime(2025, 12, 24, 16, 30, tzinfo=UTC), date(2025, 12, 31)),
        # Wed 23 Dec 2026: Thu 24, then 25 Dec, the weekend and Mon 28 (substitute), Tue 29,
        # Wed 30.
        (datetime(2026, 12, 23, 9, 0, tzinfo=UTC), date(2026, 12, 30)),
        # 23:30 UTC on Tue 30 Jun 2026 is already Wed 1 Jul in London (BST): count from
        # the Wednesday, to Mon 6 Jul.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 6)),
        # 23:30 UTC on Thu 31 Dec 2026 is still Thursday in London (GMT): Mon 4, Tue 5,
        # Wed 6 Jan (Fri 1 Jan is a bank holiday).
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 6)),
    ],
)
def test_the_acknowledgement_date_is_three_working_days_after_receipt_in_london(
    client: FlaskClient, received_at: datetime, acknowledge_by: date
) -> None:
    stored = record_submission(a_complaint(), now=received_at)

    assert stored.received_at == received_at
    assert stored.acknowledge_by == acknowledge_by
    page = show_confirmation(client, stored.reference, "make-a-complaint")
    assert f"by {in_words(acknowledge_by)}" in page


def test_the_confirmation_says_the_date_in_words(client: FlaskClient) -> None:
    stored = record_submission(a_complaint(), now=datetime(2025, 12, 24, 11, tzinfo=UTC))

    page = show_confirmation(client, stored.reference, "make-a-complaint")

    assert "by Wednesday 31 December 2025" in page
    assert stored.reference in page


def test_the_council_can_set_a_longer_target_in_england(app: Flask) -> None:
    app.config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"] = 5

    stored = record_submission(a_complaint(), now=datetime(2025, 12, 19, 10, tzinfo=UTC))

    # Mon 22, Tue 23, Wed 24, Mon 29, Tue 30 December.
    assert stored.acknowledge_by == date(2025, 12, 30)
    assert stored.acknowledge_by_statutory is None


def test_in_wales_the_acknowledgement_is_due_in_two_working_days(
    app: Flask, client: FlaskClient
) -> None:
    app.config["JURISDICTION"] = "wales"

    stored = record_submission(a_complaint(), now=datetime(2026, 12, 23, 9, tzinfo=UTC))

    # Wed 23 Dec 2026: Thu 24, then Christmas, the weekend and the substitute day, Tue 29.
    assert stored.acknowledge_by == date(2026, 12, 29)
    assert stored.acknowledge_by_statutory == date(2026, 12, 29)
    assert stored.jurisdiction == "wales"
    page = show_confirmation(client, stored.reference, "make-a-complaint")
    assert "by Tuesday 29 December 2026" in page


def test_in_wales_a_council_target_of_three_days_still_gives_two(app: Flask) -> None:
    app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=3)

    stored = record_submission(a_complaint(), now=datetime(2025, 12, 19, 10, tzinfo=UTC))

    assert stored.acknowledge_by == date(2025, 12, 23)
    assert stored.acknowledge_by_statutory == date(2025, 12, 23)


def test_a_complaint_sent_through_the_form_in_wales_is_due_in_two_working_days(
    app: Flask, client: FlaskClient
) -> None:
    app.config["JURISDICTION"] = "wales"
    journey = Journey(client, "complaint")

    journey.fill(answers_for("complaint", "child"))
    confirmation = journey.send_and_confirm()

    stored = only_submission()
    assert stored.jurisdiction == "wales"
    assert stored.acknowledge_by == add_working_days(stored.received_on, 2)
    assert stored.acknowledge_by_statutory == stored.acknowledge_by
    assert f"by {in_words(stored.acknowledge_by)}" in confirmation.text


# --- the time limit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "what_happened",
    [
        {"when_it_happened": "over_a_year", "event_date": ["", "", ""]},
        {"when_it_happened": "not_sure", "event_date": date_parts(date(2020, 5, 1))},
    ],
    ids=["said more than a year ago", "gave a date more than a year ago"],
)
def test_a_complaint_about_events_over_a_year_ago_is_accepted_and_flagged(
    client: FlaskClient, what_happened: dict[str, object]
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    answers["what-happened"] = {"what_happened": "It happened a long time ago.", **what_happened}  # type: ignore[dict-item]
    journey.fill(answers)

    confirmation = journey.send_and_confirm()

    stored = only_submission()
    assert stored.reference in confirmation.text
    assert "outside_time_limit" in stored.flags
    assert "We have got your complaint" in confirmation.headings


def test_a_complaint_within_the_year_is_not_flagged(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    within = london_today() - timedelta(days=360)
    answers = answers_for("complaint", "parent")
    answers["what-happened"] = {
        "what_happened": "It happened last winter.",
        "when_it_happened": "last_year",
        "event_date": date_parts(within),
    }
    journey.fill(answers)
    journey.send_and_confirm()

    assert "outside_time_limit" not in only_submission().flags


def test_something_wrong_from_long_ago_is_not_flagged_as_late(client: FlaskClient) -> None:
    journey = Journey(client, "representation")
    answers = answers_for("representation", "parent")
    answers["what-happened"] = {
        "what_happened": "Years ago.",
        "when_it_happened": WhenItHappened.OVER_A_YEAR.value,
    }
    journey.fill(answers)
    journey.send_and_confirm()

    assert "outside_time_limit" not in only_submission().flags


# --- references -------------------------------------------------------------------------


def test_references_are_numbered_within_the_year_of_receipt(client: FlaskClient) -> None:
    first = record_submission(a_complaint(), now=datetime(2026, 12, 31, 12, tzinfo=UTC))
    second = record_submission(a_complaint(), now=datetime(2026, 12, 31, 13, tzinfo=UTC))
    # 00:30 on 1 January in London: a new year, so the count starts again.
    third = record_submission(a_complaint(), now=datetime(2027, 1, 1, 0, 30, tzinfo=UTC))

    assert [first.reference, second.reference, third.reference] == [
        "CSC-2026-0001",
        "CSC-2026-0002",
        "CSC-2027-0001",
    ]


def test_references_use_the_councils_prefix(app: Flask) -> None:
    app.config["REFERENCE_PREFIX"] = "NBC"
    stored = record_submission(a_complaint(), now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert stored.reference == "NBC-2026-0001"


SENDERS = 24


def test_submissions_recorded_at_the_same_instant_get_distinct_consecutive_references(
    app: Flask,
) -> None:
    same_instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    # Built beforehand: each thread touches the database only to record its submission.
    complaints = [a_complaint(name=f"Sender {n}") for n in range(SENDERS)]
    start = threading.Barrier(SENDERS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        try:
            with app.app_context():
                new = complaints[n]
                start.wait(timeout=30)
                stored = record_submission(new, now=same_instant)
                with lock:
                    references.append(stored.reference)
        except BaseException as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(references) == SENDERS
    assert len(set(references)) == SENDERS
    assert all(re.fullmatch(r"CSC-2026-\d{4}", ref) for ref in references)
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, SENDERS + 1))
    assert sorted(s.reference for s in submissions()) == sorted(references)
