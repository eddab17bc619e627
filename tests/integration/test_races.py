"""Requests that arrive at the same instant: a button pressed twice, guesses sent in
parallel, one code tried from several sessions. Each test prepares its requests, then
sends them from threads released together by a barrier. Every request runs in an
application context of its own (OwnContextClient), so each has its own database session
and connection and its own transaction, as in gunicorn's workers; the database is the
real one (SQLite, or PostgreSQL with DATABASE_URL). The rules hold only if the database
decides them (docs/security.md, "Races")."""

import io
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    CODE_PAGE,
    PASSWORD,
    authenticator_code,
    browser,
    csrf_token,
    give_authenticator_app,
    make_staff,
    post_form,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for, page_of, submissions
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Attachment, AuditEvent, Draft, OutboxMessage, Staff
from portal.services import attachments, outbox, save_return, two_factor
from portal.services import staff as staff_service

T = TypeVar("T")
WRONG_PASSWORD = "Enter a correct email address and password"
LOCKED = "This account is locked"
WRONG_CODE = "Enter the code your authenticator app shows now"
REFERENCE = re.compile(r"[A-Z]{2,6}-\d{4}-\d{4,}")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at_once(requests: list[Callable[[], T]]) -> list[T]:
    """Send every request at the same instant, each from a thread of its own; the
    answers, in the order given."""
    start = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            start.wait(timeout=30)
            answers[n] = requests[n]()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    return answers


def same_browser(app: Flask, original: FlaskClient) -> FlaskClient:
    """Another tab of the same browser: the same session cookie, sent again."""
    tab = browser(app)
    cookie = original.get_cookie("session")
    assert cookie is not None
    tab.set_cookie("session", cookie.value)
    return tab


def text_of(response: TestResponse) -> str:
    return page_of(response).text


def complaint_up_to(client: FlaskClient, stop_at: str) -> Journey:
    """A parent's complaint, each question answered until the portal asks `stop_at`."""
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != stop_at:
        step = journey.answer(step, answers[step])
    return journey


def reference_shown(client: FlaskClient, url: str) -> str:
    found = REFERENCE.search(page_of(client.get(url)).text)
    assert found, "the page shows no reference"
    return found.group()


# --- send pressed twice ------------------------------------------------------------------


def test_send_pressed_five_times_at_once_makes_one_case_and_every_press_shows_its_reference(
    app: Flask,
) -> None:
    journey = complaint_up_to(browser(app), "check-answers")
    token = journey.token
    presses = [same_browser(app, journey.client) for _ in range(5)]

    sent = at_once(
        [
            lambda tab=tab: tab.post(journey.url("check-answers"), data={"csrf_token": token})
            for tab in presses
        ]
    )

    assert [r.status_code for r in sent] == [302] * 5
    assert {r.location for r in sent} == {journey.url("confirmation")}
    cases = submissions()
    assert len(cases) == 1
    assert {reference_shown(tab, journey.url("confirmation")) for tab in presses} == {
        cases[0].reference
    }
    acknowledgements = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "acknowledgement")
    ).all()
    assert len(acknowledgements) == 1
    assert db.session.scalars(sa.select(Draft)).all() == []


def test_send_pressed_again_after_the_case_is_made_shows_the_same_confirmation(
    app: Flask,
) -> None:
    journey = complaint_up_to(browser(app), "check-answers")
    again = same_browser(app, journey.client)  # the cookie as it was before the first press
    journey.send_and_confirm()

    response = again.post(journey.url("check-answers"), data={"csrf_token": journey.token})

    assert response.location == journey.url("confirmation")
    assert reference_shown(again, response.location) == submissions()[0].reference
    assert len(submissions()) == 1


def test_send_pressed_again_after_back_from_the_confirmation_shows_it_again_not_nothing_sent(
    app: Flask,
) -> None:
    """The browser's Back shows check your answers as it was, Send still on it; this
    browser's session has forgotten the draft it sent. Pressing Send again must not say
    "Nothing has been sent yet": the person would send it all again, or give up."""
    journey = complaint_up_to(browser(app), "check-answers")
    sent = journey.send_and_confirm()

    response = journey.send()  # the same browser, its cookie as the first press left it

    assert response.location == journey.url("confirmation")
    again = page_of(journey.client.get(response.location))
    assert again.headings == sent.headings
    assert reference_shown(journey.client, response.location) == submissions()[0].reference
    assert "Nothing has been sent" not in again.text
    assert len(submissions()) == 1


# --- the lockout ---------------------------------------------------------------------------


