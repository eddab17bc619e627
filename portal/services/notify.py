"""Sending through GOV.UK Notify (docs/notify.md), with its official client.

The outbox (services/outbox.py) decides when a message goes and records what happened;
this module only says how one message goes to Notify, and what Notify's answer means:

- the council's three templates hold the portal's own words as personalisation: an
  email ((subject)) and ((body)), a text message ((body)), a letter its address lines,
  ((subject)) and ((body));
- the reference is the outbox message's id, so a message that may already have been
  accepted (a worker died after Notify took it, or the answer never came back) is looked
  up by its reference before it is sent again (`already_accepted`);
- a refusal is sorted into what trying again cannot mend (`NotifyRefused`: Notify's 400s, a
  missing template id) and what it can (`NotifyRateLimited`, and everything else: a 403 while a
  key is being replaced, a 5xx, a timeout, a refused connection).

Nothing here logs: a recipient, a body or an address never reaches a log line.
"""

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from portal.domain import delivery
from portal.models import MessageChannel

# The client logs each failed request with Notify's answer; Notify's messages name the
# field, not its value, but the URL of a lookup carries only our own id. Quiet below
# warnings all the same: the outbox logs each message's fate with its id.
logging.getLogger("notifications_python_client").setLevel(logging.ERROR)

# The client says it is typed (py.typed) but its methods carry no annotations: held as
# Any, so that strict mypy accepts the calls.
Client = Any
_CLIENT: Any = NotificationsAPIClient

# Notify's letters take 3 to 7 address lines, the last a postcode or a country.
MOST_ADDRESS_LINES = 7


class NotifyRefused(Exception):
    """Notify will never take this message as it is (a 400: a template without one of
    the placeholders, an address or number it cannot use), or the portal has no
    template for its channel: sending it again changes nothing, so it fails at once."""


class NotifyRateLimited(Exception):
    """Notify's 429: over the API key's limit for the minute (RateLimitError) or the
    service's daily limit (TooManyRequestsError). Nothing was accepted."""


class NotifyUnavailable(Exception):
    """Notify could not take the message now: tried again with the outbox's delays."""

    def __init__(self, said: str, *, for_every_message: bool) -> None:
        super().__init__(said)
        # Down (502, 503, 504; no connection or no answer, which the client reports as
        # 503) or refusing the key (403): the next message would fare the same.
        self.for_every_message = for_every_message


def configured() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def client() -> Client:
    return _CLIENT(
        current_app.config["NOTIFY_API_KEY"],
        base_url=current_app.config["NOTIFY_BASE_URL"],
        timeout=current_app.config["NOTIFY_TIMEOUT_SECONDS"],
    )


def already_accepted(
    notify: Client, reference: str, *, channel: str, queued_at: datetime
) -> str | None:
    """The id of a notification Notify already accepted for this message, if any: one
    with its reference, of its channel, made no earlier than the message was queued. A
    reference is the outbox id, and ids start again with a new database (a restored
    backup, a test system on the live key): an older notification with the same
    reference is another message, and taking it for this one would lose this one. A
    notification that failed (a technical failure, a number that does not exist) is not
    taken either: the message is being tried again because it did not arrive."""
    try:
        found = notify.get_all_notifications(reference=reference)
    except HTTPError as error:
        raise _understood(error) from error
    since = queued_at.replace(tzinfo=UTC) - CLOCKS_MAY_DIFFER
    for notification in found.get("notifications") or []:
        made = _moment(notification.get("created_at"))
        if (
            notification.get("type") == channel
            and made is not None
            and made >= since
            and not delivery.never_arrived(notification.get("status"))
        ):
            return str(notification["id"])
    return None


# The portal's clock and Notify's may disagree a little; a message is queued well
# over this before it is ever retried.
CLOCKS_MAY_DIFFER = timedelta(minutes=2)


def _moment(text: object) -> datetime | None:
    """Notify's timestamps ("2026-12-06T09:00:00.000000Z") as an aware datetime."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def send(
    notify: Client,
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    reference: str,
) -> str:
    """Sends one message through the council's template for its channel; Notify's id."""
    try:
        if channel == MessageChannel.SMS:
            answer = notify.send_sms_notification(
                recipient, _template("NOTIFY_SMS_TEMPLATE_ID"), {"body": body}, reference
            )
        elif channel == MessageChannel.LETTER:
            answer = notify.send_letter_notification(
                _template("NOTIFY_LETTER_TEMPLATE_ID"),
                letter_personalisation(recipient, subject, body),
                reference,
            )
        else:
            answer = notify.send_email_notification(
                recipient,
                _template("NOTIFY_EMAIL_TEMPLATE_ID"),
                {"subject": subject, "body": body},
                reference,
            )
    except HTTPError as error:
        raise _understood(error) from error
    return str(answer["id"])


def letter_personalisation(recipient: str, subject: str, body: str) -> dict[str, str]:
    """The address's lines (one a line in the outbox's recipient) as address_line_1 to
    address_line_7, the last the postcode. An address of more lines keeps its first five
    and its postcode, the lines between joined onto the sixth."""
    lines = [line.strip() for line in recipient.splitlines() if line.strip()]
    if len(lines) > MOST_ADDRESS_LINES:
        middle = ", ".join(lines[MOST_ADDRESS_LINES - 2 : -1])
        lines = [*lines[: MOST_ADDRESS_LINES - 2], middle, lines[-1]]
    personalisation = {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
    return personalisation | {"subject": subject, "body": body}


def _template(setting: str) -> str:
    template_id = current_app.config.get(setting)
    if not template_id:
        raise NoTemplate(f"{setting} is not set, so Notify cannot send this message")
    return str(template_id)


class NoTemplate(NotifyRefused):
    """No template id is set for the message's channel."""


def _understood(error: HTTPError) -> Exception:
    """Notify's refusal as the outbox treats it; what staff read is kept in its words."""
    kinds, words = _errors(error.message)
    said = f"{error.status_code} {kinds}: {words}" if kinds else f"{error.status_code} {words}"
    if error.status_code == 400:
        return NotifyRefused(said)
    if error.status_code == 429:
        return NotifyRateLimited(said)
    # 403 (a key revoked or being replaced, a clock adrift), 5xx, a timeout or a refused
    # connection (the client gives those as 503): worth trying again later.
    return NotifyUnavailable(said, for_every_message=error.status_code in (403, 502, 503, 504))


def _errors(message: Any) -> tuple[str, str]:
    """("BadRequestError", "Missing personalisation: body") from Notify's error list."""
    if isinstance(message, list):
        kinds = ", ".join(sorted({str(e.get("error", "")) for e in message if isinstance(e, dict)}))
        words = "; ".join(str(e.get("message", "")) for e in message if isinstance(e, dict))
        return kinds, words
    return "", re.sub(r"\s+", " ", str(message))[:300]
