"""Say only what is true, in words a child understands (issue 13, part 2).

Who reads what a person writes; what an advocate is, asked again when someone is not
sure (and a task for staff to explain); "through my advocate" only for someone who has
one; the real next dates on each confirmation page; a child asked who it is about in a
child's words, with the team kept for staff; and whether it is safe to phone, leave a
voicemail or send letters, asked of everyone and honoured wherever a message is sent.
All over the test client, as a person (or a member of staff) would meet it.
"""

import html
import json
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
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in,
    sign_in_as_manager,
    summary,
    team_id,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import (
    Answers,
    Journey,
    Page,
    answers_for,
    in_words,
    only_submission,
    page_of,
    squash,
    step_of,
)
from smtp_server import SmtpServer

from portal.domain import contact_safety
from portal.domain.access import Role
from portal.domain.types import ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Correspondence, OutboxMessage, Submission, Task
from portal.services import correspondence, intake, outbox, retention, routing_rules

ADVOCATE_EMAIL = "ali@advocacy.example"


def reach(journey: Journey, answers: dict[str, Answers], step: str) -> Page:
    """Answer the questions before `step`, as the portal asks them; show `step`."""
    here = "who-are-you"
    while here != step:
        assert here != "check-answers", f"{step} was never asked"
        here = journey.answer(here, answers[here])
    return journey.get(step)


def staff(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


def tasks_of(reference: str) -> list[Task]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Task)
            .join(Submission, Submission.id == Task.submission_id)
            .where(Submission.reference == reference)
            .order_by(Task.id)
        )
    )


def radio_values(page: Page, name: str) -> list[str]:
    return [
        e.attrs["value"]
        for e in page.find_all("input")
        if e.attrs.get("name") == name and e.attrs.get("type") in ("radio", "checkbox")
    ]


def labels(page: Page, name: str) -> list[str]:
    """The words beside each radio or box called `name`."""
    ids = [
        e.attrs["id"]
        for e in page.find_all("input")
        if e.attrs.get("name") == name and e.attrs.get("type") in ("radio", "checkbox")
    ]
    found = {e.attrs.get("for"): e.text for e in page.find_all("label")}
    return [found[i] for i in ids]


# --- who reads it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["child", "parent"])
def test_the_contact_page_says_who_reads_it_and_that_a_worry_about_safety_is_shared(
    client: FlaskClient, role: str
) -> None:
    page = reach(Journey(client, "complaint"), answers_for("complaint", role), "contact")
    assert "We will not tell anyone else" not in page.text
    assert "We will only use this to reply to you" not in page.text
    if role == "child":
        assert (
            "The complaints team will read what you wrote. So will the people who look into it."
            in page.text
        )
        assert (
            "If we are worried that you or someone else is not safe, we will tell people whose "
            "job is to keep children safe." in page.text
        )
    else:
        assert "The children's complaints team will read what you have told us" in page.text
        assert "we will share what you told us with the people whose job is to keep them safe" in (
            page.text
        )


# --- what an advocate is, asked again --------------------------------------------------------