@pytest.fixture
def passwords_checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the portal checked against an account's own hash."""
    checked: list[str] = []
    check = staff_service.check_password_hash

    def counting(stored: str, password: str) -> bool:
        if stored != staff_service.dummy_hash():
            checked.append(password)
        return check(stored, password)

    monkeypatch.setattr(staff_service, "check_password_hash", counting)
    return checked


def sign_in_page(client: FlaskClient) -> str:
    return csrf_token(client.get("/staff/sign-in").get_data(as_text=True))


def account(email: str) -> Staff:
    found = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    db.session.refresh(found)
    return found


def assert_four_told_wrong_then_locked(
    app: Flask, email: str, answers: list[TestResponse], wrong: str
) -> None:
    """Of 18 tries at once, four are told they are wrong, the fifth locks the account,
    and it and the thirteen others are told so; then even the right password is refused."""
    said = [text_of(answer) for answer in answers]
    assert sum(wrong in text for text in said) == 4
    assert sum(LOCKED in text for text in said) == 14
    assert account(email).locked_until is not None
    refused = post_form(browser(app), "/staff/sign-in", {"email": email, "password": PASSWORD})
    assert LOCKED in text_of(refused)


def test_eighteen_wrong_passwords_at_once_lock_the_account_after_five(
    app: Flask, passwords_checked: list[str]
) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    guessers = [browser(app) for _ in range(18)]
    tokens = [sign_in_page(guesser) for guesser in guessers]

    answers = at_once(
        [
            lambda guesser=guesser, token=token, n=n: guesser.post(
                "/staff/sign-in",
                data={"csrf_token": token, "email": email, "password": f"guess {n}"},
            )
            for n, (guesser, token) in enumerate(zip(guessers, tokens, strict=True))
        ]
    )

    # Five guesses are checked, and no more.
    assert len(passwords_checked) == 5
    assert_four_told_wrong_then_locked(app, email, answers, WRONG_PASSWORD)


