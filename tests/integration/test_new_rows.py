"""A new case's rows written with Core (models/rows.py) are the rows the ORM's flush
writes: the same values in every column, the same report count for a back-dated case,
and objects left as the flush leaves them (issue 19)."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import make_staff
from flask import Flask
from journey_helpers import team_id
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from portal.domain.access import Role
from portal.domain.channels import Channel
from portal.domain.clock import london_date
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Case, Referral, Staff, Submission, rows
from portal.models.report import ReportChange
from portal.services import intake

# Different from one submission to the next whoever writes them.
OWN = {"id", "reference", "tracking_token_hash", "submission_id"}
TIMES = {"made_at", "received_at", "created_at", "next_attempt_at", "at"}


def a_request(**changes: object) -> intake.NewSubmission:
    """A child's complaint with a request for an advocate: a submission, its case and a
    referral to the provider, with its messages."""
    fields: dict[str, object] = {
        "kind": Kind.COMPLAINT,
        "role": SubmitterRole.CHILD,
        "name": "Sam Carter",
        "contact_preference": ContactPreference.EMAIL,
        "email": "sam@example.com",
        "what_happened": "Nobody came to my review.",
        "child_age": 13,
        "advocacy": AdvocacyAnswer.REQUESTED,
        "team_id": int(team_id()),
        "support_needs": ["interpreter"],
        "interpreter_language": "Polish",
        "answers": {"what-happened": {"what_happened": "Nobody came to my review."}},
    }
    return intake.NewSubmission(**(fields | changes))  # type: ignore[arg-type]


def rows_of(submission_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row written for the case, without what is its own (ids, tokens, times)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        key = table.c.id if table.name == "submissions" else table.c.get("submission_id")
        if key is None:
            continue
        query = sa.select(table).where(key == submission_id)
        # In the order written (PostgreSQL gives no order of its own).
        query = query.order_by(*table.primary_key.columns)
        selected = db.session.execute(query).mappings()
        found[table.name] = [
            {name: _blank(name, value) for name, value in row.items() if name not in OWN}
            for row in selected
        ]
    return found


def _blank(name: str, value: Any) -> Any:
    """A time as whether it was set; a message's words without its case's reference and
    its context (the tracking link's token) as the names in it."""
    if name in TIMES:
        return value is not None
    if name == "context" and isinstance(value, dict):
        return sorted(value)
    if isinstance(value, str):
        return re.sub(r"CSC-\d{4}-\d+", "REFERENCE", value)
    return value


def changes_counted() -> dict[Any, int]:
    return {row.day: row.changes for row in db.session.scalars(sa.select(ReportChange))}


def recorded(new: intake.NewSubmission, *, core: bool, monkeypatch: pytest.MonkeyPatch) -> int:
    """The submission's id, its rows written by `flush_new` or by the ORM's flush."""
    written: list[object] = []
    with monkeypatch.context() as patched:
        if core:
            write = rows._write
            patched.setattr(rows, "_write", lambda *a: written.append(a) or write(*a))
        else:
            patched.setattr(rows, "flush_new", lambda session: session.flush())
        submission = intake.record_submission(new)
    assert bool(written) is core  # the path meant, not the other
    return submission.id


@pytest.mark.parametrize("back_dated", [False, True])
def test_a_new_case_written_with_core_has_the_rows_the_orms_flush_writes(
    app: Flask, monkeypatch: pytest.MonkeyPatch, back_dated: bool
) -> None:
    changes: dict[str, object] = {}
    if back_dated:
        # Recorded by staff the day after it came: the report counts that day's change.
        email = make_staff(Role.MANAGER)
        staff = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
        changes = {
            "channel": Channel.PHONE,
            "received_on": london_date(datetime.now(UTC)) - timedelta(days=1),
            "recorded_by": staff,
        }
    before = changes_counted()
    by_orm = recorded(a_request(**changes), core=False, monkeypatch=monkeypatch)
    once = changes_counted()
    by_core = recorded(a_request(**changes), core=True, monkeypatch=monkeypatch)
    twice = changes_counted()

    orm_rows, core_rows = rows_of(by_orm), rows_of(by_core)
    assert core_rows == orm_rows
    assert {name for name, found in core_rows.items() if found} >= {
        "submissions",
        "cases",
        "referrals",
        "outbox_messages",
    }
    # The same change counted each time (none for a case received today).
    assert {day: once.get(day, 0) - before.get(day, 0) for day in twice} == {
        day: twice[day] - once.get(day, 0) for day in twice
    }
    assert bool(twice) is back_dated


def test_the_objects_written_with_core_are_persistent_and_hold_what_was_written(
    app: Flask,
) -> None:
    submission = intake.record_submission(a_request())
    state = sa.inspect(submission)
    assert state.persistent and not db.session.dirty and not db.session.new
    stored = db.session.get(Submission, submission.id)
    assert stored is submission  # the session's own, not a second copy
    assert submission.case.submission_id == submission.id
    assert submission.case.version == 1
    [referral] = db.session.scalars(sa.select(Referral).where(Referral.submission == submission))
    assert referral.provider_team_id is not None


@pytest.mark.parametrize("core", [False, True])
def test_rows_written_and_rolled_back_leave_their_objects_as_new_ones(
    app: Flask, core: bool
) -> None:
    submission = Submission(
        reference="CSC-2026-9999",
        submitter_role="parent",
        submitter_name="Alex Morgan",
        contact_preference="email",
        what_happened="Nobody came.",
        answers={},
        received_at=datetime.now(UTC),
        received_on=london_date(datetime.now(UTC)),
        acknowledge_by=london_date(datetime.now(UTC)),
        jurisdiction="england",
        tracking_token_hash="a hash",
        language="en",
        case=Case(kind="complaint", procedure="statutory"),
    )
    db.session.add(submission)
    if core:
        rows.flush_new(db.session())
    else:
        db.session.flush()
    assert sa.inspect(submission).persistent and sa.inspect(submission.case).persistent
    db.session.rollback()
    assert sa.inspect(submission).transient and sa.inspect(submission.case).transient
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


class _Toy(DeclarativeBase):
    pass


class _Row(_Toy):
    """A row with a column the database fills in and one the row gives itself."""

    __tablename__ = "toy_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    tries: Mapped[int] = mapped_column(server_default="7")
    given: Mapped[int] = mapped_column(server_default="5")


@pytest.mark.parametrize("flush", ["orm", "core"])
def test_a_column_the_database_fills_in_reads_its_value_after_either_flush(flush: str) -> None:
    engine = sa.create_engine("sqlite://")
    _Toy.metadata.create_all(engine)
    with Session(engine) as session:
        row = _Row(name="x", given=9)
        session.add(row)
        if flush == "core":
            rows.flush_new(session)
        else:
            session.flush()
        assert (row.tries, row.given) == (7, 9)
    engine.dispose()
