"""Save a message first, send it later (STYLE.md principle 10).

`queue` adds a message in the caller's transaction. `work_once` claims what is due and
sends it. Claiming is one transaction: a SELECT of at most a batch of ids FOR UPDATE SKIP
LOCKED on PostgreSQL, then an UPDATE of those ids that are still due (SQLite has one
writer at a time, so that UPDATE alone is atomic there): two workers never claim the same
message, and a batch is never more than asked for. A live worker renews its claim as it goes, so a
slow SMTP server does not make the rest of its batch look stuck; a worker that dies
after claiming leaves the message "sending", and after OUTBOX_STUCK_AFTER_SECONDS another
worker claims it again. A crash between the SMTP server accepting a message and the
worker recording it may therefore send that message twice, never zero times
(docs/outbox.md). Through GOV.UK Notify (NOTIFY_API_KEY, services/notify.py, docs/notify.md)
the message's id is Notify's reference, and a message tried before is looked up by it
first, so there even that crash sends it once.

A message is queued either rendered (`subject`, `text_body`, `html_body`) or as its
template and a context of plain values (`template`, `context`, `language`): the worker
renders the second kind just before sending it, and keeps the bodies it sent on the row.
A request that queues an acknowledgement then writes a few values, not two rendered
emails (issue 19). A message that cannot be rendered is that message's failure, retried
and in the end marked failed like one the SMTP server refused.
"""

import contextlib
import logging
import re
import secrets
import smtplib
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import charset
from email.mime.text import MIMEText
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import BadHeaderError, Connection, Message
from markupsafe import Markup

from portal.database import utcnow
from portal.domain import delivery
from portal.extensions import db, mail
from portal.models import MessageChannel, OutboxMessage, OutboxStatus, Submission
from portal.models.outbox import ACKNOWLEDGED_HOW
from portal.services import audit, clock, notify

log = logging.getLogger(__name__)

ACKNOWLEDGEMENT_PURPOSES = frozenset({"acknowledgement"})

# Who waits longest matters most: a safeguarding alert first (100, set by the
# safeguarding service), then a code someone is waiting for on the page, then the
# acknowledgements the law times, then notes to staff.
PRIORITY = {"save_return_code": 60, "save_return_link": 50, "acknowledgement": 20}


def queue(
    *,
    purpose: str,
    recipient: str,
    subject: str,
    text_body: str | None = None,
    html_body: str | None = None,
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    language: str = "en",
    submission: Submission | None = None,
    priority: int = 0,
    now: datetime | None = None,
    channel: MessageChannel = MessageChannel.EMAIL,
) -> OutboxMessage:
    """Add a message to the caller's transaction; the caller commits. Either its bodies,
    rendered, or `template` (emails/<template>.txt and .html; for a text message,
    sms/<template>.txt and no HTML) with `context`, plain
    values only (text, numbers, dates, lists and dicts of them), rendered by the worker
    in `language`. `recipient` is an email address, a mobile number (E.164) for a text
    message, or an address's lines, one a line, for a letter."""
    if (template is None) == (text_body is None or html_body is None):
        raise ValueError("queue a message's bodies, or its template and context")
    # Who it is for decides what its failure calls for (a task to reach the person):
    # a purpose nobody classified is refused here, not discovered when it fails.
    delivery.audience_of(purpose)
    message = OutboxMessage(
        channel=channel.value,
        submission=submission,
        purpose=purpose,
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        template=template,
        context=_plain(dict(context or {})) if template is not None else None,
        language=language if template is not None else None,
        priority=priority or PRIORITY.get(purpose, 0),
        status=OutboxStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now or utcnow(),
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(message)
    else:
        db.session.add(message)
    return message


# Messages queued inside `batched()`: written together when it ends.
_batch: ContextVar[list[OutboxMessage] | None] = ContextVar("outbox_batch", default=None)
_ROW_COLUMNS = (
    "channel",
    "submission_id",
    "purpose",
    "recipient",
    "subject",
    "text_body",
    "html_body",
    "template",
    "context",
    "language",
    "priority",
    "status",
    "attempts",
    "next_attempt_at",
)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """The messages queued inside are written in one INSERT as it ends, in the caller's
    transaction, after a flush (for their submission's id): the ORM writes each message
    on its own on SQLite, where it cannot match the ids RETURNING gives to the rows.
    Nothing is written if the block raises. The messages are not in the session
    (not the ORM's to write: `queue` returns them all the same, unsaved)."""
    if _batch.get() is not None:
        yield
        return
    messages: list[OutboxMessage] = []
    token = _batch.set(messages)
    try:
        yield
    finally:
        _batch.reset(token)
    if not messages:
        return
    db.session.flush()
    rows = []
    for message in messages:
        message.submission_id = message.submission.id if message.submission else None
        rows.append({name: getattr(message, name) for name in _ROW_COLUMNS})
    db.session.execute(sa.insert(_OUTBOX), rows)


_OUTBOX = cast(sa.Table, OutboxMessage.__table__)


# --- a message's context, kept as JSON --------------------------------------------------------

_DATE, _DATETIME = "$date", "$datetime"


# Kept as they are, told by their exact type first (Markup, a str, is not one of them):
# a Send's messages hold some fifty values, and isinstance of Mapping is slow.
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """`value` as JSON can keep it: a date or time tagged, so it comes back as one."""
    kind = type(value)
    if kind in _AS_THEY_ARE:
        return value
    if kind is dict:
        return {str(key): _plain(item) for key, item in value.items()}
    if kind is list:
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Markup):
        # Marked safe here, it would be escaped when rendered from JSON.
        raise TypeError("a message's context holds plain text, not markup")
    if value is None or isinstance(value, str | int | float | bool):
        # A lazy string (Flask-Babel's) is not a str: refused below, as it should be,
        # since its words would be looked up again at sending.
        return value
    raise TypeError(f"a message's context holds plain values only, not {type(value).__name__}")


