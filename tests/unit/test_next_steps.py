"""What a complainant can do after each response (portal/domain/next_steps.py)."""

from datetime import date

import pytest

from portal.domain.letters import LGSCO, PSOW
from portal.domain.next_steps import after_response
from portal.domain.stages import Move
from portal.domain.timescales import Procedure

RESPONDED = date(2026, 1, 20)  # a Tuesday


@pytest.mark.parametrize(
    ("procedure", "jurisdiction", "response", "next_stage", "ask_by", "ombudsman"),
    [
        (Procedure.ENGLAND_CHILDREN, "england", Move.RESPOND_STAGE1, 2, date(2026, 2, 17), LGSCO),
        (
            Procedure.ENGLAND_CHILDREN,
            "england",
            Move.ADJUDICATE_STAGE2,
            3,
            date(2026, 2, 17),
            LGSCO,
        ),
        (Procedure.ENGLAND_CHILDREN, "england", Move.RESPOND_STAGE3, None, None, LGSCO),
        (Procedure.WALES_CHILDREN, "wales", Move.RESPOND_STAGE1, 2, date(2026, 2, 17), PSOW),
        (Procedure.WALES_CHILDREN, "wales", Move.ADJUDICATE_STAGE2, None, None, PSOW),
        (Procedure.CORPORATE, "england", Move.ADJUDICATE_STAGE2, None, None, LGSCO),
        # A council in Wales: its corporate complaints go to the Welsh ombudsman too.
        (Procedure.CORPORATE, "wales", Move.ADJUDICATE_STAGE2, None, None, PSOW),
    ],
)
def test_the_next_step_after_each_response(
    procedure: Procedure,
    jurisdiction: str,
    response: Move,
    next_stage: int | None,
    ask_by: date | None,
    ombudsman: object,
) -> None:
    step = after_response(procedure, jurisdiction, response, RESPONDED, 20)
    assert (step.next_stage, step.ask_by, step.ombudsman) == (next_stage, ask_by, ombudsman)


def test_only_a_response_has_a_next_step() -> None:
    with pytest.raises(ValueError):
        after_response(Procedure.ENGLAND_CHILDREN, "england", Move.ACCEPT, RESPONDED, 20)