def slow_down(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Make a check take a little longer, as it would on a busy server: a race whose
    window is a few milliseconds shows every time, not most times."""
    check = getattr(module, name)

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return check(*args, **kwargs)

    monkeypatch.setattr(module, name, slowly)


def waiting_for_a_code(app: Flask, email: str) -> FlaskClient:
    """A browser that has given the right password and is asked for the code."""
    client = browser(app)
    response = post_form(client, "/staff/sign-in", {"email": email, "password": PASSWORD})
    assert response.location == CODE_PAGE
    return client


def code_posts(clients: list[FlaskClient], codes: list[str]) -> list[Callable[[], TestResponse]]:
    tokens = [csrf_token(client.get(CODE_PAGE).get_data(as_text=True)) for client in clients]
    return [
        lambda client=client, token=token, code=code: client.post(
            CODE_PAGE, data={"csrf_token": token, "code": code}
        )
        for client, token, code in zip(clients, tokens, codes, strict=True)
    ]


def test_eighteen_wrong_codes_at_once_lock_the_account_after_five(app: Flask) -> None:
    email = make_staff(Role.MANAGER)
    first = waiting_for_a_code(app, email)
    sessions = [same_browser(app, first) for _ in range(18)]

    answers = at_once(code_posts(sessions, ["000000"] * 18))

    assert_four_told_wrong_then_locked(app, email, answers, WRONG_CODE)


def test_one_code_sent_from_four_sessions_at_once_signs_in_only_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = make_staff(Role.MANAGER)
    sessions = [waiting_for_a_code(app, email) for _ in range(4)]
    code = authenticator_code(email)
    slow_down(monkeypatch, two_factor, "_step_of")

    answers = at_once(code_posts(sessions, [code] * 4))

    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 302]
    assert [client.get("/staff/").status_code for client in sessions].count(200) == 1
    signed_in = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.staff_id == account(email).id, AuditEvent.action == "signed_in"
        )
    ).all()
    assert len(signed_in) == 1


def test_one_recovery_code_sent_from_four_sessions_at_once_signs_in_only_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = make_staff(Role.TEAM_MEMBER)
    recovery_code = give_authenticator_app(email)[0]
    sessions = [waiting_for_a_code(app, email) for _ in range(4)]
    slow_down(monkeypatch, two_factor, "_recovery_hash")

    answers = at_once(code_posts(sessions, [recovery_code] * 4))

    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 302]
    assert [client.get("/staff/").status_code for client in sessions].count(200) == 1
    assert len(account(email).recovery_code_hashes) == 9


# --- save and come back later, and files ------------------------------------------------------


def saved_for_later(client: FlaskClient) -> str:
    """A complaint saved part way; the link emailed for it."""
    journey = complaint_up_to(client, "what-happened")
    happened = answers_for("complaint", "parent")["what-happened"]
    journey.post("what-happened", {**happened, "save-and-return": "yes"})
    client.post(
        journey.url("save-for-later"),
        data={
            "csrf_token": journey.token,
            "email": "alex@example.com",
            "question": "first_pet",
            "answer": "Biscuit",
        },
    )
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "save_return_link")
    ).all()
    found = re.search(r"https?://\S+(/continue/[\w-]+)", outbox.render(message)[0])
    assert found
    return found.group(1)


def test_twenty_wrong_answers_at_once_use_up_the_five_tries_and_delete_the_answers(
    app: Flask,
) -> None:
    link = saved_for_later(browser(app))
    guessers = [browser(app) for _ in range(20)]
    tokens = [page_of(guesser.get(link)).csrf_token for guesser in guessers]

    answers = at_once(
        [
            lambda guesser=guesser, token=token, n=n: guesser.post(
                link, data={"csrf_token": token, "answer": f"guess {n}"}
            )
            for n, (guesser, token) in enumerate(zip(guessers, tokens, strict=True))
        ]
    )

    # Four are told how many tries are left; the fifth deletes the answers, and it and
    # the fifteen others are told the link does not work.
    assert sum("That is not right" in text_of(answer) for answer in answers) == 4
    assert sum(answer.status_code == 404 for answer in answers) == 16
    assert db.session.scalars(sa.select(Draft)).all() == []
    assert browser(app).get(link).status_code == 404


def test_twelve_files_sent_at_once_keep_only_five(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uploads = tmp_path / "uploads"
    app.config.update(UPLOAD_FOLDER=str(uploads), CLAMAV_ADDRESS="")
    journey = complaint_up_to(browser(app), "files")
    token = journey.token
    tabs = [same_browser(app, journey.client) for _ in range(12)]
    slow_down(monkeypatch, attachments, "scan")  # as a virus scanner takes its time

    sent = at_once(
        [
            lambda tab=tab, n=n: tab.post(
                journey.url("files"),
                data={
                    "csrf_token": token,
                    "upload": "yes",
                    "file": (io.BytesIO(PDF), f"letter {n}.pdf"),
                },
                content_type="multipart/form-data",
            )
            for n, tab in enumerate(tabs)
        ]
    )

    assert sorted(r.status_code for r in sent) == [200] * 7 + [302] * 5
    refused = [page_of(r).error_summary for r in sent if r.status_code == 200]
    assert refused == [[("#file", "You can send up to 5 files")]] * 7
    assert len(db.session.scalars(sa.select(Attachment)).all()) == 5
    assert len(list(uploads.iterdir())) == 5


def test_a_file_sent_as_send_is_pressed_is_the_cases_or_refused_never_lost(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config.update(UPLOAD_FOLDER=str(tmp_path / "uploads"), CLAMAV_ADDRESS="")
    journey = complaint_up_to(browser(app), "check-answers")
    token = journey.token
    upload_tab, send_tab = same_browser(app, journey.client), same_browser(app, journey.client)
    # The file's request holds the draft's row a while after counting the files, so
    # that Send arrives while it is held.
    counted = attachments._files_under_lock

    def held(draft_id: str) -> int | None:
        files = counted(draft_id)
        time.sleep(0.3)
        return files

    monkeypatch.setattr(attachments, "_files_under_lock", held)

    def send_a_moment_later() -> TestResponse:
        time.sleep(0.1)
        return send_tab.post(journey.url("check-answers"), data={"csrf_token": token})

    at_once(
        [
            lambda: upload_tab.post(
                journey.url("files"),
                data={"csrf_token": token, "upload": "yes", "file": (io.BytesIO(PDF), "a.pdf")},
                content_type="multipart/form-data",
            ),
            send_a_moment_later,
        ]
    )

    case = submissions()[0]
    files = db.session.scalars(sa.select(Attachment)).all()
    assert [(f.filename, f.submission_id, f.draft_id) for f in files] in (
        [("a.pdf", case.id, None)],
        [],
    )


def test_two_right_answers_at_once_let_only_one_browser_carry_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = saved_for_later(browser(app))
    slow_down(monkeypatch, save_return, "check_answer")
    people = [browser(app) for _ in range(4)]
    tokens = [page_of(person.get(link)).csrf_token for person in people]

    answers = at_once(
        [
            lambda person=person, token=token: person.post(
                link, data={"csrf_token": token, "answer": "Biscuit"}
            )
            for person, token in zip(people, tokens, strict=True)
        ]
    )

    carried_on = [answer for answer in answers if answer.status_code == 302]
    assert len(carried_on) == 1, [answer.status_code for answer in answers]
    assert all(answer.status_code == 404 for answer in answers if answer not in carried_on)
