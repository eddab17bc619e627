"""What follows from what happens to a case, in one place (services/events.py).

Each handler runs inside the transaction of the use case that published its event, so
what it adds (an email in the outbox, a notice kept on the case, a staff task) commits
with the change or not at all. Nothing in the services imports this module: create_app
does, which registers the handlers.

- Submitted (intake.record_submission): the acknowledgement to the person and their
  advocate, the team's note, an advocacy referral, the staff tasks.
- ClockPaused (clock.pause): the complainant is told the clock is paused, and why.
- ClockRestarted (clock.restart): the complainant is told the new date.
- DeadlineExtended (cases.apply): stage 1, the agreed extension confirmed in writing;
  stage 2, the late notice with why and the new date.
- StageResponded (cases.apply): what the complainant can do next and by when, unless
  the stage's response letter says it.
- CaseClosed (cases.apply): a complaint's feedback invitation, once.
"""

from portal.services import acknowledgements, feedback, notices
from portal.services.events import (
    CaseClosed,
    ClockPaused,
    ClockRestarted,
    DeadlineExtended,
    StageResponded,
    Submitted,
    handles,
)


@handles(Submitted)
def _acknowledge(event: Submitted) -> None:
    acknowledgements.queue_messages(event.submission, event.tracking_token, progress=event.progress)


@handles(ClockPaused)
def _tell_of_pause(event: ClockPaused) -> None:
    notices.after_pause(event.case, event.reason, event.staff)


@handles(ClockRestarted)
def _tell_of_restart(event: ClockRestarted) -> None:
    notices.after_restart(event.case, event.staff)


@handles(DeadlineExtended)
def _tell_of_extension(event: DeadlineExtended) -> None:
    notices.after_move(event.case, event.move, event.staff)


@handles(StageResponded)
def _tell_what_next(event: StageResponded) -> None:
    notices.after_move(event.case, event.move, event.staff)


@handles(CaseClosed)
def _invite_feedback(event: CaseClosed) -> None:
    feedback.invite(event.case)
