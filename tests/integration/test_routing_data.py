"""Send reads the teams and routing rules kept by its worker process
(services/routing_data.py), and reads them again as soon as anyone changes them: a change
saved by another worker applies to the very next submission, and a change made in bulk
as much as one made row by row."""

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, page_of, team_id

from portal.extensions import db
from portal.models import Case, OutboxMessage, RoutingMark, RoutingRule, Submission, Team


def send_complaint(client: FlaskClient, answers: dict[str, Any] | None = None) -> Submission:
    journey = Journey(client, "complaint")
    journey.fill(answers or answers_for("complaint", "parent"))
    page = journey.send_and_confirm()
    assert page.status == 200
    db.session.rollback()
    return db.session.scalars(sa.select(Submission).order_by(Submission.id.desc()).limit(1)).one()


def team_note_to(submission: Submission) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.recipient).where(
                OutboxMessage.submission_id == submission.id,
                OutboxMessage.purpose == "team_notification",
            )
        )
    )


def statements_during(client: FlaskClient) -> list[str]:
    answers = answers_for("complaint", "parent")  # the test's own reading of the teams
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        send_complaint(client, answers)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_send_reads_the_teams_and_rules_only_when_they_changed(
    app: Flask, client: FlaskClient
) -> None:
    # Loading the demo teams moved the mark on.
    assert db.session.scalar(sa.select(RoutingMark.token))
    send_complaint(client)
    again = statements_during(client)
    assert not [s for s in again if "FROM teams" in s or "FROM routing_rules" in s]
    assert [s for s in again if "FROM routing_marks" in s]


def test_a_change_saved_by_another_worker_applies_to_the_next_submission(
    app: Flask, client: FlaskClient
) -> None:
    first = send_complaint(client)  # the teams and rules are now kept by this process
    chosen = db.session.get(Team, int(team_id("Children in care")))
    assert chosen is not None and first.case.team_id == chosen.id
    assert team_note_to(first) == [chosen.inbox_email]

    # Another worker's session: its commit is all this process hears of the change.
    with sa.orm.Session(db.engine) as elsewhere:
        leaving = elsewhere.scalars(sa.select(Team).where(Team.name == "Leaving Care")).one()
        elsewhere.add(
            RoutingRule(position=1, name="Everything to leaving care", team_id=leaving.id)
        )
        elsewhere.get_one(Team, leaving.id).inbox_email = "new-inbox@leaving.example"
        elsewhere.commit()

    second = send_complaint(client)
    assert second.case.routing_reason == "Everything to leaving care"
    assert db.session.get_one(Case, second.id).team.name == "Leaving Care"
    assert team_note_to(second) == ["new-inbox@leaving.example"]


def test_a_team_renamed_in_bulk_is_offered_by_its_new_name(app: Flask, client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    before = page_of(client.get("/make-a-complaint/what-it-is-about"))
    assert "Children in care" in before.text
    with sa.orm.Session(db.engine) as elsewhere:
        elsewhere.execute(
            sa.update(Team)
            .where(Team.public_name == "Children in care")
            .values(public_name="Children looked after")
        )
        elsewhere.commit()
    db.session.rollback()  # the test's session: each request has a transaction of its own
    after = page_of(client.get("/make-a-complaint/what-it-is-about"))
    assert "Children looked after" in after.text
    assert "Children in care" not in after.text
