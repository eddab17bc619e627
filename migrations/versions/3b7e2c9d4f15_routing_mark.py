"""The routing mark: a random token that changes with any change to the teams or the
routing rules, so that each worker keeps what it read of them until it changes (Send
reads them once a process, then one small row a submission: docs/performance.md, issue
19). The row is made with a token of its own; nothing else is moved.

Revision ID: 3b7e2c9d4f15
Revises: 99e9d502e329
Create Date: 2026-12-06 20:00:00.000000
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b7e2c9d4f15"
down_revision = "99e9d502e329"
branch_labels = None
depends_on = None


def upgrade():
    marks = op.create_table(
        "routing_marks",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(marks, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade():
    op.drop_table("routing_marks")
