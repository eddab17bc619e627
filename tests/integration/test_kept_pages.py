"""A question page is made once a worker for each shape and kept; each person's answers
and token are put into it when it is shown (portal/public/kept_pages.py, issue 19). What
a person sees must be exactly the page made in full for them, never anything of another's.

The whole suite runs with KEPT_PAGES_CHECK on, which makes every kept page again in full
and fails on any difference; these tests check the kept page is used, and say what a
person would check of it."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, template_rendered
from flask.testing import FlaskClient
from journey_helpers import Answers, Journey, Page, answers_for, page_of, submissions
from markupsafe import escape

from portal import fields
from portal.public import kept_pages

ALEX: Answers = {
    "name": 'Alex "Lex" O\'Neill <script>alert(1)</script>',
    "contact_preference": "post",
    # Lines, a blank line and a line of spaces: the macros indent the lines after the
    # first of an answer in a revealed field.
    "address": "Flat 2 & 3\n14 Mill Lane\n\n   \nNorthmoor <b>town</b>",
    "postcode": "LS1 4AP",
    "safe_to_contact": ["letters"],
}
BLESSING: Answers = {
    "name": "Blessing Ọláyíwọ́lá",
    "contact_preference": "post",
    "address": "Tŷ Coch\r\nHeol y Bont\u2028Aberteifi",
    "postcode": "SA43 1AB",
    "safe_to_contact": ["letters"],
}


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    kept_pages._KEPT.clear()
    fields._SHARED.clear()


@pytest.fixture
def made(app: Flask) -> Iterator[list[str]]:
    """The templates made in full while a test runs, by name."""
    names: list[str] = []

    def note(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        names.append(template.name)

    template_rendered.connect(note, app)
    yield names
    template_rendered.disconnect(note, app)


def visitor(app: Flask) -> FlaskClient:
    """Another person's browser. The tests' requests share the test's app context, so
    Flask-WTF's token for the request (`g.csrf_token`) would carry over to them: gone, as
    it is at the start of every real request."""
    g.pop("csrf_token", None)
    return app.test_client()


def contact_page(client: FlaskClient, contact: Answers) -> Page:
    """A parent's contact page, answered with `contact` and shown again."""
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    journey.answer("contact", contact)
    return journey.get("contact")


def without_token(page: Page) -> str:
    return page.html.replace(page.csrf_token, "TOKEN")


def test_the_next_person_is_shown_the_kept_page_with_their_own_answers(
    app: Flask, made: list[str]
) -> None:
    app.config["KEPT_PAGES_CHECK"] = False  # count the pages made, not the check's
    alex = contact_page(visitor(app), ALEX)
    assert made.count("public/contact.html") == 1
    blessing = contact_page(visitor(app), BLESSING)
    assert made.count("public/contact.html") == 1, "the contact page was made again"

    assert blessing.value_of("name") == BLESSING["name"]
    assert blessing.value_of("postcode") == BLESSING["postcode"]
    assert "Tŷ Coch" in str(blessing.value_of("address"))
    assert "Alex" not in blessing.html and "Mill Lane" not in blessing.html
    # Escaped as the macros escape it: the script is text.
    assert str(escape(ALEX["name"])) in alex.html and "<script>alert" not in alex.html


@pytest.mark.parametrize("contact", [ALEX, BLESSING], ids=["alex", "blessing"])
def test_a_kept_page_is_the_page_made_in_full(app: Flask, contact: Answers) -> None:
    app.config["KEPT_PAGES_CHECK"] = False
    contact_page(visitor(app), {**ALEX, "name": "Someone Else"})  # kept for this shape
    client = visitor(app)
    kept = contact_page(client, contact)
    app.config["KEPT_PAGES"] = False
    in_full = page_of(client.get("/make-a-complaint/contact"))
    assert without_token(kept) == without_token(in_full)


