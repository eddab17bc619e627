"""The annual report counted by the database: a calendar of working days, a period's
figures kept, and the changes that make them out of date

Revision ID: b8d2f6a0c3e1
Revises: a7c3e9d41b52
Create Date: 2026-12-05 05:40:00

The calendar is filled by the portal from its bank-holiday table the first time a report
is made (services/report_counts.py), and again whenever that table changes; nothing
moves.
"""

import sqlalchemy as sa
from alembic import op

from portal.database import UTCDateTime

revision = "b8d2f6a0c3e1"
down_revision = "a7c3e9d41b52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("next_day_starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_table(
        "report_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_counts")),
        sa.UniqueConstraint(
            "period_start",
            "period_end",
            "category",
            name=op.f("uq_report_counts_period_start"),
        ),
    )
    op.create_table(
        "report_changes",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_changes")),
    )


def downgrade():
    op.drop_table("report_changes")
    op.drop_table("report_counts")
    op.drop_table("calendar_days")
