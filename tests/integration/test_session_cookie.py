"""The public session cookie is signed again at most once a minute while nothing in it
changes, and lasts at least a lifetime after the person's last page (the cookies page:
"24 hours after your last visit")."""

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from journey_helpers import Journey
from werkzeug.test import TestResponse


def session_cookies(response: TestResponse) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def expires(cookie: str) -> datetime:
    part = next(p for p in cookie.split("; ") if p.startswith("Expires="))
    return parsedate_to_datetime(part.removeprefix("Expires="))


def signed_ago(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Cookies signed from now on are signed as if `seconds` ago (undo to stop)."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)


def test_an_unchanged_session_is_not_signed_again_within_a_minute(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answered = journey.post("who-are-you", {"role": "parent"})
    assert answered.status_code == 302
    assert session_cookies(answered), "the new draft is remembered at once"

    page = client.get(journey.url("are-you-safe"))

    assert page.status_code == 200
    assert session_cookies(page) == []


def test_a_cookie_a_minute_old_is_signed_again_and_lasts_a_lifetime_from_this_page(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    journey = Journey(client, "complaint")
    signed_ago(monkeypatch, 61)
    journey.post("who-are-you", {"role": "parent"})
    monkeypatch.undo()

    page = client.get(journey.url("are-you-safe"))
    cookies = session_cookies(page)

    assert page.status_code == 200
    assert len(cookies) == 1
    from_now = expires(cookies[0]) - datetime.now(UTC)
    assert from_now.total_seconds() >= app.permanent_session_lifetime.total_seconds() - 1
    # Fresh again: the next page does not sign it again.
    assert session_cookies(client.get(journey.url("are-you-safe"))) == []


def test_a_changed_session_is_sent_at_once(client: FlaskClient) -> None:
    Journey(client, "complaint").post("who-are-you", {"role": "parent"})

    # A second journey's draft, remembered in the same session within the minute.
    answered = Journey(client, "compliment").post("who-are-you", {"role": "parent"})

    assert answered.status_code == 302
    assert len(session_cookies(answered)) == 1


@pytest.mark.parametrize("later, kept", [(-5, True), (5, False)])
def test_a_cookie_holds_the_answers_for_a_lifetime_and_a_minute_after_it_was_signed(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, later: int, kept: bool
) -> None:
    """The person's last page may have come up to a minute after their cookie was
    signed: the cookie is taken until a lifetime and a minute after that, not longer."""
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    age = lifetime + app.config["SESSION_REFRESH_AFTER_SECONDS"] + later
    journey = Journey(client, "complaint")
    signed_ago(monkeypatch, age)
    journey.post("who-are-you", {"role": "parent"})
    monkeypatch.undo()

    page = client.get(journey.url("are-you-safe"))

    assert (page.status_code == 200) is kept, (page.status_code, page.location)
