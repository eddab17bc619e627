"""Retention: once a case has been over for the retention period (6 years by default)
`flask retention purge` removes its personal data and keeps what the annual report counts;
`--dry-run` lists what would go and changes nothing; a case under legal hold is never
purged; each step is in the audit trail."""

import secrets
from datetime import UTC, date, datetime
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

from portal.domain.access import Role
from portal.domain.reports import Period
from portal.domain.stages import Move, ReopenReason
from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEvent,
    CaseLink,
    CaseReopening,
    OutboxMessage,
    Staff,
    Submission,
)
from portal.services import cases, related_cases, reopening, reports, retention

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
        cases.apply(staff, case, cases.MoveInput(move, on, details), version=case.case.version)
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
    assert reload(old.reference).case.purged_at is None


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
    assert purged.case.purged_at is not None
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
    assert reload(held.reference).case.purged_at is not None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"legal_hold_placed", "legal_hold_lifted", "personal_data_purged"} <= actions


def test_open_cases_and_recent_ones_are_kept(app: Flask) -> None:
    staff = manager()
    open_case = new_complaint(when=received_at(date(2017, 5, 9)))
    recent = closed_case(date(2021, 5, 4), date(2021, 6, 1), staff)
    run(app)
    assert reload(open_case.reference).case.purged_at is None
    # Closed on 1 June 2021: kept until 1 June 2027.
    assert reload(recent.reference).case.purged_at is None


# --- nothing a person wrote is left behind ---------------------------------------------------

WORDS = "Sam Taylor, 12 Mill Lane, told us"

# Text columns a purged case keeps, and why each holds no words a person wrote. Every other
# text column of every table that refers to a case must lose the words: a new column is
# caught here until it is purged or listed with its reason.
KEPT: dict[str, str] = {
    "submissions.reference": "the case's reference (no personal data; the report's key)",
    "cases.kind": "a code: complaint, compliment ...",
    "submissions.submitter_role": "a code: the report counts who complained",
    "submissions.contact_preference": "a code",
    "submissions.child_agreement": "a code",
    "submissions.child_reply_preference": "a code",
    "submissions.when_it_happened": "a code",
    "submissions.advocacy_answer": "a code: the report counts advocacy",
    "submissions.support_needs": "codes from a fixed list",
    "submissions.flags": "codes from a fixed list",
    "cases.procedure": "a code",
    "submissions.channel": "a code: the report counts how complaints arrived",
    "submissions.tracking_token_hash": "a hash; the tracking link is deleted",
    "submissions.jurisdiction": "a code",
    "submissions.language": "a code",
    "cases.acknowledged_how": "a code",
    "cases.stage": "a code",
    "cases.routing_reason": "the routing rule's name, written by staff",
    "cases.next_due_what": "a code",
    "ombudsman_enquiries.decision": "a code: the report counts decisions",
    "cases.advocacy_status": "a code",
    "referrals.source": "a code: the report counts where referrals came from",
    "referrals.status": "a code: the report counts referrals accepted and declined",
    "referrals.outcome": "a code: the report counts how referrals ended",
    "cases.reclassified_from": "a code",
    "copy_consents.given_by": "a code: who gave the consent to copies",
    "copy_consents.withdrawn_by": "a code: who withdrew it",
    "attachments.*": "the rows are deleted with the files",
    "outbox_messages.*": "the rows are deleted",
    "tracking_links.*": "the rows are deleted",
    "audit_events.action": "a code: who did what and when stays",
    "clock_events.stage": "a code",
    "clock_events.kind": "a code",
    "stage_responses.stage": "a code",
    "stage_responses.outcome": "a code: the report counts each stage's finding",
    "complaint_points.stage": "a code",
    "enquiries.from_whom": "a code: MP or councillor",
    "complaint_points.outcome": "a code: the report counts findings",
    "deadline_notices.kind": "a code",
    "deadline_notices.what": "a code",
    "deadline_notices.recipients": "staff addresses, not the complainant's",
    "deadline_notices.outbox_message_ids": "ids",
    "feedback_invitations.token_hash": "replaced so the link stops working",
    "lessons.lesson": "the council's learning for the published annual report",
    "lessons.action": "the council's service change for the published annual report",
    "tasks.kind": "a code",
    "complainant_steps.kind": "a code: reply, more time, stage 2 ...",
    "complainant_steps.by": "a code: complainant or advocate",
    "complainant_steps.more_time_for": "a code",
    "complainant_steps.decision": "a code: granted or refused",
    "case_reopenings.reason": "a code: a new complaint, the ombudsman, other",
    "case_reopenings.ended_how": "a code: closed, withdrawn, resolved informally",
    "case_reopenings.to_stage": "a code",
    "case_links.kind": "a code: related or duplicate",
    "correspondence.kind": "a code: the report counts letters sent",
    "correspondence.recipient": "a code: complainant or advocate",
    "correspondence.how": "a code",
    "response_letters.status": "a code",
    "response_letters.language": "a code",
    "response_letters.sent_how": "a code",
}


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, sa.String | sa.Text | sa.JSON) and not c.foreign_keys
    ]


