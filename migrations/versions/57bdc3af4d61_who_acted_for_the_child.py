"""who acted for the child: the advocate's account on a step they sent for the child

Revision ID: 57bdc3af4d61
Revises: 6589a4487652
Create Date: 2026-12-06 03:06:06.809948

"""
from alembic import op
import sqlalchemy as sa
import portal.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '57bdc3af4d61'
down_revision = '6589a4487652'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complainant_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_staff_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complainant_steps_by_staff_id_staff'), 'staff', ['by_staff_id'], ['id'])



def downgrade():
    with op.batch_alter_table('complainant_steps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complainant_steps_by_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('by_staff_id')