def test_a_child_not_sure_about_an_advocate_is_told_what_one_does_then_asked_again(
    app: Flask, client: FlaskClient
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child", advocate={"advocacy": "not_sure"})
    first = reach(journey, answers, "advocate")
    assert labels(first, "advocacy")[-1] == "I'm not sure yet"

    response = journey.post("advocate", {"advocacy": "not_sure"})
    assert response.location.endswith("/make-a-complaint/advocate?more=yes")
    more = page_of(client.get(response.location))
    # What an advocate is and does, in plain HTML (no script, nothing to open).
    assert more.headings == ["What an advocate does"]
    assert more.title.startswith("What an advocate does")
    for words in (
        "An advocate is someone who is on your side.",
        "They do not work for your social worker or for the people who look after you. It is free.",
        "help you say what you want, or say it for you",
        "come to meetings with you",
        "help you understand what we write back to you",
        "You decide if you want one. You can stop at any time.",
    ):
        assert words in more.text
    # ... then the question again, with the answer they gave still chosen.
    assert more.value_of("advocacy") == "not_sure"
    assert labels(more, "advocacy") == [
        "Yes, please",
        "I already have one",
        "No, thank you",
        "I'm still not sure",
    ]
    assert "Someone from our team will get in touch to tell you more." in more.text
    assert more.find_all("form")[0].attrs["action"] == "/make-a-complaint/advocate?more=yes"

    # Still not sure: that is an answer, and they carry on.
    again = client.post(
        "/make-a-complaint/advocate?more=yes",
        data={"advocacy": "not_sure", "csrf_token": journey.token},
    )
    assert step_of(again.location) == "contact"
    journey.fill(answers, start="contact")
    confirmation = journey.send_and_confirm()
    assert "Someone from our team will get in touch to tell you more. It is free." in (
        confirmation.text
    )

    # Staff have a task to explain advocacy, on the case, until advocacy is updated.
    stored = only_submission()
    assert stored.advocacy_answer == "not_sure"
    (task,) = tasks_of(stored.reference)
    assert task.kind == "explain_advocacy"
    assert task.description == (
        f"Explain advocacy to the child by {in_words(stored.acknowledge_by)}: they were not "
        "sure whether they want an advocate. Tell them what an advocate does and ask again, "
        "then update advocacy"
    )
    manager = staff(app)
    page = case_page(manager, stored.reference)
    assert task.description + "." in page.text
    assert page.link_to("Update advocacy")
    save(manager, f"/staff/cases/{stored.reference}/advocacy", {"status": "declined"})
    assert tasks_of(stored.reference)[0].done_at is not None
    assert "Explain advocacy" not in case_page(manager, stored.reference).text


def test_an_answer_given_after_reading_more_is_recorded_and_sets_no_task(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    reach(journey, answers, "advocate")
    journey.post("advocate", {"advocacy": "not_sure"})
    more = page_of(client.get("/make-a-complaint/advocate?more=yes"))
    assert "help the child say what they want, or speak for them if the child asks" in more.text
    assert "go to meetings with the child" in more.text
    assert "help the child understand our replies" in more.text
    chosen = client.post(
        "/make-a-complaint/advocate?more=yes",
        data={"advocacy": "accepted", "csrf_token": journey.token},
    )
    assert step_of(chosen.location) == "contact"
    journey.fill(answers, start="contact")
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.advocacy_answer == "accepted"
    assert tasks_of(stored.reference) == []


@pytest.mark.parametrize(
    ("kind", "said"),
    [("complaint", True), ("representation", False)],
    ids=["complaint", "representation"],
)
def test_only_a_complaint_is_told_the_law_says_we_must_offer_an_advocate(
    client: FlaskClient, kind: str, said: bool
) -> None:
    page = reach(Journey(client, kind), answers_for(kind, "parent"), "advocate")
    law = "The law says we must offer an advocate to every child who makes a complaint."
    assert (law in page.text) is said
    assert "Advocates are independent of the child's social workers, and it is free." in page.text


# --- "through my advocate", and advocates not asked twice ----------------------------------


@pytest.mark.parametrize("advocacy", ["accepted", "declined", "not_sure"])
def test_a_child_without_an_advocate_is_not_offered_to_hear_through_one(
    client: FlaskClient, advocacy: str
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child", advocate={"advocacy": advocacy})
    page = reach(journey, answers, "contact")
    assert radio_values(page, "contact_preference") == ["email", "text", "phone", "post"]
    assert "Your advocate's email address" not in page.text
    refused = page_of(
        journey.post(
            "contact",
            {
                "name": "Alex",
                "contact_preference": "advocate",
                "advocate_email": ADVOCATE_EMAIL,
                "safe_to_contact": "none",
            },
        )
    )
    assert refused.error_summary == [("#contact_preference", "Not a valid choice.")] or (
        refused.error_summary and refused.error_summary[0][0] == "#contact_preference"
    )


def test_a_child_with_an_advocate_can_hear_through_them_and_the_advocate_is_not_told_to_ask_for_one(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for(
        "complaint",
        "child",
        advocate={"advocacy": "already_has_one"},
        contact={
            "name": "Alex",
            "contact_preference": "advocate",
            "advocate_name": "Ali Advocate",
            "advocate_email": ADVOCATE_EMAIL,
            "safe_to_contact": "none",
        },
    )
    page = reach(journey, answers, "contact")
    assert radio_values(page, "contact_preference") == [
        "email",
        "text",
        "phone",
        "post",
        "advocate",
    ]
    journey.fill(answers, start="contact")
    confirmation = journey.send_and_confirm()
    assert "You told us you already have an advocate. They can help you with this." in (
        confirmation.text
    )

    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    )
    assert message.recipient == ADVOCATE_EMAIL
    for body in outbox.render(message):
        assert "You are receiving this because a child asked us to reply through you." in body
        assert "ask for one" not in body
        assert "advocate to help them be heard" not in body


def test_an_advocate_writing_is_offered_through_me_once_and_never_told_to_ask_for_an_advocate(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "advocate")
    views = reach(journey, answers, "the-childs-views")
    assert labels(views, "child_reply_preference") == [
        "Through me",
        "In a meeting, with someone they trust",
        "I'm not sure",
    ]
    answers["the-childs-views"] = {
        "child_agreement": "agrees",
        "child_reply_preference": "through_me",
    }
    journey.fill(answers, start="the-childs-views")
    journey.send_and_confirm()
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    )
    for body in outbox.render(message):
        assert "ask for one" not in body
        assert "Help to speak up" not in body


def test_a_parent_is_still_offered_the_childs_advocate_as_a_way_to_hear(
    client: FlaskClient,
) -> None:
    views = reach(
        Journey(client, "complaint"), answers_for("complaint", "parent"), "the-childs-views"
    )
    assert "Through their advocate" in labels(views, "child_reply_preference")


# --- the real next dates on each confirmation ---------------------------------------------


def test_a_complaint_confirmation_gives_the_reply_date_and_the_advocate_date(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    page = journey.send_and_confirm()
    stored = only_submission()
    assert stored.case.stage1_due and stored.case.advocacy_due_on
    assert (
        f"We will get in touch to say we have it by {in_words(stored.acknowledge_by)}." in page.text
    )
    assert f"We will reply by {in_words(stored.case.stage1_due)}." in page.text
    assert "within 10 working days" not in page.text
    assert (
        f"The advocacy service should get in touch by {in_words(stored.case.advocacy_due_on)}."
        in (page.text)
    )


def test_a_request_for_an_advocate_gives_the_date_the_service_should_get_in_touch(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "advocacy")
    journey.fill(answers_for("advocacy", "child"))
    page = journey.send_and_confirm()
    stored = only_submission()
    assert (
        f"The advocacy service should get in touch by {in_words(stored.case.advocacy_due_on)}."
        in (page.text)
    )
    assert "We will reply by" not in page.text


def test_a_representation_promises_no_stage_it_does_not_have(client: FlaskClient) -> None:
    journey = Journey(client, "representation")
    journey.fill(answers_for("representation", "parent", advocate={"advocacy": "declined"}))
    page = journey.send_and_confirm()
    stored = only_submission()
    assert f"by {in_words(stored.acknowledge_by)}" in page.text
    assert "We will reply by" not in page.text
    assert "The law says" not in page.text
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    )
    text, _html = outbox.render(message)  # as the worker will send it
    assert "next stage" not in text
    assert "This is not a formal complaint, but you can make one at any time." in text


@pytest.mark.parametrize(
    ("jurisdiction", "ombudsman"),
    [
        ("england", "Local Government and Social Care Ombudsman"),
        ("wales", "Public Services Ombudsman for Wales"),
    ],
)
def test_a_complaint_under_the_corporate_procedure_is_not_promised_someone_independent(
    app: Flask, client: FlaskClient, smtp: SmtpServer, jurisdiction: str, ombudsman: str
) -> None:
    """A child protection decision goes to the council's corporate procedure, whose
    stage 2 is a senior manager looking again, as its stage 1 response letter says; its
    acknowledgement promised "someone independent looks into it"."""
    sending_to(app, smtp, JURISDICTION=jurisdiction)
    routing_rules.load_demo_rules()
    journey = Journey(client, "complaint")
    what = "The Child Protection Conference got the facts about us wrong."
    journey.fill(
        answers_for(
            "complaint",
            "parent",
            what_happened={"what_happened": what, "when_it_happened": "not_sure"},
        )
    )
    journey.send_and_confirm()
    assert only_submission().case.procedure == "corporate"
    deliver()

    (acknowledgement,) = smtp.inbox.to("alex@example.com")
    for text in (acknowledgement.text, squash(html.unescape(acknowledgement.html))):
        assert "independent" not in text
        assert "a senior manager looks at it again" in text
        assert ombudsman in text


def test_a_welsh_confirmation_gives_its_dates_in_welsh(client: FlaskClient, app: Flask) -> None:
    app.config["WELSH_ENABLED"] = True
    client.get("/?lang=cy")
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    page = journey.send_and_confirm()
    stored = only_submission()
    assert stored.language == "cy"
    with app.test_request_context("/?lang=cy"):
        from flask_babel import force_locale

        from portal.i18n import long_date

        with force_locale("cy"):
            reply_by, advocate_by = (
                long_date(stored.case.stage1_due),
                long_date(stored.case.advocacy_due_on),
            )
    assert reply_by in page.text and advocate_by in page.text
    assert in_words(stored.case.stage1_due) not in page.text


# --- who it is about, in a child's words ---------------------------------------------------


CHILD_CHOICES = {
    "social_worker": "My social worker",
    "foster_carer": "My foster carer",
    "where_i_live": "Where I live, like a children's home",
    "leaving_care": "Help with leaving care, like my personal adviser",
    "something_else": "Someone or something else",
    "not_sure": "I'm not sure",
}


def test_a_child_is_asked_who_it_is_about_in_a_childs_words_not_the_councils_services(
    client: FlaskClient,
) -> None:
    page = reach(
        Journey(client, "complaint"), answers_for("complaint", "child"), "what-it-is-about"
    )
    assert page.title.startswith("Who is it about?")
    assert labels(page, "about") == list(CHILD_CHOICES.values())
    assert radio_values(page, "team") == []
    for service in ("Children in care", "Fostering", "A social worker helping a family"):
        assert service not in page.text
    adult = reach(
        Journey(client, "representation"),
        answers_for("representation", "parent"),
        "what-it-is-about",
    )
    assert "Children in care" in labels(adult, "team")


@pytest.mark.parametrize(
    ("about", "age", "team"),
    [
        ("foster_carer", "12", "Fostering"),
        ("where_i_live", "12", "Looked After Children"),
        ("leaving_care", "19", "Leaving Care"),
        ("social_worker", "12", "First Response / Referral and Assessment"),
        ("not_sure", "12", "First Response / Referral and Assessment"),
    ],
)
def test_a_childs_answer_points_the_case_to_a_team_that_staff_see_with_the_childs_words(
    app: Flask, client: FlaskClient, about: str, age: str, team: str
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for("complaint", "child", what_it_is_about={"about": about}, your_age={"age": age})
    )
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.team is not None and stored.team.name == team
    shown = summary(case_page(staff(app), stored.reference))
    assert shown["The child said it is about"] == CHILD_CHOICES[about]
    assert shown["Team"] == team


def test_the_routing_rules_still_route_a_childs_case(app: Flask, client: FlaskClient) -> None:
    routing_rules.load_demo_rules()
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint",
            "child",
            what_it_is_about={"about": "foster_carer"},
            your_age={"age": "17"},
        )
    )
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.about_team_id == team_id("Fostering")  # the child's words pointed here
    assert stored.team.name == "Leaving Care"  # the age rule wins, as for anyone
    assert stored.case.routing_reason == "Young people aged 16 to 25 go to leaving care"


