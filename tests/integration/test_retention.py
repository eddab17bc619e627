"""Retention: once a case has been over for the retention period (6 years by default)
`flask retention purge` removes its personal data and keeps what the annual report counts;
`--dry-run` lists what would go and changes nothing; a case under legal hold is never
purged; each step is in the audit trail."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from backoffice_helpers import (
    errors_shown_twice,
    make_staff,
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in_as_manager,
)
from flask import Flask, current_app
from flask.testing import FlaskClient

from portal.backoffice.access import Role
from portal.domain.reports import Period
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Attachment, AuditEvent, OutboxMessage, Staff, Submission
from portal.services import cases, reports

OLD_YEAR = Period(date(2018, 4, 1), date(2019, 3, 31))


def manager() -> Staff:
    email = make_staff(Role.MANAGER, email="records.manager@northmoor.example")
    return db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()


def closed_case(received: date, closed: date, staff: Staff) -> Submission:
    """A complaint taken through stage 1 and closed, with a file and its emails."""
    case = new_complaint(when=received_at(received), text="My son Sam was left alone.")
    for move, on, details in (
        (Move.ACCEPT, received, {}),
        (Move.RESPOND_STAGE1, received.replace(day=received.day + 5), {"outcome": "upheld"}),
        (Move.CLOSE, closed, {}),
    ):
        cases.apply(staff, case, cases.MoveInput(move, on, details), version=case.version)
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    key = f"retention-{case.id}"
    (folder / key).write_bytes(b"%PDF-1.4 a letter")
    db.session.add(
        Attachment(
            submission_id=case.id,
            filename="letter.pdf",
            file_type="pdf",
            size=17,
            sha256="0" * 64,
            storage_key=key,
            scan_status="unscanned",
        )
    )
    db.session.commit()
    return case


def reload(reference: str) -> Submission:
    db.session.expire_all()
    return db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_dry_run_lists_what_would_go_and_changes_nothing(app: Flask) -> None:
    staff = manager()
    old = closed_case(date(2018, 5, 8), date(2018, 7, 2), staff)
    recent = closed_case(date(2024, 5, 7), date(2024, 7, 1), staff)
    output = run(app, "--dry-run")
    assert old.reference in output and "due 2024-07-02" in output
    assert recent.reference not in output
    assert "1 case(s) would have their personal data removed." in output
    assert reload(old.reference).submitter_name == "Pat Parent"
    assert reload(old.reference).purged_at is None


def test_purging_removes_the_personal_data_and_keeps_the_report_figures(app: Flask) -> None:
    staff = manager()
    old = closed_case(date(2018, 5, 8), date(2018, 7, 2), staff)
    before = reports.annual_report(OLD_YEAR)
    file_path = Path(current_app.config["UPLOAD_FOLDER"]) / f"retention-{old.id}"
    assert db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.submission_id == old.id)
    )

    output = run(app)

    assert f"{old.reference}  personal data removed" in output
    purged = reload(old.reference)
    assert purged.purged_at is not None
    assert purged.submitter_name == "" and purged.what_happened == ""
    assert purged.email is None and purged.child_name is None and purged.answers == {}
    assert not file_path.exists()
    assert not db.session.scalars(
        sa.select(Attachment).where(Attachment.submission_id == old.id)
    ).all()
    assert not db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.submission_id == old.id)
    ).all()
    # What the report counts stays: the same figures after as before.
    after = reports.annual_report(OLD_YEAR)
    assert after["contacts"] == before["contacts"]
    assert after["complaints"] == before["complaints"]
    assert after["by_team_outcome"] == before["by_team_outcome"]
    assert after["timeliness"] == before["timeliness"]
    # The trail keeps who did what, not the words.
    trail = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.submission_id == old.id).order_by(AuditEvent.id)
    ).all()
    assert trail[-1].action == "personal_data_purged"
    assert all("Sam" not in str(event.detail) for event in trail)
    # Running it again finds nothing more to do.
    assert "0 case(s) purged" in run(app)


def test_a_case_under_legal_hold_is_never_purged(app: Flask, client: FlaskClient) -> None:
    staff = manager()
    held = closed_case(date(2018, 5, 8), date(2018, 7, 2), staff)
    sign_in_as_manager(client)
    url = f"/staff/cases/{held.reference}/legal-hold"
    without_reason = read(post_form(client, url, {"hold": "place", "reason": ""}))
    assert errors_shown_twice(without_reason) == {"reason": "Enter why the case is held"}
    page = save(client, url, {"hold": "place", "reason": "Inquiry instruction of 2015"})
    assert "Inquiry instruction of 2015" in page.text
    assert "0 case(s) would have" in run(app, "--dry-run")
    run(app)
    assert reload(held.reference).submitter_name == "Pat Parent"
    # Lifted, it goes at the next purge.
    save(client, url, {"hold": "lift", "reason": ""})
    run(app)
    assert reload(held.reference).purged_at is not None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"legal_hold_placed", "legal_hold_lifted", "personal_data_purged"} <= actions


def test_open_cases_and_recent_ones_are_kept(app: Flask) -> None:
    staff = manager()
    open_case = new_complaint(when=received_at(date(2017, 5, 9)))
    recent = closed_case(date(2021, 5, 4), date(2021, 6, 1), staff)
    run(app)
    assert reload(open_case.reference).purged_at is None
    # Closed on 1 June 2021: kept until 1 June 2027.
    assert reload(recent.reference).purged_at is None
