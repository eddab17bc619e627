"""How long the council has for each step, one table per procedure (domain.md,
"Timescales, England", "Timescales, Wales", "The corporate procedure").

The tables are data. Where the law sets no limit (acknowledgement in England) the
council's target is configuration; where the council promises something different from
the law, both dates are kept and shown (`Deadline.statutory` and `Deadline.local_target`).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.domain.clock import add_working_days
from portal.domain.ledger import Pause, count


class Procedure(StrEnum):
    """Which rules a case follows; routing decides, staff can change it with a reason."""

    ENGLAND_CHILDREN = "england_children_2006"  # SI 2006/1738
    WALES_CHILDREN = "wales_children_2014"  # WSI 2014/1795
    CORPORATE = "corporate"  # the ombudsman's Complaint Handling Code


class Step(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    STAGE1_RESPONSE = "stage1_response"
    STAGE1_EXTENDED = "stage1_extended"  # the longest stage 1 may take, extension agreed
    DISCUSSION = "discussion"  # Wales: the offered discussion, from the acknowledgement
    RESOLUTION_LETTER = "resolution_letter"  # Wales: written terms, from the discussion
    REQUEST_STAGE2 = "request_stage2"  # the window to ask for stage 2, from the response
    ACKNOWLEDGE_STAGE2 = "acknowledge_stage2"  # corporate: the stage 2 request acknowledged
    STAGE2_RESPONSE = "stage2_response"
    STAGE2_LONGEST = "stage2_longest"
    REQUEST_STAGE3 = "request_stage3"
    STAGE3_PANEL = "stage3_panel"  # the panel meets, from the request
    STAGE3_REPORT = "stage3_report"  # the panel's report, from the meeting
    STAGE3_COUNCIL_RESPONSE = "stage3_council_response"  # from the report
    REPLY = "reply"  # a representation: no statutory clock, the council's own target only


@dataclass(frozen=True)
class Limit:
    """A limit in working days, counted from `counted_from` (a step or "receipt")."""

    working_days: int
    counted_from: str
    source: str


TABLES: dict[Procedure, dict[Step, Limit]] = {
    Procedure.ENGLAND_CHILDREN: {
        # No statutory acknowledgement period in England: the local target is configuration.
        Step.STAGE1_RESPONSE: Limit(10, "receipt", "SI 2006/1738, stage 1 (domain.md)"),
        Step.STAGE1_EXTENDED: Limit(20, "receipt", "SI 2006/1738, stage 1 (domain.md)"),
        Step.REQUEST_STAGE2: Limit(20, Step.STAGE1_RESPONSE, "SI 2006/1738, stage 1 (domain.md)"),
        Step.STAGE2_RESPONSE: Limit(25, Step.REQUEST_STAGE2, "SI 2006/1738, stage 2 (domain.md)"),
        Step.STAGE2_LONGEST: Limit(65, Step.REQUEST_STAGE2, "SI 2006/1738, stage 2 (domain.md)"),
        Step.REQUEST_STAGE3: Limit(20, Step.STAGE2_RESPONSE, "domain.md, stage 3 (S)"),
        Step.STAGE3_PANEL: Limit(30, Step.REQUEST_STAGE3, "SI 2006/1738 reg 19"),
        Step.STAGE3_REPORT: Limit(5, Step.STAGE3_PANEL, "SI 2006/1738, stage 3"),
        Step.STAGE3_COUNCIL_RESPONSE: Limit(15, Step.STAGE3_REPORT, "SI 2006/1738, stage 3"),
    },
    Procedure.WALES_CHILDREN: {
        Step.ACKNOWLEDGE: Limit(2, "receipt", "WSI 2014/1795 (domain.md)"),
        Step.DISCUSSION: Limit(10, Step.ACKNOWLEDGE, "WSI 2014/1795 (domain.md)"),
        Step.RESOLUTION_LETTER: Limit(5, Step.DISCUSSION, "WSI 2014/1795 (domain.md)"),
        Step.STAGE2_RESPONSE: Limit(25, Step.REQUEST_STAGE2, "WSI 2014/1795 (domain.md)"),
        # The window to ask for stage 2 and any stage 2 extension are unconfirmed
        # in Wales (domain.md, (U)): they come from the council's configuration.
    },
    Procedure.CORPORATE: {
        Step.ACKNOWLEDGE: Limit(5, "receipt", "Complaint Handling Code (domain.md)"),
        Step.STAGE1_RESPONSE: Limit(10, Step.ACKNOWLEDGE, "Complaint Handling Code (domain.md)"),
        Step.STAGE1_EXTENDED: Limit(20, Step.ACKNOWLEDGE, "Complaint Handling Code (domain.md)"),
        # Stage 2 is acknowledged in its turn, and answered within 20 working days of that
        # acknowledgement, not of the first one (the Code's stage 2).
        Step.ACKNOWLEDGE_STAGE2: Limit(
            5, Step.REQUEST_STAGE2, "Complaint Handling Code, stage 2 (domain.md)"
        ),
        Step.STAGE2_RESPONSE: Limit(
            20, Step.ACKNOWLEDGE_STAGE2, "Complaint Handling Code, stage 2 (domain.md)"
        ),
        Step.STAGE2_LONGEST: Limit(40, Step.ACKNOWLEDGE_STAGE2, "council policy (up to 20 more)"),
    },
}


def limit_days(procedure: Procedure | str, step: Step | str) -> int:
    """The working days a procedure allows for a step, for the words that tell people
    (KeyError where it sets none)."""
    return TABLES[Procedure(procedure)][Step(step)].working_days


def statutory_procedure(jurisdiction: str) -> Procedure:
    if jurisdiction == "england":
        return Procedure.ENGLAND_CHILDREN
    if jurisdiction == "wales":
        return Procedure.WALES_CHILDREN
    raise ValueError(f"unknown jurisdiction {jurisdiction!r}")


@dataclass(frozen=True)
class Deadline:
    """A due date with the law's limit and the council's own target kept apart, and
    what they were counted from (for "how this date was worked out")."""

    due: date  # the earlier of the two: what staff work to and the public is told
    statutory: date | None
    local_target: date | None
    counted_from: date | None = None
    statutory_days: int | None = None
    local_days: int | None = None


class ClockPaused(Exception):
    """The step's clock is paused: it has no due date until it restarts."""

    def __init__(self, pause: Pause) -> None:
        super().__init__(f"paused since {pause.paused_on.isoformat()}")
        self.pause = pause


