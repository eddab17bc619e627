"""Drafts keep each checked step's answers as check your answers shows them (issue 19)

Revision ID: d4f8a2c61e97
Revises: e8b3c5d17a42
Create Date: 2026-12-05 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4f8a2c61e97"
down_revision = "e8b3c5d17a42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.add_column(sa.Column("checked", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.drop_column("checked")
