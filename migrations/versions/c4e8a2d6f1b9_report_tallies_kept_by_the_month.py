"""The annual report's tallies kept by the calendar month, not by the period (issue 19)

Revision ID: c4e8a2d6f1b9
Revises: e5f1c2a8b7d4
Create Date: 2026-12-05 08:10:00

report_counts held a whole period's figures; it now holds one calendar month's tallies a
row (the period's are the sum of its months'). What it holds is only ever a copy of what
the cases count, so the table is made again empty, both ways: the report counts and keeps
its months again at its next reading.
"""

import sqlalchemy as sa
from alembic import op

from portal.database import UTCDateTime

revision = "c4e8a2d6f1b9"
down_revision = "e5f1c2a8b7d4"
branch_labels = None
depends_on = None


def _report_counts(key: list[sa.Column], kept: str) -> None:
    """report_counts made again, empty: its key (with the category) and what it keeps."""
    op.drop_table("report_counts")
    op.create_table(
        "report_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        *key,
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column(kept, sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_counts")),
        sa.UniqueConstraint(
            *(column.name for column in key),
            "category",
            name=op.f(f"uq_report_counts_{key[0].name}"),
        ),
    )


def upgrade():
    _report_counts([sa.Column("month", sa.Date(), nullable=False)], "tallies")


def downgrade():
    _report_counts(
        [
            sa.Column("period_start", sa.Date(), nullable=False),
            sa.Column("period_end", sa.Date(), nullable=False),
        ],
        "figures",
    )
