"""Texts (issue 18): a person may choose "text me" with a UK mobile, and then the
acknowledgement, news of the date, a message from staff, the reply and the questionnaire
each come as a short text that gives nothing away, with a link to read the rest, in the
person's language. The outbox keeps each text as it was sent, and staff see it."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    look,
    make_staff,
    move,
    received_at,
    save,
    sign_in,
    sign_in_as_manager,
    team_id,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import (
    SAFE_EVERY_WAY,
    Journey,
    answers_for,
    in_words,
    only_submission,
    page_of,
)
from smtp_server import SmtpServer

from portal.domain.access import Role
from portal.domain.clock import add_working_days
from portal.domain.types import ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Correspondence, MessageChannel, OutboxMessage, Submission, Task
from portal.services import intake, outbox

# What a child wrote, and their name: neither may ever be in a text.
STORY = "My foster carer Dave shouts at me and took my phone away."
CHILD_NAME = "Sam Taylor"
MOBILE_TYPED = "07700 900 982"
MOBILE = "+447700900982"
RECEIVED = date(2025, 12, 19)


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


def texts(reference: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).where(OutboxMessage.channel == MessageChannel.SMS.value)
    if reference is not None:
        query = query.join(Submission).where(Submission.reference == reference)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def words_of(message: OutboxMessage) -> str:
    """The text as the person's phone shows it (rendered as the worker sends it)."""
    text, html = outbox.render(message)
    assert html == ""  # a text is plain words only
    return text


