"""Danger, as a person meets it on the public form (docs/safeguarding-what-happens.md):
everyone is asked, in words for who they are; "yes" and "not sure" are urgent; words that
worry us are shown back and the person is asked again, with an offer to contact them
today; help is in reach on every page of a child's journey and on every confirmation;
staff are alerted with the sentence that was written, in plain words, ahead of every
other email; and the person's own acknowledgement says nothing of it."""

import re

import pytest
import sqlalchemy as sa
from conftest import sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import (
    SAFE_EVERY_WAY,
    Journey,
    Page,
    answers_for,
    only_submission,
    page_of,
    step_of,
)
from smtp_server import SmtpServer
from wtforms import TextAreaField
from wtforms.fields.core import UnboundField

from portal.extensions import db
from portal.models import OutboxMessage
from portal.public.forms import FORMS
from portal.services import outbox, safeguarding

DANGER_SENTENCE = "My stepdad hits me when mum is at work."
DANGER_TEXT = f"Nobody came to my review. {DANGER_SENTENCE} I want a new worker."
HELP_BOX = "If you are not safe right now"
OUT_OF_HOURS = "0300 123 4999"  # OUT_OF_HOURS_PHONE in the test configuration
SAFEGUARDING_INBOXES = {"first.response@northmoor.example", "complaints.manager@northmoor.example"}

CHILD_QUESTION = "Is anyone hurting you, or do you feel scared at home?"
ADULT_QUESTION = "Is a child in danger now?"
ADULT_ROLES = [
    "parent",
    "foster_carer",
    "kinship_carer",
    "relative",
    "professional",
    "advocate",
    "other",
]
KINDS = ["complaint", "compliment", "representation", "advocacy"]


def walk(journey: Journey, answers: dict, contact_today: dict | None = None) -> list[str]:
    """Answer every page as the portal asks for it. Where it stops to help (the help page
    or the page that asks again) note where, and answer "contact you today"."""
    stopped = []
    step = "who-are-you"
    while step != "check-answers":
        response = journey.post(step, answers[step])
        assert response.status_code == 302, (step, page_of(response).error_summary)
        location = response.location
        while "/get-help-now" in location or "/check-you-are-safe" in location:
            stopped.append(f"{step_of(location)} after {step}")
            page = page_of(journey.client.get(location))
            assert page.status == 200
            response = journey.client.post(
                location,
                data={"csrf_token": page.csrf_token, **(contact_today or {"contact_today": "no"})},
            )
            assert response.status_code == 302, page_of(response).error_summary
            location = response.location
        step = step_of(location)
    return stopped


def a_child_writes(text: str, **more: dict) -> dict:
    """A child's complaint, with `text` as what happened (and still happening)."""
    return answers_for(
        "complaint",
        "child",
        what_happened={"what_happened": text, "when_it_happened": "still_happening"},
        **more,
    )


def alerts() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "safeguarding_alert")
        )
    )


# --- asked of everyone, in words for who they are -----------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["child", *ADULT_ROLES])
def test_every_route_asks_about_danger_in_words_for_the_persons_role(
    client: FlaskClient, kind: str, role: str
) -> None:
    journey = Journey(client, kind)
    assert journey.answer("who-are-you", {"role": role}) == "are-you-safe"
    page = journey.get("are-you-safe")
    asked = CHILD_QUESTION if role == "child" else ADULT_QUESTION
    assert page.find_all("legend")[0].text == asked
    assert page.find_all("h1")[0].text == asked
    choices = [label.text for label in page.find_all("label", "govuk-radios__label")]
    assert choices == ["Yes", "No", "I'm not sure"]


