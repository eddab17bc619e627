"""A task to reach the person another way names the message that never reached them
(a permanent failure or a returned letter, from GOV.UK Notify's receipts): tasks get
`outbox_message_id`. Nothing is moved; the downgrade drops the column.

Revision ID: c4a9e2d71f03
Revises: 8c3e1f0a7d42
Create Date: 2026-12-06 15:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a9e2d71f03"
down_revision = "8c3e1f0a7d42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_tasks_outbox_message_id"), ["outbox_message_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_outbox_message_id_outbox_messages"),
            "outbox_messages",
            ["outbox_message_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tasks_outbox_message_id_outbox_messages"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_tasks_outbox_message_id"))
        batch_op.drop_column("outbox_message_id")
