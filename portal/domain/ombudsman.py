"""The ombudsman's enquiry into a case, as a step of its own (domain.md, "Timescales":
the Local Government and Social Care Ombudsman in England, the Public Services Ombudsman
for Wales in Wales; issue 16).

The ombudsman sets its own dates: the day the council must reply to the enquiry by, the
day the council's comments on a draft decision are due, and, for each remedy it
recommends, the day the council must comply by. Staff enter them as the ombudsman gives
them; nothing here counts working days. What is owed is worked out from what has
happened, as dates, and feeds the case's "due next" (domain/stages.py `running`), so the
queue, the reminders and the breach notices see it as they see a statutory stage's.

Pure: the dates are passed in; `today` is never read from a clock.
"""

from dataclasses import dataclass
from datetime import date


class OmbudsmanRefused(ValueError):
    """A step of the enquiry that cannot be recorded as given; the message says why."""


class ReplyDueRefused(OmbudsmanRefused):
    """The date to reply by cannot be as given (said beside that date)."""


# What the council owes, as the queue, the reminders and the case page call it (at most
# 60 characters: cases.next_due_what). No remedy's words: a reminder goes to shared
# inboxes and carries nothing about the person.
REPLY = "Reply to the ombudsman's enquiry"
COMMENTS = "Comments on the ombudsman's draft decision"
REMEDY = "Comply with the ombudsman's remedy"

# The ombudsman's final decision (labels.OMBUDSMAN_DECISIONS): whether it upheld the
# complaint, decided not to investigate, or sent it back as premature.
DECISIONS = ("upheld", "not_upheld", "not_investigated", "premature")


@dataclass(frozen=True)
class Remedy:
    """A remedy the ombudsman recommends: complied with by `due_on`."""

    due_on: date
    complied_on: date | None = None


@dataclass(frozen=True)
class Enquiry:
    """One enquiry, as dates (None: not yet)."""

    received_on: date
    reply_due_on: date | None = None
    replied_on: date | None = None
    draft_decision_on: date | None = None
    comments_due_on: date | None = None
    comments_sent_on: date | None = None
    decided_on: date | None = None
    remedies: tuple[Remedy, ...] = ()


@dataclass(frozen=True)
class Owed:
    """One thing the council owes the ombudsman, by when; overdue once that day has
    passed without it."""

    what: str
    due_on: date

    def overdue(self, today: date) -> bool:
        return today > self.due_on


def owed(enquiry: Enquiry) -> list[Owed]:
    """Everything the council owes on the enquiry now, soonest first: the reply while it
    is not sent, the comments on a draft decision while they are not sent, and each
    recommended remedy not yet complied with. A step with no date set by the ombudsman
    is owed without one and is not listed (it cannot be late)."""
    found = []
    if enquiry.replied_on is None and enquiry.reply_due_on is not None:
        found.append(Owed(REPLY, enquiry.reply_due_on))
    if (
        enquiry.draft_decision_on is not None
        and enquiry.comments_sent_on is None
        and enquiry.comments_due_on is not None
        and enquiry.decided_on is None
    ):
        found.append(Owed(COMMENTS, enquiry.comments_due_on))
    for remedy in enquiry.remedies:
        if remedy.complied_on is None:
            found.append(Owed(REMEDY, remedy.due_on))
    return sorted(found, key=lambda o: o.due_on)


def is_open(enquiry: Enquiry) -> bool:
    """The enquiry still needs something: no final decision yet, or a remedy not yet
    complied with."""
    return enquiry.decided_on is None or any(r.complied_on is None for r in enquiry.remedies)


def due_next(enquiries: tuple[Enquiry, ...] | list[Enquiry]) -> list[Owed]:
    """What every enquiry of a case owes, soonest first."""
    return sorted((o for e in enquiries for o in owed(e)), key=lambda o: o.due_on)


def complied_on_time(remedy: Remedy) -> bool:
    return remedy.complied_on is not None and remedy.complied_on <= remedy.due_on


# --- what may be recorded ------------------------------------------------------------------


def _not_after_today(on: date, today: date, what: str) -> None:
    if on > today:
        raise OmbudsmanRefused(f"{what} must be today or in the past")


def check_received(received_on: date, case_received_on: date, today: date) -> None:
    _not_after_today(received_on, today, "The date the enquiry arrived")
    if received_on < case_received_on:
        raise OmbudsmanRefused(
            "The date the enquiry arrived must be on or after the case was received"
        )


def check_reply_due(enquiry: Enquiry, reply_due_on: date | None) -> None:
    if reply_due_on is not None and reply_due_on < enquiry.received_on:
        raise ReplyDueRefused("The date to reply by must be on or after the enquiry arrived")


def check_reply(enquiry: Enquiry, replied_on: date, today: date) -> None:
    _not_after_today(replied_on, today, "The date of the reply")
    if replied_on < enquiry.received_on:
        raise OmbudsmanRefused("The date of the reply must be on or after the enquiry arrived")


def check_draft(
    enquiry: Enquiry, draft_on: date, comments_due_on: date | None, today: date
) -> None:
    _not_after_today(draft_on, today, "The date of the draft decision")
    if draft_on < enquiry.received_on:
        raise OmbudsmanRefused(
            "The date of the draft decision must be on or after the enquiry arrived"
        )
    if enquiry.decided_on is not None:
        raise OmbudsmanRefused("The final decision has been recorded: the draft came before it")
    if comments_due_on is not None and comments_due_on < draft_on:
        raise OmbudsmanRefused("The date comments are due must be on or after the draft decision")


def check_comments(enquiry: Enquiry, sent_on: date, today: date) -> None:
    if enquiry.draft_decision_on is None:
        raise OmbudsmanRefused("Record the draft decision before the council's comments on it")
    _not_after_today(sent_on, today, "The date the comments were sent")
    if sent_on < enquiry.draft_decision_on:
        raise OmbudsmanRefused(
            "The date the comments were sent must be on or after the draft decision"
        )


def check_decision(enquiry: Enquiry, decided_on: date | None, decision: str, today: date) -> None:
    if decided_on is None:
        raise OmbudsmanRefused("Enter the date of the final decision")
    if decision not in DECISIONS:
        raise OmbudsmanRefused("Select the ombudsman's decision")
    _not_after_today(decided_on, today, "The date of the final decision")
    if decided_on < enquiry.received_on:
        raise OmbudsmanRefused(
            "The date of the final decision must be on or after the enquiry arrived"
        )
    if enquiry.draft_decision_on is not None and decided_on < enquiry.draft_decision_on:
        raise OmbudsmanRefused(
            "The date of the final decision must be on or after the draft decision"
        )


def check_remedy(enquiry: Enquiry, due_on: date) -> None:
    if enquiry.decided_on is None:
        raise OmbudsmanRefused("Record the final decision before the remedies it recommends")
    if due_on < enquiry.decided_on:
        raise OmbudsmanRefused("The date to comply by must be on or after the final decision")


def check_compliance(enquiry: Enquiry, complied_on: date, today: date) -> None:
    _not_after_today(complied_on, today, "The date the council complied")
    if enquiry.decided_on is not None and complied_on < enquiry.decided_on:
        raise OmbudsmanRefused(
            "The date the council complied must be on or after the final decision"
        )
