"""Whether it is safe to phone, leave a voicemail or send letters

Asked of every submitter from now on; a case from before keeps None ("not asked"), and
staff are told to check before they phone or write (portal/domain/contact_safety.py).

Revision ID: 7d6e635d44dd
Revises: 9e2adf19cbfc
Create Date: 2026-12-04 15:11:55.416140

"""
from alembic import op
import sqlalchemy as sa
import portal.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '7d6e635d44dd'
down_revision = '9e2adf19cbfc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safe_to_phone', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('safe_to_leave_voicemail', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('safe_to_send_letters', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('safe_to_send_letters')
        batch_op.drop_column('safe_to_leave_voicemail')
        batch_op.drop_column('safe_to_phone')
