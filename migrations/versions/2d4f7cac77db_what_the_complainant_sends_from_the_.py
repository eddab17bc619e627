"""What the person who complained sends from the tracking page (issue 17): replies,
more information and files, requests for more time, withdrawals and stage 2 requests;
when signs of danger came in something sent later

Revision ID: 2d4f7cac77db
Revises: b1d5e9a3c7f2
Create Date: 2026-12-06 02:11:56.834954

"""
from alembic import op
import sqlalchemy as sa
import portal.database  # noqa: F401 (custom column types)

revision = '2d4f7cac77db'
down_revision = 'b1d5e9a3c7f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complainant_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('by', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('in_reply_to_id', sa.Integer(), nullable=True),
    sa.Column('more_time_for', sa.String(length=20), nullable=True),
    sa.Column('sent_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recorded', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('danger_signs', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('granted_to', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['staff.id'], name=op.f('fk_complainant_steps_decided_by_staff')),
    sa.ForeignKeyConstraint(['in_reply_to_id'], ['correspondence.id'], name=op.f('fk_complainant_steps_in_reply_to_id_correspondence')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_complainant_steps_task_id_tasks')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_complainant_steps_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complainant_steps'))
    )
    with op.batch_alter_table('complainant_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complainant_steps_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_step_id'), ['step_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_step_id_complainant_steps'), 'complainant_steps', ['step_id'], ['id'])

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('danger_reported_at', portal.database.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('danger_reported_at')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_step_id_complainant_steps'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_step_id'))
        batch_op.drop_column('step_id')

    with op.batch_alter_table('complainant_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complainant_steps_submission_id'))

    op.drop_table('complainant_steps')
