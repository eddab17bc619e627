"""A person can change their mind about what they are sending without typing their
answers again: a complaint becomes "something is wrong" and back, and a request for an
advocate can be followed by a complaint."""

import pytest
from flask.testing import FlaskClient
from journey_helpers import (
    Journey,
    answers_for,
    only_submission,
    step_of,
    submissions,
)

STORY = "The contact sessions keep being cancelled."


def test_a_complaint_becomes_something_is_wrong_and_back_without_typing_again(
    client: FlaskClient,
) -> None:
    complaint = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    answers["what-happened"]["what_happened"] = STORY  # type: ignore[index]
    complaint.fill(answers)

    response = client.post("/make-a-complaint/switch", data={"csrf_token": complaint.token})
    assert response.location.endswith("/tell-us-something-is-wrong/check-answers")
    representation = Journey(client, "representation")
    shown = representation.check_answers().summary_answers
    assert shown["What is wrong"] == STORY
    assert "What would put it right" not in shown

    response = client.post(
        "/tell-us-something-is-wrong/switch", data={"csrf_token": complaint.token}
    )
    assert response.location.endswith("/make-a-complaint/check-answers")
    shown = complaint.check_answers().summary_answers
    assert shown["What happened"] == STORY
    assert shown["What would put it right"] == answers["put-it-right"]["put_right"]

    complaint.send_and_confirm()
    stored = only_submission()
    assert (stored.case.kind, stored.what_happened) == ("complaint", STORY)


def test_sending_after_switching_to_something_is_wrong_records_a_representation(
    client: FlaskClient,
) -> None:
    complaint = Journey(client, "complaint")
    complaint.fill(answers_for("complaint", "parent"))
    client.post("/make-a-complaint/switch", data={"csrf_token": complaint.token})

    confirmation = Journey(client, "representation").send_and_confirm()

    stored = only_submission()
    assert stored.case.kind == "representation"
    assert stored.reference in confirmation.text
    # Nothing is left behind as a complaint to send twice.
    assert step_of(client.get("/make-a-complaint/check-answers").location) == "who-are-you"


def test_switching_to_a_complaint_asks_only_what_a_complaint_newly_needs(
    client: FlaskClient,
) -> None:
    representation = Journey(client, "representation")
    answers = answers_for("representation", "parent")
    representation.fill(answers)

    response = client.post(
        "/tell-us-something-is-wrong/switch", data={"csrf_token": representation.token}
    )

    # A complaint needs to know what would put it right; the advocate was already offered.
    assert response.location.endswith("/make-a-complaint/put-it-right")
    complaint = Journey(client, "complaint")
    assert complaint.get("put-it-right").value_of("put_right") in (None, "")
    after = complaint.answer("put-it-right", {"put_right": "Regular contact, as agreed"})
    # Every later page already shows the person's answers: pressing Continue is enough.
    while after != "check-answers":
        after = complaint.press_continue(after)
    shown = complaint.check_answers().summary_answers
    assert shown["What would put it right"] == "Regular contact, as agreed"
    assert shown["Name"] == "Alex Morgan"
    complaint.send_and_confirm()
    stored = only_submission()
    assert (stored.case.kind, stored.advocacy_answer) == ("complaint", "accepted")
    assert stored.put_right == "Regular contact, as agreed"


def test_after_the_one_new_question_the_person_is_back_at_check_your_answers(
    client: FlaskClient,
) -> None:
    representation = Journey(client, "representation")
    representation.fill(answers_for("representation", "parent"))
    client.post("/tell-us-something-is-wrong/switch", data={"csrf_token": representation.token})

    complaint = Journey(client, "complaint")
    assert complaint.answer("put-it-right", {"put_right": "An apology"}) == "check-answers"


