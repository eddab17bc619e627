"""How long a case's personal data is kept (domain.md, "Data protection"): a set number of
years after the case ended, never while it is under legal hold. Pure rules."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Ending:
    """The dates that can end a case, and whether it is held."""

    closed_on: date | None
    withdrawn_on: date | None
    thanked_on: date | None  # a compliment ends when the team has been thanked
    legal_hold: bool
    # The last time it was reopened: an ending before it no longer counts (a reopening
    # clears the closure; a compliment's thanks stay on it).
    reopened_on: date | None = None


def ended_on(ending: Ending) -> date | None:
    """When the case ended: closed, withdrawn, or (a compliment) the team thanked. A case
    that has not ended is never purged, nor one reopened since it ended."""
    dates = [
        d
        for d in (ending.closed_on, ending.withdrawn_on, ending.thanked_on)
        if d and (ending.reopened_on is None or d >= ending.reopened_on)
    ]
    return max(dates) if dates else None


def purge_on(ended: date, years: int) -> date:
    """The day the personal data may go: `years` after the end (28 February for a case
    that ended on 29 February)."""
    try:
        return ended.replace(year=ended.year + years)
    except ValueError:
        return ended.replace(year=ended.year + years, day=28)


def due(ending: Ending, years: int, today: date) -> date | None:
    """The date the case became due for purging, or None if it is not due."""
    if ending.legal_hold:
        return None
    ended = ended_on(ending)
    if ended is None:
        return None
    on = purge_on(ended, years)
    return on if on <= today else None
