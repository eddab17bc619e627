"""What a complainant can do after each response, and by when (domain.md, "Timescales").

England: after stage 1, ask for stage 2; after stage 2, ask for a review panel (stage 3);
after stage 3, the ombudsman. Wales and the corporate procedure: stage 1, stage 2, then the
ombudsman: the Public Services Ombudsman for Wales for a council in Wales, the Local
Government and Social Care Ombudsman in England. The same rules as the response letters'
(domain/letters.py), for the notice sent when a response is recorded. Pure.
"""

from dataclasses import dataclass
from datetime import date

from portal.domain.letters import Ombudsman, ask_by, next_stage, ombudsman_for
from portal.domain.stages import Move
from portal.domain.timescales import Procedure

RESPONSES = {Move.RESPOND_STAGE1: 1, Move.ADJUDICATE_STAGE2: 2, Move.RESPOND_STAGE3: 3}


@dataclass(frozen=True)
class NextStep:
    """`next_stage` (2 or 3) asked for by `ask_by`; or, when it is None, the ombudsman."""

    next_stage: int | None
    ask_by: date | None
    ombudsman: Ombudsman


def after_response(
    procedure: Procedure, jurisdiction: str, response: Move, responded_on: date, window_days: int
) -> NextStep:
    if response not in RESPONSES:
        raise ValueError(f"{response} is not a response")
    following = next_stage(procedure, RESPONSES[response])
    by = ask_by(responded_on, window_days) if following else None
    return NextStep(following, by, ombudsman_for(procedure, jurisdiction))
