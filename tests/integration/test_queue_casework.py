"""The queue for a complaints team's week (issue 16): "My cases", the CSV export of the
queue as it is filtered, and assigning several cases at once."""

import csv
import io

import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    look,
    make_staff,
    new_complaint,
    queue_references,
    sign_in,
    team_id,
)
from flask import Flask

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Case, Staff, Submission, Team
from portal.services import teams


def staff_id(email: str) -> int:
    found = db.session.scalar(sa.select(Staff.id).where(Staff.email == email))
    assert found is not None
    return found


def assign_directly(case: Submission, email: str) -> None:
    db.session.execute(
        sa.update(Case)
        .where(Case.submission_id == case.id)
        .values(assigned_staff_id=staff_id(email))
    )
    db.session.commit()


def test_my_cases_are_the_open_cases_assigned_to_me(app: Flask) -> None:
    teams.load_default_categories()
    me = make_staff(Role.TEAM_MEMBER, team="Looked After Children", email="me@council.example")
    colleague = make_staff(
        Role.TEAM_MEMBER, team="Looked After Children", email="them@council.example"
    )
    mine, theirs, nobodys, closed = (new_complaint() for _ in range(4))
    assign_directly(mine, me)
    assign_directly(closed, me)
    assign_directly(theirs, colleague)
    db.session.execute(
        sa.update(Case).where(Case.submission_id == closed.id).values(stage="closed")
    )
    db.session.commit()
    client = browser(app)
    sign_in(client, me)
    queue = look(client, "/staff/")
    link = next(e for e in queue.find_all("a") if e.text == "My cases")
    page = look(client, link.attrs["href"])
    assert page.title.startswith("My cases")
    assert queue_references(page) == [mine.reference]
    # The same columns as the queue.
    headers = [e.text for e in page.find_all("th") if e.attrs.get("scope") == "col"]
    assert headers[:7] == ["Reference", "Kind", "Received", "Next due", "Status", "Team", "Stage"]
    assert set(queue_references(queue)) == {mine.reference, theirs.reference, nobodys.reference}
    # Auditors are never assignees: they have no "My cases".
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    assert "My cases" not in [e.text for e in look(auditor, "/staff/").find_all("a")]


def test_the_csv_export_is_the_queue_as_filtered_and_audited_and_no_cell_is_a_formula(
    app: Flask,
) -> None:
    teams.load_default_categories()
    # A team's name is typed by a manager: in a spreadsheet it must stay text.
    db.session.execute(
        sa.update(Team)
        .where(Team.name == "Fostering")
        .values(name='=HYPERLINK("http://evil.example","Fostering")')
    )
    db.session.commit()
    fostering = [new_complaint(team='=HYPERLINK("http://evil.example","Fostering")')]
    other = new_complaint(team="Looked After Children")
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    queue = look(client, f"/staff/?team={team_id(fostering[0].team.name)}")
    link = next(e for e in queue.find_all("a") if e.text.startswith("Download"))
    response = client.get(link.attrs["href"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Reference", "Kind", "Received"]
    assert [row[0] for row in rows[1:]] == [fostering[0].reference]
    assert rows[1][6] == '\'=HYPERLINK("http://evil.example","Fostering")'
    assert other.reference not in response.get_data(as_text=True)
    exported = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "queue_exported")
    ).one()
    assert exported.detail == {
        "filters": {"team_id": team_id(fostering[0].team.name)},
        "rows": 1,
    }


def test_a_team_member_exports_only_their_own_teams_cases(app: Flask) -> None:
    teams.load_default_categories()
    ours = new_complaint(team="Looked After Children")
    theirs = new_complaint(team="Fostering")
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    text = client.get("/staff/queue-export").get_data(as_text=True)
    assert ours.reference in text and theirs.reference not in text
