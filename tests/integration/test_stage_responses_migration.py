"""The migration that gives each stage's response a row of its own (c4e1a7d25b90) keeps
every figure: on a database filled by the demo data (built, then taken back to the
revision before, as the old code left it) and on cases written as the old code wrote them,
with their audit trail or without it. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from migration_helpers import RECEIVED, TODAY, old_case, submission_count

from portal.domain.reports import Period, financial_year, previous
from portal.extensions import db
from portal.models import StageResponse, Submission
from portal.services import reports

BEFORE = "6081ed9973fa"  # the revision before stage_responses
OLD_COLUMNS = (
    "outcome",
    "redress_apology",
    "redress_explanation",
    "redress_service_review",
    "ex_gratia_pence",
    "stage2_cost_pence",
)


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    """The portal on a database of this test's own, built by the migrations."""
    with portal_on_its_own_database("stages") as app:
        yield app


def responses() -> dict[str, list[tuple[Any, ...]]]:
    """Each case's responses: stage, finding, the three redresses, payment, cost."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for reference, r in db.session.execute(
        sa.select(Submission.reference, StageResponse)
        .join(StageResponse, StageResponse.submission_id == Submission.id)
        .order_by(Submission.reference, StageResponse.stage)
    ):
        if not r.has_response:  # a stage reached, not yet responded to (5b3e9d07a1c4)
            continue
        found.setdefault(reference, []).append(
            (
                r.stage,
                r.outcome,
                r.redress_apology,
                r.redress_explanation,
                r.redress_service_review,
                r.ex_gratia_pence,
                r.cost_pence,
            )
        )
    return found


def outcomes() -> dict[str, str | None]:
    return {
        case.reference: case.outcome
        for case in db.session.scalars(sa.select(Submission).order_by(Submission.reference))
    }


def old_columns() -> dict[str, tuple[Any, ...]]:
    """The case's own outcome, redress, payment and cost, at the revision before."""
    columns = ", ".join(OLD_COLUMNS)
    rows = db.session.execute(sa.text(f"SELECT reference, {columns} FROM submissions"))
    return {
        reference: (outcome, bool(a), bool(e), bool(s), paid, cost)
        for reference, outcome, a, e, s, paid, cost in rows
    }


def the_report(period: Period) -> dict[str, Any]:
    figures = reports.annual_report(period)
    return {key: figures[key] for key in ("complaints", "by_team_outcome", "costs")}


def test_the_demo_data_keeps_every_figure_through_the_migration_down_and_up(
    own_database_with_the_demo: Flask,
) -> None:
    assert submission_count() == 120  # the demo, loaded once for the session
    years = [financial_year(TODAY), previous(financial_year(TODAY))]
    before = (responses(), outcomes(), [the_report(year) for year in years])
    costs = [report["costs"] for report in before[2]]
    db.session.remove()

    downgrade(revision=BEFORE)
    old = old_columns()
    # As the old code left them: one outcome, the last payment made, stage 2's cost.
    assert {ref: columns[0] for ref, columns in old.items()} == before[1]
    for reference, stages in before[0].items():
        paid = [r[5] for r in stages if r[5] is not None]
        cost = next((r[6] for r in stages if r[0] == "stage2"), None)
        assert old[reference][4:] == ((paid[-1] if paid else None), cost), reference
    both = [ref for ref, stages in before[0].items() if sum(r[5] is not None for r in stages) > 1]
    db.session.remove()

    upgrade()
    after = (responses(), outcomes(), [the_report(year) for year in years])
    assert after == before
    # The figures the demo shows, so that the comparison is not of nothing: 58 stage 1
    # responses and 10 stage 2 adjudications, one case paid at both stages.
    assert sum(len(stages) for stages in after[0].values()) == 68
    assert len(both) == 1
    assert costs == [
        {
            "stage2_cases": 5,
            "stage2_total": "17158.47",
            "ex_gratia_payments": 9,
            "ex_gratia_total": "850.00",
        },
        {
            "stage2_cases": 5,
            "stage2_total": "12066.28",
            "ex_gratia_payments": 11,
            "ex_gratia_total": "750.00",
        },
    ]


# --- cases as the old code wrote them ----------------------------------------------------


def _old_case(reference: str, **columns: Any) -> int:
    return old_case(
        reference,
        **{
            "stage": "closed",
            "accepted_on": date(2025, 6, 3),
            "redress_apology": False,
            "redress_explanation": False,
            "redress_service_review": False,
        }
        | columns,
    )


def _trail(case_id: int, action: str, **changes: list[Any]) -> None:
    """An audit event as the old code recorded a move: {"changes": {field: [old, new]}}."""
    db.session.execute(
        sa.insert(
            sa.table(
                "audit_events",
                sa.column("submission_id"),
                sa.column("action"),
                sa.column("detail", sa.JSON),
                sa.column("at"),
            )
        ),
        {
            "submission_id": case_id,
            "action": action,
            "detail": {"changes": changes},
            "at": "2025-07-01 10:00:00",
        },
    )