def _tables_about_a_case() -> list[sa.Table]:
    return [
        table
        for table in db.metadata.sorted_tables
        if table.name == "submissions"
        or any(
            fk.column.table.name == "submissions" for c in table.columns for fk in c.foreign_keys
        )
    ]


def _words_for(column: sa.Column) -> object:
    if isinstance(column.type, sa.JSON):
        return {"words": WORDS} if column.name in ("answers", "detail") else [WORDS]
    length = getattr(column.type, "length", None) or 1000
    return (WORDS + " " + secrets.token_hex(8))[:length]


def _a_value(column: sa.Column, case: Submission, staff: Staff) -> object:
    """Something a row can hold in a column that is not text."""
    for fk in column.foreign_keys:
        target = fk.column.table.name
        if target == "submissions":
            return case.id
        if target == "staff":
            return staff.id
        if target == "teams":
            return case.case.team_id
        return None
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2018, 6, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2018, 6, 1)
    return None


def _case_column(table: sa.Table) -> sa.Column:
    if table.name == "submissions":
        return table.c.id
    return next(
        c
        for c in table.columns
        if any(fk.column.table.name == "submissions" for fk in c.foreign_keys)
    )


def test_a_purged_case_leaves_no_words_in_any_table(app: Flask) -> None:
    staff = manager()
    case = closed_case(date(2018, 5, 8), date(2018, 7, 2), staff)
    tables = _tables_about_a_case()
    written: dict[str, list[str]] = {}
    with db.engine.begin() as connection:
        for table in tables:
            texts = _text_columns(table)
            if table.name == "submissions":
                values = {c.name: _words_for(c) for c in texts if c.name != "reference"}
                connection.execute(table.update().where(table.c.id == case.id).values(values))
            elif connection.scalar(
                sa.select(sa.func.count()).where(_case_column(table) == case.id)
            ):
                words = {c.name: _words_for(c) for c in texts if not c.unique}
                if words:
                    connection.execute(
                        table.update().where(_case_column(table) == case.id).values(words)
                    )
            elif texts:
                row = {
                    c.name: _words_for(c) if c in texts else _a_value(c, case, staff)
                    for c in table.columns
                    if c in texts or c.foreign_keys or not (c.primary_key or c.default)
                }
                # A row that belongs to another of the case's rows (a remedy to its
                # enquiry) points at the one just written.
                for c in table.columns:
                    for fk in c.foreign_keys:
                        if fk.column.table in tables and fk.column.table.name != "submissions":
                            row[c.name] = connection.scalar(
                                sa.select(fk.column).where(_case_column(fk.column.table) == case.id)
                            )
                connection.execute(table.insert().values(row))
            written[table.name] = [c.name for c in texts]
    db.session.expire_all()

    run(app)

    left = []
    with db.engine.connect() as connection:
        for table in tables:
            for row in connection.execute(table.select().where(_case_column(table) == case.id)):
                for name in written[table.name]:
                    if f"{table.name}.{name}" in KEPT or f"{table.name}.*" in KEPT:
                        continue
                    if "Sam Taylor" in str(row._mapping[name]):
                        left.append(f"{table.name}.{name}")
    assert not left, f"a purged case left words in: {sorted(set(left))}"


def test_a_reopened_case_is_no_longer_due_from_its_old_closure(app: Flask) -> None:
    """Closed in 2018 and reopened: open again, it is not purged from the old date; once
    closed again, it is kept from the new one. The reopening's words and a link's note
    go with the case when it is purged."""
    staff = manager()
    case = closed_case(date(2018, 5, 8), date(2018, 7, 2), staff)
    other = new_complaint(when=received_at(date(2018, 5, 9)))
    related_cases.link(staff, case, reference=other.reference, note="Sam's brother, same visit")
    assert [d.reference for d in retention.due_for_purge(date(2026, 12, 1))] == [case.reference]
    reopening.reopen(
        staff,
        case,
        reason=ReopenReason.OTHER,
        words="Sam's father found the missing letter",
        version=case.case.version,
        today=date(2026, 11, 30),
    )
    assert reload(case.reference).case.closed_on is None
    assert retention.due_for_purge(date(2026, 12, 1)) == []
    run(app)
    assert reload(case.reference).case.purged_at is None

    case = reload(case.reference)
    cases.apply(
        staff, case, cases.MoveInput(Move.CLOSE, date(2026, 12, 1), {}), version=case.case.version
    )
    assert retention.due_for_purge(date(2032, 11, 30)) == []
    assert [d.reference for d in retention.due_for_purge(date(2032, 12, 1))] == [case.reference]
    retention.purge(date(2032, 12, 1))
    assert db.session.scalars(sa.select(CaseReopening.reason_words)).all() == [retention.REMOVED]
    assert db.session.scalars(sa.select(CaseLink.note)).all() == [retention.REMOVED]
