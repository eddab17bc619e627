"""What becomes of a message after it is sent: what a provider's delivery receipt means,
and who a message was for, so that a message the person never got is followed up
(docs/notify.md, "Delivery receipts").

GOV.UK Notify answers each email and text message with a receipt ("delivered",
"permanent-failure", "temporary-failure" or "technical-failure"), and tells of a printed
letter Royal Mail brought back. Pure rules: no database, no web.
"""

from enum import StrEnum


class DeliveryStatus(StrEnum):
    """What the provider (GOV.UK Notify) later says became of a message it accepted.
    SMTP gives no receipt: an email sent over SMTP keeps no delivery status."""

    DELIVERED = "delivered"
    # Notify's "permanent-failure": the address or number does not exist, or the phone
    # has been off for days. Someone must reach the person another way.
    PERMANENT_FAILURE = "permanent-failure"
    # "temporary-failure": the inbox was full or the phone off; Notify gave up trying.
    TEMPORARY_FAILURE = "temporary-failure"
    # "technical-failure": Notify's own; the portal sends it again.
    TECHNICAL_FAILURE = "technical-failure"
    # A printed letter Royal Mail brought back.
    RETURNED_LETTER = "returned-letter"


# Notify's statuses that end a notification, as the portal keeps them. A letter's
# "validation-failed" and "virus-scan-failed" never reach the post: as permanent as an
# address that does not exist. Every other status ("created", "sending", "pending",
# "sent", a letter's "accepted" and "received") is on its way: nothing to record yet.
_FINAL = {
    "delivered": DeliveryStatus.DELIVERED,
    "permanent-failure": DeliveryStatus.PERMANENT_FAILURE,
    "temporary-failure": DeliveryStatus.TEMPORARY_FAILURE,
    "technical-failure": DeliveryStatus.TECHNICAL_FAILURE,
    "validation-failed": DeliveryStatus.PERMANENT_FAILURE,
    "virus-scan-failed": DeliveryStatus.PERMANENT_FAILURE,
    "returned-letter": DeliveryStatus.RETURNED_LETTER,
}

FAILURES = frozenset(
    {
        DeliveryStatus.PERMANENT_FAILURE,
        DeliveryStatus.TEMPORARY_FAILURE,
        DeliveryStatus.TECHNICAL_FAILURE,
        DeliveryStatus.RETURNED_LETTER,
    }
)


def status_of(notify_status: object) -> DeliveryStatus | None:
    """The delivery status a Notify status ends in; None while it is on its way (or for
    a status Notify may add later, which changes nothing until it says more)."""
    return _FINAL.get(notify_status) if isinstance(notify_status, str) else None


def never_arrived(notify_status: object) -> bool:
    """Whether a notification Notify holds ended without reaching anyone: a message that
    is tried again must then be sent again, not taken as already sent (a "cancelled"
    letter was never printed either)."""
    status = status_of(notify_status)
    return (status is not None and status in FAILURES) or notify_status == "cancelled"


def is_failure(status: str | None) -> bool:
    return status in FAILURES


def sent_again_by_itself(status: str | None) -> bool:
    """Notify's technical failure is Notify's own: the portal sends the message again,
    within the outbox's tries, without anyone asking."""
    return status == DeliveryStatus.TECHNICAL_FAILURE


def needs_another_way(status: str | None) -> bool:
    """The address, number or postal address cannot be used: sending again will not
    help, and someone must reach the person another way."""
    return status in (DeliveryStatus.PERMANENT_FAILURE, DeliveryStatus.RETURNED_LETTER)


_CHANNEL_WORDS = {"email": "email", "sms": "text message", "letter": "letter"}


def channel_words(channel: str) -> str:
    """ "email", "text message" or "letter"."""
    return _CHANNEL_WORDS.get(channel, channel)


