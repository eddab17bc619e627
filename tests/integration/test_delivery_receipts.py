"""GOV.UK Notify's delivery receipts and returned letters, posted by the local Notify
(tests/notify_server.py) to the real portal served over HTTP, and what staff see and do
with a message that did not arrive: the case page, the task to reach the person another
way, "Messages not sent" and "Try again" (docs/notify.md, "Delivery receipts")."""

import logging
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa
from backoffice_helpers import case_page, look, make_staff, sign_in
from conftest import sending_through_notify, sending_to
from flask import Flask
from flask.testing import FlaskClient
from live_server import serving
from notify_server import NotifyServer
from outbox_helpers import a_complaint, messages, work
from smtp_server import SmtpServer

from portal.database import utcnow
from portal.domain.access import Role
from portal.extensions import db
from portal.models import AuditEvent, MessageChannel, OutboxMessage, Submission, Task
from portal.services import notify, outbox
from portal.services.intake import record_submission

TOKEN = "a-long-callback-token-from-configuration"
ADDRESS = "Dana Whitfield\n12 Mill Lane\nNorthmoor\nNM1 2AB"


@pytest.fixture
def app(app: Flask, smtp: SmtpServer, notify_server: NotifyServer) -> Flask:
    sending_to(app, smtp, OUTBOX_RETRY_BASE_SECONDS=0.2, OUTBOX_MAX_ATTEMPTS=4)
    return sending_through_notify(app, notify_server, NOTIFY_CALLBACK_TOKEN=TOKEN)


@pytest.fixture
def portal_url(app: Flask, notify_server: NotifyServer) -> Iterator[str]:
    """The portal served on 127.0.0.1, where the local Notify posts its callbacks."""
    with serving(app) as url:
        notify_server.callback_url = f"{url}/notify/receipts"
        notify_server.returned_letter_url = f"{url}/notify/returned-letters"
        notify_server.callback_token = TOKEN
        yield url


@pytest.fixture
def manager(client: FlaskClient) -> FlaskClient:
    sign_in(client, make_staff(Role.MANAGER))
    return client


def complaint_by(email: str) -> Submission:
    return record_submission(a_complaint(email=email))


def acknowledgement_of(case: Submission) -> OutboxMessage:
    return next(m for m in messages("acknowledgement") if m.submission_id == case.id)


def sent_and_receipted(notify_server: NotifyServer) -> None:
    """The worker sends what is due; Notify posts each receipt and the portal answers."""
    work()
    receipts = notify_server.wait_for_receipts()
    assert receipts and {r.answered for r in receipts} == {204}, receipts
    db.session.expire_all()


def reach_tasks(case: Submission) -> list[Task]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.submission_id == case.id, Task.kind == "reach_another_way")
        )
    )


def actions(case: Submission | None = None) -> list[str]:
    query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    if case is not None:
        query = query.where(AuditEvent.submission_id == case.id)
    return list(db.session.scalars(query))


def wait_until_due() -> None:
    pending = [m for m in messages() if m.status == "pending"]
    latest = max(m.next_attempt_at for m in pending)
    time.sleep(max((latest - utcnow()).total_seconds(), 0) + 0.05)


# --- receipts ---------------------------------------------------------------------------------


