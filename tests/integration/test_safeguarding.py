"""Danger is never left in a queue: the child sees what to do at once, staff are alerted
ahead of every other email, and the child's own acknowledgement says nothing of it."""

import sqlalchemy as sa
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, only_submission, page_of

from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import outbox

DANGER_TEXT = "My stepdad HITS ME and I am scared to go home"


def walk(journey: Journey, answers: dict) -> list[str]:
    """Answer every page; note each time the portal shows the get-help-now page."""
    shown_help = []
    step = "who-are-you"
    while step != "check-answers":
        response = journey.post(step, answers[step])
        assert response.status_code == 302, (step, page_of(response).error_summary)
        location = response.location
        if "/get-help-now" in location:
            page = page_of(journey.client.get(location))
            assert "Childline: 0800 1111" in page.text and "999" in page.text
            shown_help.append(step)
            location = page.link_to("Carry on")
        step = location.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return shown_help


def test_words_of_danger_show_the_help_page_at_once_and_alert_staff_first(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for(
        "complaint",
        "child",
        what_happened={"what_happened": DANGER_TEXT, "when_it_happened": "still_happening"},
    )
    assert walk(journey, answers) == ["what-happened"]
    journey.send_and_confirm()

    submission = only_submission()
    assert submission.urgent
    # Staff are told why in plain words, with the sentence as it was written.
    assert submission.danger_signs == [f"someone hurting a child: “{DANGER_TEXT}”"]
    alerts = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "safeguarding_alert")
    ).all()
    assert {a.recipient for a in alerts} == {
        "first.response@northmoor.example",
        "complaints.manager@northmoor.example",
    }
    # The alerts are claimed before the acknowledgement and the staff notes.
    first = outbox.claim(len(alerts))
    assert {m.purpose for m in first} == {"safeguarding_alert"}

    acknowledgement = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    ).one()
    for body in (acknowledgement.text_body, acknowledgement.html_body, acknowledgement.subject):
        lowered = body.lower()
        assert "hits me" not in lowered and "scared" not in lowered
        assert "danger" not in lowered and "urgent" not in lowered


def test_answering_yes_to_the_danger_question_shows_help_and_the_child_can_still_send(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "representation")
    answers = answers_for("representation", "child", are_you_safe={"in_danger": "yes"})
    assert walk(journey, answers) == ["are-you-safe"]
    journey.send_and_confirm()
    assert only_submission().urgent


def test_an_ordinary_complaint_is_not_urgent(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    assert walk(journey, answers_for("complaint", "child")) == []
    journey.send_and_confirm()
    assert not only_submission().urgent
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.purpose == "safeguarding_alert")
        )
        == 0
    )
