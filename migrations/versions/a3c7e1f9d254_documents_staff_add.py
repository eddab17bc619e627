"""Documents staff add to a case (a letter scanned in, an investigator's report): who
added each, and what it is (issue 16)

Revision ID: a3c7e1f9d254
Revises: f2a6d8c04b19
Create Date: 2026-12-05 08:45:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3c7e1f9d254"
down_revision = "f2a6d8c04b19"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("description", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attachments_added_by_staff"), "staff", ["added_by"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachments_added_by_staff"), type_="foreignkey")
        batch_op.drop_column("description")
        batch_op.drop_column("added_by")
