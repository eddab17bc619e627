"""Staff read words, never the codes the portal stores: a case holding a value of every
kind, its audit trail, the queue and the annual report, in words (domain/labels.py)."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    date_parts,
    look,
    move,
    received_at,
    save,
    sign_in_as_manager,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain import labels
from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ContactPreference,
    Kind,
    SubmitterRole,
    WhenItHappened,
)
from portal.extensions import db
from portal.models import Staff
from portal.services import intake

# Any word_with_underscores: what a stored code looks like.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
EVERY_CODE = {
    str(value) for words in labels.LABELS.values() for value in words if "_" in str(value)
} | set(labels.FIELDS)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


def a_case_with_a_value_of_every_kind() -> str:
    """From an advocate, for a child not sure about it, about something still happening,
    with no email address (so flagged), asking for easy read letters."""
    return intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.ADVOCATE,
            name="Ash Advocate",
            organisation="Speak Up Advocacy",
            contact_preference=ContactPreference.PHONE,
            phone="07700 900982",
            what_happened="Sam has not seen a social worker for three months.",
            put_right="A social worker who visits.",
            child_name="Sam",
            child_age=12,
            child_agreement=ChildAgreement.NOT_SURE,
            child_reply_preference="through_me",
            when_it_happened=WhenItHappened.STILL_HAPPENING,
            team_id=team_id("Looked After Children"),
            support_needs=["easy_read", "large_print"],
            advocacy=AdvocacyAnswer.FILED_BY_ADVOCATE,
        ),
        now=received_at(date(2025, 12, 19)),
    ).reference


def staff_id(name: str) -> int:
    return db.session.scalars(sa.select(Staff.id).where(Staff.name == name)).one()


def codes_in(text: str) -> set[str]:
    return set(CODE.findall(text))


def test_a_case_page_shows_every_value_in_words_and_no_code(manager: FlaskClient) -> None:
    ref = a_case_with_a_value_of_every_kind()
    save(
        manager,
        f"/staff/cases/{ref}/acknowledge",
        {"how": "in_person", "on": date_parts(date(2025, 12, 22))},
    )
    save(
        manager,
        f"/staff/cases/{ref}/assign",
        {
            "team": str(team_id("Fostering")),
            "person": str(staff_id("manager person")),
            "reason": "It is about the foster placement",
        },
    )
    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 6), outcome="partially_upheld")
    page = case_page(manager, ref)

    assert codes_in(page.text) == set(), codes_in(page.text)
    for words in [
        "It is still happening",
        "I'm not sure",
        "Sent by their advocate",
        "Phone",
        "Easy read letters; Large print",
        "(in person)",
        "Partially upheld",
        "Team: Looked After Children → Fostering",
        "Assigned to: – → manager person",
        "Stage: Triage → Stage 1",
        "Acknowledged how: – → In person",
        labels.FLAG_DESCRIPTIONS["acknowledge_without_email"],
    ]:
        assert words in page.text, words


def test_the_queue_and_the_report_show_words_not_codes(manager: FlaskClient) -> None:
    ref = a_case_with_a_value_of_every_kind()
    queue = look(manager, "/staff/")
    assert ref in queue.text
    assert codes_in(queue.text) & EVERY_CODE == set(), codes_in(queue.text)
    assert "Complaint" in queue.text and "Triage" in queue.text

    move(manager, ref, "accept", date(2025, 12, 22))
    move(manager, ref, "respond_stage1", date(2026, 1, 6), outcome="partially_upheld")
    report = look(manager, "/staff/reports/annual?from=2025-04-01&to=2026-03-31")
    assert codes_in(report.text) & EVERY_CODE == set(), codes_in(report.text)
    assert "Partially upheld" in report.text
    assert "Advocate, for a child" in report.text
