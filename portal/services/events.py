"""What happens to a case that something else follows from, and the one way it is told.

A use case publishes an event at the moment the thing happens, inside its transaction
(`publish(ClockPaused(case, reason, staff))`). services/effects.py, at the top of the
services, holds the one handler of each event and turns it into what follows: the
acknowledgements, notices, letters' next steps, outbox messages and feedback
invitations, added to the same transaction, which the use case then commits. So a use
case never imports the services that write to the person, and services import each
other in one direction only (docs/architecture.md, "How a case flows").

The handlers run as the event is published, so what follows is recorded in the same
order as before there were events. An event with no handler is an error, never dropped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from portal.domain.stages import Move, Progress
from portal.models import Staff, Submission


@dataclass(frozen=True)
class Submitted:
    """A submission was recorded (services/intake.py)."""

    submission: Submission
    # The secret of the tracking link: kept nowhere else, the acknowledgement carries it.
    tracking_token: str
    # Its progress as its due dates were worked out from (clock.refresh_due): the
    # acknowledgement's dates come from the same, not worked out a second time.
    progress: Progress | None = None


@dataclass(frozen=True)
class CaseClosed:
    """A move closed the case: closed, withdrawn or resolved informally (services/cases.py)."""

    case: Submission


@dataclass(frozen=True)
class DeadlineExtended:
    """Stage 1 extended by agreement, or stage 2 given a later date (services/cases.py)."""

    case: Submission
    move: Move
    staff: Staff


@dataclass(frozen=True)
class StageResponded:
    """A stage's response was recorded: stage 1, the stage 2 adjudication, stage 3."""

    case: Submission
    move: Move
    staff: Staff


@dataclass(frozen=True)
class ClockPaused:
    """The running stage's clock was paused (services/clock.py); `reason` in words."""

    case: Submission
    reason: str
    staff: Staff


@dataclass(frozen=True)
class ClockRestarted:
    """The paused clock started again; the case's due date is already the new one."""

    case: Submission
    staff: Staff


Event = Submitted | CaseClosed | DeadlineExtended | StageResponded | ClockPaused | ClockRestarted
E = TypeVar("E")

_HANDLERS: dict[type[Any], Callable[[Any], None]] = {}


def handles(kind: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Make the decorated function the handler of `kind` (one handler per event)."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        if kind in _HANDLERS:
            raise RuntimeError(f"{kind.__name__} has a handler already")
        _HANDLERS[kind] = handler
        return handler

    return register


def handler_of(kind: type[Any]) -> Callable[[Any], None] | None:
    return _HANDLERS.get(kind)


def publish(event: Event) -> None:
    """Run the event's handler now, in the caller's transaction; the caller commits."""
    handler = _HANDLERS.get(type(event))
    if handler is None:
        raise LookupError(
            f"nothing handles {type(event).__name__}: create_app imports portal.services.effects"
        )
    handler(event)
