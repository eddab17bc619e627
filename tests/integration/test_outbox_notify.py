"""Messages through GOV.UK Notify (NOTIFY_API_KEY set): the real client
(notifications-python-client) against the local Notify (tests/notify_server.py), and
what Notify's answers mean for the outbox. Without the key: text messages to an
email-to-SMS gateway, and letters left for staff to print.

The tests that hold over SMTP and Notify alike are in test_outbox.py (`postbox`).
"""

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import requests
import sqlalchemy as sa
from conftest import sending_through_notify, sending_to
from flask import Flask
from notify_server import (
    EMAIL_TEMPLATE_ID,
    LETTER_TEMPLATE_ID,
    SMS_TEMPLATE_ID,
    NotifyServer,
    Template,
    portal_templates,
)
from outbox_helpers import a_complaint, messages, work
from smtp_server import SmtpServer

from portal.database import utcnow
from portal.domain.types import ContactPreference
from portal.extensions import db
from portal.models import MessageChannel, OutboxMessage, Submission
from portal.services import notify, outbox
from portal.services.intake import record_submission

ADDRESS = "Dana Whitfield\n12 Mill Lane\nNorthmoor\nNM1 2AB"
MOBILE = "+447700900123"


@pytest.fixture
def app(app: Flask, smtp: SmtpServer, notify_server: NotifyServer) -> Flask:
    """Sending through the local Notify, with short retry delays. The SMTP server is
    there to show that nothing goes by it once Notify is configured."""
    sending_to(app, smtp, OUTBOX_RETRY_BASE_SECONDS=0.2, OUTBOX_MAX_ATTEMPTS=4)
    return sending_through_notify(app, notify_server)


def wait_until_due() -> None:
    latest = max(m.next_attempt_at for m in messages() if m.status == "pending")
    time.sleep(max((latest - utcnow()).total_seconds(), 0) + 0.02)


def queue_by(channel: MessageChannel, recipient: str, submission: Submission | None = None) -> int:
    """A message by text or letter, as the "text me" journey or a letter would queue it."""
    message = outbox.queue(
        purpose="acknowledgement",
        recipient=recipient,
        subject="We have your complaint CSC-2026-0001",
        text_body="We have your complaint.\nWe will reply by Friday 18 December 2026.",
        html_body="<p>We have your complaint.</p>",
        submission=submission,
        channel=channel,
    )
    db.session.commit()
    return message.id


def without_acknowledgement() -> Submission:
    """A complaint made by phone: nothing is queued for the person yet."""
    return record_submission(a_complaint(contact_preference=ContactPreference.PHONE, email=None))


# --- what is sent ---------------------------------------------------------------------------


def test_an_email_goes_through_the_councils_template_with_its_id_as_the_reference(
    app: Flask, notify_server: NotifyServer, smtp: SmtpServer
) -> None:
    record_submission(a_complaint())

    assert work() == outbox.WorkResult(sent=2, failed=0)

    acknowledgement = messages("acknowledgement")[0]
    [accepted] = notify_server.by_reference(str(acknowledgement.id))
    assert accepted.type == "email"
    assert accepted.template_id == EMAIL_TEMPLATE_ID
    assert accepted.recipient == "dana.whitfield@example.com"
    assert accepted.personalisation == {
        "subject": acknowledgement.subject,
        "body": acknowledgement.text_body,
    }
    assert "Dear Dana Whitfield" in accepted.personalisation["body"]
    assert acknowledgement.notify_id == accepted.id
    assert acknowledgement.submission is not None
    assert acknowledgement.submission.case.acknowledged_how == "email"
    assert smtp.inbox.messages() == []  # nothing by SMTP once Notify is configured


