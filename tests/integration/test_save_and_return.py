"""Save and come back later: the person gets a one-time link by email, answers their own
question (or a code we email) before any answer is shown again, and nobody with only the
link, or only the browser, sees what they wrote."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser as own_browser
from backoffice_helpers import errors_shown_twice
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, Page, answers_for, only_submission, page_of, step_of

from portal.database import utcnow
from portal.extensions import db
from portal.models import Attachment, Draft, OutboxMessage
from portal.services import outbox
from portal.services.common import hash_secret

WHAT_HAPPENED = "Nobody came to the review meeting."
QUESTION = "What was the name of your first pet?"
ANSWER = "Biscuit the Dog"


def answer_up_to(journey: Journey, stop_at: str) -> dict:
    """Answer each page the portal asks for until it asks `stop_at`."""
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != stop_at:
        step = journey.answer(step, answers[step])
    return answers


def press_save_and_come_back_later(journey: Journey, step: str, answers: dict) -> str:
    response = journey.post(step, {**answers, "save-and-return": "yes"})
    assert response.status_code == 302, page_of(response).error_summary
    return response.location


def save_with(journey: Journey, **fields: str) -> Page:
    data = {"email": "alex@example.com", "question": "first_pet", "answer": ANSWER} | fields
    response = journey.client.post(
        journey.url("save-for-later"), data={"csrf_token": journey.token, **data}
    )
    return page_of(response)


def saved_part_way(journey: Journey) -> None:
    """Answer up to what happened, then save and come back later from that page."""
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])
    page = save_with(journey)
    assert page.status == 200 and "Your answers are saved" in page.text


@dataclass
class Queued:
    """A message waiting in the outbox, with the words the worker will send."""

    recipient: str
    subject: str
    text_body: str
    html_body: str


def emails(purpose: str) -> list[Queued]:
    db.session.expire_all()
    return [
        Queued(m.recipient, m.subject, *outbox.render(m))
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.purpose == purpose)
            .order_by(OutboxMessage.id)
        )
    ]


def link_in_email() -> str:
    (message,) = emails("save_return_link")
    found = re.search(r"https?://\S+(/continue/[\w-]+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


def the_saved_draft() -> Draft | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Draft).where(Draft.saved_until.is_not(None)))


def another_browser(app: Flask) -> FlaskClient:
    """Another person's browser, with a request context of its own (see OwnContextClient)."""
    return own_browser(app)


def answer_the_question(browser: FlaskClient, link: str, answer: str) -> tuple[int, str, Page]:
    token = page_of(browser.get(link)).csrf_token
    response = browser.post(link, data={"csrf_token": token, "answer": answer})
    return response.status_code, response.location or "", page_of(response)


# --- saving ------------------------------------------------------------------------------


def test_save_and_come_back_later_on_a_question_page_leads_to_the_save_page(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")

    location = press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])

    assert "/make-a-complaint/save-for-later" in location
    page = page_of(client.get(location))
    assert page.headings == ["Save your answers and come back later"]
    assert QUESTION in page.text


def test_saving_emails_a_link_that_carries_none_of_the_answers(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    saved_part_way(journey)

    (message,) = emails("save_return_link")
    assert message.recipient == "alex@example.com"
    assert "/continue/" in link_in_email()
    for body in (message.subject, message.text_body, message.html_body):
        assert WHAT_HAPPENED not in body
        assert "Sam Taylor" not in body
        assert ANSWER.lower() not in body.lower()


def test_after_saving_the_same_browser_no_longer_shows_the_answers(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    saved_part_way(journey)

    response = client.get(journey.url("what-happened"))

    assert response.status_code == 302
    assert step_of(response.location) == "who-are-you"
    start = journey.get("who-are-you")
    assert start.value_of("role") is None
    assert WHAT_HAPPENED not in start.html


def test_someone_with_only_the_link_sees_the_question_and_not_the_answers(
    client: FlaskClient, app: Flask
) -> None:
    saved_part_way(Journey(client, "complaint"))

    page = page_of(another_browser(app).get(link_in_email()))

    assert page.status == 200
    assert page.headings == ["Carry on where you left off"]
    assert QUESTION in page.text
    assert WHAT_HAPPENED not in page.html
    assert "Sam Taylor" not in page.html


def test_the_save_page_shows_its_errors_in_the_summary_and_beside_each_field(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])

    page = save_with(journey, email="", question="", answer="")

    assert page.status == 200
    shown = errors_shown_twice(page)
    assert set(shown.values()) == {
        "Enter your email address",
        "Choose a question",
        "Enter your answer",
    }
    assert emails("save_return_link") == []


def test_an_email_address_that_is_not_one_is_refused_on_the_save_page(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])

    page = save_with(journey, email="not an email")

    shown = errors_shown_twice(page)
    assert list(shown) == ["email"]
    assert emails("save_return_link") == []