# The GSM 7-bit alphabet's basic set: a text in other letters (a Welsh circumflex, a
# curly apostrophe) is sent in UCS-2, where one part holds 70 characters, not 160.
GSM_7BIT = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def parts(text: str) -> int:
    """How many texts the phone network sends it as (153 characters each when split)."""
    assert set(text) <= GSM_7BIT, set(text) - GSM_7BIT
    return 1 if len(text) <= 160 else -(-len(text) // 153)


def gives_nothing_away(text: str, *, most_parts: int = 1) -> None:
    for secret in (STORY, "foster carer", "Dave", CHILD_NAME, "Sam", "Taylor", "complaint"):
        assert secret.lower() not in text.lower(), (secret, text)
    # One text where it can be: the link is most of it (Welsh words are longer).
    assert parts(text) <= most_parts, (len(text), text)


def the_link(text: str, kind: str = "track") -> str:
    (link,) = re.findall(rf"https?://\S+/{kind}/\S+", text)
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def up_to_contact(journey: Journey, role: str = "child") -> dict[str, object]:
    answers = answers_for(
        "complaint", role, what_happened={"what_happened": STORY, "when_it_happened": "not_sure"}
    )
    step = "who-are-you"
    while step != "contact":
        step = journey.answer(step, answers[step])
    return answers  # type: ignore[return-value]


def contact(mobile: str, **more: object) -> dict[str, object]:
    return {
        "name": CHILD_NAME,
        "contact_preference": "text",
        "mobile": mobile,
        "safe_to_contact": SAFE_EVERY_WAY,
        **more,
    }


# --- the contact page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter your mobile phone number"),
        ("01632 960 001", "Enter a UK mobile number, like 07700 900 982"),  # a landline
        ("+33 6 12 34 56 78", "Enter a UK mobile number, like 07700 900 982"),  # France
        ("0800 123 4567", "Enter a UK mobile number, like 07700 900 982"),
    ],
)
def test_text_me_needs_a_uk_mobile_number(client: FlaskClient, typed: str, error: str) -> None:
    journey = Journey(client, "complaint")
    up_to_contact(journey, "parent")
    response = journey.post("contact", contact(typed))  # type: ignore[arg-type]
    assert response.status_code == 200
    page = page_of(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [("#mobile", error)]
    assert page.inline_errors["mobile"] == error


@pytest.mark.parametrize("typed", ["07700 900 982", "+44 7700 900982", "0044 7911 123 456"])
def test_a_uk_mobile_typed_with_spaces_or_plus_44_is_accepted_and_shown_as_typed(
    client: FlaskClient, typed: str
) -> None:
    journey = Journey(client, "complaint")
    answers = up_to_contact(journey, "parent")
    assert journey.answer("contact", contact(typed)) == "support"
    journey.answer("support", answers["support"])  # type: ignore[arg-type]
    shown = journey.check_answers().summary_answers
    assert shown["How to contact you"] == "Text message"
    assert shown["Mobile phone number"] == typed


def test_the_contact_page_offers_texts_saying_honestly_what_they_show(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    up_to_contact(journey, "child")
    page = journey.get("contact")
    assert "Text message" in page.text
    assert "We will send you a short text when there is news, with a link to read it." in (
        page.text
    )
    assert "They never say what you wrote. But anyone who looks at your phone will see they" in (
        page.text
    )


def test_texts_are_offered_only_when_the_council_can_send_them(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(SMS_EMAIL_GATEWAY="", NOTIFY_API_KEY=None)
    journey = Journey(client, "complaint")
    up_to_contact(journey, "parent")
    page = journey.get("contact")
    assert "Text message" not in page.text
    assert page.by_id("mobile") is None
    refused = page_of(journey.post("contact", contact(MOBILE_TYPED)))  # type: ignore[arg-type]
    assert [href for href, _ in refused.error_summary] == ["#contact_preference"]

    app.config.update(NOTIFY_API_KEY="a-key-for-notify")  # Notify sends texts too
    assert "Text message" in journey.get("contact").text


# --- the five texts ----------------------------------------------------------------------


def test_a_child_who_asks_for_texts_is_acknowledged_by_a_text_that_gives_nothing_away(
    app: Flask, client: FlaskClient
) -> None:
    journey = Journey(client, "complaint")
    answers = up_to_contact(journey)
    journey.answer("contact", contact(MOBILE_TYPED))
    journey.answer("support", answers["support"])  # type: ignore[arg-type]
    journey.send_and_confirm()

    submission = only_submission()
    assert submission.contact_preference == ContactPreference.TEXT.value
    assert submission.phone == MOBILE_TYPED  # kept as typed: staff read it so
    assert "acknowledge_without_email" not in (submission.flags or [])
    (text,) = texts()
    assert (text.purpose, text.recipient) == ("acknowledgement", MOBILE)
    words = words_of(text)
    assert words.startswith("Northmoor Borough Council: we have got what you sent us.")
    gives_nothing_away(words)
    # Nothing else goes to the child: no email, and no task to acknowledge another way.
    to_the_child = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    ).all()
    assert to_the_child == [text]
    tasks = db.session.scalars(sa.select(Task.kind).where(Task.submission_id == submission.id))
    assert "acknowledge_without_email" not in list(tasks)

    # The link opens their tracking page, where the rest is.
    tracking = browser(app).get(the_link(words))
    assert tracking.status_code == 200
    assert submission.reference in tracking.get_data(as_text=True)


def test_a_text_is_in_the_persons_language(app: Flask, client: FlaskClient) -> None:
    client.get("/?lang=cy")
    journey = Journey(client, "complaint")
    answers = up_to_contact(journey)
    journey.answer("contact", contact(MOBILE_TYPED))
    journey.answer("support", answers["support"])  # type: ignore[arg-type]
    journey.send_and_confirm()

    (text,) = texts()
    words = words_of(text)
    assert "rydym wedi cael eich neges" in words
    assert the_link(words).endswith("?lang=cy")
    gives_nothing_away(words, most_parts=2)


def a_texted_child(language: str = "en") -> str:
    """A child's complaint, recorded as the form records it, asking for texts."""
    case = intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.CHILD,
            name=CHILD_NAME,
            contact_preference=ContactPreference.TEXT,
            phone=MOBILE_TYPED,
            what_happened=STORY,
            child_age=14,
            team_id=team_id("Looked After Children"),
            answers={"what-happened": {"what_happened": STORY}},
        ),
        now=received_at(RECEIVED),
    )
    case.language = language
    db.session.commit()
    reference = case.reference
    db.session.remove()
    return reference


def texted_for(reference: str, kind: str) -> tuple[Correspondence, str]:
    db.session.expire_all()
    (item,) = db.session.scalars(
        sa.select(Correspondence)
        .join(Submission)
        .where(Submission.reference == reference, Correspondence.kind == kind)
    )
    assert item.how == "text"
    message = item.outbox_message
    assert message is not None
    assert (message.channel, message.recipient) == (MessageChannel.SMS.value, MOBILE)
    return item, words_of(message)


