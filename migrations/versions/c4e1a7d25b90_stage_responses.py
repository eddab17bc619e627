"""Each stage's response in a row of its own (stage_responses): the finding, the redress,
the ex gratia payment and the cost move off the case, so a stage 2 finding no longer
overwrites stage 1's and a payment at each stage counts twice (issue 15)

Revision ID: c4e1a7d25b90
Revises: 6081ed9973fa
Create Date: 2026-12-04 18:45:00.000000

Where each case's figures go. The old case held one outcome, one set of redress, one
payment and one stage 2 cost, each written by the last stage that responded (a stage 2
payment left blank kept stage 1's). The audit trail holds every response as it was made
(`move:respond_stage1`, `move:adjudicate_stage2`, `move:respond_stage3`, with the fields
changed), so each stage's response is rebuilt from it; a stage 2 payment equal to stage
1's is not in the trail and stays one payment, as the old report counted it. Whenever the
responses rebuilt from the trail do not give back the case's columns exactly (a trail
missing, a row changed by hand), the columns win: the outcome goes to the latest stage
responded to, redress and payment to stage 2 if it was adjudicated (else stage 1), the
cost to stage 2. Withdrawn and resolved informally are not a stage's finding: the case
says so by its dates (withdrawn_on, resolved_informally_on).

The downgrade writes the columns back as the old code would have left them.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4e1a7d25b90"
down_revision = "6081ed9973fa"
branch_labels = None
depends_on = None

STAGES = ("stage1", "stage2", "stage3")
FINDINGS = ("upheld", "partially_upheld", "not_upheld", "no_finding")
REDRESS = ("redress_apology", "redress_explanation", "redress_service_review")
# Each response move, its stage, and the case's old fields it wrote.
MOVES = {
    "move:respond_stage1": ("stage1", ("outcome", *REDRESS, "ex_gratia_pence")),
    "move:adjudicate_stage2": (
        "stage2",
        ("outcome", *REDRESS, "ex_gratia_pence", "stage2_cost_pence"),
    ),
    "move:respond_stage3": ("stage3", ("outcome",)),
}
RESPONDED_ON = {
    "stage1": "stage1_responded_on",
    "stage2": "stage2_adjudicated_on",
    "stage3": "stage3_responded_on",
}
OLD_COLUMNS = ("outcome", *REDRESS, "ex_gratia_pence", "stage2_cost_pence")

submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer),
    sa.column("outcome", sa.String),
    *(sa.column(name, sa.Boolean) for name in REDRESS),
    sa.column("ex_gratia_pence", sa.Integer),
    sa.column("stage2_cost_pence", sa.Integer),
    sa.column("withdrawn_on", sa.Date),
    sa.column("resolved_informally_on", sa.Date),
    *(sa.column(name, sa.Date) for name in RESPONDED_ON.values()),
)
audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("submission_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("detail", sa.JSON),
)
stage_responses = sa.table(
    "stage_responses",
    sa.column("submission_id", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("outcome", sa.String),
    *(sa.column(name, sa.Boolean) for name in REDRESS),
    sa.column("ex_gratia_pence", sa.Integer),
    sa.column("cost_pence", sa.Integer),
)


def _empty(stage):
    return {
        "stage": stage,
        "outcome": None,
        **dict.fromkeys(REDRESS, False),
        "ex_gratia_pence": None,
        "cost_pence": None,
    }


def _from_trail(events):
    """Each stage's response as the trail recorded it, in the order it was made."""
    responses = {}
    state = {name: None for name in OLD_COLUMNS} | dict.fromkeys(REDRESS, False)
    for action, detail in events:
        stage, fields = MOVES[action]
        changes = (detail or {}).get("changes", {})
        if (detail or {}).get("response_stage"):
            # Written since responses had rows: the values were the stage's own.
            state = {name: None for name in OLD_COLUMNS} | dict.fromkeys(REDRESS, False)
        for name in fields:
            if name in changes:
                state[name] = changes[name][1]
        response = _empty(stage)
        for name in fields:
            column = "cost_pence" if name == "stage2_cost_pence" else name
            response[column] = state[name]
        if stage == "stage2" and "ex_gratia_pence" not in changes:
            response["ex_gratia_pence"] = None  # left blank: stage 1's payment stood
        responses[stage] = response
    return responses


