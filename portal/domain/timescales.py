"""How long the council has for each step, by jurisdiction (domain.md, "Timescales").

Issue 3 grows this into a table per procedure; the acknowledgement is needed from the
first submission on.
"""

from dataclasses import dataclass
from datetime import date

from portal.domain.clock import add_working_days

# Wales: SI 2014/1795 sets 2 working days. England sets none (a local target only).
WALES_ACKNOWLEDGEMENT_WORKING_DAYS = 2


@dataclass(frozen=True)
class Deadline:
    """A due date with the law's limit and the council's own target kept apart."""

    due: date  # the earlier of the two: what staff work to and the public is told
    statutory: date | None
    local_target: date | None


def acknowledgement_deadline(received_on: date, jurisdiction: str, target_days: int) -> Deadline:
    local = add_working_days(received_on, target_days)
    if jurisdiction == "wales":
        statutory = add_working_days(received_on, WALES_ACKNOWLEDGEMENT_WORKING_DAYS)
        return Deadline(due=min(statutory, local), statutory=statutory, local_target=local)
    if jurisdiction == "england":
        return Deadline(due=local, statutory=None, local_target=local)
    raise ValueError(f"unknown jurisdiction {jurisdiction!r}")