def reason(status: str, channel: str) -> str:
    """Why a message did not arrive, in plain words for staff (Notify's own explanations
    of each status, for the message's channel)."""
    match status, channel:
        case DeliveryStatus.PERMANENT_FAILURE, "sms":
            return "The number does not exist, or the phone has been switched off for days"
        case DeliveryStatus.PERMANENT_FAILURE, "letter":
            return "The letter could not be printed or posted to that address"
        case DeliveryStatus.PERMANENT_FAILURE, _:
            return "The email address does not exist, or it refuses email"
        case DeliveryStatus.TEMPORARY_FAILURE, "sms":
            return (
                "The phone was off, had no signal or its inbox was full, "
                "and GOV.UK Notify stopped trying"
            )
        case DeliveryStatus.TEMPORARY_FAILURE, _:
            return (
                "Their inbox was full, or their email provider turned it away, "
                "and GOV.UK Notify stopped trying"
            )
        case DeliveryStatus.TECHNICAL_FAILURE, _:
            return "GOV.UK Notify could not send it because of a fault of its own"
        case DeliveryStatus.RETURNED_LETTER, _:
            return "Royal Mail could not deliver the letter and it was returned"
        case _:
            return ""


def task_words(purpose_words: str, channel: str, why: str) -> str:
    """What the task asks of staff when a message never reached the person."""
    return (
        f"Reach them another way: the {purpose_words} {channel_words(channel)} "
        f"did not reach them ({why[:1].lower()}{why[1:]})"
    )


# --- who a message is for -------------------------------------------------------------------


class Audience(StrEnum):
    """Who a message is for, which decides what its failure calls for."""

    # The person on a case (the complainant, or their advocate for them): a message that
    # never reaches them leaves them uninformed, so staff get a task to reach them.
    PERSON = "person"
    # A member of the public with no case yet (a draft's save-and-return code): nobody
    # can follow it up, the page they are on tells them what to do.
    PUBLIC = "public"
    # Staff, a team's inbox or the advocacy provider: shown as not sent, no task.
    STAFF = "staff"


# Every purpose the outbox is given, and who it is for. `outbox.queue` refuses a purpose
# that is not here, and tests/unit/test_delivery.py finds every purpose in the code.
PURPOSES: dict[str, Audience] = {
    "acknowledgement": Audience.PERSON,
    "correspondence": Audience.PERSON,
    "tracking_link": Audience.PERSON,
    "save_return_link": Audience.PUBLIC,
    "save_return_code": Audience.PUBLIC,
    "team_notification": Audience.STAFF,
    "from_complainant": Audience.STAFF,
    "advocacy_referral": Audience.STAFF,
    "referral_escalation": Audience.STAFF,
    "safeguarding_alert": Audience.STAFF,
    "safeguarding_escalation": Audience.STAFF,
    "unsent_concern": Audience.STAFF,
    "deadline_reminder": Audience.STAFF,
    "deadline_breach": Audience.STAFF,
    "deadline_digest": Audience.STAFF,
    "staff_password_link": Audience.STAFF,
}

# What each message is, in staff's words ("the acknowledgement email").
PURPOSE_WORDS = {
    "acknowledgement": "acknowledgement",
    "correspondence": "message from staff",
    "tracking_link": "new tracking link",
    "save_return_link": "save and return link",
    "save_return_code": "save and return code",
    "team_notification": "new case note to the team",
    "from_complainant": "note of what the complainant sent",
    "advocacy_referral": "advocacy referral",
    "referral_escalation": "overdue referral notice",
    "safeguarding_alert": "safeguarding alert",
    "safeguarding_escalation": "safeguarding escalation",
    "unsent_concern": "unsent concern alert",
    "deadline_reminder": "deadline reminder",
    "deadline_breach": "missed deadline notice",
    "deadline_digest": "daily digest",
    "staff_password_link": "set your password link",
}


class UnknownPurpose(ValueError):
    """A message's purpose that is not classified in PURPOSES."""


def audience_of(purpose: str) -> Audience:
    try:
        return PURPOSES[purpose]
    except KeyError:
        raise UnknownPurpose(
            f"the outbox purpose {purpose!r} says nothing of who it is for: "
            "add it to PURPOSES in portal/domain/delivery.py"
        ) from None
