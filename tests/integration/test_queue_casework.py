"""The queue for a complaints team's week (issue 16): "My cases", the CSV export of the
queue as it is filtered, and assigning several cases at once."""

import codecs
import csv
import io

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    errors_shown_twice,
    look,
    make_staff,
    new_complaint,
    post_form,
    queue_references,
    read,
    save,
    sign_in,
    table_after,
    team_id,
)
from flask import Flask
from journey_helpers import Page

from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, Case, Staff, Submission, Team
from portal.services import cases, teams


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
    rows = spreadsheet_rows(response.data)
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


def spreadsheet_rows(data: bytes) -> list[list[str]]:
    """The CSV as a spreadsheet opens it: UTF-8 only when it starts with the byte order
    mark (Excel reads a file without one in the computer's code page, Windows-1252)."""
    text = data.decode("utf-8-sig") if data.startswith(codecs.BOM_UTF8) else data.decode("cp1252")
    return list(csv.reader(io.StringIO(text)))


def test_a_downloaded_queue_keeps_welsh_and_irish_letters_as_typed(app: Flask) -> None:
    teams.load_default_categories()
    welsh = "Tîm Gadael Gofal (Siân Ó Súilleabháin), ŵ ŷ"
    db.session.execute(sa.update(Team).where(Team.name == "Leaving Care").values(name=welsh))
    db.session.commit()
    case = new_complaint(team=welsh)
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    rows = spreadsheet_rows(client.get("/staff/queue.csv").data)
    assert rows[0][0] == "Reference"
    assert [row[6] for row in rows if row[0] == case.reference] == [welsh]


def test_a_team_member_exports_only_their_own_teams_cases(app: Flask) -> None:
    teams.load_default_categories()
    ours = new_complaint(team="Looked After Children")
    theirs = new_complaint(team="Fostering")
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    text = client.get("/staff/queue.csv").get_data(as_text=True)
    assert ours.reference in text and theirs.reference not in text


def checkbox_values(page: Page) -> dict[str, str]:
    """The queue's "Select" boxes: reference -> the value sent (reference@version)."""
    return {
        e.attrs["value"].rpartition("@")[0]: e.attrs["value"]
        for e in page.find_all("input")
        if e.attrs.get("name") == "cases" and e.attrs.get("form") == "bulk-assign"
    }


def test_bulk_assign_does_each_case_it_can_and_says_why_not_for_the_others(app: Flask) -> None:
    teams.load_default_categories()
    worker = make_staff(Role.TEAM_MEMBER, team="Looked After Children", email="w@council.example")
    first, second, stale = (new_complaint() for _ in range(3))
    elsewhere = new_complaint(team="Fostering")
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    queue = look(client, "/staff/")
    boxes = checkbox_values(queue)
    # Someone else changes one case after the queue was opened.
    db.session.execute(
        sa.update(Case).where(Case.submission_id == stale.id).values(version=Case.version + 1)
    )
    db.session.commit()
    form = next(e for e in queue.find_all("form") if e.attrs.get("id") == "bulk-assign")
    response = client.post(
        form.attrs["action"],
        data={
            "csrf_token": queue.csrf_token,
            "cases": [boxes[c.reference] for c in (first, second, stale, elsewhere)],
            "person": str(staff_id(worker)),
        },
    )
    page = read(response)
    assert response.status_code == 200 and not page.error_summary
    assert "2 cases assigned" in page.text
    refused = dict(table_after(page, "Not assigned: 2"))
    assert "Someone else changed this case" in refused[stale.reference]
    assert refused[elsewhere.reference].startswith("team_member person is not in Fostering")
    assigned = dict(db.session.execute(sa.select(Case.submission_id, Case.assigned_staff_id)).all())
    assert assigned[first.id] == assigned[second.id] == staff_id(worker)
    assert assigned[stale.id] is None and assigned[elsewhere.id] is None
    # Each case done is its own change in its own trail.
    events = db.session.execute(
        sa.select(AuditEvent.submission_id).where(AuditEvent.action == "assigned")
    ).scalars()
    assert sorted(events) == sorted([first.id, second.id])


def test_bulk_assign_moves_cases_to_a_team_only_with_a_reason(app: Flask) -> None:
    teams.load_default_categories()
    cases = [new_complaint(), new_complaint()]
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    queue = look(client, "/staff/")
    boxes = checkbox_values(queue)
    data = {
        "csrf_token": queue.csrf_token,
        "cases": [boxes[c.reference] for c in cases],
        "team": str(team_id("Fostering")),
    }
    page = read(client.post("/staff/bulk-assign", data=data))
    assert dict(table_after(page, "Not assigned: 2")) == {
        c.reference: "Enter why you are changing the team" for c in cases
    }
    page = read(client.post("/staff/bulk-assign", data={**data, "reason": "About carers"}))
    assert "2 cases assigned" in page.text
    teams_now = set(db.session.scalars(sa.select(Case.team_id)))
    assert teams_now == {team_id("Fostering")}


def test_bulk_assign_with_nothing_chosen_says_so_in_the_error_summary(app: Flask) -> None:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    token = look(client, "/staff/").csrf_token
    page = read(client.post("/staff/bulk-assign", data={"csrf_token": token, "team": ""}))
    assert errors_shown_twice(page) == {"cases": "Select the cases to assign"}


def test_a_case_is_never_assigned_to_an_auditor_nor_outside_its_team(app: Flask) -> None:
    teams.load_default_categories()
    case = new_complaint()
    auditor = make_staff(Role.AUDITOR)
    fosterer = make_staff(Role.TEAM_MEMBER, team="Fostering")
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    url = f"/staff/cases/{case.reference}/assign"
    options = [e.text for e in look(client, url).find_all("option")]
    assert "team_member person (Fostering)" in options and "auditor person" not in options
    chosen = {"team": str(team_id("Looked After Children")), "person": str(staff_id(fosterer))}
    shown = errors_shown_twice(read(post_form(client, url, chosen)))
    assert shown == {
        "person": "team_member person is not in Looked After Children: select a member of "
        "the case's team, or move the case to their team and say why"
    }
    # The use case refuses an auditor however it is asked (the form offers none).
    manager = db.session.scalars(sa.select(Staff).where(Staff.role == "manager")).one()
    with pytest.raises(cases.AssigneeRefused, match="auditor person is an auditor"):
        cases.assign(
            manager,
            db.session.get(Submission, case.id),
            team_id=None,
            person_id=staff_id(auditor),
            reason="",
            version=case.case.version,
        )
    # Moved to their team, with a reason, the case may go to them.
    save(
        client,
        url,
        {"team": str(team_id("Fostering")), "person": str(staff_id(fosterer)), "reason": "Carers"},
    )


def test_a_case_sent_with_a_version_in_other_digits_is_no_server_error(app: Flask) -> None:
    """What a checkbox sends is "<reference>@<version>"; a version that is a "digit" int()
    refuses ("²", as a hand-made request may send) is no version, not an error page."""
    teams.load_default_categories()
    case = new_complaint()
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    token = look(client, "/staff/").csrf_token
    response = client.post(
        "/staff/bulk-assign",
        data={
            "csrf_token": token,
            "cases": [f"{case.reference}@\u00b2"],
            "team": str(team_id("Fostering")),
            "reason": "About carers",
        },
    )
    assert response.status_code == 200, response.status_code
    assert errors_shown_twice(read(response)) == {"cases": "Select the cases to assign"}
