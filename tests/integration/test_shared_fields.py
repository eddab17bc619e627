"""A question's fields with nothing typed in them are kept as HTML and shown again to the
next person (portal/fields.py, issue 19): what they show is the same as made afresh, in
the page's language, and nothing a person typed is ever kept."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, answers_for

from portal import fields

NAME, EMAIL = "Rowan Kestrel-Vane", "rowan.kestrel@example.com"
WHAT_HAPPENED = "Nobody rang me back about the placement meeting."


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    fields._SHARED.clear()


def test_a_question_shown_from_kept_fields_is_the_one_made_afresh(client: FlaskClient) -> None:
    first = client.get("/make-a-complaint/who-are-you").get_data(as_text=True)
    assert fields._SHARED, "the question's choices were not kept"
    again = client.get("/make-a-complaint/who-are-you").get_data(as_text=True)
    fields._SHARED.clear()
    afresh = client.get("/make-a-complaint/who-are-you").get_data(as_text=True)

    token = page_of_token(first)
    assert again.replace(page_of_token(again), token) == first
    assert afresh.replace(page_of_token(afresh), token) == first


def page_of_token(html: str) -> str:
    from journey_helpers import Page

    return Page(html).csrf_token


def radios(html: str) -> str:
    found = re.search(r'<div class="govuk-radios".*?</div>\s*</fieldset>', html, re.S)
    assert found, html[-3000:]
    return found.group(0)


def test_kept_fields_are_in_the_page_language_and_errors_in_it_too(
    app: Flask, client: FlaskClient
) -> None:
    app.config["WELSH_ENABLED"] = True
    journey = Journey(client, "complaint")
    english = journey.post("who-are-you", {}).get_data(as_text=True)
    client.get("/make-a-complaint/who-are-you?lang=cy")
    welsh = journey.post("who-are-you", {}).get_data(as_text=True)
    fields._SHARED.clear()
    welsh_afresh = journey.post("who-are-you", {}).get_data(as_text=True)

    assert "Error:" in english and "Gwall:" in welsh and "Error:" not in welsh
    assert radios(welsh) != radios(english)
    assert radios(welsh) == radios(welsh_afresh)


def filled_in(client: FlaskClient, app: Flask, name: str, what_happened: str) -> list[str]:
    """A parent's complaint filled in up to check your answers; the steps asked."""
    with app.app_context():
        answers = answers_for("complaint", "parent")
    answers["contact"] |= {"name": name, "email": EMAIL}
    answers["what-happened"] |= {"what_happened": what_happened}
    steps: list[str] = Journey(client, "complaint").fill(answers)
    return steps


def test_nothing_a_person_typed_is_kept(client: FlaskClient, app: Flask) -> None:
    journey = Journey(client, "complaint")
    with app.app_context():
        answers = answers_for("complaint", "parent")
    steps = filled_in(client, app, NAME, WHAT_HAPPENED)
    for step in steps:
        journey.get(step)  # each page again, with the answers in it
    # And a page sent back with its wrong answers in it.
    journey.post("contact", answers["contact"] | {"email": "rowan.kestrel@", "phone": "0770"})

    kept = "".join(fields._SHARED.values()) + "".join(fields._SHARED)
    assert fields._SHARED
    for typed in (NAME, EMAIL, "rowan.kestrel@", "0770", WHAT_HAPPENED, "Sam Taylor"):
        assert typed not in kept
    # The child's year of birth typed, not the one in our "For example, 27 3 2012".
    assert 'value="2012"' not in kept and '"2012"' not in kept


HOSTILE = "<script>alert('x')</script> \"Tom\" & Jerry's {{ 7*7 }} portal0typed0x"


def test_an_answered_question_from_kept_fields_is_the_one_made_afresh(
    client: FlaskClient, app: Flask
) -> None:
    """What a person typed is put back into the kept HTML escaped exactly as the GOV.UK
    macro escapes it: the page is the one made without anything kept, character for
    character, markup typed shown as text."""
    steps = filled_in(client, app, HOSTILE, HOSTILE)
    for step in ("contact", "what-happened"):
        assert step in steps
        path = f"/make-a-complaint/{step}"
        client.get(path)  # kept
        kept = client.get(path).get_data(as_text=True)
        fields._SHARED.clear()
        afresh = client.get(path).get_data(as_text=True)
        token = page_of_token(kept)
        assert afresh.replace(page_of_token(afresh), token) == kept
        assert "<script>alert" not in kept
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;Tom&#34; &amp; Jerry" in kept


def test_a_wrong_answer_sent_back_is_shown_as_typed(client: FlaskClient, app: Flask) -> None:
    journey = Journey(client, "complaint")
    with app.app_context():
        answers = answers_for("complaint", "parent")
    journey.fill(answers)
    wrong = answers["contact"] | {"email": "rowan<b>@", "phone": "0770"}
    first = journey.post("contact", wrong).get_data(as_text=True)
    again = journey.post("contact", wrong).get_data(as_text=True)
    fields._SHARED.clear()
    afresh = journey.post("contact", wrong).get_data(as_text=True)
    assert 'value="rowan&lt;b&gt;@"' in again
    token = page_of_token(again)
    assert first.replace(page_of_token(first), token) == again
    assert afresh.replace(page_of_token(afresh), token) == again


def test_kept_fields_make_what_the_macros_make(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page from kept fields, what a person typed put back (inside a field revealed
    under a choice, which the macros indent, too), is the one GOV.UK's macros make with
    nothing kept, character for character."""
    filled_in(client, app, HOSTILE, f"{HOSTILE}\r\n\r\n  second line\nthird")
    journey = Journey(client, "complaint")
    pages = [
        "/make-a-complaint/contact",
        "/make-a-complaint/what-happened",
        "/make-a-complaint/support",
        "/make-a-complaint/get-help-now?then=contact",
        "/make-a-complaint/save-for-later?step=contact",
    ]
    wrong = {"contact_preference": "email", "email": "rowan<b>@\nx", "name": HOSTILE}

    def shown() -> list[str]:
        html = [client.get(path).get_data(as_text=True) for path in pages]
        html.append(journey.post("contact", wrong).get_data(as_text=True))
        return [page.replace(page_of_token(page), "token") for page in html]

    shown()  # kept
    kept = shown()
    assert fields._SHARED
    monkeypatch.setattr(fields, "_shared_key", lambda *arguments: None)
    assert shown() == kept
    assert 'class="govuk-radios__conditional' in kept[0]