@pytest.mark.parametrize("role", ["child", "parent"])
def test_the_danger_question_left_unanswered_says_what_to_do(
    client: FlaskClient, role: str
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": role})
    page = page_of(journey.post("are-you-safe", {}))
    wanted = (
        "Choose yes, no or I'm not sure" if role == "child" else ("Select yes, no or I'm not sure")
    )
    assert page.error_summary == [("#in_danger", wanted)]


@pytest.mark.parametrize("answer", ["yes", "not_sure"])
@pytest.mark.parametrize(("kind", "role"), [("representation", "child"), ("compliment", "parent")])
def test_yes_or_not_sure_is_urgent_and_alerts_staff_with_the_answer_given(
    client: FlaskClient, kind: str, role: str, answer: str
) -> None:
    journey = Journey(client, kind)
    answers = answers_for(kind, role, are_you_safe={"in_danger": answer})
    assert walk(journey, answers) == ["get-help-now after are-you-safe"]
    journey.send_and_confirm()

    submission = only_submission()
    assert submission.urgent and not submission.concern
    words = {"yes": "Yes", "not_sure": "I'm not sure"}[answer]
    asked = CHILD_QUESTION if role == "child" else ADULT_QUESTION
    assert submission.danger_signs[0] == {
        "strength": "urgent",
        "sentence": "",
        "why": f"answered “{words}” to “{asked}”",
        "source": "are-you-safe",
    }
    assert {a.recipient for a in alerts()} == SAFEGUARDING_INBOXES


def test_no_and_ordinary_words_are_not_urgent_and_alert_nobody(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    assert walk(journey, answers_for("complaint", "child")) == []
    journey.send_and_confirm()
    submission = only_submission()
    assert not submission.urgent and not submission.concern
    assert submission.danger_signs == []
    assert alerts() == []


# --- the help page: the truth about what happens, and when --------------------------------


@pytest.mark.parametrize("role", ["child", "parent"])
def test_the_help_page_says_truthfully_what_happens_and_when(
    client: FlaskClient, role: str
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": role})
    response = journey.post("are-you-safe", {"in_danger": "yes"})
    assert "/get-help-now" in response.location
    page = page_of(client.get(response.location))
    assert "999" in page.text and "Childline: 0800 1111" in page.text
    assert OUT_OF_HOURS in page.text
    assert "When you press Send, we tell our safeguarding team straight away." in page.text
    unsent = (
        "If you do not press Send, but you have told us how to contact you, we will still "
        "tell our safeguarding team after 1 hour. They will see what you wrote."
    )
    if role == "child":
        assert unsent in page.text
    else:
        assert unsent not in page.text
        assert "If you do not press Send, we will not know what you wrote." in page.text
    assert "sounds like" not in page.text.lower()
    assert page.find_all("legend")[0].text.startswith("Do you want")


# --- words that worry us: shown back, and asked again -----------------------------------------


def test_words_of_danger_are_shown_back_and_the_person_is_asked_again(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = a_child_writes(DANGER_TEXT)
    for step in ("who-are-you", "are-you-safe", "your-age", "what-it-is-about"):
        journey.answer(step, answers[step])
    response = journey.post("what-happened", answers["what-happened"])
    assert step_of(response.location) == "check-you-are-safe"
    page = page_of(client.get(response.location))
    assert page.headings == ["We want to check you are safe"]
    quoted = page.find_all("blockquote")[0].text
    assert quoted == f"“{DANGER_SENTENCE}”"
    assert "When you press Send, we tell our safeguarding team straight away." in page.text
    assert "sounds like" not in page.text.lower()
    assert HELP_BOX in page.text

    # Answering takes them on to the question after the one they wrote in.
    done = client.post(
        response.location, data={"csrf_token": page.csrf_token, "contact_today": "no"}
    )
    assert step_of(done.location) == "put-it-right"


def test_a_hostile_sentence_is_shown_back_as_text_never_as_markup(client: FlaskClient) -> None:
    journey = Journey(client, "representation")
    hostile = 'My stepdad hits me <script>alert("x")</script><b onclick="x()">now</b>.'
    answers = answers_for(
        "representation",
        "parent",
        what_happened={"what_happened": hostile, "when_it_happened": "still_happening"},
    )
    step = "who-are-you"
    while step != "what-happened":
        step = journey.answer(step, answers[step])
    response = journey.post("what-happened", answers["what-happened"])
    assert step_of(response.location) == "check-you-are-safe"
    html = client.get(response.location).get_data(as_text=True)
    assert "<script>alert" not in html and "<b onclick" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    page = page_of(client.get(response.location))
    assert page.headings == ["We want to check the child is safe"]


def test_the_answer_to_contact_you_today_reaches_staff(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    sending_to(app, smtp)
    journey = Journey(client, "complaint")
    answers = a_child_writes(DANGER_TEXT)
    stopped = walk(
        journey,
        answers,
        contact_today={"contact_today": "yes", "contact_detail": "07700 900982"},
    )
    assert stopped == ["check-you-are-safe after what-happened"]
    journey.send_and_confirm()

    submission = only_submission()
    assert (submission.contact_today, submission.contact_today_by) == ("yes", "07700 900982")
    assert submission.urgent
    assert submission.danger_signs[0]["why"] == "they asked us to contact them today"
    assert any(s["sentence"] == DANGER_SENTENCE for s in submission.danger_signs)

    outbox.work_once()
    to_team = smtp.inbox.to("first.response@northmoor.example")
    assert len(to_team) == 1
    text = to_team[0].text
    assert "They asked us to contact them today, on 07700 900982." in text
    assert f'"{DANGER_SENTENCE}"' in text


def test_the_phone_number_they_gave_is_offered_and_another_can_be_typed(
    client: FlaskClient,
) -> None:
    """Back at check your answers, they change what happened: the page that asks again
    fills in the phone number they gave; they may type another, which is checked."""
    journey = Journey(client, "complaint")
    answers = answers_for(
        "complaint",
        "parent",
        contact={
            "name": "Pat",
            "contact_preference": "phone",
            "phone": "020 7946 0000",
            "safe_to_contact": SAFE_EVERY_WAY,
        },
    )
    journey.fill(answers)
    response = client.post(
        "/make-a-complaint/what-happened?change=yes",
        data={
            "csrf_token": journey.token,
            "what_happened": DANGER_TEXT,
            "when_it_happened": "still_happening",
        },
    )
    assert step_of(response.location) == "check-you-are-safe"
    asking = response.location
    page = page_of(client.get(asking))
    assert page.value_of("contact_detail") == "020 7946 0000"
    assert "We have filled in the one you gave us. You can change it." in page.text

    refused = page_of(
        client.post(
            asking,
            data={"csrf_token": page.csrf_token, "contact_today": "yes", "contact_detail": "x"},
        )
    )
    assert refused.error_summary == [
        ("#contact_detail", "Enter a phone number, like 07700 900 982, or an email address")
    ]
    empty = page_of(
        client.post(
            asking,
            data={"csrf_token": page.csrf_token, "contact_today": "yes", "contact_detail": ""},
        )
    )
    assert empty.error_summary == [("#contact_detail", "Enter a phone number or email address")]
    assert empty.title.startswith("Error: ")
    unanswered = page_of(client.post(asking, data={"csrf_token": page.csrf_token}))
    assert unanswered.error_summary == [("#contact_today", "Select yes or no")]

    done = client.post(
        asking,
        data={
            "csrf_token": page.csrf_token,
            "contact_today": "yes",
            "contact_detail": "pat@example.com",
        },
    )
    assert step_of(done.location) == "check-answers"
    journey.send_and_confirm()
    assert only_submission().contact_today_by == "pat@example.com"


def test_asking_again_is_skipped_once_they_have_asked_to_be_contacted_today(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = a_child_writes(
        DANGER_TEXT,
        put_it_right={"put_right": "He hits me. Make him stop."},
        are_you_safe={"in_danger": "yes"},
    )
    stopped = walk(
        journey, answers, contact_today={"contact_today": "yes", "contact_detail": "07700 900982"}
    )
    assert stopped == ["get-help-now after are-you-safe"]


def test_every_box_a_person_writes_in_is_read_for_danger() -> None:
    """A new free-text question must be added to what is read (or to this list of what
    is deliberately not: an address)."""
    boxes = {
        name
        for form in FORMS.values()
        for name in dir(form)
        if isinstance(getattr(form, name), UnboundField)
        and issubclass(getattr(form, name).field_class, TextAreaField)
    }
    assert "what_happened" in boxes
    assert boxes - {"address"} <= set(safeguarding.ASSESSED_FIELDS)


# --- staff: alerted first, in plain words, with what was written ------------------------------


def test_the_alert_quotes_the_sentence_in_plain_words_and_goes_first(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    sending_to(app, smtp)
    journey = Journey(client, "complaint")
    answers = a_child_writes(
        DANGER_TEXT,
        contact={
            "name": "Alex",
            "contact_preference": "phone",
            "phone": "07700 900982",
            "safe_to_contact": SAFE_EVERY_WAY,
        },
    )
    walk(journey, answers)
    journey.send_and_confirm()

    # The alerts go out ahead of everything else queued with them.
    queued = list(db.session.scalars(sa.select(OutboxMessage)))
    alert_priority = min(m.priority for m in queued if m.purpose == "safeguarding_alert")
    assert all(m.priority < alert_priority for m in queued if m.purpose != "safeguarding_alert")
    outbox.work_once()
    alert = next(m for m in smtp.inbox.messages() if m.subject.startswith("URGENT"))
    note = next(m for m in smtp.inbox.messages() if m.subject.startswith("New complaint"))
    assert f'"{DANGER_SENTENCE}"' in alert.text
    assert f"“{DANGER_SENTENCE}”" in alert.html
    assert "(what they wrote about what happened)" in alert.text
    # No internal codes reach staff: flags and sources are in words.
    for body in (alert.text, alert.html, note.text, note.html):
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", body), body
        assert "what-happened" not in body and "are-you-safe" not in body
    assert "No email address: acknowledge by phone or letter." in note.text
    assert "Flags:" not in note.text


def test_the_acknowledgement_says_nothing_of_danger(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answers = a_child_writes(DANGER_TEXT)
    walk(journey, answers, contact_today={"contact_today": "yes", "contact_detail": "07700 900982"})
    journey.send_and_confirm()
    acknowledgement = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    ).one()
    for body in (*outbox.render(acknowledgement), acknowledgement.subject):
        lowered = body.lower()
        assert "hits me" not in lowered and "07700" not in lowered
        assert "danger" not in lowered and "urgent" not in lowered


# --- help in reach -------------------------------------------------------------------------------


def help_box_shown(html: str) -> bool:
    text = Page(html).text
    return HELP_BOX in text and "0800 1111" in text and OUT_OF_HOURS in text


@pytest.mark.parametrize("kind", KINDS)
def test_help_is_on_every_page_of_a_childs_journey_and_the_confirmation(
    client: FlaskClient, kind: str
) -> None:
    journey = Journey(client, kind)
    answers = answers_for(kind, "child")
    assert not help_box_shown(client.get(journey.url("who-are-you")).get_data(as_text=True))
    step = journey.answer("who-are-you", answers["who-are-you"])
    while step != "check-answers":
        html = client.get(journey.url(step)).get_data(as_text=True)
        assert help_box_shown(html), step
        step = journey.answer(step, answers[step])
    assert help_box_shown(client.get(journey.url("check-answers")).get_data(as_text=True))
    confirmation = journey.send_and_confirm()
    assert help_box_shown(confirmation.html)


@pytest.mark.parametrize("kind", KINDS)
def test_every_confirmation_carries_the_help_whoever_sent_it(
    client: FlaskClient, kind: str
) -> None:
    journey = Journey(client, kind)
    asked = journey.fill(answers_for(kind, "parent"))
    # An adult's questions do not carry it (a child's do); their confirmation does.
    assert not any(help_box_shown(journey.get(step).html) for step in asked)
    assert help_box_shown(journey.send_and_confirm().html)