# --- coming back ---------------------------------------------------------------------------


def test_a_wrong_answer_says_how_many_tries_are_left(client: FlaskClient, app: Flask) -> None:
    saved_part_way(Journey(client, "complaint"))

    status, _, page = answer_the_question(another_browser(app), link_in_email(), "Rex")

    assert status == 200
    assert page.error_summary == [("#answer", "That is not right. You have 4 more tries.")]
    assert page.inline_errors == {"answer": "That is not right. You have 4 more tries."}
    assert WHAT_HAPPENED not in page.html


def test_the_right_answer_in_any_case_and_spacing_carries_on_at_the_first_unanswered_question(
    client: FlaskClient, app: Flask
) -> None:
    saved_part_way(Journey(client, "complaint"))
    browser = another_browser(app)
    link = link_in_email()

    status, location, _ = answer_the_question(browser, link, "  biscuit   THE dog ")

    assert status == 302
    assert step_of(location) == "put-it-right"
    back = Journey(browser, "complaint")
    assert back.get("what-happened").value_of("what_happened") == WHAT_HAPPENED
    assert back.get("about-the-child").value_of("child_name") == "Sam Taylor"


def test_an_answer_saved_on_a_phone_is_right_typed_on_a_computer(
    client: FlaskClient, app: Flask
) -> None:
    """A phone's keyboard puts "’" for "'" and "–" for "-" as the answer is typed; back on
    a computer the person types the plain ones."""
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])
    assert (
        "Your answers are saved" in save_with(journey, answer="Biscuit\u2019s ball \u2013 red").text
    )

    status, location, _ = answer_the_question(
        another_browser(app), link_in_email(), "biscuit's ball - red"
    )

    assert status == 302
    assert step_of(location) == "put-it-right"


def test_an_answer_saved_before_answers_were_read_in_plain_characters_is_still_right(
    client: FlaskClient, app: Flask
) -> None:
    """A draft saved before kept its answer in lower case and spaces only: what was typed
    then, a phone's "’" and all, is still the answer."""
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])
    save_with(journey, answer="Biscuit\u2019s ball")
    draft = the_saved_draft()
    assert draft is not None
    draft.return_answer_hash = hash_secret("biscuit\u2019s ball")  # as it was kept before
    db.session.commit()

    status, location, _ = answer_the_question(
        another_browser(app), link_in_email(), "Biscuit\u2019s ball"
    )

    assert status == 302
    assert step_of(location) == "put-it-right"


def test_the_link_works_only_once(client: FlaskClient, app: Flask) -> None:
    saved_part_way(Journey(client, "complaint"))
    link = link_in_email()
    status, _, _ = answer_the_question(another_browser(app), link, ANSWER)
    assert status == 302

    response = another_browser(app).get(link)

    assert response.status_code == 404
    assert page_of(response).headings == ["This link does not work"]


def test_too_many_wrong_answers_delete_the_saved_answers(client: FlaskClient, app: Flask) -> None:
    saved_part_way(Journey(client, "complaint"))
    link = link_in_email()
    browser = another_browser(app)
    tries = app.config["SAVE_RETURN_MAX_TRIES"]

    for _ in range(tries - 1):
        status, _, _ = answer_the_question(browser, link, "Rex")
        assert status == 200
    status, _, page = answer_the_question(browser, link, "Rex")

    assert status == 404
    assert page.headings == ["This link does not work"]
    assert "too many wrong tries" in page.text
    assert the_saved_draft() is None
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0
    assert another_browser(app).get(link).status_code == 404


