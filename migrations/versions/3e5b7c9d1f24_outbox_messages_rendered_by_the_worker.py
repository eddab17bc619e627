"""Outbox messages rendered by the worker: a message may be saved as its template's name,
a context of plain values and the language, its bodies written when it is sent (issue 19)

Revision ID: 3e5b7c9d1f24
Revises: d7a3f9c2e5b1
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3e5b7c9d1f24"
down_revision = "d7a3f9c2e5b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=True)


def downgrade():
    # The old table needs every message's bodies: a message still waiting as its
    # template is rendered now, with this release's templates (through the app, which
    # `flask db downgrade` runs in), so nothing waiting is lost.
    bind = op.get_bind()
    table = sa.table(
        "outbox_messages",
        sa.column("id", sa.Integer),
        sa.column("template", sa.String),
        sa.column("context", sa.JSON),
        sa.column("language", sa.String),
        sa.column("text_body", sa.Text),
        sa.column("html_body", sa.Text),
    )
    waiting = bind.execute(
        sa.select(table.c.id, table.c.template, table.c.context, table.c.language).where(
            table.c.text_body.is_(None)
        )
    ).all()
    if waiting:
        from portal.models import OutboxMessage
        from portal.services import outbox

        for row in waiting:
            text, html = outbox.render(
                OutboxMessage(template=row.template, context=row.context, language=row.language)
            )
            bind.execute(
                sa.update(table).where(table.c.id == row.id).values(text_body=text, html_body=html)
            )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("language")
        batch_op.drop_column("context")
        batch_op.drop_column("template")
