"""The case worked in the back office gets its own row (cases, one per submission): the
columns staff record one case at a time move off the submission (issue 15)

Revision ID: 7c2a91e4d6b3
Revises: b8d2f6a0c3e1
Create Date: 2026-12-05 06:20:00.000000

Every submission gets its case row, with its values of MOVED. The downgrade writes them
back and drops the table.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7c2a91e4d6b3"
# Also joins the two lines of migrations merged into main together (stage dates; the
# queue search and the report counted by the database), which changed different tables.
down_revision = "b8d2f6a0c3e1"
branch_labels = None
depends_on = None

MOVED = {
    "routing_reason": sa.String(length=200),
    "next_due_statutory": sa.Date(),
    "acknowledged_how": sa.String(length=20),
    "safeguarding_action": sa.Text(),
    "safeguarding_actioned_by": sa.Integer(),
    "informal_resolution_terms": sa.Text(),
    "ombudsman_reference": sa.String(length=40),
    "ombudsman_decided_on": sa.Date(),
    "sufficient_interest": sa.Boolean(),
    "sufficient_interest_reason": sa.String(length=500),
    "sufficient_interest_decided_on": sa.Date(),
    "advocacy_status": sa.String(length=20),
    "advocacy_due_on": sa.Date(),
    "advocate_assigned": sa.String(length=200),
    "reclassified_from": sa.String(length=20),
    "legal_hold_reason": sa.String(length=500),
}
ACTIONED_BY = "fk_submissions_safeguarding_actioned_by_staff"

submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer),
    *(sa.column(name, kind) for name, kind in MOVED.items()),
)
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("submission_id", sa.Integer),
    *(sa.column(name, kind) for name, kind in MOVED.items()),
)


def upgrade():
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        *(sa.Column(name, kind, nullable=True) for name, kind in MOVED.items()),
        sa.ForeignKeyConstraint(
            ["safeguarding_actioned_by"], ["staff.id"],
            name=op.f("fk_cases_safeguarding_actioned_by_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_cases_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_cases_submission_id")),
    )
    # One statement: every submission's case, its id the submission's (ids are free).
    op.execute(
        sa.insert(cases).from_select(
            ["id", "submission_id", *MOVED],
            sa.select(submissions.c.id, submissions.c.id, *(submissions.c[n] for n in MOVED)),
        )
    )
    if op.get_bind().dialect.name == "postgresql":
        # The ids were given explicitly: the sequence carries on after them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'),"
            " COALESCE((SELECT max(id) FROM cases), 0) + 1, false)"
        )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(ACTIONED_BY, type_="foreignkey")
        for name in MOVED:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name, kind in MOVED.items():
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.create_foreign_key(ACTIONED_BY, "staff", ["safeguarding_actioned_by"], ["id"])
    op.execute(
        sa.update(submissions)
        .values(
            {
                name: sa.select(cases.c[name])
                .where(cases.c.submission_id == submissions.c.id)
                .scalar_subquery()
                for name in MOVED
            }
        )
    )
    op.drop_table("cases")