def test_a_code_sent_by_email_lets_the_person_carry_on(client: FlaskClient, app: Flask) -> None:
    saved_part_way(Journey(client, "complaint"))
    link = link_in_email()
    browser = another_browser(app)
    token = page_of(browser.get(link)).csrf_token

    response = browser.post(link, data={"csrf_token": token, "send-code": "yes"})
    assert response.status_code == 302
    code_page = page_of(browser.get(response.location))
    assert "We have emailed you a code." in code_page.notification_banner

    (message,) = emails("save_return_code")
    assert message.recipient == "alex@example.com"
    found = re.search(r"\b(\d{6})\b", message.text_body)
    assert found, message.text_body
    assert WHAT_HAPPENED not in message.text_body

    response = browser.post(
        response.location, data={"csrf_token": code_page.csrf_token, "code": found.group(1)}
    )
    assert response.status_code == 302
    assert step_of(response.location) == "put-it-right"
    back = Journey(browser, "complaint")
    assert back.get("what-happened").value_of("what_happened") == WHAT_HAPPENED


def code_asked_for(client: FlaskClient, app: Flask) -> tuple[FlaskClient, str, Page, str]:
    """Saved part way, then in another browser a code asked for: that browser, the code
    page's address, the page, and the code emailed."""
    saved_part_way(Journey(client, "complaint"))
    link = link_in_email()
    browser = another_browser(app)
    token = page_of(browser.get(link)).csrf_token
    location = browser.post(link, data={"csrf_token": token, "send-code": "yes"}).location
    code_page = page_of(browser.get(location))
    (message,) = emails("save_return_code")
    code = re.search(r"\b(\d{6})\b", message.text_body).group(1)  # type: ignore[union-attr]
    return browser, location, code_page, code


def test_a_code_typed_with_a_space_or_a_dash_between_its_numbers_is_right(
    client: FlaskClient, app: Flask
) -> None:
    browser, location, code_page, code = code_asked_for(client, app)

    typed = f" {code[:3]} \u2013 {code[3:]} "
    response = browser.post(location, data={"csrf_token": code_page.csrf_token, "code": typed})

    assert response.status_code == 302
    assert step_of(response.location) == "put-it-right"


def test_a_wrong_code_says_how_many_tries_are_left(client: FlaskClient, app: Flask) -> None:
    browser, location, code_page, right = code_asked_for(client, app)
    wrong = "000000" if right != "000000" else "111111"

    page = page_of(browser.post(location, data={"csrf_token": code_page.csrf_token, "code": wrong}))

    assert page.error_summary == [("#code", "That is not right. You have 4 more tries.")]
    assert WHAT_HAPPENED not in page.html


def test_an_expired_saved_draft_gives_the_link_does_not_work_page(
    client: FlaskClient, app: Flask
) -> None:
    saved_part_way(Journey(client, "complaint"))
    draft = the_saved_draft()
    assert draft is not None
    draft.saved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = another_browser(app).get(link_in_email())

    assert response.status_code == 404
    page = page_of(response)
    assert page.headings == ["This link does not work"]
    assert QUESTION not in page.text


def test_purging_deletes_expired_saved_drafts_and_their_files(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(uploads)
    journey = Journey(client, "complaint")
    answer_up_to(journey, "files")
    response = client.post(
        journey.url("files"),
        data={
            "csrf_token": journey.token,
            "upload": "yes",
            "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "letter.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(list(uploads.iterdir())) == 1
    location = press_save_and_come_back_later(journey, "files", {})
    assert "save-for-later" in location
    assert "Your answers are saved" in save_with(journey).text

    # A second person's saved answers that have not expired are kept.
    saved_part_way(Journey(another_browser(app), "complaint"))
    db.session.expire_all()
    first = db.session.scalars(sa.select(Draft).order_by(Draft.created_at)).first()
    assert first is not None
    first.saved_until = utcnow() - timedelta(days=1)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["drafts", "purge"])

    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired drafts." in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_a_made_up_link_does_not_work(client: FlaskClient, token: str) -> None:
    response = client.get(f"/continue/{token}")
    assert response.status_code == 404
    assert page_of(response).headings == ["This link does not work"]


# --- not a way to flood somebody's inbox ------------------------------------------------------


def test_links_to_one_email_address_are_limited_and_the_answers_are_kept(
    client: FlaskClient, app: Flask
) -> None:
    app.config["PUBLIC_EMAILS_PER_RECIPIENT"] = "3 per hour"
    for _ in range(3):
        journey = Journey(another_browser(app), "complaint")
        answers = answer_up_to(journey, "what-happened")
        press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])
        assert "Your answers are saved" in save_with(journey, email="Sam@Example.com ").text
    journey = Journey(client, "complaint")
    answers = answer_up_to(journey, "what-happened")
    press_save_and_come_back_later(journey, "what-happened", answers["what-happened"])
    page = save_with(journey, email="sam@example.com")
    assert errors_shown_twice(page) == {
        "email": "We have already sent several emails to this address. Check your inbox and "
        "junk folder, or wait an hour and try again."
    }
    assert len(emails("save_return_link")) == 3
    # Nothing typed is lost: another address works, and the answers are still there.
    assert "Your answers are saved" in save_with(journey, email="alex@example.com").text
    assert len(emails("save_return_link")) == 4


