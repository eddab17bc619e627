"""triage queue: an index of open cases in due-date order

Revision ID: 8d5d2efc2c42
Revises: b6cbf594005b
Create Date: 2026-11-25 20:16:08.388418

"""
from alembic import op
import sqlalchemy as sa
import portal.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '8d5d2efc2c42'
down_revision = 'b6cbf594005b'
branch_labels = None
depends_on = None


def upgrade():
    # Open cases in due-date order, with every column the queue's filters, counts and
    # search read (INCLUDE on PostgreSQL): the queue is answered from the index alone.
    op.create_index(
        'ix_submissions_open_queue',
        'submissions',
        ['next_due_on', 'id'],
        unique=False,
        postgresql_include=[
            'stage', 'kind', 'team_id', 'urgent', 'safeguarding_actioned_at', 'reference'
        ],
        postgresql_where=sa.text("stage <> 'closed'"),
        sqlite_where=sa.text("stage <> 'closed'"),
    )


def downgrade():
    op.drop_index('ix_submissions_open_queue', table_name='submissions')
