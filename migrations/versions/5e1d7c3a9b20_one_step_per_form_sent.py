"""One step per form sent from the tracking page: the key of the form page a step came
from, unique on the case, so the same form sent twice at the same instant (a double
click, a resubmit after Back) is one step (docs/security.md, "Races"). Steps sent before
have no key; nothing is moved.

Revision ID: 5e1d7c3a9b20
Revises: 57bdc3af4d61
Create Date: 2026-12-06 03:25:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1d7c3a9b20"
down_revision = "57bdc3af4d61"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complainant_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_complainant_steps_form_key", ["submission_id", "form_key"]
        )


def downgrade():
    with op.batch_alter_table("complainant_steps", schema=None) as batch_op:
        batch_op.drop_constraint("uq_complainant_steps_form_key", type_="unique")
        batch_op.drop_column("form_key")