def test_codes_to_one_email_address_are_limited(client: FlaskClient, app: Flask) -> None:
    app.config["PUBLIC_EMAILS_PER_RECIPIENT"] = "3 per hour"
    saved_part_way(Journey(client, "complaint"))  # the link: one email
    link = link_in_email()
    browser = another_browser(app)
    shown = ""
    for _ in range(4):
        token = page_of(browser.get(link)).csrf_token
        location = browser.post(link, data={"csrf_token": token, "send-code": "yes"}).location
        shown = page_of(browser.get(location)).notification_banner
    assert len(emails("save_return_code")) == 2
    assert "We have already sent several codes to your email address" in shown


# --- carrying on in another browser, to the end ------------------------------------------

ROUTES = [
    ("complaint", "parent"),
    ("complaint", "child"),
    ("representation", "foster_carer"),
    ("compliment", "child"),
    ("compliment", "relative"),
    ("advocacy", "professional"),
    ("advocacy", "child"),
]


def carry_on_in_another_browser(app: Flask) -> tuple[FlaskClient, str]:
    """The emailed link, opened in a browser that has never seen the portal; the right
    answer to the question. Returns the browser and the page it was sent to."""
    browser = another_browser(app)
    status, location, page = answer_the_question(browser, link_in_email(), ANSWER)
    assert status == 302, page.error_summary
    return browser, step_of(location)


@pytest.mark.parametrize(("kind", "role"), ROUTES, ids=lambda v: v)
def test_carrying_on_in_another_browser_goes_on_to_check_your_answers_with_every_answer_kept(
    client: FlaskClient, app: Flask, kind: str, role: str
) -> None:
    answers = answers_for(kind, role)
    first = Journey(client, kind)
    step = "who-are-you"
    while step != "what-happened":
        step = first.answer(step, answers[step])
    press_save_and_come_back_later(first, "what-happened", answers["what-happened"])
    assert "Your answers are saved" in save_with(first).text

    browser, step = carry_on_in_another_browser(app)
    back = Journey(browser, kind)
    asked_after = []
    while step != "check-answers":
        assert step not in asked_after and step != "who-are-you", (step, asked_after)
        asked_after.append(step)
        step = back.answer(step, answers[step])

    check = back.check_answers()
    shown = set(check.summary_answers.values())
    assert "Alex Morgan" in shown
    assert str(answers["what-happened"]["what_happened"]) in shown
    if role != "child" and kind != "compliment":
        assert "Sam Taylor" in shown
    back.send_and_confirm()
    assert only_submission().submitter_name == "Alex Morgan"


def test_a_draft_saved_with_an_old_sessions_token_in_its_answers_still_goes_to_check_answers(
    client: FlaskClient, app: Flask
) -> None:
    """Drafts saved before the token was left out of the answers carry it in every step."""
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    press_save_and_come_back_later(journey, "support", {"support": "none"})
    save_with(journey)
    draft = the_saved_draft()
    assert draft is not None
    draft.answers = {
        step: {**typed, "csrf_token": ["an-old-sessions-token"]}
        for step, typed in draft.answers.items()
    }
    db.session.commit()

    browser, step = carry_on_in_another_browser(app)

    assert step == "check-answers"
    shown = Journey(browser, "complaint").check_answers().summary_answers
    assert "Alex Morgan" in shown.values()


def test_no_step_keeps_the_pages_security_token_with_its_answers(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    db.session.expire_all()
    (draft,) = db.session.scalars(sa.select(Draft))
    assert draft.answers, "the draft should hold the answers"
    assert all("csrf_token" not in typed for typed in draft.answers.values())