def test_a_request_for_an_advocate_can_be_followed_by_a_complaint_keeping_the_answers(
    client: FlaskClient,
) -> None:
    advocacy = Journey(client, "advocacy")
    answers = answers_for("advocacy", "parent")
    answers["what-happened"] = {
        "what_happened": "Sam wants help to say he wants to see his dad.",
        "also_complain": "yes",
    }
    advocacy.fill(answers)
    confirmation = advocacy.send_and_confirm()
    assert only_submission().advocacy_answer == "requested"

    # The confirmation offers the complaint, starting at what it is about.
    start = confirmation.link_to("Make your complaint")
    response = client.get(start)
    assert response.status_code == 200, f"sent to {response.location} instead"
    assert step_of(start) == "what-it-is-about"

    complaint = Journey(client, "complaint")
    # What the person already told us is there, not asked for again.
    assert complaint.get("who-are-you").value_of("role") == "parent"
    assert complaint.get("about-the-child").value_of("child_name") == "Sam Taylor"
    assert complaint.get("contact").value_of("email") == "alex@example.com"
    # Only the complaint's own questions need typing.
    new_answers = answers_for("complaint", "parent")
    step = "what-it-is-about"
    typed = []
    while step != "check-answers":
        if step in ("what-it-is-about", "what-happened", "put-it-right", "advocate"):
            typed.append(step)
            step = complaint.answer(step, new_answers[step])
        else:
            step = complaint.press_continue(step)
    assert typed == ["what-it-is-about", "what-happened", "put-it-right", "advocate"]

    complaint.send_and_confirm()
    first, second = submissions()
    assert (first.case.kind, second.case.kind) == ("advocacy", "complaint")
    assert second.child_name == first.child_name == "Sam Taylor"
    assert second.submitter_name == first.submitter_name
    assert second.reference != first.reference


@pytest.mark.parametrize("choice", ["no", "already"])
def test_a_request_for_an_advocate_alone_offers_no_complaint(
    client: FlaskClient, choice: str
) -> None:
    advocacy = Journey(client, "advocacy")
    answers = answers_for("advocacy", "child")
    answers["what-happened"] = {"what_happened": "I want an advocate.", "also_complain": choice}
    advocacy.fill(answers)

    confirmation = advocacy.send_and_confirm()

    assert "Make your complaint" not in [a.text for a in confirmation.find_all("a")]
    assert step_of(client.get("/make-a-complaint/what-it-is-about").location) == "who-are-you"


def test_a_compliment_stays_a_compliment_if_asked_to_switch(client: FlaskClient) -> None:
    journey = Journey(client, "compliment")
    journey.fill(answers_for("compliment", "parent"))

    client.post("/give-a-compliment/switch", data={"csrf_token": journey.token})

    journey.send_and_confirm()
    assert only_submission().case.kind == "compliment"


def test_a_child_who_hands_over_to_a_parent_is_asked_again_only_what_no_longer_fits(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child", advocate={"advocacy": "already_has_one"})
    answers["contact"] = {
        "name": "Sam",
        "contact_preference": "advocate",
        "advocate_name": "Jo Advocate",
        "advocate_email": "jo@advocacy.example",
        "safe_to_contact": "none",
    }
    journey.fill(answers)

    # Now a parent: who are you, changed from check your answers.
    response = client.post(
        "/make-a-complaint/who-are-you?change=yes",
        data={"role": "parent", "csrf_token": journey.token},
    )
    assert step_of(response.location) == "check-answers"
    adult = answers_for("complaint", "parent")
    for step in ("about-the-child", "the-childs-views"):
        journey.answer(step, adult[step])

    # The child said who it was about in a child's words: the parent chooses the service.
    response = client.get("/make-a-complaint/check-answers")
    assert response.status_code == 302
    assert step_of(response.location) == "what-it-is-about"
    journey.answer("what-it-is-about", adult["what-it-is-about"])
    # "Through my advocate" is a child's choice: the parent is asked how to contact them.
    response = client.get("/make-a-complaint/check-answers")
    assert step_of(response.location) == "contact"
    assert journey.get("contact").value_of("contact_preference") is None
    journey.answer("contact", adult["contact"])

    journey.check_answers()
    journey.send_and_confirm()
    stored = only_submission()
    assert (stored.submitter_role, stored.contact_preference) == ("parent", "email")
    assert stored.advocate_email is None