def test_each_date_change_message_reply_and_the_questionnaire_come_as_texts(
    app: Flask,
) -> None:
    reference = a_texted_child()
    staff = browser(app)
    sign_in_as_manager(staff)
    tracking = browser(app)

    move(staff, reference, "accept", date(2025, 12, 22))

    # News of the date: an agreed extension.
    move(
        staff,
        reference,
        "extend_stage1",
        date(2026, 1, 5),
        stage1_extension_reason="Dave's manager is away until the new year.",
        extension_agreement="By phone on 5 January",
    )
    item, words = texted_for(reference, "extension")
    assert "we have news about when we will reply" in words
    gives_nothing_away(words)
    page = page_of(tracking.get(the_link(words)))
    assert "We will now reply by" in page.text  # the rest is on the tracking page

    # A message from staff, who are told how it reaches them.
    assert "they asked for texts: a text tells them it is on their tracking page" in (
        look(staff, f"/staff/cases/{reference}/message").text
    )
    save(
        staff,
        f"/staff/cases/{reference}/message",
        {
            "to": ["complainant"],
            "subject": "Your foster placement",
            "body": "Dave will not be at the meeting on Friday.",
        },
    )
    item, words = texted_for(reference, "message")
    assert "you have a new message from us" in words
    assert "Dave" not in words and "Friday" not in words
    gives_nothing_away(words)
    page = page_of(tracking.get(the_link(words)))
    assert "Dave will not be at the meeting on Friday." in page.text
    assert "We are sending you a text about this now." in page.text
    # Staff see that it was texted, and exactly what the text said.
    shown = case_page(staff, reference).text
    assert "They asked for texts" in shown
    assert words in shown

    # The reply: written by one manager, approved by another, "sent by email" = texted.
    save(
        staff,
        f"/staff/cases/{reference}/response-letters/1",
        {"subject": "Our reply", "body": "We looked into what Dave did.", "action": "submit"},
    )
    approver = browser(app)
    sign_in(approver, make_staff(Role.MANAGER, email="approver@council.example"))
    letter = look(approver, f"/staff/cases/{reference}/response-letters/1")
    assert f"They asked for texts: a text to {MOBILE_TYPED} says the reply is ready" in (
        letter.text
    )
    assert "Approve it and text them that it is ready" in letter.text
    assert "Approve it and send it by email" not in letter.text
    hidden = {e.attrs.get("name"): e.attrs.get("value", "") for e in letter.find_all("input")}
    approved = approver.post(
        f"/staff/cases/{reference}/response-letters/1/decision",
        data={"csrf_token": letter.csrf_token, "version": hidden["version"], "decision": "email"},
    )
    assert approved.status_code == 302
    item, words = texted_for(reference, "response_letter")
    assert "our reply is ready" in words
    gives_nothing_away(words)
    assert "We looked into what Dave did." in page_of(tracking.get(the_link(words))).text

    # The questionnaire, once the case closes: the text links the questions themselves.
    move(staff, reference, "respond_stage1", date(2026, 1, 20), outcome="partially_upheld")
    move(staff, reference, "close", date(2026, 1, 21))
    item, words = texted_for(reference, "feedback_invitation")
    assert "please tell us how we did" in words
    gives_nothing_away(words)
    assert tracking.get(the_link(words, "feedback")).status_code == 200


def test_a_welsh_case_is_texted_in_welsh(app: Flask) -> None:
    reference = a_texted_child("cy")
    staff = browser(app)
    sign_in_as_manager(staff)
    save(
        staff,
        f"/staff/cases/{reference}/message",
        {"to": ["complainant"], "subject": "Neges", "body": "Dave will not be there."},
    )
    _item, words = texted_for(reference, "message")
    assert "mae neges newydd i chi" in words
    assert the_link(words).endswith("?lang=cy")
    gives_nothing_away(words, most_parts=2)


def test_the_worker_sends_a_text_and_keeps_the_words_it_sent(app: Flask, smtp: SmtpServer) -> None:
    reference = a_texted_child()
    (queued,) = texts(reference)
    assert queued.text_body is None  # rendered by the worker, as emails are
    deliver()
    (sent,) = texts(reference)
    assert sent.status == "sent"
    assert sent.text_body == words_of(sent) and sent.html_body == ""
    (received,) = [m for m in smtp.inbox.messages() if m.portal_id == sent.id]
    # To the number: the email-to-SMS gateway's address is <digits>@SMS_EMAIL_GATEWAY.
    assert received.recipients == ["447700900982@sms.test"]
    assert received.text.strip() == sent.text_body


def test_in_wales_a_text_on_receipt_is_the_acknowledgement_the_discussion_counts_from(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=2)
    journey = Journey(client, "complaint")
    answers = up_to_contact(journey, "parent")
    journey.answer("contact", contact(MOBILE_TYPED))
    journey.answer("support", answers["support"])  # type: ignore[arg-type]
    confirmation = journey.send_and_confirm()
    stored = only_submission()
    # As an email would be: made today, so the discussion is 10 working days from today.
    talk_by = add_working_days(stored.received_on, 10)
    assert stored.case.stage1_due == talk_by
    assert f"We will talk by {in_words(talk_by)} at the latest" in confirmation.text
