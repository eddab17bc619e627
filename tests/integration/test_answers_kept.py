"""Nothing a person types is lost: not on a validation error, not with the back button
or a reload, and not when their session ends while they are typing."""

from datetime import timedelta

import sqlalchemy as sa
from flask.testing import FlaskClient
from journey_helpers import (
    Journey,
    answers_for,
    page_of,
    step_of,
    submissions,
    team_id,
)

from portal.database import utcnow
from portal.extensions import db
from portal.models import Draft

STORY = "My son's social worker\nhas not visited since March. £20 & a promise."


def test_what_was_typed_is_shown_again_after_a_validation_error(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    page = page_of(
        journey.post(
            "what-happened",
            {"what_happened": STORY, "event_date": ["31", "2", "2020"]},
        )
    )

    assert page.error_summary, "the page should say what is wrong"
    assert page.value_of("what_happened") == STORY
    assert page.value_of("event_date") == ["31", "2", "2020"]


def test_a_bad_email_is_shown_again_with_the_way_to_contact_still_chosen(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    page = page_of(
        journey.post(
            "contact", {"name": "Alex Morgan", "contact_preference": "email", "email": "alex@"}
        )
    )

    assert page.value_of("name") == "Alex Morgan"
    assert page.value_of("contact_preference") == "email"
    assert page.value_of("email") == "alex@"


def test_the_back_button_shows_each_earlier_answer(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    answers["what-happened"]["what_happened"] = STORY  # type: ignore[index]
    journey.fill(answers)

    assert journey.get("who-are-you").value_of("role") == "parent"
    about = journey.get("about-the-child")
    assert about.value_of("child_name") == "Sam Taylor"
    assert about.value_of("child_date_of_birth") == ["14", "3", "2012"]
    assert journey.get("what-it-is-about").value_of("team") == team_id()
    assert journey.get("what-happened").value_of("what_happened") == STORY
    assert journey.get("support").value_of("support") == "none"


def test_the_back_link_on_each_page_goes_to_the_page_before(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    asked = journey.fill(answers_for("complaint", "parent"))

    for earlier, later in zip(asked, asked[1:], strict=False):
        back = journey.get(later).find_all("a", "govuk-back-link")[0].attrs["href"]
        assert step_of(back) == earlier
    back = journey.check_answers().find_all("a", "govuk-back-link")[0].attrs["href"]
    assert step_of(back) == asked[-1]


def test_a_reload_after_an_error_keeps_what_was_typed(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    journey.post("put-it-right", {"put_right": "x" * 3001})

    reloaded = journey.get("put-it-right")

    assert reloaded.value_of("put_right") == "x" * 3001


def test_a_reload_of_an_answered_page_keeps_the_answer(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "child"})
    journey.answer("your-age", {"age": "15"})

    assert journey.get("your-age").value_of("age") == "15"
    assert journey.get("your-age").value_of("age") == "15"


def test_an_answer_typed_after_the_session_ended_is_kept_and_the_person_is_told(
    client: FlaskClient,
) -> None:
    # A browser whose session has gone: no cookie, so no valid token either.
    typed = {
        "what_happened": STORY,
        "when_it_happened": "last_month",
        "event_date": ["", "", ""],
        "csrf_token": "a-token-from-a-session-that-has-ended",
    }
    response = client.post("/make-a-complaint/what-happened", data=typed)

    assert response.status_code == 302
    assert step_of(response.location) == "who-are-you"
    first = page_of(client.get(response.location))
    assert "You were away for a while" in first.notification_banner
    assert submissions() == []

    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    page = journey.get("what-happened")
    assert page.value_of("what_happened") == STORY
    assert page.value_of("when_it_happened") == "last_month"


def test_an_answer_posted_with_no_token_at_all_is_kept_too(client: FlaskClient) -> None:
    response = client.post("/make-a-complaint/put-it-right", data={"put_right": "Say sorry"})
    assert step_of(response.location) == "who-are-you"

    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    assert journey.get("put-it-right").value_of("put_right") == "Say sorry"


def test_sending_without_a_session_sends_nothing_and_says_the_session_ended(
    client: FlaskClient,
) -> None:
    response = client.post("/make-a-complaint/check-answers", data={"csrf_token": "stale"})

    assert response.status_code == 400
    assert "Your session has ended" in page_of(response).headings
    assert submissions() == []


def test_sending_with_a_token_but_no_answers_sends_nothing(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    response = journey.send()

    assert response.status_code == 400
    assert submissions() == []


def test_an_expired_draft_is_never_shown_and_what_is_typed_next_is_kept(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    db.session.execute(sa.update(Draft).values(updated_at=utcnow() - timedelta(hours=25)))
    db.session.commit()

    assert journey.get("who-are-you").value_of("role") is None

    response = journey.post("put-it-right", {"put_right": "A new social worker"})
    assert step_of(response.location) == "who-are-you"
    assert "You were away for a while" in page_of(client.get(response.location)).notification_banner
    journey.answer("who-are-you", {"role": "parent"})
    assert journey.get("put-it-right").value_of("put_right") == "A new social worker"
