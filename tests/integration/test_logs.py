"""No personal data in the application's logs: a complaint made through the pages, its
emails sent (and one refused by the mail server first), then worked in the back office;
every log record at every level is searched for the person's name, email address and
phone number, and the child's name."""

import logging

import pytest
from backoffice_helpers import look, sign_in_as_manager
from conftest import sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, only_submission
from smtp_server import SmtpServer

from portal.services import outbox

NAME = "Gwendolyn Featherstonehaugh"
EMAIL = "gwendolyn.f@example.com"
PHONE = "07700 900123"
CHILD = "Peregrine Featherstonehaugh"


def test_a_journey_leaves_no_personal_data_in_the_logs(
    app: Flask, client: FlaskClient, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    sending_to(app, smtp, OUTBOX_RETRY_BASE_SECONDS=0)
    caplog.set_level(logging.DEBUG)
    journey = Journey(client, "complaint")
    answers = answers_for(
        "complaint",
        "parent",
        contact={
            "name": NAME,
            "contact_preference": "email",
            "email": EMAIL,
            "phone": PHONE,
            "safe_to_contact": "phone",
        },
        about_the_child={
            "child_name": CHILD,
            "child_date_of_birth": ["14", "3", "2012"],
            "child_age": "",
        },
    )
    journey.fill(answers)
    journey.send_and_confirm()
    smtp.inbox.refuse()
    outbox.work_once()  # refused: retried later, and logged
    smtp.inbox.accept()
    while outbox.work_once().sent:
        pass
    assert smtp.inbox.to(EMAIL), "the acknowledgement should have arrived"
    sign_in_as_manager(client)
    look(client, f"/staff/cases/{only_submission().reference}")
    # The application and its libraries; not the test's own SMTP server ("mail.log").
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    logged = " ".join(r.getMessage() for r in ours)
    assert "submission recorded" in logged and "will be retried" in logged, logged
    text = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in ours)
    for secret in (NAME, EMAIL, PHONE, CHILD, "Featherstonehaugh"):
        assert secret not in text, f"{secret!r} appears in the logs"