def test_a_text_message_sends_its_words_as_the_body_and_acknowledges_by_text(
    app: Flask, notify_server: NotifyServer
) -> None:
    submission = without_acknowledgement()
    message_id = queue_by(MessageChannel.SMS, MOBILE, submission)

    work()

    [accepted] = notify_server.by_reference(str(message_id))
    assert (accepted.type, accepted.template_id, accepted.recipient) == (
        "sms",
        SMS_TEMPLATE_ID,
        MOBILE,
    )
    assert accepted.personalisation == {
        "body": "We have your complaint.\nWe will reply by Friday 18 December 2026."
    }
    db.session.expire_all()
    case = db.session.get_one(Submission, submission.id).case
    assert case.acknowledged_at is not None
    assert case.acknowledged_how == "text"


def test_a_letter_sends_the_address_lines_subject_and_body_and_acknowledges_by_letter(
    app: Flask, notify_server: NotifyServer
) -> None:
    submission = without_acknowledgement()
    message_id = queue_by(MessageChannel.LETTER, ADDRESS, submission)

    work()

    [accepted] = notify_server.by_reference(str(message_id))
    assert (accepted.type, accepted.template_id) == ("letter", LETTER_TEMPLATE_ID)
    assert accepted.personalisation == {
        "address_line_1": "Dana Whitfield",
        "address_line_2": "12 Mill Lane",
        "address_line_3": "Northmoor",
        "address_line_4": "NM1 2AB",
        "subject": "We have your complaint CSC-2026-0001",
        "body": "We have your complaint.\nWe will reply by Friday 18 December 2026.",
    }
    db.session.expire_all()
    assert db.session.get_one(Submission, submission.id).case.acknowledged_how == "letter"


def test_an_address_of_more_than_seven_lines_keeps_its_postcode_last() -> None:
    lines = [
        "Flat 3",
        "Mill House",
        "12 Mill Lane",
        "Upper End",
        "Northmoor",
        "Shire",
        "UK",
        "NM1 2AB",
    ]

    personalisation = notify.letter_personalisation("\n".join(lines), "S", "B")

    assert personalisation["address_line_6"] == "Shire, UK"
    assert personalisation["address_line_7"] == "NM1 2AB"
    assert "address_line_8" not in personalisation


# --- the API key ----------------------------------------------------------------------------


def test_a_wrong_api_key_is_refused_and_the_message_waits_with_notifys_reason(
    app: Flask, notify_server: NotifyServer
) -> None:
    right_key = app.config["NOTIFY_API_KEY"]
    app.config["NOTIFY_API_KEY"] = right_key[:-36] + "3d844edf-8d35-48ac-975b-e847b4f122b0"
    record_submission(a_complaint())

    assert work() == outbox.WorkResult(sent=0, failed=2)

    for message in messages():
        assert (message.status, message.attempts) == ("pending", 1)
        assert "403 AuthError: Invalid token: API key not found" in (message.last_error or "")
    assert notify_server.notifications() == []

    app.config["NOTIFY_API_KEY"] = right_key  # the key put right
    wait_until_due()
    assert work() == outbox.WorkResult(sent=2, failed=0)
    assert sorted(notify_server.references().values()) == [1, 1]


def test_notify_refuses_a_token_signed_with_another_secret_or_issued_too_long_ago(
    notify_server: NotifyServer,
) -> None:
    url = f"{notify_server.base_url}/v2/notifications"

    def refusal(token: str) -> tuple[int, Any]:
        answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        return answer.status_code, answer.json()

    now = int(time.time())
    claims = {"iss": notify_server.service_id, "iat": now}
    assert refusal(
        jwt.encode(claims, "3d844edf-8d35-48ac-975b-e847b4f122b0", algorithm="HS256")
    ) == (
        403,
        {
            "status_code": 403,
            "errors": [{"error": "AuthError", "message": "Invalid token: API key not found"}],
        },
    )
    stale = jwt.encode(claims | {"iat": now - 60}, notify_server.secret, algorithm="HS256")
    assert refusal(stale)[1]["errors"][0]["message"] == (
        "Error: Your system clock must be accurate to within 30 seconds"
    )
    other_service = jwt.encode(
        claims | {"iss": "not-this-service"}, notify_server.secret, algorithm="HS256"
    )
    assert refusal(other_service)[0] == 403
    no_token = requests.get(url, timeout=5)
    assert no_token.status_code == 401
    fresh = jwt.encode(claims, notify_server.secret, algorithm="HS256")
    assert refusal(fresh)[0] == 200