def test_each_person_is_given_their_own_token_and_it_is_accepted(app: Flask) -> None:
    alex = contact_page(visitor(app), ALEX)
    client = visitor(app)
    page = contact_page(client, BLESSING)
    assert page.csrf_token != alex.csrf_token
    answered = client.post(
        "/make-a-complaint/contact", data={**BLESSING, "csrf_token": page.csrf_token}
    )
    assert answered.status_code == 302, page_of(answered).error_summary


def test_dates_typed_are_each_persons_own(app: Flask, made: list[str]) -> None:
    app.config["KEPT_PAGES_CHECK"] = False
    pages = []
    for day, month, year in (["14", "3", "2012"], ["2", "Rhagfyr", "2015"]):
        client = visitor(app)
        journey = Journey(client, "complaint")
        journey.answer("who-are-you", {"role": "parent"})
        journey.post(
            "about-the-child",
            {"child_name": "Sam Taylor", "child_date_of_birth": [day, month, year]},
        )
        pages.append(journey.get("about-the-child"))
    assert made.count("public/about-the-child.html") == 1
    assert pages[0].value_of("child_date_of_birth") == ["14", "3", "2012"]
    assert pages[1].value_of("child_date_of_birth") == ["2", "Rhagfyr", "2015"]


def test_the_check_fails_when_a_kept_page_differs(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    journey = Journey(visitor(app), "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    journey.get("contact")
    (key,) = [key for key in kept_pages._KEPT if key[0] == "public/contact.html"]
    kept_pages._KEPT[key] = kept_pages._KEPT[key].replace("How we can contact you", "Hello")
    shown = journey.client.get("/make-a-complaint/contact")
    assert shown.status_code == 500
    raised = [r.exc_info[0] for r in caplog.records if r.exc_info]
    assert raised == [kept_pages.KeptPageDiffers]


def test_nothing_a_person_typed_is_kept(app: Flask) -> None:
    with app.app_context():
        answers = answers_for("complaint", "parent")
    answers["contact"] = ALEX
    answers["what-happened"] |= {"what_happened": "Nobody rang Rowan back about Kestrel House."}
    client = visitor(app)
    journey = Journey(client, "complaint")
    for step in journey.fill(answers):
        journey.get(step)
    assert kept_pages._KEPT
    kept = "\n".join(kept_pages._KEPT.values())
    for typed in ("Rowan", "Kestrel", "Mill Lane", "alert(1)", "LS1 4AP", "Sam Taylor"):
        assert typed not in kept, typed


def test_a_page_with_a_message_to_show_is_made_in_full(app: Flask, made: list[str]) -> None:
    """A page that shows a one-time message (the session expired) is not the kept one."""
    app.config["KEPT_PAGES_CHECK"] = False
    contact_page(visitor(app), ALEX)
    client = visitor(app)
    contact_page(client, BLESSING)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "session-expired")]
    before = made.count("public/contact.html")
    page = page_of(client.get("/make-a-complaint/contact"))
    assert made.count("public/contact.html") == before + 1
    assert "You were away for a while" in page.text


def test_a_page_for_someone_signed_in_is_made_in_full(app: Flask, made: list[str]) -> None:
    """Someone signed in (an advocate filing for a child) may be shown what their account
    knows: never a page kept for the public, nor one kept from theirs."""
    from backoffice_helpers import sign_in_as_manager

    app.config["KEPT_PAGES_CHECK"] = False
    contact_page(visitor(app), ALEX)
    client = visitor(app)
    sign_in_as_manager(client)
    contact_page(client, ALEX)
    contact_page(client, ALEX)
    assert made.count("public/contact.html") == 3