def _columns(responses, *, withdrawn, resolved_informally):
    """The case's old columns from its responses, as the old code left them."""
    if withdrawn:
        outcome = "withdrawn"
    elif resolved_informally:
        outcome = "resolved_informally"
    else:
        outcome = next(
            (responses[s]["outcome"] for s in reversed(STAGES) if s in responses), None
        )
    redressed = responses.get("stage2") or responses.get("stage1") or _empty("stage1")
    payments = [responses[s]["ex_gratia_pence"] for s in ("stage2", "stage1") if s in responses]
    return {
        "outcome": outcome,
        **{name: bool(redressed[name]) for name in REDRESS},
        "ex_gratia_pence": next((p for p in payments if p is not None), None),
        "stage2_cost_pence": responses["stage2"]["cost_pence"] if "stage2" in responses else None,
    }


def _from_columns(case):
    """The responses the case's columns show, with no trail to say more."""
    responded = [s for s in STAGES if case[RESPONDED_ON[s]] is not None]
    responses = {s: _empty(s) for s in responded}
    if case["outcome"] in FINDINGS:
        latest = responded[-1] if responded else "stage1"
        responses.setdefault(latest, _empty(latest))["outcome"] = case["outcome"]
    paid_at = "stage2" if "stage2" in responded else "stage1"
    if any(case[name] for name in REDRESS) or case["ex_gratia_pence"] is not None:
        response = responses.setdefault(paid_at, _empty(paid_at))
        response.update({name: bool(case[name]) for name in REDRESS})
        response["ex_gratia_pence"] = case["ex_gratia_pence"]
    if case["stage2_cost_pence"] is not None:
        responses.setdefault("stage2", _empty("stage2"))["cost_pence"] = case["stage2_cost_pence"]
    return responses


def upgrade():
    op.create_table(
        "stage_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("redress_apology", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("redress_explanation", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "redress_service_review", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("ex_gratia_pence", sa.Integer(), nullable=True),
        sa.Column("cost_pence", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_stage_responses_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_responses")),
        sa.UniqueConstraint(
            "submission_id", "stage", name=op.f("uq_stage_responses_submission_id")
        ),
    )
    with op.batch_alter_table("stage_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_responses_submission_id"), ["submission_id"], unique=False
        )

    connection = op.get_bind()
    trails = {}
    for submission_id, action, detail in connection.execute(
        sa.select(audit_events.c.submission_id, audit_events.c.action, audit_events.c.detail)
        .where(audit_events.c.action.in_(list(MOVES)))
        .order_by(audit_events.c.id)
    ):
        trails.setdefault(submission_id, []).append((action, detail))
    rows = []
    for case in connection.execute(sa.select(submissions)).mappings():
        responses = _from_trail(trails.get(case["id"], []))
        shown = _columns(
            responses,
            withdrawn=case["withdrawn_on"] is not None,
            resolved_informally=case["resolved_informally_on"] is not None,
        )
        if shown != {name: case[name] for name in OLD_COLUMNS}:
            responses = _from_columns(case)
        rows += [response | {"submission_id": case["id"]} for response in responses.values()]
    if rows:
        connection.execute(sa.insert(stage_responses), rows)

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        for name in OLD_COLUMNS:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=30), nullable=True))
        for name in REDRESS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.add_column(sa.Column("ex_gratia_pence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stage2_cost_pence", sa.Integer(), nullable=True))

    connection = op.get_bind()
    responses = {}
    for response in connection.execute(sa.select(stage_responses)).mappings():
        responses.setdefault(response["submission_id"], {})[response["stage"]] = dict(response)
    cases = connection.execute(
        sa.select(submissions.c.id, submissions.c.withdrawn_on, submissions.c.resolved_informally_on)
    ).all()
    updates = [
        {"case_id": case_id}
        | {
            f"new_{name}": value
            for name, value in _columns(
                responses.get(case_id, {}),
                withdrawn=withdrawn_on is not None,
                resolved_informally=resolved_on is not None,
            ).items()
        }
        for case_id, withdrawn_on, resolved_on in cases
    ]
    if updates:
        connection.execute(
            sa.update(submissions)
            .where(submissions.c.id == sa.bindparam("case_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in OLD_COLUMNS}),
            updates,
        )

    with op.batch_alter_table("stage_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_responses_submission_id"))
    op.drop_table("stage_responses")