def test_cases_written_by_the_old_code_get_each_stage_s_response(own_database: Flask) -> None:
    downgrade(revision=BEFORE)
    responded = {"stage1_responded_on": date(2025, 6, 16)}
    adjudicated = responded | {"stage2_requested_on": date(2025, 6, 20)}
    adjudicated |= {"stage2_adjudicated_on": date(2025, 7, 25)}

    # Paid at stage 1, and again at stage 2: the case kept only stage 2's payment.
    both = _old_case(
        "OLD-BOTH",
        **adjudicated,
        outcome="upheld",
        redress_apology=True,
        redress_explanation=True,
        ex_gratia_pence=25000,
        stage2_cost_pence=90000,
    )
    _trail(
        both,
        "move:respond_stage1",
        outcome=[None, "partially_upheld"],
        redress_apology=[False, True],
        ex_gratia_pence=[None, 15000],
    )
    _trail(
        both,
        "move:adjudicate_stage2",
        outcome=["partially_upheld", "upheld"],
        redress_explanation=[False, True],
        ex_gratia_pence=[15000, 25000],
        stage2_cost_pence=[None, 90000],
    )
    # Stage 2 left the payment blank: stage 1's stood on the case.
    blank = _old_case("OLD-BLANK", **adjudicated, outcome="not_upheld", ex_gratia_pence=5000)
    _trail(blank, "move:respond_stage1", outcome=[None, "upheld"], ex_gratia_pence=[None, 5000])
    _trail(blank, "move:adjudicate_stage2", outcome=["upheld", "not_upheld"])
    # Withdrawn after the stage 1 response: the case's outcome said withdrawn.
    gone = _old_case("OLD-GONE", **responded, withdrawn_on=date(2025, 6, 30), outcome="withdrawn")
    _trail(gone, "move:respond_stage1", outcome=[None, "not_upheld"])
    _trail(gone, "move:withdraw", outcome=["not_upheld", "withdrawn"])
    # A stage 3 response after stage 2's.
    panel = _old_case(
        "OLD-PANEL",
        **adjudicated,
        stage3_requested_on=date(2025, 8, 1),
        stage3_responded_on=date(2025, 9, 30),
        outcome="not_upheld",
    )
    _trail(panel, "move:respond_stage1", outcome=[None, "not_upheld"])
    _trail(panel, "move:adjudicate_stage2", outcome=["not_upheld", "upheld"])
    _trail(panel, "move:respond_stage3", outcome=["upheld", "not_upheld"])
    # No trail at all: the columns say what they can, at the latest stage.
    _old_case(
        "OLD-BARE",
        **adjudicated,
        outcome="no_finding",
        redress_apology=True,
        ex_gratia_pence=7000,
        stage2_cost_pence=120000,
    )
    # A trail that no longer matches the case (changed by hand): the case wins.
    hand = _old_case("OLD-HAND", **responded, outcome="upheld")
    _trail(hand, "move:respond_stage1", outcome=[None, "not_upheld"])
    # Resolved informally: no stage responded to.
    _old_case(
        "OLD-INFORMAL",
        accepted_on=None,
        resolved_informally_on=date(2025, 6, 4),
        outcome="resolved_informally",
    )
    db.session.commit()
    old = old_columns()
    db.session.remove()

    upgrade()
    no = False
    assert responses() == {
        "OLD-BOTH": [
            ("stage1", "partially_upheld", True, no, no, 15000, None),
            ("stage2", "upheld", True, True, no, 25000, 90000),
        ],
        "OLD-BLANK": [
            ("stage1", "upheld", no, no, no, 5000, None),
            ("stage2", "not_upheld", no, no, no, None, None),
        ],
        "OLD-GONE": [("stage1", "not_upheld", no, no, no, None, None)],
        "OLD-PANEL": [
            ("stage1", "not_upheld", no, no, no, None, None),
            ("stage2", "upheld", no, no, no, None, None),
            ("stage3", "not_upheld", no, no, no, None, None),
        ],
        "OLD-BARE": [
            ("stage1", None, no, no, no, None, None),
            ("stage2", "no_finding", True, no, no, 7000, 120000),
        ],
        "OLD-HAND": [("stage1", "upheld", no, no, no, None, None)],
    }
    assert outcomes() == {ref: columns[0] for ref, columns in old.items()}
    costs = reports.annual_report(financial_year(RECEIVED))["costs"]
    # £150 and £250 (both stages), £50 and £70: four payments where the old case held three.
    assert costs == {
        "stage2_cases": 2,
        "stage2_total": "2100.00",
        "ex_gratia_payments": 4,
        "ex_gratia_total": "520.00",
    }
    db.session.remove()

    downgrade(revision=BEFORE)
    assert old_columns() == old
    db.session.remove()
    upgrade()
