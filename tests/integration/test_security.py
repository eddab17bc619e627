"""The public form is open to anyone: every POST needs the session's token, nothing
typed runs as markup, and a bot that fills the hidden field sends nothing."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import (
    JOURNEYS,
    Journey,
    answers_for,
    only_submission,
    page_of,
    step_of,
    submissions,
)

from portal.domain.journeys import STEPS

# "files" has a route of its own (uploads); every other step is a question page.
QUESTION_SLUGS = [step.slug for step in STEPS if step.slug != "files"]
SWITCHABLE = ["complaint", "representation"]

# Each step of each journey, posted with no token or with a forged one (in turn).
STEP_POSTS = [
    (kind, step, [None, "forged"][n % 2])
    for n, (kind, step) in enumerate((k, s) for k in JOURNEYS for s in QUESTION_SLUGS)
]

# A value for each kind of address argument, so every POST route can be tried.
SAMPLE_ARGUMENTS = {
    "journey": "make-a-complaint",
    "stage": "1",
    "step": "contact",
    "reference": "CSC-2026-0001",
    "move": "stage-2",
    "rule_id": "1",
    "team_id": "1",
    "category_id": "1",
    "token": "a-token",
    "section": "stages",
    "comparator_id": "1",
    "step_id": "1",
    "comment_id": "0" * 32,
    "staff_id": "1",
    "concern_id": "1",
    "enquiry_id": "1",
    "letter_id": "1",
    "ombudsman_id": "1",
    "remedy_id": "1",
    "message_id": "1",
    "organisation_id": "1",
    "referral_id": "1",
}


def _role_for(step: str) -> str:
    return {"your-organisation": "professional", "your-age": "child"}.get(step, "parent")


def test_every_post_route_in_the_app_refuses_a_request_without_the_token(app: Flask) -> None:
    client = app.test_client()
    client.get("/")  # a session, but no token sent
    tried = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()):
            continue
        missing = set(rule.arguments) - set(SAMPLE_ARGUMENTS)
        assert not missing, f"add a sample value for {sorted(missing)} ({rule.rule})"
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{name}>", SAMPLE_ARGUMENTS[name], url)
        response = client.post(url, data={})
        # Refused outright, or (a question page) treated as a session that has ended; Notify's
        # callbacks carry no session and no CSRF token: their bearer token is the check.
        refused = (
            response.status_code == 400
            or (rule.endpoint.startswith("callbacks.") and response.status_code == 401)
            or (
                rule.endpoint == "public.question"
                and response.status_code == 302
                and step_of(response.location) == "who-are-you"
            )
        )
        assert refused, (url, response.status_code, response.location)
        tried.append(rule.endpoint)
    assert {"public.question", "public.check_answers", "public.switch_kind"} <= set(tried)
    assert submissions() == []


@pytest.mark.parametrize(
    "kind, step, token", STEP_POSTS, ids=[f"{k}-{s}-{t or 'none'}" for k, s, t in STEP_POSTS]
)
def test_a_question_posted_without_the_sessions_token_does_not_move_the_journey_on(
    client: FlaskClient, kind: str, step: str, token: str | None
) -> None:
    journey = Journey(client, kind)
    journey.answer("who-are-you", {"role": _role_for(step)})
    body = answers_for(kind, _role_for(step))[step]

    response = journey.post(step, body, token=token)

    # Treated as a session that has ended: back to the start, nothing counted as answered.
    assert response.status_code == 302
    assert response.location.endswith(f"/{JOURNEYS[kind]}/who-are-you")
    assert "You were away for a while" in page_of(client.get(response.location)).notification_banner
    # With the token, the same post is accepted (so the refusal above was the token's).
    journey.answer("who-are-you", {"role": _role_for(step)})
    accepted = journey.post(step, body)
    assert accepted.status_code == 302
    assert step_of(accepted.location) != "who-are-you"


@pytest.mark.parametrize("kind", [k for k in JOURNEYS if k != "advocacy"])
def test_a_file_step_posted_without_the_sessions_token_is_refused(
    client: FlaskClient, kind: str
) -> None:
    journey = Journey(client, kind)
    journey.answer("who-are-you", {"role": "parent"})

    assert journey.post("files", {}, token=None).status_code == 400
    assert journey.post("files", {}, token="forged").status_code == 400
    assert journey.post("files", {}).status_code == 302


@pytest.mark.parametrize("kind", list(JOURNEYS))
@pytest.mark.parametrize("token", [None, "forged"], ids=["no-token", "wrong-token"])
def test_sending_without_the_sessions_token_records_nothing(
    client: FlaskClient, kind: str, token: str | None
) -> None:
    journey = Journey(client, kind)
    journey.fill(answers_for(kind, "parent"))
    data = {"csrf_token": token} if token else {}

    response = client.post(f"/{JOURNEYS[kind]}/check-answers", data=data)

    assert response.status_code == 400
    assert submissions() == []
    # The answers are still there, and send properly with the token.
    journey.send_and_confirm()
    assert len(submissions()) == 1


@pytest.mark.parametrize("kind", SWITCHABLE)
@pytest.mark.parametrize("token", [None, "forged"], ids=["no-token", "wrong-token"])
def test_switching_without_the_sessions_token_changes_nothing(
    client: FlaskClient, kind: str, token: str | None
) -> None:
    journey = Journey(client, kind)
    journey.fill(answers_for(kind, "parent"))
    data = {"csrf_token": token} if token else {}

    response = client.post(f"/{JOURNEYS[kind]}/switch", data=data)

    assert response.status_code == 400
    assert journey.check_answers().status == 200


# --- nothing typed runs as markup ---------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(2)</script>",
    "<svg/onload=alert(3)>",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    "javascript:alert(document.cookie)",
    "'; DROP TABLE submissions; --",
    "Zoë O'Brien 🙂 مرحبا",
]


def _free_text_everywhere(kind: str, role: str, text: str) -> dict[str, dict[str, object]]:
    answers = answers_for(kind, role)
    answers["your-organisation"] = (
        {"organisation": text}
        if role == "advocate"
        else {"professional_type": "health", "organisation": text}
    )
    answers["about-the-child"] = {
        "child_name": text,
        "child_date_of_birth": ["1", "9", "2014"],
        "child_age": "",
    }
    answers["what-happened"] = {**answers["what-happened"], "what_happened": text}
    answers["put-it-right"] = {"put_right": text}
    answers["contact"] = {
        "name": text,
        "contact_preference": "post",
        "address": text,
        "postcode": "NM1 1AA",
        "safe_to_contact": "letters",
    }
    answers["support"] = {
        "support": ["interpreter", "other"],
        "interpreter_language": text,
        "other_support": text,
    }
    if kind == "compliment":
        answers["what-it-is-about"] = {**answers["what-it-is-about"], "worker_name": text}
    return answers  # type: ignore[return-value]


def _markup_free(page_html: str, text: str) -> bool:
    return not any(c in text for c in "<>") or text not in page_html


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("kind, role", [("complaint", "advocate"), ("compliment", "professional")])
def test_hostile_text_in_every_free_text_field_is_shown_as_text_and_stored_as_typed(
    client: FlaskClient, kind: str, role: str, text: str
) -> None:
    journey = Journey(client, kind)
    journey.fill(_free_text_everywhere(kind, role, text))  # type: ignore[arg-type]

    check = journey.check_answers()
    shown_as_text = [answer for answer in check.summary_answers.values() if answer == text]
    free_text_fields = {"complaint": 8, "compliment": 7}[kind]
    assert len(shown_as_text) == free_text_fields
    assert _markup_free(check.html, text)
    assert check.inline_scripts == []

    confirmation = journey.send_and_confirm()
    assert _markup_free(confirmation.html, text)
    assert confirmation.inline_scripts == []

    [stored] = submissions()
    assert stored.submitter_name == text
    assert stored.organisation == text
    assert stored.what_happened == text
    assert stored.postal_address == text
    assert stored.interpreter_language == text
    assert stored.other_support == text
    if kind == "complaint":
        assert (stored.child_name, stored.put_right) == (text, text)
    else:
        assert stored.worker_name == text


def test_hostile_text_shown_again_after_an_error_stays_text(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    text = "</textarea><script>alert(1)</script>"

    page = page_of(journey.post("what-happened", {"what_happened": text}))

    assert page.error_summary
    assert page.value_of("what_happened") == text
    assert text not in page.html
    assert page.inline_scripts == []


def test_text_pasted_with_a_nul_character_is_kept_without_it_not_refused(
    client: FlaskClient,
) -> None:
    """Text copied out of a document can carry a NUL (U+0000). The person saw "Sorry,
    there is a problem with what was sent" and nothing they typed was kept; pressing
    Continue again did the same. The character means nothing and is dropped, as the
    other control characters are."""
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    pasted = "Nobody came to the review meeting.\x00 It was the third time."
    answers["what-happened"] = {**answers["what-happened"], "what_happened": pasted}

    journey.fill(answers)

    kept = "Nobody came to the review meeting. It was the third time."
    assert journey.check_answers().summary_answers["What happened"] == kept
    journey.send_and_confirm()
    assert only_submission().what_happened == kept


# --- bots ------------------------------------------------------------------------------


def test_a_filled_in_honeypot_sends_nothing(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    response = journey.send(website="http://cheap-pills.example")

    assert response.status_code == 302
    assert submissions() == []
    # The draft is gone too: a bot gets nothing to try again with.
    assert step_of(client.get("/make-a-complaint/check-answers").location) == "who-are-you"


def test_an_empty_honeypot_does_not_get_in_the_way(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))

    assert journey.send(website="").status_code == 302
    assert len(submissions()) == 1


# --- headers, cookies and limits --------------------------------------------------------


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    for url in ("/", "/make-a-complaint/who-are-you", "/staff/sign-in", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "geolocation=()" in headers["Permissions-Policy"]
        # Plain http: no HSTS (a browser would ignore it; behind TLS it is sent).
        assert "Strict-Transport-Security" not in headers
    secure = client.get("/", base_url="https://portal.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_session_cookie_is_secure_httponly_and_lax_outside_development(
    database_url: str,
) -> None:
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 32})
    with app.test_client() as browser:
        cookie = browser.get("/make-a-complaint/who-are-you", base_url="https://portal.example")
        (session,) = [c for c in cookie.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session


def test_only_a_persons_own_pages_carry_their_session_cookie(
    app: Flask, client: FlaskClient
) -> None:
    """The stylesheet, the fonts and the browser's favicon request may be kept by a
    shared cache and arrive late: none of them carries the person's session."""
    app.config["SESSION_REFRESH_AFTER_SECONDS"] = 0  # every page signs it again
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    def session_cookie(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code in (200, 204), (url, response.status_code)
        cookies = response.headers.getlist("Set-Cookie")
        return [c for c in cookies if c.startswith("session=")]

    assert session_cookie(journey.url("are-you-safe")), "a question page keeps the session"
    for shared in ("/static/dist/app.css", "/favicon.ico", "/assets/images/favicon.svg"):
        assert session_cookie(shared) == [], shared


def test_a_session_signed_with_an_old_secret_key_opens_only_while_it_is_a_fallback(
    app: Flask, client: FlaskClient
) -> None:
    """Rotating SECRET_KEY: a cookie signed with the old key opens only while that key
    is in SECRET_KEY_FALLBACKS (each key change seen at once, whatever was signed with
    the keys before)."""
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    cookie = client.get_cookie("session")
    assert cookie is not None
    signed_with_old_key = cookie.value

    def opens(value: str) -> bool:
        client.set_cookie("session", value)
        return client.get(journey.url("are-you-safe")).status_code == 200

    assert opens(signed_with_old_key)
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a new key, " + "n" * 32
    assert not opens(signed_with_old_key), "a key no longer accepted still opened a session"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert opens(signed_with_old_key)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not opens(signed_with_old_key)


def test_looking_at_check_your_answers_is_not_counted_against_sending(
    app: Flask, client: FlaskClient
) -> None:
    """The limit is on Send (a POST): a person who reads their answers over and over, or
    opens save and come back later, can still send, and the limit still holds after."""
    app.config["SUBMISSION_RATE_LIMIT"] = "2 per minute"
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    for _ in range(5):
        journey.check_answers()
        assert client.get(journey.url("save-for-later")).status_code == 200
    journey.send_and_confirm()
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    journey.send_and_confirm()
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    assert journey.send().status_code == 429
    assert len(submissions()) == 2


def test_sending_is_limited_per_address_and_what_was_typed_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SUBMISSION_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        journey = Journey(client, "complaint")
        journey.complete("parent")
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    refused = journey.send()
    assert refused.status_code == 429
    assert "Too many" in page_of(refused).text
    assert len(submissions()) == 2
    # The answers wait on check your answers for when the limit has passed.
    assert "Nobody came to the review meeting." in journey.check_answers().text
