"""Reopened cases, linked cases and merged duplicates; words searched in what would put it
right and the advocate's name and email (issue 16)

Revision ID: be1e3ba9e121
Revises: a7c3e91b5d20
Create Date: 2026-12-05 17:10:11

"""

import sqlalchemy as sa
from alembic import op

import portal.database

revision = "be1e3ba9e121"
down_revision = "a7c3e91b5d20"
branch_labels = None
depends_on = None

TRIGRAMS = {
    "ix_submissions_put_right_trgm": "put_right",
    "ix_submissions_advocate_name_trgm": "advocate_name",
    "ix_submissions_advocate_email_trgm": "advocate_email",
}


def upgrade():
    op.create_table(
        "case_reopenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("reopened_at", portal.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reopened_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("reason_words", sa.Text(), nullable=True),
        sa.Column("ended_how", sa.String(length=30), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_reopenings_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_case_reopenings_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reopenings")),
    )
    op.create_index(
        op.f("ix_case_reopenings_submission_id"), "case_reopenings", ["submission_id"]
    )
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("other_submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", portal.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_submission_id"],
            ["submissions.id"],
            name=op.f("fk_case_links_other_submission_id_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_links_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_case_links_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint(
            "submission_id",
            "other_submission_id",
            "kind",
            name=op.f("uq_case_links_submission_id"),
        ),
    )
    op.create_index(op.f("ix_case_links_submission_id"), "case_links", ["submission_id"])
    op.create_index(
        op.f("ix_case_links_other_submission_id"), "case_links", ["other_submission_id"]
    )
    # As the case search's other trigram indexes (d7a3f9c2e5b1): empty on SQLite.
    for name, column in TRIGRAMS.items():
        op.create_index(
            name,
            "submissions",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )


def downgrade():
    for name in TRIGRAMS:
        op.drop_index(name, table_name="submissions")
    op.drop_index(op.f("ix_case_links_other_submission_id"), table_name="case_links")
    op.drop_index(op.f("ix_case_links_submission_id"), table_name="case_links")
    op.drop_table("case_links")
    op.drop_index(op.f("ix_case_reopenings_submission_id"), table_name="case_reopenings")
    op.drop_table("case_reopenings")
