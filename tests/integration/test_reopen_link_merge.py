"""Reopening a closed case, linking related cases and merging a duplicate (issue 16):
who may, what the case page and the audit trail then say, and what is refused."""

from datetime import date

import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    errors_shown_twice,
    look,
    make_staff,
    move,
    new_complaint,
    post_form,
    read,
    save,
    sign_in,
    table_after,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Case, CaseLink, CaseReopening, Staff, Submission
from portal.services import clock, subject_access


def signed_in(app: Flask, role: Role, team: str = "Looked After Children") -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(role, team=team))
    return client


def case_row(reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Case)
        .join(Submission, Submission.id == Case.submission_id)
        .where(Submission.reference == reference)
    ).one()


def found(reference: str) -> Submission:
    return db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()


def closed_at_stage1(client: FlaskClient) -> str:
    reference = new_complaint().reference
    today = date.today()
    move(client, reference, "accept", today)
    move(client, reference, "close", today)
    assert case_row(reference).stage == "closed"
    return reference


# --- reopening ---------------------------------------------------------------------------


def test_a_closed_case_reopened_goes_back_to_its_stage_with_the_reason_kept(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    reference = closed_at_stage1(caseworker)
    assert "Reopen the case" in case_page(caseworker, reference).text

    page = save(
        caseworker,
        f"/staff/cases/{reference}/reopen",
        {"reason": "ombudsman", "words": "Their letter of 2 December"},
    )
    assert "Case reopened: back at stage 1." in page.notification_banner
    row = case_row(reference)
    assert row.stage == "stage1" and row.closed_on is None
    # The clock's due date is worked out again: stage 1's response is owed.
    assert row.next_due_on is not None and row.stage1_due is not None
    assert "Stage 1 response" in [due.what for due in clock.owed(found(reference))]
    [reopened] = table_after(page, "Reopened")
    assert "The ombudsman asked us to look again: Their letter of 2 December" in reopened
    assert f"Closed on {date.today():%A %-d %B %Y}" in reopened
    assert reopened[-1] == "Stage 1"
    trail = audit_trail(page)
    assert any(
        e.startswith("team_member person: reopened;") and "Closed → Stage 1" in e for e in trail
    )
    stored = db.session.scalars(sa.select(CaseReopening)).one()
    assert (stored.reason, stored.ended_how, stored.to_stage) == ("ombudsman", "closed", "stage1")
    # An open case cannot be reopened: the link goes, and a POST is refused beside the stage.
    assert "Reopen the case" not in case_page(caseworker, reference).text
    refused = read(post_form(caseworker, f"/staff/cases/{reference}/reopen", {"reason": "other"}))
    assert refused.status == 200
    assert db.session.scalar(sa.select(sa.func.count(CaseReopening.id))) == 1


def test_another_reason_needs_its_words_and_auditors_cannot_reopen(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    reference = closed_at_stage1(caseworker)
    page = read(post_form(caseworker, f"/staff/cases/{reference}/reopen", {"reason": "other"}))
    assert errors_shown_twice(page) == {"words": "Enter why the case is being reopened"}
    assert case_row(reference).stage == "closed"

    auditor = signed_in(app, Role.AUDITOR)
    assert "Reopen the case" not in case_page(auditor, reference).text
    token = case_page(auditor, reference).csrf_token
    refused = auditor.post(
        f"/staff/cases/{reference}/reopen",
        data={"csrf_token": token, "reason": "new_complaint"},
    )
    assert refused.status_code == 403
    assert case_row(reference).stage == "closed"


def test_a_complaint_closed_in_triage_may_be_taken_into_stage_1_on_reopening(
    app: Flask,
) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    reference = new_complaint().reference
    move(caseworker, reference, "withdraw", date.today())
    form = look(caseworker, f"/staff/cases/{reference}/reopen")
    assert "Triage" in form.text and "Stage 1: accept it into the procedure" in form.text
    page = save(
        caseworker,
        f"/staff/cases/{reference}/reopen",
        {"reason": "new_complaint", "to": "stage1"},
    )
    assert "back at stage 1" in page.notification_banner
    row = case_row(reference)
    assert row.withdrawn_on is None and row.accepted_on == date.today()
    [reopened] = table_after(page, "Reopened")
    assert "A new complaint about the same matter" in reopened[2]
    assert reopened[3].startswith("Withdrawn on")


# --- related cases and duplicates ---------------------------------------------------------


def test_related_cases_are_linked_both_ways_with_why(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    one, two = new_complaint().reference, new_complaint(text="The visit was missed.").reference
    page = save(
        caseworker,
        f"/staff/cases/{one}/link",
        {"reference": two.lower(), "note": "Same family, same missed visit"},
    )
    assert f"Linked to {two}." in page.notification_banner
    assert table_after(page, "Related cases and duplicates")[0][:3] == [
        two,
        "Related",
        "Same family, same missed visit",
    ]
    other = case_page(caseworker, two)
    assert table_after(other, "Related cases and duplicates")[0][0] == one
    assert any("case linked" in e for e in audit_trail(other))
    # Again, either way round, or to itself: refused beside the reference.
    for here, there, message in (
        (two, one, f"{two} and {one} are already linked"),
        (one, one, "Enter the reference of another case"),
    ):
        refused = read(
            post_form(
                caseworker, f"/staff/cases/{here}/link", {"reference": there, "note": "Again"}
            )
        )
        assert errors_shown_twice(refused) == {"reference": message}
    assert db.session.scalar(sa.select(sa.func.count(CaseLink.id))) == 1


def test_only_a_case_the_member_of_staff_may_see_can_be_linked_or_merged(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    ours = new_complaint().reference
    theirs = new_complaint(team="Fostering").reference
    nobody = "There is no case with that reference that you can see"
    for action, field, data in (
        ("link", "reference", {"reference": theirs, "note": "Why"}),
        ("merge", "into", {"into": theirs, "note": "Why"}),
        ("merge", "into", {"into": "CSC-1999-9999", "note": "Why"}),
    ):
        page = read(post_form(caseworker, f"/staff/cases/{ours}/{action}", data))
        assert errors_shown_twice(page) == {field: nobody}
    assert db.session.scalar(sa.select(sa.func.count(CaseLink.id))) == 0
    # A manager who links them: the team member sees no link to a case they cannot see.
    manager = signed_in(app, Role.MANAGER)
    save(manager, f"/staff/cases/{ours}/link", {"reference": theirs, "note": "Same child"})
    assert theirs not in case_page(caseworker, ours).text
    assert theirs in case_page(manager, ours).text


def test_a_duplicate_merged_is_closed_and_both_histories_stay(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    kept = new_complaint().reference
    duplicate = new_complaint(email=None, text="Phoned: nobody came to the review.").reference
    save(caseworker, f"/staff/cases/{duplicate}/notes", {"text": "Phoned in by Pat"})
    page = save(
        caseworker,
        f"/staff/cases/{duplicate}/merge",
        {"into": kept, "note": "Pat phoned and wrote online"},
    )
    assert f"Closed as a duplicate, merged into {kept}." in page.notification_banner
    assert f"Closed as a duplicate: merged into {kept}" in page.text
    row = case_row(duplicate)
    assert row.stage == "closed" and row.closed_on == date.today()
    assert any(f"Merged into {kept}" in e or "merged into" in e for e in audit_trail(page))
    # Nothing deleted: the duplicate's words and note are on its page, reached from the
    # kept case's.
    assert "Phoned: nobody came to the review." in page.text and "Phoned in by Pat" in page.text
    kept_page = case_page(caseworker, kept)
    [linked] = table_after(kept_page, "Related cases and duplicates")
    assert linked[0] == duplicate and linked[1].startswith("A duplicate, merged into this case")
    assert f'href="/staff/cases/{duplicate}"' in kept_page.html
    assert any("duplicate merged in" in e for e in audit_trail(kept_page))
    # No second merge link on the duplicate; and in a subject access export.
    assert "Merge into another case" not in page.text
    manager = db.session.scalars(
        sa.select(Staff).where(Staff.email == make_staff(Role.MANAGER, email="m@example.com"))
    ).one()
    (record,) = subject_access.export(manager, reference=duplicate)["cases"]
    assert record["linked_cases"][0]["why"] == "Pat phoned and wrote online"


def test_merging_into_itself_into_a_merged_case_or_in_a_circle_is_refused(app: Flask) -> None:
    caseworker = signed_in(app, Role.TEAM_MEMBER)
    a, b, c = (new_complaint().reference for _ in range(3))
    save(caseworker, f"/staff/cases/{a}/merge", {"into": b, "note": "Same"})
    for here, into, message in (
        (c, c, "A case cannot be merged into itself"),
        (a, c, f"{a} has already been merged into {b}"),
        (c, a, f"{a} has been merged into {b}: merge into {b} instead"),
        (b, a, f"{a} has been merged into {b}: merge into {b} instead"),
    ):
        page = read(
            post_form(caseworker, f"/staff/cases/{here}/merge", {"into": into, "note": "x"})
        )
        assert errors_shown_twice(page) == {"into": message}, (here, into)
    assert db.session.scalar(sa.select(sa.func.count(CaseLink.id))) == 1
    assert case_row(b).stage != "closed" and case_row(c).stage != "closed"