# --- is it safe to phone, leave a voicemail or write ---------------------------------------


@pytest.mark.parametrize("role", ["child", "parent", "professional", "advocate"])
def test_everyone_is_asked_what_is_safe(client: FlaskClient, role: str) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", role)
    page = reach(journey, answers, "contact")
    assert radio_values(page, "safe_to_contact") == ["phone", "voicemail", "letters", "none"]
    missing = page_of(journey.post("contact", {**answers["contact"], "safe_to_contact": []}))
    expected = (
        "Tick what is safe for us to do, or none of these are safe"
        if role == "child"
        else "Select what is safe for us to do, or none of these are safe"
    )
    assert ("#safe_to_contact", expected) in missing.error_summary


@pytest.mark.parametrize(
    ("contact", "error"),
    [
        (
            {"contact_preference": "phone", "phone": "07700 900982", "safe_to_contact": "letters"},
            "You asked us to phone you: select phone you, or choose another way to contact you",
        ),
        (
            {
                "contact_preference": "post",
                "address": "1 High Street",
                "postcode": "NM1 1AA",
                "safe_to_contact": "phone",
            },
            "You asked us to write to you: select send letters, or choose another way to "
            "contact you",
        ),
        (
            {
                "contact_preference": "email",
                "email": "a@example.com",
                "safe_to_contact": ["phone", "none"],
            },
            "Select what is safe for us to do, or select none of these are safe",
        ),
        (
            {
                "contact_preference": "email",
                "email": "a@example.com",
                "safe_to_contact": "voicemail",
            },
            "We can only leave a voicemail if we can phone you: select phone you too",
        ),
    ],
    ids=[
        "phone but not safe to phone",
        "post but not safe to write",
        "none and a way",
        "voicemail only",
    ],
)
def test_answers_that_contradict_each_other_are_asked_again(
    client: FlaskClient, contact: Answers, error: str
) -> None:
    journey = Journey(client, "complaint")
    reach(journey, answers_for("complaint", "parent"), "contact")
    page = page_of(journey.post("contact", {"name": "Pat", **contact}))
    assert page.error_summary == [("#safe_to_contact", error)]
    assert page.inline_errors["safe_to_contact"] == error


