"""Messages by text and letter, and what GOV.UK Notify says became of them: each outbox
message has a channel (email, sms, letter; every message so far is an email), Notify's
id for it and its delivery receipt (status, reason, when). A letter's recipient is its
address, longer than an email address, so the column grows. Nothing is moved.

Revision ID: 8c3e1f0a7d42
Revises: 5e1d7c3a9b20
Create Date: 2026-12-06 05:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from portal.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = "8c3e1f0a7d42"
down_revision = "5e1d7c3a9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), nullable=False, server_default="email")
        )
        batch_op.alter_column(
            "recipient",
            existing_type=sa.String(length=254),
            type_=sa.String(length=500),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("notify_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("delivery_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("delivery_updated_at", UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_outbox_messages_notify_id", ["notify_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_notify_id")
        batch_op.drop_column("delivery_updated_at")
        batch_op.drop_column("delivery_reason")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("notify_id")
        batch_op.alter_column(
            "recipient",
            existing_type=sa.String(length=500),
            type_=sa.String(length=254),
            existing_nullable=False,
        )
        batch_op.drop_column("channel")