def _revived(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _DATETIME in value:
            return datetime.fromisoformat(value[_DATETIME])
        if len(value) == 1 and _DATE in value:
            return date.fromisoformat(value[_DATE])
        return {key: _revived(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revived(item) for item in value]
    return value


class RenderingFailed(Exception):
    """A message's template could not be rendered with its context."""


def render(message: OutboxMessage) -> tuple[str, str]:
    """The message's plain text and HTML: as saved, or rendered from its template in its
    language (needs an application context, as the worker has)."""
    if message.template is None:
        return message.text_body or "", message.html_body or ""
    try:
        context = _revived(message.context or {})
        with force_locale(message.language or "en"):
            if message.channel == MessageChannel.SMS.value:
                # A text is plain words only: sms/<template>.txt, stripped, no HTML.
                return render_template(f"sms/{message.template}.txt", **context).strip(), ""
            return (
                render_template(f"emails/{message.template}.txt", **context),
                render_template(f"emails/{message.template}.html", **context),
            )
    except Exception as error:
        raise RenderingFailed(
            f"{'sms' if message.channel == MessageChannel.SMS.value else 'emails'}/"
            f"{message.template} could not be rendered: {type(error).__name__}: {error}"
        ) from error


def text_of(message: OutboxMessage) -> str | None:
    """The plain text the message was or will be sent with; None if it cannot be
    rendered (its failure is then on the row once the worker has tried)."""
    try:
        return render(message)[0]
    except RenderingFailed:
        return None


def _rendered(message: OutboxMessage) -> OutboxMessage:
    """Renders a message saved as its template, once: the bodies sent are kept."""
    if message.text_body is None or message.html_body is None:
        message.text_body, message.html_body = render(message)
    return message


def retry_delay(attempts: int) -> timedelta:
    """Grows with each failed try: base, 2 x base, 4 x base ..., at most an hour."""
    base = float(current_app.config["OUTBOX_RETRY_BASE_SECONDS"])
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600.0))


def claim(batch_size: int, *, now: datetime | None = None) -> list[OutboxMessage]:
    """Claim up to `batch_size` due messages for this worker, atomically."""
    now = now or utcnow()
    stuck_before = now - timedelta(seconds=current_app.config["OUTBOX_STUCK_AFTER_SECONDS"])
    due = sa.or_(
        sa.and_(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        ),
        sa.and_(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at < stuck_before,
        ),
    )
    # The ids first, locked, then the update of exactly those: an UPDATE whose WHERE holds
    # the LIMITed subquery may run it again for each row (PostgreSQL does on tables it
    # has no statistics for), and then claims every due message, not a batch.
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(due)
            .order_by(
                OutboxMessage.priority.desc(), OutboxMessage.next_attempt_at, OutboxMessage.id
            )
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        db.session.commit()
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        sa.update(OutboxMessage)
        # `due` again: on SQLite a row another worker claimed meanwhile no longer matches.
        .where(OutboxMessage.id.in_(ids), due)
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            claim_token=token,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
        )
    )


# Flask-Mail sends UTF-8 text as it is, long lines and all; a mail server may refuse a
# line over 998 characters (RFC 5321), and a caseworker's paragraph easily is one.
# Quoted-printable wraps every line and keeps non-ASCII letters safe.
_QUOTED_PRINTABLE = charset.Charset("utf-8")
_QUOTED_PRINTABLE.body_encoding = charset.QP


