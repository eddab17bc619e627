"""What the person who complained (or their advocate) can do from the tracking page, and
when (domain.md, "Timescales"). Pure: the case's facts are passed in.

- Reply to us, add information or files: while the case is open.
- Ask for more time: a complaint, while it is open: to send something we asked for
  (stage 1 or 2), or to decide whether to ask for stage 2 (after the stage 1 response,
  before any request). Staff decide; time granted for the stage 2 window moves its end, so
  a request made by then counts as in time.
- Withdraw: while it is open. It does not end the case by itself: staff check with the
  person and record it (Getting the Best from Complaints: a withdrawn complaint may still
  raise matters the council must look into, such as a child's safety).
- Ask for stage 2: a complaint under a statutory children's procedure (England 2006, Wales
  2014) after the stage 1 response, before any stage 2 request: within 20 working days of
  the response (or the time granted) it is recorded as the request and starts stage 2's
  clock; after that it is still accepted, flagged late, and staff decide (reg 14: late
  requests at the council's discretion).
- Ask for a review panel (stage 3): a complaint under a procedure with one (England 2006;
  Wales and the corporate procedure have none: the ombudsman comes next), after the stage
  2 adjudication, before any stage 3 request: within 20 working days of the adjudication
  ("Timescales, England": ask for stage 3) it is recorded as the request and starts the
  panel's clock; after that, flagged late, and staff decide, as for stage 2.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from portal.domain.clock import add_working_days
from portal.domain.stages import has_stage3
from portal.domain.timescales import Procedure
from portal.domain.types import Kind

# The procedures whose stage 2 the person asks for here.
STATUTORY = (Procedure.ENGLAND_CHILDREN, Procedure.WALES_CHILDREN)

# The kind of the staff task each step makes (the queue tags the case while one is open).
TASK_KIND = "from_complainant"
# The same thing sent again this soon (the same words and files, by the same way in) is
# the first one sent again: a double click, or a resubmit after Back on a page read again.
SENT_AGAIN_WITHIN = timedelta(minutes=10)
# The key each form page carries (a new one each time the page is made): a request that
# carries a key already used is that request sent again (docs/security.md, "Races").
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")

# Working days staff have to look at what was sent (a task's due date).
LOOK_WITHIN = 3
# ... to check a withdrawal with the person, or decide on more time.
DECIDE_WITHIN = 2


class StepKind(StrEnum):
    REPLY = "reply"
    INFORMATION = "information"
    MORE_TIME = "more_time"
    WITHDRAW = "withdraw"
    STAGE2 = "stage2"
    STAGE3 = "stage3"  # a review panel (England)


# The steps that ask for the next stage, and the stage each asks for.
NEXT_STAGE = (StepKind.STAGE2, StepKind.STAGE3)


class NotNow(StrEnum):
    """Why a step the page offered cannot be taken now: the case moved on meanwhile
    (often by a request sent at the same instant)."""

    CLOSED = "closed"
    STAGE2_ASKED = "stage2_asked"  # already asked for (or recorded)
    WITHDRAWAL_ASKED = "withdrawal_asked"
    NEVER = "never"  # not a step this case has (not yet, or not of this kind)


class MoreTimeFor(StrEnum):
    """What the person needs longer for."""

    SEND_SOMETHING = "send_something"
    STAGE2_DECISION = "stage2_decision"


class Decision(StrEnum):
    GRANTED = "granted"  # more time given; a late stage 2 or a withdrawal recorded
    REFUSED = "refused"
    DONE = "done"  # a reply or information read and dealt with


class Actor(StrEnum):
    """Who acted: the person who complained, or (issue 17, later) an advocate on the
    child's behalf through their own account."""

    COMPLAINANT = "complainant"
    ADVOCATE = "advocate"


@dataclass(frozen=True)
class CaseFacts:
    """What the rules read of a case."""

    kind: Kind
    procedure: Procedure
    closed: bool  # closed, withdrawn or resolved informally
    stage1_responded_on: date | None
    stage2_requested_on: date | None
    # A stage 2 request sent here, not yet recorded by staff (a late one, waiting).
    stage2_asked: bool = False
    withdrawal_asked: bool = False  # a withdrawal sent here, not yet recorded
    # More time granted to decide about stage 2: the window ends then, not before.
    stage2_window_granted_to: date | None = None
    stage2_adjudicated_on: date | None = None
    stage3_requested_on: date | None = None
    stage3_asked: bool = False  # a stage 3 request sent here, not yet recorded


