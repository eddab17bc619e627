"""Each stage's dates, extension, people and panel move off the case onto the stage's own
row (stage_responses), which now exists from the day the stage is reached, not only once
it is responded to (issue 15)

Revision ID: 5b3e9d07a1c4
Revises: c4e1a7d25b90
Create Date: 2026-12-05 05:20:00.000000

Where each column goes: MOVED below names, for each of the case's old columns, the stage
and the row's column. A stage is reached when the case has any of its values (stage 1
also when the case was accepted): its row is made if the stage had no response yet. The
downgrade writes every value back to the case and removes the rows of stages reached but
not responded to, as the code before kept them.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5b3e9d07a1c4"
down_revision = "c4e1a7d25b90"
branch_labels = None
depends_on = None

# The case's old column: (stage, the stage row's column, its type).
DATE, FLAG = sa.Date(), sa.Boolean()
MOVED = {
    "stage1_extended_on": ("stage1", "extended_on", DATE),
    "stage1_extension_reason": ("stage1", "extension_reason", sa.String(length=500)),
    "discussion_on": ("stage1", "discussion_on", DATE),
    "stage1_responded_on": ("stage1", "responded_on", DATE),
    "stage2_requested_on": ("stage2", "requested_on", DATE),
    "stage2_acknowledged_on": ("stage2", "acknowledged_on", DATE),
    "stage2_request_late": ("stage2", "request_late", FLAG),
    "stage2_statement_on": ("stage2", "statement_on", DATE),
    "investigators_appointed_on": ("stage2", "investigators_appointed_on", DATE),
    "investigating_officer": ("stage2", "investigating_officer", sa.String(length=200)),
    "independent_person": ("stage2", "independent_person", sa.String(length=200)),
    "stage2_extended_to": ("stage2", "extended_to", DATE),
    "stage2_extension_reason": ("stage2", "extension_reason", sa.String(length=500)),
    "stage2_adjudicated_on": ("stage2", "responded_on", DATE),
    "stage3_requested_on": ("stage3", "requested_on", DATE),
    "stage3_request_late": ("stage3", "request_late", FLAG),
    "panel_on": ("stage3", "panel_on", DATE),
    "panel_members": ("stage3", "panel_members", sa.String(length=600)),
    "panel_report_on": ("stage3", "panel_report_on", DATE),
    "panel_recommendations": ("stage3", "panel_recommendations", sa.Text()),
    "stage3_responded_on": ("stage3", "responded_on", DATE),
}
# The row's new columns, in the order the model has them.
NEW = {column: kind for _, column, kind in MOVED.values()}
STAGES = ("stage1", "stage2", "stage3")
REDRESS = ("redress_apology", "redress_explanation", "redress_service_review")

submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer),
    sa.column("accepted_on", sa.Date),
    *(sa.column(name, kind) for name, (_, _, kind) in MOVED.items()),
)
stage_responses = sa.table(
    "stage_responses",
    sa.column("id", sa.Integer),
    sa.column("submission_id", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("outcome", sa.String),
    *(sa.column(name, sa.Boolean) for name in REDRESS),
    sa.column("ex_gratia_pence", sa.Integer),
    sa.column("cost_pence", sa.Integer),
    *(sa.column(name, kind) for name, kind in NEW.items()),
)


def _column(name, kind):
    if isinstance(kind, sa.Boolean):
        return sa.Column(name, kind, server_default=sa.false(), nullable=False)
    return sa.Column(name, kind, nullable=True)


def _empty(kind):
    return False if isinstance(kind, sa.Boolean) else None


def _stage_values(case, stage):
    """The values the case holds for `stage`, named as the stage's row names them, with
    every new column (executemany needs the same keys in each row)."""
    values = {column: _empty(kind) for column, kind in NEW.items()}
    for name, (at, column, kind) in MOVED.items():
        if at == stage:
            values[column] = bool(case[name]) if isinstance(kind, sa.Boolean) else case[name]
    return values


def _reached(case, stage, values):
    if stage == "stage1" and case["accepted_on"] is not None:
        return True
    return any(value is not None and value is not False for value in values.values())


def upgrade():
    with op.batch_alter_table("stage_responses", schema=None) as batch_op:
        for name, kind in NEW.items():
            batch_op.add_column(_column(name, kind))

    connection = op.get_bind()
    rows = {
        (submission_id, stage): row_id
        for row_id, submission_id, stage in connection.execute(
            sa.select(
                stage_responses.c.id, stage_responses.c.submission_id, stage_responses.c.stage
            )
        )
    }
    updates, inserts = [], []
    for case in connection.execute(sa.select(submissions)).mappings():
        for stage in STAGES:
            values = _stage_values(case, stage)
            row_id = rows.get((case["id"], stage))
            if row_id is not None:
                updates.append({"row_id": row_id} | {f"new_{c}": v for c, v in values.items()})
            elif _reached(case, stage, values):
                inserts.append(
                    {"submission_id": case["id"], "stage": stage, "outcome": None}
                    | dict.fromkeys(REDRESS, False)
                    | {"ex_gratia_pence": None, "cost_pence": None}
                    | values
                )
    if updates:
        connection.execute(
            sa.update(stage_responses)
            .where(stage_responses.c.id == sa.bindparam("row_id"))
            .values({column: sa.bindparam(f"new_{column}") for column in NEW}),
            updates,
        )
    if inserts:
        connection.execute(sa.insert(stage_responses), inserts)

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name in MOVED:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name, (_, _, kind) in MOVED.items():
            batch_op.add_column(_column(name, kind))

    connection = op.get_bind()
    held = {}
    for row in connection.execute(sa.select(stage_responses)).mappings():
        held.setdefault(row["submission_id"], {})[row["stage"]] = row
    updates = []
    for case_id, by_stage in held.items():
        update = {"case_id": case_id}
        for name, (stage, column, kind) in MOVED.items():
            row = by_stage.get(stage)
            value = row[column] if row is not None else _empty(kind)
            update[f"new_{name}"] = bool(value) if isinstance(kind, sa.Boolean) else value
        updates.append(update)
    if updates:
        connection.execute(
            sa.update(submissions)
            .where(submissions.c.id == sa.bindparam("case_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in MOVED}),
            updates,
        )
    # Before, a stage had a row only once responded to.
    connection.execute(
        sa.delete(stage_responses).where(
            stage_responses.c.responded_on.is_(None),
            stage_responses.c.outcome.is_(None),
            stage_responses.c.ex_gratia_pence.is_(None),
            stage_responses.c.cost_pence.is_(None),
            *(sa.not_(stage_responses.c[name]) for name in REDRESS),
        )
    )

    with op.batch_alter_table("stage_responses", schema=None) as batch_op:
        for name in NEW:
            batch_op.drop_column(name)