def a_journey_by_phone(client: FlaskClient, safe: list[str]) -> Submission:
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint",
            "parent",
            contact={
                "name": "Pat Parent",
                "contact_preference": "phone",
                "phone": "07700 900982",
                "safe_to_contact": safe,
            },
        )
    )
    journey.send_and_confirm()
    return only_submission()


def test_staff_see_do_not_phone_voicemail_or_letters_beside_the_contact_details(
    app: Flask, client: FlaskClient
) -> None:
    stored = a_journey_by_phone(client, ["phone"])
    assert (stored.safe_to_phone, stored.safe_to_leave_voicemail, stored.safe_to_send_letters) == (
        True,
        False,
        False,
    )
    page = case_page(staff(app), stored.reference)
    assert "Do not leave voicemail. Do not send letters. They told us it is not safe." in page.text
    assert summary(page)["Safe to contact"] == "Do not leave voicemail Do not send letters"
    assert "Do not phone" not in page.text
    # The task to acknowledge says the one safe way, and offers no letter to print.
    (task,) = tasks_of(stored.reference)
    assert task.description == (
        f"Acknowledge by phone by {in_words(stored.acknowledge_by)} "
        "(do not leave voicemail, do not send letters)"
    )
    assert "Print the acknowledgement letter" not in page.text