# --- sent once, whatever happens ------------------------------------------------------------


def test_a_message_notify_accepted_before_its_worker_died_is_not_sent_twice(
    app: Flask, notify_server: NotifyServer
) -> None:
    record_submission(a_complaint())
    with app.app_context():  # the first worker: it claims, Notify accepts, then it dies
        claimed = outbox.claim(50)
        client = notify.client()
        accepted_ids = {
            message.id: notify.send(
                client,
                channel=message.channel,
                recipient=message.recipient,
                subject=message.subject,
                body="the words",
                reference=str(message.id),
            )
            for message in claimed
        }
    assert {m.status for m in messages()} == {"sending"}

    app.config["OUTBOX_STUCK_AFTER_SECONDS"] = 0.3
    time.sleep(0.4)
    result = work()

    assert (result.sent, result.failed) == (2, 0)
    for message in messages():
        assert (message.status, message.attempts) == ("sent", 2)
        assert message.notify_id == accepted_ids[message.id]
    assert sorted(notify_server.references().values()) == [1, 1]


def test_a_message_whose_answer_timed_out_is_found_by_its_reference_not_sent_again(
    app: Flask, notify_server: NotifyServer
) -> None:
    """Notify took the message but its answer came after the worker stopped waiting."""
    app.config["NOTIFY_TIMEOUT_SECONDS"] = 0.3
    notify_server.slowness = 0.6
    record_submission(a_complaint())

    assert work().sent == 0
    assert all("NotifyUnavailable" in (m.last_error or "") for m in messages())
    time.sleep(0.5)  # the server finishes what it was doing
    notify_server.slowness = 0
    wait_until_due()
    assert work().sent == 2

    assert {m.status for m in messages()} == {"sent"}
    assert sorted(notify_server.references().values()) == [1, 1]
    by_reference = {n.reference: n.id for n in notify_server.notifications()}
    assert {str(m.id): m.notify_id for m in messages()} == by_reference


def test_a_notification_with_the_same_reference_from_before_the_message_is_not_taken_for_it(
    app: Flask, notify_server: NotifyServer
) -> None:
    """A restored backup or a new database numbers its messages from 1 again: Notify's
    older notification with reference "1" is another message, so this one is sent."""
    message_id = queue_by(MessageChannel.SMS, MOBILE)
    with app.app_context():
        earlier = notify.send(
            notify.client(),
            channel="sms",
            recipient=MOBILE,
            subject="",
            body="an old message",
            reference=str(message_id),
        )
    [old] = notify_server.by_reference(str(message_id))
    old.created_at -= timedelta(days=30)
    # A first try that failed: the worker looks for it before sending again.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(attempts=1, last_error="NotifyUnavailable: 503")
    )
    db.session.commit()

    assert work().sent == 1
    sent = db.session.get(OutboxMessage, message_id)
    assert sent is not None and sent.notify_id not in (None, earlier)
    assert notify_server.references()[str(message_id)] == 2


@pytest.mark.parametrize("refuse_connections", [False, True], ids=["503", "connection refused"])
def test_nothing_is_lost_or_sent_twice_through_an_outage(
    app: Flask, notify_server: NotifyServer, refuse_connections: bool
) -> None:
    for number in range(3):
        record_submission(a_complaint(email=f"person{number}@example.com"))
    notify_server.outage(1.0, refuse_connections=refuse_connections)

    assert work() == outbox.WorkResult(sent=0, failed=6)
    assert {(m.status, m.attempts) for m in messages()} == {("pending", 1)}
    if not refuse_connections:
        assert notify_server.requests["refused 503"] == 1  # the rest were not even tried
    time.sleep(1.1)  # Notify is back
    while any(m.status == "pending" for m in messages()):
        wait_until_due()
        work()

    assert {m.status for m in messages()} == {"sent"}
    assert sorted(notify_server.references().items()) == sorted((str(m.id), 1) for m in messages())