def test_a_delivered_message_shows_as_delivered_on_the_case_and_gives_no_task(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = complaint_by("dana.whitfield@example.com")

    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert (message.status, message.delivery_status) == ("sent", "delivered")
    assert message.delivery_reason is None and message.delivery_updated_at is not None
    assert reach_tasks(case) == []
    assert "message_delivered" in actions(case)
    page = case_page(manager, case.reference)
    assert "Acknowledgement email" in page.text and "Delivered" in page.text


def test_a_permanent_failure_shows_why_and_gives_staff_one_task_to_reach_them(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = complaint_by("perm-fail@simulator.notify")

    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert (message.status, message.delivery_status) == ("sent", "permanent-failure")
    why = "The email address does not exist, or it refuses email"
    assert message.delivery_reason == why
    [task] = reach_tasks(case)
    assert task.outbox_message_id == message.id
    assert task.description == (
        "Reach them another way: the acknowledgement email did not reach them "
        "(the email address does not exist, or it refuses email)"
    )
    # The acknowledgement was made when Notify took it: the case stays acknowledged,
    # and the task is how the person hears of it (docs/notify.md).
    assert case.case.acknowledged_at is not None
    page = case_page(manager, case.reference)
    assert task.description in page.text
    assert f"Not delivered {why}" in page.text
    assert "message_not_delivered" in actions(case)
    listed = look(manager, "/staff/messages-not-sent")
    assert case.reference in listed.text and why in listed.text


def test_a_temporary_failure_is_listed_as_not_delivered_without_a_task(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = complaint_by("temp-fail@simulator.notify")

    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert (message.status, message.delivery_status) == ("sent", "temporary-failure")
    assert "GOV.UK Notify stopped trying" in (message.delivery_reason or "")
    assert reach_tasks(case) == []
    assert case.reference in look(manager, "/staff/messages-not-sent").text


def test_a_technical_failure_is_sent_again_by_itself_and_then_arrives(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    """Notify's own fault: the portal sends the message again. Notify still holds the
    failed notification under the same reference; the worker must not take it for the
    message already sent (notify.already_accepted), or it never goes."""
    case = complaint_by("dana.whitfield@example.com")
    notify_server.statuses["dana.whitfield@example.com"] = "technical-failure"

    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    first = message.notify_id
    assert (message.status, message.delivery_status) == ("pending", "technical-failure")
    assert "Sending again" in case_page(manager, case.reference).text

    notify_server.statuses["dana.whitfield@example.com"] = "delivered"
    wait_until_due()
    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert (message.status, message.delivery_status) == ("sent", "delivered")
    assert message.notify_id != first
    assert notify_server.references()[str(message.id)] == 2
    assert reach_tasks(case) == []


def test_already_accepted_never_takes_a_notification_that_failed(
    app: Flask, notify_server: NotifyServer
) -> None:
    message = outbox.queue(
        purpose="team_notification",
        recipient="technical-fail@council.example",
        subject="A new case",
        text_body="A new case is waiting.",
        html_body="<p>A new case is waiting.</p>",
    )
    db.session.commit()
    work()
    notify_server.wait_for_receipts()
    [notification] = notify_server.by_reference(str(message.id))
    assert notification.status == "technical-failure"

    client = notify.client()
    found = notify.already_accepted(
        client, str(message.id), channel="email", queued_at=message.created_at
    )
    assert found is None
    notification.status = "delivered"
    assert (
        notify.already_accepted(
            client, str(message.id), channel="email", queued_at=message.created_at
        )
        == notification.id
    )


def test_a_returned_letter_shows_on_the_case_and_gives_a_task(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = record_submission(a_complaint(email="dana.whitfield@example.com"))
    letter = outbox.queue(
        purpose="correspondence",
        recipient=ADDRESS,
        subject="Your complaint",
        text_body="We have looked into what you told us.",
        html_body="<p>We have looked into what you told us.</p>",
        submission=case,
        channel=MessageChannel.LETTER,
    )
    db.session.commit()
    sent_and_receipted(notify_server)
    [notification] = notify_server.by_reference(str(letter.id))

    notify_server.return_letter(notification.id)
    assert notify_server.wait_for_receipts()[-1].answered == 204

    db.session.expire_all()
    letter = db.session.get_one(OutboxMessage, letter.id)
    assert letter.delivery_status == "returned-letter"
    [task] = reach_tasks(case)
    assert task.outbox_message_id == letter.id
    assert "the message from staff letter did not reach them" in task.description
    assert "returned" in task.description
    page = case_page(manager, case.reference)
    assert "Letter returned Royal Mail could not deliver the letter and it was returned" in (
        page.text
    )
    assert "letter_returned" in actions(case)


def test_the_same_receipt_twice_changes_nothing_the_second_time(
    app: Flask, notify_server: NotifyServer, portal_url: str
) -> None:
    case = complaint_by("perm-fail@simulator.notify")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    recorded_at = message.delivery_updated_at
    before = actions(case)

    assert message.notify_id is not None
    notify_server.send_receipt(message.notify_id, "permanent-failure")

    assert notify_server.wait_for_receipts()[-1].answered == 204
    db.session.expire_all()
    assert acknowledgement_of(case).delivery_updated_at == recorded_at
    assert len(reach_tasks(case)) == 1
    assert actions(case) == before


# --- who may post a receipt -------------------------------------------------------------------


def a_receipt(reference: str, notification_id: str | None = None) -> dict[str, object]:
    return {
        "id": notification_id or str(uuid.uuid4()),
        "reference": reference,
        "to": "someone@example.com",
        "status": "permanent-failure",
        "created_at": "2026-12-06T09:00:00.000000Z",
        "completed_at": "2026-12-06T09:00:05.000000Z",
        "sent_at": "2026-12-06T09:00:01.000000Z",
        "notification_type": "email",
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
    }


def test_a_receipt_with_the_wrong_token_or_none_is_refused_and_changes_nothing(
    app: Flask, notify_server: NotifyServer, portal_url: str
) -> None:
    case = complaint_by("perm-fail@simulator.notify")
    notify_server.callback_token = "not-the-councils-token"

    work()
    receipts = notify_server.wait_for_receipts()

    assert receipts and {r.answered for r in receipts} == {403}
    message = acknowledgement_of(case)
    assert message.delivery_status is None and reach_tasks(case) == []
    body = a_receipt(str(message.id), message.notify_id)
    url = f"{portal_url}/notify/receipts"
    missing = requests.post(url, json=body, timeout=5)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    not_bearer = requests.post(url, json=body, headers={"Authorization": TOKEN}, timeout=5)
    assert not_bearer.status_code == 401
    returned = requests.post(
        f"{portal_url}/notify/returned-letters",
        json={"notification_id": message.notify_id, "reference": str(message.id)},
        headers={"Authorization": "Bearer wrong"},
        timeout=5,
    )
    assert returned.status_code == 403
    db.session.expire_all()
    assert acknowledgement_of(case).delivery_status is None and reach_tasks(case) == []


def test_without_a_token_configured_no_receipt_is_taken(
    app: Flask, notify_server: NotifyServer, portal_url: str
) -> None:
    app.config["NOTIFY_CALLBACK_TOKEN"] = None
    for token in ("", TOKEN, "None"):
        answer = requests.post(
            f"{portal_url}/notify/receipts",
            json=a_receipt("1"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert answer.status_code in (401, 403), token


def test_a_receipt_for_a_notification_the_portal_does_not_know_is_accepted_and_ignored(
    app: Flask, notify_server: NotifyServer, portal_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    case = complaint_by("dana.whitfield@example.com")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    before = actions()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    caplog.set_level(logging.INFO)

    for body in (
        a_receipt("999999"),  # no such message
        a_receipt(str(message.id)),  # our message, but another notification (an older one)
        a_receipt("not-ours"),
        a_receipt("\u00b2"),  # a "digit" int() refuses
        a_receipt("9" * 30),  # past what the database's ids hold
        {**a_receipt("1"), "reference": None},
    ):
        answer = requests.post(f"{portal_url}/notify/receipts", json=body, headers=headers)
        assert (answer.status_code, answer.text) == (204, "")
    # Not a receipt at all.
    bad = requests.post(f"{portal_url}/notify/receipts", data="[]", headers=headers, timeout=5)
    assert bad.status_code == 400

    db.session.expire_all()
    assert acknowledgement_of(case).delivery_status == "delivered"
    assert actions() == before and reach_tasks(case) == []
    # Log lines carry ids, never the recipient a receipt names.
    assert "someone@example.com" not in caplog.text
    assert "dana.whitfield@example.com" not in caplog.text


# --- "Messages not sent" and "Try again" ------------------------------------------------------


def test_staff_try_again_from_the_page_and_the_message_arrives(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = complaint_by("temp-fail@simulator.notify")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    page = look(manager, "/staff/messages-not-sent")
    form = page.by_id(f"try-again-{message.id}")
    assert form is not None
    version = next(
        e.attrs["value"] for e in page.find_all("input") if e.attrs.get("name") == "version"
    )

    notify_server.statuses["temp-fail@simulator.notify"] = "delivered"
    answer = manager.post(
        f"/staff/messages-not-sent/{message.id}/try-again",
        data={"csrf_token": page.csrf_token, "version": version},
    )
    assert answer.status_code == 302
    assert "will be sent again" in look(manager, answer.location).text
    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert (message.status, message.delivery_status) == ("sent", "delivered")
    assert notify_server.references()[str(message.id)] == 2
    assert case.reference not in look(manager, "/staff/messages-not-sent").text
    trail = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.staff_id).where(
            AuditEvent.submission_id == case.id, AuditEvent.action == "message_sent_again"
        )
    ).one()
    assert trail.staff_id is not None

    # The same page pressed again (out of date): refused, nothing queued.
    again = manager.post(
        f"/staff/messages-not-sent/{message.id}/try-again",
        data={"csrf_token": page.csrf_token, "version": version},
    )
    assert again.status_code == 200
    assert "Something changed since you opened this page" in again.get_data(as_text=True)
    assert acknowledgement_of(case).status == "sent"


def test_try_again_needs_the_csrf_token(
    app: Flask, notify_server: NotifyServer, portal_url: str, manager: FlaskClient
) -> None:
    case = complaint_by("temp-fail@simulator.notify")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)

    answer = manager.post(f"/staff/messages-not-sent/{message.id}/try-again", data={})

    assert answer.status_code == 400
    assert acknowledgement_of(case).status == "sent"


def test_a_failed_message_on_a_case_a_team_member_cannot_see_is_neither_listed_nor_retried(
    app: Flask, notify_server: NotifyServer, portal_url: str, client: FlaskClient
) -> None:
    case = complaint_by("temp-fail@simulator.notify")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    # Another team's member: the case is not theirs to see.
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Fostering"))

    page = look(client, "/staff/messages-not-sent")
    assert case.reference not in page.text and "Every message has been sent." in page.text
    answer = client.post(
        f"/staff/messages-not-sent/{message.id}/try-again",
        data={"csrf_token": page.csrf_token, "version": "x"},
    )
    assert answer.status_code == 404
    assert acknowledgement_of(case).status == "sent"


def test_an_auditor_sees_messages_not_sent_but_cannot_try_again(
    app: Flask, notify_server: NotifyServer, portal_url: str, client: FlaskClient
) -> None:
    case = complaint_by("temp-fail@simulator.notify")
    sent_and_receipted(notify_server)
    message = acknowledgement_of(case)
    sign_in(client, make_staff(Role.AUDITOR))

    page = look(client, "/staff/messages-not-sent")
    assert case.reference in page.text and page.by_id(f"try-again-{message.id}") is None
    answer = client.post(
        f"/staff/messages-not-sent/{message.id}/try-again",
        data={"csrf_token": page.csrf_token, "version": "x"},
    )
    assert answer.status_code == 403


def test_a_message_that_fails_again_after_trying_again_keeps_its_one_open_task(
    app: Flask, notify_server: NotifyServer, portal_url: str
) -> None:
    case = complaint_by("perm-fail@simulator.notify")
    sent_and_receipted(notify_server)
    assert outbox.retry(acknowledgement_of(case).id)  # `flask outbox retry ID`

    sent_and_receipted(notify_server)

    message = acknowledgement_of(case)
    assert message.delivery_status == "permanent-failure"
    assert notify_server.references()[str(message.id)] == 2
    assert len(reach_tasks(case)) == 1