def test_a_case_from_before_the_question_says_it_was_not_asked(app: Flask) -> None:
    case = new_complaint(email=None)
    page = case_page(staff(app), case.reference)
    assert (
        summary(page)["Safe to contact"] == "Not asked: check with them before you phone or write"
    )


def test_the_acknowledgement_letter_for_someone_letters_are_not_safe_for_is_not_addressed(
    app: Flask, client: FlaskClient
) -> None:
    stored = a_journey_by_phone(client, ["phone", "voicemail"])
    letter = look(staff(app), f"/staff/cases/{stored.reference}/acknowledgement-letter")
    assert "Do not send letters: they told us it is not safe. Do not post this." in letter.text
    assert letter.find_all("address")[-1].text != "Pat Parent"  # only the council's address
    assert len(letter.find_all("address")) == 1


def with_safety(case: Submission, *, phone: bool, voicemail: bool, letters: bool) -> str:
    case.safe_to_phone, case.safe_to_leave_voicemail, case.safe_to_send_letters = (
        phone,
        voicemail,
        letters,
    )
    db.session.commit()
    reference = case.reference
    db.session.remove()
    return reference


def message_sent(manager: FlaskClient, reference: str) -> Page:
    """Staff write to the complainant from the case; the case page as it then is."""
    save(
        manager,
        f"/staff/cases/{reference}/message",
        {"to": ["complainant"], "subject": "Your meeting", "body": "See you on Friday."},
    )
    return case_page(manager, reference)


