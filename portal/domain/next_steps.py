"""What a complainant can do after each response, and by when (domain.md, "Timescales").

England: after stage 1, ask for stage 2; after stage 2, ask for a review panel (stage 3);
after stage 3, the Local Government and Social Care Ombudsman. Wales: after stage 1, ask
for stage 2; after stage 2, the Public Services Ombudsman for Wales. The corporate
procedure: stage 1, stage 2, then the ombudsman. Pure.
"""

from dataclasses import dataclass
from datetime import date

from portal.domain.clock import add_working_days
from portal.domain.stages import Move
from portal.domain.timescales import Procedure

RESPONSES = (Move.RESPOND_STAGE1, Move.ADJUDICATE_STAGE2, Move.RESPOND_STAGE3)


@dataclass(frozen=True)
class NextStep:
    """`next_stage` ("stage2", "stage3") asked for by `ask_by`; or, when it is None, the
    ombudsman (`ombudsman`: "lgsco" or "psow")."""

    next_stage: str | None
    ask_by: date | None
    ombudsman: str


def after_response(
    procedure: Procedure, response: Move, responded_on: date, window_days: int
) -> NextStep:
    ombudsman = "psow" if procedure is Procedure.WALES_CHILDREN else "lgsco"
    if response is Move.RESPOND_STAGE1:
        return NextStep("stage2", add_working_days(responded_on, window_days), ombudsman)
    if response is Move.ADJUDICATE_STAGE2 and procedure is Procedure.ENGLAND_CHILDREN:
        return NextStep("stage3", add_working_days(responded_on, window_days), ombudsman)
    if response in RESPONSES:
        return NextStep(None, None, ombudsman)
    raise ValueError(f"{response} is not a response")