def stage2_window_end(facts: CaseFacts, window_days: int) -> date | None:
    """The last day a stage 2 request counts as in time, once stage 1 has responded."""
    if facts.stage1_responded_on is None:
        return None
    usual = add_working_days(facts.stage1_responded_on, window_days)
    granted = facts.stage2_window_granted_to
    return max(usual, granted) if granted else usual


def stage2_time_granted(facts: CaseFacts, window_days: int) -> bool:
    """Whether staff granted more time to ask for stage 2 than the usual window: its
    last day is then not `window_days` after the reply."""
    if facts.stage1_responded_on is None:
        return False
    usual = add_working_days(facts.stage1_responded_on, window_days)
    return stage2_window_end(facts, window_days) != usual


def can_ask_stage2(facts: CaseFacts) -> bool:
    return (
        facts.kind is Kind.COMPLAINT
        and facts.procedure in STATUTORY
        and facts.stage1_responded_on is not None
        and facts.stage2_requested_on is None
        and not facts.stage2_asked
        and not facts.withdrawal_asked
        and not facts.closed
    )


def stage3_window_end(facts: CaseFacts, window_days: int) -> date | None:
    """The last day a review panel request counts as in time, once stage 2 is adjudicated."""
    if facts.stage2_adjudicated_on is None:
        return None
    return add_working_days(facts.stage2_adjudicated_on, window_days)


def can_ask_stage3(facts: CaseFacts) -> bool:
    return (
        facts.kind is Kind.COMPLAINT
        and has_stage3(facts.procedure)
        and facts.stage2_adjudicated_on is not None
        and facts.stage3_requested_on is None
        and not facts.stage3_asked
        and not facts.withdrawal_asked
        and not facts.closed
    )


def available(facts: CaseFacts) -> list[StepKind]:
    """The steps the tracking page offers, in the order it lists them."""
    if facts.closed:
        return []
    steps = [StepKind.REPLY]
    if facts.kind is not Kind.COMPLIMENT:
        steps.append(StepKind.INFORMATION)
    if facts.kind is Kind.COMPLAINT:
        steps.append(StepKind.MORE_TIME)
    if can_ask_stage2(facts):
        steps.append(StepKind.STAGE2)
    if can_ask_stage3(facts):
        steps.append(StepKind.STAGE3)
    if facts.kind is not Kind.COMPLIMENT and not facts.withdrawal_asked:
        steps.append(StepKind.WITHDRAW)
    return steps


def more_time_reasons(facts: CaseFacts) -> list[MoreTimeFor]:
    reasons = [MoreTimeFor.SEND_SOMETHING]
    if can_ask_stage2(facts):
        reasons.append(MoreTimeFor.STAGE2_DECISION)
    return reasons


def is_late(requested_on: date, window_end: date | None) -> bool:
    """A request for the next stage after its window (with any time granted): flagged,
    never refused."""
    return window_end is not None and requested_on > window_end


def due_for(kind: StepKind, sent_on: date) -> date:
    """When staff must have looked at a step (the task's due date)."""
    days = DECIDE_WITHIN if kind in (StepKind.MORE_TIME, StepKind.WITHDRAW) else LOOK_WITHIN
    return add_working_days(sent_on, days)


def why_not(kind: StepKind, facts: CaseFacts, what_for: MoreTimeFor | None = None) -> NotNow | None:
    """None when the step is offered (for more time, for `what_for`); otherwise why not."""
    offered = kind in available(facts) and (
        what_for is None or what_for in more_time_reasons(facts)
    )
    if offered:
        return None
    if facts.closed:
        return NotNow.CLOSED
    asks_stage2 = kind is StepKind.STAGE2 or what_for is MoreTimeFor.STAGE2_DECISION
    if asks_stage2 and (facts.stage2_asked or facts.stage2_requested_on is not None):
        return NotNow.STAGE2_ASKED
    if facts.withdrawal_asked and (asks_stage2 or kind is StepKind.WITHDRAW):
        return NotNow.WITHDRAWAL_ASKED
    return NotNow.NEVER


def form_key(sent: str | None) -> str | None:
    """The form's key as sent, if it is one (anything else is no key)."""
    return sent if sent and FORM_KEY.fullmatch(sent) else None