def test_a_message_to_someone_letters_are_not_safe_for_is_phoned_not_posted(
    app: Flask,
) -> None:
    reference = with_safety(new_complaint(email=None), phone=True, voicemail=False, letters=False)
    manager = staff(app)
    page = message_sent(manager, reference)
    assert "By phone" in page.text
    assert (
        "Phone the complainant to tell them about it (do not leave voicemail, do not send "
        "letters): Your meeting." in page.text
    )
    assert "Send by post" not in page.text
    # The tracking page does not tell them it is in the post.
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    link = correspondence.new_tracking_url(case)
    db.session.commit()
    tracking = page_of(app.test_client().get(urlsplit(link).path))
    assert "We will phone you about this." in tracking.text
    assert "We are sending this by post." not in tracking.text


def test_when_no_safe_way_is_left_the_task_says_so_and_nothing_is_posted(app: Flask) -> None:
    reference = with_safety(new_complaint(email=None), phone=False, voicemail=False, letters=False)
    manager = staff(app)
    page = message_sent(manager, reference)
    assert (
        "Not sent: NO SAFE WAY to reach them (no email address, do not phone, do not send "
        "letters). Agree a safe way with the complaints manager: Your meeting." in page.text
    )
    assert "Not sent" in page.text and "By post" not in page.text
    (item,) = db.session.scalars(sa.select(Correspondence))
    assert item.how == "none"


def test_the_acknowledgement_task_says_when_no_safe_way_is_left(app: Flask) -> None:
    case = intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.PARENT,
            name="Pat Parent",
            contact_preference=ContactPreference.PHONE,
            phone="07700 900982",
            what_happened="Nobody came.",
            safety=contact_safety.ContactSafety(phone=False, voicemail=False, letters=False),
        ),
        now=received_at(date(2025, 12, 19)),
    )
    (task,) = tasks_of(case.reference)
    assert task.description == (
        "Acknowledge by Wednesday 24 December 2025: NO SAFE WAY to reach them (no email "
        "address, do not phone, do not send letters). Agree a safe way with the complaints "
        "manager, for example through their advocate or a professional they named"
    )


def decide(client: FlaskClient, url: str, decision: str) -> Page:
    """The approver's choice, made on the letter's page (its form posts to /decision)."""
    page = look(client, url)
    version = next(
        e.attrs["value"] for e in page.find_all("input") if e.attrs.get("name") == "version"
    )
    response = client.post(
        f"{url}/decision",
        data={"csrf_token": page.csrf_token, "version": version, "decision": decision},
    )
    return read(response) if response.status_code != 302 else look(client, response.location)


