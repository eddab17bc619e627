"""How a submission arrived: the channel (the public form is "online"; a phone call,
letter, email, visit, councillor, MP or the advocacy provider recorded by staff) and the
member of staff who recorded it (issue 16, "Every way a complaint arrives")

Revision ID: a7c3e91b5d20
Revises: 3e5b7c9d1f24
Create Date: 2026-12-05 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e91b5d20"
down_revision = "3e5b7c9d1f24"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_submissions_recorded_by_staff_id_staff"


def upgrade():
    # Columns added in place, never by rebuilding the table (SQLite's batch mode): a
    # rebuild would lose the search's expression indexes (ix_submissions_email_key ...).
    # Every submission so far came through the public form.
    op.add_column(
        "submissions",
        sa.Column("channel", sa.String(length=20), nullable=False, server_default="online"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE submissions ADD COLUMN recorded_by_staff_id INTEGER "
            f"CONSTRAINT {FOREIGN_KEY} REFERENCES staff (id)"
        )
    else:
        op.add_column("submissions", sa.Column("recorded_by_staff_id", sa.Integer()))
        op.create_foreign_key(FOREIGN_KEY, "submissions", "staff", ["recorded_by_staff_id"], ["id"])


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FOREIGN_KEY, "submissions", type_="foreignkey")
    # SQLite (3.35 and later) drops a column in place, its reference with it.
    op.execute("ALTER TABLE submissions DROP COLUMN recorded_by_staff_id")
    op.execute("ALTER TABLE submissions DROP COLUMN channel")
