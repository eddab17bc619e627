"""Random and hostile bodies posted to every step of every journey, to check your
answers and to the switch: the portal answers 200, 302 or 400, never a server error."""

import weakref
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journey_helpers import JOURNEYS, Journey, answers_for, page_of, team_ids
from wtforms.fields.core import UnboundField

from portal.domain.journeys import STEPS
from portal.public.forms import FORMS

STEP_SLUGS = [step.slug for step in STEPS]
SWITCHABLE = ("complaint", "representation")
# Only a complaint and a representation can be switched into each other.
TARGETS = {
    kind: [*STEP_SLUGS, "check-answers", *(["switch"] if kind in SWITCHABLE else [])]
    for kind in JOURNEYS
}
ROLES = ["child", "parent", "foster_carer", "professional", "advocate", "other"]

FIELD_NAMES = [
    "role",
    "organisation",
    "professional_type",
    "child_name",
    "child_date_of_birth",
    "child_age",
    "child_agreement",
    "child_reply_preference",
    "age",
    "team",
    "worker_name",
    "what_happened",
    "when_it_happened",
    "event_date",
    "also_complain",
    "put_right",
    "advocacy",
    "name",
    "contact_preference",
    "email",
    "phone",
    "address",
    "postcode",
    "advocate_name",
    "advocate_email",
    "support",
    "interpreter_language",
    "other_support",
    "website",
    "in_danger",
    "remove",
    "upload",
    "file",
    "save-and-return",
]
# Values a real form would send, so that some bodies get past the first check.
PLAUSIBLE = [
    *ROLES,
    "yes",
    "no",
    "none",
    "not_sure",
    "email",
    "phone",
    "post",
    "advocate",
    "interpreter",
    "other",
    "accepted",
    "last_month",
    "over_a_year",
    "agrees",
    "through_me",
    "school",
    "",
    " ",
    "0",
    "12",
    "26",
    "31",
    "2",
    "29",
    "2020",
    "9999",
    "alex@example.com",
    "020 7946 0000",
    "NM1 1AA",
]
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ config }}",
    "\x00\x01\x1b[31m",
    "\u202eevil\u202c",
    "%00%0d%0a",
    "' OR 1=1; --",
    "😀" * 50,
    "\r\n\r\n",
    "a\u0301\u0301\u0301",
    "²",
    "٣",
    "9" * 30,
    "-1",
]

unicode_text = st.text(st.characters(codec="utf-8"), max_size=40)
small_value = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(HOSTILE),
    unicode_text,
    st.integers(-(10**30), 10**30).map(str),
)
value = st.one_of(small_value, st.integers(1_000, 40_000).map(lambda n: "x" * n))
body_value = st.one_of(value, st.lists(small_value, max_size=5))
any_key = st.one_of(
    st.sampled_from(FIELD_NAMES), st.text(st.characters(codec="utf-8"), max_size=15)
)


def fields_of(step: str) -> list[str]:
    """The names a step's own form posts (the files page has buttons of its own)."""
    if step == "files":
        return ["remove", "upload", "file", "save-and-return"]
    if step not in FORMS:
        return ["website", "save-and-return"]
    form = FORMS[step]
    return sorted(name for name in dir(form) if isinstance(getattr(form, name), UnboundField))


def random_body(step: str) -> st.SearchStrategy[dict[str, Any]]:
    # Mostly the step's own field names, so its own code gets the odd values.
    key = st.one_of(st.sampled_from(fields_of(step)), any_key)
    return st.dictionaries(key, body_value, max_size=6)


token_choice = st.sampled_from(["valid"] * 8 + ["missing", "garbage", "two"])


def _with_token(body: dict[str, Any], choice: str, token: str) -> dict[str, Any]:
    body = {k: v for k, v in body.items() if k != "csrf_token"}
    if choice == "valid":
        body["csrf_token"] = token
    elif choice == "garbage":
        body["csrf_token"] = "not-a-token"
    elif choice == "two":
        body["csrf_token"] = ["not-a-token", token]
    return body


ALLOWED = {200, 302, 400}
# Found by the test below (and by the random one): views.files passes any str.isdigit()
# value to int() and on to the database ("²" raises ValueError; 30 nines overflow).
_TOKENS: "weakref.WeakKeyDictionary[FlaskClient, str]" = weakref.WeakKeyDictionary()


def _token(client: FlaskClient) -> str:
    """The session's token, read once: every example shares the browser (test client)."""
    if client not in _TOKENS:
        _TOKENS[client] = Journey(client, "complaint").token
    return _TOKENS[client]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_body_posted_to_any_step_causes_a_server_error(
    app: Flask, client: FlaskClient, data: st.DataObject
) -> None:
    kind = data.draw(st.sampled_from(list(JOURNEYS)), label="kind")
    target = data.draw(st.sampled_from(TARGETS[kind]), label="target")
    role = data.draw(st.sampled_from(ROLES), label="role")
    journey = Journey(client, kind)
    journey._token = _token(client)
    slug = JOURNEYS[kind]

    # Most people have said who they are, so the later pages' own code runs.
    if data.draw(st.integers(0, 4), label="say who") > 0:
        status = journey.post("who-are-you", {"role": role}).status_code
        assert status in ALLOWED
    # Some have answered everything, so sending and switching get that far.
    if target in ("check-answers", "switch") and data.draw(st.booleans(), label="fill"):
        for step, answers in answers_for(kind, role).items():
            assert journey.post(step, answers).status_code in ALLOWED

    if target in STEP_SLUGS and data.draw(st.booleans(), label="start from real answers"):
        teams = list(team_ids().values())
        real = answers_for(kind, role)[target]
        real = {
            k: (data.draw(st.sampled_from(teams)) if k == "team" else v) for k, v in real.items()
        }
        body: dict[str, Any] = {**real, **data.draw(random_body(target), label="changes")}
    else:
        body = data.draw(random_body(target), label="body")
    body = _with_token(body, data.draw(token_choice, label="token"), journey.token)

    url = f"/{slug}/{target}"
    response = client.post(url, data=body)

    assert response.status_code in ALLOWED, (url, response.status_code)


def test_a_huge_answer_gets_the_length_message_not_a_server_error(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    response = journey.post(
        "what-happened", {"what_happened": "x" * 600_000, "when_it_happened": "last_month"}
    )

    assert response.status_code == 200
    assert page_of(response).error_summary == [
        ("#what_happened", "Your answer must be 5,000 characters or fewer")
    ]


@pytest.mark.parametrize(
    "remove",
    [
        "²",
        "9" * 30,
        "-1",
        "abc",
    ],
)
def test_removing_a_file_that_is_not_there_is_not_a_server_error(
    client: FlaskClient, remove: str
) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    response = journey.post("files", {"remove": remove})

    assert response.status_code in ALLOWED