# --- refusals -------------------------------------------------------------------------------


def a_template_wanting(*placeholders: str) -> dict[str, Template]:
    return portal_templates() | {EMAIL_TEMPLATE_ID: Template("email", placeholders)}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda app, server: server.templates.update(
                a_template_wanting("subject", "body", "name")
            ),
            "NotifyRefused: 400 BadRequestError: Missing personalisation: name",
        ),
        (
            lambda app, server: app.config.update(
                NOTIFY_EMAIL_TEMPLATE_ID="0d6f7f0e-1111-4222-8333-944445555666"
            ),
            "NotifyRefused: 400 BadRequestError: Template not found",
        ),
        (
            lambda app, server: app.config.update(NOTIFY_EMAIL_TEMPLATE_ID=SMS_TEMPLATE_ID),
            "NotifyRefused: 400 BadRequestError: sms template is not suitable for email",
        ),
        (
            lambda app, server: app.config.update(NOTIFY_EMAIL_TEMPLATE_ID=None),
            "NoTemplate: NOTIFY_EMAIL_TEMPLATE_ID is not set",
        ),
    ],
    ids=["placeholder missing", "unknown template", "template of another kind", "no template"],
)
def test_a_message_notify_refuses_fails_at_once_with_notifys_reason_for_staff(
    app: Flask, notify_server: NotifyServer, change: Any, reason: str
) -> None:
    change(app, notify_server)
    record_submission(a_complaint())

    work()

    for message in messages():
        assert (message.status, message.attempts) == ("failed", 1)
        assert (message.last_error or "").startswith(reason)
    assert notify_server.notifications() == []


def test_a_number_or_address_notify_cannot_use_fails_at_once_and_the_rest_are_sent(
    app: Flask, notify_server: NotifyServer
) -> None:
    submission = without_acknowledgement()
    bad_number = queue_by(MessageChannel.SMS, "01632 960001", submission)  # a landline
    bad_address = queue_by(MessageChannel.LETTER, "Dana Whitfield\nNowhere")
    good = queue_by(MessageChannel.SMS, MOBILE)

    work()

    by_id = {m.id: m for m in messages()}
    assert by_id[bad_number].status == "failed"
    assert by_id[bad_number].last_error == (
        "NotifyRefused: 400 ValidationError: phone_number Not a UK mobile number"
    )
    assert by_id[bad_address].status == "failed"
    assert "Address must be at least 3 lines" in (by_id[bad_address].last_error or "")
    assert by_id[good].status == "sent"


def test_staff_retry_a_refused_message_once_the_template_is_put_right(
    app: Flask, notify_server: NotifyServer
) -> None:
    notify_server.templates.update(a_template_wanting("subject", "body", "name"))
    record_submission(a_complaint())
    work()
    [acknowledgement] = messages("acknowledgement")
    assert acknowledgement.status == "failed"

    notify_server.templates.update(portal_templates())
    assert outbox.retry(acknowledgement.id)
    work()

    assert messages("acknowledgement")[0].status == "sent"
    assert notify_server.references()[str(acknowledgement.id)] == 1


def test_over_notifys_rate_limit_the_rest_wait_a_minute_without_using_up_their_tries(
    app: Flask, notify_server: NotifyServer
) -> None:
    notify_server.rate_limit_per_minute = 1
    for number in range(2):
        record_submission(a_complaint(email=f"person{number}@example.com"))

    result = work()

    assert result.sent == 1
    waiting = [m for m in messages() if m.status != "sent"]
    assert len(waiting) == 3
    for message in waiting:
        assert (message.status, message.attempts) == ("pending", 0)
        assert "NotifyRateLimited: 429 RateLimitError" in (message.last_error or "")
        assert (message.next_attempt_at - utcnow()).total_seconds() > 50
    assert notify_server.requests["refused 429"] == 1  # the rest were not even tried

    # A minute later (the limit lifted, the messages due again) they go, each once.
    notify_server.rate_limit_per_minute = 3000
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    work()
    assert {(m.status, m.attempts) for m in messages()} == {("sent", 1)}
    assert sorted(notify_server.references().values()) == [1, 1, 1, 1]