def deadline(
    procedure: Procedure,
    step: Step,
    start: date,
    local_targets: dict[Step, int] | None = None,
    pauses: tuple[Pause, ...] = (),
) -> Deadline:
    """When `step` is due, counted from `start` (the date of what it is counted from),
    less any days its clock was paused (ClockPaused while a pause is open).

    `local_targets` holds the council's own targets in working days. A step with
    neither a statutory limit nor a local target has no deadline (ValueError)."""
    limit = TABLES[procedure].get(step)
    target = (local_targets or {}).get(step)

    def counted(days: int) -> date:
        if not pauses:
            return add_working_days(start, days)
        result = count(start, days, pauses)
        if result.due is None:
            assert result.open_pause is not None
            raise ClockPaused(result.open_pause)
        return result.due

    statutory = counted(limit.working_days) if limit else None
    local = counted(target) if target is not None else None
    dates = [d for d in (statutory, local) if d is not None]
    if not dates:
        raise ValueError(
            f"{procedure.value} sets no time for {step.value} and no local target is set"
        )
    return Deadline(
        due=min(dates),
        statutory=statutory,
        local_target=local,
        counted_from=start,
        statutory_days=limit.working_days if limit else None,
        local_days=target,
    )


def acknowledgement_working_days(procedure: Procedure, target_days: int) -> int:
    """How many working days the person is told they will wait for the acknowledgement:
    the council's target, held to the procedure's own limit where it has one (Wales 2)."""
    limit = TABLES[procedure].get(Step.ACKNOWLEDGE)
    return min(target_days, limit.working_days) if limit else target_days


class AcknowledgementRefused(ValueError):
    """An acknowledgement date that cannot be right; the message says why, for staff."""


def check_acknowledgement_date(received_on: date, on: date, *, today: date) -> None:
    """An acknowledgement is recorded once it has been made: not before the submission
    arrived, and not in the future (a date to come would make a late one look on time)."""
    if on > today:
        raise AcknowledgementRefused("The date must be today or in the past")
    if on < received_on:
        raise AcknowledgementRefused(
            "The acknowledgement cannot be before the submission was received"
        )


def acknowledged_late(acknowledged_on: date | None, acknowledge_by: date | None) -> bool:
    """An acknowledgement made after the date it was due by (the case's own date: the
    council's target, held to the law's 2 working days in Wales)."""
    return (
        acknowledged_on is not None
        and acknowledge_by is not None
        and acknowledged_on > acknowledge_by
    )


def acknowledgement_deadline(received_on: date, procedure: Procedure, target_days: int) -> Deadline:
    """Acknowledge by: the council's target, held to the procedure's own limit where it
    has one (England sets none; Wales, 2 working days by law; the corporate code 5)."""
    return deadline(procedure, Step.ACKNOWLEDGE, received_on, {Step.ACKNOWLEDGE: target_days})
