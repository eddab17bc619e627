"""A one-time link to set a password, for a new member of staff invited by a complaints
manager or for someone whose password a manager has reset (issue 16)

Revision ID: d41e7a9c2f60
Revises: 7c2a91e4d6b3
Create Date: 2026-12-05 08:05:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d41e7a9c2f60"
down_revision = "7c2a91e4d6b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_link_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("password_link_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_staff_password_link_hash", ["password_link_hash"])


def downgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("uq_staff_password_link_hash", type_="unique")
        batch_op.drop_column("password_link_expires_at")
        batch_op.drop_column("password_link_hash")
