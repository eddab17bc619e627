"""The queue's search for part of a reference served by an index: pg_trgm on PostgreSQL

Revision ID: a7c3e9d41b52
Revises: 5b3e9d07a1c4
Create Date: 2026-12-05 05:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e9d41b52"
down_revision = "5b3e9d07a1c4"
branch_labels = None
depends_on = None

OPEN = sa.text("stage <> 'closed'")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_submissions_reference_trgm",
        "submissions",
        ["reference"],
        postgresql_using="gin",
        postgresql_ops={"reference": "gin_trgm_ops"},
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    # The extension stays: other databases on the server may use it.
    op.drop_index("ix_submissions_reference_trgm", table_name="submissions")
