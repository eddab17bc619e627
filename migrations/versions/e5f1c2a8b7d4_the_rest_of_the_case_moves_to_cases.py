"""The rest of the case moves to its row (cases): what staff and the clock change and the
queue, reminders, reports, retention and the safeguarding sweep filter and sort on, with
the version and the triage queue's index (issue 15)

Revision ID: e5f1c2a8b7d4
Revises: b5d9f3a17c68
Create Date: 2026-12-06 08:30:00.000000

Every case gets its submission's values of MOVED (a submission without a case, which the
portal never leaves, gets one first); then the submission loses them. The queue's index
of open cases moves to cases; the trigram index of references can no longer be partial on
the stage (the case's now), so it covers every reference; urgent's index becomes one of
the few submissions with signs of danger. The downgrade writes every value back.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5f1c2a8b7d4"
down_revision = "b5d9f3a17c68"
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)
MOVED = {
    "version": sa.Integer(),
    "kind": sa.String(length=20),
    "team_id": sa.Integer(),
    "procedure": sa.String(length=30),
    "routing_rule_id": sa.Integer(),
    "assigned_staff_id": sa.Integer(),
    "stage": sa.String(length=20),
    "next_due_on": sa.Date(),
    "next_due_what": sa.String(length=60),
    "stage1_due": sa.Date(),
    "acknowledged_at": AWARE,
    "safeguarding_actioned_at": AWARE,
    "safeguarding_escalated_at": AWARE,
    "accepted_on": sa.Date(),
    "resolved_informally_on": sa.Date(),
    "withdrawn_on": sa.Date(),
    "closed_on": sa.Date(),
    "ombudsman_referred_on": sa.Date(),
    "ombudsman_decision": sa.String(length=30),
    "thanked_on": sa.Date(),
    "legal_hold": sa.Boolean(),
    "purged_at": AWARE,
}
# Not null, with the default each had on the submission (kind and procedure: filled).
DEFAULTS = {
    "version": "1",
    "stage": "triage",
    "legal_hold": sa.false(),
    "procedure": "england_children_2006",
}
NOT_NULL = ("version", "kind", "procedure", "stage", "legal_hold")
# Each foreign key, by column: the table it points at.
POINTS_AT = {"team_id": "teams", "routing_rule_id": "routing_rules", "assigned_staff_id": "staff"}
INDEXED = ("next_due_on",)
# The submission's indexes of kind and stage are not kept on cases: the queue's index
# serves the queue, and SQLite (no statistics) would take them for its filters instead.
DROPPED = ("kind", "stage")

OPEN = sa.text("stage <> 'closed'")
SIGNS = sa.text("urgent OR concern")

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


def _fk(table: str, column: str) -> str:
    return f"fk_{table}_{column}_{POINTS_AT[column]}"


def _reference_index(**where):
    """The queue's search for part of a reference: trigrams on PostgreSQL (pg_trgm)."""
    op.create_index(
        "ix_submissions_reference_trgm",
        "submissions",
        ["reference"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"reference": "gin_trgm_ops"},
        **where,
    )


def upgrade():
    # Every submission has its case (the portal makes them together): one for any that
    # has not, so that no value is left behind.
    op.execute(
        sa.insert(cases).from_select(
            ["submission_id"],
            sa.select(submissions.c.id).where(
                ~sa.exists().where(cases.c.submission_id == submissions.c.id)
            ),
        )
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name, kind in MOVED.items():
            default = DEFAULTS.get(name) if name != "procedure" else None
            batch_op.add_column(
                sa.Column(name, kind, nullable=default is None, server_default=default)
            )
    # One statement: each case takes its submission's values.
    op.execute(
        sa.update(cases)
        .where(cases.c.submission_id == submissions.c.id)
        .values({name: submissions.c[name] for name in MOVED})
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in ("kind", "procedure"):
            batch_op.alter_column(name, existing_type=MOVED[name], nullable=False)
        for name in POINTS_AT:
            batch_op.create_foreign_key(_fk("cases", name), POINTS_AT[name], [name], ["id"])
        for name in INDEXED:
            batch_op.create_index(f"ix_cases_{name}", [name], unique=False)
    # Open cases in due-date order, with every column of the case the queue reads as keys
    # after the order (SQLite has no INCLUDE): both databases answer from the index alone.
    op.create_index(
        "ix_cases_open_queue",
        "cases",
        ["next_due_on", "submission_id", "stage", "kind", "team_id", "safeguarding_actioned_at"],
        unique=False,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )

    for name in ("open_queue", "reference_trgm", "urgent", *INDEXED, *DROPPED):
        op.drop_index(f"ix_submissions_{name}", table_name="submissions")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name in POINTS_AT:
            batch_op.drop_constraint(_fk("submissions", name), type_="foreignkey")
        for name in MOVED:
            batch_op.drop_column(name)
    _reference_index()
    # On PostgreSQL, the few with signs only (SQLite compares a flag as "urgent = 1", which
    # an index of "urgent OR concern" would not serve).
    op.create_index(
        "ix_submissions_danger",
        "submissions",
        ["urgent", "concern", "id"],
        unique=False,
        postgresql_where=SIGNS,
    )


def downgrade():
    op.drop_index("ix_submissions_danger", table_name="submissions")
    op.drop_index("ix_submissions_reference_trgm", table_name="submissions")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name, kind in MOVED.items():
            default = DEFAULTS.get(name)
            batch_op.add_column(
                sa.Column(name, kind, nullable=default is None, server_default=default)
            )
    op.execute(
        sa.update(submissions)
        .where(submissions.c.id == cases.c.submission_id)
        .values({name: cases.c[name] for name in MOVED})
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=MOVED["kind"], nullable=False)
        for name in POINTS_AT:
            batch_op.create_foreign_key(_fk("submissions", name), POINTS_AT[name], [name], ["id"])
    for name in ("urgent", *INDEXED, *DROPPED):
        op.create_index(f"ix_submissions_{name}", "submissions", [name], unique=False)
    _reference_index(postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index(
        "ix_submissions_open_queue",
        "submissions",
        ["next_due_on", "id"],
        unique=False,
        postgresql_include=[
            "stage",
            "kind",
            "team_id",
            "urgent",
            "concern",
            "safeguarding_actioned_at",
            "reference",
        ],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )

    op.drop_index("ix_cases_open_queue", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in INDEXED:
            batch_op.drop_index(f"ix_cases_{name}")
        for name in POINTS_AT:
            batch_op.drop_constraint(_fk("cases", name), type_="foreignkey")
        for name in MOVED:
            batch_op.drop_column(name)
