"""Outbox messages rendered by the worker: a message may be saved as its template's name,
a context of plain values and the language, its bodies written when it is sent (issue 19)

Revision ID: 3e5b7c9d1f24
Revises: c4e8a2d6f1b9
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3e5b7c9d1f24"
down_revision = "c4e8a2d6f1b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=True)


def downgrade():
    # A message not yet rendered cannot go back to a table that needs its bodies, and
    # must not be lost: send the queue first (`flask outbox work --once`).
    waiting = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM outbox_messages WHERE text_body IS NULL")
    )
    if waiting:
        raise RuntimeError(f"{waiting} outbox messages are not rendered yet: send them first")
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("language")
        batch_op.drop_column("context")
        batch_op.drop_column("template")
