"""The ombudsman's enquiry as a step of its own: its dates, its decision and the remedies
it recommends, each with its compliance (issue 16); the case's four ombudsman columns move
into it

Revision ID: b1d5e9a3c7f2
Revises: be1e3ba9e121
Create Date: 2026-12-05 17:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "b1d5e9a3c7f2"
down_revision = "be1e3ba9e121"
branch_labels = None
depends_on = None

OLD = {
    "ombudsman_referred_on": sa.Date(),
    "ombudsman_reference": sa.String(length=40),
    "ombudsman_decision": sa.String(length=30),
    "ombudsman_decided_on": sa.Date(),
}

cases = sa.table(
    "cases", sa.column("submission_id", sa.Integer), *(sa.column(n, t) for n, t in OLD.items())
)
enquiries = sa.table(
    "ombudsman_enquiries",
    sa.column("id", sa.Integer),
    sa.column("submission_id", sa.Integer),
    sa.column("reference", sa.String),
    sa.column("received_on", sa.Date),
    sa.column("decided_on", sa.Date),
    sa.column("decision", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table(
        "ombudsman_enquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reply_due_on", sa.Date(), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("draft_decision_on", sa.Date(), nullable=True),
        sa.Column("comments_due_on", sa.Date(), nullable=True),
        sa.Column("comments_sent_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("maladministration", sa.Boolean(), nullable=True),
        sa.Column("injustice", sa.Boolean(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["staff.id"], name=op.f("fk_ombudsman_enquiries_recorded_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_ombudsman_enquiries_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ombudsman_enquiries")),
    )
    op.create_index(
        op.f("ix_ombudsman_enquiries_submission_id"),
        "ombudsman_enquiries",
        ["submission_id"],
        unique=False,
    )
    op.create_table(
        "ombudsman_remedies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("complied_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_ombudsman_remedies_attachment_id_attachments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["ombudsman_enquiries.id"],
            name=op.f("fk_ombudsman_remedies_enquiry_id_ombudsman_enquiries"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["staff.id"], name=op.f("fk_ombudsman_remedies_recorded_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_ombudsman_remedies_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ombudsman_remedies")),
    )
    op.create_index(
        op.f("ix_ombudsman_remedies_enquiry_id"), "ombudsman_remedies", ["enquiry_id"], unique=False
    )
    op.create_index(
        op.f("ix_ombudsman_remedies_submission_id"),
        "ombudsman_remedies",
        ["submission_id"],
        unique=False,
    )
    # Each case that went to the ombudsman becomes an enquiry that arrived the day it was
    # referred (or decided, had no referral been recorded), with its reference and its
    # decision; the decisions' codes are the same.
    arrived = sa.func.coalesce(cases.c.ombudsman_referred_on, cases.c.ombudsman_decided_on)
    op.execute(
        sa.insert(enquiries).from_select(
            ["submission_id", "reference", "received_on", "decided_on", "decision", "recorded_at"],
            sa.select(
                cases.c.submission_id,
                cases.c.ombudsman_reference,
                arrived,
                cases.c.ombudsman_decided_on,
                sa.case(
                    (cases.c.ombudsman_decided_on.is_(None), None),
                    else_=cases.c.ombudsman_decision,
                ),
                sa.func.current_timestamp(),
            ).where(arrived.is_not(None)),
        )
    )
    # Plain ALTER TABLE (PostgreSQL, and SQLite since 3.35): none of them is indexed or a
    # key, and the cases table keeps its partial indexes as they are.
    for name in OLD:
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")


def downgrade():
    for name, kind in OLD.items():
        op.add_column("cases", sa.Column(name, kind, nullable=True))
    # Each case takes its first enquiry's dates, reference and decision.
    def of_first(column):
        return (
            sa.select(column)
            .where(enquiries.c.submission_id == cases.c.submission_id)
            .order_by(enquiries.c.id)
            .limit(1)
            .scalar_subquery()
        )

    op.execute(
        sa.update(cases)
        .where(sa.exists().where(enquiries.c.submission_id == cases.c.submission_id))
        .values(
            ombudsman_referred_on=of_first(enquiries.c.received_on),
            ombudsman_reference=of_first(enquiries.c.reference),
            ombudsman_decision=of_first(enquiries.c.decision),
            ombudsman_decided_on=of_first(enquiries.c.decided_on),
        )
    )
    op.drop_index(op.f("ix_ombudsman_remedies_submission_id"), table_name="ombudsman_remedies")
    op.drop_index(op.f("ix_ombudsman_remedies_enquiry_id"), table_name="ombudsman_remedies")
    op.drop_table("ombudsman_remedies")
    op.drop_index(op.f("ix_ombudsman_enquiries_submission_id"), table_name="ombudsman_enquiries")
    op.drop_table("ombudsman_enquiries")
