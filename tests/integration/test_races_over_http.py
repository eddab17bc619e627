"""Public requests sent at the same instant to the portal served over HTTP (Werkzeug's
threaded server, each request in a thread and a database connection of its own, as
under gunicorn), by browsers that are separate programs (`requests` sessions): the
button pressed twice, the same form in two tabs. On the real database (SQLite, or
PostgreSQL with DATABASE_URL); the rules hold only if the database decides them
(docs/security.md, "Races")."""

import re
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa
from backoffice_helpers import browser, new_complaint
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, answers_for, page_of
from live_server import serving
from test_races import at_once, complaint_up_to, slow_down

from portal.extensions import db
from portal.models import Draft, OutboxMessage, Task
from portal.services import outbox, save_return, tracking


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The portal on 127.0.0.1 at a free port; its address."""
    with serving(app) as url:
        yield url


def tab_of(client: FlaskClient) -> requests.Session:
    """Another tab of the browser `client` is: its session cookie, sent over HTTP."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    tab = requests.Session()
    tab.cookies.set("session", cookie.value, domain="127.0.0.1")
    return tab


def csrf_token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found[1]


def test_save_and_come_back_later_pressed_twice_at_once_emails_one_link_that_works(
    app: Flask, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, each press saved the answers with a link of its own and emailed it: two
    emails, and the link in one of them said "This link does not work"."""
    person = browser(app)
    journey = complaint_up_to(person, "what-happened")
    happened = answers_for("complaint", "parent")["what-happened"]
    journey.post("what-happened", {**happened, "save-and-return": "yes"})
    slow_down(monkeypatch, save_return, "hash_secret")  # as on a busy server
    tabs = [tab_of(person), tab_of(person)]
    form = {
        "csrf_token": journey.token,
        "email": "alex@example.com",
        "question": "first_pet",
        "answer": "Biscuit",
    }

    pages = at_once(
        [
            lambda tab=tab: tab.post(served + journey.url("save-for-later"), data=form)
            for tab in tabs
        ]
    )

    assert [page.status_code for page in pages] == [200, 200]
    assert all("alex@example.com" in Page(page.text).text for page in pages)
    emails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "save_return_link")
    ).all()
    assert len(emails) == 1
    link = re.search(r"https?://\S+(/continue/[\w-]+)", outbox.render(emails[0])[0])
    assert link
    someone = browser(app)
    token = page_of(someone.get(link[1])).csrf_token
    carried_on = someone.post(link[1], data={"csrf_token": token, "answer": "Biscuit"})
    assert carried_on.status_code == 302
    assert len(db.session.scalars(sa.select(Draft)).all()) == 1


def asked_at_once(served: str, reference: str, contact: str, times: int) -> None:
    """ "Find your complaint" sent `times` at the same instant, from separate browsers:
    each is told to check their email (or wait for a call), as one asking would be."""
    people = [requests.Session() for _ in range(times)]
    tokens = [csrf_token_of(person.get(served + "/find-your-complaint").text) for person in people]

    pages = at_once(
        [
            lambda person=person, token=token: person.post(
                served + "/find-your-complaint",
                data={"csrf_token": token, "reference": reference, "contact": contact},
            )
            for person, token in zip(people, tokens, strict=True)
        ]
    )

    assert [page.url.removeprefix(served) for page in pages] == [
        "/find-your-complaint/asked"
    ] * times


def test_a_new_link_asked_for_by_phone_four_times_at_once_is_one_call_for_staff(
    app: Flask, served: str
) -> None:
    """Before, each press made a task to phone them: four calls about one request."""
    reference = new_complaint(email=None).reference  # a phone number only: 07700 900982
    db.session.remove()

    asked_at_once(served, reference, "07700 900982", 4)

    tasks = db.session.scalars(sa.select(Task).where(Task.kind == tracking.FRESH_LINK_TASK)).all()
    assert len(tasks) == 1


def test_a_new_link_asked_for_by_email_three_times_at_once_is_one_email(
    app: Flask, served: str
) -> None:
    """Before, each press emailed a link: three emails, and the emails allowed an hour to
    that address used up by one request."""
    reference = new_complaint(email="pat.parent@example.com").reference
    db.session.remove()

    asked_at_once(served, reference, "pat.parent@example.com", 3)

    links = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.purpose == "tracking_link")
    ).all()
    assert len(links) == 1
