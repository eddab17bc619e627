from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.orm.attributes import get_history

from portal.database import utcnow
from portal.domain.clock import london_date
from portal.models import Model


class PastCase(Model):
    """A case from the council's previous system, loaded by `flask import cases` so the
    annual report can compare with earlier years from the first day (docs/import.md).
    Only what the report counts: no names, no words, nothing that identifies anyone."""

    __tablename__ = "past_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    received_on: Mapped[date] = mapped_column(index=True)
    submitter_role: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    # informal, 1, 2 or 3: the furthest stage the complaint reached.
    stage_reached: Mapped[str | None] = mapped_column(sa.String(10))
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    acknowledged_on: Mapped[date | None]
    stage1_responded_on: Mapped[date | None]
    stage1_extended: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    stage2_cost_pence: Mapped[int | None]
    # referred, upheld or not_upheld
    ombudsman: Mapped[str | None] = mapped_column(sa.String(20))
    imported_from: Mapped[str] = mapped_column(sa.String(255))


class ReportContext(Model):
    """Figures the complaints manager types in for a period, which turn the report's
    counts into rates ("1.8% of referrals led to a complaint")."""

    __tablename__ = "report_contexts"
    __table_args__ = (sa.UniqueConstraint("period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    social_care_contacts: Mapped[int | None]
    referrals: Mapped[int | None]
    children_looked_after: Mapped[int | None]


class ComparatorFigure(Model):
    """Another council's published figures for a year, shown beside ours as rates."""

    __tablename__ = "comparator_figures"
    __table_args__ = (sa.UniqueConstraint("council", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council: Mapped[str] = mapped_column(sa.String(120))
    # A financial year as reports write it: "2025 to 26".
    year: Mapped[str] = mapped_column(sa.String(20))
    complaints: Mapped[int]
    referrals: Mapped[int | None]


class CalendarDay(Model):
    """Every day the bank-holiday table covers, numbered so that the working days after
    one day up to another are a subtraction (the annual report counts them in SQL):
    `working_days` is the number of working days from the table's first day up to and
    including this one. Built from domain/holidays.py by services/report_counts.py, and
    built again when the table changes."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    working_days: Mapped[int]
    # When the next London day begins, in UTC: a moment before it is still this day, so
    # an acknowledgement is late when made at or after the day after it was due.
    next_day_starts_at: Mapped[datetime]


class ReportCount(Model):
    """The report's tallies of the cases received in one calendar month (a period's are
    the sum of its months'), as last counted: JSON, each tally's key (a JSON list) to its
    number. Kept while nothing they count has changed: `version` names the arithmetic,
    the calendar, the settings and the teams and categories they were counted with;
    `changes` is the sum of report_changes over the month's days (and the changes made
    in bulk) when counting began. Either differing, the month is counted again."""

    __tablename__ = "report_counts"
    __table_args__ = (sa.UniqueConstraint("month", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]  # its first day
    category: Mapped[str] = mapped_column(sa.String(60))  # "" for every category
    version: Mapped[str] = mapped_column(sa.String(64))
    changes: Mapped[int]
    tallies: Mapped[dict[str, Any]]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportChange(Model):
    """How many times cases received on a day have changed in anything the report counts
    (a count that only grows), so that a period's kept figures can tell they are out of
    date. Day 0001-01-01 counts changes made in bulk, which may touch any day."""

    __tablename__ = "report_changes"

    day: Mapped[date] = mapped_column(primary_key=True)
    changes: Mapped[int] = mapped_column(default=0)


# --- what marks a period's kept figures out of date ---------------------------------------

IN_BULK = date(1, 1, 1)  # report_changes' day for changes made in bulk (any day)


def note_changes(session: Session, days: set[date]) -> None:
    """Count a change to the cases received on each of `days`. Days from today on are
    left out: a month is only kept once it ended two days ago (services/report_counts.py),
    and a row for today would make every new submission wait on every other."""
    today = london_date(utcnow())
    bind = session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    for day in sorted(d for d in days if d < today):
        session.execute(
            insert(ReportChange)
            .values(day=day, changes=1)
            .on_conflict_do_update(
                index_elements=["day"], set_={"changes": ReportChange.changes + 1}
            )
        )


@sa.event.listens_for(Session, "before_flush")
def _cases_changed(session: Session, context: Any, instances: Any) -> None:
    """A case (its submission or its case row), its stage responses, categories or clock
    record, or an imported case, added, changed or removed, or a case merged into another
    (no longer counted): the days they were received on have changed."""
    from portal.models import (
        Case,
        CaseLink,
        ClockEvent,
        OmbudsmanEnquiry,
        OmbudsmanRemedy,
        Referral,
        StageResponse,
        Submission,
    )

    days: set[date] = set()
    case_ids: set[int] = set()
    enquiry_ids: set[int] = set()
    for changed in (*session.new, *session.dirty, *session.deleted):
        if changed in session.dirty and not session.is_modified(changed):
            continue
        if isinstance(changed, Submission | PastCase | OmbudsmanEnquiry | Referral):
            # An ombudsman's enquiry is counted in the month it arrived, a referral to the
            # advocacy provider in the month it was made.
            name = "made_on" if isinstance(changed, Referral) else "received_on"
            # One attribute's history (inspect().attrs builds every attribute's state).
            received = get_history(changed, name)
            known = {d for d in (*received.added, *received.deleted, *received.unchanged) if d}
            if not known and changed not in session.new:
                # Not loaded (expired by a commit before the change): read it.
                with session.no_autoflush:
                    known = {getattr(changed, name)}
            days.update(known)
        elif (
            isinstance(changed, StageResponse | Case | CaseLink | ClockEvent)
            and changed.submission_id
        ):
            case_ids.add(changed.submission_id)
        elif isinstance(changed, OmbudsmanRemedy) and changed.enquiry_id is not None:
            enquiry_ids.add(changed.enquiry_id)
    if not days and not case_ids and not enquiry_ids:
        return
    with session.no_autoflush:
        if enquiry_ids:
            days.update(
                session.scalars(
                    sa.select(OmbudsmanEnquiry.received_on).where(
                        OmbudsmanEnquiry.id.in_(enquiry_ids)
                    )
                )
            )
        if case_ids:
            days.update(
                session.scalars(
                    sa.select(Submission.received_on).where(Submission.id.in_(case_ids))
                )
            )
        note_changes(session, days)


@sa.event.listens_for(Session, "do_orm_execute")
def _cases_changed_in_bulk(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE of many cases at once (the days unknown) changes every period."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    if getattr(state.bind_mapper.local_table, "name", None) in COUNTED_TABLES:
        with state.session.no_autoflush:
            note_changes(state.session, {IN_BULK})


# Not "clock_events": written once, never changed but for retention clearing the words of
# its reasons, which the report does not read. Not "referrals": the one bulk UPDATE of it
# (services/referrals.py `escalate`) sets only when a referral was escalated, which the
# report does not count.
COUNTED_TABLES = {
    "submissions",
    "cases",
    "stage_responses",
    "past_cases",
    "submission_categories",
    "ombudsman_enquiries",
    "ombudsman_remedies",
}
