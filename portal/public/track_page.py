"""What the tracking page shows, as plain values (issue 19): the page is made once a
worker for each set of them and kept (`kept_pages.plain_page`), the person's reference
and secret token put in each time. Nothing read from the database reaches the template
but through here, so a kept page is never out of date: a change to the case is a change
to these values, and so a page of its own."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from portal.domain.clock import london_date
from portal.domain.complainant_steps import StepKind
from portal.domain.types import Kind
from portal.models import ComplainantStep, Correspondence, Submission
from portal.services import complainant_steps, correspondence


@dataclass(frozen=True)
class LetterCard:
    """A message or letter from us, as its card shows it."""

    title: str
    created_on: date
    how: str
    delivery: str  # Correspondence.delivery
    sent_on: date | None  # the day its email or text went, once it has
    html: Markup


@dataclass(frozen=True)
class SentLater:
    sent_on: date
    title: str


def values(
    submission: Submission,
    letters: list[Correspondence],
    from_them: list[ComplainantStep],
    offered: Iterable[StepKind],
) -> dict[str, Any]:
    """The case as the page shows it, less the person's reference and token."""
    case = submission.case
    stage1 = submission.stage_row("stage1")
    awaited = case.stage in ("triage", "stage1") and not stage1.responded_on
    reply_by = case.stage1_due if awaited else None
    if case.kind == "complaint" and case.procedure == "wales_children_2014":
        reply_wording = "agreed" if stage1.discussion_on else "talk"
    else:
        reply_wording = "reply"
    return {
        "kind": Kind(case.kind),
        "received_on": submission.received_on,
        "acknowledged_on": london_date(case.acknowledged_at) if case.acknowledged_at else None,
        # A finished case is not acknowledged any more: no date is promised for it.
        "acknowledge_by": None if case.stage == "closed" else submission.acknowledge_by,
        "reply_by": reply_by,
        "reply_wording": reply_wording,
        "closed": case.stage == "closed",
        "letters": tuple(_card(letter) for letter in letters),
        "offered": tuple(sorted(str(step) for step in offered)),
        "from_them": tuple(
            SentLater(step.sent_on, str(complainant_steps.PUBLIC_TITLES[StepKind(step.kind)]))
            for step in from_them
        ),
    }


def _card(letter: Correspondence) -> LetterCard:
    sent_at = letter.outbox_message.sent_at if letter.outbox_message else None
    return LetterCard(
        title=str(correspondence.PUBLIC_TITLES.get(letter.kind, letter.kind)),  # type: ignore[call-overload]
        created_on=london_date(letter.created_at),
        how=letter.how,
        delivery=letter.delivery,
        sent_on=london_date(sent_at) if sent_at else None,
        html=letter.html,
    )
