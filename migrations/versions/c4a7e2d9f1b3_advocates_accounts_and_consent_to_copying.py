"""Advocates (issue 17): organisations approved by their email domain, an advocate's
organisation and phone on their account, the advocate's account named on a case, and the
child's consent to copying letters to their advocate. A case whose child named an advocate
on the form (the advocate got every letter until now) starts with that consent, given on
the day it was received.

Revision ID: c4a7e2d9f1b3
Revises: 2d4f7cac77db
Create Date: 2026-12-06 02:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import portal.database

revision = "c4a7e2d9f1b3"
down_revision = "2d4f7cac77db"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "advocate_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email_domain", sa.String(length=200), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", portal.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_approved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advocate_organisations")),
        sa.UniqueConstraint("email_domain", name=op.f("uq_advocate_organisations_email_domain")),
    )
    consents = op.create_table(
        "copy_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("given_by", sa.String(length=20), nullable=False),
        sa.Column("given_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=20), nullable=True),
        sa.Column("withdrawn_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["given_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_copy_consents_given_by_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_copy_consents_submission_id_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_copy_consents_withdrawn_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_copy_consents")),
    )
    with op.batch_alter_table("copy_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_copy_consents_submission_id"), ["submission_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advocate_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_advocate_id"), ["advocate_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_advocate_id_staff"), "staff", ["advocate_id"], ["id"]
        )

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_organisation_id_advocate_organisations"),
            "advocate_organisations",
            ["organisation_id"],
            ["id"],
        )

    # Until now a child's named advocate got a copy of everything: that stands as the
    # child's consent, given on the form, on the day the case was received.
    submissions = sa.table(
        "submissions",
        sa.column("id", sa.Integer),
        sa.column("received_on", sa.Date),
        sa.column("received_at", portal.database.UTCDateTime(timezone=True)),
        sa.column("advocate_name", sa.String),
        sa.column("advocate_email", sa.String),
    )
    op.execute(
        consents.insert().from_select(
            ["submission_id", "given_on", "given_by", "created_at"],
            sa.select(
                submissions.c.id,
                submissions.c.received_on,
                sa.literal("child_form"),
                submissions.c.received_at,
            ).where(
                sa.or_(
                    submissions.c.advocate_email.is_not(None),
                    submissions.c.advocate_name.is_not(None),
                )
            ),
        )
    )


def downgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_staff_organisation_id_advocate_organisations"), type_="foreignkey"
        )
        batch_op.drop_column("phone")
        batch_op.drop_column("organisation_id")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_advocate_id_staff"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_advocate_id"))
        batch_op.drop_column("advocate_id")

    with op.batch_alter_table("copy_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_copy_consents_submission_id"))

    op.drop_table("copy_consents")
    op.drop_table("advocate_organisations")
