"""A routing rule's version: a manager who saves a rule another manager saved since they
opened it is refused, rather than putting back what the other changed
(services/routing_rules.save_rule).

Revision ID: 5c1e9a7d3b20
Revises: 4b8d2f6a9c13
Create Date: 2026-12-07 23:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e9a7d3b20"
down_revision = "4b8d2f6a9c13"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.drop_column("version")
