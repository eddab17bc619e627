from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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
