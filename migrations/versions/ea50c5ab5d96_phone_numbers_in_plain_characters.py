"""Phone numbers kept in plain characters: a number typed with a phone's "–" or "—", the
minus sign, a no-break space or full-width digits was kept as typed, and the case search
(which strips only the separators people write: models/submission.py `phone_key`) and
"Find your complaint" could not find it. The form now keeps them plain
(`fields.plain_characters`); each number kept before is made plain here by the same
function (`portal.domain.characters.plain`). The digits and what they mean are
unchanged, so the downgrade leaves them plain.

Revision ID: ea50c5ab5d96
Revises: 6f2b8d4e1a37
Create Date: 2026-12-07 17:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from portal.domain.characters import plain

# revision identifiers, used by Alembic.
revision = "ea50c5ab5d96"
down_revision = "6f2b8d4e1a37"
branch_labels = None
depends_on = None

# Submissions read at a time: a council's years of cases, never all in memory together.
BATCH = 1000


def upgrade():
    bind = op.get_bind()
    table = sa.table(
        "submissions",
        sa.column("id", sa.Integer),
        sa.column("phone", sa.String),
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.phone)
            .where(table.c.id > after, table.c.phone.is_not(None))
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        # (A number the compatibility form would make longer than the column stays.)
        changed = [
            {"row_id": row.id, "plain": plain(row.phone)}
            for row in rows
            if plain(row.phone) != row.phone and len(plain(row.phone)) <= 40
        ]
        if changed:
            bind.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("row_id"))
                .values(phone=sa.bindparam("plain")),
                changed,
            )
        after = rows[-1].id


def downgrade():
    pass  # the numbers stay plain: the same digits, found by the search
