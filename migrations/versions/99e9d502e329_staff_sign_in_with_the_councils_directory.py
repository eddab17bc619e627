"""Staff sign in with the council's directory (OpenID Connect): each account may be
linked to one person at the provider (its issuer and that person's subject, unique
together), and an account may be the break-glass one that keeps the portal's own
password while the directory signs everyone else in. Nothing is moved: every account
so far signs in with its password and is not break-glass.

Revision ID: 99e9d502e329
Revises: c4a9e2d71f03
Create Date: 2026-12-06 15:23:53.359142
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "99e9d502e329"
down_revision = "c4a9e2d71f03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_issuer", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("break_glass", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_unique_constraint(
            "uq_staff_oidc_issuer", ["oidc_issuer", "oidc_subject"]
        )


def downgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("uq_staff_oidc_issuer", type_="unique")
        batch_op.drop_column("break_glass")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("oidc_issuer")
