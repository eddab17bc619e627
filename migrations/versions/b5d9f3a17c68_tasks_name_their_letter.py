"""A task to deliver a letter or message names it, so the case links the right letter to
print (issue 16)

Revision ID: b5d9f3a17c68
Revises: a3c7e1f9d254
Create Date: 2026-12-05 08:50:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b5d9f3a17c68"
down_revision = "a3c7e1f9d254"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("correspondence_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_correspondence_id_correspondence"),
            "correspondence",
            ["correspondence_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tasks_correspondence_id_correspondence"), type_="foreignkey"
        )
        batch_op.drop_column("correspondence_id")