class _Email(Message):
    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        # The standard library takes a Charset here too; its stubs say only a name.
        body = _QUOTED_PRINTABLE
        return MIMEText(text or "", _subtype=subtype, _charset=body)  # type: ignore[arg-type]


def _as_mail(message: OutboxMessage) -> Message:
    if message.channel == MessageChannel.SMS:
        # The council's email-to-SMS gateway texts the plain words to the number.
        return _Email(
            subject=message.subject,
            recipients=[_gateway_address(message.recipient)],
            body=message.text_body,
            extra_headers={"X-Portal-Message-Id": str(message.id)},
        )
    return _Email(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        extra_headers={"X-Portal-Message-Id": str(message.id)},
    )


def _gateway_address(number: str) -> str:
    """+44 7700 900123 -> 447700900123@SMS_EMAIL_GATEWAY."""
    digits = re.sub(r"\D", "", number)
    return f"{digits}@{current_app.config['SMS_EMAIL_GATEWAY']}"


class NoWayToSend(Exception):
    """Nothing configured can carry this message (a letter without Notify, a text
    message without Notify or an email-to-SMS gateway): it fails at once, for staff."""


def _without_notify(message: OutboxMessage) -> NoWayToSend | None:
    """Why a message cannot go by SMTP, or None if it can."""
    if message.channel == MessageChannel.LETTER:
        return NoWayToSend(
            "NoLetterService: letters are sent through GOV.UK Notify (NOTIFY_API_KEY), "
            "which is not set: print this letter and post it"
        )
    if message.channel == MessageChannel.SMS and not current_app.config.get("SMS_EMAIL_GATEWAY"):
        return NoWayToSend(
            "NoTextService: neither GOV.UK Notify (NOTIFY_API_KEY) nor an email-to-SMS "
            "gateway (SMS_EMAIL_GATEWAY) is set: reach the person another way"
        )
    return None


def _reference(message: OutboxMessage) -> str:
    """What a log line may say about a message besides its id: never the recipient."""
    return message.submission.reference if message.submission is not None else "-"


def _record_sent(message: OutboxMessage, when: datetime) -> None:
    message.status = OutboxStatus.SENT.value
    message.sent_at = when
    message.last_error = None
    # A new notification: what Notify said of an earlier one (sent again after a
    # failure) no longer says anything of this one.
    message.delivery_status = None
    message.delivery_reason = None
    message.delivery_updated_at = None
    submission = message.submission
    if (
        submission is not None
        and message.purpose in ACKNOWLEDGEMENT_PURPOSES
        and submission.case.acknowledged_at is None
    ):
        submission.case.acknowledged_at = when
        submission.case.acknowledged_how = ACKNOWLEDGED_HOW.get(message.channel, "email")
        # What is owed next moves on (the queue stops showing "Acknowledge"), counted from
        # the day the acknowledgement was made.
        clock.after_acknowledgement(submission, None)


def _reason(error: Exception) -> str:
    """What staff read beside a message that was not delivered."""
    if isinstance(error, BadHeaderError):
        return "BadHeaderError: a line break in the subject or an address"
    if isinstance(error, RenderingFailed):
        return f"RenderingFailed: {error}"[:500]
    if isinstance(error, NoWayToSend):
        return str(error)[:500]
    return f"{type(error).__name__}: {error}"[:500]


# Notify's rate limit counts requests over a rolling minute (3,000 for a live key); its
# daily limit ends at midnight. A 429 says nothing is wrong with the message and that
# Notify took nothing, so it must not use up the message's tries: eight 429s in a burst
# would otherwise mark good messages failed within the hour. It waits out the minute
# instead, untried, its reason on the row for staff to see while it waits.
RATE_LIMIT_WAIT = timedelta(seconds=60)


def _record_failure(message: OutboxMessage, error: Exception, when: datetime) -> None:
    reason = _reason(error)
    message.last_error = reason
    if isinstance(error, notify.NotifyRateLimited):
        message.attempts = max(message.attempts - 1, 0)  # the claim counted it: uncount
        message.status = OutboxStatus.PENDING.value
        message.next_attempt_at = when + RATE_LIMIT_WAIT
        log.info(
            "outbox message %s (%s) will be retried after Notify's rate limit",
            message.id,
            _reference(message),
        )
    elif isinstance(error, notify.NotifyRefused | NoWayToSend):
        # Sending it again would be refused again: staff see it now, not in an hour.
        message.status = OutboxStatus.FAILED.value
        log.warning(
            "outbox message %s (%s) failed for good: %s, not tried again",
            message.id,
            _reference(message),
            type(error).__name__,
        )
    elif message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED.value
        log.warning(
            "outbox message %s (%s) failed for good after %s tries",
            message.id,
            _reference(message),
            message.attempts,
        )
    else:
        message.status = OutboxStatus.PENDING.value
        message.next_attempt_at = when + retry_delay(message.attempts)
        log.info(
            "outbox message %s (%s) will be retried (try %s)",
            message.id,
            _reference(message),
            message.attempts,
        )