def test_a_response_letter_is_never_approved_for_the_post_to_someone_letters_are_not_safe_for(
    app: Flask,
) -> None:
    caseworker = browser(app)
    sign_in(caseworker, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    approver = browser(app)
    sign_in(approver, make_staff(Role.MANAGER, email="approver@council.example"))
    reference = with_safety(
        new_complaint(email=None, when=received_at(date(2025, 12, 19))),
        phone=True,
        voicemail=True,
        letters=False,
    )
    move(caseworker, reference, "accept", date(2025, 12, 22))
    save(
        caseworker,
        f"/staff/cases/{reference}/points",
        {"stage": "1", "summary": "Nobody came.", "outcome": "upheld"},
    )
    move(caseworker, reference, "respond_stage1", date(2026, 1, 7), outcome="upheld", ex_gratia="")
    url = f"/staff/cases/{reference}/response-letters/1"
    drafted = look(caseworker, url)
    save(
        caseworker,
        url,
        {
            "subject": drafted.value_of("subject"),
            "body": drafted.value_of("body"),
            "action": "submit",
        },
    )
    letter = look(approver, url)
    assert "Do not send letters: they told us it is not safe." in letter.text

    refused = decide(approver, url, "post")
    assert refused.error_summary[0][1] == (
        "They told us it is not safe to send them letters, so do not post it. Send it by "
        "email, or approve it for printing to give to them in person"
    )
    approved = decide(approver, url, "in_person")
    assert "Print it and give it to them in person. Do not post it." in approved.notification_banner
    printed = look(approver, f"{url}/print")
    assert "Do not post this." in printed.text
    assert len(printed.find_all("address")) == 1  # the council's, not theirs
    page = case_page(caseworker, reference)
    assert "In person" in page.text
    # Nothing anywhere says to post anything to them: what they are told after the
    # response (sent before the letter was written) is a phone call.
    assert [
        t.description.split(" (")[0] for t in tasks_of(reference) if t.kind == "send_by_post"
    ] == ["Phone the complainant to tell them about it"]


def test_what_is_safe_is_in_a_subject_access_export_and_goes_when_the_case_is_purged(
    app: Flask, client: FlaskClient
) -> None:
    stored = a_journey_by_phone(client, ["phone", "voicemail"])
    manager = staff(app)
    download = post_form(
        manager,
        "/staff/subject-access",
        {"reference": stored.reference, "email": "", "format": "json"},
    )
    (held,) = json.loads(download.get_data(as_text=True))["cases"]
    assert (
        held["safe_to_phone"],
        held["safe_to_leave_voicemail"],
        held["safe_to_send_letters"],
    ) == (
        True,
        True,
        False,
    )
    # What was safe says something about their home: it goes with the rest.
    case = db.session.get(Submission, stored.id)
    assert case is not None
    for name, value in retention.CLEARED.items():
        setattr(case, name, value)
    db.session.commit()
    db.session.expire_all()
    purged = db.session.get(Submission, stored.id)
    assert purged is not None and not purged.contact_safety.asked


# --- in Welsh ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["child", "parent"])
def test_what_an_advocate_does_and_every_answer_that_is_asked_again_are_in_welsh(
    app: Flask, client: FlaskClient, role: str
) -> None:
    from test_welsh import Words, read, untranslated

    app.config["WELSH_ENABLED"] = True
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", role, advocate={"advocacy": "already_has_one"})
    reach(journey, answers, "advocate")
    journey.post("advocate", {"advocacy": "not_sure"})
    more = "/make-a-complaint/advocate?more=yes"
    problems = {"more": untranslated(app, read(client, more, "en"), read(client, more, "cy"))}
    client.post(more, data={"advocacy": "already_has_one", "csrf_token": journey.token})
    contradictions = [
        {"contact_preference": "phone", "phone": "07700 900982", "safe_to_contact": "letters"},
        {"contact_preference": "post", "address": "1 High St", "postcode": "NM1 1AA"},
        {
            "contact_preference": "email",
            "email": "a@example.com",
            "safe_to_contact": ["phone", "none"],
        },
        {
            "contact_preference": "advocate",
            "advocate_email": ADVOCATE_EMAIL,
            "safe_to_contact": "voicemail",
        },
    ]
    for number, contact in enumerate(contradictions):
        pages = []
        for language in ("en", "cy"):
            client.get(f"/make-a-complaint/contact?lang={language}")
            pages.append(
                Words(journey.post("contact", {"name": "Alex", **contact}).get_data(as_text=True))
            )
        assert pages[1].error_summary, contact
        problems[f"contact {number}"] = untranslated(app, pages[0], pages[1], {"Alex", "1 High St"})
    assert not any(problems.values()), problems
