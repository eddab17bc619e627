"""When the person who complained (or their advocate) can ask for the next stage
(domain/complainant_steps.py; domain.md, "Timescales, England"): stage 2 after the stage 1
response under a statutory children's procedure; a review panel (stage 3) after the stage
2 adjudication, in England only, each once, and never once the case has ended."""

from dataclasses import replace
from datetime import date

from portal.domain.complainant_steps import (
    CaseFacts,
    StepKind,
    available,
    is_late,
    stage3_window_end,
)
from portal.domain.timescales import Procedure
from portal.domain.types import Kind

ADJUDICATED = date(2026, 12, 17)  # a Thursday before Christmas

AT_STAGE2 = CaseFacts(
    kind=Kind.COMPLAINT,
    procedure=Procedure.ENGLAND_CHILDREN,
    closed=False,
    stage1_responded_on=date(2026, 10, 1),
    stage2_requested_on=date(2026, 10, 5),
)


def test_a_review_panel_is_offered_after_the_stage_2_adjudication_in_england() -> None:
    assert StepKind.STAGE3 not in available(AT_STAGE2)
    adjudicated = replace(AT_STAGE2, stage2_adjudicated_on=ADJUDICATED)
    assert StepKind.STAGE3 in available(adjudicated)
    assert StepKind.STAGE2 not in available(adjudicated)


def test_no_review_panel_in_wales_or_the_corporate_procedure() -> None:
    for procedure in (Procedure.WALES_CHILDREN, Procedure.CORPORATE):
        facts = replace(AT_STAGE2, procedure=procedure, stage2_adjudicated_on=ADJUDICATED)
        assert StepKind.STAGE3 not in available(facts), procedure


def test_a_review_panel_is_asked_for_once_and_not_on_a_closed_case() -> None:
    adjudicated = replace(AT_STAGE2, stage2_adjudicated_on=ADJUDICATED)
    for facts in (
        replace(adjudicated, stage3_requested_on=date(2026, 12, 18)),
        replace(adjudicated, stage3_asked=True),
        replace(adjudicated, withdrawal_asked=True),
        replace(adjudicated, closed=True),
        replace(adjudicated, kind=Kind.REPRESENTATION),
    ):
        assert StepKind.STAGE3 not in available(facts), facts


def test_its_window_is_20_working_days_from_the_adjudication_across_christmas() -> None:
    """17 Dec 2026 + 20 working days: not 25 Dec, the weekends, 28 Dec (substitute) or
    1 Jan 2027: Tuesday 19 January 2027."""
    facts = replace(AT_STAGE2, stage2_adjudicated_on=ADJUDICATED)
    end = stage3_window_end(facts, 20)
    assert end == date(2027, 1, 19)
    assert not is_late(end, end) and is_late(date(2027, 1, 20), end)
    assert stage3_window_end(AT_STAGE2, 20) is None
