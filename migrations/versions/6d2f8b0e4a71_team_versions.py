"""A team's version: a manager who saves a team another manager saved since they opened
it is refused, rather than putting back what the other changed (services/teams.save_team).

Revision ID: 6d2f8b0e4a71
Revises: 5c1e9a7d3b20
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6d2f8b0e4a71"
down_revision = "5c1e9a7d3b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("version")