def test_the_next_persons_confirmation_is_kept_with_their_own_reference(
    app: Flask, made: list[str]
) -> None:
    """Two parents' complaints sent the same day: one confirmation page made, each shown
    their own reference and the same dates, and it is the page made in full."""
    app.config["KEPT_PAGES_CHECK"] = False
    confirmations = []
    for _ in range(2):
        client = visitor(app)
        confirmations.append((client, Journey(client, "complaint").complete("parent")[1]))
    assert made.count("public/confirmation.html") == 1
    references = [s.reference for s in submissions()]
    (first, first_page), (second, second_page) = confirmations
    assert references[0] in first_page.text and references[1] not in first_page.text
    assert references[1] in second_page.text and references[0] not in second_page.text
    assert first_page.text.replace(references[0], "") == second_page.text.replace(references[1], "")
    app.config["KEPT_PAGES"] = False
    in_full = page_of(second.get("/make-a-complaint/confirmation"))
    assert in_full.html == second_page.html


def tracking_paths(count: int) -> list[tuple[str, str]]:
    """`count` parents' complaints sent now, each with its reference and tracking page."""
    from urllib.parse import urlsplit

    from backoffice_helpers import new_complaint

    from portal.extensions import db
    from portal.services import correspondence

    cases = [new_complaint() for _ in range(count)]
    paths = [
        (case.reference, urlsplit(correspondence.new_tracking_url(case)).path) for case in cases
    ]
    db.session.commit()
    return paths


def test_tracking_pages_of_cases_alike_are_one_kept_page_each_with_its_own_reference_and_link(
    app: Flask, made: list[str]
) -> None:
    """Two complaints sent the same day, in the same state: one page made; each person
    sees their own reference and links carrying their own token, never the other's."""
    app.config["KEPT_PAGES_CHECK"] = False
    (first, first_path), (second, second_path) = tracking_paths(2)
    pages = [page_of(visitor(app).get(path)) for path in (first_path, second_path)]
    assert made.count("public/track.html") == 1

    for page, reference, path, other, other_path in (
        (pages[0], first, first_path, second, second_path),
        (pages[1], second, second_path, first, first_path),
    ):
        assert reference in page.text and other not in page.html
        assert other_path.rsplit("/", 1)[1] not in page.html
        assert f"{path}/what-you-sent" in page.html
        hrefs = [a.attrs.get("href") or "" for a in page.find_all("a")]
        own = [href for href in hrefs if href.startswith(path.rsplit("/", 1)[0] + "/")]
        assert own and all(href.startswith(path) for href in own), own
    app.config["KEPT_PAGES"] = False
    assert page_of(visitor(app).get(second_path)).html == pages[1].html


def test_a_tracking_page_shows_a_change_to_its_case_at_once(app: Flask, made: list[str]) -> None:
    """A letter sent after the page was kept is on the next view: the case's values are the
    key, so its page is made again."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Submission
    from portal.services import correspondence

    app.config["KEPT_PAGES_CHECK"] = False
    ((reference, path),) = tracking_paths(1)
    client = visitor(app)
    assert "Messages and letters from us" not in page_of(client.get(path)).text
    correspondence.send(
        db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one(),
        kind=correspondence.Kind.MESSAGE,
        subject="Your meeting on Friday",
        body="We have booked a meeting for **Friday**.",
    )
    db.session.commit()

    page = page_of(client.get(path))

    assert "Messages and letters from us" in page.text
    assert "We have booked a meeting for Friday." in page.text
    assert made.count("public/track.html") == 2


@pytest.mark.parametrize("written", [str.lower, lambda ref: ref.replace("-", " ")])
def test_a_tracking_page_at_an_address_written_another_way_is_the_page_in_full(
    app: Flask, written: Any
) -> None:
    """The reference in the address as a person might type it ("csc-2026-0001", with
    spaces): the page shows the reference as we wrote it and its links work, kept or not."""
    ((reference, path), (other, other_path)) = tracking_paths(2)
    token = path.rsplit("/", 1)[1]
    visitor(app).get(other_path)  # a page kept from another case alike
    client = visitor(app)
    page = client.get(f"/track/{written(reference)}/{token}")
    assert page.status_code == 200
    shown = page_of(page)
    assert reference in shown.text and other not in shown.html
    app.config["KEPT_PAGES"] = False
    assert page_of(client.get(f"/track/{written(reference)}/{token}")).html == shown.html
