"""A letter or message keeps its words as HTML: `correspondence.body_html`, what
`portal.security.staff_html` makes of `body`, written when the message is kept, so the
tracking page and the case show it without cleaning it again on every view (issue 19).
Every message kept before is given its HTML here, made by the same function; the
downgrade drops the column (the words stay in `body`).

Revision ID: 6f2b8d4e1a37
Revises: 3b7e2c9d4f15
Create Date: 2026-12-07 02:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from portal.security import staff_html

# revision identifiers, used by Alembic.
revision = "6f2b8d4e1a37"
down_revision = "3b7e2c9d4f15"
branch_labels = None
depends_on = None

# Messages read and written back at a time: a council's years of letters, a few
# hundred at once, never all of their words in memory together.
BATCH = 500


def upgrade():
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))

    bind = op.get_bind()
    table = sa.table(
        "correspondence",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("body_html", sa.Text),
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.body)
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values(body_html=sa.bindparam("html")),
            [{"row_id": row.id, "html": str(staff_html(row.body))} for row in rows],
        )
        after = rows[-1].id

    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.alter_column("body_html", existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.drop_column("body_html")