# --- delivery receipts (the local Notify's side) --------------------------------------------


@pytest.fixture
def callback() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """A bare endpoint that keeps what is posted to it (the portal's own receipt endpoint
    is tested where it is built)."""
    posted: list[tuple[str, dict[str, Any]]] = []

    class Keep(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posted.append((self.headers["Authorization"], json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notify/receipts", posted
    server.shutdown()
    server.server_close()


def test_notify_posts_a_delivery_receipt_with_the_status_each_recipient_gets(
    app: Flask, notify_server: NotifyServer, callback: Any
) -> None:
    url, posted = callback
    notify_server.callback_url, notify_server.callback_token = url, "receipt-token"
    record_submission(a_complaint(email="perm-fail@simulator.notify"))
    queue_by(MessageChannel.SMS, "07700900003")
    queue_by(MessageChannel.SMS, MOBILE)

    work()
    receipts = notify_server.wait_for_receipts()

    assert {r.answered for r in receipts} == {204}
    assert {auth for auth, _ in posted} == {"Bearer receipt-token"}
    by_reference = {payload["reference"]: payload for _, payload in posted}
    sent = {m.id: m for m in messages()}
    assert {ref: p["status"] for ref, p in by_reference.items()} == {
        str(m.id): (
            "permanent-failure"
            if m.recipient == "perm-fail@simulator.notify"
            else "temporary-failure"
            if m.recipient == "07700900003"
            else "delivered"
        )
        for m in sent.values()
    }
    one = by_reference[str(next(m.id for m in sent.values() if m.recipient == MOBILE))]
    assert set(one) == {
        "id",
        "reference",
        "to",
        "status",
        "created_at",
        "completed_at",
        "sent_at",
        "notification_type",
        "template_id",
        "template_version",
    }
    assert (one["to"], one["notification_type"], one["template_id"]) == (
        MOBILE,
        "sms",
        SMS_TEMPLATE_ID,
    )
    assert one["id"] == next(m.notify_id for m in sent.values() if m.recipient == MOBILE)


# --- without Notify -------------------------------------------------------------------------


def test_without_notify_a_text_goes_as_plain_email_to_the_sms_gateway(
    app: Flask, smtp: SmtpServer
) -> None:
    app.config.update(NOTIFY_API_KEY=None, SMS_EMAIL_GATEWAY="sms.council.example")
    submission = without_acknowledgement()
    message_id = queue_by(MessageChannel.SMS, "+44 7700 900123", submission)

    work()

    [email] = smtp.inbox.to("447700900123@sms.council.example")
    assert email.portal_id == message_id
    assert email.text.strip().startswith("We have your complaint.")
    assert email.message.get_content_type() == "text/plain"  # the words alone, no HTML
    db.session.expire_all()
    assert db.session.get_one(Submission, submission.id).case.acknowledged_how == "text"


@pytest.mark.parametrize(
    ("channel", "recipient", "reason"),
    [
        (MessageChannel.SMS, MOBILE, "NoTextService: neither GOV.UK Notify"),
        (MessageChannel.LETTER, ADDRESS, "NoLetterService: letters are sent through GOV.UK"),
    ],
    ids=["text", "letter"],
)
def test_without_notify_what_nothing_can_carry_fails_at_once_with_the_reason(
    app: Flask, smtp: SmtpServer, channel: MessageChannel, recipient: str, reason: str
) -> None:
    app.config.update(NOTIFY_API_KEY=None, SMS_EMAIL_GATEWAY="")
    message_id = queue_by(channel, recipient)
    record_submission(a_complaint())

    result = work()

    assert result == outbox.WorkResult(sent=2, failed=1)
    by_id = {m.id: m for m in messages()}
    assert (by_id[message_id].status, by_id[message_id].attempts) == ("failed", 1)
    assert (by_id[message_id].last_error or "").startswith(reason)
    assert len(smtp.inbox.messages()) == 2  # the emails went as before