def _renew_claim(token: str | None, when: datetime) -> None:
    """A worker still working through its batch is not stuck: keep its claim fresh, so
    a slow SMTP server never lets another worker take (and send again) what waits
    behind the current message."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.claim_token == token,
            OutboxMessage.status == OutboxStatus.SENDING.value,
        )
        .values(claimed_at=when)
        .execution_options(synchronize_session=False)
    )


SMTP_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)
# Errors that say only "not now": the retry's log line is enough.
_TRANSIENT = (*SMTP_ERRORS, notify.NotifyUnavailable, notify.NotifyRateLimited)


def _start_afresh(connection: Connection) -> None:
    """After an error that was not the server's answer (it may have come between the
    sender and the data), the next message starts a new SMTP conversation."""
    # A broken connection fails the next message instead, as it would any message.
    with contextlib.suppress(*SMTP_ERRORS):
        if connection.host is not None:
            connection.host.rset()


def send(messages: list[OutboxMessage]) -> tuple[int, int]:
    """Send claimed messages, each by its channel; record each result at once. With
    NOTIFY_API_KEY set everything goes through GOV.UK Notify; otherwise emails (and
    text messages, to an email-to-SMS gateway) over one SMTP connection, and what
    nothing configured can carry fails at once with the reason."""
    if notify.configured():
        return _one_by_one(messages, _through_notify(notify.client()))
    by_smtp, failed = [], 0
    for message in messages:
        unsendable = _without_notify(message)
        if unsendable is None:
            by_smtp.append(message)
        else:
            _record_failure(message, unsendable, utcnow())
            failed += 1
    db.session.commit()
    if not by_smtp:
        return 0, failed
    sent, failed_by_smtp = _send_by_smtp(by_smtp)
    return sent, failed + failed_by_smtp


def _send_by_smtp(messages: list[OutboxMessage]) -> tuple[int, int]:
    try:
        with mail.connect() as connection:

            def deliver(message: OutboxMessage) -> None:
                try:
                    connection.send(_as_mail(_rendered(message)))
                except Exception as error:
                    if not isinstance(error, (RenderingFailed, *SMTP_ERRORS)):
                        _start_afresh(connection)
                    raise

            return _one_by_one(messages, deliver)
    except SMTP_ERRORS as error:
        # Could not connect (or the connection broke): whatever was not recorded is retried.
        when = utcnow()
        sent = failed = 0
        for message in messages:
            if message.status == OutboxStatus.SENDING.value:
                _record_failure(message, error, when)
                failed += 1
            elif message.status == OutboxStatus.SENT.value:
                sent += 1
            else:
                failed += 1
        db.session.commit()
        return sent, failed


def _through_notify(client: Any) -> Callable[[OutboxMessage], str]:
    def deliver(message: OutboxMessage) -> str:
        reference = str(message.id)
        if message.attempts > 1 or message.last_error is not None:
            # Tried before: Notify may have taken it and the answer been lost (a worker
            # that died before recording it, a timeout). Its reference finds it.
            accepted = notify.already_accepted(
                client, reference, channel=message.channel, queued_at=message.created_at
            )
            if accepted is not None:
                log.info(
                    "outbox message %s (%s) was already accepted by Notify",
                    message.id,
                    _reference(message),
                )
                return accepted
        _rendered(message)
        return notify.send(
            client,
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject,
            body=message.text_body or "",
            reference=reference,
        )

    return deliver


def _one_by_one(
    messages: list[OutboxMessage], deliver: Callable[[OutboxMessage], str | None]
) -> tuple[int, int]:
    """`deliver` each message in turn (returning the provider's id, if it gives one) and
    commit each result as soon as it is known."""
    sent = failed = 0
    token = messages[0].claim_token if messages else None
    renewed_at = messages[0].claimed_at if messages else None
    # Renewing well inside the stuck time is enough, and spares a write per message.
    renew_every = timedelta(seconds=current_app.config["OUTBOX_STUCK_AFTER_SECONDS"] / 4)
    for index, message in enumerate(messages):
        try:
            provider_id = deliver(message)
        except Exception as error:
            # Whatever goes wrong with one message (a refusal, a line break in a header,
            # an address the server cannot take) is that message's failure, retried and
            # in the end marked failed, never the batch's.
            _record_failure(message, error, utcnow())
            failed += 1
            _log_failure(message, error)
            if isinstance(error, notify.NotifyRateLimited) or getattr(
                error, "for_every_message", False
            ):
                # Over the limit for the minute, or Notify down: the rest would be refused
                # too. Asking again for each would only slow the worker (and, down, push
                # every message a step further along its delays), so they share this
                # answer, as a batch shares a refused SMTP connection.
                for waiting in messages[index + 1 :]:
                    _record_failure(waiting, error, utcnow())
                    failed += 1
                db.session.commit()
                break
        else:
            if provider_id is not None:
                message.notify_id = provider_id
            _record_sent(message, utcnow())
            sent += 1
            log.info(
                "outbox message %s (%s) sent (%s)", message.id, _reference(message), message.purpose
            )
        # Record each result straight away: a crash now re-sends at most this one.
        now = utcnow()
        if renewed_at is None or now - renewed_at >= renew_every:
            _renew_claim(token, now)
            renewed_at = now
        db.session.commit()
    return sent, failed


def _log_failure(message: OutboxMessage, error: Exception) -> None:
    if isinstance(error, RenderingFailed):
        log.warning("outbox message %s (%s) could not be rendered", message.id, _reference(message))
    elif not isinstance(error, (*_TRANSIENT, notify.NotifyRefused, NoWayToSend)):
        log.warning(
            "outbox message %s (%s) could not be sent: %s",
            message.id,
            _reference(message),
            type(error).__name__,
        )


@dataclass
class WorkResult:
    sent: int = 0
    failed: int = 0


def work_once(*, batch_size: int = 50) -> WorkResult:
    """Send everything that is due now, then return (the cron mode)."""
    result = WorkResult()
    while True:
        messages = claim(batch_size)
        if not messages:
            return result
        sent, failed = send(messages)
        result.sent += sent
        result.failed += failed
        if sent == 0:
            # The server is refusing everything: leave the rest for their retry time.
            return result


def work_forever(
    *,
    poll_seconds: float,
    should_stop: Callable[[], bool],
    batch_size: int = 50,
    every: tuple[float, Callable[[], object]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Send until stopped. `every` is (seconds, job): other periodic work (the
    safeguarding sweep) run between batches that often; a job that fails is logged and
    tried again next time, and never stops the sending."""
    last_run: float | None = None
    while not should_stop():
        if every is not None and (last_run is None or clock() - last_run >= every[0]):
            last_run = clock()
            try:
                every[1]()
            except Exception:
                db.session.rollback()
                log.exception("periodic job failed; it will be tried again")
        result = work_once(batch_size=batch_size)
        if result.sent == 0:
            time.sleep(poll_seconds)


def not_sent() -> sa.ColumnElement[bool]:
    """The messages that did not reach anyone: failed here, or sent and then reported
    by Notify as not delivered (a technical failure being sent again is pending, and not
    among them)."""
    return sa.or_(
        OutboxMessage.status == OutboxStatus.FAILED.value,
        sa.and_(
            OutboxMessage.status == OutboxStatus.SENT.value,
            OutboxMessage.delivery_status.in_([str(s) for s in delivery.FAILURES]),
        ),
    )


def may_send_again(message: OutboxMessage) -> bool:
    return message.status == OutboxStatus.FAILED.value or (
        message.status == OutboxStatus.SENT.value and delivery.is_failure(message.delivery_status)
    )


def send_again(message: OutboxMessage, *, when: datetime | None = None) -> None:
    """Back in the queue with all its tries, due now; the caller commits. Notify's id
    for the notification that failed is forgotten: a receipt for it that comes late
    then finds no message, and the new notification gets a receipt of its own. The
    worker still asks Notify by the reference first (a try may have been accepted), and
    takes a notification found only if it did not fail (notify.already_accepted)."""
    message.status = OutboxStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = when or utcnow()
    message.notify_id = None


def retry(message_id: int) -> bool:
    """`flask outbox retry ID`: a failed message, or one Notify could not deliver, is
    tried again (staff do the same from the back office: services/receipts.py)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or not may_send_again(message):
        return False
    send_again(message)
    audit.record(
        "message_sent_again",
        staff=None,
        submission=message.submission,
        detail={"message": message.id, "by": "flask outbox retry"},
    )
    db.session.commit()
    return True
