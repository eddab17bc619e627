"""Check your answers says each answer in a few words (the GOV.UK pattern: "Name",
"Email address", not the whole question), and shows only the answers that still apply:
a box revealed by one choice (the email address under "Email", the language under "An
interpreter") is dropped when the person chooses something else, from the summary and
from what is sent and stored, so staff never see a stale answer."""

from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser, case_page, sign_in_as_manager, summary
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import SAFE_EVERY_WAY, Journey, answers_for, only_submission, team_id

from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db
from portal.fields import AskedToCheck
from portal.models import Submission, Team
from portal.public.forms import FORMS
from portal.public.journey import SUMMARY_LABELS, build_form, summary_label

PHONE = {
    "name": "Alex Morgan",
    "contact_preference": "phone",
    "phone": "07700 900 982",
    "safe_to_contact": SAFE_EVERY_WAY,
}


def changed(journey: Journey, step: str, answers: dict[str, Any]) -> dict[str, str]:
    """Change one page's answers from check your answers; the summary that follows."""
    response = journey.client.post(
        f"{journey.url(step)}?change=yes", data={"csrf_token": journey.token, **answers}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert response.location.endswith("/check-answers"), response.location
    return journey.check_answers().summary_answers


# --- short labels -------------------------------------------------------------------------


def test_each_row_is_labelled_in_a_few_words_not_with_the_whole_question(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    shown = journey.check_answers().summary_answers

    assert list(shown) == [
        "Who you are",
        "In danger now",
        "Child's name",
        "Child's date of birth",
        "Child knows and agrees",
        "How the child wants to hear",
        "Service",
        "What happened",
        "When it happened",
        "Date it happened",
        "What would put it right",
        "Advocate",
        "Name",
        "How to contact you",
        "Email address",
        "Safe ways to contact you",
        "Help to talk to us",
    ]
    assert shown["Name"] == "Alex Morgan"
    assert shown["Email address"] == "alex@example.com"


def test_the_change_link_names_the_answer_for_screen_readers(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    links = [a.text for a in journey.check_answers().find_all("a") if a.text.startswith("Change")]

    assert "Change email address" in links
    assert "Change what happened" in links


@pytest.mark.parametrize(
    ("kind", "role", "label"),
    [
        ("representation", "parent", "What is wrong"),
        ("compliment", "parent", "What you want to tell us"),
        ("advocacy", "parent", "What you want help with"),
        ("complaint", "child", "What happened"),
    ],
)
def test_what_was_written_is_labelled_for_what_is_being_sent(
    client: FlaskClient, kind: str, role: str, label: str
) -> None:
    journey = Journey(client, kind)
    answers = answers_for(kind, role)
    journey.fill(answers)

    shown = journey.check_answers().summary_answers

    assert shown[label] == answers["what-happened"]["what_happened"]


def test_the_short_labels_are_in_welsh(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    client.get(journey.url("check-answers") + "?lang=cy")
    shown = journey.check_answers().summary_answers

    assert "Enw" in shown
    assert "Cyfeiriad e-bost" in shown
    assert "Beth ddigwyddodd" in shown
    assert "Name" not in shown


def test_every_question_has_a_short_label_for_check_your_answers(app: Flask) -> None:
    with app.test_request_context():
        forms = [
            build_form(step, kind, role)
            for step in FORMS
            for kind in Kind
            for role in SubmitterRole
        ]
        names = {
            name
            for form in forms
            for name, field in form._fields.items()
            if not isinstance(field, AskedToCheck)
        }

    assert names - set(SUMMARY_LABELS) == set()


def test_an_answer_without_a_short_label_still_shows_its_question(app: Flask) -> None:
    with app.test_request_context():
        form = build_form("who-are-you", Kind.COMPLAINT, None)
        assert summary_label(form, "no_such_field", "How are you?") == "How are you?"


# --- answers that no longer apply ---------------------------------------------------------


def test_switching_from_email_to_phone_drops_the_email_from_the_summary_the_case_and_staffs_view(
    client: FlaskClient, app: Flask
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    # The email address is still in its box, under the choice they no longer make.
    shown = changed(journey, "contact", {**PHONE, "email": "alex@example.com"})

    assert "Email address" not in shown
    assert "alex@example.com" not in shown.values()
    assert shown["Phone number"] == "07700 900 982"
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.email is None
    assert "email" not in stored.answers["contact"]
    assert stored.phone == "07700 900 982"

    staff = browser(app)
    sign_in_as_manager(staff)
    page = case_page(staff, stored.reference)
    rows = summary(page)
    assert "Email" not in rows
    assert "alex@example.com" not in page.html
    assert "No email address" in page.text


def test_an_email_address_left_wrong_under_email_does_not_stop_someone_who_chose_phone(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    shown = changed(journey, "contact", {**PHONE, "email": "alex@"})

    assert "Email address" not in shown


def test_a_phone_number_is_dropped_when_they_choose_post(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent", contact=PHONE))

    shown = changed(
        journey,
        "contact",
        {
            **PHONE,
            "contact_preference": "post",
            "address": "2 Mill Lane, Northmoor",
            "postcode": "NM1 2AB",
        },
    )

    assert "Phone number" not in shown
    assert shown["Address"] == "2 Mill Lane, Northmoor"
    journey.send_and_confirm()
    stored = only_submission()
    assert (stored.phone, stored.email, stored.postcode) == (None, None, "NM1 2AB")


def test_the_interpreters_language_is_dropped_when_no_interpreter_is_wanted(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for(
        "complaint", "parent", support={"support": "interpreter", "interpreter_language": "Polish"}
    )
    journey.fill(answers)
    assert journey.check_answers().summary_answers["Language"] == "Polish"

    shown = changed(
        journey,
        "support",
        {
            "support": ["large_print", "other"],
            "interpreter_language": "Polish",
            "other_support": "Letters on yellow paper",
        },
    )

    assert "Language" not in shown
    assert "Polish" not in shown.values()
    assert shown["Other help"] == "Letters on yellow paper"
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.interpreter_language is None
    assert stored.other_support == "Letters on yellow paper"
    assert "interpreter_language" not in stored.answers["support"]


def test_other_help_is_dropped_when_something_else_is_no_longer_ticked(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint", "parent", support={"support": "other", "other_support": "A quiet room"}
        )
    )

    shown = changed(journey, "support", {"support": "none", "other_support": "A quiet room"})

    assert "Other help" not in shown
    journey.send_and_confirm()
    assert only_submission().other_support is None


def test_a_professionals_organisation_is_dropped_when_they_say_they_are_a_parent(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "professional"))
    assert journey.check_answers().summary_answers["Organisation"] == "Northmoor Academy"

    shown = changed(journey, "who-are-you", {"role": "parent"})

    assert "Organisation" not in shown
    assert "Where you work" not in shown
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.organisation is None
    assert "your-organisation" not in stored.answers


def test_where_a_professional_works_is_dropped_when_they_say_they_are_an_advocate(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "professional"))
    assert journey.check_answers().summary_answers["Where you work"] == "A school or college"

    shown = changed(journey, "who-are-you", {"role": "advocate"})

    assert "Where you work" not in shown
    assert shown["Organisation"] == "Northmoor Academy"
    journey.send_and_confirm()
    assert "professional_type" not in only_submission().answers["your-organisation"]


def test_a_childs_own_age_is_dropped_when_the_person_says_they_are_a_parent(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child", your_age={"age": "15"})
    journey.fill(answers)

    response = journey.client.post(
        journey.url("who-are-you") + "?change=yes",
        data={"csrf_token": journey.token, "role": "parent"},
    )
    assert response.status_code == 302
    parents = answers_for("complaint", "parent")
    journey.fill(parents, start="about-the-child")
    # A child is asked who it is about in their own words; a parent, which service: the
    # parent's question is asked before their answers are checked.
    asked_again = journey.client.get(journey.url("check-answers"))
    assert asked_again.location.endswith("/what-it-is-about")
    journey.fill(parents, start="what-it-is-about")
    shown = journey.check_answers().summary_answers

    assert "Your age" not in shown
    journey.send_and_confirm()
    stored = only_submission()
    assert "your-age" not in stored.answers
    assert stored.child_age is None


def test_the_answers_follow_the_language_back_and_forth(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    english = journey.check_answers().summary_answers
    client.get(journey.url("check-answers") + "?lang=cy")
    welsh = journey.check_answers().summary_answers
    client.get(journey.url("check-answers") + "?lang=en")

    assert "Name" in english and "Enw" in welsh and "Name" not in welsh
    assert journey.check_answers().summary_answers == english


def test_send_checks_every_answer_again_not_only_the_page_shown(
    app: Flask, client: FlaskClient
) -> None:
    """Check your answers shows the answers as they were checked; a team closed since
    is found when Send is pressed, and the person is asked again, with nothing sent."""
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    assert "Children in care" in journey.check_answers().summary_answers.values()

    with app.app_context():
        team = db.session.get(Team, int(team_id("Children in care")))
        assert team is not None
        team.is_active = False
        db.session.commit()
    response = journey.send()

    assert response.status_code == 302
    assert response.location.endswith("/make-a-complaint/what-it-is-about")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_send_reads_the_answers_not_the_rows_kept_for_showing_them(
    app: Flask, client: FlaskClient
) -> None:
    """The rows kept for check your answers (as long as the answers again, in each
    language shown) are not what Send checks: its draft is read without them, and the
    case is made from the answers."""
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    journey.check_answers()
    client.get(journey.url("check-answers") + "?lang=cy")
    client.get(journey.url("check-answers") + "?lang=en")
    read: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        read.extend([statement] if statement.lstrip().startswith("SELECT") else [])

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        journey.send_and_confirm()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)

    draft_read = [statement for statement in read if "FROM drafts" in statement]
    assert draft_read and "drafts.answers" in draft_read[0]
    assert not any("drafts.checked" in statement for statement in read)
    with app.app_context():
        assert (
            only_submission().answers["contact"]["name"]
            == answers_for("complaint", "parent")["contact"]["name"]
        )
